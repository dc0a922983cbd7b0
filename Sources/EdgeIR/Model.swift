/// A model: its graph plus what is known about where it came from.
public struct Model: Sendable {
    public var graph: Graph
    public var metadata: ModelMetadata

    public init(graph: Graph, metadata: ModelMetadata) {
        self.graph = graph
        self.metadata = metadata
    }
}

/// Provenance and format facts shown by `inspect`.
public struct ModelMetadata: Sendable {
    /// `zoo`, `onnx`, `tflite`, `gguf`, `safetensors`.
    public var format: String
    /// Catalog id or file path.
    public var source: String
    public var producer: String?
    /// Opset, schema version or GGUF version, as the format names it (`ai.onnx 13`, `schema 3`, `v3`).
    public var formatVersion: String?
    /// Task, e.g. `classification`, `detection`, `llm-decode`.
    public var task: String?
    /// Free-form key/value metadata from the file or the catalog (sorted on display).
    public var properties: [String: String]
    /// One-line notes for the user (e.g. "weights-only: architecture not recognised").
    public var notes: [String]

    public init(format: String, source: String, producer: String? = nil, formatVersion: String? = nil,
                task: String? = nil, properties: [String: String] = [:], notes: [String] = []) {
        self.format = format
        self.source = source
        self.producer = producer
        self.formatVersion = formatVersion
        self.task = task
        self.properties = properties
        self.notes = notes
    }
}

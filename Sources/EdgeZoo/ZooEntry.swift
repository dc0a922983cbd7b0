import EdgeIR

/// What a catalog model is for; drives grouping in `edgewise catalog` and default scenarios.
public enum ZooTask: String, Sendable, CaseIterable, Codable {
    case classification, detection, segmentation, keywordSpotting = "keyword-spotting"
    case visualWakeWords = "visual-wake-words", anomalyDetection = "anomaly-detection"
    case faceDetection = "face-detection", speech, language, llm
}

/// A published figure for a catalog entry at its default parameters, with where it was published.
///
/// Tests check the generated graph against these (parameters within ±1 %, MACs within ±5 %), so every
/// number here must come from the cited source, never from Edgewise itself.
public struct PublishedFigure: Sendable, Hashable {
    /// Parameter count, if published.
    public let parameters: Int?
    /// Multiply-accumulates in units of 10⁹, if published.
    public let gmacs: Double?
    /// Citation: paper, torchvision table, model card, with enough detail to find the number.
    public let source: String
    /// True when the published count includes BatchNorm running statistics (Keras "Total params"),
    /// so it compares with parameters + buffer elements rather than parameters alone.
    public let countsBuffers: Bool

    public init(parameters: Int? = nil, gmacs: Double? = nil, source: String, countsBuffers: Bool = false) {
        self.parameters = parameters
        self.gmacs = gmacs
        self.source = source
        self.countsBuffers = countsBuffers
    }
}

/// A parameter a catalog entry accepts in its `zoo:` reference (`?width=0.5&input=160`).
public struct ZooParameter: Sendable {
    public enum Kind: Sendable {
        case int(ClosedRange<Int>)
        case double(ClosedRange<Double>)
        case choice([String])
    }

    public let name: String
    public let kind: Kind
    /// The default, as it would be written in a reference.
    public let defaultValue: String
    public let help: String

    public init(_ name: String, _ kind: Kind, default defaultValue: String, help: String) {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.help = help
    }

    /// A description of the accepted values, for error messages and `catalog --json`.
    public var accepted: String {
        switch kind {
        case .int(let r): return "an integer in \(r.lowerBound)…\(r.upperBound)"
        case .double(let r): return "a number in \(r.lowerBound)…\(r.upperBound)"
        case .choice(let c): return "one of " + c.joined(separator: ", ")
        }
    }
}

/// One model in the built-in catalog: a parameterised architecture generator.
public struct ZooEntry: Sendable {
    public let id: String
    /// Family shown in listings (`MobileNet`, `YOLO`, `Llama`).
    public let family: String
    public let task: ZooTask
    public let summary: String
    public let parameters: [ZooParameter]
    /// Published figures at the default parameters, if any exist.
    public let published: PublishedFigure?
    /// Builds the architecture graph (weights absent) for validated arguments.
    public let build: @Sendable (ZooArguments) throws -> Graph

    public init(id: String, family: String, task: ZooTask, summary: String, parameters: [ZooParameter] = [],
                published: PublishedFigure? = nil, build: @escaping @Sendable (ZooArguments) throws -> Graph) {
        self.id = id
        self.family = family
        self.task = task
        self.summary = summary
        self.parameters = parameters
        self.published = published
        self.build = build
    }
}

/// Validated argument values for one build. Every key the entry declares is present (defaults filled in).
public struct ZooArguments: Sendable {
    public let values: [String: String]

    public init(_ values: [String: String]) { self.values = values }

    public func int(_ key: String) -> Int { values[key].flatMap { Int($0) } ?? 0 }
    public func double(_ key: String) -> Double { values[key].flatMap { Double($0) } ?? 0 }
    public func string(_ key: String) -> String { values[key] ?? "" }
}

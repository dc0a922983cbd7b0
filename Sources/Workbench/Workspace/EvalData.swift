import EdgeOptimize
import Foundation

/// The evaluation data of a workspace model that is a real file: what the Tune screen's background evaluation
/// runs the original and the tuned model on.
///
/// In a workspace, under a model:
/// ```yaml
/// eval:
///   inputs: {bytes: "cache:assets"}     # model input → a file or a directory (one sample per file)
///   features: magika                     # how a file becomes that input: npy (default) or magika
///   labels:                              # optional: task accuracy
///     by_extension: {onnx: onnx, png: png, jpg: jpeg}
///     classes: "cache:assets/magika-1.0.3/magika/models/standard_v3_3/config.min.json"
///   per_class: 12                        # at most this many samples per label (first in path order)
/// ```
/// Paths starting `cache:` are inside the model cache `Scripts/fetch-models.sh` fills (`$EDGEWISE_CACHE`,
/// default `~/.cache/edgewise`), `~/` is the home directory; other relative paths are taken from the current
/// directory, as model references are.
public struct EvalData: Sendable, Equatable {
    /// How a file becomes a model input.
    public enum Features: String, Sendable, CaseIterable {
        /// A `.npy` array used as it is.
        case npy
        /// Magika's byte window (magika 1.0.3 `config.min.json`): the first 1,024 bytes of the first 4,096 after
        /// stripping leading ASCII whitespace, right-padded with 256, then the last 1,024 of the last 4,096 after
        /// stripping trailing whitespace, left-padded with 256: int32 `[1, 2048]`.
        case magika
    }

    /// Input name → file or directory, in the file's order.
    public var inputs: [(name: String, path: String)]
    public var features: Features
    /// File extension (lower case, no dot) → class name; files of other extensions are skipped.
    public var labelsByExtension: [String: String]
    /// Class names in the model's output order: a JSON file (an array, or an object with `target_labels_space`).
    public var classes: String?
    public var perClass: Int?

    public init(inputs: [(name: String, path: String)], features: Features = .npy, labelsByExtension: [String: String] = [:],
                classes: String? = nil, perClass: Int? = nil) {
        self.inputs = inputs
        self.features = features
        self.labelsByExtension = labelsByExtension
        self.classes = classes
        self.perClass = perClass
    }

    public static func == (a: EvalData, b: EvalData) -> Bool {
        a.inputs.map(\.name) == b.inputs.map(\.name) && a.inputs.map(\.path) == b.inputs.map(\.path) && a.features == b.features
            && a.labelsByExtension == b.labelsByExtension && a.classes == b.classes && a.perClass == b.perClass
    }

    /// The model cache `Scripts/fetch-models.sh` fills.
    public static var cacheDirectory: String {
        if let c = ProcessInfo.processInfo.environment["EDGEWISE_CACHE"], !c.isEmpty { return c }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/edgewise").path
    }

    /// A workspace path made absolute: `cache:` → the model cache, `~/` → home, relative → beside the workspace.
    public static func resolve(_ path: String, relativeTo directory: String? = nil) -> String {
        if path.hasPrefix("cache:") { return cacheDirectory + "/" + path.dropFirst(6).drop { $0 == "/" } }
        if path.hasPrefix("~/") { return FileManager.default.homeDirectoryForCurrentUser.path + "/" + path.dropFirst(2) }
        if path.hasPrefix("/") || directory == nil { return path }
        return directory! + "/" + path
    }

    /// Why a `cache:` path is missing, in words the user can act on; nil when it is not a cache path.
    public static func missingCacheHint(_ path: String) -> String? {
        path.hasPrefix("cache:") ? "not in the model cache \(cacheDirectory): run Scripts/fetch-models.sh" : nil
    }
}

extension EvalData {
    init(yaml: YAMLValue) throws {
        let m = try yaml.mapping(allowed: ["inputs", "features", "labels", "per_class"])
        guard let inputsNode = m["inputs"], let pairs = inputsNode.node.mapping, !pairs.isEmpty else {
            throw (m["inputs"] ?? yaml).error("eval needs 'inputs': a map of model input name to a file or directory")
        }
        var inputs: [(name: String, path: String)] = []
        for (k, v) in pairs {
            inputs.append((try YAMLValue(node: k, file: yaml.file).string(), try YAMLValue(node: v, file: yaml.file).string()))
        }
        self.init(inputs: inputs)
        if let f = m["features"] {
            features = Features(rawValue: try f.choice(Features.allCases.map(\.rawValue), what: "features"))!
        }
        if let l = m["labels"] {
            let lm = try l.mapping(allowed: ["by_extension", "classes"])
            guard let by = lm["by_extension"], let map = by.node.mapping else {
                throw l.error("labels need 'by_extension': a map of file extension to class name")
            }
            for (k, v) in map {
                let ext = try YAMLValue(node: k, file: yaml.file).string().lowercased().drop { $0 == "." }
                labelsByExtension[String(ext)] = try YAMLValue(node: v, file: yaml.file).string()
            }
            guard let c = lm["classes"] else { throw l.error("labels need 'classes': the model's class names (a JSON file)") }
            classes = try c.string()
        }
        if let p = m["per_class"] { perClass = try p.int(in: 1...100_000, what: "per_class") }
    }

    /// YAML lines under a model entry (indented by `indent`).
    func yamlLines(indent: Int) -> [String] {
        let pad = String(repeating: " ", count: indent)
        var l = ["\(pad)eval:"]
        l.append("\(pad)  inputs: {" + inputs.map { "\(YAMLText.scalar($0.name)): \(YAMLText.scalar($0.path))" }.joined(separator: ", ") + "}")
        if features != .npy { l.append("\(pad)  features: \(features.rawValue)") }
        if !labelsByExtension.isEmpty {
            l.append("\(pad)  labels:")
            l.append("\(pad)    by_extension: {" + labelsByExtension.sorted { $0.key < $1.key }
                .map { "\(YAMLText.scalar($0.key)): \(YAMLText.scalar($0.value))" }.joined(separator: ", ") + "}")
            if let c = classes { l.append("\(pad)    classes: \(YAMLText.scalar(c))") }
        }
        if let p = perClass { l.append("\(pad)  per_class: \(p)") }
        return l
    }
}

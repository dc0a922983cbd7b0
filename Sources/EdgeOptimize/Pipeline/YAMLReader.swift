import Yams

/// Strict reading of hand-written YAML: every unknown key and every bad value is reported with the
/// file, line and column where it sits, so a typo in a pipeline or workspace file points at itself.
public struct YAMLError: Error, Sendable, Equatable, CustomStringConvertible {
    public let file: String
    public let line: Int?
    public let column: Int?
    public let message: String

    public init(file: String, line: Int?, column: Int?, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        let at = line.map { ":\($0)" + (column.map { ":\($0)" } ?? "") } ?? ""
        return "\(file)\(at): \(message)"
    }
}

/// A YAML node with its file name, and typed accessors that fail with a located ``YAMLError``.
public struct YAMLValue {
    public let node: Node
    public let file: String

    public init(node: Node, file: String) {
        self.node = node
        self.file = file
    }

    /// Parses `text`; a syntax error is reported at the line and column Yams gives.
    public static func parse(_ text: String, file: String) throws -> YAMLValue {
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw YAMLError(file: file, line: 1, column: 1, message: "the document is empty")
            }
            return YAMLValue(node: node, file: file)
        } catch let e as YamlError {
            throw YAMLError(file: file, line: e.line, column: e.column, message: "YAML syntax: \(e.summary)")
        }
    }

    public func error(_ message: String) -> YAMLError {
        YAMLError(file: file, line: node.mark?.line, column: node.mark?.column, message: message)
    }

    /// The mapping's entries; fails if this is not a mapping or has keys outside `allowed`.
    public func mapping(allowed: [String]) throws -> [String: YAMLValue] {
        guard let m = node.mapping else { throw error("expected a mapping of keys to values") }
        var out: [String: YAMLValue] = [:]
        for (k, v) in m {
            guard let key = k.string else { throw YAMLValue(node: k, file: file).error("keys must be strings") }
            guard allowed.contains(key) else {
                let hint = YAMLValue.closest(key, in: allowed).map { "; did you mean '\($0)'?" } ?? ""
                throw YAMLValue(node: k, file: file).error("unknown key '\(key)'\(hint) (valid: \(allowed.joined(separator: ", ")))")
            }
            guard out[key] == nil else { throw YAMLValue(node: k, file: file).error("duplicate key '\(key)'") }
            out[key] = YAMLValue(node: v, file: file)
        }
        return out
    }

    public func sequence() throws -> [YAMLValue] {
        guard let s = node.sequence else { throw error("expected a list") }
        return s.map { YAMLValue(node: $0, file: file) }
    }

    public func string() throws -> String {
        guard let s = node.scalar?.string else { throw error("expected a text value") }
        return s
    }

    public func double(in range: ClosedRange<Double>? = nil, what: String) throws -> Double {
        guard let s = node.scalar?.string, let v = Double(s), v.isFinite else { throw error("\(what) must be a number") }
        if let range, !range.contains(v) { throw error("\(what) must be in \(range.lowerBound)…\(range.upperBound), got \(s)") }
        return v
    }

    public func int(in range: ClosedRange<Int>? = nil, what: String) throws -> Int {
        guard let s = node.scalar?.string, let v = Int(s) else { throw error("\(what) must be an integer") }
        if let range, !range.contains(v) { throw error("\(what) must be in \(range.lowerBound)…\(range.upperBound), got \(v)") }
        return v
    }

    public func bool(what: String) throws -> Bool {
        switch node.scalar?.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error("\(what) must be true or false")
        }
    }

    public func choice(_ options: [String], what: String) throws -> String {
        let s = try string()
        guard options.contains(s) else {
            let hint = YAMLValue.closest(s, in: options).map { "; did you mean '\($0)'?" } ?? ""
            throw error("\(what) '\(s)' is not one of \(options.joined(separator: ", "))\(hint)")
        }
        return s
    }

    /// The option closest to `s` by edit distance, if within 2 edits.
    public static func closest(_ s: String, in options: [String]) -> String? {
        func distance(_ a: [Character], _ b: [Character]) -> Int {
            if a.isEmpty { return b.count }
            if b.isEmpty { return a.count }
            var prev = Array(0...b.count), cur = [Int](repeating: 0, count: b.count + 1)
            for i in 1...a.count {
                cur[0] = i
                for j in 1...b.count { cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)) }
                swap(&prev, &cur)
            }
            return prev[b.count]
        }
        let a = Array(s.lowercased())
        return options.map { ($0, distance(a, Array($0.lowercased()))) }.filter { $0.1 <= 2 }.min { $0.1 < $1.1 }?.0
    }
}

extension YamlError {
    var line: Int? {
        switch self {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): return mark.line
        default: return nil
        }
    }

    var column: Int? {
        switch self {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): return mark.column
        default: return nil
        }
    }

    var summary: String {
        switch self {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _): return problem
        default: return "\(self)".split(separator: "\n").first.map(String.init) ?? "invalid YAML"
        }
    }
}

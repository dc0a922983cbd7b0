import Foundation

/// A position in a device file's tree with its dotted key path, and typed reads that fail with
/// ``DeviceFileError`` naming file, line and key.
struct YAMLCursor {
    let value: YAMLValue
    let path: String

    init(_ value: YAMLValue, path: String) {
        self.value = value
        self.path = path
    }

    var line: Int { value.origin.line }
    var file: String { value.origin.file }

    func error(_ problem: String) -> DeviceFileError {
        DeviceFileError(file: file, line: line, key: path, problem: problem)
    }

    private func childPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The entries of a mapping.
    func entries() throws -> [(key: String, value: YAMLCursor)] {
        guard case .map(let pairs, _) = value else { throw error("expected a mapping") }
        return pairs.map { ($0.key, YAMLCursor($0.value, path: childPath($0.key))) }
    }

    /// Rejects keys outside `allowed` (a typo would otherwise be silently ignored).
    func checkKeys(_ allowed: Set<String>) throws {
        for (k, v) in try entries() where !allowed.contains(k) {
            throw v.error("unknown key; expected one of: \(allowed.sorted().joined(separator: ", "))")
        }
    }

    func optional(_ key: String) throws -> YAMLCursor? {
        try entries().first { $0.key == key }?.value
    }

    func require(_ key: String) throws -> YAMLCursor {
        guard let c = try optional(key) else {
            throw DeviceFileError(file: file, line: line, key: childPath(key), problem: "missing required key")
        }
        return c
    }

    func list() throws -> [YAMLCursor] {
        guard case .list(let items, _) = value else { throw error("expected a list") }
        return items.enumerated().map { YAMLCursor($0.element, path: "\(path)[\($0.offset)]") }
    }

    func string() throws -> String {
        guard case .scalar(let s, _) = value else { throw error("expected a single value") }
        return s
    }

    func nonEmptyString() throws -> String {
        let s = try string()
        guard !s.trimmingCharacters(in: .whitespaces).isEmpty else { throw error("must not be empty") }
        return s
    }

    func strings() throws -> [String] {
        if case .scalar = value { return [try string()] }
        return try list().map { try $0.string() }
    }

    func bool() throws -> Bool {
        switch try string().lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error("expected true or false")
        }
    }

    /// A plain number with an optional unit of `dimension`.
    func quantity(_ dimension: Dimension) throws -> Double {
        let s = try string()
        guard let v = dimension.parse(s) else {
            throw error("'\(s)' is not a \(dimension.rawValue) value; write e.g. '\(dimension.example)'")
        }
        return v
    }

    /// A number with provenance: `{v: 4 TOPS, src: datasheet}` or `{v: 4 TOPS, est: why}`.
    ///
    /// `src` may name an entry of the file's `sources:` table or be a citation itself. A bare number
    /// is accepted and marked as supplied by the user's file (built-in files are tested to have none).
    func sourced(_ dimension: Dimension, sources: [String: String], allowZero: Bool = false) throws -> Sourced {
        let v: Double
        let origin: ValueSource
        if case .scalar = value {
            v = try quantity(dimension)
            origin = .user(file)
        } else {
            try checkKeys(["v", "src", "est"])
            v = try require("v").quantity(dimension)
            let src = try optional("src"), est = try optional("est")
            switch (src, est) {
            case (let s?, nil):
                let key = try s.nonEmptyString()
                origin = .published(sources[key] ?? key)
            case (nil, let e?):
                origin = .estimate(try e.nonEmptyString())
            case (nil, nil):
                throw error("needs 'src' (a source) or 'est' (why it is an estimate)")
            case (_?, _?):
                throw error("give either 'src' or 'est', not both")
            }
        }
        guard v >= 0 else { throw error("must not be negative (got \(v))") }
        guard allowZero || v > 0 else { throw error("must be positive") }
        return Sourced(v, origin)
    }
}

/// Errors from resolving a `zoo:` reference. Messages are one line, for the CLI.
public enum ZooError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownModel(id: String, suggestion: String?)
    case unknownParameter(id: String, key: String, valid: [String])
    case badValue(id: String, key: String, value: String, expected: String)
    case malformedReference(String)

    public var description: String {
        switch self {
        case .unknownModel(let id, let s):
            return "unknown catalog model '\(id)'" + (s.map { "; did you mean '\($0)'?" } ?? "; run `edgewise catalog` for the list")
        case .unknownParameter(let id, let key, let valid):
            return "'\(id)' has no parameter '\(key)'" + (valid.isEmpty ? " (it takes none)" : "; valid: " + valid.joined(separator: ", "))
        case .badValue(let id, let key, let value, let expected):
            return "'\(id)': \(key)=\(value) is invalid; expected \(expected)"
        case .malformedReference(let r):
            return "malformed catalog reference '\(r)'; expected zoo:<id>[?key=value&…]"
        }
    }
}

/// Errors raised by the IR: graph validation, shape inference and I/O on mapped files.
///
/// Every case names the node (or value) and says what is wrong in one line, because these messages
/// reach users directly through `edgewise inspect`.
public enum IRError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A node reads a value that no node, input or constant produces.
    case danglingInput(node: String, input: String)
    /// Two producers write the same value name.
    case duplicateValue(String)
    /// The graph has a cycle through these nodes.
    case cycle(nodes: [String])
    /// The node's input shapes do not fit together.
    case shapeMismatch(node: String, op: OpType, detail: String)
    /// The node's input element types do not fit together.
    case typeMismatch(node: String, op: OpType, detail: String)
    /// An attribute is missing, of the wrong kind, or out of range.
    case badAttribute(node: String, op: OpType, attribute: String, detail: String)
    /// The node has too few or too many inputs.
    case arity(node: String, op: OpType, detail: String)
    /// A graph output names no value.
    case unknownOutput(String)
    /// A dimension is still symbolic where a number is required.
    case unresolvedDimension(value: String, shape: Shape)
    case io(path: String, reason: String)

    public var description: String {
        switch self {
        case .danglingInput(let n, let i): return "node '\(n)': input '\(i)' is not produced by any node, graph input or constant"
        case .duplicateValue(let v): return "value '\(v)' is produced more than once"
        case .cycle(let ns): return "graph has a cycle through: \(ns.prefix(8).joined(separator: " → "))\(ns.count > 8 ? " …" : "")"
        case .shapeMismatch(let n, let op, let d): return "node '\(n)' (\(op)): shape mismatch: \(d)"
        case .typeMismatch(let n, let op, let d): return "node '\(n)' (\(op)): type mismatch: \(d)"
        case .badAttribute(let n, let op, let a, let d): return "node '\(n)' (\(op)): attribute '\(a)': \(d)"
        case .arity(let n, let op, let d): return "node '\(n)' (\(op)): \(d)"
        case .unknownOutput(let v): return "graph output '\(v)' is not produced by any node, input or constant"
        case .unresolvedDimension(let v, let s): return "value '\(v)' has unresolved shape \(s); bind its symbols first"
        case .io(let p, let r): return "\(p): \(r)"
        }
    }
}

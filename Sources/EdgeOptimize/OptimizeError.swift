/// An optimization step was asked to do something it cannot do.
///
/// Every transformation checks its settings and its input before it touches a weight, so a bad
/// sparsity, rank or bit width fails at once with a message naming the setting and what it accepts;
/// nothing half-done is ever returned.
public enum OptimizeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A setting is outside what the technique accepts (`sparsity 1.2`, `rank 0`, `bits 9`).
    case invalidSetting(name: String, value: String, expected: String)
    /// A tensor cannot be processed as asked (wrong shape, non-finite values, absent bytes …).
    case badTensor(name: String, reason: String)
    /// The graph has no place where the technique applies, or a node it cannot rewrite.
    case unsupported(String)

    public var description: String {
        switch self {
        case .invalidSetting(let n, let v, let e): return "\(n) \(v) is not allowed: expected \(e)"
        case .badTensor(let n, let r): return "tensor '\(n)': \(r)"
        case .unsupported(let s): return s
        }
    }
}

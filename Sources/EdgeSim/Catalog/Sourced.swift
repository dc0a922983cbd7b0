/// Where a number in the device catalog comes from.
public enum ValueSource: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Read from a publication (datasheet, paper, vendor page); the citation.
    case published(String)
    /// Not published; estimated, with the reasoning.
    case estimate(String)
    /// Written without provenance in a user's device file (the file's path).
    case user(String)
    /// Measured on this machine (the host device's micro-benchmarks).
    case measured(String)

    public var description: String {
        switch self {
        case .published(let s): return "source: \(s)"
        case .estimate(let s): return "estimate: \(s)"
        case .user(let f): return "user file \(f)"
        case .measured(let s): return "measured: \(s)"
        }
    }

    public var isEstimate: Bool { if case .estimate = self { return true } else { return false } }
}

/// A number with its provenance.
public struct Sourced: Sendable, Hashable, CustomStringConvertible {
    public var value: Double
    public var source: ValueSource

    public init(_ value: Double, _ source: ValueSource) {
        self.value = value
        self.source = source
    }

    public static func estimate(_ value: Double, _ why: String) -> Sourced { Sourced(value, .estimate(why)) }

    public var description: String { "\(value) (\(source))" }
}

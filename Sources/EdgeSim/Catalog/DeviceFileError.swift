/// A problem in a device file, naming the file, the line and the key, in one line for the CLI.
public struct DeviceFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public let file: String
    public let line: Int
    /// Dotted path of the offending key (`devices[3].units[0].peak.int8`).
    public let key: String
    public let problem: String

    public init(file: String, line: Int, key: String, problem: String) {
        self.file = file
        self.line = line
        self.key = key
        self.problem = problem
    }

    public var description: String {
        "\(file):\(line): \(key.isEmpty ? "" : "'\(key)': ")\(problem)"
    }
}

/// Errors of the simulator that are not about a device file: unknown names and impossible scenarios.
public enum SimError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownDevice(String, suggestion: String?)
    case unknownRuntime(device: String, runtime: String, valid: [String])
    case unknownDVFSState(device: String, state: String, valid: [String])
    case unknownPrecision(String)
    case invalidScenario(String)
    case unsupportedModel(String)
    case calibration(String)

    public var description: String {
        switch self {
        case .unknownDevice(let d, let s):
            return "unknown device '\(d)'" + (s.map { "; did you mean '\($0)'?" } ?? "; run `edgewise devices` for the list")
        case .unknownRuntime(let d, let r, let valid):
            return "device '\(d)' has no runtime '\(r)'; valid: \(valid.joined(separator: ", "))"
        case .unknownDVFSState(let d, let s, let valid):
            return "device '\(d)' has no power state '\(s)'; valid: \(valid.joined(separator: ", "))"
        case .unknownPrecision(let p):
            return "unknown precision '\(p)'; valid: \(Precision.knownNames.joined(separator: ", "))"
        case .invalidScenario(let m): return "impossible scenario: \(m)"
        case .unsupportedModel(let m): return m
        case .calibration(let m): return "calibration: \(m)"
        }
    }
}

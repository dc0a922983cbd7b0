/// A user-facing error: printed as one line by ArgumentParser, exit status 1.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

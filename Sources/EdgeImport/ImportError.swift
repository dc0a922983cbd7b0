/// A model file could not be imported.
///
/// Model files come from strangers, so every importer reports what it rejected precisely: the
/// format, the field (as a path such as `graph.initializer[3].raw_data` or `tensor_infos[12].dims`)
/// and the byte offset where the bad value sits. The CLI prints ``description`` as one line.
public struct ImportError: Error, Sendable, Equatable, CustomStringConvertible {
    public let format: String
    public let file: String
    public let field: String
    public let offset: Int?
    public let reason: String

    public init(format: String, file: String, field: String, offset: Int?, reason: String) {
        self.format = format
        self.file = file
        self.field = field
        self.offset = offset
        self.reason = reason
    }

    public var description: String {
        let at = offset.map { " at byte \($0)" } ?? ""
        return "\(file): \(format): \(field)\(at): \(reason)"
    }
}

import EdgeIR

extension Zoo {
    /// Catalog entries of this family group, in listing order.
    static let classificationEntries: [ZooEntry] = []
}

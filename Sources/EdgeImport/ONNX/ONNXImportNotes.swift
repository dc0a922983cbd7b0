/// One-line notes an importer collects for ``ModelMetadata/notes``, merged by kind.
///
/// A file with 300 nodes carrying the same unsupported attribute should say so once with a count and
/// an example, not 300 times.
struct ONNXImportNotes: Sendable {
    private var order: [String] = []
    private var entries: [String: (text: String, count: Int)] = [:]

    /// Records a note of kind `key`; repeated keys keep the first text and count the rest.
    mutating func add(_ key: String, _ text: String) {
        if let e = entries[key] {
            entries[key] = (e.text, e.count + 1)
        } else {
            order.append(key)
            entries[key] = (text, 1)
        }
    }

    mutating func add(_ text: String) { add(text, text) }

    /// The notes in first-seen order, `(×N)` appended where a kind occurred more than once.
    var lines: [String] {
        order.compactMap { k in entries[k].map { $0.count > 1 ? "\($0.text) (×\($0.count))" : $0.text } }
    }
}

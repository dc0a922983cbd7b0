import EdgeIR

/// The built-in catalog of architectures.
///
/// Entries are generated in code and parameterised like the originals (width multiplier, input size,
/// depth, classes, context length). Each family lives in its own file and contributes a list here.
public enum Zoo {
    /// Every entry, in listing order.
    public static let entries: [ZooEntry] = {
        let all = classificationEntries + detectionEntries + tinyMLEntries + sequenceEntries + llmEntries
        return all
    }()

    private static let index: [String: ZooEntry] = {
        var d: [String: ZooEntry] = [:]
        for e in entries { d[e.id] = e }
        return d
    }()

    public static func entry(id: String) -> ZooEntry? { index[id] }

    /// Resolves `zoo:<id>[?k=v&…]` (the `zoo:` prefix is optional) into an entry and validated arguments.
    /// - Throws: ``ZooError`` naming the unknown id (with the nearest id), key or value.
    public static func resolve(_ reference: String) throws -> (ZooEntry, ZooArguments) {
        var ref = reference
        if ref.hasPrefix("zoo:") { ref.removeFirst(4) }
        let parts = ref.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let id = String(parts[0])
        guard !id.isEmpty else { throw ZooError.malformedReference(reference) }
        guard let entry = index[id] else {
            throw ZooError.unknownModel(id: id, suggestion: nearestID(to: id))
        }
        var values: [String: String] = [:]
        for p in entry.parameters { values[p.name] = p.defaultValue }
        if parts.count == 2 {
            for pair in parts[1].split(separator: "&", omittingEmptySubsequences: true) {
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard kv.count == 2, !kv[0].isEmpty else { throw ZooError.malformedReference(reference) }
                let key = String(kv[0]), value = String(kv[1])
                guard let p = entry.parameters.first(where: { $0.name == key }) else {
                    throw ZooError.unknownParameter(id: id, key: key, valid: entry.parameters.map(\.name))
                }
                try validate(value, for: p, id: id)
                values[key] = value
            }
        }
        return (entry, ZooArguments(values))
    }

    /// Builds the model a reference names.
    public static func model(_ reference: String) throws -> Model {
        let (entry, args) = try resolve(reference)
        let graph = try entry.build(args)
        let canonical = "zoo:" + entry.id + canonicalQuery(entry, args)
        var props: [String: String] = [:]
        for (k, v) in args.values { props[k] = v }
        return Model(graph: graph, metadata: ModelMetadata(
            format: "zoo", source: canonical, producer: "Edgewise catalog", formatVersion: nil,
            task: entry.task.rawValue, properties: props))
    }

    /// The query string with only non-default values, sorted (`?input=160&width=0.5`).
    static func canonicalQuery(_ entry: ZooEntry, _ args: ZooArguments) -> String {
        let changed = entry.parameters.filter { args.values[$0.name] != $0.defaultValue }
            .map { "\($0.name)=\(args.values[$0.name] ?? "")" }.sorted()
        return changed.isEmpty ? "" : "?" + changed.joined(separator: "&")
    }

    private static func validate(_ value: String, for p: ZooParameter, id: String) throws {
        let bad = ZooError.badValue(id: id, key: p.name, value: value, expected: p.accepted)
        switch p.kind {
        case .int(let r):
            guard let v = Int(value), r.contains(v) else { throw bad }
        case .double(let r):
            guard let v = Double(value), v.isFinite, r.contains(v) else { throw bad }
        case .choice(let c):
            guard c.contains(value) else { throw bad }
        }
    }

    /// The catalog id closest to `id` by edit distance (case-insensitive), if reasonably close.
    public static func nearestID(to id: String) -> String? {
        let q = Array(id.lowercased())
        var best: (String, Int)?
        for e in entries {
            let d = editDistance(q, Array(e.id.lowercased()))
            if best == nil || d < best!.1 { best = (e.id, d) }
        }
        guard let (name, d) = best, d <= max(3, q.count / 2) else { return nil }
        return name
    }

    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev = Array(0...b.count)
        var cur = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            cur[0] = i
            for j in 1...b.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&prev, &cur)
        }
        return prev[b.count]
    }
}

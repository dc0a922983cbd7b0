import EdgeIR
import Foundation

/// The devices the simulator knows: the built-in YAML files, then any user files, which may add
/// devices, replace one (same `id`), or amend one (`extends: <id>` merges into it).
public struct DeviceCatalog: Sendable {
    public private(set) var devices: [Device]

    public init(devices: [Device]) { self.devices = devices }

    /// The built-in catalog plus `userFiles`, read in order (later files win).
    /// - Throws: ``DeviceFileError`` naming the file, line and key of the first problem.
    public static func load(userFiles: [URL] = []) throws -> DeviceCatalog {
        var texts: [(name: String, text: String)] = []
        for url in builtInFiles() {
            texts.append(("Data/devices/" + url.lastPathComponent, try String(contentsOf: url, encoding: .utf8)))
        }
        for url in userFiles {
            guard let text = try? String(contentsOf: url, encoding: .utf8) else {
                throw DeviceFileError(file: url.path, line: 0, key: "", problem: "cannot read the file")
            }
            texts.append((url.path, text))
        }
        return try parse(files: texts)
    }

    /// The built-in device files, sorted by name.
    static func builtInFiles() -> [URL] {
        guard let dir = Bundle.module.url(forResource: "devices", withExtension: nil, subdirectory: "Data") else { return [] }
        let files = (try? FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)) ?? []
        return files.filter { $0.pathExtension == "yaml" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// Builds a catalog from file texts (name used in errors, YAML text), in order.
    public static func parse(files: [(name: String, text: String)]) throws -> DeviceCatalog {
        var sources: [String: (String, YAMLValue.Origin)] = [:]
        var opsets: [String: Set<OpType>] = [:]
        var order: [String] = []
        var trees: [String: YAMLCursor] = [:]
        for (name, text) in files {
            let root = YAMLCursor(try YAMLValue.parse(text, file: name), path: "")
            try root.checkKeys(["sources", "opsets", "devices"])
            if let s = try root.optional("sources") {
                for (k, v) in try s.entries() {
                    let cite = try v.nonEmptyString()
                    if let (old, origin) = sources[k], old != cite {
                        throw v.error("source '\(k)' already defined differently at \(origin.file):\(origin.line)")
                    }
                    sources[k] = (cite, v.value.origin)
                }
            }
            if let o = try root.optional("opsets") {
                for (k, v) in try o.entries() {
                    opsets[k] = Set(try v.list().map { OpType(try $0.nonEmptyString()) })
                }
            }
            for item in try root.optional("devices")?.list() ?? [] {
                let id = try item.require("id").nonEmptyString()
                var tree = item
                if let ext = try item.optional("extends") {
                    let baseID = try ext.nonEmptyString()
                    guard let base = trees[baseID] else {
                        throw ext.error("extends unknown device '\(baseID)' (it must be defined in an earlier file or above)")
                    }
                    var merged = YAMLValue.merge(base.value, item.value)
                    merged = merged.removingKey("extends")
                    tree = YAMLCursor(merged, path: item.path)
                }
                if trees[id] == nil { order.append(id) }
                trees[id] = tree
            }
        }
        let parser = DeviceParser(sources: sources.mapValues(\.0), opsets: opsets)
        return DeviceCatalog(devices: try order.map { try parser.parse(trees[$0]!) })
    }

    public func device(_ id: String) -> Device? { devices.first { $0.id == id } }

    /// The device, or ``SimError/unknownDevice(_:suggestion:)`` with the nearest id.
    public func require(_ id: String) throws -> Device {
        if let d = device(id) { return d }
        throw SimError.unknownDevice(id, suggestion: nearestID(to: id))
    }

    /// The id closest to `id` (edit distance, case-insensitive; a prefix or substring match wins).
    public func nearestID(to id: String) -> String? {
        let q = id.lowercased()
        if let hit = devices.first(where: { $0.id.lowercased().hasPrefix(q) || $0.id.lowercased().contains(q) }) { return hit.id }
        var best: (String, Int)?
        for d in devices {
            let dist = editDistance(Array(q), Array(d.id.lowercased()))
            if best == nil || dist < best!.1 { best = (d.id, dist) }
        }
        guard let (name, dist) = best, dist <= max(3, q.count / 2) else { return nil }
        return name
    }

    /// Adds or replaces a device (the host device after it is measured).
    public mutating func upsert(_ device: Device) {
        if let i = devices.firstIndex(where: { $0.id == device.id }) { devices[i] = device } else { devices.append(device) }
    }
}

func editDistance(_ a: [Character], _ b: [Character]) -> Int {
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

extension YAMLValue {
    func removingKey(_ key: String) -> YAMLValue {
        guard case .map(let pairs, let o) = self else { return self }
        return .map(pairs.filter { $0.key != key }, o)
    }
}

import EdgeEngine
import EdgeIR
import Foundation

/// A workspace's evaluation data loaded into engine feeds, with the class index of each sample when labelled.
public struct EvalSet: @unchecked Sendable {
    public var feeds: [[String: HostTensor]]
    /// Class index per feed (in the model's output order), when the data is labelled.
    public var labels: [Int]?
    /// What was loaded, in words ("57 files under …/assets, 11 labels").
    public var summary: String

    /// Loads `data` for a model whose graph has `graph`'s inputs.
    /// - Throws: ``EvaluationError/failed(_:)`` naming the path and what is wrong; `.cancelled` when `cancel` is set.
    public static func load(_ data: EvalData, graph: Graph, cancel: CancellationFlag) throws(EvaluationError) -> EvalSet {
        let classNames: [String]?
        do { classNames = try data.classes.map { try loadClasses(EvalData.resolve($0)) } } catch {
            throw .failed("eval classes '\(data.classes ?? "")': \(error)")
        }
        var columns: [(name: String, files: [String])] = []
        var labelNames: [String]?
        for (name, raw) in data.inputs {
            guard graph.inputs.contains(where: { $0.name == name }) else {
                throw .failed("eval input '\(name)' is not an input of the model (it has \(graph.inputs.map(\.name).joined(separator: ", ")))")
            }
            let path = EvalData.resolve(raw)
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
                throw .failed("eval input '\(name)': \(path) " + (EvalData.missingCacheHint(raw) ?? "does not exist"))
            }
            if !isDir.boolValue {
                columns.append((name, [path]))
                continue
            }
            let (files, labels) = listing(path, data)
            guard !files.isEmpty else { throw .failed("eval input '\(name)': no usable files under \(path)") }
            columns.append((name, files))
            if labelNames == nil, !data.labelsByExtension.isEmpty { labelNames = labels }
        }
        let count = columns.map(\.files.count).max() ?? 0
        for c in columns where c.files.count != 1 && c.files.count != count {
            throw .failed("eval inputs disagree on the number of samples (\(c.name): \(c.files.count), others \(count))")
        }
        var feeds: [[String: HostTensor]] = []
        for k in 0..<count {
            if cancel.isCancelled { throw .cancelled }
            var feed: [String: HostTensor] = [:]
            for c in columns {
                let file = c.files.count == 1 ? c.files[0] : c.files[k]
                do {
                    feed[c.name] = try tensor(file, data.features)
                } catch {
                    throw .failed("eval input '\(c.name)': \(file): \(error)")
                }
            }
            feeds.append(feed)
        }
        var labels: [Int]?
        if let names = labelNames, let classes = classNames {
            labels = try names.map { n throws(EvaluationError) -> Int in
                guard let i = classes.firstIndex(of: n) else { throw .failed("eval label '\(n)' is not one of the model's classes") }
                return i
            }
        }
        let where_ = data.inputs.map { "\($0.name) ← \($0.path)" }.joined(separator: ", ")
        let labelled = labels.map { " labelled by extension (\(Set($0).count) classes)" } ?? ""
        return EvalSet(feeds: feeds, labels: labels, summary: "\(feeds.count) samples (\(where_))\(labelled)")
    }

    /// The files of a directory in path order (recursively; hidden entries skipped), keeping only labelled
    /// extensions when labels are asked for, at most `perClass` per label.
    static func listing(_ dir: String, _ data: EvalData) -> (files: [String], labels: [String]) {
        var all: [String] = []
        if let e = FileManager.default.enumerator(atPath: dir) {
            while let rel = e.nextObject() as? String {
                if rel.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
                var isDir: ObjCBool = false
                let full = dir + "/" + rel
                if FileManager.default.fileExists(atPath: full, isDirectory: &isDir), !isDir.boolValue { all.append(full) }
            }
        }
        all.sort()
        var files: [String] = [], labels: [String] = []
        var taken: [String: Int] = [:]
        for f in all {
            var label = ""
            if !data.labelsByExtension.isEmpty {
                let ext = (f as NSString).pathExtension.lowercased()
                guard let l = data.labelsByExtension[ext] else { continue }
                label = l
            }
            if data.features == .magika, let size = (try? FileManager.default.attributesOfItem(atPath: f))?[.size] as? Int,
               size < magikaMinimumSize { continue }  // Magika answers tiny files without the model
            if let cap = data.perClass, taken[label, default: 0] >= cap { continue }
            taken[label, default: 0] += 1
            files.append(f)
            labels.append(label)
        }
        return (files, labels)
    }

    static let magikaMinimumSize = 8

    static func tensor(_ path: String, _ features: EvalData.Features) throws -> HostTensor {
        switch features {
        case .npy: return try NPY.read(path: path)
        case .magika: return try magika(path)
        }
    }

    /// Magika's input for a file (see ``EvalData/Features/magika``): reads only the first and last 4,096 bytes.
    static func magika(_ path: String) throws -> HostTensor {
        let block = 4096, half = 1024, pad: Int32 = 256
        guard let h = FileHandle(forReadingAtPath: path) else { throw EvaluationError.failed("cannot open") }
        defer { try? h.close() }
        let size = Int(try h.seekToEnd())
        try h.seek(toOffset: 0)
        let first = [UInt8](try h.read(upToCount: min(block, size)) ?? Data())
        try h.seek(toOffset: UInt64(max(0, size - block)))
        let last = [UInt8](try h.read(upToCount: min(block, size)) ?? Data())
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || (0x09...0x0D).contains(b) }  // Python's bytes.strip set
        let head = Array(first.drop(while: isSpace).prefix(half))
        var tailEnd = last.count
        while tailEnd > 0, isSpace(last[tailEnd - 1]) { tailEnd -= 1 }
        let tail = Array(last[..<tailEnd].suffix(half))
        var v = head.map { Int32($0) } + [Int32](repeating: pad, count: half - head.count)
        v += [Int32](repeating: pad, count: half - tail.count) + tail.map { Int32($0) }
        return HostTensor(values: v, shape: [1, 2 * half])
    }

    /// Class names from a JSON file: an array of strings, or an object with `target_labels_space` (Magika's config).
    static func loadClasses(_ path: String) throws -> [String] {
        guard let d = FileManager.default.contents(atPath: path) else {
            throw EvaluationError.failed("\(path) cannot be read")
        }
        let j = try JSONSerialization.jsonObject(with: d)
        if let a = j as? [String] { return a }
        if let o = j as? [String: Any], let a = o["target_labels_space"] as? [String] { return a }
        throw EvaluationError.failed("\(path) holds no list of class names")
    }
}

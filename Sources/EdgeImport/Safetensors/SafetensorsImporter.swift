import EdgeIR

/// Turns a `.safetensors` file — or a sharded checkpoint's `*.safetensors.index.json` — into a ``Model``.
///
/// With a Hugging Face `config.json` beside the file whose `model_type` Edgewise knows, the graph is
/// built from the config with the file's tensors as its weights (see ``HFConfigGraph``); otherwise
/// the model is weights-only, with a note saying why. Weights stay slices of the mapped files.
public enum SafetensorsImporter {
    /// Largest index or config JSON read (they are kilobytes in practice).
    public static let maxSideFileLength = 100_000_000
    /// Most shards an index may name.
    public static let maxShards = 65_536

    public static func load(file: MappedFile) throws -> Model {
        let isIndex = file.count > 0 && firstNonSpace(file.bytes) == UInt8(ascii: "{")
        var tensors: [(name: String, info: SafetensorsFile.TensorInfo, file: MappedFile)] = []
        var metadata = ModelMetadata(format: "safetensors", source: file.path)
        if isIndex {
            try loadIndex(file, into: &tensors, metadata: &metadata)
        } else {
            let st = try SafetensorsFile(file: file)
            tensors = st.tensors.map { ($0.name, $0, file) }
            for (k, v) in st.metadata { metadata.properties["safetensors.metadata." + ImportError.printable(k)] = ImportError.printable(v, limit: 200) }
            metadata.properties["safetensors.header_bytes"] = String(st.headerLength)
        }
        metadata.properties["safetensors.tensors"] = String(tensors.count)

        var weights = Graph(name: "safetensors")
        for t in tensors {
            weights.setConstant(Tensor(name: t.name, type: TensorType(t.info.dtype, Shape(t.info.shape)),
                                       storage: .mapped(t.file, offset: t.info.range.lowerBound, length: t.info.range.count)))
        }
        let dir = directory(of: file.path)
        if let config = try readConfig(dir: dir) {
            if let graph = try HFConfigGraph.build(config: config, weights: weights, path: dir + "config.json", metadata: &metadata) {
                return Model(graph: graph, metadata: metadata)
            }
        } else {
            metadata.notes.append("weights-only: no config.json beside the file to say which architecture these tensors belong to")
        }
        return Model(graph: weights, metadata: metadata)
    }

    static func firstNonSpace(_ b: UnsafeRawBufferPointer) -> UInt8? {
        b.first { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[...slash])
    }

    /// Parses a JSON side file (index or config) after checking its size.
    static func json(_ file: MappedFile, what: String) throws -> JSONValue {
        guard file.count <= maxSideFileLength else {
            throw ImportError(format: "safetensors", file: file.path, field: what, offset: 0,
                              reason: "\(file.count) bytes exceeds the \(maxSideFileLength)-byte limit for a JSON side file")
        }
        do {
            return try JSONParser.parse(file.bytes)
        } catch {
            throw ImportError(format: "safetensors", file: file.path, field: what, offset: error.offset, reason: "invalid JSON: \(error.reason)")
        }
    }

    static func readConfig(dir: String) throws -> JSONValue? {
        guard let file = try? MappedFile(path: dir + "config.json") else { return nil }
        return try json(file, what: "config.json")
    }

    /// Reads a sharded checkpoint: `weight_map` names each tensor's shard, a file beside the index.
    static func loadIndex(_ index: MappedFile, into tensors: inout [(name: String, info: SafetensorsFile.TensorInfo, file: MappedFile)],
                          metadata: inout ModelMetadata) throws {
        func fail(_ field: String, _ reason: String) -> ImportError {
            ImportError(format: "safetensors", file: index.path, field: field, offset: nil, reason: reason)
        }
        let json = try json(index, what: "index")
        guard let map = json["weight_map"]?.members else { throw fail("weight_map", "missing or not an object") }
        let dir = directory(of: index.path)
        var shards: [String: SafetensorsFile] = [:]
        var shardOrder: [String] = []
        var seen = Set<String>()
        for (name, v) in map {
            let field = "weight_map['\(ImportError.printable(name))']"
            guard seen.insert(name).inserted else { throw fail(field, "listed twice") }
            guard let shard = v.string else { throw fail(field, "must be a file name string") }
            // A shard is a plain file beside the index: no directories, no way out of it.
            guard !shard.isEmpty, shard != ".", shard != "..", !shard.contains("/"), !shard.contains("\\"), !shard.contains("\0") else {
                throw fail(field, "'\(ImportError.printable(shard))' is not a plain file name beside the index")
            }
            if shards[shard] == nil {
                guard shards.count < maxShards else { throw fail("weight_map", "names more than \(maxShards) shards") }
                let file: MappedFile
                do { file = try MappedFile(path: dir + shard) } catch {
                    throw fail(field, "shard '\(ImportError.printable(shard))' cannot be opened: \(error)")
                }
                shards[shard] = try SafetensorsFile(file: file)
                shardOrder.append(shard)
            }
            guard let st = shards[shard], let info = st.tensors.first(where: { $0.name == name }) else {
                throw fail(field, "tensor is not in shard '\(ImportError.printable(shard))'")
            }
            tensors.append((name, info, st.file))
        }
        metadata.properties["safetensors.shards"] = String(shards.count)
        if let total = json["metadata"]?["total_size"]?.int { metadata.properties["safetensors.total_size"] = String(total) }
        let unlisted = shardOrder.reduce(0) { $0 + (shards[$1]?.tensors.count ?? 0) } - tensors.count
        if unlisted > 0 { metadata.notes.append("\(unlisted) tensors in the shards are not listed in the index's weight_map and were skipped") }
    }
}

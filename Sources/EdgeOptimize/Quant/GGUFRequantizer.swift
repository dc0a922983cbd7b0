import EdgeImport
import EdgeIR
import Foundation

/// Re-quantizes a GGUF decoder's projection weights to one block format and writes a new GGUF file.
///
/// Layout written (GGUF v3, little-endian; facts of ggml's `gguf.h`): magic `GGUF`, version u32,
/// tensor count u64, metadata count u64; the metadata key/value records **copied byte for byte** from
/// the source (so tokenizer, hyperparameters and chat template are exactly the source's), except that
/// `general.file_type` is set to the llama.cpp file type of the new format; tensor infos (name as u64
/// length + bytes, n_dims u32, dims u64 each in ggml order, ggml type u32, offset u64 relative to the
/// data section and a multiple of the alignment); zero padding to the alignment; tensor data, each
/// padded to the alignment. The source's alignment is kept (its `general.alignment`, if any, is in the
/// copied metadata).
///
/// Tensors other than the projection weights (embeddings, norms) are copied unchanged. The file is
/// written to a temporary name beside `output`, synced and renamed, so a failure leaves no partial file.
public enum GGUFRequantizer {
    /// What was written.
    public struct Report: Sendable {
        public var requantized: [(name: String, from: DType, signal: Double, noise: Double)] = []
        public var copied = 0
        /// Projections kept in their source type because their rows are not whole blocks of the target
        /// (SmolLM2's 576-wide rows and Q4_K's 256-value super-blocks; llama.cpp falls back to another
        /// format there, which this writer does not produce).
        public var kept: [String] = []
        public var bytesWritten = 0

        /// 10·log₁₀(Σ signal / Σ noise) over the re-quantized tensors, against the source's own values.
        public var sqnr: Double {
            let s = requantized.reduce(0) { $0 + $1.signal }, n = requantized.reduce(0) { $0 + $1.noise }
            return n == 0 ? .infinity : 10 * Foundation.log10(s / n)
        }
    }

    /// llama.cpp's `llama_ftype` for a file whose weights are mostly `type` (values from `llama.h`).
    static func fileType(_ type: DType) -> UInt32? {
        switch type {
        case .float32: return 0
        case .float16: return 1
        case .q4_0: return 2
        case .q4_1: return 3
        case .q8_0: return 7
        case .q4_K: return 14      // LLAMA_FTYPE_MOSTLY_Q4_K_S
        case .q6_K: return 18
        default: return nil
        }
    }

    /// - Parameters:
    ///   - limit: re-quantize only the first `limit` projection weights (the rest are copied); for tests.
    /// - Throws: ``OptimizeError`` when `type` is not a format this module writes or a tensor cannot be
    ///   decoded; file errors from writing. Nothing is left at `output` on failure. Projections whose
    ///   rows are not whole blocks of `type` are kept as they are and listed in ``Report/kept``.
    @discardableResult
    public static func write(_ source: GGUFFile, as type: DType, to output: URL, limit: Int = .max) throws -> Report {
        guard GGUFBlocks.quantizable.contains(type), let typeID = type.ggmlTypeID else {
            throw OptimizeError.invalidSetting(name: "format", value: type.rawValue,
                                               expected: GGUFBlocks.quantizable.map(\.rawValue).joined(separator: ", "))
        }
        var report = Report()
        var targets = Set<String>()
        for t in GGUFTensorValues.projectionWeights(in: source).prefix(limit) {
            if let row = t.dims.first, row % type.blockSize == 0 {
                targets.insert(t.name)
            } else {
                report.kept.append(t.name)
            }
        }
        guard !source.bigEndian else {
            throw OptimizeError.unsupported("\(source.file.path) is a big-endian GGUF; re-quantizing writes little-endian files only")
        }
        guard let first = source.tensors.first else {
            throw OptimizeError.unsupported("\(source.file.path) has no tensors to re-quantize")
        }
        // The metadata records end where the first tensor info begins. `infoOffset` is the position of
        // its offset field, which follows the name (u64 length + bytes), n_dims (u32), the dims (u64
        // each) and the type (u32).
        let infoStart = first.infoOffset - 4 - 8 * first.dims.count - 4 - first.name.utf8.count - 8
        let kvCountOffset = 16
        guard infoStart >= 24, infoStart <= source.file.count else {
            throw OptimizeError.unsupported("\(source.file.path): cannot locate the metadata section")
        }
        var metadata = [UInt8](UnsafeRawBufferPointer(rebasing: source.file.bytes[24..<infoStart]))
        if let ft = fileType(type) { patchFileType(&metadata, ft) }
        let kvCount = source.file.bytes.loadUnaligned(fromByteOffset: kvCountOffset, as: UInt64.self)

        // Encode every tensor first (so nothing is written if one fails), keeping its bytes.
        var blobs: [(info: GGUFTensorInfo, typeID: UInt32, bytes: [UInt8])] = []
        for t in source.tensors {
            if targets.contains(t.name) {
                let (x, _, _) = try GGUFTensorValues.read(t, in: source)
                let q = try GGUFBlocks.quantize(x, as: type, name: t.name)
                let back = try GGUFBlocks.dequantize(q, as: type, count: x.count, name: t.name)
                let e = ErrorMetrics.energies(reference: x, test: back)
                report.requantized.append((t.name, t.type, e.signal, e.noise))
                blobs.append((t, typeID, q))
            } else {
                guard let raw = source.file.slice(offset: t.fileOffset, length: t.byteCount) else {
                    throw OptimizeError.badTensor(name: t.name, reason: "bytes lie outside \(source.file.path)")
                }
                report.copied += 1
                blobs.append((t, t.typeID, [UInt8](raw)))
            }
        }

        var header = [UInt8]()
        header += Array("GGUF".utf8)
        append(&header, UInt32(3))
        append(&header, UInt64(blobs.count))
        append(&header, kvCount)
        header += metadata
        let alignment = source.alignment
        var offset = 0
        for b in blobs {
            append(&header, UInt64(b.info.name.utf8.count))
            header += Array(b.info.name.utf8)
            append(&header, UInt32(b.info.dims.count))
            for d in b.info.dims { append(&header, UInt64(d)) }
            append(&header, b.typeID)
            append(&header, UInt64(offset))
            offset += (b.bytes.count + alignment - 1) / alignment * alignment
        }
        header += [UInt8](repeating: 0, count: (alignment - header.count % alignment) % alignment)

        try AtomicWrite.write(to: output) { handle in
            try handle.write(contentsOf: header)
            for b in blobs {
                try handle.write(contentsOf: b.bytes)
                let pad = (alignment - b.bytes.count % alignment) % alignment
                if pad > 0 { try handle.write(contentsOf: [UInt8](repeating: 0, count: pad)) }
            }
        }
        report.bytesWritten = header.count + offset
        return report
    }

    static func append<T: FixedWidthInteger>(_ out: inout [UInt8], _ v: T) {
        withUnsafeBytes(of: v.littleEndian) { out += $0 }
    }

    /// Sets the u32 value of `general.file_type` when the key occurs exactly once as a u32 record.
    static func patchFileType(_ metadata: inout [UInt8], _ value: UInt32) {
        var pattern = [UInt8]()
        let key = "general.file_type"
        append(&pattern, UInt64(key.utf8.count))
        pattern += Array(key.utf8)
        append(&pattern, GGUFValueType.uint32.rawValue)
        var hits: [Int] = []
        if metadata.count >= pattern.count + 4 {
            for i in 0...(metadata.count - pattern.count - 4) where metadata[i] == pattern[0] {
                if Array(metadata[i..<(i + pattern.count)]) == pattern { hits.append(i + pattern.count) }
            }
        }
        guard hits.count == 1 else { return }
        withUnsafeBytes(of: value.littleEndian) { for k in 0..<4 { metadata[hits[0] + k] = $0[k] } }
    }
}

/// Writes a file atomically: a temporary file beside the destination, synced, then renamed over it.
enum AtomicWrite {
    static func write(to url: URL, _ body: (FileHandle) throws -> Void) throws {
        let dir = url.deletingLastPathComponent()
        let temp = dir.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        guard FileManager.default.createFile(atPath: temp.path, contents: nil) else {
            throw OptimizeError.unsupported("cannot create \(temp.path)")
        }
        do {
            let handle = try FileHandle(forWritingTo: temp)
            do {
                try body(handle)
                try handle.synchronize()
                try handle.close()
            } catch {
                try? handle.close()
                throw error
            }
            if rename(temp.path, url.path) != 0 {
                throw OptimizeError.unsupported("cannot rename \(temp.path) to \(url.path): errno \(errno)")
            }
        } catch {
            try? FileManager.default.removeItem(at: temp)
            throw error
        }
    }
}

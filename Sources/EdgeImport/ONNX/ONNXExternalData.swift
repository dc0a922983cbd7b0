import EdgeIR
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Side files of tensors stored outside the model (`data_location = EXTERNAL`).
///
/// ONNX names the data by `external_data` entries: `location` (a path relative to the model's
/// directory), `offset` and `length` (decimal strings; without `length` the data runs to the end of
/// the file). The location comes from a stranger, so it must stay inside the model's directory: an
/// absolute path, a `..` component, or a symbolic link that resolves outside is refused. Each side
/// file is mapped once and shared by all its tensors, which stay lazy slices of the map.
final class ONNXExternalData {
    let modelPath: String
    private var maps: [String: MappedFile] = [:]
    private var resolvedDirectory: String?

    /// Builds the one-line error for a field path and offset.
    struct Failer {
        let fail: (String, UInt64?, String) -> ImportError
        func fail(_ field: String, _ offset: UInt64?, _ reason: String) -> ImportError { fail(field, offset, reason) }
    }

    init(modelPath: String) {
        self.modelPath = modelPath
    }

    func storage(_ entries: [Onnx_StringStringEntryProto], expected: Int, type: TensorType, path: String,
                          offset: UInt64?, reader: Failer) throws(ImportError) -> TensorStorage {
        var location: String?
        var start = 0
        var length: Int?
        for (i, e) in entries.enumerated() {
            let p = "\(path)[\(i)]"
            switch e.key {
            case "location": location = e.value
            case "offset":
                guard let v = Int(e.value), v >= 0 else { throw reader.fail(p, offset, "offset '\(e.value)' is not a non-negative integer") }
                start = v
            case "length":
                guard let v = Int(e.value), v >= 0 else { throw reader.fail(p, offset, "length '\(e.value)' is not a non-negative integer") }
                length = v
            default: break  // checksum and unknown keys do not affect where the bytes are
            }
        }
        guard let location, !location.isEmpty else { throw reader.fail(path, offset, "external data has no location") }
        let side = try map(location, path: path, offset: offset, reader: reader)
        guard start <= side.count else {
            throw reader.fail(path, offset, "offset \(start) is past the end of '\(location)' (\(side.count) bytes)")
        }
        let n = length ?? (side.count - start)
        guard n <= side.count - start else {
            throw reader.fail(path, offset, "\(n) bytes at offset \(start) run past the end of '\(location)' (\(side.count) bytes)")
        }
        guard n == expected else { throw reader.fail(path, offset, "external data has \(n) bytes; \(type) needs \(expected)") }
        return .mapped(side, offset: start, length: n)
    }

    /// Maps `location` after checking it stays inside the model's directory.
    private func map(_ location: String, path: String, offset: UInt64?,
                              reader: Failer) throws(ImportError) -> MappedFile {
        if let m = maps[location] { return m }
        let components = location.split(separator: "/", omittingEmptySubsequences: false)
        guard !location.hasPrefix("/"), !location.contains("\0"), !location.contains("\\"),
              !components.contains(where: { $0 == ".." }) else {
            throw reader.fail(path, offset, "location '\(location)' leaves the model's directory")
        }
        let directory = try modelDirectory(path: path, offset: offset, reader: reader)
        guard let real = Self.realPath(directory + "/" + location) else {
            throw reader.fail(path, offset, "external data file '\(location)' not found beside the model")
        }
        guard real.hasPrefix(directory + "/") else {
            throw reader.fail(path, offset, "location '\(location)' resolves outside the model's directory")
        }
        do {
            let m = try MappedFile(path: real)
            maps[location] = m
            return m
        } catch {
            throw reader.fail(path, offset, "cannot map '\(location)': \(error)")
        }
    }

    private func modelDirectory(path: String, offset: UInt64?, reader: Failer) throws(ImportError) -> String {
        if let d = resolvedDirectory { return d }
        let dir = (modelPath as NSString).deletingLastPathComponent
        guard let real = Self.realPath(dir.isEmpty ? "." : dir) else {
            throw reader.fail(path, offset, "cannot resolve the model's directory")
        }
        resolvedDirectory = real == "/" ? "" : real
        return resolvedDirectory ?? real
    }

    /// The canonical absolute path (symbolic links resolved), or nil if it does not exist.
    static func realPath(_ p: String) -> String? {
        guard let r = realpath(p, nil) else { return nil }
        defer { free(r) }
        return String(cString: r)
    }
}

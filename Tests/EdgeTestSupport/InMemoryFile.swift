import EdgeIR
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Maps bytes held in memory as a ``MappedFile``, through a short-lived file in shared memory.
///
/// Fuzz tests import tens of thousands of mutated files; writing each to `/dev/shm` (a RAM file
/// system), mapping it and unlinking it exercises exactly the importer's real path (``MappedFile``)
/// at memory speed. The map outlives the unlinked name.
public enum InMemoryFile {
    public static let directory: String = {
        var st = stat()
        if stat("/dev/shm", &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR { return "/dev/shm" }
        return FileManager.default.temporaryDirectory.path
    }()

    public static func map(_ bytes: [UInt8], name: String = "fuzz") throws -> MappedFile {
        // Unique per call: tests run in parallel within one process.
        try map(bytes, at: "\(directory)/edgewise-\(name)-\(getpid())-\(UUID().uuidString)", keep: false)
    }

    /// Writes `bytes` to `path` and maps it; the file is unlinked after mapping unless `keep`.
    public static func map(_ bytes: [UInt8], at path: String, keep: Bool) throws -> MappedFile {
        let fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0o600)
        guard fd >= 0 else { throw IRError.io(path: path, reason: "cannot create") }
        defer { if !keep { unlink(path) } }
        var written = 0
        let ok: Bool = bytes.withUnsafeBytes { raw in
            while written < raw.count {
                let n = write(fd, raw.baseAddress! + written, raw.count - written)
                guard n > 0 else { return false }
                written += n
            }
            return true
        }
        close(fd)
        guard ok else { throw IRError.io(path: path, reason: "write failed") }
        return try MappedFile(path: path)
    }
}

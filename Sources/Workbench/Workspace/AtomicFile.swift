#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Atomic replacement of a file: write a temporary file beside it, fsync it, rename it over the
/// target, fsync the directory. Readers see the old file or the new one, never a mixture; a crash
/// at any point leaves the old file intact.
public enum AtomicFile {
    public struct WriteError: Error, CustomStringConvertible {
        public let path: String
        public let step: String
        public let errno: Int32
        public var description: String { "\(path): \(step) failed: \(String(cString: strerror(errno)))" }
    }

    public static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path
        let temp = dir + "/." + url.lastPathComponent + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else { throw WriteError(path: temp, step: "create", errno: errno) }
        var ok = false
        defer {
            if !ok { unlink(temp) }
        }
        let written: Int = data.withUnsafeBytes { raw in
            var off = 0
            while off < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + off, raw.count - off)
                if n < 0 { if errno == EINTR { continue }; return -1 }
                off += n
            }
            return off
        }
        if written != data.count { let e = errno; close(fd); throw WriteError(path: temp, step: "write", errno: e) }
        if fsync(fd) != 0 { let e = errno; close(fd); throw WriteError(path: temp, step: "fsync", errno: e) }
        close(fd)
        guard rename(temp, path) == 0 else { throw WriteError(path: path, step: "rename", errno: errno) }
        ok = true
        let dfd = open(dir, O_RDONLY)
        if dfd >= 0 { _ = fsync(dfd); close(dfd) }
    }
}

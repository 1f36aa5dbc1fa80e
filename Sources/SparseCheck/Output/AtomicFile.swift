#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// `--output FILE`: a report written whole or not at all. The bytes go to a temporary file in FILE's
/// directory (`.FILE.XXXXXX`, a name node_exporter's textfile collector ignores: it reads `*.prom`
/// only), are flushed to disk, made mode 0644 and renamed over FILE, so that a reader (the textfile
/// collector, a web server) sees the old report or the new one, never a part.
public enum AtomicFile {
    public static func write(_ path: String, _ bytes: [UInt8]) throws {
        let parent = PathName.parent(path)
        let dir = parent.isEmpty ? "." : parent
        guard !path.isEmpty, !path.hasSuffix("/"), PathName.isDirectory(dir) == true else {
            throw InputError("--output \(path)", expected: "a file in an existing directory")
        }
        var template = Array((dir + "/." + PathName.last(path) + ".XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw EnvironmentError("--output \(path)", problem: "cannot create a temporary file in \(dir) (\(String(cString: strerror(errno))))")
        }
        let tmp = String(cString: template.withUnsafeBufferPointer { $0.baseAddress! })
        var failure: String?
        bytes.withUnsafeBytes { b in
            var off = 0
            while off < b.count {
                let n = Glibc.write(fd, b.baseAddress! + off, b.count - off)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { failure = "write: \(String(cString: strerror(errno)))"; return }
                off += n
            }
        }
        if failure == nil, fchmod(fd, 0o644) != 0 { failure = "chmod: \(String(cString: strerror(errno)))" }
        if failure == nil, fsync(fd) != 0 { failure = "fsync: \(String(cString: strerror(errno)))" }
        if close(fd) != 0, failure == nil { failure = "close: \(String(cString: strerror(errno)))" }
        if failure == nil, rename(tmp, path) != 0 { failure = "rename to \(path): \(String(cString: strerror(errno)))" }
        if let failure {
            unlink(tmp)
            throw EnvironmentError("--output \(path)", problem: "not written (\(failure)); the previous file, if any, is unchanged")
        }
    }
}

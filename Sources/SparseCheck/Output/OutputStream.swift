#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// Buffered writes to a file descriptor (stdout by default), flushed at 64 KiB and at the end.
public final class OutputStream {
    private var buffer: [UInt8] = []
    private let fd: Int32

    /// Everything written, when created with `fd` -1 (tests).
    public private(set) var captured: [UInt8] = []

    /// `fd` 1 is stdout, 2 stderr; -1 keeps the output in `captured`.
    public init(fd: Int32 = 1) {
        self.fd = fd
        buffer.reserveCapacity(1 << 16)
    }

    public func write(_ s: String) {
        buffer.append(contentsOf: s.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    public func line(_ s: String) { write(s); write("\n") }

    /// Serialises `json` straight into the buffer (no intermediate String).
    public func write(_ json: JSON) {
        json.write(to: &buffer)
        if buffer.count >= 1 << 16 { flush() }
    }

    /// Appends raw bytes (a chunk formatted elsewhere, e.g. on a worker thread).
    public func write(bytes: UnsafeRawBufferPointer) {
        if buffer.count + bytes.count > 1 << 16 { flush() }
        if bytes.count >= 1 << 16 && fd >= 0 {
            writeAll(bytes)
            return
        }
        buffer.append(contentsOf: bytes)
    }

    private func writeAll(_ b: UnsafeRawBufferPointer) {
        var off = 0
        while off < b.count {
            let n = Glibc.write(fd, b.baseAddress! + off, b.count - off)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break } // a closed pipe: drop the rest
            off += n
        }
    }

    public func flush() {
        guard !buffer.isEmpty else { return }
        if fd < 0 {
            captured += buffer
            buffer.removeAll(keepingCapacity: true)
            return
        }
        buffer.withUnsafeBufferPointer { b in
            var off = 0
            while off < b.count {
                let n = Glibc.write(fd, b.baseAddress! + off, b.count - off)
                if n <= 0 { break } // a closed pipe: drop the rest
                off += n
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    deinit { flush() }
}

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// Bytes appended without bounds checks or reallocation per item: the buffer a worker formats one
/// chunk of records into. Grows by doubling when a reservation does not fit.
public final class ByteBuffer: @unchecked Sendable {
    public private(set) var base: UnsafeMutablePointer<UInt8>
    public private(set) var count = 0
    private var capacity: Int

    public init(capacity: Int = 1 << 16) {
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    public func removeAll() { count = 0 }

    /// Makes room for `n` more bytes.
    @inline(__always)
    public func reserve(_ n: Int) {
        if count + n > capacity { grow(count + n) }
    }

    private func grow(_ need: Int) {
        var c = capacity * 2
        while c < need { c *= 2 }
        let b = UnsafeMutablePointer<UInt8>.allocate(capacity: c)
        b.update(from: base, count: count)
        base.deallocate()
        base = b
        capacity = c
    }

    /// Reserves `n` bytes and hands `body` a cursor at the end; the bytes it advances over are kept.
    @inline(__always)
    public func withCursor(reserving n: Int, _ body: (inout UnsafeMutablePointer<UInt8>) -> Void) {
        reserve(n)
        let start = base + count
        var p = start
        body(&p)
        count += p - start
    }

    /// Appends bytes (room reserved by the caller or not).
    @inline(__always)
    public func append(_ p: UnsafeRawBufferPointer) {
        reserve(p.count)
        if p.count > 0 { (base + count).update(from: p.baseAddress!.assumingMemoryBound(to: UInt8.self), count: p.count) }
        count += p.count
    }

    @inline(__always)
    public func append(_ bytes: [UInt8]) { bytes.withUnsafeBytes { append($0) } }

    @inline(__always)
    public func append(_ b: UInt8) {
        reserve(1)
        base[count] = b
        count += 1
    }

    /// A decimal number, formatted on bytes.
    @inline(__always)
    public func appendDecimal(_ v: UInt64) {
        reserve(20)
        var tmp: (UInt64, UInt64, UInt64) = (0, 0, 0) // 24 bytes of scratch
        let n = withUnsafeMutableBytes(of: &tmp) { t -> Int in
            var x = v, i = 24
            repeat {
                i -= 1
                t[i] = UInt8(truncatingIfNeeded: 48 &+ x % 10)
                x /= 10
            } while x != 0
            (base + count).update(from: t.baseAddress!.assumingMemoryBound(to: UInt8.self) + i, count: 24 - i)
            return 24 - i
        }
        count += n
    }

    /// `"0x…"` with lower-case hex digits, formatted on bytes.
    @inline(__always)
    public func appendHexString(_ v: UInt64) {
        reserve(20)
        base[count] = 0x22; base[count + 1] = 0x30; base[count + 2] = 0x78
        count += 3
        let digits = v == 0 ? 1 : (67 - v.leadingZeroBitCount) / 4
        var x = v
        for i in stride(from: digits - 1, through: 0, by: -1) {
            let d = UInt8(truncatingIfNeeded: x & 15)
            base[count + i] = d < 10 ? 48 + d : 87 + d
            x >>= 4
        }
        count += digits
        base[count] = 0x22
        count += 1
    }
}

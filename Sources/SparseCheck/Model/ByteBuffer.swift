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
}


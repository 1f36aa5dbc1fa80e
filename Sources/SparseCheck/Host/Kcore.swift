#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
internal import CCapture

/// Why kernel memory could not be read.
public struct KcoreError: Error, CustomStringConvertible, Equatable, Sendable {
    public var path: String
    public var problem: String
    public var description: String { "\(path): \(problem)" }
    public init(_ path: String, _ problem: String) { self.path = path; self.problem = problem }
}

/// A read-only ELF64 core of kernel memory (`/proc/kcore`, fs/proc/kcore.c), read through the C shim's
/// bounded pread reader (ckcore.h): the byte order comes from the ELF header, each address is found in
/// the PT_LOAD program header whose virtual range holds it. Never mapped; at most `maxReads` reads of at
/// most `CK_MAX_READ` bytes each, so a hostile or huge file cannot make it block or run long.
public final class KcoreFile {
    public let path: String
    private let fd: Int32
    private var elf = ck_elf()
    /// The reads left before the reader refuses more.
    private var readsLeft: Int
    public static let maxReads = 4096

    public var bigEndian: Bool { elf.big_endian != 0 }
    public var machine: UInt16 { elf.machine }
    public var programHeaders: Int { Int(elf.phnum) }

    public init(path: String, maxReads: Int = KcoreFile.maxReads) throws {
        self.path = path
        self.readsLeft = maxReads
        // O_NONBLOCK: something other than a regular file planted at the path must not block the open.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            let e = errno
            throw KcoreError(path, e == ENOENT ? "missing" : "cannot open (\(String(cString: strerror(e))))")
        }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw KcoreError(path, "not a regular file")
        }
        self.fd = fd
        let status = ck_elf_open(fd, &elf)
        guard status == CK_OK else {
            close(fd)
            throw KcoreError(path, Self.describe(status, elf))
        }
    }

    deinit { close(fd) }

    static func describe(_ st: ck_status, _ e: ck_elf) -> String {
        let name = String(cString: ck_status_name(st))
        return st == CK_EIO ? "\(name) (\(String(cString: strerror(e.err))))" : name
    }

    /// `count` bytes (at most CK_MAX_READ) at kernel virtual address `address`.
    public func read(_ address: UInt64, count: Int) throws -> [UInt8] {
        guard count > 0, count <= Int(CK_MAX_READ) else {
            throw KcoreError(path, "a read of \(count) bytes (1 to \(CK_MAX_READ) allowed)")
        }
        guard readsLeft > 0 else { throw KcoreError(path, "read limit reached (\(KcoreFile.maxReads) reads)") }
        readsLeft -= 1
        var buf = [UInt8](repeating: 0, count: count)
        let st = buf.withUnsafeMutableBytes { ck_read(fd, &elf, address, $0.baseAddress, count) }
        guard st == CK_OK else { throw KcoreError(path, "\(hex(address)): \(Self.describe(st, elf))") }
        return buf
    }

    /// The 64-bit value at `address`, in the core's byte order.
    public func u64(_ address: UInt64) throws -> UInt64 {
        let b = try read(address, count: 8)
        return value64(b, at: 0)
    }

    /// The 64-bit value at byte `offset` of `bytes` read from this core.
    public func value64(_ bytes: [UInt8], at offset: Int) -> UInt64 {
        let e = elf
        return bytes.withUnsafeBufferPointer { buf in withUnsafePointer(to: e) { ck_u64($0, buf.baseAddress! + offset) } }
    }

    /// The number of PT_LOAD segments and the lowest and highest virtual address they cover.
    public func loadSpan() throws -> (count: Int, lowest: UInt64, highest: UInt64) {
        var n: UInt32 = 0, lo: UInt64 = 0, hi: UInt64 = 0
        let st = ck_load_span(fd, &elf, &n, &lo, &hi)
        guard st == CK_OK else { throw KcoreError(path, Self.describe(st, elf)) }
        return (Int(n), lo, hi)
    }
}

/// `/proc/kallsyms` (kernel/kallsyms.c): `address type name [module]` per line. Scanned in bounded
/// chunks for a few names only (the file is tens of MiB with CONFIG_KALLSYMS_ALL).
public enum Kallsyms {
    public struct Lookup: Sendable, Equatable {
        /// The names found with their addresses (module symbols ignored).
        public var addresses: [String: UInt64] = [:]
        /// Lines read.
        public var lines = 0
        /// True when every address read was zero: kptr_restrict (or perf_event_paranoid without
        /// CAP_SYSLOG) hides them.
        public var zeroed = false
    }

    /// The most bytes scanned.
    public static let maxBytes = 256 << 20

    /// Looks `names` up in the kallsyms file at `path`.
    public static func lookup(_ names: Set<String>, path: String) throws -> Lookup {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            let e = errno
            throw KcoreError(path, e == ENOENT ? "missing" : "cannot open (\(String(cString: strerror(e))))")
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { throw KcoreError(path, "not a regular file") }
        var out = Lookup()
        var anyNonZero = false
        var pending: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var total = 0
        func line(_ l: ArraySlice<UInt8>) {
            out.lines += 1
            // address, type, name
            guard let s1 = l.firstIndex(of: 0x20) else { return }
            let rest = l[(s1 + 1)...]
            guard let s2 = rest.firstIndex(of: 0x20) else { return }
            let nameBytes = l[(s2 + 1)...]
            let end = nameBytes.firstIndex(where: { $0 == 0x20 || $0 == 0x09 }) ?? nameBytes.endIndex
            if end != nameBytes.endIndex { return } // a module symbol: `name\t[module]`
            let addrBytes = l[l.startIndex..<s1]
            let addr = UInt64(String(decoding: addrBytes, as: UTF8.self), radix: 16) ?? 0
            if addr != 0 { anyNonZero = true }
            let name = String(decoding: nameBytes, as: UTF8.self)
            if names.contains(name), out.addresses[name] == nil { out.addresses[name] = addr }
        }
        while total <= maxBytes {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw KcoreError(path, "read error (\(String(cString: strerror(errno))))")
            }
            if n == 0 { break }
            total += n
            var start = 0
            for i in 0..<n where chunk[i] == 0x0a {
                if pending.isEmpty { line(chunk[start..<i]) } else { pending += chunk[start..<i]; line(pending[...]); pending.removeAll(keepingCapacity: true) }
                start = i + 1
            }
            if start < n { pending += chunk[start..<n] }
            if pending.count > 4096 { throw KcoreError(path, "a line longer than 4 KiB (not kallsyms)") }
        }
        if total > maxBytes { throw KcoreError(path, "larger than the \(Units.human(UInt64(maxBytes))) read limit") }
        if !pending.isEmpty { line(pending[...]) }
        out.zeroed = out.lines > 0 && !anyNonZero
        return out
    }
}

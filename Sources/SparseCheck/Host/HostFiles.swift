#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
internal import CCapture

/// Why a host file could not be used. Every case names the file (relative to the tree) in `description`.
public enum HostFileError: Error, CustomStringConvertible, Equatable, Sendable {
    case missing(String)
    case unreadable(String, String)
    case tooLarge(String, Int)
    case escapesRoot(String, String)
    case malformed(String, String)

    public var path: String {
        switch self {
        case let .missing(p), let .unreadable(p, _), let .tooLarge(p, _), let .escapesRoot(p, _), let .malformed(p, _): return p
        }
    }

    /// `missing`, `unreadable`, `truncated` (over the cap or cut short), `escapes-root`, `malformed`.
    public var kind: String {
        switch self {
        case .missing: return "missing"
        case .unreadable: return "unreadable"
        case .tooLarge: return "too-large"
        case .escapesRoot: return "escapes-root"
        case .malformed: return "malformed"
        }
    }

    public var description: String {
        switch self {
        case let .missing(p): return "\(p): missing"
        case let .unreadable(p, why): return "\(p): unreadable (\(why))"
        case let .tooLarge(p, cap): return "\(p): larger than the \(Units.human(UInt64(cap))) read limit"
        case let .escapesRoot(p, target): return "\(p): resolves to \(target), outside the tree; refused"
        case let .malformed(p, why): return "\(p): \(why)"
        }
    }
}

/// Bounded reads of a host tree: the live system (`root` nil, paths from `/`) or a captured tree under
/// `--root DIR`, where nothing that resolves outside DIR is read.
public struct HostFiles: Sendable {
    /// The canonical root directory, or nil for the live system.
    public let root: String?
    /// The read limit for sysfs and procfs text files.
    public static let textCap = 1 << 20
    /// The read limit for BTF.
    public static let btfCap = 16 << 20

    /// The live system.
    public init() { root = nil; tarPath = nil }

    /// The capture tar a tree was extracted from (`--root FILE.tar`); reports name it, not the
    /// temporary directory.
    public let tarPath: String?
    /// How reports name the tree: the tar, the directory, or nil for the live system.
    public var label: String? { tarPath ?? root }

    /// A captured tree, or a capture tar (`capture -o FILE.tar`, `memmap-capture -o FILE.tar`)
    /// extracted into a temporary directory removed at exit; throws `InputError` when DIR is neither.
    public init(root dir: String) throws {
        var fst = stat()
        if stat(dir, &fst) == 0, (fst.st_mode & S_IFMT) == S_IFREG, ccap_is_tar(dir) != 0 {
            let tmp = PathName.join(ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp", "memmap-check-root-\(getpid())-\(UUID().uuidString)")
            ExtractedTrees.shared.add(tmp)
            var err = [CChar](repeating: 0, count: 1024)
            guard ccap_tar_extract(dir, tmp, &err, err.count) == 0, let real = HostFiles.realPath(tmp) else {
                let why = err.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
                throw InputError("--root \(dir)", expected: "a capture tar (\(why))")
            }
            root = real
            tarPath = dir
            return
        }
        tarPath = nil
        guard let real = HostFiles.realPath(dir) else {
            throw InputError("--root \(dir)", expected: "an existing directory holding a captured tree (sys/..., proc/...)")
        }
        var st = stat()
        guard stat(real, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else {
            throw InputError("--root \(dir)", expected: "a directory, not a file")
        }
        root = real
    }

    public var isLive: Bool { root == nil }

    /// Whether `path` is a capture tar (`capture -o`, `memmap-capture -o`) that `init(root:)` accepts.
    public static func isCaptureTar(_ path: String) -> Bool { ccap_is_tar(path) != 0 }

    /// Removes the temporary tree a capture tar was extracted into now, not at exit (a fleet of tars
    /// would otherwise keep every one until the run ends); nothing for a directory or the live system.
    public func discardExtracted() {
        guard tarPath != nil, let root else { return }
        ExtractedTrees.shared.remove(root)
    }

    /// The absolute path of a tree path such as `sys/devices/system/node/online`.
    public func absolute(_ rel: String) -> String {
        guard let root else { return "/" + rel }
        return root == "/" ? "/" + rel : root + "/" + rel
    }

    /// How reports name a file: `/sys/...` for the live system, `sys/...` inside a tree.
    public func display(_ rel: String) -> String { isLive ? "/" + rel : rel }

    static func realPath(_ p: String) -> String? {
        guard let r = realpath(p, nil) else { return nil }
        defer { free(r) }
        return String(cString: r)
    }

    /// Refuses a path that resolves outside the root (a symlink such as `../../../etc`).
    func checkInside(_ rel: String) throws -> String {
        let abs = absolute(rel)
        guard let root else { return abs }
        var st = stat()
        guard lstat(abs, &st) == 0 else {
            throw errno == ENOENT || errno == ENOTDIR ? HostFileError.missing(display(rel)) : HostFileError.unreadable(display(rel), String(cString: strerror(errno)))
        }
        // Every component must stay inside: resolve the whole path (cheap for the small trees --root reads).
        guard let real = HostFiles.realPath(abs) else { throw HostFileError.missing(display(rel)) }
        if real != root && !real.hasPrefix(root == "/" ? "/" : root + "/") {
            throw HostFileError.escapesRoot(display(rel), real)
        }
        return real
    }

    /// The bytes of a file, at most `cap`; a larger file is an error, never silently cut.
    public func bytes(_ rel: String, cap: Int = HostFiles.textCap) throws -> [UInt8] {
        try readFile(try checkInside(rel), rel, cap: cap, flags: 0)
    }

    /// A regular file of at most `cap` bytes opened for reads on demand (`ChunkedFile`), or nil when
    /// fstat gives no size (then `bytes` reads it whole). Errors as `bytes` reports them.
    public func chunked(_ rel: String, cap: Int) throws -> ChunkedFile? {
        let path = try checkInside(rel)
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            let e = errno
            if e == ENOENT { throw HostFileError.missing(display(rel)) }
            throw HostFileError.unreadable(display(rel), String(cString: strerror(e)))
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let e = errno
            close(fd)
            throw HostFileError.unreadable(display(rel), String(cString: strerror(e)))
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            let kind = (st.st_mode & S_IFMT) == S_IFDIR ? "a directory" : "not a regular file"
            throw HostFileError.unreadable(display(rel), "\(kind) where a file is expected")
        }
        guard st.st_size > 0 else { close(fd); return nil }
        guard st.st_size <= cap else { close(fd); throw HostFileError.tooLarge(display(rel), cap) }
        return ChunkedFile(fd: fd, count: Int(st.st_size), name: display(rel))
    }

    /// An open directory of the tree for reading many short files below it (`TreeDir`).
    public func openDir(_ rel: String) throws -> TreeDir {
        let real = try checkInside(rel)
        let fd = open(real, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            let e = errno
            if e == ENOENT || e == ENOTDIR { throw HostFileError.missing(display(rel)) }
            throw HostFileError.unreadable(display(rel), String(cString: strerror(e)))
        }
        return TreeDir(fd: fd, rel: rel, files: self)
    }

    private func readFile(_ path: String, _ rel: String, cap: Int, flags: Int32) throws -> [UInt8] {
        // O_NONBLOCK: a FIFO (or device) planted where a file is expected must not block the open;
        // anything but a regular file is then refused. Regular files ignore the flag.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | flags)
        guard fd >= 0 else {
            let e = errno
            if e == ENOENT { throw HostFileError.missing(display(rel)) }
            if e == ELOOP { return try bytes(rel, cap: cap) } // a symlink: take the checked path
            throw HostFileError.unreadable(display(rel), String(cString: strerror(e)))
        }
        defer { close(fd) }
        // Read straight into the result, sized from fstat (a hint: sysfs says 4096 for every attribute),
        // growing by doubling up to cap + 1 bytes, the first byte that makes the file too large.
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw HostFileError.unreadable(display(rel), String(cString: strerror(errno))) }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            let kind = (st.st_mode & S_IFMT) == S_IFDIR ? "a directory" : "not a regular file"
            throw HostFileError.unreadable(display(rel), "\(kind) where a file is expected")
        }
        let hint = st.st_size > 0 ? Int(st.st_size) + 1 : 4096
        var out = [UInt8](repeating: 0, count: min(max(hint, 4096), cap + 1))
        var got = 0
        while true {
            if got == out.count {
                if got > cap { throw HostFileError.tooLarge(display(rel), cap) }
                out += repeatElement(0, count: min(out.count, cap + 1 - out.count))
            }
            let n = out.withUnsafeMutableBytes { read(fd, $0.baseAddress! + got, $0.count - got) }
            if n < 0 {
                if errno == EINTR { continue }
                throw HostFileError.unreadable(display(rel), String(cString: strerror(errno)))
            }
            if n == 0 { break }
            got += n
        }
        if got > cap { throw HostFileError.tooLarge(display(rel), cap) }
        out.removeSubrange(got...)
        return out
    }

    /// A text file with surrounding whitespace trimmed.
    public func text(_ rel: String, cap: Int = HostFiles.textCap) throws -> String {
        let b = try bytes(rel, cap: cap)
        return b.withUnsafeBufferPointer { String(decoding: trimmedASCII($0), as: UTF8.self) }
    }

    /// Runs `body` over the entries of a directory (`.` and `..` included), with each entry's name bytes.
    private func eachEntry(_ rel: String, _ body: (UnsafePointer<UInt8>, UInt8) -> Void) throws {
        let path = try checkInside(rel)
        guard let d = opendir(path) else {
            let e = errno
            if e == ENOENT { throw HostFileError.missing(display(rel)) }
            throw HostFileError.unreadable(display(rel), String(cString: strerror(e)))
        }
        defer { closedir(d) }
        let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
        while let ent = readdir(d) {
            body(UnsafeRawPointer(ent).advanced(by: nameOffset).assumingMemoryBound(to: UInt8.self), ent.pointee.d_type)
        }
    }

    /// The entry names of a directory (no `.`/`..`).
    public func list(_ rel: String) throws -> [String] {
        var names: [String] = []
        try eachEntry(rel) { name, _ in
            let s = String(cString: name)
            if s != "." && s != ".." { names.append(s) }
        }
        return names
    }

    /// The entries `<prefix><decimal id>` of a directory, ascending by id, parsed from the name bytes (no
    /// String per entry): the node and memory-block listings of a machine with hundreds of thousands of
    /// blocks. `isDir` is what the directory entry says (`d_type`): true for a real directory, false for
    /// anything else, nil when the file system does not say.
    public func listIDs(_ rel: String, prefix: String) throws -> [(id: Int, isDir: Bool?)] {
        let want = Array(prefix.utf8)
        var out: [(id: Int, isDir: Bool?)] = []
        try eachEntry(rel) { name, type in
            var i = 0
            while i < want.count { if name[i] != want[i] { return }; i += 1 }
            var v = 0, digits = 0
            while name[i] >= 0x30 && name[i] <= 0x39 {
                if digits == 18 { return } // not an id we can hold; such a name is not the kernel's
                v = v * 10 + Int(name[i] - 0x30)
                digits += 1
                i += 1
            }
            guard digits > 0, name[i] == 0 else { return }
            out.append((v, type == UInt8(DT_UNKNOWN) ? nil : type == UInt8(DT_DIR)))
        }
        out.sort { $0.id < $1.id }
        return out
    }

    public func exists(_ rel: String) -> Bool {
        var st = stat()
        return lstat(absolute(rel), &st) == 0
    }
}

/// An open directory of a host tree, reading short files `<prefix><id>/<name>` below it with one openat
/// each: no path resolution from the root and no String per file. Inside `--root` the entry must be a
/// real directory (its listing's d_type, else lstat) and the file is opened with O_NOFOLLOW, so nothing
/// resolves outside the tree; anything else takes `HostFiles.bytes`, which resolves and checks the path.
public final class TreeDir {
    let fd: Int32
    let rel: String
    let files: HostFiles
    private var path = [UInt8](repeating: 0, count: 128)
    private var buf = [UInt8](repeating: 0, count: 4096)

    init(fd: Int32, rel: String, files: HostFiles) {
        self.fd = fd
        self.rel = rel
        self.files = files
    }

    deinit { close(fd) }

    /// Calls `body` with the bytes of `<prefix><id>/<name>`, surrounding whitespace trimmed. `isDir` is
    /// what the listing said about `<prefix><id>`. Errors name the file as `HostFiles` does.
    public func withText<R>(_ prefix: String, _ id: Int, _ name: String, isDir: Bool?,
                            _ body: (UnsafeBufferPointer<UInt8>) throws -> R) throws -> R {
        var n = 0
        for b in prefix.utf8 { path[n] = b; n += 1 }
        var v = id, digits = 0
        repeat { digits += 1; v /= 10 } while v > 0
        v = id
        for i in stride(from: n + digits - 1, through: n, by: -1) { path[i] = UInt8(0x30 + v % 10); v /= 10 }
        n += digits
        path[n] = 0x2f; n += 1
        for b in name.utf8 { path[n] = b; n += 1 }
        path[n] = 0
        func slow() throws -> R {
            let b = try files.bytes("\(rel)/\(prefix)\(id)/\(name)")
            return try b.withUnsafeBufferPointer { try body(trimmedASCII($0)) }
        }
        if !files.isLive {
            var dir = isDir
            if dir == nil {
                var st = stat()
                path[prefix.utf8.count + digits] = 0
                let r = path.withUnsafeBufferPointer { fstatat(fd, UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), &st, AT_SYMLINK_NOFOLLOW) }
                path[prefix.utf8.count + digits] = 0x2f
                dir = r == 0 && (st.st_mode & S_IFMT) == S_IFDIR
            }
            if dir != true { return try slow() } // a symlink (or not there): the checked path reports it
        }
        let f = path.withUnsafeBufferPointer {
            openat(fd, UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), O_RDONLY | O_CLOEXEC | O_NONBLOCK | (files.isLive ? 0 : O_NOFOLLOW))
        }
        guard f >= 0 else {
            let e = errno
            if e == ELOOP { return try slow() }
            let r = "\(rel)/\(prefix)\(id)/\(name)"
            if e == ENOENT || e == ENOTDIR { throw HostFileError.missing(files.display(r)) }
            throw HostFileError.unreadable(files.display(r), String(cString: strerror(e)))
        }
        defer { close(f) }
        // One read: a regular file or a sysfs attribute shorter than the buffer comes whole in one read (a
        // short read of a regular file is its end; kernfs hands over the whole attribute at once), which
        // saves the read() that would only return 0. A full buffer goes to the bounded reader.
        let k = readBuffer(f)
        if k < 0 {
            let r = "\(rel)/\(prefix)\(id)/\(name)"
            throw HostFileError.unreadable(files.display(r), String(cString: strerror(errno)))
        }
        if k < buf.count { return try buf.withUnsafeBufferPointer { try body(trimmedASCII(UnsafeBufferPointer(rebasing: $0[0..<k]))) } }
        return try slow() // as long as the buffer: the bounded reader applies the cap
    }

    /// One read() of `f` into `buf`, retried on EINTR: the byte count, or -1 with errno set. (A function
    /// returning the count, so that `withText` holds it in a `let`: Swift 6.2.3's SIL verifier, in
    /// assertions builds such as Debian's, rejected a `var k: Int` first assigned in a repeat-while loop
    /// and then captured by a closure, "memory is not initialized".)
    private func readBuffer(_ f: Int32) -> Int {
        while true {
            let k = buf.withUnsafeMutableBytes { read(f, $0.baseAddress!, $0.count) }
            if k >= 0 || errno != EINTR { return k }
        }
    }

}

/// The bytes without surrounding ASCII whitespace (sysfs and procfs text is ASCII).
func trimmedASCII(_ b: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
    func space(_ c: UInt8) -> Bool { c == 0x20 || (c >= 0x09 && c <= 0x0d) }
    var lo = 0, hi = b.count
    while lo < hi && space(b[lo]) { lo += 1 }
    while hi > lo && space(b[hi - 1]) { hi -= 1 }
    return UnsafeBufferPointer(rebasing: b[lo..<hi])
}

/// `0-3,8,10-11` (the kernel's cpulist / nodelist syntax) to sorted integers.
public func parseIDList(_ text: String) -> [Int]? {
    var out: [Int] = []
    let t = text.trimmingSpacesAndNewlines()
    if t.isEmpty { return [] }
    for part in t.split(separator: ",") {
        let ends = part.split(separator: "-", omittingEmptySubsequences: false)
        guard ends.count <= 2, let a = Int(ends[0]) else { return nil }
        let b = ends.count == 2 ? Int(ends[1]) : a
        guard let b, a <= b, b - a < 1 << 20 else { return nil }
        out.append(contentsOf: a...b)
    }
    return out.sorted()
}

/// Sorted integers in the kernel's list syntax (`0-15,32-47`).
public func formatIDList<S: Sequence>(_ ids: S) -> String where S.Element == Int {
    let s = Array(ids).sorted()
    var parts: [String] = []
    var i = 0
    while i < s.count {
        var j = i
        while j + 1 < s.count, s[j + 1] == s[j] + 1 { j += 1 }
        parts.append(i == j ? "\(s[i])" : "\(s[i])-\(s[j])")
        i = j + 1
    }
    return parts.joined(separator: ",")
}

/// The temporary trees `--root FILE.tar` extracted, removed when the process exits.
final class ExtractedTrees: @unchecked Sendable {
    static let shared = ExtractedTrees()
    private let lock = Condition()
    private var dirs: [String] = []
    private var registered = false

    func add(_ dir: String) {
        lock.lock()
        defer { lock.unlock() }
        dirs.append(dir)
        if !registered {
            registered = true
            atexit { ExtractedTrees.shared.removeAll() }
        }
    }

    func remove(_ dir: String) {
        lock.lock()
        let known = dirs.firstIndex(of: dir)
        if let known { dirs.remove(at: known) }
        lock.unlock()
        if known != nil { try? FileManager.default.removeItem(atPath: dir) }
    }

    func removeAll() {
        lock.lock()
        let all = dirs
        dirs.removeAll()
        lock.unlock()
        for d in all { try? FileManager.default.removeItem(atPath: d) }
    }
}

/// A regular file read in 16 KiB chunks as they are asked for (pread), for BTF: `count` is its size from
/// fstat. A read error is a `HostFileError`; a file cut short after fstat is a truncated BTF.
public final class ChunkedFile: BTFBytes {
    let fd: Int32
    public let count: Int
    let name: String
    private var chunks: [Int: [UInt8]] = [:]
    private var current = -1
    private var chunk: [UInt8] = []
    static let shift = 14

    init(fd: Int32, count: Int, name: String) {
        self.fd = fd
        self.count = count
        self.name = name
    }

    deinit { close(fd) }

    public func byte(_ offset: Int) throws -> UInt8 {
        let i = offset >> Self.shift
        if i != current {
            if current >= 0 { chunks[current] = chunk }
            chunk = try chunks[i] ?? load(i)
            current = i
        }
        let k = offset & ((1 << Self.shift) - 1)
        guard k < chunk.count else { throw BTF.Failure.truncated("a field at offset \(offset)") }
        return chunk[k]
    }

    private func load(_ i: Int) throws -> [UInt8] {
        let start = i << Self.shift
        var out = [UInt8](repeating: 0, count: min(1 << Self.shift, max(count - start, 0)))
        var got = 0
        while got < out.count {
            let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + got, $0.count - got, off_t(start + got)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw HostFileError.unreadable(name, String(cString: strerror(errno)))
            }
            if n == 0 { break }
            got += n
        }
        out.removeSubrange(got...)
        return out
    }
}

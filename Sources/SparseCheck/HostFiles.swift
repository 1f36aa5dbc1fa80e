import Foundation

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
    public init() { root = nil }

    /// A captured tree; throws `InputError` when DIR is not a readable directory.
    public init(root dir: String) throws {
        guard let real = HostFiles.realPath(dir) else {
            throw InputError("--root \(dir)", expected: "an existing directory holding a captured tree (sys/..., proc/...)")
        }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: real, isDirectory: &isDir), isDir.boolValue else {
            throw InputError("--root \(dir)", expected: "a directory, not a file")
        }
        root = real
    }

    public var isLive: Bool { root == nil }

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

    /// A short text file `dir/sub/name` below a directory `dir` already resolved with `resolvedDir`:
    /// the fast path for hundreds of thousands of memory blocks. Inside a tree, `sub` must be a real
    /// directory (lstat) and the file is opened with O_NOFOLLOW, so nothing resolves outside the root
    /// without a realpath per file.
    public func textBelow(_ dirReal: String, _ dirRel: String, _ sub: String, _ name: String) throws -> String {
        let rel = "\(dirRel)/\(sub)/\(name)"
        if root != nil {
            var st = stat()
            guard lstat("\(dirReal)/\(sub)", &st) == 0 else { throw HostFileError.missing(display(rel)) }
            guard (st.st_mode & S_IFMT) == S_IFDIR else { return try text(rel) } // a symlink: take the checked path
        }
        let b = try readFile("\(dirReal)/\(sub)/\(name)", rel, cap: HostFiles.textCap, flags: root != nil ? O_NOFOLLOW : 0)
        return String(decoding: b, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The canonical path of a directory inside the tree (for `textBelow`).
    public func resolvedDir(_ rel: String) throws -> String { try checkInside(rel) }

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
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw HostFileError.unreadable(display(rel), String(cString: strerror(errno))) }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            let kind = (st.st_mode & S_IFMT) == S_IFDIR ? "a directory" : "not a regular file"
            throw HostFileError.unreadable(display(rel), "\(kind) where a file is expected")
        }
        var out = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw HostFileError.unreadable(display(rel), String(cString: strerror(errno)))
            }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
            if out.count > cap { throw HostFileError.tooLarge(display(rel), cap) }
        }
        return out
    }

    /// A text file with surrounding whitespace trimmed.
    public func text(_ rel: String, cap: Int = HostFiles.textCap) throws -> String {
        let b = try bytes(rel, cap: cap)
        return String(decoding: b, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The entry names of a directory (no `.`/`..`); nil when it does not exist.
    public func list(_ rel: String) throws -> [String] {
        let path = try checkInside(rel)
        guard let d = opendir(path) else {
            let e = errno
            if e == ENOENT { throw HostFileError.missing(display(rel)) }
            throw HostFileError.unreadable(display(rel), String(cString: strerror(e)))
        }
        defer { closedir(d) }
        var names: [String] = []
        while let ent = readdir(d) {
            let name = withUnsafePointer(to: ent.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    public func exists(_ rel: String) -> Bool {
        var st = stat()
        return lstat(absolute(rel), &st) == 0
    }
}

/// `0-3,8,10-11` (the kernel's cpulist / nodelist syntax) to sorted integers.
public func parseIDList(_ text: String) -> [Int]? {
    var out: [Int] = []
    let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
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

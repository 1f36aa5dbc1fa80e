#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

// Small text and path helpers in place of Foundation's `String(format:)`, `NSString` path methods and
// `padding(toLength:withPad:startingAt:)`, so the library needs only FoundationEssentials (no ICU).

extension Double {
    /// The value with `digits` digits after the point, as C's `%.<digits>f` writes it (what
    /// `String(format: "%.2f", v)` gave).
    public func fixed(_ digits: Int) -> String {
        var buf = [CChar](repeating: 0, count: 64)
        let n = withVaList([Int32(digits), self]) { vsnprintf(&buf, buf.count, "%.*f", $0) }
        if n >= buf.count {
            buf = [CChar](repeating: 0, count: Int(n) + 1)
            _ = withVaList([Int32(digits), self]) { vsnprintf(&buf, buf.count, "%.*f", $0) }
        }
        return String(decoding: buf.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension String {
    /// Padded with spaces, or cut, to `width` UTF-16 units: `padding(toLength: width, withPad: " ", startingAt: 0)`.
    public func padded(to width: Int) -> String {
        let n = utf16.count
        if n >= width { return n == width ? self : String(decoding: Array(utf16.prefix(width)), as: UTF16.self) }
        return self + String(repeating: " ", count: width - n)
    }
}

/// Paths as the kernel's file names are joined here: plain `/`-separated strings.
public enum PathName {
    /// Whether `path` (symlinks followed) is a directory; nil when it does not exist.
    public static func isDirectory(_ path: String) -> Bool? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// The last component: "/a/b/" gives "b", "/" gives "/" (NSString.lastPathComponent).
    public static func last(_ path: String) -> String {
        var p = Substring(path)
        while p.count > 1, p.hasSuffix("/") { p = p.dropLast() }
        if p == "/" { return "/" }
        if let i = p.lastIndex(of: "/") { return String(p[p.index(after: i)...]) }
        return String(p)
    }

    /// All but the last component: "/a/b" gives "/a", "/a" gives "/", "a" gives "" (NSString.deletingLastPathComponent).
    public static func parent(_ path: String) -> String {
        var p = Substring(path)
        while p.count > 1, p.hasSuffix("/") { p = p.dropLast() }
        guard let i = p.lastIndex(of: "/") else { return "" }
        if i == p.startIndex { return "/" }
        var q = p[..<i]
        while q.count > 1, q.hasSuffix("/") { q = q.dropLast() }
        return String(q)
    }

    /// `dir` and `name` joined by one `/` (NSString.appendingPathComponent for the names used here).
    public static func join(_ dir: String, _ name: String) -> String {
        if dir.isEmpty { return name }
        if name.isEmpty { return dir }
        return dir.hasSuffix("/") ? dir + name : dir + "/" + name
    }

    /// The components of an absolute path with `.`, `..`, repeated `/` and the symlinks with an absolute
    /// target among its existing components resolved, in order (NSString.standardizingPath: "link/x/.."
    /// is link's target; a symlink with a relative target and a missing component are kept as written).
    public static func components(standardizing absolute: String) -> [String] {
        var out: [String] = []
        var pending = absolute.split(separator: "/").map(String.init).reversed() as [String]
        var hops = 0
        var buf = [CChar](repeating: 0, count: 4096)
        while let c = pending.popLast() {
            if c == "." { continue }
            if c == ".." { _ = out.popLast(); continue }
            out.append(c)
            let n = readlink("/" + out.joined(separator: "/"), &buf, buf.count)
            guard n > 0, hops < 40, buf[0] == 0x2f else { continue }
            hops += 1
            out = []
            let target = String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            pending.append(contentsOf: target.split(separator: "/").map(String.init).reversed())
        }
        return out
    }
}

extension StringProtocol {
    /// Without leading and trailing white space: `trimmingSpaces()` (Unicode Zs
    /// and tab).
    public func trimmingSpaces() -> String {
        trimming { $0.isASCII ? $0 == " " || $0 == "\t" : $0.properties.generalCategory == .spaceSeparator }
    }

    /// `trimmingSpacesAndNewlines()`: Zs, tab, U+000A–U+000D, U+0085, U+2028, U+2029.
    public func trimmingSpacesAndNewlines() -> String {
        trimming {
            $0.isASCII ? $0 == " " || ($0.value >= 0x09 && $0.value <= 0x0d)
                : $0.value == 0x85 || $0.value == 0x2028 || $0.value == 0x2029 || $0.properties.generalCategory == .spaceSeparator
        }
    }

    private func trimming(_ drop: (Unicode.Scalar) -> Bool) -> String {
        let s = Substring(self).unicodeScalars
        guard let first = s.firstIndex(where: { !drop($0) }) else { return "" }
        let last = s.lastIndex(where: { !drop($0) })!
        return String(s[first...last])
    }

    /// Every occurrence of the ASCII text `target` replaced by `replacement`, matched byte for byte
    /// (`replacingOccurrences(of:with:)` for the ASCII targets used here; "\n" inside "\r\n" matches too).
    public func replacingAll(_ target: String, with replacement: String) -> String {
        let t = Array(target.utf8), bytes = Array(utf8)
        guard !t.isEmpty, bytes.count >= t.count else { return String(self) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == t[0], i + t.count <= bytes.count, bytes[i..<i + t.count].elementsEqual(t) {
                out.append(contentsOf: replacement.utf8)
                i += t.count
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

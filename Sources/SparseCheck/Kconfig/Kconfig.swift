#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
internal import CZlib

/// A kernel `.config` file (plain or gzip-compressed, e.g. `/proc/config.gz`), parsed line by line.
///
/// `# CONFIG_X is not set` is kept as the value `n`; a symbol that is absent has no entry (the option
/// does not exist for that architecture or kernel version) — the two are kept apart.
public struct KconfigFile: Sendable {
    public struct Entry: Sendable, Equatable {
        /// `y`, `m`, `n` (from "is not set"), a number as written, or a string without its quotes.
        public let value: String
        public let line: Int
    }

    public let path: String
    /// Symbols without the `CONFIG_` prefix.
    public private(set) var entries: [String: Entry] = [:]
    /// From the header comment `# Linux/x86 6.1.0 Kernel Configuration`.
    public private(set) var headerArch: String?
    public private(set) var version: [Int]?
    public private(set) var versionLine: Int?
    /// The release in the header, exactly as written ("7.2.13").
    public private(set) var release: KernelRelease?

    /// The largest decompressed (or plain) .config read: a real one is well under 1 MiB.
    public static let maxBytes = 64 << 20

    /// Reads `path`, gunzipping when it starts with the gzip magic.
    public static func load(path: String) throws -> KconfigFile {
        if PathName.isDirectory(path) == true {
            throw InputError("\(OptionName.kconfig.flag) \(path)", expected: "a kernel .config file (it is a directory; `sweep --kconfig DIR` reads the .config files in one)")
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw InputError("\(OptionName.kconfig.flag) \(path)", expected: "a readable kernel .config or config.gz (\(exists ? "permission denied" : "no such file"))")
        }
        defer { close(fd) }
        // At most maxBytes + 1 bytes (so an oversized file is refused, not read whole); a read error
        // (a directory) reads as empty.
        var bytes = [UInt8](repeating: 0, count: 1 << 16)
        var got = 0
        while got <= maxBytes {
            if got == bytes.count { bytes.append(contentsOf: repeatElement(0, count: min(bytes.count, maxBytes + 1 - got))) }
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + got, $0.count - got) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { if n < 0 { got = 0 }; break }
            got += n
        }
        return try load(data: Data(bytes[0..<got]), path: path)
    }

    /// Parses already-read bytes (plain or gzip) named `path`: how `host` reads the running kernel's
    /// config through its bounded, root-confined reader.
    public static func load(data: Data, path: String) throws -> KconfigFile {
        guard data.count <= maxBytes else {
            throw InputError("\(OptionName.kconfig.flag) \(path)", expected: "a kernel .config of at most \(maxBytes >> 20) MiB")
        }
        let text: String
        if data.count >= 2, data[data.startIndex] == 0x1f, data[data.startIndex + 1] == 0x8b {
            text = try gunzip(data, path: path)
        } else {
            try refuseBinary(data, path: path, what: "")
            text = String(decoding: data, as: UTF8.self)
        }
        return try parse(text, path: path)
    }

    /// Decompresses gzip data, refusing more than `maxBytes` of output.
    static func gunzip(_ data: Data, path: String) throws -> String {
        let cap = maxBytes
        let out = UnsafeMutablePointer<UInt8>.allocate(capacity: cap)
        defer { out.deallocate() }
        var produced = 0
        let st: cz_status = data.withUnsafeBytes { raw in
            cz_gunzip(raw.bindMemory(to: UInt8.self).baseAddress, raw.count, out, cap, &produced)
        }
        switch st {
        case CZ_OK:
            let bytes = UnsafeBufferPointer(start: out, count: produced)
            try refuseBinary(bytes, path: path, what: " once decompressed")
            return String(decoding: bytes, as: UTF8.self)
        case CZ_TOO_LARGE:
            throw InputError("\(OptionName.kconfig.flag) \(path)", expected: "a gzip-compressed .config that decompresses to at most \(cap >> 20) MiB")
        default:
            throw InputError("\(OptionName.kconfig.flag) \(path)", expected: "a valid gzip stream (it is truncated or corrupt)")
        }
    }

    /// A .config is text: a NUL or another control byte (tab, line feed and carriage return aside) means a
    /// binary file, refused by offset, never echoed (its bytes could drive the terminal).
    static func refuseBinary<C: Collection>(_ bytes: C, path: String, what: String) throws where C.Element == UInt8 {
        guard let i = bytes.firstIndex(where: { ($0 < 0x20 && $0 != 0x09 && $0 != 0x0a && $0 != 0x0d) || $0 == 0x7f }) else { return }
        let offset = bytes.distance(from: bytes.startIndex, to: i)
        throw InputError("\(OptionName.kconfig.flag) \(path)", expected: "a kernel .config, which is text (it is binary\(what): control byte 0x\(String(bytes[i], radix: 16)) at offset \(offset))")
    }

    /// Parses .config text. Every line is blank, a comment, `CONFIG_NAME=value` or
    /// `# CONFIG_NAME is not set`; anything else is an `InputError` naming `path:line`.
    public static func parse(_ text: String, path: String) throws -> KconfigFile {
        var f = KconfigFile(path: path)
        var lineNo = 0
        // Lines as `text.split(separator: "\n", omittingEmptySubsequences: false)` cuts them: at each
        // LF that is a Character of its own (not the LF of a CR LF pair). A line of printable ASCII and
        // tabs, the whole of a real .config, takes the byte path below; any other line the Character
        // path, which gives the same answer (and the same errors) for every line.
        var text = text
        try text.withUTF8 { all in
            var start = 0
            var i = 0
            while true {
                while i < all.count && !(all[i] == 0x0a && (i == 0 || all[i - 1] != 0x0d)) { i += 1 }
                lineNo += 1
                let line = UnsafeBufferPointer(rebasing: all[start..<i])
                if !(try f.parseASCIILine(line, lineNo)) {
                    let s = String(decoding: line, as: UTF8.self)
                    try f.parseLine(Substring(s), lineNo)
                }
                if i == all.count { break }
                i += 1
                start = i
            }
        }
        guard !f.entries.isEmpty else {
            throw InputError(path, expected: "a kernel .config (\(text.isEmpty ? "the file is empty" : "it has no CONFIG_ line"))")
        }
        return f
    }

    /// `parse` with every line taken by Characters, as before the byte path: the reference the tests
    /// hold `parse` against.
    static func parseByCharacters(_ text: String, path: String) throws -> KconfigFile {
        var f = KconfigFile(path: path)
        var lineNo = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNo += 1
            try f.parseLine(raw, lineNo)
        }
        guard !f.entries.isEmpty else {
            throw InputError(path, expected: "a kernel .config (\(text.isEmpty ? "the file is empty" : "it has no CONFIG_ line"))")
        }
        return f
    }

    /// One line by Characters (any text).
    private mutating func parseLine(_ raw: Substring, _ lineNo: Int) throws {
        var line = raw
        if line.hasSuffix("\r") { line = line.dropLast() }
        let t = line.trimmingSpaces()
        if t.isEmpty { return }
        if t.hasPrefix("#") {
            let body = t.dropFirst().trimmingSpaces()
            if body.hasPrefix("CONFIG_"), body.hasSuffix(" is not set") {
                let name = body.dropFirst("CONFIG_".count).dropLast(" is not set".count)
                guard Self.isSymbol(name) else { throw Self.malformed(path, lineNo, t) }
                try set(String(name), "n", lineNo)
            } else if version == nil, body.hasPrefix("Linux/"), body.hasSuffix("Kernel Configuration") {
                let words = body.split(separator: " ")
                if words.count >= 2 {
                    headerArch = String(words[0].dropFirst("Linux/".count))
                    let nums = words[1].split(whereSeparator: { !$0.isNumber }).prefix(3).compactMap { Int($0) }
                    if nums.count >= 2 {
                        version = nums
                        versionLine = lineNo
                        release = KernelRelease(String(words[1]))
                    }
                }
            }
            return
        }
        guard t.hasPrefix("CONFIG_"), let eq = t.firstIndex(of: "=") else { throw Self.malformed(path, lineNo, t) }
        let name = t[t.index(t.startIndex, offsetBy: "CONFIG_".count)..<eq]
        let value = t[t.index(after: eq)...]
        guard Self.isSymbol(name), let v = Self.parseValue(value) else { throw Self.malformed(path, lineNo, t) }
        try set(String(name), v, lineNo)
    }

    /// One line of printable ASCII and tabs by bytes, where a byte is a Character: the same outcome as
    /// `parseLine`. False (nothing done) for any other line, a header line, or a line `parseLine`
    /// refuses (it then words the error).
    private mutating func parseASCIILine(_ line: UnsafeBufferPointer<UInt8>, _ lineNo: Int) throws -> Bool {
        for b in line where (b < 0x20 && b != 0x09) || b >= 0x7f { return false }
        var lo = 0, hi = line.count
        while lo < hi && (line[lo] == 0x20 || line[lo] == 0x09) { lo += 1 }
        while hi > lo && (line[hi - 1] == 0x20 || line[hi - 1] == 0x09) { hi -= 1 }
        if lo == hi { return true }
        func has(_ prefix: StaticString, at o: Int, before end: Int) -> Bool {
            let n = prefix.utf8CodeUnitCount
            guard o + n <= end else { return false }
            for k in 0..<n where line[o + k] != prefix.utf8Start[k] { return false }
            return true
        }
        func text(_ a: Int, _ b: Int) -> String { String(decoding: UnsafeBufferPointer(rebasing: line[a..<b]), as: UTF8.self) }
        func symbol(_ a: Int, _ b: Int) -> Bool {
            guard a < b else { return false }
            for k in a..<b {
                let c = line[k]
                guard (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c == 0x5f else { return false }
            }
            return true
        }
        if line[lo] == 0x23 { // "#"
            var b = lo + 1
            while b < hi && (line[b] == 0x20 || line[b] == 0x09) { b += 1 }
            let suffix: StaticString = " is not set"
            let n = suffix.utf8CodeUnitCount
            if has("CONFIG_", at: b, before: hi), hi - b >= 7 + n, has(suffix, at: hi - n, before: hi) {
                guard symbol(b + 7, hi - n) else { return false }
                try set(text(b + 7, hi - n), "n", lineNo)
                return true
            }
            if version == nil, has("Linux/", at: b, before: hi) { return false } // the header: parseLine
            return true
        }
        guard has("CONFIG_", at: lo, before: hi) else { return false }
        var eq = lo + 7
        while eq < hi && line[eq] != 0x3d { eq += 1 } // "="
        guard eq < hi, symbol(lo + 7, eq) else { return false }
        let v = eq + 1
        let count = hi - v
        func digits(_ a: Int) -> Bool {
            guard a < hi else { return false }
            for k in a..<hi where line[k] < 0x30 || line[k] > 0x39 { return false }
            return true
        }
        func hexDigits(_ a: Int) -> Bool {
            for k in a..<hi {
                let c = line[k]
                guard (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66) else { return false }
            }
            return true
        }
        let value: String
        if count == 1 && (line[v] == 0x79 || line[v] == 0x6d || line[v] == 0x6e) { // y m n
            value = text(v, hi)
        } else if count >= 2 && line[v] == 0x22 && line[hi - 1] == 0x22 { // "string"
            value = text(v + 1, hi - 1)
        } else if count > 0, digits(line[v] == 0x2d ? v + 1 : v) { // -?[0-9]+
            value = text(v, hi)
        } else if count > 2 && line[v] == 0x30 && (line[v + 1] == 0x78 || line[v + 1] == 0x58) && hexDigits(v + 2) { // 0x...
            value = text(v, hi)
        } else {
            return false
        }
        try set(text(lo + 7, eq), value, lineNo)
        return true
    }

    private mutating func set(_ name: String, _ value: String, _ line: Int) throws {
        if let old = entries[name], old.value != value {
            throw InputError(
                "\(path):\(line)",
                expected: "one value per symbol: CONFIG_\(name) is already \(old.value == "n" ? "not set" : old.value) at line \(old.line) (contradictory config)")
        }
        entries[name] = Entry(value: value, line: line)
    }

    private static func isSymbol(_ s: Substring) -> Bool {
        !s.isEmpty && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    }

    private static func parseValue(_ v: Substring) -> String? {
        if v == "y" || v == "m" || v == "n" { return String(v) }
        if v.count >= 2, v.hasPrefix("\""), v.hasSuffix("\"") {
            return String(v.dropFirst().dropLast())
        }
        let digits = v.hasPrefix("-") ? v.dropFirst() : v
        if !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) { return String(v) }
        if v.lowercased().hasPrefix("0x"), v.count > 2, v.dropFirst(2).allSatisfy({ $0.isHexDigit }) { return String(v) }
        return nil
    }

    private static func malformed(_ path: String, _ line: Int, _ text: String) -> InputError {
        let shown = text.count > 60 ? String(text.prefix(60)) + "..." : text
        return InputError("\(path):\(line)", expected: "CONFIG_NAME=y|m|n|number|0xhex|\"string\", '# CONFIG_NAME is not set', a comment or a blank line (got '\(shown)')")
    }

    /// The entry of `CONFIG_<name>`, or nil when the symbol is absent.
    public subscript(_ name: String) -> Entry? { entries[name] }

    /// y or m: true; "is not set" or n: false; absent: nil.
    public func bool(_ name: String) -> Bool? {
        entries[name].map { $0.value == "y" || $0.value == "m" }
    }

    /// `CONFIG_X=y (line N)` or `# CONFIG_X is not set (line N)` for messages.
    public func cite(_ name: String) -> String {
        guard let e = entries[name] else { return "CONFIG_\(name) absent" }
        return e.value == "n" ? "'# CONFIG_\(name) is not set' (line \(e.line))" : "CONFIG_\(name)=\(e.value) (line \(e.line))"
    }

    /// An integer symbol, or an `InputError` at its line.
    func int(_ name: String, range: ClosedRange<Int>) throws -> Int? {
        guard let e = entries[name] else { return nil }
        let v: Int? = e.value.lowercased().hasPrefix("0x") ? Int(e.value.dropFirst(2), radix: 16) : Int(e.value)
        guard let v, range.contains(v) else {
            throw InputError("\(path):\(e.line)", expected: "CONFIG_\(name) an integer from \(range.lowerBound) to \(range.upperBound) (got \(e.value))")
        }
        return v
    }

    /// True when the header names a version before `major.minor`; nil when there is no header.
    func versionBefore(_ major: Int, _ minor: Int) -> Bool? {
        guard let v = version else { return nil }
        return v[0] < major || (v[0] == major && v[1] < minor)
    }

    public var versionString: String? { version.map { $0.map(String.init).joined(separator: ".") } }
}

/// What a kernel .config says about the rules: a configuration to check, or "no rule applies".
public enum KconfigOutcome: Sendable {
    /// A SPARSEMEM architecture the tool models; `config.derivedFrom` says where each value came from.
    case config(SparseConfig)
    /// An architecture without SPARSEMEM (FLATMEM: i386, armhf): no rule applies.
    case notApplicable(path: String, arch: String, reason: String)
}

extension KconfigFile {
    /// Reads the architecture, page size, VA/PA bits, MAX_PAGE_ORDER and every switch the rules depend
    /// on. A malformed value, an unknown architecture or a contradictory config is an `InputError` with
    /// `path:line`.
    public func derive() throws -> KconfigOutcome {
        var from: [String] = []
        var assumed: [Assumption] = []
        let file = PathName.last(path)

        func contradiction(_ a: String, _ b: String, _ why: String) -> InputError {
            let line = entries[b]?.line ?? entries[a]?.line ?? 1
            return InputError("\(path):\(line)", expected: "a consistent config: \(cite(a)) and \(cite(b)) \(why) (contradictory config)")
        }

        // Architecture.
        let archSymbols: [(String, Arch)] = [
            ("X86_64", .x86_64), ("ARM64", .arm64), ("RISCV", .riscv64), ("LOONGARCH", .loongarch64),
            ("PPC64", .powerpc64), ("S390", .s390x),
        ]
        let found = archSymbols.filter { bool($0.0) == true }
        if found.count > 1 {
            throw contradiction(found[0].0, found[1].0, "name two architectures")
        }
        let sparse = bool("SPARSEMEM") == true
        guard let (archSym, arch) = found.first else {
            let name = headerArch ?? (bool("X86_32") == true ? "i386" : (bool("ARM") == true ? "arm" : "unknown"))
            if !sparse {
                let flat = bool("FLATMEM") == true ? cite("FLATMEM") : "no CONFIG_SPARSEMEM"
                return .notApplicable(
                    path: path, arch: name,
                    reason: "\(name) uses FLATMEM (\(flat)): there is no SPARSEMEM section array and no vmemmap, so no rule applies")
            }
            throw InputError(
                "\(path):\(versionLine ?? entries["SPARSEMEM"]?.line ?? 1)",
                expected: "a .config of a modelled architecture (CONFIG_X86_64, CONFIG_ARM64, CONFIG_RISCV, CONFIG_LOONGARCH, CONFIG_PPC64 with PPC_BOOK3S_64, CONFIG_S390); this one is \(name) (unknown architecture)")
        }
        from.append("architecture \(arch.rawValue) <- \(cite(archSym))\(versionString.map { ", kernel \($0) (line \(versionLine!))" } ?? "")")
        if !sparse {
            return .notApplicable(
                path: path, arch: arch.rawValue,
                reason: "\(arch.rawValue) without SPARSEMEM (\(cite("SPARSEMEM"))): no section array and no vmemmap, so no rule applies")
        }
        if bool("64BIT") == false {
            throw InputError("\(path):\(entries["64BIT"]!.line)", expected: "a 64-bit \(arch.rawValue) config (CONFIG_64BIT is not set)")
        }
        if arch == .powerpc64, bool("PPC_BOOK3S_64") != true {
            throw InputError(
                "\(path):\(entries["PPC64"]!.line)",
                expected: "a powerpc64 book3s config (CONFIG_PPC_BOOK3S_64=y); book3e / 32-bit powerpc is not modelled (unknown architecture)")
        }

        // Page size: every symbol that names it must agree.
        var pageShift: UInt32?
        var pageFrom = ""
        func page(_ shift: UInt32, _ sym: String) throws {
            if let p = pageShift, p != shift {
                let first = pageFrom.split(separator: " ").first.map(String.init) ?? ""
                throw InputError(
                    "\(path):\(entries[sym]?.line ?? 1)",
                    expected: "one page size: \(cite(sym)) says \(Units.human(1 << UInt64(shift))) but \(first) says \(Units.human(1 << UInt64(p))) (contradictory config)")
            }
            if pageShift == nil { pageFrom = cite(sym) }
            pageShift = shift
        }
        for sym in ["PAGE_SHIFT", "ARM64_PAGE_SHIFT", "PPC_PAGE_SHIFT"] {
            if let v = try int(sym, range: 10...21) { try page(UInt32(v), sym) }
        }
        for (k, shift) in [("4", UInt32(12)), ("16", 14), ("64", 16)] {
            for sym in ["PAGE_SIZE_\(k)KB", "ARM64_\(k)K_PAGES", "PPC_\(k)K_PAGES"] where bool(sym) == true {
                try page(shift, sym)
            }
        }
        let p: UInt32
        if let ps = pageShift {
            p = ps
            from.append("page size \(Units.human(1 << UInt64(p))) <- \(pageFrom)")
        } else {
            p = 12
            from.append("page size 4 KiB <- no page-size symbol (before 6.12, x86 and s390 have none: always 4 KiB)")
        }

        // The preset the remaining architecture constants come from.
        let k = 1 << (p - 10)
        var presetName: String
        var base: SparseConfig?
        var modes: [PagingMode] = []
        switch arch {
        case .x86_64:
            presetName = "x86_64"
            let levels = try int("PGTABLE_LEVELS", range: 2...5)
            if bool("X86_5LEVEL") == true || levels == 5 {
                modes = [.level4, .level5]
                from.append("paging modes 4-level and 5-level <- \(bool("X86_5LEVEL") == true ? cite("X86_5LEVEL") : cite("PGTABLE_LEVELS")) (LA57 is decided at boot: both are evaluated)")
            } else {
                modes = [.level4]
            }
        case .arm64:
            guard let va = try int("ARM64_VA_BITS", range: 36...52) else {
                throw InputError("\(path):\(entries[archSym]!.line)", expected: "CONFIG_ARM64_VA_BITS in an arm64 config")
            }
            presetName = "arm64-\(k)k-va\(va)"
            if Preset.named(presetName) == nil {
                base = Preset.arm64Config(name: presetName, pageShift: p, vaBits: UInt32(va))
            }
            from.append("VA_BITS \(va) <- \(cite("ARM64_VA_BITS"))\(va > 48 ? " (a maximum: VA_BITS_MIN \(p == 14 ? 47 : 48) sizes the vmemmap; a CPU without 52-bit VA runs \(p == 14 ? 47 : 48)-bit: both are evaluated)" : "")")
            if va > 48 {
                modes = [p == 14 ? .va47 : .va48, .va52]
            } else if let m = PagingMode.arm64(UInt32(va)) {
                modes = [m]
            }
        case .riscv64:
            presetName = "riscv64-sv39"
            let levels = try int("PGTABLE_LEVELS", range: 3...5)
            modes = [PagingMode.sv39, .sv48, .sv57].prefix(levels.map { $0 - 2 } ?? 3).map { $0 }
            from.append("paging modes \(modes.map(\.rawValue).joined(separator: ", ")) <- \(levels == nil ? "CONFIG_PGTABLE_LEVELS absent (sv39, sv48 and sv57 since 5.18)" : cite("PGTABLE_LEVELS")) (the satp mode is probed at boot: each is evaluated)")
        case .loongarch64:
            presetName = "loongarch64-\(k)k"
        case .powerpc64:
            let radix = bool("PPC_RADIX_MMU") == true
            let hash = bool("PPC_64S_HASH_MMU") != false
            presetName = "powerpc64-\(radix ? "radix" : "hash")-\(k)k"
            modes = (radix ? [PagingMode.radix] : []) + (hash ? [.hash] : [])
            from.append("MMU \(modes.map(\.rawValue).joined(separator: " and ")) <- \(cite("PPC_RADIX_MMU")), \(entries["PPC_64S_HASH_MMU"] == nil ? "CONFIG_PPC_64S_HASH_MMU absent (hash always built before 5.17)" : cite("PPC_64S_HASH_MMU"))\(modes.count > 1 ? " (radix on POWER9+ unless disable_radix: both are evaluated)" : "")")
        case .s390x:
            presetName = "s390x"
        }
        if base == nil {
            guard let preset = Preset.named(presetName), preset.pageShift == p else {
                throw InputError(
                    "\(path):\(entries["PAGE_SHIFT"]?.line ?? entries[archSym]!.line)",
                    expected: "a page size \(arch.rawValue) has (no preset \(presetName) for \(Units.human(1 << UInt64(p))) pages; contradictory config)")
            }
            base = preset.config
        }
        var c = base!
        if !modes.isEmpty {
            if modes.count > 1 || c.pagingMode != modes[0] {
                c.allowedModes = modes
                c = try c.withPagingMode(modes[0])
            }
            c.allowedModes = modes
            c.modePinned = modes.count == 1
        }
        if let r = release {
            c.kernel = KernelTarget(release: r)
            from.append("formulas for kernel \(c.kernel.label) <- release \(r.seen) in the header (line \(versionLine!))")
        }
        from.append("architecture constants (SECTION_SIZE_BITS \(c.sectionSizeBits), PMD 2^\(c.pmdShift), PUD 2^\(c.pudShift), base formula) <- preset \(presetName)")

        // LoongArch page-table levels.
        if arch == .loongarch64, let levels = try int("PGTABLE_LEVELS", range: 2...4),
           case let .loongarch64(old, vab, pab, kf) = c.layout, old != UInt32(levels) {
            c.layout = .loongarch64(levels: UInt32(levels), cpuVABits: vab, cpuPABits: pab, kfenceAreaSize: kf)
            c.pudShift = levels >= 3 ? 3 * p - 6 : 2 * p - 3
            from.append("\(levels)-level page tables <- \(cite("PGTABLE_LEVELS"))")
        }

        // MAX_PHYSMEM_BITS.
        if arch == .arm64, let pa = try int("ARM64_PA_BITS", range: 36...52) {
            c.maxPhysmemBits = UInt32(pa)
            from.append("MAX_PHYSMEM_BITS \(pa) <- \(cite("ARM64_PA_BITS"))")
        }
        if arch == .s390x, let pa = try int("MAX_PHYSMEM_BITS", range: 42...53) {
            c.maxPhysmemBits = UInt32(pa)
            from.append("MAX_PHYSMEM_BITS \(pa) <- \(cite("MAX_PHYSMEM_BITS"))")
        }
        if arch == .s390x, case let .s390x(ident, base0, cpus0) = c.layout {
            var base = base0, cpus = cpus0
            if let e = entries["KERNEL_IMAGE_BASE"], let v = UInt64(e.value.lowercased().hasPrefix("0x") ? String(e.value.dropFirst(2)) : e.value, radix: 16) {
                base = v
                from.append("__NO_KASLR_START_KERNEL \(hex(v)) <- \(cite("KERNEL_IMAGE_BASE"))")
            } else {
                assumed.append(.s390ImageBase(base))
            }
            if let n = try int("NR_CPUS", range: 1...65536) {
                cpus = UInt64(n)
                from.append("ABS_LOWCORE_MAP_SIZE = NR_CPUS \(n) * 8 KiB <- \(cite("NR_CPUS"))")
            }
            c.layout = .s390x(identMapSize: ident, kernelImageBase: base, nrCPUs: cpus)
            c.assumed.removeAll { $0 == .s390PresetLayout }
            assumed.append(.s390MemoryBelow4TiB)
        }

        // MAX_PAGE_ORDER: ARCH_FORCE_MAX_ORDER changed meaning in 6.4 (exclusive -> inclusive).
        if let v = try int("ARCH_FORCE_MAX_ORDER", range: 1...64) {
            switch versionBefore(6, 4) {
            case true?:
                c.maxPageOrder = UInt32(v - 1)
                from.append("MAX_PAGE_ORDER \(v - 1) <- \(cite("ARCH_FORCE_MAX_ORDER")) minus one (before 6.4 it was MAX_ORDER, one more than the largest order; kernel \(versionString!))")
            case false?:
                c.maxPageOrder = UInt32(v)
                from.append("MAX_PAGE_ORDER \(v) <- \(cite("ARCH_FORCE_MAX_ORDER")) (6.4+: the largest order itself)")
            case nil:
                c.maxPageOrder = UInt32(v)
                from.append("MAX_PAGE_ORDER \(v) <- \(cite("ARCH_FORCE_MAX_ORDER"))")
                assumed.append(.forceMaxOrderMeaning)
            }
        } else if let v = try int("FORCE_MAX_ZONEORDER", range: 1...64) {
            c.maxPageOrder = UInt32(v - 1)
            from.append("MAX_PAGE_ORDER \(v - 1) <- \(cite("FORCE_MAX_ZONEORDER")) minus one (the pre-6.1 name of MAX_ORDER)")
        } else {
            c.maxPageOrder = 10
            from.append("MAX_PAGE_ORDER 10 <- CONFIG_ARCH_FORCE_MAX_ORDER absent (the default: MAX_ORDER 11 before 6.4, MAX_PAGE_ORDER 10 after)")
        }

        // Switches.
        func flag(_ sym: String, _ what: String) -> Bool {
            let v = bool(sym) ?? false
            from.append("\(what) \(v ? "y" : "n") <- \(entries[sym] == nil ? "CONFIG_\(sym) absent (the option does not exist here)" : cite(sym))")
            return v
        }
        c.sparsememVmemmap = flag("SPARSEMEM_VMEMMAP", "SPARSEMEM_VMEMMAP")
        c.sparsememExtreme = flag("SPARSEMEM_EXTREME", "SPARSEMEM_EXTREME")
        c.hugetlbPage = flag("HUGETLB_PAGE", "HUGETLB_PAGE")
        c.archHasGiganticPage = flag("ARCH_HAS_GIGANTIC_PAGE", "ARCH_HAS_GIGANTIC_PAGE")
        c.haveTHPPud = flag("HAVE_ARCH_TRANSPARENT_HUGEPAGE_PUD", "HAVE_ARCH_TRANSPARENT_HUGEPAGE_PUD")
        c.zoneDevice = flag("ZONE_DEVICE", "ZONE_DEVICE")
        c.vmemmapPreinit = flag("SPARSEMEM_VMEMMAP_PREINIT", "SPARSEMEM_VMEMMAP_PREINIT")
        c.archWantVmemmapPreinit = bool("ARCH_WANT_HUGETLB_VMEMMAP_PREINIT") ?? c.vmemmapPreinit
        if bool("PAGE_EXTENSION") == true {
            c.memSectionSize = 32
            from.append("sizeof(struct mem_section) 32 <- \(cite("PAGE_EXTENSION")) (page_ext pointer and pad)")
        } else {
            c.memSectionSize = 16
        }
        let wantSym = entries["ARCH_WANT_OPTIMIZE_HUGETLB_VMEMMAP"] != nil
            ? "ARCH_WANT_OPTIMIZE_HUGETLB_VMEMMAP" : "ARCH_WANT_HUGETLB_PAGE_OPTIMIZE_VMEMMAP"
        c.archWantHVO = bool(wantSym) ?? false
        from.append("ARCH_WANT_OPTIMIZE_HUGETLB_VMEMMAP \(c.archWantHVO ? "y" : "n") <- \(entries[wantSym] == nil ? "neither CONFIG_ARCH_WANT_OPTIMIZE_HUGETLB_VMEMMAP (6.2+) nor CONFIG_ARCH_WANT_HUGETLB_PAGE_OPTIMIZE_VMEMMAP (6.1) present" : cite(wantSym))")
        if let hvo = bool("HUGETLB_PAGE_OPTIMIZE_VMEMMAP") {
            if hvo && !c.sparsememVmemmap {
                throw contradiction("SPARSEMEM_VMEMMAP", "HUGETLB_PAGE_OPTIMIZE_VMEMMAP", "disagree: HVO depends on SPARSEMEM_VMEMMAP (fs/Kconfig)")
            }
            if hvo && !c.hugetlbPage {
                throw contradiction("HUGETLB_PAGE", "HUGETLB_PAGE_OPTIMIZE_VMEMMAP", "disagree: HVO is def_bool HUGETLB_PAGE (fs/Kconfig)")
            }
            c.hvo = hvo
            from.append("HUGETLB_PAGE_OPTIMIZE_VMEMMAP \(hvo ? "y" : "n") <- \(cite("HUGETLB_PAGE_OPTIMIZE_VMEMMAP"))")
        } else {
            c = c.withKconfigHVO()
            from.append("HUGETLB_PAGE_OPTIMIZE_VMEMMAP \(c.hvo ? "y" : "n") <- CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP absent; derived from fs/Kconfig (def_bool HUGETLB_PAGE, depends on ARCH_WANT_OPTIMIZE_HUGETLB_VMEMMAP && SPARSEMEM_VMEMMAP)")
        }
        if let g = bool("HAVE_GIGANTIC_FOLIOS") {
            if g != c.haveGiganticFolios {
                throw InputError(
                    "\(path):\(entries["HAVE_GIGANTIC_FOLIOS"]!.line)",
                    expected: "CONFIG_HAVE_GIGANTIC_FOLIOS to match mm/Kconfig's (HUGETLB_PAGE && ARCH_HAS_GIGANTIC_PAGE) || (ZONE_DEVICE && HAVE_ARCH_TRANSPARENT_HUGEPAGE_PUD) = \(c.haveGiganticFolios ? "y" : "n") (contradictory config)")
            }
            from.append("HAVE_GIGANTIC_FOLIOS \(g ? "y" : "n") <- \(cite("HAVE_GIGANTIC_FOLIOS"))")
        } else {
            from.append("HAVE_GIGANTIC_FOLIOS \(c.haveGiganticFolios ? "y" : "n") <- CONFIG_HAVE_GIGANTIC_FOLIOS absent (before 6.16); derived from mm/Kconfig: (HUGETLB_PAGE && ARCH_HAS_GIGANTIC_PAGE) || (ZONE_DEVICE && HAVE_ARCH_TRANSPARENT_HUGEPAGE_PUD)")
        }

        // KASLR.
        switch arch {
        case .x86_64:
            c.kaslr = bool("RANDOMIZE_MEMORY") == true
            from.append("vmemmap_base randomised: \(c.kaslr ? "yes" : "no") <- \(entries["RANDOMIZE_MEMORY"] == nil ? "CONFIG_RANDOMIZE_MEMORY absent" : cite("RANDOMIZE_MEMORY"))")
        case .arm64:
            c.kaslr = bool("RANDOMIZE_BASE") == true
            from.append("KASLR \(c.kaslr ? "built in" : "off") <- \(entries["RANDOMIZE_BASE"] == nil ? "CONFIG_RANDOMIZE_BASE absent" : cite("RANDOMIZE_BASE")) (it randomises the linear map only in releases with memstart_offset_seed, before 7.2)")
        case .s390x:
            c.kaslr = bool("RANDOMIZE_BASE") == true
            from.append("kernel image randomised: \(c.kaslr ? "yes" : "no") <- \(entries["RANDOMIZE_BASE"] == nil ? "CONFIG_RANDOMIZE_BASE absent" : cite("RANDOMIZE_BASE"))")
        default:
            break
        }
        if let dbg = bool("DEBUG_VM") {
            from.append("DEBUG_VM \(dbg ? "y: the kernel's own VM_WARN_ON_ONCE alignment check is built in" : "n: the kernel's own VM_WARN_ON_ONCE alignment check compiles away") <- \(cite("DEBUG_VM"))")
        }

        c.preset = file
        c.kconfigPath = path
        c.kconfigLines = entries.filter { kconfigSymbolsOfInterest.contains($0.key) }.mapValues(\.line)
        c.derivedFrom = from
        c.assumed += assumed
        // The values a .config cannot carry come from the preset (DRAM start) — listed by applying().
        c = try c.applying(Overrides())
        do {
            try c.validate()
        } catch let e as InputError {
            throw InputError("\(path)", expected: "a configuration the kernel builds: derived \(e.description)")
        }
        return .config(c)
    }
}

/// The CONFIG_ symbols whose lines results may point at (SARIF locations, annotations).
let kconfigSymbolsOfInterest: Set<String> = [
    "HUGETLB_PAGE_OPTIMIZE_VMEMMAP", "SPARSEMEM_VMEMMAP", "ZONE_DEVICE", "SPARSEMEM_VMEMMAP_PREINIT",
    "X86_64", "ARM64", "RISCV", "LOONGARCH", "PPC64", "S390", "PAGE_SHIFT", "ARCH_FORCE_MAX_ORDER",
    "RANDOMIZE_MEMORY", "RANDOMIZE_BASE", "HUGETLB_PAGE",
]


/// Expands `--kconfig` arguments: files as given, directories to their regular files (sorted).
public func expandKconfigPaths(_ paths: [String]) throws -> [String] {
    var out: [String] = []
    for p in paths {
        if PathName.isDirectory(p) == true {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: p)) ?? []
            let files = names.sorted().map { PathName.join(p, $0) }.filter {
                PathName.isDirectory($0) == false && !PathName.last($0).hasPrefix(".")
            }
            guard !files.isEmpty else {
                throw InputError("\(OptionName.kconfig.flag) \(p)", expected: "a directory holding kernel .config files (it is empty)")
            }
            out += files
        } else {
            out.append(p)
        }
    }
    return out
}

import Foundation
import Testing

/// The library's folders are floors (docs/architecture.md): a folder names only the top-level names of
/// the floors below it, so no two folders reference each other both ways. Beside the C boundary test in
/// OptionsTests: that one keeps C behind Mirror/, this one keeps the Swift folders one-way.
@Suite("Folder floors")
struct FloorsTests {
    /// Sources/SparseCheck's folders and their Swift files.
    func sources() throws -> [String: [(name: String, text: String)]] {
        let root = packageRoot.appendingPathComponent("Sources/SparseCheck").path
        var files: [String: [(name: String, text: String)]] = [:]
        for folder in try FileManager.default.contentsOfDirectory(atPath: root) {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: root + "/" + folder, isDirectory: &isDir), isDir.boolValue else { continue }
            for f in try FileManager.default.contentsOfDirectory(atPath: root + "/" + folder) where f.hasSuffix(".swift") {
                files[folder, default: []].append((f, try String(contentsOfFile: root + "/" + folder + "/" + f, encoding: .utf8)))
            }
        }
        return files
    }

    @Test("every folder of Sources/SparseCheck references only the folders its floor allows")
    func noBackEdge() throws {
        let files = try sources()
        #expect(files.count >= 8, "Sources/SparseCheck's folders not found under \(packageRoot.path)")
        #expect(Set(files.keys) == Set(Floors.order), "a folder is on no floor (add it to Floors.order and Floors.allowed): \(Set(files.keys).symmetricDifference(Floors.order).sorted())")
        let edges = Floors.edges(files)
        #expect(edges.values.reduce(0) { $0 + $1.count } >= 10, "too few folder references found: the scan reads the wrong tree")
        for v in Floors.violations(edges, allowed: Floors.allowed) {
            let down = (Floors.order.firstIndex(of: v.to) ?? .max) < (Floors.order.firstIndex(of: v.from) ?? -1)
            Issue.record("""
                \(v.from)/ references \(v.to)/ (\(v.references.joined(separator: ", "))): \
                \(down ? "a new edge down the floors: add it to Floors.allowed if it belongs" : "a back edge up the floors: move the name down, or the code up")
                """)
        }
    }

    @Test("the allowed folder edges are acyclic and point down the floors")
    func tableIsAcyclic() {
        #expect(Floors.cycle(in: Floors.allowed) == nil, "Floors.allowed has a circle: \(Floors.cycle(in: Floors.allowed) ?? [])")
        #expect(Set(Floors.allowed.keys) == Set(Floors.order))
        for (from, tos) in Floors.allowed {
            for to in tos {
                #expect(Floors.order.firstIndex(of: to)! < Floors.order.firstIndex(of: from)!, "\(from) -> \(to) points up the floors")
            }
        }
    }

    @Test("a back edge fails the guard: Model naming a Run/ type, and a circle in a table")
    func syntheticBackEdge() throws {
        var files = try sources()
        files["Model", default: []].append(("Synthetic.swift", "func probe(_ h: HostRun.Type) -> Any { ReportFormat.text }\n"))
        let v = Floors.violations(Floors.edges(files), allowed: Floors.allowed)
        #expect(v.count == 1)
        #expect(v.first?.from == "Model" && v.first?.to == "Run")
        #expect(v.first?.references == ["HostRun@Synthetic.swift", "ReportFormat@Synthetic.swift"])
        var circular = Floors.allowed
        circular["Model", default: []].insert("Run")
        #expect(Floors.cycle(in: circular)?.first == Floors.cycle(in: circular)?.last)
        #expect(Floors.cycle(in: circular)?.contains("Run") == true)
    }

    @Test("the scan skips comments and string text, reads interpolations, and declares only top-level names")
    func scanner() {
        let s = SwiftScan(#"""
            import Foundation
            /// A doc comment naming HostRun. /* and */ // nested
            /* a block naming ReportFormat /* nested */ still comment */
            public struct Top: Sendable {
                struct Inner {}
                func member() -> String { "text naming Sweep \(Used.value) \("nested \(Deep.x)")" + #"raw \(NotCode) "# }
            }
            private struct Hidden {}
            public func topFunc() { let local = Other.make(); _ = local.memberCall }
            extension Extended { static let fromExtension = 1 }
            let multi = """
                Sweep \(InMulti.y) "quoted"
                """
            """#)
        #expect(s.declared == ["Top", "topFunc", "multi"])
        for name in ["Used", "Deep", "Other", "InMulti", "Extended", "Sendable", "String"] {
            #expect(s.references.contains(name), "\(name) not seen")
        }
        for name in ["HostRun", "ReportFormat", "Sweep", "NotCode", "memberCall", "make", "value"] {
            #expect(!s.references.contains(name), "\(name) seen in a comment, string or member")
        }
    }
}

/// The floors of Sources/SparseCheck: each folder may name only the top-level names (types, top-level
/// functions and constants) declared in the folders listed for it here. The table is acyclic, so the
/// folders stack as floors, bottom to top. A new dependency between folders is a line here, and must
/// not close a circle; docs/architecture.md draws the same floors.
enum Floors {
    /// Bottom to top: every folder lists only folders before it.
    static let order = ["Model", "Mirror", "Kconfig", "Host", "Rules", "Sweep", "Output", "Render", "Run"]

    /// folder -> the folders whose top-level names it may reference.
    static let allowed: [String: Set<String>] = [
        "Model": [],
        "Mirror": ["Model"],
        "Kconfig": ["Model"],
        "Host": ["Model", "Kconfig"],
        "Rules": ["Model", "Mirror", "Host"],
        "Sweep": ["Model", "Mirror", "Host", "Rules"],
        "Output": ["Model", "Mirror", "Host", "Rules", "Sweep"],
        "Render": ["Model", "Host", "Rules", "Sweep", "Output"],
        "Run": ["Model", "Host", "Rules", "Output", "Render"],
    ]

    /// The edges not in `allowed`: (from, to, the references that make it, as `name@file`).
    static func violations(_ edges: [String: [String: [String]]], allowed: [String: Set<String>])
        -> [(from: String, to: String, references: [String])] {
        var out: [(String, String, [String])] = []
        for (from, tos) in edges.sorted(by: { $0.key < $1.key }) {
            for (to, refs) in tos.sorted(by: { $0.key < $1.key }) where !(allowed[from] ?? []).contains(to) {
                out.append((from, to, refs.sorted()))
            }
        }
        return out
    }

    /// A circle in a dependency table (`[a, b, …, a]`), or nil when it has none.
    static func cycle(in table: [String: Set<String>]) -> [String]? {
        var state: [String: Int] = [:] // 1 on the path, 2 done
        var path: [String] = []
        func visit(_ n: String) -> [String]? {
            if state[n] == 2 { return nil }
            if state[n] == 1 { return Array(path[path.firstIndex(of: n)!...]) + [n] }
            state[n] = 1
            path.append(n)
            for m in (table[n] ?? []).sorted() {
                if let c = visit(m) { return c }
            }
            path.removeLast()
            state[n] = 2
            return nil
        }
        for n in table.keys.sorted() {
            if let c = visit(n) { return c }
        }
        return nil
    }

    /// Which folders each folder's files reference: `edges[from][to]` lists the references as `name@file`.
    /// `files` maps a folder to its (file name, source text) pairs.
    static func edges(_ files: [String: [(name: String, text: String)]]) -> [String: [String: [String]]] {
        var owners: [String: Set<String>] = [:]
        var scans: [String: [(String, SwiftScan)]] = [:]
        for (folder, list) in files {
            for (name, text) in list {
                let s = SwiftScan(text)
                scans[folder, default: []].append((name, s))
                for d in s.declared { owners[d, default: []].insert(folder) }
            }
        }
        var edges: [String: [String: Set<String>]] = [:]
        for (folder, list) in scans {
            for (file, s) in list {
                for id in s.references {
                    guard let o = owners[id], !o.contains(folder) else { continue }
                    for to in o { edges[folder, default: [:]][to, default: []].insert("\(id)@\(file)") }
                }
            }
        }
        return edges.mapValues { $0.mapValues { Array($0) } }
    }
}

/// A small Swift tokenizer, enough for the floors: the identifiers a file's code uses (comments and
/// string literal text skipped, string interpolations read as code; members after `.` left out) and
/// the names it declares at the top level (types, functions, `let`/`var`; not private ones, not
/// extensions, which declare no new top-level name).
struct SwiftScan {
    private(set) var references: Set<String> = []
    private(set) var declared: Set<String> = []

    private let b: [UInt8]
    private var i = 0
    private var depth = 0
    private var words: [String] = [] // the identifiers since the last punctuation, at depth 0

    init(_ text: String) {
        b = Array(text.utf8)
        code(stopAtParen: false)
    }

    private static let declarers: Set<String> = ["struct", "class", "enum", "protocol", "typealias", "actor", "func", "let", "var"]

    private func at(_ s: String) -> Bool {
        var j = i
        for u in s.utf8 {
            guard j < b.count, b[j] == u else { return false }
            j += 1
        }
        return true
    }

    private static func isIdentStart(_ c: UInt8) -> Bool { c == 0x5F || (c | 0x20 >= 0x61 && c | 0x20 <= 0x7A) || c >= 0x80 }
    private static func isIdent(_ c: UInt8) -> Bool { isIdentStart(c) || (c >= 0x30 && c <= 0x39) }

    /// Code until the end, or until the `)` that closes a string interpolation.
    private mutating func code(stopAtParen: Bool) {
        var parens = 0
        while i < b.count {
            let c = b[i]
            if at("//") {
                while i < b.count, b[i] != 0x0A { i += 1 }
            } else if at("/*") {
                var nest = 0
                repeat {
                    if at("/*") { nest += 1; i += 2 } else if at("*/") { nest -= 1; i += 2 } else { i += 1 }
                } while nest > 0 && i < b.count
            } else if c == 0x22 || (c == 0x23 && rawStringAhead()) {
                string()
                words = []
            } else if Self.isIdentStart(c) || c == 0x60 {
                identifier()
            } else {
                switch c {
                case 0x28: parens += 1
                case 0x29:
                    if stopAtParen && parens == 0 { i += 1; return }
                    parens -= 1
                case 0x7B: depth += 1
                case 0x7D: depth -= 1
                default: break
                }
                if c != 0x20 && c != 0x09 && c != 0x0A && c != 0x0D && c != 0x40 { words = [] }
                i += 1
            }
        }
    }

    /// `#"`, `##"`, …: a raw string starts here.
    private func rawStringAhead() -> Bool {
        var j = i
        while j < b.count, b[j] == 0x23 { j += 1 }
        return j < b.count && b[j] == 0x22
    }

    private mutating func identifier() {
        var prev = i - 1
        while prev >= 0, b[prev] == 0x20 || b[prev] == 0x09 { prev -= 1 }
        let member = prev >= 0 && b[prev] == 0x2E
        var name: String
        if b[i] == 0x60 { // `name`
            let start = i + 1
            i = start
            while i < b.count, b[i] != 0x60 { i += 1 }
            name = String(decoding: b[start..<i], as: UTF8.self)
            i += 1
        } else {
            let start = i
            while i < b.count, Self.isIdent(b[i]) { i += 1 }
            name = String(decoding: b[start..<i], as: UTF8.self)
        }
        if depth == 0, let kw = words.last, Self.declarers.contains(kw),
           !words.contains("private"), !words.contains("fileprivate") {
            declared.insert(name)
        }
        if !member { references.insert(name) }
        words.append(name)
    }

    /// A string literal (plain, multi-line, raw): its text skipped, its interpolations read as code.
    private mutating func string() {
        var hashes = 0
        while b[i] == 0x23 { hashes += 1; i += 1 }
        let quote = at("\"\"\"") ? "\"\"\"" : "\""
        i += quote.utf8.count
        let close = quote + String(repeating: "#", count: hashes)
        let escape = "\\" + String(repeating: "#", count: hashes)
        while i < b.count {
            if at(close) { i += close.utf8.count; return }
            if at(escape) {
                i += escape.utf8.count
                if i < b.count, b[i] == 0x28 {
                    i += 1
                    code(stopAtParen: true)
                } else {
                    i += 1
                }
                continue
            }
            i += 1
        }
    }
}

import Foundation
import Testing

/// README.md is the front door and docs/ holds the rest (issue 13): every relative link in them must
/// resolve, to a file and, for `#anchor`, to a heading of that file (GitHub's anchor rules).
@Suite("Documentation links")
struct DocLinkTests {
    /// README.md, CHANGELOG.md and every docs/*.md.
    static let pages: [URL] = {
        let docs = packageRoot.appendingPathComponent("docs")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: docs.path)) ?? []
        return [packageRoot.appendingPathComponent("README.md"), packageRoot.appendingPathComponent("CHANGELOG.md")]
            + names.filter { $0.hasSuffix(".md") }.sorted().map { docs.appendingPathComponent($0) }
    }()

    struct Link: CustomStringConvertible {
        var page: URL
        var line: Int
        var target: String
        var description: String { "\(page.lastPathComponent):\(line): \(target)" }
    }

    /// The `[text](target)` and `![alt](target)` links of a Markdown text, outside fenced code blocks,
    /// indented code blocks and inline code spans.
    static func links(in text: String, page: URL) -> [Link] {
        var result: [Link] = []
        var fenced = false
        for (i, raw) in text.components(separatedBy: "\n").enumerated() {
            let trimmed = raw.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                fenced.toggle()
                continue
            }
            if fenced || raw.hasPrefix("    ") || raw.hasPrefix("\t") { continue }
            let line = removingCodeSpans(raw)
            var rest = Substring(line)
            while let close = rest.range(of: "](") {
                let after = rest[close.upperBound...]
                guard let end = after.firstIndex(of: ")") else { break }
                var target = String(after[..<end]).trimmingCharacters(in: .whitespaces)
                if let space = target.firstIndex(of: " ") { target = String(target[..<space]) } // [x](url "title")
                result.append(Link(page: page, line: i + 1, target: target))
                rest = after[end...]
            }
        }
        return result
    }

    static func removingCodeSpans(_ line: String) -> String {
        var out = "", inCode = false
        for c in line {
            if c == "`" { inCode.toggle(); continue }
            if !inCode { out.append(c) }
        }
        return out
    }

    /// GitHub's heading anchors: lower-cased, punctuation other than `-` and `_` dropped, spaces to
    /// `-`, a repeated heading gets `-1`, `-2`, ...
    static func anchors(of text: String) -> Set<String> {
        var seen: [String: Int] = [:]
        var result: Set<String> = []
        var fenced = false
        for raw in text.components(separatedBy: "\n") {
            if raw.hasPrefix("```") || raw.hasPrefix("~~~") { fenced.toggle() }
            guard !fenced, raw.hasPrefix("#") else { continue }
            let title = raw.drop(while: { $0 == "#" }).trimmingCharacters(in: .whitespaces)
            var slug = ""
            for c in title.lowercased() {
                if c.isLetter || c.isNumber || c == "-" || c == "_" { slug.append(c) } else if c == " " { slug.append("-") }
            }
            let n = seen[slug, default: 0]
            seen[slug] = n + 1
            result.insert(n == 0 ? slug : "\(slug)-\(n)")
        }
        return result
    }

    static func isRelative(_ target: String) -> Bool {
        !(target.isEmpty || target.contains("://") || target.hasPrefix("mailto:"))
    }

    @Test("the pages exist: README, CHANGELOG and at least four docs pages")
    func pagesExist() {
        #expect(Self.pages.count >= 6)
        for page in Self.pages {
            #expect(FileManager.default.fileExists(atPath: page.path), "\(page.path)")
        }
    }

    @Test("no page names a path of the machine it was written on (examples run from the repository root)")
    func noMachinePaths() throws {
        // Home and work directories of build machines; the checkout's own path is shown as `/…`.
        let machine = try Regex(#"(^|[\s(`'"])/(work|home|Users|root|srv|build)/"#)
        var found: [String] = []
        for page in Self.pages {
            let text = try String(contentsOf: page, encoding: .utf8)
            for (i, line) in text.components(separatedBy: "\n").enumerated() where line.contains(machine) {
                found.append("\(page.lastPathComponent):\(i + 1): \(line.prefix(120))")
            }
        }
        #expect(found.isEmpty, "machine paths:\n\(found.joined(separator: "\n"))")
    }

    @Test("README.md is a front door: at most 15,000 bytes")
    func readmeSize() throws {
        let size = try Data(contentsOf: packageRoot.appendingPathComponent("README.md")).count
        #expect(size <= 15_000, "README.md is \(size) bytes")
    }

    @Test("every relative link in README.md and docs/*.md resolves, anchors included")
    func relativeLinksResolve() throws {
        var checked = 0
        for page in Self.pages {
            let text = try String(contentsOf: page, encoding: .utf8)
            for link in Self.links(in: text, page: page) where Self.isRelative(link.target) {
                checked += 1
                let parts = link.target.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
                let path = String(parts[0]).removingPercentEncoding ?? String(parts[0])
                let file = path.isEmpty ? page : page.deletingLastPathComponent().appendingPathComponent(path).standardized
                #expect(FileManager.default.fileExists(atPath: file.path), "broken link \(link)")
                guard parts.count == 2, FileManager.default.fileExists(atPath: file.path) else { continue }
                let anchor = String(parts[1])
                guard file.pathExtension == "md" else { continue }
                let anchors = Self.anchors(of: try String(contentsOf: file, encoding: .utf8))
                #expect(anchors.contains(anchor), "broken anchor \(link) (\(file.lastPathComponent) has \(anchors.sorted()))")
            }
        }
        #expect(checked >= 20) // README alone links every docs page
    }

    @Test("the link checker finds what it must, and no more")
    func checkerSelfTest() {
        let page = packageRoot.appendingPathComponent("README.md")
        let text = """
            [a](docs/a.md) and ![b](docs/b.svg "title") and `[c](not-a-link)`
                [indented](code)
            ```
            [fenced](code)
            ```
            [web](https://example.com)
            """
        let targets = Self.links(in: text, page: page).map(\.target)
        #expect(targets == ["docs/a.md", "docs/b.svg", "https://example.com"])
        #expect(Self.anchors(of: "# JSON documents (schema `memmap-check/1`)\n## Exit codes\n## Exit codes")
            == ["json-documents-schema-memmap-check1", "exit-codes", "exit-codes-1"])
    }
}

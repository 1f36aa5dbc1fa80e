import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import SparseCheck

/// The SVG read back with Foundation's XMLParser: every element with its attributes, in document order.
final class SVGElements: NSObject, XMLParserDelegate {
    struct Element { var name: String; var attrs: [String: String]; var text = "" }
    var elements: [Element] = []
    private var stack: [Int] = []
    var error: Error?

    /// swift-corelibs-foundation's XMLParser keeps per-thread parser state that concurrent tests can
    /// cross (callbacks of one parse reach another's delegate), so parses run one at a time.
    private static let lock = NSLock()

    static func parse(_ svg: String) throws -> SVGElements {
        lock.lock()
        defer { lock.unlock() }
        let p = XMLParser(data: Data(svg.utf8))
        let e = SVGElements()
        p.delegate = e
        let ok = p.parse()
        #expect(ok, "well-formed XML: \(String(describing: p.parserError))")
        if !ok { throw p.parserError ?? CocoaError(.fileReadCorruptFile) }
        return e
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        stack.append(elements.count)
        elements.append(Element(name: name, attrs: attributes))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if let i = stack.last { elements[i].text += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        stack.removeLast()
    }

    func with(_ key: String, _ value: String? = nil) -> [Element] {
        elements.filter { e in e.attrs[key].map { value == nil || $0 == value } ?? false }
    }
}

struct LayoutSVGTests {
    static let names = FixtureLayoutTests.names

    @Test("well-formed; every node, block, section boundary and finding is an element", arguments: names)
    func fixtureElements(name: String) throws {
        let h = try hostCheck(hostFixture(name))
        let r = LayoutSVG.render(h)
        let svg = try SVGElements.parse(r.svg)
        #expect(svg.elements.first?.name == "svg")

        // Every node: its band and its vmemmap row.
        for n in h.layout.nodes {
            #expect(svg.with("id", "node-\(n.id)").first?.attrs["data-node"] == "\(n.id)", "node \(n.id) band")
            #expect(svg.with("id", "vmemmap-node-\(n.id)").count == 1, "node \(n.id) vmemmap row")
        }

        // Memory blocks: each once per node it is linked under, coloured by its state.
        let drawn = svg.with("data-block")
        var byState: [String: Set<String>] = [:]
        for e in drawn { byState[e.attrs["data-state"]!, default: []].insert(e.attrs["data-block"]!) }
        let expected = Dictionary(grouping: h.layout.blocks, by: \.state.rawValue).mapValues { Set($0.map { "\($0.id)" }) }
        #expect(byState == expected)
        #expect(drawn.count == h.layout.blocks.reduce(0) { $0 + max($1.nodes.count, 1) })

        // Section boundaries: both edges of every section holding memory of a node.
        #expect(r.grid == .sections)
        let lines = Set(svg.with("data-section").filter { $0.name == "line" }.map { $0.attrs["data-section"]! })
        let sectionSize = UInt64(1) << UInt64(h.result.config.sectionSizeBits)
        for n in h.layout.nodes {
            for range in n.ranges.map(\.range) {
                for s in (range.start / sectionSize)...((range.end - 1) / sectionSize + 1) {
                    #expect(lines.contains("\(s)"), "\(name): section boundary \(s)")
                }
            }
        }

        // Findings where they apply.
        for s in h.sharedSections {
            let e = svg.with("data-rule", "node-section-shared").filter { $0.name == "g" && $0.attrs["data-section"] == "\(s.section)" }
            #expect(e.count == 1, "\(name): shared section \(s.section)")
            #expect(e.first?.attrs["data-nodes"] == ([s.owner] + s.others).map(String.init).joined(separator: " "))
            #expect(e.first?.attrs["data-memory-block"] == s.memoryBlock.map(String.init))
        }
        for (i, f) in h.result.findings.enumerated() where f.rule == .layout(.nodeMemmapOffnode) {
            let e = svg.with("id", "finding-\(i)")
            #expect(e.first?.attrs["data-rule"] == f.rule.rawValue)
            #expect(e.first?.attrs["data-address"] == f.address.map(hex))
            #expect(svg.with("data-label-for", "finding-\(i)").count == 1, "its label")
        }
        for f in h.result.findings where f.rule == .layout(.nodeMemoryless) {
            guard case let .array(ids)? = f.details["nodes"], case let .int(id)? = ids.first else { Issue.record("nodes"); continue }
            #expect(svg.with("data-rule", f.rule.rawValue).contains { $0.attrs["data-node"] == "\(id)" && $0.attrs["data-list"] == nil })
        }
        // ... and every finding in the list, in order.
        #expect(svg.with("data-list", "true").map { $0.attrs["data-rule"]! } == h.result.findings.map(\.rule.rawValue))

        // The vmemmap panel: boundaries are multiples of MAX_FOLIO_VMEMMAP_ALIGN; the base's alignment is stated.
        let align = h.result.derived.maxFolioVmemmapAlign
        let ticks = svg.with("data-align-boundary").compactMap { UInt64($0.attrs["data-align-boundary"]!.dropFirst(2), radix: 16) }
        #expect(!ticks.isEmpty)
        #expect(ticks.allSatisfy { $0 % align == 0 })
        let base = try #require(svg.with("data-role", "base-alignment").first)
        #expect(base.attrs["data-actual-alignment"] == "\(h.result.derived.actualAlignment)")
        // The fixtures' .config has CONFIG_RANDOMIZE_MEMORY: the base is judged at the PUD (1 GiB)
        // alignment every KASLR slot is guaranteed (arch/x86/mm/kaslr.c).
        #expect(base.text.contains("aligned to \(Units.alignment(h.result.derived.actualAlignment))"))
        #expect(h.result.derived.actualAlignment == 1 << 30)

        // No two labels overlap, and every label is inside the picture.
        expectNoOverlap(r.labels)
    }

    func expectNoOverlap(_ labels: [LabelBox], sourceLocation: SourceLocation = #_sourceLocation) {
        for (i, a) in labels.enumerated() {
            #expect(a.x >= 0 && a.x + a.width <= LayoutSVG.width, "'\(a.text)' inside the picture", sourceLocation: sourceLocation)
            for b in labels[(i + 1)...] where a.overlaps(b) {
                Issue.record("labels overlap: '\(a.text)' \(a) and '\(b.text)' \(b)", sourceLocation: sourceLocation)
            }
        }
    }

    @Test("four node uneven marks sections 7, 35, 51 in both nodes bands") func fourNodeUnevenMarksSections7_35_51InBothNodesBands() throws {
        let r = LayoutSVG.render(try hostCheck(hostFixture("4node-uneven")))
        let svg = try SVGElements.parse(r.svg)
        let shared = svg.with("data-rule", "node-section-shared").filter { $0.name == "g" && $0.attrs["data-list"] == nil }
        #expect(shared.map { $0.attrs["data-section"]! } == ["7", "35", "51"])
        #expect(shared.map { $0.attrs["data-nodes"]! } == ["0 1", "1 2", "2 3"])
        // Block 7 is drawn in node 0's and node 1's bands.
        #expect(svg.with("data-block", "7").map { $0.attrs["data-node"] ?? "\($0.name) \($0.attrs)" } == ["0", "1"])
        // The 2 GiB PCI hole is cut out of the scale and labelled.
        let brk = try #require(svg.with("data-break").first)
        #expect(brk.attrs["data-break"] == "0x80000000-0x100000000")
        #expect(svg.with("data-role", "break-label").first?.text == "// 2 GiB gap")
        // Node 1's span crosses it: its hole is drawn.
        #expect(svg.with("data-hole", "0x7ffdf000-0x100000000").first?.attrs["data-node"] == "1")
    }

    @Test("escapes hostile names") func escapesHostileNames() throws {
        let dir = NSTemporaryDirectory() + "memmap-svg-<a&b>\"q'-\(UUID().uuidString)"
        try FileManager.default.copyItem(atPath: hostFixture("2node-equal"), toPath: dir)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = LayoutSVG.render(try hostCheck(dir))
        #expect(!r.svg.contains("<a&b>"))
        let svg = try SVGElements.parse(r.svg)
        #expect(svg.with("data-role", "title").first?.text.contains("memmap-svg-<a&b>\"q'") == true)
        #expect(Markup.escape("a\u{1}b<\"'&>") == "a\u{FFFD}b&lt;&quot;&#39;&amp;&gt;")
    }

    @Test("a large host: sections too dense, so power-of-two GiB ticks, said in the legend")
    func largeHostUsesTicks() throws {
        var L = NodeLayout(origin: "synthetic")
        L.machine = "x86_64"
        L.kernelRelease = "7.1.0"
        L.hostPageSize = 4096
        let bs: UInt64 = 128 << 20
        L.blockSize = bs
        for id in 0..<2 {
            var n = Node(id: id)
            n.cpus = [id]
            let first = id * 1024 + (id == 1 ? 512 : 0)
            n.blockIDs = Array(first..<(first + 1024))
            n.ranges = [NodeRange(range: PhysRange(UInt64(first) * bs, UInt64(first + 1024) * bs), online: true)]
            L.nodes.append(n)
            L.blocks += n.blockIDs.map { MemoryBlock(id: $0, state: $0 % 97 == 0 ? .offline : .online, validZones: nil, nodes: [id]) }
        }
        let (config, _) = try L.config(preset: nil, overrides: Overrides())
        let h = try LayoutChecker.check(L, config: config)
        let r = LayoutSVG.render(h)
        guard case let .bytes(step) = r.grid else { Issue.record("grid \(r.grid)"); return }
        #expect(step >= 1 << 30 && step.nonzeroBitCount == 1)
        let svg = try SVGElements.parse(r.svg)
        #expect(svg.with("data-section").filter { $0.name == "line" }.isEmpty)
        #expect(!svg.with("data-tick").isEmpty)
        #expect(svg.with("data-legend", "grid").first.map { _ in r.svg.contains("sections would be &lt; 3 px apart") } == true)
        #expect(Set(svg.with("data-block", nil).map { $0.attrs["data-block"]! }).count == 2048)
        #expect(svg.with("data-state", "offline").filter { $0.attrs["data-block"] != nil }.count == L.blocks.filter { $0.state == .offline }.count)
        expectNoOverlap(r.labels)
    }

    @Test("what-if 64K pages still marks off-node units") func whatIf64KPagesStillMarksOffnodeUnits() throws {
        var o = Overrides()
        o.pageShift = 16
        let h = try hostCheck(hostFixture("4node-uneven"), overrides: o)
        let r = LayoutSVG.render(h)
        let svg = try SVGElements.parse(r.svg)
        #expect(svg.with("data-rule", "node-memmap-offnode").filter { $0.name == "g" && $0.attrs["data-list"] == nil }.count == 3)
        expectNoOverlap(r.labels)
    }
}

@Suite("host --format svg")
struct HostSVGCLITests {
    @Test("SVG on stdout and bad format exits 2") func svgOnStdoutAndBadFormatExits2() throws {
        let o = try CLI.run(["host", "--root", hostFixture("4node-uneven"), "--format", "svg"])
        #expect(o.status == 0)
        #expect(o.stdout.hasPrefix("<?xml"))
        _ = try SVGElements.parse(o.stdout)
        let w = try CLI.run(["host", "--root", hostFixture("4node-uneven"), "--format", "svg", "--page-size", "64K"])
        #expect(w.status == 0 && w.stdout.contains("64 KiB pages (what-if)"))
        let bad = try CLI.run(["host", "--root", hostFixture("4node-uneven"), "--format", "png"])
        #expect(bad.status == 2)
        #expect(bad.stderr.split(separator: "\n").count == 1 && bad.stderr.contains("png"))
    }
}

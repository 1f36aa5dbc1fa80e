import Foundation
import Testing
@testable import SparseCheck

/// The HTML sweep report parsed back as XML and checked structurally: rows, columns, cell totals,
/// failing groups with their reproducers, no external references. Not a byte-for-byte snapshot.
@Suite struct SweepHTMLTests {
    struct Parsed {
        let sweep: Sweep
        let summary: SweepSummary
        let html: String
        let doc: SVGElements
    }

    func render(failOn: Severity? = .error, _ configure: (inout SweepSpec) throws -> Void) throws -> Parsed {
        var spec = SweepSpec()
        try configure(&spec)
        let s = try Sweep(spec)
        let summary = try s.run(policy: FailPolicy(failOn), matrix: true)
        let html = SweepHTML.render(s, summary, policy: FailPolicy(failOn), arguments: ["sweep", "--format", "html"])
        return Parsed(sweep: s, summary: summary, html: html, doc: try SVGElements.parse(html))
    }

    /// The structural checks every report must pass.
    func checkStructure(_ p: Parsed, failOn: Severity? = .error, sourcePageShifts: [String: [UInt32]]) throws {
        let doc = p.doc
        #expect(doc.elements.first?.name == "html")
        #expect(p.html.hasPrefix("<!DOCTYPE html>"))

        // Self-contained: nothing fetched, nothing run.
        for bad in ["http", "src=", "<script", "<link", "url(", "@import", "<img", "<iframe"] {
            #expect(!p.html.lowercased().contains(bad), "external reference \(bad)")
        }

        // Columns: every page size × kernel, once, in a header cell with scope.
        let kernels = p.sweep.spec.kernels.map { $0?.label ?? "as configured" }
        let shifts = Set(sourcePageShifts.values.joined()).sorted()
        let columnHeads = doc.elements.filter { $0.name == "th" && $0.attrs["data-kernel"] != nil }
        #expect(columnHeads.allSatisfy { $0.attrs["scope"] == "col" })
        let columns = columnHeads.map { "\($0.attrs["data-page-size"]!)/\($0.attrs["data-kernel"]!)" }
        let expectedColumns = shifts.flatMap { s in kernels.map { "\(UInt64(1) << UInt64(s))/\($0)" } }
        #expect(columns == expectedColumns)
        #expect(doc.elements.filter { $0.name == "th" && $0.attrs["scope"] == "colgroup" }.count == shifts.count)

        // Rows: every source of the sweep (and every not-applicable .config), with a row header.
        let rows = doc.elements.enumerated().filter { $0.element.name == "tr" && $0.element.attrs["data-source"] != nil }
        let expectedRows = p.sweep.spec.sources.map(\.name) + p.sweep.spec.notApplicable.map(\.path)
        #expect(rows.map { $0.element.attrs["data-source"]! } == expectedRows)
        #expect(doc.elements.filter { $0.name == "th" && $0.attrs["scope"] == "row" && $0.attrs["data-total"] == nil }.count
            >= expectedRows.count)

        // Cells: one per row and column; absent exactly where the source does not have that page size.
        let indexed = doc.elements.indices.filter { doc.elements[$0].name == "td" && doc.elements[$0].attrs["data-kernel"] != nil }
        let cells = indexed.map { doc.elements[$0] }
        #expect(cells.count == expectedRows.count * expectedColumns.count)
        for (i, name) in p.sweep.spec.sources.map(\.name).enumerated() {
            let row = cells[(i * expectedColumns.count)..<((i + 1) * expectedColumns.count)]
            for c in row {
                let swept = sourcePageShifts[name]!.map { "\(UInt64(1) << UInt64($0))" }.contains(c.attrs["data-page-size"]!)
                #expect((c.attrs["data-status"] == "absent") == !swept, "\(name) \(c.attrs["data-page-size"]!)")
                #expect(c.attrs["title"]?.isEmpty == false, "every cell has a title")
                #expect(!c.text.isEmpty, "every cell has text, not colour alone")
            }
        }

        // Cell counts add up to the summary's totals; a cell's status is its worst outcome.
        func sum(_ key: String) -> UInt64 { cells.reduce(0) { $0 + (UInt64($1.attrs[key] ?? "0") ?? 0) } }
        #expect(sum("data-combinations") == p.summary.combinations)
        #expect(sum("data-evaluated") == p.summary.evaluated)
        #expect(sum("data-skipped") == p.summary.skipped)
        #expect(sum("data-failed") == p.summary.failed)
        for (i, c) in zip(indexed, cells) {
            // Colour plus a word: the cell opens with its status tag (e.g. "✗ FAIL").
            if let status = SweepMatrix.Outcome(rawValue: c.attrs["data-status"]!) {
                let tag = doc.elements[i + 1]
                #expect(tag.name == "span" && tag.attrs["class"] == "tag o-\(status.rawValue)")
                #expect(tag.text.contains(Palette.outcome(status).tag))
            }
            guard c.attrs["data-combinations"] != nil else { continue }
            let failed = UInt64(c.attrs["data-failed"]!)!, warned = UInt64(c.attrs["data-warned"]!)!
            #expect((c.attrs["data-status"] == "fail") == (failed > 0))
            if failed == 0 { #expect((c.attrs["data-status"] == "warn") == (warned > 0)) }
        }

        // Summary totals.
        func total(_ k: String) -> String? {
            guard let i = doc.elements.firstIndex(where: { $0.attrs["data-total"] == k }) else { return nil }
            return doc.elements[(i + 1)...].first { $0.name == "td" }?.text
        }
        #expect(total("combinations") == "\(p.summary.combinations)")
        #expect(total("failed") == "\(p.summary.failed)")
        #expect(total("v2-disagreements") == "\(p.summary.v2Disagreements)")
        #expect(total("fail-on") == (failOn?.rawValue ?? "never"))
        for (i, r) in RuleID.allCases.enumerated() {
            let idx = try #require(doc.elements.firstIndex { $0.name == "tr" && $0.attrs["data-rule"] == r.rawValue })
            let tds = doc.elements[(idx + 1)...].prefix(6).filter { $0.name == "td" && $0.attrs["data-status"] != nil }
            #expect(tds.map(\.text) == p.summary.ruleCounts[i].map { "\($0)" }, "\(r.rawValue) counts")
        }
        let result = try #require(doc.with("id", "result").first)
        #expect(result.attrs["data-result"] == (p.summary.failed > 0 ? "fail" : "pass"))

        // Every failing group, with its reproducer command in a <code> block.
        let groups = doc.elements.enumerated().filter { $0.element.name == "section" && $0.element.attrs["data-rule"] != nil }
        #expect(groups.count == p.summary.groups.count)
        for g in p.summary.groups {
            let hit = try #require(groups.first {
                $0.element.attrs["data-rule"] == g.rule.rawValue && $0.element.attrs["data-source"] == g.source
                    && $0.element.attrs["data-kernel"] == g.kernel
            }, "group \(g.rule.rawValue) \(g.source) \(g.kernel)")
            #expect(hit.element.attrs["data-count"] == "\(g.count)")
            let counted = failOn.map { g.rule.severity >= $0 } ?? false
            #expect(hit.element.attrs["data-status"] == (counted ? "fail" : "warn"))
            let code = doc.elements[(hit.offset + 1)...].first { $0.name == "code" && $0.attrs["class"] == "reproduce" }
            #expect(code?.text == p.sweep.checkCommand(at: g.firstIndex))
        }
    }

    func ownPageShifts(_ names: [String]) -> [String: [UInt32]] {
        Dictionary(uniqueKeysWithValues: names.map { ($0, [Preset.named($0)!.pageShift]) })
    }

    @Test("all presets all kernels") func allPresetsAllKernels() throws {
        let p = try render { spec in
            spec.sources = try SweepSpec.presets(matching: "all").map { .preset($0) }
            spec.kernels = allKernels
        }
        try checkStructure(p, sourcePageShifts: ownPageShifts(Preset.all.map(\.name)))
        // 4K, 16K, 64K presets exist, so x86_64 × 64K is an absent cell that says why.
        let absent = try #require(p.doc.elements.first {
            $0.name == "td" && $0.attrs["data-status"] == "absent" && $0.attrs["data-page-size"] == "65536"
        })
        #expect(absent.attrs["title"]?.contains("own page size") == true)
        // The three riscv presets fail folio-vmemmap-align under 7.1: their 7.1 cells are FAIL.
        #expect(p.summary.failed == 3)
        #expect(p.doc.elements.filter { $0.name == "td" && $0.attrs["data-kernel"] != nil && $0.attrs["data-status"] == "fail" }.count == 3)
        // Only the per-cell counts are kept: one matrix cell per source × kernel here.
        #expect(p.summary.matrix?.cells.count == 23 * FormulaTable.changes.count)
    }

    @Test("page size axis skips and not applicable rows") func pageSizeAxisSkipsAndNotApplicableRows() throws {
        let na = try KconfigFile.load(path: fixture("kconfig/debian-armhf-armmp-lpae-6.12.113.config")).derive()
        guard case let .notApplicable(path, arch, reason) = na else { Issue.record("expected not applicable"); return }
        let kc = try derivedConfig("debian-arm64-arm64-16k-6.12.117.config")
        let p = try render { spec in
            spec.sources = [.preset("x86_64"), .preset("riscv64-sv39"), .kconfig(kc)]
            spec.notApplicable = [(path, arch, reason)]
            spec.kernels = [.v7_1, .v7_2]
            spec.pageShifts = [12, 16]
            spec.dramBases = .range(start: 0, end: 4 << 30, step: 2 << 20)
            spec.sectionBits = .list([20, 27]) // 20 < SUBSECTION_SHIFT: invalid, skipped
        }
        #expect(p.summary.skipped > 0 && p.summary.failed > 0)
        try checkStructure(p, sourcePageShifts: ["x86_64": [12, 16], "riscv64-sv39": [12, 16], kc.kconfigPath!: [kc.pageShift]])
        // The .config's other page-size columns exist only for presets: absent for it, with the reason.
        let naCells = p.doc.elements.filter { $0.name == "td" && $0.attrs["data-status"] == "not-applicable" }
        #expect(naCells.count == 3 * 2)
        #expect(naCells.allSatisfy { $0.attrs["title"]!.contains("no rule applies") })
        // Memory bounded by cells, not combinations.
        #expect(p.summary.combinations == 3 * 2 * 2 * 2 * 2048)
        #expect((p.summary.matrix?.cells.count ?? 0) <= 3 * 2 * 3)
    }

    @Test("fail on never and warning") func failOnNeverAndWarning() throws {
        for failOn: Severity? in [nil, .warning, .info] {
            let p = try render(failOn: failOn) { spec in
                spec.sources = try SweepSpec.presets(matching: "riscv64-*,arm64-4k-*").map { .preset($0) }
                spec.kernels = allKernels
            }
            try checkStructure(p, failOn: failOn, sourcePageShifts: ownPageShifts(p.sweep.spec.sources.map(\.name)))
        }
    }

    @Test("hostile names are escaped") func hostileNamesAreEscaped() throws {
        var c = try derivedConfig("riscv64-6.18-handwritten.config")
        c.kconfigPath = "</td><script>alert('x')</script>&amp;\".config"
        let p = try render { spec in
            spec.sources = [.kconfig(c)]
            spec.kernels = [.v7_1]
        }
        #expect(!p.html.contains("<script"))
        let row = try #require(p.doc.with("data-source").first { $0.name == "tr" })
        #expect(row.attrs["data-source"] == c.kconfigPath)
        try checkStructure(p, sourcePageShifts: [c.kconfigPath!: [c.pageShift]])
    }

    @Test("text path gathers no matrix") func textPathGathersNoMatrix() throws {
        var spec = SweepSpec()
        spec.sources = [.preset("x86_64")]
        let s = try Sweep(spec)
        #expect(try s.run(policy: .error).matrix == nil)
        var m = try #require(try s.run(policy: .error, matrix: true).matrix)
        let before = m.cells
        m.merge(m)
        #expect(m.cells.keys.sorted() == before.keys.sorted())
        #expect(m.cells.values.first?.combinations == 2)
    }
}

import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import SparseCheck

/// Collects JUnit elements and attributes with Foundation's XMLParser.
final class JUnitCollector: NSObject, XMLParserDelegate {
    var suites: [[String: String]] = []
    var cases: [[String: String]] = []
    var failures: [[String: String]] = []
    var skipped = 0
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        switch name {
        case "testsuite": suites.append(attributes)
        case "testcase": cases.append(attributes)
        case "failure": failures.append(attributes)
        case "skipped": skipped += 1
        default: break
        }
    }
}

@Suite struct OutputTests {
    func riscvSweep() throws -> Sweep {
        var spec = SweepSpec()
        spec.sources = [.preset("riscv64-sv39"), .preset("x86_64")]
        spec.kernels = [.v6_18, .v7_1]
        return try Sweep(spec)
    }

    @Test func junitParsesBackWithOneCasePerConfigAndRule() throws {
        let s = try riscvSweep()
        let out = OutputStream(fd: -1)
        let w = ResultWriter(format: .junit, out: out, failOn: .error)
        let counted = try s.run(failOn: .error)
        w.begin(junit: counted.junitTotals(s, failOn: .error))
        _ = try s.run(failOn: .error, emit: { _, r in w.add(r) })
        w.end(summary: .null)
        let parser = XMLParser(data: Data(out.captured))
        let c = JUnitCollector()
        parser.delegate = c
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
        // 4 configurations x 3 rules.
        #expect(c.cases.count == 12)
        #expect(c.suites.first?["tests"] == "12")
        // Only riscv64 under 7.1 fails at error severity (folio-vmemmap-align).
        #expect(c.failures.count == 1)
        #expect(c.suites.first?["failures"] == "1")
        #expect(c.failures.first?["message"]?.contains("VM_WARN_ON_ONCE") == true)
        #expect(String(c.skipped) == c.suites.first?["skipped"])
        #expect(Set(c.cases.compactMap { $0["name"] }) == Set(RuleID.allCases.map(\.rawValue)))
    }

    @Test func sarifParsesBackWithRulesLevelsAndLocations() throws {
        guard case let .config(k) = try KconfigFile.load(path: fixture("kconfig/riscv64-6.18-handwritten.config")).derive() else {
            Issue.record("no config"); return
        }
        var spec = SweepSpec()
        spec.sources = [.kconfig(k), .preset("x86_64")]
        spec.kernels = [.v7_1] // the header says 6.18 (no mask encoding): judge it with the series as merged
        let s = try Sweep(spec)
        let out = OutputStream(fd: -1)
        let w = ResultWriter(format: .sarif, out: out, failOn: .error)
        w.begin()
        _ = try s.run(failOn: .error, emit: { _, r in w.add(r) })
        w.end(summary: .null)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(out.captured)) as? [String: Any])
        #expect(doc["version"] as? String == "2.1.0")
        let run = try #require((doc["runs"] as? [[String: Any]])?.first)
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        let rules = try #require(driver["rules"] as? [[String: Any]])
        #expect(rules.compactMap { $0["id"] as? String } == RuleID.allCases.map(\.rawValue))
        #expect(rules.allSatisfy { (($0["help"] as? [String: Any])?["text"] as? String)?.isEmpty == false })
        let results = try #require(run["results"] as? [[String: Any]])
        // The riscv .config under 7.1 fails folio-vmemmap-align (error) and v2 (note); x86_64 passes.
        #expect(results.compactMap { $0["ruleId"] as? String }.sorted() == ["folio-vmemmap-align", "folio-vmemmap-align-v2"])
        let folio = try #require(results.first { $0["ruleId"] as? String == "folio-vmemmap-align" })
        #expect(folio["level"] as? String == "error")
        let v2 = try #require(results.first { $0["ruleId"] as? String == "folio-vmemmap-align-v2" })
        #expect(v2["level"] as? String == "note")
        let loc = try #require((folio["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
        #expect(((loc["artifactLocation"] as? [String: Any])?["uri"] as? String)?.hasSuffix("riscv64-6.18-handwritten.config") == true)
        // Pinned at CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP=y, line 19 of the fixture.
        #expect((loc["region"] as? [String: Any])?["startLine"] as? Int == 19)
    }

    @Test func jsonDocumentAndJSONLines() throws {
        let s = try riscvSweep()
        let out = OutputStream(fd: -1)
        let w = ResultWriter(format: .json, out: out, failOn: .error)
        w.begin()
        let summary = try s.run(failOn: .error, emit: { _, r in w.add(r) })
        w.end(summary: summary.json(s, failOn: .error))
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(out.captured)) as? [String: Any])
        #expect(doc["schema"] as? String == "memmap-check/1")
        #expect((doc["results"] as? [Any])?.count == 4)
        let sum = try #require(doc["summary"] as? [String: Any])
        #expect(sum["configs"] as? Int == 4 && sum["failed"] as? Int == 1)

        let lines = OutputStream(fd: -1)
        let wl = ResultWriter(format: .jsonl, out: lines, failOn: .error)
        _ = try s.run(failOn: .error, emit: { _, r in wl.add(r) })
        wl.end(summary: .null)
        let text = String(decoding: lines.captured, as: UTF8.self)
        let objects = text.split(separator: "\n").map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(objects.count == 4 && objects.allSatisfy { $0?["findings"] != nil })
    }

    @Test func githubAnnotationEscaping() {
        let l = GitHubAnnotations.line(severity: .error, title: "a:b", message: "50%\nnext", file: "x,y.config", line: 7)
        #expect(l == "::error file=x%2Cy.config,line=7,title=a%3Ab::50%25%0Anext")
    }

    @Test func explainShowsTheArithmetic() throws {
        var o = Overrides()
        o.kernel = .v7_1
        let r = try Checker.check(SparseConfig.make(preset: "riscv64-sv39", overrides: o))
        let t = Explain.text(.folioVmemmapAlign, r)
        // 2^22 * 64 = 268435456; pfn_to_page(0) = 0xffffffc500000000 - 0x80000 * 64 = 0xffffffc4fe000000.
        #expect(t.contains("MAX_FOLIO_NR_PAGES * sizeof(struct page) = 4194304 * 64 = 268435456"))
        #expect(t.contains("0xffffffc4fe000000"))
        #expect(t.contains("remainder 0xe000000 => FAIL"))
        #expect(t.contains("mm/sparse.c"))
        let e = Explain.text(.sectionMapEncoding, r)
        #expect(e.contains("PFN_SECTION_SHIFT = SECTION_SIZE_BITS - PAGE_SHIFT = 27 - 12 = 15"))
    }
}

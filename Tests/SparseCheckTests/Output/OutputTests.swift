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

    /// Drives `w` as the `sweep` command does: the counting run, the groups, the summary.
    func write(_ w: any ReportWriter, _ s: Sweep, _ info: RunInfo) throws -> SweepSummary {
        w.begin(info)
        let summary: SweepSummary
        if info.listAll {
            summary = try s.run(policy: info.policy, emit: { _, r in w.add(r) })
        } else {
            summary = try s.run(policy: info.policy)
        }
        summary.reportGroups(s).forEach(w.add)
        w.end(SweepReport(summary, s))
        return summary
    }

    @Test("JUnit: one test case per rule x source x kernel group; failures only at or above --fail-on")
    func junitOneCasePerGroup() throws {
        let s = try riscvSweep()
        for policy in [FailPolicy.error, .info, .never] {
            let out = OutputStream(fd: -1)
            _ = try write(JUnitWriter(out: out), s, RunInfo(command: .sweep, policy: policy))
            let parser = XMLParser(data: Data(out.captured))
            let c = JUnitCollector()
            parser.delegate = c
            #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
            // 2 sources x 2 kernels x 3 rules, whatever the number of combinations.
            #expect(c.cases.count == 12)
            #expect(c.suites.first?["tests"] == "12")
            // riscv64 fails folio-vmemmap-align (error) under 7.1, and -v2 (info) under 6.18 and 7.1.
            let expected = policy == .error ? 1 : (policy == .info ? 3 : 0)
            #expect(c.failures.count == expected)
            #expect(c.suites.first?["failures"] == String(expected))
            if policy == .error {
                #expect(c.failures.first?["message"]?.contains("VM_WARN_ON_ONCE") == true)
                #expect(String(decoding: out.captured, as: UTF8.self).contains("reproduce: memmap-check check --preset riscv64-sv39 --kernel 7.1"))
            }
        }
    }

    @Test("JUnit of a sweep's DRAM axis: the case count follows the groups, the failure carries the count")
    func junitSizeFollowsGroups() throws {
        var spec = SweepSpec()
        spec.sources = [.preset("riscv64-sv39")]
        spec.kernels = [.v7_1] // the series as merged: VMEMMAP_ADDR_ALIGN 256 MiB, most DRAM starts fail
        spec.dramBases = try SweepAxis.parse("0:64G:2M", option: "") { try Units.parseSize($0, option: "") }
        let s = try Sweep(spec)
        let out = OutputStream(fd: -1)
        let summary = try write(JUnitWriter(out: out), s, RunInfo(command: .sweep, policy: .error))
        let text = String(decoding: out.captured, as: UTF8.self)
        #expect(text.components(separatedBy: "<testcase").count - 1 == 3)
        #expect(text.contains("\(summary.ruleCounts[0][1]) combination(s) fail folio-vmemmap-align"))
        #expect(out.captured.count < 20_000)
    }

    /// Validates `doc` against the SARIF 2.1.0 JSON schema (Fixtures/sarif, from OASIS) with python3's
    /// jsonschema (Debian python3-jsonschema; .ci/run installs it).
    func validateSARIF(_ doc: [UInt8]) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sarif-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("out.sarif")
        try Data(doc).write(to: file)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1]))
            doc = json.load(open(sys.argv[2]))
            jsonschema.Draft4Validator.check_schema(schema)
            errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(doc), key=str)
            for e in errors[:5]: print(list(e.absolute_path), e.message)
            sys.exit(1 if errors else 0)
            """, fixture("sarif/sarif-schema-2.1.0.json"), file.path]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "SARIF 2.1.0 schema: \(text)")
    }

    @Test("SARIF: one result per failing group, relative %SRCROOT% locations with lines, fingerprints, valid 2.1.0")
    func sarifGroupsLocationsAndSchema() throws {
        guard case let .config(k) = try KconfigFile.load(path: fixture("kconfig/riscv64-6.18-handwritten.config")).derive() else {
            Issue.record("no config"); return
        }
        var spec = SweepSpec()
        spec.sources = [.kconfig(k), .preset("x86_64"), .preset("riscv64-sv48")]
        spec.kernels = [.v6_18, .v7_1]
        spec.dramBases = .list([0x8000_0000, 0x8020_0000, 0x1_0000_0000])
        let s = try Sweep(spec)
        let out = OutputStream(fd: -1)
        var info = RunInfo(command: .sweep, policy: .error)
        info.sarifRoot = fixture("")
        let summary = try write(SARIFWriter(out: out), s, info)
        try validateSARIF(out.captured)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(out.captured)) as? [String: Any])
        #expect(doc["version"] as? String == "2.1.0")
        let run = try #require((doc["runs"] as? [[String: Any]])?.first)
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["version"] as? String == ToolVersion.current)
        let rules = try #require(driver["rules"] as? [[String: Any]])
        #expect(Array(rules.compactMap { $0["id"] as? String }.prefix(3)) == RuleID.allCases.map(\.rawValue))
        let results = try #require(run["results"] as? [[String: Any]])
        // Failing groups only: (riscv .config, riscv64-sv48) x (7.1 folio, 7.1 v2, 6.18 v2); nothing on x86_64.
        #expect(results.count == 6)
        for r in results {
            let loc = try #require((r["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
            let art = try #require(loc["artifactLocation"] as? [String: Any])
            #expect(art["uriBaseId"] as? String == "%SRCROOT%")
            let uri = try #require(art["uri"] as? String)
            #expect(!uri.hasPrefix("/"))
            #expect(((loc["region"] as? [String: Any])?["startLine"] as? Int ?? 0) >= 1)
            let fp = (r["partialFingerprints"] as? [String: String])?[SARIFWriter.fingerprintKey]
            #expect(fp?.hasPrefix((r["ruleId"] as? String ?? "") + "|") == true)
            let props = try #require(r["properties"] as? [String: Any])
            #expect((props["check_command"] as? String)?.hasPrefix("memmap-check check ") == true)
            #expect(props["smallest"] as? String != nil)
        }
        let kres = try #require(results.first { ($0["properties"] as? [String: Any])?["source"] as? String == k.kconfigPath && $0["ruleId"] as? String == "folio-vmemmap-align" })
        let kloc = try #require((kres["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
        // Relative to --sarif-root (the Fixtures folder), pinned at CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP=y, line 19.
        #expect((kloc["artifactLocation"] as? [String: Any])?["uri"] as? String == "kconfig/riscv64-6.18-handwritten.config")
        #expect((kloc["region"] as? [String: Any])?["startLine"] as? Int == 19)
        #expect(kres["level"] as? String == "error")
        // Every failing combination of each rule is in exactly one result's count.
        for (i, rule) in RuleID.allCases.enumerated() {
            let n = results.filter { $0["ruleId"] as? String == rule.rawValue }
                .reduce(0) { $0 + (($1["properties"] as? [String: Any])?["count"] as? Int ?? 0) }
            #expect(UInt64(n) == summary.ruleCounts[i][1], "\(rule)")
        }
    }

    @Test("SARIF keeps at most 25,000 results, the most severe and largest, and says so")
    func sarifCap() throws {
        let out = OutputStream(fd: -1)
        let w = SARIFWriter(out: out)
        w.begin(RunInfo(command: .sweep, policy: .error))
        let n = SARIFWriter.maxResults + 7
        for i in 0..<n {
            var g = ReportGroup(rule: i == 3 ? .config(.folioVmemmapAlignV2) : .config(.folioVmemmapAlign), severity: i == 3 ? .info : .error,
                                source: "riscv64-sv39", isKconfig: false, kernel: "7.1", count: i == 5 ? 1 : UInt64(2 + i % 3))
            g.mode = "m\(i)"
            w.add(g)
        }
        w.end(nil)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(out.captured)) as? [String: Any])
        let run = try #require((doc["runs"] as? [[String: Any]])?.first)
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.count == SARIFWriter.maxResults)
        // The note-level group and the smallest error groups went first.
        #expect(!results.contains { $0["ruleId"] as? String == "folio-vmemmap-align-v2" })
        #expect(!results.contains { ($0["properties"] as? [String: Any])?["mode"] as? String == "m5" })
        let inv = try #require((run["invocations"] as? [[String: Any]])?.first)
        let note = ((inv["toolExecutionNotifications"] as? [[String: Any]])?.first?["message"] as? [String: Any])?["text"] as? String
        #expect(note?.contains("\(n) failing groups") == true)
    }

    @Test("sweep JSON: summary and failing groups with the smallest combination in full; every result only with --list all")
    func jsonDocument() throws {
        let s = try riscvSweep()
        let out = OutputStream(fd: -1)
        _ = try write(JSONWriter(out: out), s, RunInfo(command: .sweep, policy: .error))
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(out.captured)) as? [String: Any])
        #expect(doc["schema"] as? String == "memmap-check/3")
        #expect(doc["tool_version"] as? String == ToolVersion.current)
        #expect(doc["results"] == nil)
        let sum = try #require(doc["summary"] as? [String: Any])
        #expect(sum["configs"] as? Int == 4 && sum["failed"] as? Int == 1)
        #expect(sum["tool_version"] as? String == ToolVersion.current)
        let groups = try #require(doc["failing_groups"] as? [[String: Any]])
        #expect(groups.count == 3) // riscv64: 7.1 folio, 7.1 v2, 6.18 v2
        let folio = try #require(groups.first { $0["rule"] as? String == "folio-vmemmap-align" })
        #expect(folio["counted"] as? Bool == true)
        let smallest = try #require(folio["smallest"] as? [String: Any])
        #expect(smallest["status"] as? String == "fail" && smallest["findings"] != nil)

        var info = RunInfo(command: .sweep, policy: .error)
        info.listAll = true
        let all = OutputStream(fd: -1)
        _ = try write(JSONWriter(out: all), s, info)
        let full = try #require(try JSONSerialization.jsonObject(with: Data(all.captured)) as? [String: Any])
        #expect((full["results"] as? [Any])?.count == 4)
    }

    @Test("JSONL: the sweep's worker-thread records equal the per-result records, one parseable line <= 400 bytes each")
    func jsonlRecords() throws {
        var spec = SweepSpec()
        spec.sources = try SweepSpec.presets(matching: "riscv64-*,arm64-4k-va48,x86_64").map { .preset($0) }
        spec.kernels = [.v6_18, .v7_1, .v7_2]
        spec.structPageSizes = .list([56, 64])
        spec.dramBases = try SweepAxis.parse("0:2G:64M", option: "") { try Units.parseSize($0, option: "") }
        let s = try Sweep(spec)
        for jobs in [1, 2] {
            var fast: [UInt8] = []
            let summary = try s.runRecords(policy: .error, jobs: jobs, write: { fast += $0 })
            let buf = ByteBuffer()
            let reference = try s.run(policy: .error, emit: { i, r in JSONLRecord.append(r, index: i, policy: .error, to: buf) })
            #expect(fast == Array(buf.bytes))
            #expect(withoutTiming(summary.json(s, policy: .error).serialized()) == withoutTiming(reference.json(s, policy: .error).serialized()))
            let lines = fast.split(separator: UInt8(ascii: "\n"))
            #expect(UInt64(lines.count) == summary.evaluated)
            for l in lines {
                #expect(l.count < 400)
                let o = try #require(try JSONSerialization.jsonObject(with: Data(l)) as? [String: Any])
                // Each rule's verdict under its own name: "pass", "skip" or "fail SIZE".
                #expect(o["rules"] == nil)
                for r in RuleID.allCases {
                    let v = try #require(o[r.rawValue] as? String, "\(r.rawValue) in \(o.keys)")
                    #expect(["pass", "skip"].contains(v) || (v.hasPrefix("fail ") && (try? Units.parseSize(String(v.dropFirst(5)), option: "")) != nil), "\(v)")
                }
                #expect(o["align"] is Int && o["vmemmap"] is String)
            }
        }
        // The longest a record gets: every rule failing, a source cut to its last bytes, the widest
        // address, index 2^48, required alignments 2^47 (real ones are at most 2^40) and alignment 2^63.
        let b = ByteBuffer()
        var c = try SparseConfig.make(preset: "riscv64-sv57")
        c.kconfigPath = "/" + String(repeating: "very-long-directory/", count: 20) + "config"
        let prefix = JSONLRecord.cellPrefix(source: c.kconfigPath!, config: c, mode: "sv57", maxFolioOrder: 4096)
        prefix.withUnsafeBytes { p in
            JSONLRecord.append(to: b, index: 1 << 48, prefix: p, dram: .max, vmemmap: .max, statuses: (.fail, .fail, .fail),
                               required: (1 << 47, 1 << 47, 1 << 47), actual: 1 << 63, fails: true)
        }
        #expect(b.count <= 400, "\(b.count)")
        // The rule keys are the rules' names, in RuleID order.
        #expect(JSONLRecord.ruleKeys == RuleID.allCases.map(\.rawValue))
        // Sizes keep their exact binary suffix, and read back as sizes.
        for (v, text) in [(UInt64(268_435_456), "256M"), (64, "64"), (306_783_378, "306783378"), (1 << 47, "128T"), (3072, "3K"), (1536, "1536"), (0, "0")] {
            let buf = ByteBuffer()
            buf.withCursor(reserving: 32) { p in JSONLRecord.putSize(&p, v) }
            #expect(String(decoding: buf.bytes, as: UTF8.self) == text)
            if v > 0 { #expect(try Units.parseSize(text, option: "") == v) }
        }
        #expect((try? JSONSerialization.jsonObject(with: Data(b.bytes))) != nil)
    }

    @Test("GitHub annotations: at most 10 errors, the rest counted in one notice")
    func githubAtMostTenErrors() throws {
        let out = OutputStream(fd: -1)
        let w = GitHubWriter(out: out)
        w.begin(RunInfo(command: .sweep, policy: .error))
        for i in 0..<25 {
            var g = ReportGroup(rule: .config(.folioVmemmapAlign), severity: .error, source: "p\(i)", isKconfig: false, kernel: "7.1", count: 3)
            g.command = "memmap-check check --preset p\(i)"
            w.add(g)
        }
        w.end(nil)
        let lines = String(decoding: out.captured, as: UTF8.self).split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("::error") }.count == 10)
        #expect(lines.last?.hasPrefix("::notice") == true && lines.last?.contains("15 more") == true)
    }

    @Test("GitHub annotation escaping") func githubAnnotationEscaping() {
        let l = GitHubWriter.line(severity: .error, title: "a:b", message: "50%\nnext", file: "x,y.config", line: 7)
        #expect(l == "::error file=x%2Cy.config,line=7,title=a%3Ab::50%25%0Anext")
    }

    @Test("explain shows the arithmetic") func explainShowsTheArithmetic() throws {
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

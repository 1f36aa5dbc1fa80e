import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import SparseCheck

@Suite("memmap-check CLI")
struct CLITests {
    @Test("check --preset x86_64 --format json: exit 0, schema, 256 MiB required, hex base")
    func x86JSON() throws {
        let o = try CLI.run(["check", "--preset", "x86_64", "--format", "json"])
        #expect(o.status == 0)
        #expect(o.json?["schema"] as? String == "memmap-check/3")
        let f = rule(o.json, "folio-vmemmap-align")
        #expect(f?["status"] as? String == "pass")
        #expect((f?["required"] as? NSNumber)?.uint64Value == 268_435_456)
        #expect(f?["address"] as? String == "0xffffea0000000000")
        let summary = o.json?["summary"] as? [String: Any]
        #expect((summary?["configs"] as? NSNumber)?.intValue == 1 && (summary?["failed"] as? NSNumber)?.intValue == 0)
        let config = (o.json?["results"] as? [[String: Any]])?.first?["config"] as? [String: Any]
        for key in ["preset", "arch", "page_size", "section_size_bits", "max_physmem_bits", "struct_page_size",
                    "max_page_order", "max_folio_order", "sparsemem_vmemmap", "hvo", "vmemmap_base"] {
            #expect(config?[key] != nil, "config key \(key)")
        }
        for key in ["rule", "status", "severity", "address", "required", "actual_alignment", "message", "fix"] {
            #expect(f?.keys.contains(key) == true, "finding key \(key)")
        }
        #expect(o.stderr.isEmpty)
    }

    @Test("riscv64-sv39, DRAM at 0x80000000, --kernel 7.1 (v7 as merged) exits 1 with base 0xffffffc4fe000000 aligned to 32 MiB; 7.2 passes")
    func riscvFails() throws {
        let ok = try CLI.run(["check", "--preset", "riscv64-sv39", "--dram-base", "0x80000000", "--format", "json"])
        #expect(ok.status == 0 && rule(ok.json, "folio-vmemmap-align")?["address"] as? String == "0xffffffc500000000")
        let o = try CLI.run(["check", "--preset", "riscv64-sv39", "--dram-base", "0x80000000", "--kernel", "7.1", "--format", "json"])
        #expect(o.status == 1)
        let f = rule(o.json, "folio-vmemmap-align")
        #expect(f?["status"] as? String == "fail")
        #expect(f?["address"] as? String == "0xffffffc4fe000000")
        #expect((f?["actual_alignment"] as? NSNumber)?.uint64Value == 32 << 20)
        #expect((f?["fix"] as? String)?.contains("PFN_PHYS") == true)
        #expect((o.json?["results"] as? [[String: Any]])?.first?["status"] as? String == "fail")
    }

    @Test("arm64 4K VA48 DRAM 1 GiB: merged skipped, v2 would have warned, exit 0")
    func arm64() throws {
        let o = try CLI.run(["check", "--preset", "arm64-4k-va48", "--dram-base", "1G", "--format", "json"])
        #expect(o.status == 0)
        #expect(rule(o.json, "folio-vmemmap-align")?["status"] as? String == "skip")
        #expect(rule(o.json, "folio-vmemmap-align-v2")?["status"] as? String == "fail")
    }

    @Test("bad input exits 2 with one line naming the input", arguments: [
        (["check", "--page-size", "3000"], "--page-size 3000"),
        (["check", "--section-bits", "10", "--page-size", "4K"], "--section-bits 10"),
        (["check", "--vmemmap-base", "0xZZ"], "--vmemmap-base 0xZZ"),
        (["check", "--max-folio-order", "70"], "--max-folio-order 70"),
        (["check", "--preset", "vax"], "--preset vax"),
        (["check", "--format", "xml"], "xml"),
        (["check", "--no-vmemmap", "--hvo"], "--hvo"),
        (["frobnicate"], "frobnicate"),
    ])
    func badInput(args: [String], mention: String) throws {
        let o = try CLI.run(args)
        #expect(o.status == 2, "\(args)")
        #expect(o.stdout.isEmpty)
        let lines = o.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(o.stderr)")
        #expect(o.stderr.contains(mention))
    }

    @Test("text output: the config on one line, then one line per finding; presets lists all")
    func text() throws {
        let o = try CLI.run(["check", "--preset", "x86_64"])
        #expect(o.status == 0)
        #expect(o.stdout.split(separator: "\n").first?.hasPrefix("x86_64 [kernel \(FormulaTable.newestRelease.seen), 4-level]") == true)
        #expect(o.stdout.contains("PASS  folio-vmemmap-align "))
        let p = try CLI.run(["presets", "--format", "json"])
        #expect(p.status == 0)
        #expect((p.json?["presets"] as? [Any])?.count == 23)
        let h = try CLI.run(["--help"])
        #expect(h.status == 0 && h.stdout.contains("Exit codes"))
    }
}

/// The configuration and CI-gate commands of issue 3, as a CI job runs them.
@Suite("memmap-check sweep, --kconfig and CI formats")
struct CLIGateTests {
    static let kconfigDir = fixture("kconfig")

    @Test("sweep: exit 1 on a failing combination, 0 with --fail-on never, one summary per run")
    func sweepExit() throws {
        let fail = try CLI.run(["sweep", "--presets", "riscv64-sv39", "--kernel", "7.1", "--dram-bases", "0:1G:256M"])
        #expect(fail.status == 1 && fail.stdout.contains("folio-vmemmap-align"))
        let never = try CLI.run(["sweep", "--presets", "riscv64-sv39", "--kernel", "7.1", "--dram-bases", "0:1G:256M", "--fail-on", "never"])
        #expect(never.status == 0)
        let next = try CLI.run(["sweep", "--presets", "riscv64-*", "--kernel", "7.2,proposed", "--dram-bases", "0:4G:256M", "--quiet"])
        #expect(next.status == 0 && next.stdout.isEmpty) // quiet on success
        let gone = try CLI.run(["sweep", "--presets", "riscv64-*", "--kernel", "7.2,next"])
        #expect(gone.status == 2 && gone.stderr.contains("proposed") && gone.stderr.split(separator: "\n").count == 1)
    }

    @Test("sweep --format jsonl: one compact parseable record per combination, no prose")
    func jsonl() throws {
        let o = try CLI.run(["sweep", "--presets", "x86_64,arm64-4k-va48", "--kernel", "6.18,7.1", "--format", "jsonl"])
        #expect(o.status == 0)
        let lines = o.stdout.split(separator: "\n")
        #expect(lines.count == 4)
        for (i, l) in lines.enumerated() {
            #expect(l.utf8.count <= 400)
            let obj = try JSONSerialization.jsonObject(with: Data(l.utf8)) as? [String: Any]
            #expect(obj?["i"] as? Int == i && obj?["folio-vmemmap-align"] is String && obj?["status"] != nil && obj?["vmemmap"] != nil)
            #expect(obj?["findings"] == nil && obj?["config"] == nil)
        }
    }

    @Test("--fail-on never on a failing configuration: no FAIL verdict, status pass, the failure reported below the threshold, exit 0")
    func failOnNeverAgreesWithExit() throws {
        // 7.1's riscv rounding (the series as merged) leaves DRAM 0x80000000 only 32 MiB aligned: a failure.
        let args = ["check", "--preset", "riscv64-sv39", "--kernel", "7.1"]
        let text = try CLI.run(args + ["--fail-on", "never"])
        #expect(text.status == 0)
        #expect(!text.stdout.contains("result: FAIL"))
        #expect(text.stdout.contains("result: pass (folio-vmemmap-align, folio-vmemmap-align-v2 fail below --fail-on never"))
        let json = try CLI.run(args + ["--fail-on", "never", "--format", "json"])
        #expect(json.status == 0)
        let r = (json.json?["results"] as? [[String: Any]])?.first
        #expect(r?["status"] as? String == "pass")
        #expect(r?["below_fail_on"] as? [String] == ["folio-vmemmap-align", "folio-vmemmap-align-v2"])
        #expect(rule(json.json, "folio-vmemmap-align")?["status"] as? String == "fail") // the rule's own verdict stays
        #expect((json.json?["summary"] as? [String: Any])?["failed"] as? Int == 0)
        let junit = try CLI.run(args + ["--fail-on", "never", "--format", "junit"])
        #expect(junit.status == 0 && !junit.stdout.contains("<failure"))
        // And at the default threshold, all of them say FAIL and exit 1.
        let failing = try CLI.run(args)
        #expect(failing.status == 1 && failing.stdout.contains("result: FAIL"))
        let fj = try CLI.run(args + ["--format", "json"])
        #expect(fj.status == 1 && (fj.json?["results"] as? [[String: Any]])?.first?["status"] as? String == "fail")
        for (format, status) in [("text", 0), ("json", 0)] {
            let s = try CLI.run(["sweep", "--presets", "riscv64-sv39", "--kernel", "7.1", "--fail-on", "never", "--format", format])
            #expect(s.status == status && !s.stdout.contains("result: FAIL"))
        }
    }

    @Test("tool_version in every JSON document: check, host, sweep, sweep --summary, SARIF")
    func toolVersionEverywhere() throws {
        let v = ToolVersion.current
        #expect(try CLI.run(["check", "--preset", "x86_64", "--format", "json"]).json?["tool_version"] as? String == v)
        #expect(try CLI.run(["host", "--root", hostFixture("2node-equal"), "--format", "json"]).json?["tool_version"] as? String == v)
        let sweep = try CLI.run(["sweep", "--presets", "x86_64", "--format", "json"])
        #expect(sweep.json?["tool_version"] as? String == v)
        #expect((sweep.json?["summary"] as? [String: Any])?["tool_version"] as? String == v)
        let sarif = try CLI.run(["sweep", "--presets", "riscv64-sv39", "--format", "sarif"])
        let driver = ((sarif.json?["runs"] as? [[String: Any]])?.first?["tool"] as? [String: Any])?["driver"] as? [String: Any]
        #expect(driver?["version"] as? String == v)
    }

    @Test("sweep --format html: one page on stdout, exit as the text summary; check --format html exits 2")
    func html() throws {
        let o = try CLI.run(["sweep", "--presets", "riscv64-sv39,x86_64", "--kernel", "7.1", "--dram-bases", "0:1G:256M", "--format", "html"])
        #expect(o.status == 1 && o.stdout.hasPrefix("<!DOCTYPE html>") && o.stdout.hasSuffix("</html>\n"))
        #expect(o.stdout.contains("memmap-check check --preset riscv64-sv39 --kernel 7.1 --dram-base 0x10000000"))
        #expect(o.stdout.contains("data-source=\"x86_64\""))
        let c = try CLI.run(["check", "--format", "html"])
        #expect(c.status == 2 && c.stderr.contains("sweep --format html"))
    }

    @Test("check --kconfig: amd64 6.12 passes; armhf says no rule applies; malformed input exits 2 with file:line")
    func kconfig() throws {
        let amd = try CLI.run(["check", "--kconfig", Self.kconfigDir + "/debian-amd64-amd64-6.12.117.config", "--format", "json"])
        #expect(amd.status == 0)
        // 6.12 (the header's release) predates the mask encoding: the check does not exist there.
        #expect(rule(amd.json, "folio-vmemmap-align")?["status"] as? String == "skip")
        let amd72 = try CLI.run(["check", "--kconfig", Self.kconfigDir + "/debian-amd64-amd64-6.12.117.config", "--kernel", "7.2", "--format", "json"])
        #expect(amd72.status == 0 && rule(amd72.json, "folio-vmemmap-align")?["status"] as? String == "pass")
        let armhf = try CLI.run(["check", "--kconfig", Self.kconfigDir + "/debian-armhf-armmp-lpae-6.12.113.config"])
        #expect(armhf.status == 0 && armhf.stdout.lowercased().contains("no rule applies"))
        let bad = FileManager.default.temporaryDirectory.appendingPathComponent("memmap-check-bad-\(getpid()).config")
        try "CONFIG_X86_64=y\nCONFIG_SPARSEMEM=y\nthis is not a config line\n".write(to: bad, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: bad) }
        let o = try CLI.run(["check", "--kconfig", bad.path])
        #expect(o.status == 2 && o.stderr.contains("\(bad.path):3") && o.stderr.split(separator: "\n").count == 1)
        let missing = try CLI.run(["check", "--kconfig", "/nonexistent/config"])
        #expect(missing.status == 2)
    }

    @Test("JUnit and SARIF parse back; GitHub annotations only under GITHUB_ACTIONS=true")
    func ciFormats() throws {
        let args = ["sweep", "--presets", "riscv64-sv39,x86_64", "--kernel", "7.1"]
        let junit = try CLI.run(args + ["--format", "junit"])
        #expect(junit.status == 1)
        let parser = XMLParser(data: Data(junit.stdout.utf8))
        #expect(parser.parse())
        #expect(junit.stdout.contains("<failure"))
        let sarif = try CLI.run(args + ["--format", "sarif"])
        let doc = try JSONSerialization.jsonObject(with: Data(sarif.stdout.utf8)) as? [String: Any]
        #expect(doc?["version"] as? String == "2.1.0")
        let runs = doc?["runs"] as? [[String: Any]]
        let results = runs?.first?["results"] as? [[String: Any]] ?? []
        #expect(results.contains { $0["ruleId"] as? String == "folio-vmemmap-align" && $0["level"] as? String == "error" })
        var env = ProcessInfo.processInfo.environment
        env["GITHUB_ACTIONS"] = "true"
        let gha = try CLI.run(args, environment: env)
        #expect((gha.stdout + gha.stderr).contains("::error"))
        env["GITHUB_ACTIONS"] = nil
        let plain = try CLI.run(args, environment: env)
        #expect(!(plain.stdout + plain.stderr).contains("::error"))
    }

    @Test("explain names the kernel code and shows the arithmetic; bad sweep axes exit 2")
    func explainAndBadAxes() throws {
        let e = try CLI.run(["explain", "folio-vmemmap-align", "--preset", "riscv64-sv39"])
        #expect(e.status == 0 && e.stdout.contains("sparse_init") && e.stdout.contains("268435456"))
        for bad in [["--dram-bases", "0:64G:0"], ["--dram-bases", "10:5:1"], ["--presets", "nomatch-*"], ["--hvo", "maybe"]] {
            let o = try CLI.run(["sweep"] + bad)
            #expect(o.status == 2 && o.stderr.split(separator: "\n").count == 1, "\(bad): \(o.stderr)")
        }
    }
}

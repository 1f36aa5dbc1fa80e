import Foundation
import Testing
@testable import SparseCheck

// The upgrade preview of `host`: what the newest modelled release (or --preview-kernel) would conclude
// for a host's configuration, mode and layout — reported beside the verdict, never in it.
//
// Kernel numbers (docs/kernel-sources.md, checked against linux-source-7.2 7.2.13 and 7.3.4):
// - x86_64 4-level: vmemmap_base = __VMEMMAP_BASE_L4 = 0xffffea0000000000
//   (arch/x86/include/asm/pgtable_64_types.h:113-118); under CONFIG_RANDOMIZE_MEMORY a random
//   PUD-aligned (1 GiB) slot (arch/x86/mm/kaslr.c:150, :166), judged at the worst one,
//   __VMEMMAP_BASE_L4 + 1 GiB = 0xffffea0040000000, whose alignment (1 GiB) every slot has.
// - MAX_FOLIO_ORDER = ilog2(SZ_16G) - PAGE_SHIFT = 34 - 12 = 22 with HAVE_GIGANTIC_FOLIOS and
//   ARCH_HAS_GIGANTIC_PAGE (include/linux/mmzone.h:65-95); MAX_FOLIO_VMEMMAP_ALIGN =
//   MAX_FOLIO_NR_PAGES * sizeof(struct page) = 2^22 * 64 = 256 MiB (mmzone.h:97, :105-108), checked
//   by sparse_init() when compound_info_has_mask() (HVO, power-of-two struct page;
//   include/linux/page-flags.h:208-222; mm/sparse.c:364-367 in 7.2.13, :329-332 in 7.3.4).
// - riscv64 sv48: VMEMMAP_START 0xffff8d8000000000; with DRAM at 0x80000000 the v7 (7.1) rounding
//   to MAX_FOLIO_VMEMMAP_ALIGN (256 MiB) keeps vmemmap_start_pfn 0x80000, so pfn_to_page(0) =
//   0xffff8d8000000000 - 0x80000 * 64 = 0xffff8d7ffe000000 (32 MiB aligned); 7.2/7.3 round to
//   PFN_PHYS(MAX_FOLIO_VMEMMAP_ALIGN / sizeof(struct page)) = 16 GiB (arch/riscv/mm/init.c:65-67),
//   so vmemmap_start_pfn = 0 and pfn_to_page(0) = VMEMMAP_START, the value the real 7.2.13 guest
//   reported (Fixtures/real/riscv64-sv48/real.json).

let vmemmapBaseL4: UInt64 = 0xffff_ea00_0000_0000
let pudSize: UInt64 = 1 << 30
let maxFolioVmemmapAlignX86: UInt64 = (1 << 22) * 64

func previewCheck(_ root: String, overrides: Overrides = Overrides(), preview: PreviewRequest = .newest) throws -> HostCheck {
    try HostRun.check(try HostFiles(root: root), overrides: overrides, preview: preview)
}

struct UpgradePreviewTests {
    @Test("six one host previews the newest release with the folio rule evaluated") func sixOneHostPreviewsTheNewestReleaseWithTheFolioRuleEvaluated() throws {
        let h = try previewCheck(hostFixture("2node-equal"))
        // The check itself: the 6.1 formulas, folio rule skipped.
        #expect(h.result.config.kernel.label == "6.1")
        #expect(h.result.findings.first { $0.rule == .config(.folioVmemmapAlign) }?.status == .skip)
        let p = try #require(h.preview)
        #expect(p.kernel.label == FormulaTable.newestRelease.seen)
        #expect(p.kernel.label == "7.3")
        #expect(p.runningRelease == "6.1.0-56-amd64")
        #expect(p.comparedWith == "6.1")
        #expect(!p.requested)
        #expect(p.result.config.pagingMode == .level4)
        let f = try #require(p.result.findings.first { $0.rule == .config(.folioVmemmapAlign) })
        #expect(f.status == .pass)
        #expect(f.required == maxFolioVmemmapAlignX86)
        #expect(f.address == vmemmapBaseL4 + pudSize)
        #expect(f.actualAlignment == pudSize)
        #expect(p.pfnToPage0 == vmemmapBaseL4 + pudSize)
        #expect(p.differs == [.folioVmemmapAlign])
        #expect(p.summary == "upgrade preview (kernel 7.3 formulas; this host runs 6.1.0-56-amd64): folio-vmemmap-align would pass: pfn_to_page(0) 0xffffea0040000000 is 1 GiB aligned (guaranteed for every KASLR slot), 256 MiB required")
    }

    @Test("without KASLR the preview judges vmemmap base L4 itself") func withoutKASLRThePreviewJudgesVmemmapBaseL4Itself() throws {
        var o = Overrides()
        o.kaslr = false
        let p = try #require(try previewCheck(hostFixture("2node-equal"), overrides: o).preview)
        let f = try #require(p.result.findings.first { $0.rule == .config(.folioVmemmapAlign) })
        #expect(f.status == .pass)
        #expect(f.address == vmemmapBaseL4)
        #expect(f.actualAlignment == 1 << 41) // 0xffffea0000000000: lowest set bit 41
        #expect(f.required == 256 << 20)
        #expect(p.summary.hasSuffix("folio-vmemmap-align would pass: pfn_to_page(0) 0xffffea0000000000 is 2 TiB aligned, 256 MiB required"))
    }

    @Test("the preview never changes the check") func thePreviewNeverChangesTheCheck() throws {
        let with = try previewCheck(hostFixture("2node-equal"))
        let without = try previewCheck(hostFixture("2node-equal"), preview: .off)
        #expect(without.preview == nil)
        #expect(with.result.findings == without.result.findings)
        #expect(FailPolicy.error.verdict(with.result).status == FailPolicy.error.verdict(without.result).status)
        #expect(with.notes == without.notes)
    }

    @Test("a 7.2.13 capture: the 7.3 formulas conclude the same, so no preview unless asked")
    func realSevenTwoHasNoPreviewUnlessAsked() throws {
        let (dir, _) = try realCapture("amd64-kaslr-4level")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let h = try previewCheck(dir)
        #expect(h.result.config.kernel.label == "7.2")
        #expect(h.preview == nil)
        let asked = try #require(try previewCheck(dir, preview: .release(.v7_3)).preview)
        #expect(asked.requested)
        #expect(asked.differs.isEmpty)
        #expect(asked.summary == "upgrade preview (kernel 7.3 formulas; this host runs 7.2.13+deb14-amd64): every config rule concludes as under the kernel 7.2 formulas (folio-vmemmap-align pass, folio-vmemmap-align-v2 pass, section-map-encoding pass)")
    }

    @Test("riscv64 sv48 7.2.13 checked as 6.12: the 7.1 preview fails, the 7.3 one has the real base, the verdict is the 6.12 check's")
    func riscvPreviewFollowsTheReleaseFormula() throws {
        let (dir, real) = try realCapture("riscv64-sv48")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var o = Overrides()
        o.kernel = try KernelTarget.parse("6.12")
        let h = try previewCheck(dir, overrides: o, preview: .release(.v7_1))
        #expect(FailPolicy.error.verdict(h.result).status == "pass")
        let p71 = try #require(h.preview)
        let f71 = try #require(p71.result.findings.first { $0.rule == .config(.folioVmemmapAlign) })
        #expect(f71.status == .fail)
        #expect(f71.address == UInt64(0xffff_8d80_0000_0000) - 0x80000 * 64)
        #expect(f71.actualAlignment == 32 << 20)
        #expect(p71.summary.contains("checked with --kernel 6.12"))
        #expect(p71.summary.contains("folio-vmemmap-align would FAIL: pfn_to_page(0) 0xffff8d7ffe000000 is only 32 MiB aligned, 256 MiB required"))
        let p73 = try #require(try previewCheck(dir, overrides: o).preview)
        #expect(p73.kernel.label == "7.3")
        #expect(p73.pfnToPage0 == hexValue(real["pfn_to_page0"]))
        #expect(p73.result.findings.first { $0.rule == .config(.folioVmemmapAlign) }?.status == .pass)
        #expect(p73.summary.hasSuffix("pfn_to_page(0) 0xffff8d8000000000 instead of 0xffff8d7ffe000000 under the kernel 6.12 formulas"))
    }

    // MARK: the command line

    @Test("text shows the block after the verdict and the exit code is the same") func textShowsTheBlockAfterTheVerdictAndTheExitCodeIsTheSame() throws {
        let root = hostFixture("2node-equal")
        let on = try CLI.run(["host", "--root", root])
        let off = try CLI.run(["host", "--root", root, "--no-preview"])
        #expect(on.status == off.status)
        #expect(on.status == 0)
        let lines = on.stdout.split(separator: "\n").map(String.init)
        let verdict = try #require(lines.firstIndex { $0.hasPrefix("result: ") })
        let head = try #require(lines.firstIndex { $0.hasPrefix("upgrade preview (kernel 7.3 formulas") })
        #expect(head == verdict + 1)
        #expect(lines[head + 1].contains("preview only"))
        #expect(lines.contains { $0.hasPrefix("  PASS  folio-vmemmap-align     required 256 MiB, actual 1 GiB (kernel 6.1: skip") })
        #expect(!off.stdout.contains("upgrade preview") && !off.stdout.contains("preview only"))
        #expect(on.stdout.components(separatedBy: "\n").prefix(verdict + 1) == off.stdout.components(separatedBy: "\n").prefix(verdict + 1))
    }

    @Test("JSON has layout preview outside the results") func jsonHasLayoutPreviewOutsideTheResults() throws {
        let root = hostFixture("2node-equal")
        let on = try CLI.run(["host", "--root", root, "--format", "json"])
        let layout = try #require(on.json?["layout"] as? [String: Any])
        let p = try #require(layout["preview"] as? [String: Any])
        #expect(p["kernel"] as? String == "7.3")
        #expect(p["running_release"] as? String == "6.1.0-56-amd64")
        #expect(p["pfn_to_page0"] as? String == "0xffffea0040000000")
        #expect((p["summary"] as? String)?.hasPrefix("upgrade preview (kernel 7.3 formulas; this host runs 6.1.0-56-amd64): folio-vmemmap-align would pass") == true)
        let fs = try #require(p["findings"] as? [[String: Any]])
        let folio = try #require(fs.first { $0["rule"] as? String == "folio-vmemmap-align" })
        #expect(folio["status"] as? String == "pass")
        #expect(folio["required"] as? Int == 268_435_456)
        #expect(folio["actual_alignment"] as? Int == 1 << 30)
        // The check's own finding is still the 6.1 skip.
        #expect(rule(on.json, "folio-vmemmap-align")?["status"] as? String == "skip")
        let off = try CLI.run(["host", "--root", root, "--format", "json", "--no-preview"])
        #expect((off.json?["layout"] as? [String: Any])?["preview"] is NSNull)
        #expect((off.json?["summary"] as? NSDictionary) == (on.json?["summary"] as? NSDictionary))
    }

    @Test("a failing preview does not make host fail")
    func failingPreviewKeepsExitZero() throws {
        let (dir, _) = try realCapture("riscv64-sv48")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try CLI.run(["host", "--root", dir, "--kernel", "6.12", "--preview-kernel", "7.1", "--format", "json"])
        #expect(r.status == 0)
        let p = try #require((r.json?["layout"] as? [String: Any])?["preview"] as? [String: Any])
        #expect(p["would_be"] as? String == "fail")
        #expect(p["kernel"] as? String == "7.1")
        #expect((r.json?["summary"] as? [String: Any])?["failed"] as? Int == 0)
    }

    @Test("bad --preview-kernel values and --no-preview with --preview-kernel exit 2 with one line", arguments: [
        (["--preview-kernel", "7.x"], "--preview-kernel 7.x"),
        (["--preview-kernel", "99"], "--preview-kernel 99"),
        (["--preview-kernel", "next"], "--preview-kernel next"),
        (["--preview-kernel", "7.3", "--no-preview"], "--preview-kernel 7.3 with --no-preview"),
    ])
    func badPreviewKernel(args: [String], named: String) throws {
        let r = try CLI.run(["host", "--root", hostFixture("2node-equal")] + args)
        #expect(r.status == 2)
        #expect(r.stdout.isEmpty)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(r.stderr.hasPrefix("memmap-check: error: \(named)"))
    }
}

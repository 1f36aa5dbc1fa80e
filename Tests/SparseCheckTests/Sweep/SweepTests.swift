import Foundation
import Testing
@testable import SparseCheck

func sweep(_ configure: (inout SweepSpec) throws -> Void) throws -> (Sweep, SweepSummary) {
    var spec = SweepSpec()
    try configure(&spec)
    let s = try Sweep(spec)
    return (s, try s.run(policy: .error))
}

@Suite struct SweepTests {
    @Test("all presets times kernels") func allPresetsTimesKernels() throws {
        let (s, r) = try sweep { spec in
            spec.sources = try SweepSpec.presets(matching: "all").map { .preset($0) }
            spec.kernels = allKernels
        }
        // 23 presets: x86_64 2, arm64 10, riscv64 3, loongarch64 3, powerpc64 4, s390x 1; 4 table rows
        // (6.18, 7.1, 7.2, 7.3).
        #expect(Preset.all.count == 23)
        #expect(s.total == 92 && r.evaluated == 92 && r.skipped == 0)
        // folio-vmemmap-align applies only with HVO (x86_64, riscv64, loongarch64 select
        // ARCH_WANT_OPTIMIZE_HUGETLB_VMEMMAP: 8 presets) and from 7.1 on: 6.18 skips all 23, 7.1, 7.2 and
        // 7.3 skip the 15 others. Under 7.1 the riscv presets fail (DRAM 0x80000000 rounds to 0x80000000,
        // not a multiple of 16 GiB: pfn_to_page(0) only 32 MiB-aligned, arch-table.md); under 7.2 and 7.3
        // (PFN_PHYS rounding, arch/riscv/mm/init.c:65-67) they pass.
        let expectedFolio: [UInt64] = [5 + 8 + 8, 3, 23 + 15 + 15 + 15]
        #expect(r.ruleCounts[0] == expectedFolio)
        // section-map-encoding: PFN_SECTION_SHIFT >= 8 >= SECTION_MAP_LAST_BIT 5 everywhere, bases aligned.
        #expect(r.ruleCounts[2] == [92, 0, 0])
        // v2 never disagrees where the merged check applies on presets: PAGE_SIZE == 64^2 for the 4K
        // HVO presets, and loongarch's bases (PMD-aligned) satisfy both demands.
        #expect(r.v2Disagreements == 0)
        #expect(r.failed == 3)
        #expect(r.groups.filter { $0.rule == .folioVmemmapAlign }.map(\.source) == ["riscv64-sv39", "riscv64-sv48", "riscv64-sv57"])
    }

    @Test("riscv DRAM sweep: 7.1 fails where the rounded start is not a multiple of 16 GiB, 7.2 never") func riscvDRAMSweepUnder71And72() throws {
        let (s, r71) = try sweep { spec in
            spec.sources = [.preset("riscv64-sv39")]
            spec.kernels = [.v7_1]
            spec.dramBases = try SweepAxis.parse("0:64G:2M", option: "--dram-bases") { try Units.parseSize($0, option: "") }
        }
        #expect(s.total == 32768) // 64 GiB / 2 MiB
        // Expected failures from the kernel definition, computed independently of the C mirror:
        // vmemmap_start_pfn = round_down(base & PMD_MASK, VMEMMAP_ADDR_ALIGN = 256M) >> 12 (arch/riscv/mm/init.c);
        // pfn_to_page(0) = VMEMMAP_START (4 GiB-aligned) - pfn * 64 is 256M-aligned iff the rounded value
        // is a multiple of 16 GiB (256M / 64 * 4096).
        var expectedFail: UInt64 = 0
        var base: UInt64 = 0
        while base < 64 << 30 {
            let rounded = (base & ~((UInt64(1) << 21) - 1)) & ~((UInt64(1) << 28) - 1)
            if rounded % (16 << 30) != 0 { expectedFail += 1 }
            base += 2 << 20
        }
        #expect(expectedFail == 32768 - 4 * 128)
        #expect(r71.ruleCounts[0] == [32768 - expectedFail, expectedFail, 0])
        // Smallest failing base: 256 MiB (the first whose rounded value is not a multiple of 16 GiB).
        let g = try #require(r71.groups.first { $0.rule == .folioVmemmapAlign })
        #expect(try s.config(at: g.firstIndex).dramBase == 256 << 20)
        #expect(s.checkCommand(at: g.firstIndex) == "memmap-check check --preset riscv64-sv39 --kernel 7.1 --dram-base 0x10000000")

        // 7.2 rounds the DRAM start to PFN_PHYS(MAX_FOLIO_VMEMMAP_ALIGN / 64) = 16 GiB (arch/riscv/mm/init.c:65-67).
        let (_, rNext) = try sweep { spec in
            spec.sources = [.preset("riscv64-sv39")]
            spec.kernels = [.v7_2]
            spec.dramBases = .range(start: 0, end: 64 << 30, step: 2 << 20)
        }
        #expect(rNext.ruleCounts[0] == [32768, 0, 0])
    }

    @Test("v2 disagrees exactly where page size is not struct page squared") func v2DisagreesExactlyWherePageSizeIsNotStructPageSquared() throws {
        // v2 demand = PAGE_SIZE * 2^order / S, merged = 2^order * S: equal iff PAGE_SIZE == S^2
        // (kernel-arithmetic.md). Bases 0..4G in 1 MiB steps cover every alignment both demands can take.
        let pageShifts: [UInt32] = [12, 14, 16]
        let sizes: [UInt64] = [32, 64, 128, 256]
        for p in pageShifts {
            for sp in sizes {
                let (_, r) = try sweep { spec in
                    spec.sources = [.preset("x86_64")]
                    spec.pageShifts = [p]
                    spec.structPageSizes = .list([sp])
                    spec.hvo = .on
                    spec.vmemmapBases = .range(start: 0, end: 4 << 30, step: 1 << 20)
                }
                #expect(r.ruleCounts[0][2] == 0) // the merged check applies to every combination
                if UInt64(1) << UInt64(p) == sp * sp {
                    #expect(r.v2Disagreements == 0, "PAGE_SIZE \(1 << p), struct page \(sp)")
                } else {
                    // Disagreement at bases aligned to the smaller demand but not the larger:
                    // 4G / small - 4G / large bases (both powers of two, 1 MiB <= each <= 4 GiB).
                    let order = UInt64(34 - p)
                    let merged = (UInt64(1) << order) * sp, v2 = (UInt64(1) << (order + UInt64(p))) / sp
                    let lo = min(merged, v2), hi = max(merged, v2)
                    #expect(r.v2Disagreements == (4 << 30) / lo - (4 << 30) / hi, "PAGE_SIZE \(1 << p), struct page \(sp)")
                }
            }
        }
    }

    @Test("inapplicable axes are skipped duplicates") func inapplicableAxesAreSkippedDuplicates() throws {
        let (s, r) = try sweep { spec in
            spec.sources = [.preset("x86_64"), .preset("riscv64-sv39")]
            spec.dramBases = .list([0, 1 << 30, 2 << 30])
        }
        #expect(s.total == 6)
        // x86_64's base does not depend on the DRAM start: one evaluated, two skipped.
        #expect(r.evaluated == 4 && r.skipped == 2)
        #expect(r.skipReasons.first?.reason.contains("does not apply to x86_64") == true)
    }

    @Test("invalid combinations are skipped with reason") func invalidCombinationsAreSkippedWithReason() throws {
        // SECTION_SIZE_BITS 20 < SUBSECTION_SHIFT 21: include/linux/mmzone.h refuses to build.
        let (_, r) = try sweep { spec in
            spec.sources = [.preset("x86_64")]
            spec.sectionBits = .list([20, 27])
        }
        #expect(r.evaluated == 1 && r.skipped == 1)
        #expect(r.skipReasons.first?.reason.hasPrefix("invalid:") == true)
    }

    @Test("fast path matches full check") func fastPathMatchesFullCheck() throws {
        // The sweep's allocation-free statuses equal the findings Checker.check() builds.
        let (s, _) = try sweep { spec in
            spec.sources = try SweepSpec.presets(matching: "riscv64-*,arm64-4k-*,x86_64").map { .preset($0) }
            spec.kernels = allKernels
            spec.structPageSizes = .list([56, 64, 128])
            spec.hvo = .both
            spec.dramBases = .range(start: 0, end: 2 << 30, step: 96 << 20)
        }
        var compared = 0
        _ = try s.run(policy: .error, emit: { i, r in
            let c = try s.config(at: i)
            let d = try c.derive(base: c.vmemmapValue())
            let st = Checker.statuses(c, d)
            #expect([st.folio, st.v2, st.encoding] == r.findings.map(\.status))
            compared += 1
        })
        #expect(compared > 500)
    }

    @Test("axis syntax errors") func axisSyntaxErrors() throws {
        let p: (String) throws -> UInt64 = { try Units.parseSize($0, option: "--dram-bases") }
        #expect(throws: InputError.self) { try SweepAxis.parse("0:64G", option: "--dram-bases", p) }
        #expect(throws: InputError.self) { try SweepAxis.parse("64G:0:2M", option: "--dram-bases", p) }
        #expect(throws: InputError.self) { try SweepAxis.parse("0:64G:0", option: "--dram-bases", p) }
        #expect(throws: InputError.self) { try SweepAxis.parse("1,,2", option: "--dram-bases", p) }
        #expect(throws: InputError.self) { try SweepAxis.parse("0:99999999999E:1", option: "--dram-bases", p) }
        #expect(throws: InputError.self) { try SweepSpec.presets(matching: "mips-*") }
        #expect(try SweepSpec.presets(matching: "arm64-16k-*").count == 4)
        #expect(try SweepAxis.parse("0x10,4,4", option: "x", p) == .list([4, 16]))
        #expect(try SweepAxis.parse("0:64G:2M", option: "x", p).count == 32768)
    }
}

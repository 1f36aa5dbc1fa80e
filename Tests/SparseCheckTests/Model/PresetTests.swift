import Testing
@testable import SparseCheck

/// Every preset's pfn_to_page(0) against the values in ../shared/reference/arch-table.md Table 2 and the
/// kernel definitions cited there (VMEMMAP_START values; the memstart / vmemmap_start_pfn terms are
/// (round_down(DRAM, align) >> PAGE_SHIFT) * 64).
@Suite("Presets")
struct PresetTests {
    static let expectedBases: [(String, UInt64)] = [
        ("x86_64", 0xffff_ea00_0000_0000),      // __VMEMMAP_BASE_L4
        ("x86_64-la57", 0xffd4_0000_0000_0000), // __VMEMMAP_BASE_L5
        // arm64 VMEMMAP_START - (1 GiB >> PAGE_SHIFT) * 64, DRAM at 1 GiB (ARM64_MEMSTART_ALIGN 1G/1G/512M).
        ("arm64-4k-va39", 0xffff_fffe_c000_0000 - (1 << 24)),
        ("arm64-4k-va48", 0xffff_fdff_bf00_0000), // arch-table.md's worked example
        ("arm64-4k-va52", 0xffff_c1ff_c000_0000 - (1 << 24)),
        ("arm64-16k-va36", 0xffff_ffff_b800_0000 - (1 << 22)),
        ("arm64-16k-va47", 0xffff_ffbf_c000_0000 - (1 << 22)),
        ("arm64-16k-va48", 0xffff_ff7f_c000_0000 - (1 << 22)),
        ("arm64-16k-va52", 0xffff_f03f_c000_0000 - (1 << 22)),
        ("arm64-64k-va42", 0xffff_ffff_4000_0000 - (1 << 20)),
        ("arm64-64k-va48", 0xffff_ffdf_c000_0000 - (1 << 20)),
        ("arm64-64k-va52", 0xffff_fc1f_c000_0000 - (1 << 20)),
        // riscv64 7.2: VMEMMAP_START (vm-layout.rst; pgtable.h:84-88) - (round_down(0x80000000, 16 GiB) >> 12) * 64
        // = VMEMMAP_START (arch/riscv/mm/init.c:65-67, :245). Real booted 7.2.13 riscv64 sv48 guest (DRAM at
        // 0x80000000): 0xffff8d8000000000 (issue 10; /work/kernels/captures/riscv64-sv48).
        ("riscv64-sv39", 0xffff_ffc5_0000_0000),
        ("riscv64-sv48", 0xffff_8d80_0000_0000),
        ("riscv64-sv57", 0xff1c_0000_0000_0000),
        // LoongArch 7.1: ALIGN(VMALLOC_END, max(PMD_SIZE, MFVA)); 16K/3-level VMALLOC_END 0xffff7dfffe000000
        // (arch-table.md worked example); 4K/4-level: 0 - 2M - 2^43; 64K/3-level: -2^48 + 2^48 - 512M - 2^39.
        ("loongarch64-4k", 0 &- (1 << 21) &- (1 << 43)),
        ("loongarch64-16k", 0xffff_7dff_fe00_0000),
        ("loongarch64-64k", 0 &- (1 << 29) &- (1 << 39)),
        ("powerpc64-radix-4k", 0xc00c_0000_0000_0000),  // RADIX_VMEMMAP_START
        ("powerpc64-radix-64k", 0xc00c_0000_0000_0000),
        ("powerpc64-hash-4k", 0xc000_3f00_0000_0000),   // H_VMEMMAP_START, REGION_SHIFT 40
        ("powerpc64-hash-64k", 0xc00c_0000_0000_0000),
        // s390x 7.2, no KASLR: __abs_lowcore below 0x3FFE0000000 - 2 GiB - 510 GiB (startup.c:397-419), then
        // round_down(__abs_lowcore - SECTION_ALIGN_UP(__abs_lowcore / 4160) * 64, 2 GiB) (startup.c:425-428):
        // the real 7.2.13 s390x guest with 4 GiB and KASLR off has 0x37200000000 (issue 10).
        ("s390x", 0x372_0000_0000),
    ]

    @Test("every preset is covered and has sources")
    func coverage() {
        #expect(Set(Preset.all.map(\.name)) == Set(Self.expectedBases.map(\.0)))
        for p in Preset.all {
            #expect(!p.sources.isEmpty, "\(p.name)")
            #expect(p.arch.rawValue == String(p.name.split(separator: "-").first!))
        }
    }

    @Test("pfn_to_page(0) of every preset matches the architecture table", arguments: expectedBases)
    func bases(name: String, base: UInt64) throws {
        let c = try SparseConfig.make(preset: name)
        try c.validate()
        #expect(try c.vmemmapBase().value == base, "\(name)")
    }

    @Test("kernel 6.18 formulas: LoongArch one PMD higher, riscv rounds to a section")
    func oldFormulas() throws {
        var o = Overrides()
        o.kernel = .v6_18
        // (VMALLOC_END + PMD_SIZE) & PMD_MASK = 0xffff7e0000000000 for 16K (arch-table.md).
        #expect(try SparseConfig.make(preset: "loongarch64-16k", overrides: o).vmemmapBase().value == 0xffff_7e00_0000_0000)
        o.dramBase = 0x8800_0000 // round_down(.., 128 MiB) = 0x88000000 under 6.18; 256 MiB -> 0x80000000 under 7.1
        #expect(try SparseConfig.make(preset: "riscv64-sv39", overrides: o).vmemmapBase().value == 0xffff_ffc5_0000_0000 - (0x88000 * 64))
        o.kernel = .v7_1
        #expect(try SparseConfig.make(preset: "riscv64-sv39", overrides: o).vmemmapBase().value == 0xffff_ffc5_0000_0000 - (0x80000 * 64))
        o.kernel = .v7_2 // PFN_PHYS(MFVA / 64) = 16 GiB (arch/riscv/mm/init.c:65-67): vmemmap_start_pfn 0
        #expect(try SparseConfig.make(preset: "riscv64-sv39", overrides: o).vmemmapBase().value == 0xffff_ffc5_0000_0000)
    }

    @Test("page-size what-if re-derives arm64's section bits and MAX_PAGE_ORDER")
    func pageSizeOverride() throws {
        var o = Overrides()
        o.pageShift = 16
        let c = try SparseConfig.make(preset: "arm64-4k-va48", overrides: o)
        #expect(c.sectionSizeBits == 29 && c.maxPageOrder == 13 && c.pmdShift == 29)
    }
}

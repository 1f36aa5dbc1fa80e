/// The form of each formula that changed between kernel releases. The C mirror takes these as explicit
/// enums (cs_mask_form, cs_riscv_align_form, cs_loongarch_vmemmap_form, cs_encode_bound), so each C
/// function still mirrors one kernel text; `FormulaTable` is the one place that says which release has
/// which form (docs/kernel-sources.md, "Formulas by release").
public struct KernelFormulas: Equatable, Sendable {
    /// compound_info_has_mask() (include/linux/page-flags.h).
    public enum Mask: String, Sendable { case none, merged }
    /// riscv VMEMMAP_ADDR_ALIGN (arch/riscv/mm/init.c).
    public enum RiscvAlign: String, Sendable { case section, maxFolioVmemmapAlign, pfnPhys }
    /// LoongArch vmemmap (arch/loongarch/include/asm/pgtable.h).
    public enum LoongarchVmemmap: String, Sendable { case pmd, alignMaxFolio }
    /// The section_mem_map encoding's build-time bound.
    public enum EncodeBound: String, Sendable { case tesarik2018, muchun2026 }

    public var mask: Mask
    public var riscvAlign: RiscvAlign
    public var loongarchVmemmap: LoongarchVmemmap
    /// arm64 CONFIG_RANDOMIZE_BASE also randomises the linear map (memstart_offset_seed in
    /// arm64_memblock_init(), arch/arm64/mm/init.c).
    public var arm64LinearMapRandomized: Bool
    public var encodeBound: EncodeBound
    /// Where the section_mem_map encoding and its checks live in this release.
    public var encodeSite: String

    /// The kernel text of riscv's VMEMMAP_ADDR_ALIGN in this form.
    public var riscvAlignText: String {
        switch riscvAlign {
        case .section: return "VMEMMAP_ADDR_ALIGN = 1ULL << SECTION_SIZE_BITS"
        case .maxFolioVmemmapAlign: return "VMEMMAP_ADDR_ALIGN = max(1ULL << SECTION_SIZE_BITS, MAX_FOLIO_VMEMMAP_ALIGN)"
        case .pfnPhys: return "VMEMMAP_ADDR_ALIGN = max(1ULL << SECTION_SIZE_BITS, PFN_PHYS(MAX_FOLIO_VMEMMAP_ALIGN / sizeof(struct page)))"
        }
    }

    public var loongarchText: String {
        loongarchVmemmap == .pmd ? "(VMALLOC_END + PMD_SIZE) & PMD_MASK" : "ALIGN(VMALLOC_END, max(PMD_SIZE, MAX_FOLIO_VMEMMAP_ALIGN))"
    }

    public var encodeBoundText: String {
        encodeBound == .tesarik2018
            ? "BUILD_BUG_ON(SECTION_MAP_LAST_BIT > PFN_SECTION_SHIFT)"
            : "BUILD_BUG_ON(SECTION_MAP_LAST_BIT > min(PFN_SECTION_SHIFT + __ffs(sizeof(struct page)), PAGE_SHIFT))"
    }
}

/// One row of the release table: the changes that took effect in `release`, with what each mirrors.
public struct FormulaChange: Sendable {
    /// The release the changes took effect in (for the first row: every release before the series).
    public let release: KernelRelease
    /// "pre-series", "the series as merged (v7)", ...
    public let title: String
    /// One line per changed formula: the form and the file:line / function it mirrors.
    public let changes: [String]
    /// Whether this release's own text was read (nil) or why it could not be (shown in findings).
    public let unconfirmed: String?
    let apply: @Sendable (inout KernelFormulas) -> Void
}

/// The formula changes keyed by the release in which each took effect.
public enum FormulaTable {
    /// Every release before 7.1: the formulas the series changed, as they were before it.
    static let baseline = KernelFormulas(
        mask: .none, riscvAlign: .section, loongarchVmemmap: .pmd, arm64LinearMapRandomized: true,
        encodeBound: .tesarik2018,
        encodeSite: "sparse_encode_mem_map() and sparse_init_one_section() (mm/sparse.c)")

    public static let changes: [FormulaChange] = [
        FormulaChange(
            release: KernelRelease(major: 6, minor: 18), title: "pre-series (as in 6.18 and earlier)",
            changes: [
                "compound_info holds head + 1 in every tail: no compound_info_has_mask(), no MAX_FOLIO_VMEMMAP_ALIGN check in sparse_init()",
                "riscv: VMEMMAP_ADDR_ALIGN = 1ULL << SECTION_SIZE_BITS (arch/riscv/mm/init.c, setup_bootmem())",
                "LoongArch: vmemmap = (VMALLOC_END + PMD_SIZE) & PMD_MASK (arch/loongarch/include/asm/pgtable.h)",
                "arm64: CONFIG_RANDOMIZE_BASE moves memstart_addr down by memstart_offset_seed steps of ARM64_MEMSTART_ALIGN (arm64_memblock_init(), arch/arm64/mm/init.c)",
                "section_mem_map encoding: sparse_encode_mem_map() in mm/sparse.c, BUILD_BUG_ON(SECTION_MAP_LAST_BIT > PFN_SECTION_SHIFT)",
            ],
            unconfirmed: "checked against stored 6.x (6.18-era) copies of the files, not a 6.18 release tree",
            apply: { _ in }),
        FormulaChange(
            release: KernelRelease(major: 7, minor: 1), title: "the series as merged for 7.1 (v7, 18 patches)",
            changes: [
                "compound_info_has_mask() = IS_ENABLED(CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP) && is_power_of_2(sizeof(struct page)) (include/linux/page-flags.h, v7 07/18 8c846c879e22); sparse_init() VM_WARN_ON_ONCE(!IS_ALIGNED(pfn_to_page(0), MAX_FOLIO_VMEMMAP_ALIGN)) (mm/sparse.c, v7 08/18 9f94db4c7eaa)",
                "riscv: VMEMMAP_ADDR_ALIGN = max(1ULL << SECTION_SIZE_BITS, MAX_FOLIO_VMEMMAP_ALIGN) (arch/riscv/mm/init.c, v7 05/18 476849b0fba4)",
                "LoongArch: vmemmap = ALIGN(VMALLOC_END, VMEMMAP_ALIGN = max(PMD_SIZE, MAX_FOLIO_VMEMMAP_ALIGN)) (arch/loongarch/include/asm/pgtable.h, v7 06/18 2969b42c8f99)",
            ],
            unconfirmed: "the 7.1 release's own text was not read (no 7.1 source tree was available): this entry is v7 of the series as posted and merged into mm-stable for the 7.1 merge window",
            apply: { f in
                f.mask = .merged
                f.riscvAlign = .maxFolioVmemmapAlign
                f.loongarchVmemmap = .alignMaxFolio
            }),
        FormulaChange(
            release: KernelRelease(major: 7, minor: 2), title: "7.2",
            changes: [
                "riscv: VMEMMAP_ADDR_ALIGN = max(1ULL << SECTION_SIZE_BITS, PFN_PHYS(MAX_FOLIO_VMEMMAP_ALIGN / sizeof(struct page))) (arch/riscv/mm/init.c:65-67; used by setup_bootmem() at init.c:245); not in a 7.1.y or 7.2.y stable update (Debian changelog), so an -rc fix of 7.1 or a 7.2 merge-window change: 7.1 unconfirmed",
                "arm64: no linear-map randomisation: arm64_memblock_init() has no memstart_offset_seed (arch/arm64/mm/init.c:193-246); the 52-bit VA fallback still moves memstart_addr (init.c:244-245)",
                "section_mem_map encoding inline in sparse_init_one_section() (mm/internal.h:959-976): BUILD_BUG_ON(SECTION_MAP_LAST_BIT > PFN_SECTION_SHIFT) at :965, VM_WARN_ON_ONCE(coded_mem_map & ~SECTION_MAP_MASK) at :973; sparse_encode_mem_map() no longer exists (whether 7.1 already had this form cannot be read: no 7.1 tree)",
                "unchanged and re-checked (linux-source-7.2 7.2.13): MAX_FOLIO_VMEMMAP_ALIGN (include/linux/mmzone.h:105), compound_info_has_mask() (include/linux/page-flags.h:208), the sparse_init() check (mm/sparse.c:364-366), LoongArch vmemmap (pgtable.h:119-120), s390 vmemmap_start (arch/s390/boot/startup.c:425-428)",
            ],
            unconfirmed: nil,
            apply: { f in
                f.riscvAlign = .pfnPhys
                f.arm64LinearMapRandomized = false
                f.encodeSite = "sparse_init_one_section() (mm/internal.h:959-976)"
            }),
        FormulaChange(
            release: KernelRelease(major: 7, minor: 3), title: "7.3",
            changes: [
                "section_mem_map encoding: sparse_init_one_section() moved to the new mm/sparse.h (:20-41; BUILD_BUG_ON at :26, coded_mem_map and VM_WARN_ON_ONCE at :33-34), text identical",
                "unchanged and re-checked (linux-source-7.3 7.3.4): riscv VMEMMAP_ADDR_ALIGN (arch/riscv/mm/init.c:65-67, :245), arm64 arm64_memblock_init() without memstart_offset_seed (arch/arm64/mm/init.c:196-248), the sparse_init() check (mm/sparse.c:329-332), MAX_FOLIO_VMEMMAP_ALIGN (include/linux/mmzone.h:105-108), s390 startup.c (identical to 7.2.13), LoongArch, x86 and powerpc bases",
            ],
            unconfirmed: nil,
            apply: { f in
                f.encodeSite = "sparse_init_one_section() (mm/sparse.h:20-41)"
            }),
    ]

    /// The changes `--kernel proposed` adds on top of the newest release (no release has them).
    public static let proposedChanges: [String] = [
        "section_mem_map encoding bound: BUILD_BUG_ON(SECTION_MAP_LAST_BIT > min(PFN_SECTION_SHIFT + __ffs(sizeof(struct page)), PAGE_SHIFT)) (Muchun Song, \"mm/sparse: fix BUILD_BUG_ON check for section map alignment\", 31 Mar 2026; in no release)",
    ]

    /// The newest release the table models.
    public static var newestRelease: KernelRelease { changes.last!.release }

    /// The row a release's formulas come from (the newest row at or before its series).
    public static func change(for release: KernelRelease) -> FormulaChange {
        changes.last { $0.release <= release.series } ?? changes[0]
    }

    /// The forms in force for `release`.
    public static func formulas(for release: KernelRelease) -> KernelFormulas {
        var f = baseline
        for c in changes where c.release <= release.series {
            c.apply(&f)
        }
        return f
    }

    public static var proposedFormulas: KernelFormulas {
        var f = formulas(for: newestRelease)
        f.encodeBound = .muchun2026
        return f
    }

    /// One release per row (the sweep's `--kernel all`).
    public static var rowReleases: [KernelRelease] { changes.map(\.release) }
}

extension KernelTarget {
    /// The table row in force (nil for `proposed`, which is the newest row plus `proposedChanges`).
    public var change: FormulaChange { FormulaTable.change(for: proposed ? FormulaTable.newestRelease : release) }

    /// Why the formulas are not known to be the release's own, or nil: the row's own caveat, or that
    /// the release is newer than the table.
    public var caveat: String? {
        if proposed { return "proposed: the \(FormulaTable.newestRelease.seen) formulas plus changes in no release (\(FormulaTable.proposedChanges.count) listed in docs/kernel-sources.md)" }
        if beyondTable {
            return "release \(release.seen) is newer than the newest modelled release \(FormulaTable.newestRelease.seen): its formulas are assumed to be \(FormulaTable.newestRelease.seen)'s"
        }
        return change.unconfirmed.map { "formulas for \(label): \($0)" }
    }
}

/// The derived values shown by `presets`.
public enum PresetReport {
    /// Throws `InputError` when the C mirror refuses one of the section numbers (no status is dropped).
    public static func derived(_ r: CheckResult) throws -> JSON {
        let n: CMirror.SectionNumbers
        do { n = try r.config.mirror.sectionNumbers() } catch let e as MirrorError {
            throw InputError("\(r.config.preset): \(e.formula)", expected: "a configuration whose section numbers fit \(r.config.bitsPerLong) bits (\(e.overflow ? "it overflows" : "an input is out of its domain"))")
        }
        let d = r.derived
        return .object([
            ("pfn_section_shift", .uint(UInt64(n.pfnSectionShift))),
            ("pages_per_section", .uint(n.pagesPerSection)),
            ("sections_shift", .uint(UInt64(n.sectionsShift))),
            ("nr_mem_sections", .uint(n.nrMemSections)),
            ("sections_per_root", .uint(n.sectionsPerRoot)),
            ("nr_section_roots", .uint(n.nrSectionRoots)),
            ("memmap_bytes_per_section", .uint(n.memmapBytesPerSection)),
            ("section_map_size", .uint(n.sectionMapSize)),
            ("max_folio_order", .uint(UInt64(d.maxFolioOrder))),
            ("max_folio_nr_pages", .uint(d.maxFolioNrPages)),
            ("max_folio_size", .uint(d.maxFolioSize)),
            ("max_folio_vmemmap_align", .uint(d.maxFolioVmemmapAlign)),
            ("v2_demand", .uint(d.v2Demand)),
            ("compound_info_has_mask", .bool(d.hasMask)),
            ("vmemmap_tail_min_order", n.tails.map { .uint(UInt64($0.minOrder)) } ?? .null),
            ("nr_vmemmap_tails", n.tails.map { .uint(UInt64($0.count)) } ?? .null),
            ("section_map_last_bit", .uint(UInt64(d.sectionMapLastBit))),
            ("vmemmap_base", JSON.address(d.vmemmap)),
            ("vmemmap_base_alignment", JSON.size(d.actualAlignment == 0 ? nil : d.actualAlignment)),
        ])
    }

    /// The formulas in force for `c.kernel` where a release changed one (FormulaTable).
    public static func formulas(_ c: SparseConfig) -> [String] {
        let f = c.kernel.formulas
        var out: [String] = []
        out.append(f.mask == .none
            ? "compound_info holds a head pointer (no mask encoding, no MAX_FOLIO_VMEMMAP_ALIGN check)"
            : "compound_info_has_mask() = IS_ENABLED(CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP) && is_power_of_2(sizeof(struct page)); sparse_init() checks IS_ALIGNED(pfn_to_page(0), MAX_FOLIO_VMEMMAP_ALIGN)")
        out.append("\(f.encodeSite): \(f.encodeBoundText)\(f.encodeBound == .muchun2026 ? " (proposed 2026; in no release)" : " (2018)")")
        switch c.arch {
        case .riscv64: out.append("\(f.riscvAlignText) (arch/riscv/mm/init.c)")
        case .loongarch64: out.append("vmemmap = \(f.loongarchText) (arch/loongarch/include/asm/pgtable.h)")
        case .arm64: out.append(f.arm64LinearMapRandomized ? "CONFIG_RANDOMIZE_BASE randomises the linear map (memstart_offset_seed)" : "no linear-map randomisation (no memstart_offset_seed)")
        default: break
        }
        if let why = c.kernel.caveat { out.append(why) }
        return out
    }

    public static func text(_ p: Preset, _ r: CheckResult) -> String {
        let d = r.derived
        let c = r.config
        var lines = ["\(p.name) — \(p.summary)"]
        lines.append("  \(Units.human(c.pageSize)) pages, SECTION_SIZE_BITS \(c.sectionSizeBits), MAX_PHYSMEM_BITS \(c.maxPhysmemBits), MAX_PAGE_ORDER \(c.maxPageOrder), PMD 2^\(c.pmdShift), PUD 2^\(c.pudShift), HVO \(c.hvo ? "yes" : "no"), gigantic folios \(c.haveGiganticFolios ? "yes" : "no")")
        lines.append("  MAX_FOLIO_ORDER \(d.maxFolioOrder), MAX_FOLIO_VMEMMAP_ALIGN \(d.maxFolioVmemmapAlign == 0 ? "0 (no mask)" : Units.human(d.maxFolioVmemmapAlign)), v2 demand \(d.v2Demand.nonzeroBitCount == 1 ? Units.human(d.v2Demand) : String(d.v2Demand))")
        lines.append("  pfn_to_page(0) \(hex(d.vmemmap)) (aligned to \(Units.alignment(d.actualAlignment))): \(r.base.formula)")
        for f in formulas(c) { lines.append("  formula (kernel \(c.kernel.label)): \(f)") }
        let verdicts = r.findings.map { "\($0.rule) \($0.status.rawValue)" }.joined(separator: ", ")
        lines.append("  \(verdicts)")
        for s in p.sources { lines.append("  source: \(s)") }
        return lines.joined(separator: "\n")
    }
}

/// `memmap-check explain RULE` and `check --explain`: what a rule protects, the kernel code it
/// mirrors, and a configuration's arithmetic step by step (every number from the C mirror).
public enum Explain {
    public static func title(_ r: RuleID) -> String {
        switch r {
        case .folioVmemmapAlign: return "pfn_to_page(0) must be aligned to MAX_FOLIO_VMEMMAP_ALIGN (Linux 7.1 mask-encoded compound_info)"
        case .folioVmemmapAlignV2: return "the v2 posting's demand MAX_FOLIO_SIZE / sizeof(struct page), for comparison"
        case .sectionMapEncoding: return "the encoded mem_map must keep the section_mem_map flag bits clear"
        }
    }

    /// The kernel code a rule mirrors, and the C functions that mirror it.
    public static func mirrors(_ r: RuleID) -> [String] {
        switch r {
        case .folioVmemmapAlign:
            return [
                "mm/sparse.c sparse_init(): VM_WARN_ON_ONCE(compound_info_has_mask() && !IS_ALIGNED(pfn_to_page(0), MAX_FOLIO_VMEMMAP_ALIGN)) — cs_sparse_init_checks()",
                "include/linux/mmzone.h MAX_FOLIO_ORDER, MAX_FOLIO_NR_PAGES, MAX_FOLIO_VMEMMAP_ALIGN — cs_max_folio_order(), cs_max_folio_nr_pages(), cs_max_folio_vmemmap_align()",
                "include/linux/page-flags.h compound_info_has_mask(), set_compound_head(), _compound_head() — cs_compound_info_has_mask(), cs_set_compound_head(), cs_compound_head()",
                "mm/Kconfig HAVE_GIGANTIC_FOLIOS, fs/Kconfig HUGETLB_PAGE_OPTIMIZE_VMEMMAP — cs_kconfig_have_gigantic_folios(), cs_kconfig_hugetlb_page_optimize_vmemmap()",
                "the architecture's vmemmap base (arch/*/include/asm/pgtable*.h, arch/riscv/mm/init.c, arch/x86/mm/kaslr.c, arch/arm64/mm/init.c) — cs_*_vmemmap*()",
            ]
        case .folioVmemmapAlignV2:
            return [
                "mm/sparse.c sparse_init() in v2 02/14 (Dec 2025): WARN_ON(!IS_ALIGNED(pfn_to_page(0), MAX_FOLIO_SIZE / sizeof(struct page))) — cs_max_folio_size_per_struct_page()",
                "include/linux/mm.h MAX_FOLIO_SIZE (v2-v4) — cs_max_folio_size()",
            ]
        case .sectionMapEncoding:
            return [
                "mm/sparse.c sparse_encode_mem_map() before 7.2, inline in sparse_init_one_section() (mm/internal.h:959-976) in 7.2: BUILD_BUG_ON(SECTION_MAP_LAST_BIT > bound) and the run-time check coded_mem_map & ~SECTION_MAP_MASK — cs_section_map_align_bits(), cs_section_map_encoding_ok()",
                "include/linux/mmzone.h SECTION_MAP_LAST_BIT, SECTION_MAP_MASK, PFN_SECTION_SHIFT — cs_section_map_last_bit(), cs_section_map_mask(), cs_pfn_section_shift()",
            ]
        }
    }

    /// The rule's description without a configuration.
    public static func about(_ r: RuleID) -> String {
        var l = ["\(r.rawValue) (severity \(r.severity.rawValue)): \(title(r))", "", r.summary, "", "Kernel code mirrored:"]
        for m in mirrors(r) { l.append("  - \(m)") }
        return l.joined(separator: "\n")
    }

    /// The arithmetic of `rule` for the checked configuration, step by step.
    public static func steps(_ rule: RuleID, _ r: CheckResult) -> [String] {
        let c = r.config, d = r.derived
        let S = c.structPageSize
        var l: [String] = []
        func yn(_ b: Bool) -> String { b ? "y" : "n" }
        l.append("configuration: \(c.label)")
        l.append("PAGE_SIZE = 1 << PAGE_SHIFT = 1 << \(c.pageShift) = \(c.pageSize)")
        switch rule {
        case .folioVmemmapAlign, .folioVmemmapAlignV2:
            let gig = c.haveGiganticFolios
            l.append("HAVE_GIGANTIC_FOLIOS = (HUGETLB_PAGE \(yn(c.hugetlbPage)) && ARCH_HAS_GIGANTIC_PAGE \(yn(c.archHasGiganticPage))) || (ZONE_DEVICE \(yn(c.zoneDevice)) && HAVE_ARCH_TRANSPARENT_HUGEPAGE_PUD \(yn(c.haveTHPPud))) = \(yn(gig))  [mm/Kconfig]")
            let branch: String
            if let o = c.maxFolioOrderOverride {
                branch = "what-if override = \(o)"
            } else if !gig {
                branch = "!HAVE_GIGANTIC_FOLIOS: MAX_PAGE_ORDER = \(c.maxPageOrder)"
            } else if !c.sparsememVmemmap {
                branch = "SPARSEMEM && !SPARSEMEM_VMEMMAP: PFN_SECTION_SHIFT = \(c.sectionSizeBits) - \(c.pageShift) = \(d.maxFolioOrder)"
            } else if c.hugetlbPage {
                branch = "HUGETLB_PAGE: ilog2(SZ_\(c.bitsPerLong == 64 ? "16G" : "1G")) - PAGE_SHIFT = \(c.bitsPerLong == 64 ? 34 : 30) - \(c.pageShift) = \(d.maxFolioOrder)"
            } else {
                branch = "PUD_SHIFT - PAGE_SHIFT = \(c.pudShift) - \(c.pageShift) = \(d.maxFolioOrder)"
            }
            l.append("MAX_FOLIO_ORDER: \(branch)  [include/linux/mmzone.h]")
            l.append("MAX_FOLIO_NR_PAGES = 1 << \(d.maxFolioOrder) = \(d.maxFolioNrPages)")
            l.append("pfn_to_page(0) = \(r.base.formula) = \(hex(d.vmemmap)), aligned to \(Units.alignment(d.actualAlignment))")
            if let g = r.base.guaranteedAlignment {
                l.append("KASLR: every possible base is guaranteed \(Units.alignment(g)) alignment; \(hex(d.vmemmap)) is the worst such base")
            }
            if rule == .folioVmemmapAlign {
                l.append("HUGETLB_PAGE_OPTIMIZE_VMEMMAP = \(yn(c.hvo)) (HUGETLB_PAGE \(yn(c.hugetlbPage)), ARCH_WANT_OPTIMIZE_HUGETLB_VMEMMAP \(yn(c.archWantHVO)), SPARSEMEM_VMEMMAP \(yn(c.sparsememVmemmap)))  [fs/Kconfig]")
                l.append("compound_info_has_mask() = HVO \(yn(c.hvo)) && is_power_of_2(sizeof(struct page) = \(S)) \(yn(S.nonzeroBitCount == 1))\(c.kernel.hasMaskEncoding ? "" : " — but kernel \(c.kernel.label) predates the mask encoding") = \(yn(d.hasMask))  [include/linux/page-flags.h]")
                l.append("MAX_FOLIO_VMEMMAP_ALIGN = \(d.hasMask || d.maxFolioVmemmapAlign != 0 ? "MAX_FOLIO_NR_PAGES * sizeof(struct page) = \(d.maxFolioNrPages) * \(S) = \(d.maxFolioVmemmapAlign) (\(Units.human(d.maxFolioVmemmapAlign)))" : "0 (no mask)")")
                if Checker.folioStatus(c, d) == .skip {
                    l.append("=> skipped: the check applies only when compound_info_has_mask() is true")
                } else {
                    let rem = d.vmemmap & (d.maxFolioVmemmapAlign &- 1)
                    l.append("IS_ALIGNED(\(hex(d.vmemmap)), \(hex(d.maxFolioVmemmapAlign))) = (\(hex(d.vmemmap)) & \(hex(d.maxFolioVmemmapAlign &- 1))) == 0: remainder \(hex(rem)) => \(rem == 0 ? "pass" : "FAIL")")
                    if rem != 0, let o = Checker.largestDecodableOrder(c, d) {
                        l.append("a tail decodes to its head iff pfn_to_page(0) is a multiple of 2^order * sizeof(struct page): folios up to order \(o) are safe, orders \(o + 1)..\(d.maxFolioOrder) are not")
                    }
                }
            } else {
                l.append("MAX_FOLIO_SIZE = PAGE_SIZE << MAX_FOLIO_ORDER = \(c.pageSize) << \(d.maxFolioOrder) = \(d.maxFolioSize) (\(Units.human(d.maxFolioSize)))")
                l.append("v2 demand = MAX_FOLIO_SIZE / sizeof(struct page) = \(d.maxFolioSize) / \(S) = \(d.v2Demand)\(d.v2DemandIsPowerOf2 ? "" : " (not a power of two: IS_ALIGNED's bit test is meaningless)")")
                let rem = d.vmemmap & (d.v2Demand &- 1)
                l.append("IS_ALIGNED(\(hex(d.vmemmap)), \(d.v2Demand)) = (\(hex(d.vmemmap)) & \(hex(d.v2Demand &- 1))) == 0: remainder \(hex(rem)) => \(rem == 0 ? "would not warn" : "would warn")")
                l.append("merged demand MAX_FOLIO_NR_PAGES * sizeof(struct page) = \(d.maxFolioNrPages * S); v2 = merged * PAGE_SIZE / sizeof(struct page)^2 = \(d.maxFolioNrPages * S) * \(c.pageSize) / \(S * S): equal iff PAGE_SIZE (\(c.pageSize)) == sizeof(struct page)^2 (\(S * S)) — \(c.pageSize == S * S ? "equal here" : "they differ here")")
            }
        case .sectionMapEncoding:
            let pss = (try? c.mirror.pfnSectionShift()).map(String.init) ?? "(refused by the C mirror)"
            let ffs = (try? CMirror.ffs(S)).map(String.init) ?? "(undefined for 0)"
            l.append("SECTION_MAP_LAST_BIT = 4 (PRESENT, HAS_MEM_MAP, ONLINE, EARLY) + ZONE_DEVICE \(c.zoneDevice ? 1 : 0) + SPARSEMEM_VMEMMAP_PREINIT \(c.vmemmapPreinit ? 1 : 0) = \(d.sectionMapLastBit)  [include/linux/mmzone.h]")
            l.append("PFN_SECTION_SHIFT = SECTION_SIZE_BITS - PAGE_SHIFT = \(c.sectionSizeBits) - \(c.pageShift) = \(pss)")
            l.append("2018 bound: SECTION_MAP_LAST_BIT \(d.sectionMapLastBit) <= PFN_SECTION_SHIFT \(d.bound2018): \(d.buildOK2018 ? "builds" : "BUILD_BUG_ON fires")")
            l.append("2026 bound: SECTION_MAP_LAST_BIT \(d.sectionMapLastBit) <= min(PFN_SECTION_SHIFT \(pss) + __ffs(\(S)) \(ffs), PAGE_SHIFT \(c.pageShift)) = \(d.bound2026): \(d.buildOK2026 ? "builds" : "BUILD_BUG_ON fires")")
            l.append("in force for kernel \(c.kernel.label): the \(c.kernel.encodeBoundIs2026 ? "2026" : "2018") bound")
            if c.sparsememVmemmap {
                let low = d.vmemmap & (d.sectionMapRequired - 1)
                l.append("run time: \(c.kernel.formulas.encodeSite) stores pfn_to_page(0) = \(hex(d.vmemmap)) (\(r.base.formula)); \(hex(d.vmemmap)) & (BIT(\(d.sectionMapLastBit)) - 1) = \(hex(low)) => \(low == 0 ? "flag bits clear" : "flag bits overlap")")
            } else {
                l.append("run time (classic SPARSEMEM): a page-aligned mem_map minus section_nr_to_pfn(pnum) * \(S) is guaranteed 2^\(d.bound2026) alignment => \(d.sectionMapLastBit <= d.bound2026 ? "flag bits clear" : "flag bits may overlap")")
            }
            l.append("=> \(Checker.encodingStatus(c, d) == .pass ? "pass" : "FAIL")")
        }
        return l
    }

    /// The full explanation of `rule` for a checked configuration.
    public static func text(_ rule: RuleID, _ r: CheckResult) -> String {
        var l = [about(rule), "", "Step by step:"]
        for s in steps(rule, r) { l.append("  \(s)") }
        if let f = r.findings.first(where: { $0.rule == rule.rawValue }) {
            l.append("Verdict: \(f.status.rawValue) — \(f.message)")
            if let fix = f.fix { l.append("Fix: \(fix)") }
        }
        return l.joined(separator: "\n")
    }
}

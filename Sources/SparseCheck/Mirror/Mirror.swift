internal import CSparse

/// A C status other than CS_OK, with the formula that returned it. Callers map it onto the
/// `InputError` their context names (a preset, a layout, an option).
struct MirrorError: Error, CustomStringConvertible, Equatable {
    /// The kernel formula (macro or function) whose C mirror refused, e.g. `pfn_to_section_nr`.
    let formula: String
    /// True for CS_EOVERFLOW (the result does not fit), false for CS_EDOMAIN (an input is out of range).
    let overflow: Bool

    var description: String { "\(formula): \(overflow ? "overflows" : "an input is out of its domain")" }
}

/// The one layer over the C mirror (csparse.h): the only Swift code that imports CSparse. Each
/// wrapper calls one C function, throws `MirrorError` naming the formula for any status other than
/// CS_OK (no status is dropped) and returns what C computed (Swift does not recompute it).
/// `CMirror` (named so, not `Mirror`, to leave Swift.Mirror unshadowed) holds the C configuration
/// (`cs_config`), built once from a `SparseConfig`.
struct CMirror {
    var cfg: cs_config

    init(_ c: SparseConfig) { cfg = c.c }

    @inline(__always)
    static func check(_ st: cs_status, _ formula: @autoclosure () -> String) throws {
        guard st == CS_OK else { throw MirrorError(formula: formula(), overflow: st == CS_EOVERFLOW) }
    }

    // MARK: Kconfig expressions (mm/Kconfig, fs/Kconfig)

    /// CONFIG_HAVE_GIGANTIC_FOLIOS (mm/Kconfig).
    static func haveGiganticFolios(hugetlbPage: Bool, archHasGiganticPage: Bool, zoneDevice: Bool, haveTHPPud: Bool) -> Bool {
        cs_kconfig_have_gigantic_folios(hugetlbPage, archHasGiganticPage, zoneDevice, haveTHPPud)
    }

    /// CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP (fs/Kconfig).
    static func hugetlbPageOptimizeVmemmap(hugetlbPage: Bool, archWantHVO: Bool, sparsememVmemmap: Bool) -> Bool {
        cs_kconfig_hugetlb_page_optimize_vmemmap(hugetlbPage, archWantHVO, sparsememVmemmap)
    }

    /// CONFIG_SPARSEMEM_VMEMMAP_PREINIT (fs/Kconfig).
    static func sparsememVmemmapPreinit(hvo: Bool, archWantVmemmapPreinit: Bool) -> Bool {
        cs_kconfig_sparsemem_vmemmap_preinit(hvo, archWantVmemmapPreinit)
    }

    // MARK: Bit arithmetic (include/linux/bitops.h, math.h)

    /// __ffs(word).
    static func ffs(_ word: UInt64) throws -> UInt32 {
        var o: UInt32 = 0
        try check(cs___ffs(word, &o), "__ffs")
        return o
    }

    /// round_down(x, y).
    static func roundDown(_ x: UInt64, _ y: UInt64) throws -> UInt64 {
        var o: UInt64 = 0
        try check(cs_round_down(x, y, &o), "round_down")
        return o
    }

    /// round_up(x, y) within BITS_PER_LONG.
    func roundUp(_ x: UInt64, _ y: UInt64) throws -> UInt64 {
        var c = cfg, o: UInt64 = 0
        try Self.check(cs_round_up(&c, x, y, &o), "round_up")
        return o
    }

    /// BIT(nr) within BITS_PER_LONG.
    func bit(_ nr: UInt32) throws -> UInt64 {
        var c = cfg, o: UInt64 = 0
        try Self.check(cs_bit(&c, nr, &o), "BIT")
        return o
    }

    /// a * b within BITS_PER_LONG.
    func mul(_ a: UInt64, _ b: UInt64, _ what: String) throws -> UInt64 {
        var c = cfg, o: UInt64 = 0
        try Self.check(cs_mul(&c, a, b, &o), what)
        return o
    }

    // MARK: include/linux/pfn.h, include/linux/mmzone.h, asm-generic/memory_model.h

    /// PHYS_PFN(phys).
    func physPFN(_ phys: UInt64) throws -> UInt64 {
        var c = cfg, o: UInt64 = 0
        try Self.check(cs_phys_pfn(&c, phys, &o), "PHYS_PFN")
        return o
    }

    /// PFN_UP(phys).
    func pfnUp(_ phys: UInt64) throws -> UInt64 {
        var c = cfg, o: UInt64 = 0
        try Self.check(cs_pfn_up(&c, phys, &o), "PFN_UP")
        return o
    }

    /// PFN_PHYS(pfn).
    func pfnPhys(_ pfn: UInt64) throws -> UInt64 {
        var c = cfg, o: UInt64 = 0
        try Self.check(cs_pfn_phys(&c, pfn, &o), "PFN_PHYS")
        return o
    }

    /// pfn_to_section_nr(pfn).
    func pfnToSectionNr(_ pfn: UInt64) throws -> UInt64 {
        var c = cfg, o: UInt64 = 0
        try Self.check(cs_pfn_to_section_nr(&c, pfn, &o), "pfn_to_section_nr")
        return o
    }

    /// section_nr_to_pfn(section).
    func sectionNrToPFN(_ section: UInt64) throws -> UInt64 {
        var c = cfg, o: UInt64 = 0
        try Self.check(cs_section_nr_to_pfn(&c, section, &o), "section_nr_to_pfn")
        return o
    }

    /// pfn_to_page(pfn) for a vmemmap at `base`.
    func pfnToPage(base: UInt64, _ pfn: UInt64) throws -> UInt64 {
        var c = cfg, o: UInt64 = 0
        try Self.check(cs_pfn_to_page(&c, base, pfn, &o), "pfn_to_page")
        return o
    }

    /// PFN_SECTION_SHIFT.
    func pfnSectionShift() throws -> UInt32 {
        var c = cfg, o: UInt32 = 0
        try Self.check(cs_pfn_section_shift(&c, &o), "PFN_SECTION_SHIFT")
        return o
    }

    /// PAGES_PER_SECTION.
    func pagesPerSection() throws -> UInt64 {
        var c = cfg, o: UInt64 = 0
        try Self.check(cs_pages_per_section(&c, &o), "PAGES_PER_SECTION")
        return o
    }

    /// PAGES_PER_SECTION * sizeof(struct page).
    func memmapBytesPerSection() throws -> UInt64 {
        var c = cfg, o: UInt64 = 0
        try Self.check(cs_memmap_bytes_per_section(&c, &o), "memmap bytes per section")
        return o
    }

    /// The unit the vmemmap is populated in (PMD_SIZE when it maps PMDs, else PAGE_SIZE).
    func vmemmapBackingUnit(mapsPMD: Bool) throws -> UInt64 {
        var c = cfg, o: UInt64 = 0
        try Self.check(cs_vmemmap_backing_unit(&c, mapsPMD, &o), "vmemmap backing unit")
        return o
    }

    /// The section numbers `presets` shows (include/linux/mmzone.h, mm/hugetlb_vmemmap.c).
    struct SectionNumbers: Equatable {
        var pfnSectionShift: UInt32 = 0
        var pagesPerSection: UInt64 = 0
        var sectionsShift: UInt32 = 0
        var nrMemSections: UInt64 = 0
        var sectionsPerRoot: UInt64 = 0
        var nrSectionRoots: UInt64 = 0
        var memmapBytesPerSection: UInt64 = 0
        var sectionMapSize: UInt64 = 0
        /// VMEMMAP_TAIL_MIN_ORDER and NR_VMEMMAP_TAILS; nil where the configuration has none
        /// (cs_vmemmap_tail_min_order() refuses it).
        var tails: (minOrder: UInt32, count: UInt32)? = nil

        static func == (a: Self, b: Self) -> Bool {
            a.pfnSectionShift == b.pfnSectionShift && a.pagesPerSection == b.pagesPerSection
                && a.sectionsShift == b.sectionsShift && a.nrMemSections == b.nrMemSections
                && a.sectionsPerRoot == b.sectionsPerRoot && a.nrSectionRoots == b.nrSectionRoots
                && a.memmapBytesPerSection == b.memmapBytesPerSection && a.sectionMapSize == b.sectionMapSize
                && a.tails?.minOrder == b.tails?.minOrder && a.tails?.count == b.tails?.count
        }
    }

    func sectionNumbers() throws -> SectionNumbers {
        var c = cfg, n = SectionNumbers()
        try Self.check(cs_pfn_section_shift(&c, &n.pfnSectionShift), "PFN_SECTION_SHIFT")
        try Self.check(cs_pages_per_section(&c, &n.pagesPerSection), "PAGES_PER_SECTION")
        try Self.check(cs_sections_shift(&c, &n.sectionsShift), "SECTIONS_SHIFT")
        try Self.check(cs_nr_mem_sections(&c, &n.nrMemSections), "NR_MEM_SECTIONS")
        try Self.check(cs_sections_per_root(&c, &n.sectionsPerRoot), "SECTIONS_PER_ROOT")
        try Self.check(cs_nr_section_roots(&c, &n.nrSectionRoots), "NR_SECTION_ROOTS")
        try Self.check(cs_memmap_bytes_per_section(&c, &n.memmapBytesPerSection), "memmap bytes per section")
        try Self.check(cs_section_map_size(&c, &n.sectionMapSize), "section_map_size")
        var minOrder: UInt32 = 0, count: UInt32 = 0
        if cs_vmemmap_tail_min_order(&c, &minOrder) == CS_OK {
            try Self.check(cs_nr_vmemmap_tails(&c, &count), "NR_VMEMMAP_TAILS")
            n.tails = (minOrder, count)
        }
        return n
    }

    // MARK: mm/sparse.c sparse_init() checks

    /// What cs_config_validate() refuses: the field and why.
    enum Field { case pageShift, sectionSizeBits, maxPhysmemBits, maxPageOrder, structPageSize, maxFolioOrder, pmdPudShift, memSectionSize, bitsPerLong }
    enum Reason { case belowPageShift, belowSubsection, other }

    /// Whether sparsemem can hold a physical address (cs_max_physmem_check: below 1 << MAX_PHYSMEM_BITS,
    /// after mm/sparse.c mminit_validate_memmodel_limits()).
    func holdsPhysical(_ phys: UInt64) -> Bool {
        var c = cfg
        return cs_max_physmem_check(&c, phys) == CS_OK
    }

    /// nil when the kernel would build this configuration and the arithmetic can represent it.
    func rejection() -> (field: Field, reason: Reason)? {
        var c = cfg
        var field = CS_FIELD_NONE
        var reason = CS_REASON_NONE
        guard cs_config_validate(&c, &field, &reason) != CS_OK else { return nil }
        let r: Reason = reason == CS_REASON_BELOW_PAGE_SHIFT ? .belowPageShift : reason == CS_REASON_BELOW_SUBSECTION ? .belowSubsection : .other
        switch field {
        case CS_FIELD_PAGE_SHIFT: return (.pageShift, r)
        case CS_FIELD_SECTION_SIZE_BITS: return (.sectionSizeBits, r)
        case CS_FIELD_MAX_PHYSMEM_BITS: return (.maxPhysmemBits, r)
        case CS_FIELD_MAX_PAGE_ORDER: return (.maxPageOrder, r)
        case CS_FIELD_STRUCT_PAGE_SIZE: return (.structPageSize, r)
        case CS_FIELD_MAX_FOLIO_ORDER: return (.maxFolioOrder, r)
        case CS_FIELD_PMD_SHIFT, CS_FIELD_PUD_SHIFT: return (.pmdPudShift, r)
        case CS_FIELD_MEM_SECTION_SIZE: return (.memSectionSize, r)
        default: return (.bitsPerLong, r)
        }
    }

    /// cs_sparse_init_checks(): every number the rules read, for a vmemmap at `base`.
    func sparseInitChecks(base: UInt64) throws -> CVerdict {
        var c = cfg
        var v = CVerdict()
        try Self.check(cs_sparse_init_checks(&c, base, &v.raw), "sparse_init() checks")
        return v
    }

    /// The configuration half of cs_sparse_init_checks() (once per sweep cell).
    func sparseInitConfig() throws -> CVerdict {
        var c = cfg
        var v = CVerdict()
        try Self.check(cs_sparse_init_config(&c, &v.raw), "sparse_init() checks")
        return v
    }

    /// The base half (cs_sparse_init_base()): the sweep's hot path, allocation-free; false when the base
    /// does not fit BITS_PER_LONG.
    @inline(__always)
    mutating func sparseInitBase(_ base: UInt64, _ v: inout CVerdict) -> Bool {
        cs_sparse_init_base(&cfg, base, &v.raw) == CS_OK
    }
}

/// The C verdict (cs_verdict) of sparse_init()'s checks, read through typed accessors.
struct CVerdict {
    var raw = cs_verdict()

    @inline(__always) var vmemmap: UInt64 { raw.vmemmap }
    @inline(__always) var actualAlignment: UInt64 { raw.actual_alignment }
    @inline(__always) var maxFolioOrder: UInt32 { raw.max_folio_order }
    @inline(__always) var maxFolioNrPages: UInt64 { raw.max_folio_nr_pages }
    @inline(__always) var maxFolioSize: UInt64 { raw.max_folio_size }
    @inline(__always) var maxFolioVmemmapAlign: UInt64 { raw.max_folio_vmemmap_align }
    @inline(__always) var v2Demand: UInt64 { raw.v2_demand }
    @inline(__always) var v2DemandIsPowerOf2: Bool { raw.v2_demand_pow2 }
    @inline(__always) var v2Aligned: Bool { raw.v2_aligned }
    @inline(__always) var hasMask: Bool { raw.has_mask }
    @inline(__always) var hasMaskV3V4: Bool { raw.has_mask_v3v4 }
    @inline(__always) var folioAligned: Bool { raw.folio_aligned }
    @inline(__always) var sectionMapLastBit: UInt32 { raw.section_map_last_bit }
    @inline(__always) var sectionMapRequired: UInt64 { raw.section_map_required }
    @inline(__always) var bound2018: UInt32 { raw.bound_2018 }
    @inline(__always) var bound2026: UInt32 { raw.bound_2026 }
    @inline(__always) var buildOK2018: Bool { raw.build_ok_2018 }
    @inline(__always) var buildOK2026: Bool { raw.build_ok_2026 }
    @inline(__always) var encodingOK: Bool { raw.encoding_ok }
}

extension SparseConfig {
    /// The C mirror over this configuration: builds its `cs_config` each time it is read, so a check
    /// reads it once (`Checker.check`) and hands the one `CMirror` to every step.
    var mirror: CMirror { CMirror(self) }

    /// CONFIG_HAVE_GIGANTIC_FOLIOS from its Kconfig expression.
    public var haveGiganticFolios: Bool {
        CMirror.haveGiganticFolios(hugetlbPage: hugetlbPage, archHasGiganticPage: archHasGiganticPage, zoneDevice: zoneDevice, haveTHPPud: haveTHPPud)
    }

    /// The C mirror's `cs_config` for this configuration, as an opaque `const cs_config *` for C code
    /// outside the library (the benchmarks' C-loop reference).
    public func withCConfig<R>(_ body: (UnsafeRawPointer) throws -> R) rethrows -> R {
        var cfg = c
        return try withUnsafePointer(to: &cfg) { try body(UnsafeRawPointer($0)) }
    }

    var c: cs_config {
        var cfg = cs_config()
        cfg.page_shift = pageShift
        cfg.section_size_bits = sectionSizeBits
        cfg.max_physmem_bits = maxPhysmemBits
        cfg.max_page_order = maxPageOrder
        cfg.bits_per_long = bitsPerLong
        cfg.pmd_shift = pmdShift
        cfg.pud_shift = pudShift
        cfg.mem_section_size = memSectionSize
        cfg.struct_page_size = structPageSize
        cfg.max_folio_order_override = maxFolioOrderOverride.map { Int32(clamping: $0) } ?? -1
        cfg.sparsemem_vmemmap = sparsememVmemmap
        cfg.hugetlb_page = hugetlbPage
        cfg.have_gigantic_folios = haveGiganticFolios
        cfg.hugetlb_page_optimize_vmemmap = hvo
        cfg.zone_device = zoneDevice
        cfg.sparsemem_vmemmap_preinit = vmemmapPreinit
        cfg.sparsemem_extreme = sparsememExtreme
        return cfg
    }
}

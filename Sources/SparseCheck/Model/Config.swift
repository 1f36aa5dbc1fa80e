/// The architectures with SPARSEMEM that the tool models.
public enum Arch: String, CaseIterable, Sendable {
    case x86_64, arm64, riscv64, loongarch64, powerpc64, s390x
}

/// How an architecture places pfn_to_page(0). Each case carries the inputs of its kernel formula.
public enum BaseLayout: Equatable, Sendable {
    /// x86_64: vmemmap_base = __VMEMMAP_BASE_L4 or __VMEMMAP_BASE_L5 (PUD-aligned slot under KASLR).
    case x86_64(la57: Bool)
    /// arm64: VMEMMAP_START - (memstart_addr >> PAGE_SHIFT); memstart_addr is the DRAM start rounded
    /// down to ARM64_MEMSTART_ALIGN = 1 << max(memstartShift, SECTION_SIZE_BITS).
    /// `vaBitsActual` is the VA size the kernel runs with (vabits_actual): VA_BITS, or VA_BITS_MIN when a
    /// 52-bit kernel falls back (arm64_memblock_init() then moves memstart_addr, arch/arm64/mm/init.c:244).
    case arm64(vaBits: UInt32, vaBitsMin: UInt32, memstartShift: UInt32, vaBitsActual: UInt32)
    /// riscv64: VMEMMAP_START - vmemmap_start_pfn, from PAGE_OFFSET and VA_BITS of the paging mode.
    case riscv64(vaBits: UInt32, pageOffset: UInt64)
    /// LoongArch: a slot just above VMALLOC_END.
    case loongarch64(levels: UInt32, cpuVABits: UInt32, cpuPABits: UInt32, kfenceAreaSize: UInt64)
    /// powerpc64 book3s: vmemmap = KERN_VIRT_START + 2 * KERN_MAP_SIZE (after vmalloc and IO).
    case powerpc64(kernVirtStart: UInt64, kernMapSize: UInt64)
    /// s390x: round_down(__abs_lowcore - pages * sizeof(struct page), rte_size), with __abs_lowcore from
    /// setup_kernel_memory_layout() (arch/s390/boot/startup.c): CONFIG_KERNEL_IMAGE_BASE, CONFIG_NR_CPUS and
    /// the memory size (ident_map_size).
    case s390x(identMapSize: UInt64, kernelImageBase: UInt64, nrCPUs: UInt64)
}

/// One configuration to check: every kernel compile-time input, plus what places the vmemmap.
public struct SparseConfig: Equatable, Sendable {
    public var preset: String
    public var arch: Arch
    /// The kernel release whose formulas apply (FormulaTable), as seen.
    public var kernel: KernelTarget = .newest
    /// The paging mode the layout describes (nil where the architecture has one: LoongArch, s390x).
    public var pagingMode: PagingMode?
    /// Every paging mode this configuration allows (a preset: its own; a .config: what it builds).
    public var allowedModes: [PagingMode] = []
    /// True once a mode was chosen (preset, --paging-mode, a host's running mode, a check per mode).
    public var modePinned = false
    public var pageShift: UInt32
    public var sectionSizeBits: UInt32
    public var maxPhysmemBits: UInt32
    public var structPageSize: UInt64 = 64
    public var maxPageOrder: UInt32
    public var bitsPerLong: UInt32 = 64
    public var pmdShift: UInt32
    public var pudShift: UInt32
    /// sizeof(struct mem_section): 16, or 32 with CONFIG_PAGE_EXTENSION.
    public var memSectionSize: UInt32 = 16
    /// A what-if MAX_FOLIO_ORDER replacing the kernel's derivation.
    public var maxFolioOrderOverride: UInt32?
    public var sparsememVmemmap = true
    public var sparsememExtreme = true
    public var hugetlbPage = true
    public var archHasGiganticPage: Bool
    public var haveTHPPud: Bool
    /// ARCH_WANT_OPTIMIZE_HUGETLB_VMEMMAP.
    public var archWantHVO: Bool
    /// CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP as set (derived from the Kconfig unless overridden).
    public var hvo: Bool
    public var zoneDevice = true
    public var vmemmapPreinit = false
    /// ARCH_WANT_HUGETLB_VMEMMAP_PREINIT (x86_64 since 6.14): HVO then selects SPARSEMEM_VMEMMAP_PREINIT.
    public var archWantVmemmapPreinit = false
    /// Physical start of DRAM, where the base depends on it (arm64, riscv64).
    public var dramBase: UInt64?
    /// An explicit pfn_to_page(0) replacing the architecture's formula.
    public var vmemmapBaseOverride: UInt64?
    public var layout: BaseLayout
    /// The vmemmap base is randomised at boot (x86_64 CONFIG_RANDOMIZE_MEMORY, arm64 CONFIG_RANDOMIZE_BASE
    /// linear-map randomisation): the rules judge the alignment every possible base is guaranteed.
    public var kaslr = false
    /// The kernel .config this configuration was read from, and the line of each CONFIG_ symbol used.
    public var kconfigPath: String?
    public var kconfigLines: [String: Int] = [:]
    /// Where each value read from a .config came from (`page size 16 KiB <- CONFIG_PAGE_SHIFT=14 (line 312)`).
    public var derivedFrom: [String] = []
    /// Inputs that were assumed rather than given (shown in reports).
    public var assumed: [String] = []
    /// Notes about what-if choices (e.g. HVO forced on an architecture that does not select it).
    public var notes: [String] = []

    public var pageSize: UInt64 { UInt64(1) << UInt64(min(pageShift, 63)) }
}

/// The numbers every rule needs, computed once by the C mirror (cs_sparse_init_checks()).
public struct Derived: Equatable, Sendable {
    public var vmemmap: UInt64
    public var baseFormula: String
    public var actualAlignment: UInt64
    public var maxFolioOrder: UInt32
    public var maxFolioNrPages: UInt64
    public var maxFolioSize: UInt64
    public var maxFolioVmemmapAlign: UInt64
    public var v2Demand: UInt64
    public var v2DemandIsPowerOf2: Bool
    public var v2Aligned: Bool
    public var hasMask: Bool
    public var hasMaskV3V4: Bool
    public var folioAligned: Bool
    public var sectionMapLastBit: UInt32
    public var sectionMapRequired: UInt64
    public var bound2018: UInt32
    public var bound2026: UInt32
    public var buildOK2018: Bool
    public var buildOK2026: Bool
    public var encodingOK: Bool
}

extension SparseConfig {
    /// A short label for a configuration: the values that tell sweep combinations apart.
    public var label: String {
        var parts = ["kernel \(kernel.label)"] + (pagingMode.map { [$0.rawValue] } ?? []) + ["\(Units.human(pageSize)) pages", "section 2^\(sectionSizeBits)",
                     "struct page \(structPageSize)", "HVO \(hvo ? "on" : "off")"]
        if let o = maxFolioOrderOverride { parts.append("MAX_FOLIO_ORDER \(o)") }
        if let v = vmemmapBaseOverride {
            parts.append("vmemmap \(hex(v))")
        } else if baseDependsOnDRAM, let d = dramBase {
            parts.append("DRAM \(hex(d))")
        }
        if kaslr { parts.append("KASLR") }
        return "\(preset) [\(parts.joined(separator: ", "))]"
    }
}

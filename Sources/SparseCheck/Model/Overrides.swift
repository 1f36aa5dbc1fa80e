/// The values a user can set on top of a preset. Strings come straight from the command line;
/// `parse` turns them into typed values or an `InputError` naming the option.
public struct Overrides: Equatable, Sendable {
    public var kernel: KernelTarget?
    public var pagingMode: PagingMode?
    public var pageShift: UInt32?
    public var sectionBits: UInt32?
    public var physmemBits: UInt32?
    public var structPageSize: UInt64?
    public var maxPageOrder: UInt32?
    public var maxFolioOrder: UInt32?
    public var vmemmapBase: UInt64?
    public var dramBase: UInt64?
    public var hvo: Bool?
    public var vmemmap: Bool?
    public var zoneDevice: Bool?
    /// Judge the base as randomised at boot (x86_64 RANDOMIZE_MEMORY, arm64 RANDOMIZE_BASE).
    public var kaslr: Bool?

    public init() {}

    /// The textual form of the overrides as typed on a command line.
    public struct Text: Sendable {
        public var kernel: String?
        public var pagingMode: String?
        public var pageSize: String?
        public var sectionBits: String?
        public var physmemBits: String?
        public var structPageSize: String?
        public var maxPageOrder: String?
        public var maxFolioOrder: String?
        public var vmemmapBase: String?
        public var dramBase: String?
        public var hvo: Bool?
        public var vmemmap: Bool?
        public var zoneDevice: Bool?
        public var kaslr: Bool?
        public init() {}
    }

    public static func parse(_ t: Text) throws -> Overrides {
        var o = Overrides()
        if let k = t.kernel { o.kernel = try KernelTarget.parse(k) }
        if let m = t.pagingMode {
            guard let v = PagingMode(rawValue: m.lowercased()) else {
                throw InputError("--paging-mode \(m)", expected: "a paging mode: \(PagingMode.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            o.pagingMode = v
        }
        if let s = t.pageSize { o.pageShift = try Units.parsePageSize(s) }
        if let s = t.sectionBits {
            o.sectionBits = UInt32(try Units.parseInt(s, option: "--section-bits", range: 0...63, what: "SECTION_SIZE_BITS"))
        }
        if let s = t.physmemBits {
            o.physmemBits = UInt32(try Units.parseInt(s, option: "--physmem-bits", range: 20...64, what: "MAX_PHYSMEM_BITS"))
        }
        if let s = t.structPageSize {
            let v = try Units.parseSize(s, option: "--struct-page-size")
            guard v >= 8, v <= 4096, v % 8 == 0 else {
                throw InputError("--struct-page-size \(s)", expected: "sizeof(struct page) in bytes, a multiple of 8 from 8 to 4096")
            }
            o.structPageSize = v
        }
        if let s = t.maxPageOrder {
            o.maxPageOrder = UInt32(try Units.parseInt(s, option: "--max-page-order", range: 0...63, what: "MAX_PAGE_ORDER"))
        }
        if let s = t.maxFolioOrder {
            o.maxFolioOrder = UInt32(try Units.parseInt(s, option: "--max-folio-order", range: 0...4096, what: "MAX_FOLIO_ORDER"))
        }
        if let s = t.vmemmapBase { o.vmemmapBase = try Units.parseAddress(s, option: "--vmemmap-base") }
        if let s = t.dramBase { o.dramBase = try Units.parseAddress(s, option: "--dram-base") }
        o.hvo = t.hvo
        o.vmemmap = t.vmemmap
        o.zoneDevice = t.zoneDevice
        o.kaslr = t.kaslr
        return o
    }
}

extension SparseConfig {
    /// Uses `v` as the DRAM start (`--dram-base`, a sweep's DRAM axis): the preset default is then no
    /// longer assumed, so the report stops saying it is.
    public mutating func useDRAMBase(_ v: UInt64) {
        dramBase = v
        assumed.removeAll { $0.hasPrefix(Self.dramAssumption) }
    }

    /// Uses `v` as pfn_to_page(0) (`--vmemmap-base`, a sweep's base axis): the DRAM start no longer
    /// places the base, so it is no longer an assumption of the report.
    public mutating func useVmemmapBase(_ v: UInt64) {
        vmemmapBaseOverride = v
        assumed.removeAll { a in Self.baseInputAssumptions.contains { a.hasPrefix($0) } }
    }

    /// The `assumed` entries that are inputs of the architecture's base formula only (the DRAM start,
    /// s390's __abs_lowcore inputs): no longer assumptions once pfn_to_page(0) is given.
    static let baseInputAssumptions = [dramAssumption, "no KASLR; memory below 4 TiB", "memory below 4 TiB and no vmalloc="]

    static let dramAssumption = "DRAM start"

    /// A preset's configuration with `overrides` applied: page-size-dependent defaults are re-derived
    /// first, then explicit values win, then CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP is re-derived unless set.
    public static func make(preset name: String?, overrides o: Overrides = Overrides()) throws -> SparseConfig {
        let preset: Preset
        if let name {
            guard let p = Preset.named(name) else {
                throw InputError("--preset \(name)", expected: "a preset name such as x86_64, arm64-4k-va48, riscv64-sv39 (memmap-check presets lists all \(Preset.all.count))")
            }
            preset = p
        } else {
            preset = Preset.hostDefault
        }
        let c = o.pageShift.map { preset.config(pageShift: $0) } ?? preset.config
        return try c.applying(o)
    }

    /// This configuration with `overrides` applied (all but the page size, which only a preset can
    /// re-derive): explicit values win, then CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP is re-derived unless set.
    public func applying(_ o: Overrides) throws -> SparseConfig {
        var c = self
        if let k = o.kernel {
            c.kernel = k
        }
        if let m = o.pagingMode { c = try c.withPagingMode(m) }
        if let v = o.sectionBits { c.sectionSizeBits = v }
        if let v = o.physmemBits { c.maxPhysmemBits = v }
        if let v = o.structPageSize { c.structPageSize = v }
        if let v = o.maxPageOrder { c.maxPageOrder = v }
        if let v = o.maxFolioOrder { c.maxFolioOrderOverride = v }
        if let v = o.vmemmapBase { c.useVmemmapBase(v) }
        if let v = o.dramBase {
            if c.baseDependsOnDRAM {
                c.useDRAMBase(v)
            } else {
                c.notes.append("--dram-base has no effect on \(c.arch.rawValue): its vmemmap base does not depend on the DRAM start")
            }
        }
        if let v = o.kaslr {
            if v && !c.baseCanBeRandomized {
                c.notes.append("--kaslr has no effect on \(c.arch.rawValue): its vmemmap base is not randomised")
            } else {
                c.kaslr = v
                if v, case .arm64 = c.layout, !c.kernel.formulas.arm64LinearMapRandomized {
                    c.notes.append("--kaslr has no effect on arm64 with kernel \(c.kernel.label): arm64_memblock_init() has no memstart_offset_seed (no linear-map randomisation), KASLR moves only the kernel image")
                }
            }
        }
        if let v = o.zoneDevice { c.zoneDevice = v }
        if let v = o.vmemmap { c.sparsememVmemmap = v }
        if let v = o.hvo {
            if v && !c.sparsememVmemmap {
                throw InputError("--hvo with --no-vmemmap", expected: "SPARSEMEM_VMEMMAP for HUGETLB_PAGE_OPTIMIZE_VMEMMAP (fs/Kconfig: depends on SPARSEMEM_VMEMMAP)")
            }
            c.hvo = v
            c = c.withKconfigPreinit()
            if v && !c.archWantHVO {
                c.notes.append("--hvo: a what-if, \(c.arch.rawValue) does not select ARCH_WANT_OPTIMIZE_HUGETLB_VMEMMAP")
            }
        } else if c.kconfigPath == nil || o.vmemmap != nil {
            c = c.withKconfigHVO()
        }
        if c.baseDependsOnDRAM && c.vmemmapBaseOverride == nil && o.dramBase == nil, let d = c.dramBase,
           !c.assumed.contains(where: { $0.hasPrefix(Self.dramAssumption) }) {
            c.assumed.append("\(Self.dramAssumption) \(hex(d)) (\(c.kconfigPath == nil ? "preset default" : "not in a .config; preset default"); set with --dram-base)")
        }
        return c
    }
}

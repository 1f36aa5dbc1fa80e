/// The values a user can set on top of a preset, typed: the CLI parses each option's text with
/// `OptionParser` when it parses the command line (an `InputError` naming the option), so this is the
/// one form the options take on their way in.
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

    /// The same values as command-line words, from the table of option names (a sweep's reproduce
    /// command and its fingerprint).
    public var arguments: [String] {
        var w: [String] = []
        func add(_ o: OptionName, _ v: String?) { if let v { w += [o.flag, v] } }
        func flag(_ o: OptionName, _ v: Bool?) { if let v { w.append(v ? o.flag : o.negated) } }
        add(.kernel, kernel?.argument)
        add(.pagingMode, pagingMode?.rawValue)
        add(.pageSize, pageShift.map { $0 >= 10 ? "\(UInt64(1) << UInt64($0 - 10))K" : String(UInt64(1) << UInt64(min($0, 63))) })
        add(.sectionBits, sectionBits.map { String($0) })
        add(.structPageSize, structPageSize.map { String($0) })
        add(.maxFolioOrder, maxFolioOrder.map { String($0) })
        add(.vmemmapBase, vmemmapBase.map(hex))
        add(.dramBase, dramBase.map(hex))
        flag(.hvo, hvo)
        flag(.vmemmap, vmemmap)
        add(.physmemBits, physmemBits.map { String($0) })
        add(.maxPageOrder, maxPageOrder.map { String($0) })
        flag(.zoneDevice, zoneDevice)
        flag(.kaslr, kaslr)
        return w
    }
}

extension SparseConfig {
    /// Uses `v` as the DRAM start (`--dram-base`, a sweep's DRAM axis): the preset default is then no
    /// longer assumed, so the report stops saying it is.
    public mutating func useDRAMBase(_ v: UInt64) {
        dramBase = v
        assumed.removeAll { $0.isDRAMStart }
    }

    /// Uses `v` as pfn_to_page(0) (`--vmemmap-base`, a sweep's base axis): the DRAM start no longer
    /// places the base, so it is no longer an assumption of the report.
    public mutating func useVmemmapBase(_ v: UInt64) {
        vmemmapBaseOverride = v
        assumed.removeAll { $0.isBaseInput }
    }

    /// A preset's configuration with `overrides` applied: page-size-dependent defaults are re-derived
    /// first, then explicit values win, then CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP is re-derived unless set.
    public static func make(preset name: String?, overrides o: Overrides = Overrides()) throws -> SparseConfig {
        let preset: Preset
        if let name {
            guard let p = Preset.named(name) else {
                throw InputError("\(OptionName.preset.flag) \(name)", expected: "a preset name such as x86_64, arm64-4k-va48, riscv64-sv39 (memmap-check presets lists all \(Preset.all.count))")
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
                c.notes.append(.dramBaseNoEffect(c.arch))
            }
        }
        if let v = o.kaslr {
            if v && !c.baseCanBeRandomized {
                c.notes.append(.kaslrNoEffect(c.arch))
            } else {
                c.kaslr = v
                if v, case .arm64 = c.layout, !c.kernel.formulas.arm64LinearMapRandomized {
                    c.notes.append(.kaslrImageOnly(kernel: c.kernel.label))
                }
            }
        }
        if let v = o.zoneDevice { c.zoneDevice = v }
        if let v = o.vmemmap { c.sparsememVmemmap = v }
        if let v = o.hvo {
            if v && !c.sparsememVmemmap {
                throw InputError("\(OptionName.hvo.flag) with \(OptionName.vmemmap.negated)", expected: "SPARSEMEM_VMEMMAP for HUGETLB_PAGE_OPTIMIZE_VMEMMAP (fs/Kconfig: depends on SPARSEMEM_VMEMMAP)")
            }
            c.hvo = v
            c = c.withKconfigPreinit()
            if v && !c.archWantHVO {
                c.notes.append(.hvoWhatIf(c.arch))
            }
        } else if c.kconfigPath == nil || o.vmemmap != nil {
            c = c.withKconfigHVO()
        }
        if c.baseDependsOnDRAM && c.vmemmapBaseOverride == nil && o.dramBase == nil, let d = c.dramBase,
           !c.assumed.contains(where: \.isDRAMStart) {
            c.assumed.append(.dramStart(d, inKconfig: c.kconfigPath != nil))
        }
        return c
    }
}

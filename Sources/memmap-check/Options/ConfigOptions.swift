import ArgumentParser
import SparseCheck

/// The preset and override options shared by the subcommands that check configurations. Each value
/// is typed when the command line is parsed (`OptionParser`, one parser per kind of value; names from
/// `OptionName`); a bad value exits 2 with one line naming the option and what was expected.
struct ConfigOptions: ParsableArguments {
    @Option(name: .customLong(OptionName.preset.long), help: ArgumentHelp("Architecture preset (memmap-check presets lists them).", valueName: "name"), completion: Complete.presets)
    var preset: String?

    @Option(name: .customLong(OptionName.kernel.long), help: ArgumentHelp("Kernel release whose formulas apply (7.2, 7.2.13, 7.2.13+deb14-riscv64, 6.12), or 'proposed' (the newest formulas plus changes in no release). Default: the .config header's release, else the newest modelled.", valueName: "release"),
            completion: Complete.kernels, transform: OptionParser.kernel(.kernel))
    var kernel: KernelTarget?

    @Option(name: .customLong(OptionName.pagingMode.long), help: ArgumentHelp("Paging mode decided at boot: sv39, sv48, sv57, 4-level, 5-level, va36..va52, radix or hash (default: every mode the configuration allows).", valueName: "mode"),
            completion: Complete.pagingModes, transform: OptionParser.pagingMode(.pagingMode))
    var pagingMode: PagingMode?

    @Option(name: .customLong(OptionName.pageSize.long), help: ArgumentHelp("Page size: 4K, 16K, 64K or bytes (a power of two).", valueName: "size"),
            transform: OptionParser.pageShift(.pageSize))
    var pageShift: UInt32?

    @Option(name: .customLong(OptionName.sectionBits.long), help: ArgumentHelp("SECTION_SIZE_BITS.", valueName: "bits"),
            transform: OptionParser.sectionBits)
    var sectionBits: UInt32?

    @Option(name: .customLong(OptionName.structPageSize.long), help: ArgumentHelp("sizeof(struct page) in bytes.", valueName: "bytes"),
            transform: OptionParser.structPageSize(.structPageSize))
    var structPageSize: UInt64?

    @Option(name: .customLong(OptionName.maxFolioOrder.long), help: ArgumentHelp("What-if MAX_FOLIO_ORDER, replacing the kernel's derivation.", valueName: "order"),
            transform: OptionParser.maxFolioOrder)
    var maxFolioOrder: UInt32?

    @Option(name: .customLong(OptionName.vmemmapBase.long), help: ArgumentHelp("pfn_to_page(0), hex with or without 0x, replacing the architecture's formula.", valueName: "address"),
            transform: OptionParser.address(.vmemmapBase))
    var vmemmapBase: UInt64?

    @Option(name: .customLong(OptionName.dramBase.long), help: ArgumentHelp("Physical DRAM start (arm64, riscv64): hex with or without 0x, or a size like 2G.", valueName: "address"),
            transform: OptionParser.address(.dramBase))
    var dramBase: UInt64?

    @Flag(name: .customLong(OptionName.hvo.long), inversion: .prefixedNo, help: "CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP (default: as the architecture's Kconfig derives it).")
    var hvo: Bool?

    @Flag(name: .customLong(OptionName.vmemmap.long), inversion: .prefixedNo, help: "CONFIG_SPARSEMEM_VMEMMAP (default on).")
    var vmemmap: Bool?

    @OptionGroup var machine: MachineOptions

    /// The overrides these options set, already typed.
    var overrides: Overrides {
        var o = machine.overrides
        o.kernel = kernel
        o.pagingMode = pagingMode
        o.pageShift = pageShift
        o.sectionBits = sectionBits
        o.structPageSize = structPageSize
        o.maxFolioOrder = maxFolioOrder
        o.vmemmapBase = vmemmapBase
        o.dramBase = dramBase
        o.hvo = hvo
        o.vmemmap = vmemmap
        return o
    }

    /// The combinations no configuration can have, found without reading anything (for `validate()`).
    func validate(kconfig path: String?) throws {
        guard path != nil else { return }
        if let p = preset { throw InputError("\(OptionName.preset.flag) \(p) with \(OptionName.kconfig.flag)", expected: "either a preset or a .config, not both") }
        if let p = pageShift { throw InputError("\(OptionName.pageSize.flag) \(Units.human(UInt64(1) << UInt64(p))) with \(OptionName.kconfig.flag)", expected: "no \(OptionName.pageSize.flag): the .config fixes the page size") }
    }

    /// The configuration these options describe, built once per command: a preset with the overrides,
    /// or a kernel .config (read once) with the overrides on top, or "no rule applies". Throws
    /// `InputError` for bad input; the rules validate the configuration (`Checker.check`).
    func configuration(kconfig path: String?) throws -> KconfigOutcome {
        try validate(kconfig: path)
        guard let path else { return .config(try SparseConfig.make(preset: preset, overrides: overrides)) }
        switch try KconfigFile.load(path: path).derive() {
        case let .config(c): return .config(try c.applying(overrides))
        case let other: return other
        }
    }
}

/// The options that set one value for every configuration checked (shared by check, explain and sweep).
struct MachineOptions: ParsableArguments {
    @Option(name: .customLong(OptionName.physmemBits.long), help: ArgumentHelp("MAX_PHYSMEM_BITS.", valueName: "bits"),
            transform: OptionParser.physmemBits)
    var physmemBits: UInt32?

    @Option(name: .customLong(OptionName.maxPageOrder.long), help: ArgumentHelp("MAX_PAGE_ORDER (the largest buddy order).", valueName: "order"),
            transform: OptionParser.maxPageOrder)
    var maxPageOrder: UInt32?

    @Flag(name: .customLong(OptionName.zoneDevice.long), inversion: .prefixedNo, help: "CONFIG_ZONE_DEVICE (adds a section_mem_map flag bit; default: as configured).")
    var zoneDevice: Bool?

    @Flag(name: .customLong(OptionName.kaslr.long), inversion: .prefixedNo, help: "Judge the base as randomised at boot: x86_64 RANDOMIZE_MEMORY (PUD slots), arm64 RANDOMIZE_BASE (ARM64_MEMSTART_ALIGN steps) (default: off for presets, from the .config with --kconfig).")
    var kaslr: Bool?

    /// The overrides these options set.
    var overrides: Overrides {
        var o = Overrides()
        o.physmemBits = physmemBits
        o.maxPageOrder = maxPageOrder
        o.zoneDevice = zoneDevice
        o.kaslr = kaslr
        return o
    }
}

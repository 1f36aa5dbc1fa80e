import ArgumentParser
import SparseCheck

/// The preset and override options shared by the subcommands that check configurations.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Architecture preset (memmap-check presets lists them).", valueName: "name"))
    var preset: String?

    @Option(name: .long, help: ArgumentHelp("Kernel release whose formulas apply (7.2, 7.2.13, 7.2.13+deb14-riscv64, 6.12), or 'proposed' (the newest formulas plus changes in no release). Default: the .config header's release, else the newest modelled.", valueName: "release"))
    var kernel: String?

    @Option(name: .long, help: ArgumentHelp("Paging mode decided at boot: sv39, sv48, sv57, 4-level, 5-level, va36..va52, radix or hash (default: every mode the configuration allows).", valueName: "mode"))
    var pagingMode: String?

    @Option(name: .long, help: ArgumentHelp("Page size: 4K, 16K, 64K or bytes (a power of two).", valueName: "size"))
    var pageSize: String?

    @Option(name: .long, help: ArgumentHelp("SECTION_SIZE_BITS.", valueName: "bits"))
    var sectionBits: String?

    @Option(name: .long, help: ArgumentHelp("sizeof(struct page) in bytes.", valueName: "bytes"))
    var structPageSize: String?

    @Option(name: .long, help: ArgumentHelp("What-if MAX_FOLIO_ORDER, replacing the kernel's derivation.", valueName: "order"))
    var maxFolioOrder: String?

    @Option(name: .long, help: ArgumentHelp("pfn_to_page(0), hex with or without 0x, replacing the architecture's formula.", valueName: "address"))
    var vmemmapBase: String?

    @Option(name: .long, help: ArgumentHelp("Physical DRAM start (arm64, riscv64): hex with or without 0x, or a size like 2G.", valueName: "address"))
    var dramBase: String?

    @Flag(inversion: .prefixedNo, help: "CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP (default: as the architecture's Kconfig derives it).")
    var hvo: Bool?

    @Flag(inversion: .prefixedNo, help: "CONFIG_SPARSEMEM_VMEMMAP (default on).")
    var vmemmap: Bool?


    @OptionGroup var machine: MachineOptions

    var text: Overrides.Text {
        var t = machine.text
        t.kernel = kernel
        t.pagingMode = pagingMode
        t.pageSize = pageSize
        t.sectionBits = sectionBits
        t.structPageSize = structPageSize
        t.maxFolioOrder = maxFolioOrder
        t.vmemmapBase = vmemmapBase
        t.dramBase = dramBase
        t.hvo = hvo
        t.vmemmap = vmemmap
        return t
    }

    /// The configuration these options describe; throws `InputError` for bad input.
    func makeConfig() throws -> SparseConfig {
        let config = try SparseConfig.make(preset: preset, overrides: Overrides.parse(text))
        try config.validate()
        return config
    }

    /// The configuration of a kernel .config with these options on top (a page size or preset cannot be
    /// combined with a .config), or "no rule applies".
    func makeConfig(kconfig path: String) throws -> KconfigOutcome {
        if let p = preset { throw InputError("--preset \(p) with --kconfig", expected: "either a preset or a .config, not both") }
        if let p = pageSize { throw InputError("--page-size \(p) with --kconfig", expected: "no --page-size: the .config fixes the page size") }
        switch try KconfigFile.load(path: path).derive() {
        case let .config(c):
            let config = try c.applying(Overrides.parse(text))
            try config.validate()
            return .config(config)
        case let other:
            return other
        }
    }
}

/// The options that set one value for every configuration checked (shared by check, explain and sweep).
struct MachineOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("MAX_PHYSMEM_BITS.", valueName: "bits"))
    var physmemBits: String?

    @Option(name: .long, help: ArgumentHelp("MAX_PAGE_ORDER (the largest buddy order).", valueName: "order"))
    var maxPageOrder: String?

    @Flag(inversion: .prefixedNo, help: "CONFIG_ZONE_DEVICE (adds a section_mem_map flag bit; default: as configured).")
    var zoneDevice: Bool?

    @Flag(inversion: .prefixedNo, help: "Judge the base as randomised at boot: x86_64 RANDOMIZE_MEMORY (PUD slots), arm64 RANDOMIZE_BASE (ARM64_MEMSTART_ALIGN steps) (default: off for presets, from the .config with --kconfig).")
    var kaslr: Bool?

    var text: Overrides.Text {
        var t = Overrides.Text()
        t.physmemBits = physmemBits
        t.maxPageOrder = maxPageOrder
        t.zoneDevice = zoneDevice
        t.kaslr = kaslr
        return t
    }

    /// The same values as command-line words (for reproducing commands).
    var arguments: [String] {
        var words: [String] = []
        if let v = physmemBits { words += ["--physmem-bits", v] }
        if let v = maxPageOrder { words += ["--max-page-order", v] }
        if let v = zoneDevice { words.append(v ? "--zone-device" : "--no-zone-device") }
        if let v = kaslr { words.append(v ? "--kaslr" : "--no-kaslr") }
        return words
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// An input a report says was assumed rather than given (by a .config, a host or an option): one case
/// per assumption, its text written once (`description`), so code adds, finds and drops an assumption by
/// its case, never by the prefix of its text.
public enum Assumption: Equatable, Sendable, CustomStringConvertible {
    /// The DRAM start of the base formula (arm64, riscv64): the preset's default.
    case dramStart(UInt64, inKconfig: Bool)
    /// loongarch64 preset: the CPU's address widths and KFENCE.
    case loongarchCPU
    /// s390x preset: the inputs of __abs_lowcore.
    case s390PresetLayout
    /// s390x .config without CONFIG_KERNEL_IMAGE_BASE: the Kconfig default.
    case s390ImageBase(UInt64)
    /// s390x .config: the memory size and vmalloc= that __abs_lowcore depends on.
    case s390MemoryBelow4TiB
    /// A .config without a version header: ARCH_FORCE_MAX_ORDER read with its 6.4+ meaning.
    case forceMaxOrderMeaning
    /// host: the running release could not be read; the newest formulas apply.
    case releaseUnreadable(String)
    /// host: no BTF, sizeof(struct page) is the configuration's.
    case structPageSizeFromConfig
    /// host: the machine has no preset; the host default's is used.
    case noPresetForMachine(String?)
    /// host: the host's page size is unknown; the preset's is used.
    case pageSizeFromPreset
    /// host: the preset's values stand in for the kernel config (`reason`: why it was not used).
    case presetValues(preset: String, reason: String)
    /// host, x86_64: vmemmap_base taken without KASLR.
    case x86BaseWithoutKASLR
    /// host, arm64: a 52-bit kernel whose VA size in use nothing says.
    case arm64VAUnknown(va: UInt32, vaMin: UInt32)
    /// The check's release: `proposed` (the newest formulas plus changes in no release).
    case proposedFormulas
    /// The check's release: none given, the newest modelled one's formulas (`label`).
    case newestFormulas(label: String)
    /// The check's release could not be confirmed (`KernelTarget.caveat`).
    case kernelCaveat(String)
    /// One paging mode of several allowed, taken without being chosen.
    case pagingMode(PagingMode, allowed: [PagingMode])
    /// The randomised base judged at its guaranteed alignment (x86_64, arm64 with release `kernel`, s390x).
    case kaslrX86Slot
    case kaslrARM64Offset(kernel: String)
    case kaslrS390Placement

    /// True for the inputs of the architecture's base formula only (the DRAM start, s390's
    /// __abs_lowcore inputs): no longer assumptions once pfn_to_page(0) is given.
    public var isBaseInput: Bool {
        switch self {
        case .dramStart, .s390PresetLayout, .s390MemoryBelow4TiB: return true
        default: return false
        }
    }

    public var isDRAMStart: Bool {
        if case .dramStart = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case let .dramStart(d, inKconfig):
            return "DRAM start \(hex(d)) (\(inKconfig ? "not in a .config; preset default" : "preset default"); set with \(OptionName.dramBase.flag))"
        case .loongarchCPU:
            return "cpu_vabits = cpu_pabits = 48, KFENCE off"
        case .s390PresetLayout:
            return "no KASLR; memory below 4 TiB; CONFIG_KERNEL_IMAGE_BASE 0x3ffe0000000 and NR_CPUS 64 (Kconfig defaults); no vmalloc= on the command line"
        case let .s390ImageBase(base):
            return "CONFIG_KERNEL_IMAGE_BASE \(hex(base)) (the Kconfig default; absent from this .config)"
        case .s390MemoryBelow4TiB:
            return "memory below 4 TiB and no vmalloc= on the command line (s390 __abs_lowcore; the vmemmap base does not depend on the memory size below that)"
        case .forceMaxOrderMeaning:
            return "the 6.4+ meaning of ARCH_FORCE_MAX_ORDER (no '# Linux/... Kernel Configuration' header gives the version)"
        case let .releaseUnreadable(r):
            return "kernel \(KernelTarget.newest.label) formulas: the release '\(r)' could not be read"
        case .structPageSizeFromConfig:
            return "sizeof(struct page): the configuration's (no BTF at sys/kernel/btf/vmlinux)"
        case let .noPresetForMachine(machine):
            return "machine \(machine ?? "unknown") has no preset: using \(Preset.hostDefault.name)"
        case .pageSizeFromPreset:
            return "page size: the preset's (the host's is unknown)"
        case let .presetValues(preset, reason):
            return "\(preset) preset values for SECTION_SIZE_BITS, MAX_PHYSMEM_BITS, MAX_PAGE_ORDER and the Kconfig options (\(reason))"
        case .x86BaseWithoutKASLR:
            return "vmemmap_base without KASLR (the randomised base is only readable from kernel memory)"
        case let .arm64VAUnknown(va, vaMin):
            return "\(va)-bit VA in use: a \(va)-bit kernel falls back to \(vaMin) bits on a CPU without 52-bit VA, and neither the kernel log nor kernel memory says which"
        case .proposedFormulas:
            return "kernel proposed: the \(FormulaTable.newestRelease.seen) formulas plus \(FormulaTable.proposedChanges.count) change(s) in no release (the 2026 section map bound)"
        case let .newestFormulas(label):
            return "kernel \(label) formulas: no release given (the newest modelled; set with \(OptionName.kernel.flag))"
        case let .kernelCaveat(why):
            return why
        case let .pagingMode(m, allowed):
            return "paging mode \(m.rawValue) of the allowed \(allowed.map(\.rawValue).joined(separator: ", ")) (decided at boot: \(m.howChosen); check evaluates each, or set \(OptionName.pagingMode.flag))"
        case .kaslrX86Slot:
            return "the KASLR slot of vmemmap_base: judged at the alignment every slot is guaranteed (PUD, arch/x86/mm/kaslr.c)"
        case let .kaslrARM64Offset(kernel):
            return "the KASLR offset of memstart_addr: judged at the alignment every offset is guaranteed (ARM64_MEMSTART_ALIGN steps, arch/arm64/mm/init.c, kernel \(kernel))"
        case .kaslrS390Placement:
            return "the KASLR placement of the kernel image: judged at the alignment every placement is guaranteed (rte_size, arch/s390/boot/startup.c); the image's size and place cannot be known from a .config"
        }
    }
}

/// A note a report adds about a what-if choice or an input that did not apply: one case per note, its
/// text written once (`description`).
public enum Note: Equatable, Sendable, CustomStringConvertible {
    /// `--dram-base` on an architecture whose base does not depend on the DRAM start.
    case dramBaseNoEffect(Arch)
    /// `--kaslr` on an architecture whose base is not randomised.
    case kaslrNoEffect(Arch)
    /// `--kaslr` on arm64 with a release without linear-map randomisation (`kernel`: its label).
    case kaslrImageOnly(kernel: String)
    /// `--hvo` on an architecture that does not select ARCH_WANT_OPTIMIZE_HUGETLB_VMEMMAP.
    case hvoWhatIf(Arch)
    /// A page size other than 4 KiB on an architecture that has only 4 KiB pages.
    case onlyFourKPages(Arch, pageSize: UInt64)
    /// host: the host's page size differs from its kernel config's.
    case hostPageSizeDiffers(host: UInt64, path: String, config: UInt64)
    /// host: the running paging mode (`mode`, read from `source`) has no preset `preset`.
    case runningModeHasNoPreset(mode: String, source: String, preset: String)

    public var description: String {
        switch self {
        case let .dramBaseNoEffect(arch):
            return "\(OptionName.dramBase.flag) has no effect on \(arch.rawValue): its vmemmap base does not depend on the DRAM start"
        case let .kaslrNoEffect(arch):
            return "\(OptionName.kaslr.flag) has no effect on \(arch.rawValue): its vmemmap base is not randomised"
        case let .kaslrImageOnly(kernel):
            return "\(OptionName.kaslr.flag) has no effect on arm64 with kernel \(kernel): arm64_memblock_init() has no memstart_offset_seed (no linear-map randomisation), KASLR moves only the kernel image"
        case let .hvoWhatIf(arch):
            return "\(OptionName.hvo.flag): a what-if, \(arch.rawValue) does not select ARCH_WANT_OPTIMIZE_HUGETLB_VMEMMAP"
        case let .onlyFourKPages(arch, pageSize):
            return "\(arch.rawValue) has only 4 KiB pages: a what-if with \(Units.human(pageSize)) pages"
        case let .hostPageSizeDiffers(host, path, config):
            return "the host's page size (\(Units.human(host))) differs from \(path)'s (\(Units.human(config))): is the config the running kernel's?"
        case let .runningModeHasNoPreset(mode, source, preset):
            return "the running paging mode \(mode) (\(source)) has no preset \(preset): the configuration's mode is judged"
        }
    }
}

internal import CSparse

/// How a configuration's pfn_to_page(0) was obtained.
public struct VmemmapBase: Equatable, Sendable {
    public var value: UInt64
    /// The kernel expression with its inputs, e.g. `VMEMMAP_START 0x... - vmemmap_start_pfn 0x80000 * 64`.
    public var formula: String
    /// Under KASLR: the alignment every base the randomisation can produce is guaranteed (`value` is then
    /// the worst such base).
    public var guaranteedAlignment: UInt64? = nil
}

/// The numbers of an architecture's base formula, computed by the C mirror without building text
/// (the sweep's hot loop uses `value` only).
struct BaseParts {
    var value: UInt64 = 0
    /// The base the formula gives without randomisation.
    var nominal: UInt64 = 0
    var start: UInt64 = 0
    var align: UInt64 = 0
    var dram: UInt64 = 0
    var end: UInt64 = 0
    var lowcore: UInt64 = 0
    /// arm64: memstart_addr (the DRAM start rounded down by C); riscv64: vmemmap_start_pfn.
    var memstart: UInt64 = 0
    var startPFN: UInt64 = 0
    var kaslrAlign: UInt64? = nil
    var overridden = false
    /// arm64: the VA size a 52-bit kernel fell back to (arm64_memblock_init()).
    var vaFallback: UInt32? = nil
}

extension SparseConfig {
    /// pfn_to_page(0) from the architecture's formula (or the explicit override).
    public func vmemmapBase() throws -> VmemmapBase { try vmemmapBase(mirror) }

    /// pfn_to_page(0) over `m`, this configuration's mirror (built once per check).
    func vmemmapBase(_ m: CMirror) throws -> VmemmapBase {
        let p = try baseParts(m)
        if p.overridden {
            return VmemmapBase(value: p.value, formula: "given with \(OptionName.vmemmapBase.flag)")
        }
        var formula: String
        switch layout {
        case let .x86_64(la57):
            formula = "vmemmap_base = __VMEMMAP_BASE_\(la57 ? "L5" : "L4") \(hex(p.nominal))\(kaslr ? "" : " (no KASLR)")"
        case let .arm64(vaBits, _, _, actual):
            formula = "VMEMMAP_START \(hex(p.start)) - (memstart_addr \(hex(p.memstart)) >> \(pageShift)) * \(structPageSize); memstart_addr = round_down(DRAM \(hex(p.dram)), ARM64_MEMSTART_ALIGN \(Units.human(p.align)))"
            if vaBits == 52 && actual != 52 {
                formula += "; running with \(actual)-bit VA: memstart_addr -= _PAGE_OFFSET(\(actual)) - _PAGE_OFFSET(52) (arm64_memblock_init(), arch/arm64/mm/init.c:244), so the base moves up to \(hex(p.nominal))"
            }
        case .riscv64:
            formula = "VMEMMAP_START \(hex(p.start)) - vmemmap_start_pfn \(hex(p.startPFN)) * \(structPageSize); vmemmap_start_pfn = round_down(DRAM \(hex(p.dram)) & PMD_MASK, VMEMMAP_ADDR_ALIGN \(Units.human(p.align))) >> PAGE_SHIFT; \(kernel.formulas.riscvAlignText)"
        case .loongarch64:
            formula = "\(kernel.formulas.loongarchText), VMALLOC_END \(hex(p.end))"
        case let .powerpc64(start, size):
            formula = "VMEMMAP_START = KERN_VIRT_START \(hex(start)) + 2 * KERN_MAP_SIZE \(Units.human(size)) (vmalloc, IO, vmemmap)"
        case let .s390x(_, imageBase, cpus):
            formula = "round_down(__abs_lowcore \(hex(p.lowcore)) - SECTION_ALIGN_UP(__abs_lowcore / (PAGE_SIZE + \(structPageSize))) * \(structPageSize), rte_size \(Units.human(p.align))); __abs_lowcore without KASLR from CONFIG_KERNEL_IMAGE_BASE \(hex(imageBase)), MODULES_LEN 2 GiB, vmalloc_size \(Units.human(Self.s390VmallocDefault)) and NR_CPUS \(cpus) (setup_kernel_memory_layout(), arch/s390/boot/startup.c)"
        }
        if let g = p.kaslrAlign {
            switch layout {
            case .x86_64:
                formula += "; KASLR (CONFIG_RANDOMIZE_MEMORY): vmemmap_base is a random PUD-aligned slot (arch/x86/mm/kaslr.c), guaranteed \(Units.alignment(g)) alignment; judged at the worst such slot \(hex(p.value))"
            case .s390x:
                formula += "; KASLR (CONFIG_RANDOMIZE_BASE): the kernel image, and with it __abs_lowcore, moves (setup_kernel_memory_layout()); whatever the image's size and place, vmemmap_start is a multiple of rte_size: guaranteed \(Units.alignment(g)) alignment; judged at the worst such base \(hex(p.value))"
            default:
                formula += "; KASLR (CONFIG_RANDOMIZE_BASE): memstart_addr moves down in ARM64_MEMSTART_ALIGN steps (arm64_memblock_init()), so every base is guaranteed \(Units.alignment(g)) alignment; judged at the worst such base \(hex(p.value))"
            }
        }
        return VmemmapBase(value: p.value, formula: formula, guaranteedAlignment: p.kaslrAlign)
    }

    /// pfn_to_page(0) only.
    func vmemmapValue() throws -> UInt64 { try baseParts().value }

    /// The base formula's numbers, from the C mirror.
    func baseParts() throws -> BaseParts { try baseParts(mirror) }

    func baseParts(_ mirror: CMirror) throws -> BaseParts {
        var p = try baseInputs(mirror)
        if p.overridden { return p }
        var m = mirror
        if let failure = finishBase(&p, dram: dramBase ?? 0, &m) {
            try need(failure.overflow ? CS_EOVERFLOW : CS_EDOMAIN, failure.step)
        }
        return p
    }

    private func need(_ st: cs_status, _ what: StaticString) throws {
        guard st == CS_OK else {
            throw InputError("\(preset): \(what)", expected: "inputs for which the architecture's formula fits 64 bits (\(st == CS_EOVERFLOW ? "it overflows" : "an input is out of its domain"))")
        }
    }

    /// The parts of the base formula that do not depend on the DRAM start (a sweep computes them once
    /// per cell); `finishBase` adds the DRAM-dependent step.
    func baseInputs(_ m: CMirror) throws -> BaseParts {
        var p = BaseParts()
        if let v = vmemmapBaseOverride {
            p.value = v
            p.nominal = v
            p.overridden = true
            return p
        }
        var cfg = m.cfg
        switch layout {
        case let .x86_64(la57):
            p.nominal = cs_x86_vmemmap_base(la57)
            if baseRandomized {
                var g: UInt64 = 0
                try need(cs_x86_kaslr_vmemmap_align(&cfg, &g), "PUD_SIZE")
                p.kaslrAlign = g
            }
        case let .arm64(vaBits, vaBitsMin, memstartShift, actual):
            try need(cs_arm64_vmemmap_start(&cfg, vaBits, vaBitsMin, &p.start), "VMEMMAP_START")
            try need(cs_arm64_memstart_align(&cfg, memstartShift, &p.align), "ARM64_MEMSTART_ALIGN")
            p.vaFallback = vaBits == 52 && actual != 52 ? actual : nil
            if baseRandomized {
                var g: UInt64 = 0
                try need(cs_arm64_kaslr_vmemmap_align(&cfg, p.start, p.align, &g), "KASLR step")
                p.kaslrAlign = g
            }
        case let .riscv64(vaBits, pageOffset):
            try need(cs_riscv_vmemmap_start(&cfg, vaBits, pageOffset, &p.start), "VMEMMAP_START")
            try need(cs_riscv_vmemmap_addr_align(&cfg, kernel.formulas.riscvAlign.c, &p.align), "VMEMMAP_ADDR_ALIGN")
        case let .loongarch64(levels, vabits, pabits, kfence):
            try need(cs_loongarch_vmalloc_end(&cfg, levels, vabits, pabits, kfence, &p.end), "VMALLOC_END")
            try need(cs_loongarch_vmemmap(&cfg, kernel.formulas.loongarchVmemmap.c, p.end, &p.nominal), "vmemmap")
        case let .powerpc64(start, size):
            let (twice, o1) = size.multipliedReportingOverflow(by: 2)
            let (v, o2) = start.addingReportingOverflow(twice)
            try need(o1 || o2 ? CS_EOVERFLOW : CS_OK, "VMEMMAP_START")
            p.nominal = v
        case let .s390x(ident, imageBase, cpus):
            var input = cs_s390_layout_in(
                ident_map_size: ident, kernel_image_base: imageBase, kernel_image_size: 512 << 20,
                vmalloc_size: Self.s390VmallocDefault, vmalloc_size_set: false, modules_len: 1 << 31,
                nr_cpus: cpus, lowcore_size: 8192)
            try need(cs_s390_abs_lowcore_nokaslr(&cfg, &input, &p.lowcore, &p.align), "__abs_lowcore")
            try need(cs_s390_vmemmap_start(&cfg, p.lowcore, p.align, &p.nominal), "vmemmap_start")
            if baseRandomized { p.kaslrAlign = p.align }
        }
        p.value = p.nominal
        return p
    }

    /// The DRAM-dependent step (arm64, riscv64) and the worst KASLR base: allocation-free, the sweep's
    /// inner loop. `p` comes from `baseInputs(_:)`; returns nil, or the step that failed.
    @inline(__always)
    func finishBase(_ p: inout BaseParts, dram: UInt64, _ m: inout CMirror) -> BaseFailure? {
        BaseStep.finish(baseStep, &p, dram: dram, &m)
    }

    var baseStep: BaseStep {
        switch layout {
        case .arm64: return .arm64
        case .riscv64: return .riscv64
        default: return .none
        }
    }

    /// True when the architecture's base depends on the DRAM start.
    public var baseDependsOnDRAM: Bool {
        switch layout {
        case .arm64, .riscv64: return true
        default: return false
        }
    }

    /// True when the architecture's base can be randomised at boot (and `kaslr` means something).
    public var baseCanBeRandomized: Bool {
        switch layout {
        case .x86_64, .arm64, .s390x: return true
        default: return false
        }
    }

    /// True when the base is judged as randomised: `kaslr` on an architecture whose base the release
    /// randomises (x86_64 RANDOMIZE_MEMORY; arm64 RANDOMIZE_BASE only while the release has
    /// memstart_offset_seed; s390x RANDOMIZE_BASE moves the kernel image and __abs_lowcore).
    public var baseRandomized: Bool {
        guard kaslr else { return false }
        switch layout {
        case .x86_64, .s390x: return true
        case .arm64: return kernel.formulas.arm64LinearMapRandomized
        default: return false
        }
    }

    /// s390 VMALLOC_DEFAULT_SIZE = (512UL << 30) - MODULES_LEN (arch/s390/include/asm/pgtable.h:92).
    static let s390VmallocDefault: UInt64 = (512 << 30) - (1 << 31)
}

extension KernelFormulas.RiscvAlign {
    var c: cs_riscv_align_form {
        switch self {
        case .section: return CS_RISCV_ALIGN_SECTION
        case .maxFolioVmemmapAlign: return CS_RISCV_ALIGN_MFVA
        case .pfnPhys: return CS_RISCV_ALIGN_PFN_PHYS
        }
    }
}

extension KernelFormulas.LoongarchVmemmap {
    var c: cs_loongarch_vmemmap_form { self == .pmd ? CS_LOONGARCH_VMEMMAP_PMD : CS_LOONGARCH_VMEMMAP_ALIGN }
}

extension KernelFormulas.Mask {
    var c: cs_mask_form { self == .none ? CS_MASK_NONE : CS_MASK_MERGED }
}

/// A base step the C mirror refused: the step's name and whether it overflowed (else: out of domain).
struct BaseFailure {
    let step: StaticString
    let overflow: Bool

    @inline(__always)
    init(_ step: StaticString, _ st: cs_status) {
        self.step = step
        overflow = st == CS_EOVERFLOW
    }
}

/// The part of an architecture's base formula that depends on the DRAM start.
enum BaseStep {
    case none, arm64, riscv64

    /// Allocation-free (the sweep's hot path). Stores C's intermediate values (memstart_addr,
    /// vmemmap_start_pfn) in `p` for the formula text.
    @inline(__always)
    static func finish(_ step: BaseStep, _ p: inout BaseParts, dram: UInt64, _ m: inout CMirror) -> BaseFailure? {
        switch step {
        case .arm64:
            p.dram = dram
            let st = cs_arm64_vmemmap_parts(&m.cfg, p.start, dram, p.align, &p.memstart, &p.nominal)
            guard st == CS_OK else { return BaseFailure("vmemmap", st) }
            if let va = p.vaFallback {
                let st = cs_arm64_vmemmap_va_fallback(&m.cfg, va, p.nominal, &p.nominal)
                guard st == CS_OK else { return BaseFailure("52-bit VA fallback", st) }
            }
        case .riscv64:
            p.dram = dram
            let st = cs_riscv_vmemmap_parts(&m.cfg, p.start, dram, p.align, &p.startPFN, &p.nominal)
            guard st == CS_OK else { return BaseFailure("vmemmap", st) }
        case .none:
            break
        }
        p.value = p.nominal
        if let g = p.kaslrAlign, g != 0 {
            let st = cs_worst_aligned_base(p.nominal, g, &p.value)
            guard st == CS_OK else { return BaseFailure("worst KASLR base", st) }
        }
        return nil
    }
}

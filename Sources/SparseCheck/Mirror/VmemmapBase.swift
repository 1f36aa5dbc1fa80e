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
    var kaslrAlign: UInt64? = nil
    var overridden = false
}

extension SparseConfig {
    /// pfn_to_page(0) from the architecture's formula (or the explicit override).
    public func vmemmapBase() throws -> VmemmapBase {
        let p = try baseParts()
        if p.overridden {
            return VmemmapBase(value: p.value, formula: "given with --vmemmap-base")
        }
        var formula: String
        switch layout {
        case let .x86_64(la57):
            formula = "vmemmap_base = __VMEMMAP_BASE_\(la57 ? "L5" : "L4") \(hex(p.nominal))\(kaslr ? "" : " (no KASLR)")"
        case .arm64:
            let memstart = p.dram & ~(p.align - 1)
            formula = "VMEMMAP_START \(hex(p.start)) - (memstart_addr \(hex(memstart)) >> \(pageShift)) * \(structPageSize); memstart_addr = round_down(DRAM \(hex(p.dram)), ARM64_MEMSTART_ALIGN \(Units.human(p.align)))"
        case .riscv64:
            let pfn = (p.start - p.nominal) / structPageSize
            formula = "VMEMMAP_START \(hex(p.start)) - vmemmap_start_pfn \(hex(pfn)) * \(structPageSize); vmemmap_start_pfn = round_down(DRAM \(hex(p.dram)) & PMD_MASK, VMEMMAP_ADDR_ALIGN \(Units.human(p.align))) >> PAGE_SHIFT"
        case .loongarch64:
            let expr = kernel == .v6_18
                ? "(VMALLOC_END + PMD_SIZE) & PMD_MASK" : "ALIGN(VMALLOC_END, max(PMD_SIZE, MAX_FOLIO_VMEMMAP_ALIGN))"
            formula = "\(expr), VMALLOC_END \(hex(p.end))"
        case let .powerpc64(start, size):
            formula = "VMEMMAP_START = KERN_VIRT_START \(hex(start)) + 2 * KERN_MAP_SIZE \(Units.human(size)) (vmalloc, IO, vmemmap)"
        case let .s390x(_, rte, ident):
            formula = "round_down(__abs_lowcore \(hex(p.lowcore)) - SECTION_ALIGN_UP(ident_map_size \(Units.human(ident)) / PAGE_SIZE) * \(structPageSize), rte_size \(Units.human(rte)))"
        }
        if let g = p.kaslrAlign {
            switch layout {
            case .x86_64:
                formula += "; KASLR (CONFIG_RANDOMIZE_MEMORY): vmemmap_base is a random PUD-aligned slot (arch/x86/mm/kaslr.c), guaranteed \(Units.alignment(g)) alignment; judged at the worst such slot \(hex(p.value))"
            default:
                formula += "; KASLR (CONFIG_RANDOMIZE_BASE): memstart_addr moves down in ARM64_MEMSTART_ALIGN steps (arm64_memblock_init()), so every base is guaranteed \(Units.alignment(g)) alignment; judged at the worst such base \(hex(p.value))"
            }
        }
        return VmemmapBase(value: p.value, formula: formula, guaranteedAlignment: p.kaslrAlign)
    }

    /// pfn_to_page(0) only.
    func vmemmapValue() throws -> UInt64 { try baseParts().value }

    /// The base formula's numbers, from the C mirror.
    func baseParts() throws -> BaseParts {
        var p = try baseInputs()
        if p.overridden { return p }
        var cfg = c
        let (st, step) = finishBase(&p, dram: dramBase ?? 0, &cfg)
        try need(st, step)
        return p
    }

    private func need(_ st: cs_status, _ what: StaticString) throws {
        guard st == CS_OK else {
            throw InputError("\(preset): \(what)", expected: "inputs for which the architecture's formula fits 64 bits (\(st == CS_EOVERFLOW ? "it overflows" : "an input is out of its domain"))")
        }
    }

    /// The parts of the base formula that do not depend on the DRAM start (a sweep computes them once
    /// per cell); `finishBase` adds the DRAM-dependent step.
    func baseInputs() throws -> BaseParts {
        var p = BaseParts()
        if let v = vmemmapBaseOverride {
            p.value = v
            p.nominal = v
            p.overridden = true
            return p
        }
        var cfg = c
        switch layout {
        case let .x86_64(la57):
            p.nominal = cs_x86_vmemmap_base(la57)
            if kaslr {
                var g: UInt64 = 0
                try need(cs_x86_kaslr_vmemmap_align(&cfg, &g), "PUD_SIZE")
                p.kaslrAlign = g
            }
        case let .arm64(vaBits, vaBitsMin, memstartShift):
            try need(cs_arm64_vmemmap_start(&cfg, vaBits, vaBitsMin, &p.start), "VMEMMAP_START")
            try need(cs_arm64_memstart_align(&cfg, memstartShift, &p.align), "ARM64_MEMSTART_ALIGN")
            if kaslr {
                var g: UInt64 = 0
                try need(cs_arm64_kaslr_vmemmap_align(&cfg, p.start, p.align, &g), "KASLR step")
                p.kaslrAlign = g
            }
        case let .riscv64(vaBits, pageOffset):
            try need(cs_riscv_vmemmap_start(&cfg, vaBits, pageOffset, &p.start), "VMEMMAP_START")
            try need(cs_riscv_vmemmap_addr_align(&cfg, kernel.c, &p.align), "VMEMMAP_ADDR_ALIGN")
        case let .loongarch64(levels, vabits, pabits, kfence):
            try need(cs_loongarch_vmalloc_end(&cfg, levels, vabits, pabits, kfence, &p.end), "VMALLOC_END")
            try need(cs_loongarch_vmemmap(&cfg, kernel.c, p.end, &p.nominal), "vmemmap")
        case let .powerpc64(start, size):
            let (twice, o1) = size.multipliedReportingOverflow(by: 2)
            let (v, o2) = start.addingReportingOverflow(twice)
            try need(o1 || o2 ? CS_EOVERFLOW : CS_OK, "VMEMMAP_START")
            p.nominal = v
        case let .s390x(limit, rte, ident):
            p.lowcore = limit - 16 * 1024
            try need(cs_s390_vmemmap_start(&cfg, p.lowcore, ident, rte, &p.nominal), "vmemmap_start")
        }
        p.value = p.nominal
        return p
    }

    /// The DRAM-dependent step (arm64, riscv64) and the worst KASLR base: allocation-free, the sweep's
    /// inner loop. `p` comes from `baseInputs()`; on failure returns the status and the step's name.
    @inline(__always)
    func finishBase(_ p: inout BaseParts, dram: UInt64, _ cfg: inout cs_config) -> (cs_status, StaticString) {
        BaseStep.finish(baseStep, &p, dram: dram, &cfg)
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
        case .x86_64, .arm64: return true
        default: return false
        }
    }
}

/// The part of an architecture's base formula that depends on the DRAM start.
enum BaseStep {
    case none, arm64, riscv64

    @inline(__always)
    static func finish(_ step: BaseStep, _ p: inout BaseParts, dram: UInt64, _ cfg: inout cs_config) -> (cs_status, StaticString) {
        switch step {
        case .arm64:
            p.dram = dram
            let st = cs_arm64_vmemmap(&cfg, p.start, dram, p.align, &p.nominal)
            guard st == CS_OK else { return (st, "vmemmap") }
        case .riscv64:
            p.dram = dram
            let st = cs_riscv_vmemmap(&cfg, p.start, dram, p.align, &p.nominal)
            guard st == CS_OK else { return (st, "vmemmap") }
        case .none:
            break
        }
        p.value = p.nominal
        if let g = p.kaslrAlign, g != 0 {
            let st = cs_worst_aligned_base(p.nominal, g, &p.value)
            guard st == CS_OK else { return (st, "worst KASLR base") }
        }
        return (CS_OK, "")
    }
}

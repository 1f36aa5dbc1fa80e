internal import CSparse

/// How a configuration's pfn_to_page(0) was obtained.
public struct VmemmapBase: Equatable, Sendable {
    public var value: UInt64
    /// The kernel expression with its inputs, e.g. `VMEMMAP_START 0x... - vmemmap_start_pfn 0x80000 * 64`.
    public var formula: String
}

extension SparseConfig {
    /// pfn_to_page(0) from the architecture's formula (or the explicit override).
    public func vmemmapBase() throws -> VmemmapBase {
        if let v = vmemmapBaseOverride {
            return VmemmapBase(value: v, formula: "given with --vmemmap-base")
        }
        var cfg = c
        func need(_ st: cs_status, _ what: String) throws {
            guard st == CS_OK else {
                throw InputError("\(preset): \(what)", expected: "inputs for which the architecture's formula fits 64 bits (\(st == CS_EOVERFLOW ? "it overflows" : "an input is out of its domain"))")
            }
        }
        switch layout {
        case let .x86_64(la57):
            let v = cs_x86_vmemmap_base(la57)
            return VmemmapBase(value: v, formula: "vmemmap_base = __VMEMMAP_BASE_\(la57 ? "L5" : "L4") (no KASLR)")
        case let .arm64(vaBits, vaBitsMin, memstartShift):
            var start: UInt64 = 0, align: UInt64 = 0, v: UInt64 = 0
            try need(cs_arm64_vmemmap_start(&cfg, vaBits, vaBitsMin, &start), "VMEMMAP_START")
            try need(cs_arm64_memstart_align(&cfg, memstartShift, &align), "ARM64_MEMSTART_ALIGN")
            let dram = dramBase ?? 0
            try need(cs_arm64_vmemmap(&cfg, start, dram, align, &v), "vmemmap")
            let memstart = dram & ~(align - 1)
            return VmemmapBase(
                value: v,
                formula: "VMEMMAP_START \(hex(start)) - (memstart_addr \(hex(memstart)) >> \(pageShift)) * \(structPageSize); memstart_addr = round_down(DRAM \(hex(dram)), ARM64_MEMSTART_ALIGN \(Units.human(align)))")
        case let .riscv64(vaBits, pageOffset):
            var start: UInt64 = 0, align: UInt64 = 0, v: UInt64 = 0
            try need(cs_riscv_vmemmap_start(&cfg, vaBits, pageOffset, &start), "VMEMMAP_START")
            try need(cs_riscv_vmemmap_addr_align(&cfg, kernel.c, &align), "VMEMMAP_ADDR_ALIGN")
            let dram = dramBase ?? 0
            try need(cs_riscv_vmemmap(&cfg, start, dram, align, &v), "vmemmap")
            let pfn = (start - v) / structPageSize
            return VmemmapBase(
                value: v,
                formula: "VMEMMAP_START \(hex(start)) - vmemmap_start_pfn \(hex(pfn)) * \(structPageSize); vmemmap_start_pfn = round_down(DRAM \(hex(dram)) & PMD_MASK, VMEMMAP_ADDR_ALIGN \(Units.human(align))) >> PAGE_SHIFT")
        case let .loongarch64(levels, vabits, pabits, kfence):
            var end: UInt64 = 0, v: UInt64 = 0
            try need(cs_loongarch_vmalloc_end(&cfg, levels, vabits, pabits, kfence, &end), "VMALLOC_END")
            try need(cs_loongarch_vmemmap(&cfg, kernel.c, end, &v), "vmemmap")
            let expr = kernel == .v6_18
                ? "(VMALLOC_END + PMD_SIZE) & PMD_MASK" : "ALIGN(VMALLOC_END, max(PMD_SIZE, MAX_FOLIO_VMEMMAP_ALIGN))"
            return VmemmapBase(value: v, formula: "\(expr), VMALLOC_END \(hex(end))")
        case let .powerpc64(start, size):
            let (twice, o1) = size.multipliedReportingOverflow(by: 2)
            let (v, o2) = start.addingReportingOverflow(twice)
            try need(o1 || o2 ? CS_EOVERFLOW : CS_OK, "VMEMMAP_START")
            return VmemmapBase(value: v, formula: "VMEMMAP_START = KERN_VIRT_START \(hex(start)) + 2 * KERN_MAP_SIZE \(Units.human(size)) (vmalloc, IO, vmemmap)")
        case let .s390x(limit, rte, ident):
            var v: UInt64 = 0
            let lowcore = limit - 16 * 1024
            try need(cs_s390_vmemmap_start(&cfg, lowcore, ident, rte, &v), "vmemmap_start")
            return VmemmapBase(value: v, formula: "round_down(__abs_lowcore \(hex(lowcore)) - SECTION_ALIGN_UP(ident_map_size \(Units.human(ident)) / PAGE_SIZE) * \(structPageSize), rte_size \(Units.human(rte)))")
        }
    }

    /// True when the architecture's base depends on the DRAM start.
    public var baseDependsOnDRAM: Bool {
        switch layout {
        case .arm64, .riscv64: return true
        default: return false
        }
    }
}

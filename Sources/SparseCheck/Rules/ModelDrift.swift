#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// `model-drift`: the real pfn_to_page(0) read from kernel memory against what the formulas give for
/// this release and mode. Without randomisation the model promises the exact value; under KASLR it
/// promises an alignment, so drift is "the real base has less alignment than promised".
public enum ModelDrift {
    public static let summary = "The real pfn_to_page(0), read from the running kernel's memory (/proc/kcore through /proc/kallsyms: vmemmap_base, vmemmap_start_pfn, memstart_addr or vmemmap, and the first present sections' section_mem_map), must be what the model's formulas give for this kernel release and paging mode — exactly when the base is fixed, or with at least the promised alignment when KASLR randomises it. A difference means a formula moved in this release, or one of its inputs (DRAM start, paging mode, KASLR) was read wrongly: every verdict the tool derives from formulas for this kernel is then suspect."

    public static let mirrors = [
        "x86_64: vmemmap_base (arch/x86/mm/kaslr.c, arch/x86/include/asm/pgtable_64_types.h)",
        "riscv64: vmemmap = VMEMMAP_START - vmemmap_start_pfn (arch/riscv/include/asm/pgtable.h, arch/riscv/mm/init.c setup_bootmem())",
        "arm64: vmemmap = VMEMMAP_START - (memstart_addr >> PAGE_SHIFT) (arch/arm64/include/asm/pgtable.h, arch/arm64/mm/init.c arm64_memblock_init())",
        "powerpc64, s390x: the variable vmemmap (arch/powerpc/mm/pgtable_64.c, arch/s390/boot/startup.c)",
        "every SPARSEMEM_VMEMMAP architecture: section_mem_map = mem_map - section_nr_to_pfn(pnum) | flags (sparse_init_one_section(), mm/internal.h in 7.2; sparse_encode_mem_map(), mm/sparse.c before)",
    ]

    /// `explain model-drift`.
    public static func about() -> String {
        var l = ["model-drift (severity error): the observed pfn_to_page(0) must match the model for this release and mode", "", summary, "",
                 "Reported by `host` when it runs as root with /proc/kcore and readable /proc/kallsyms (or replays a capture that recorded them); an info `layout-source` finding says why the base could not be read otherwise.", "",
                 "Kernel code read:"]
        for m in mirrors { l.append("  - \(m)") }
        return l.joined(separator: "\n")
    }

    /// True when the observed base keeps the model's promise.
    static func agrees(_ observed: UInt64, _ model: CheckResult) -> Bool {
        if let g = model.base.guaranteedAlignment, g != 0 { return observed & (g - 1) == 0 }
        return observed == model.base.value
    }

    /// The configuration rules on the observed base; the modelled base is kept beside it.
    static func judgeObserved(_ o: ObservedBase, _ config: SparseConfig, _ model: CheckResult) throws -> CheckResult {
        var j = config
        j.vmemmapBaseOverride = o.pfnToPage0
        j.kaslr = false
        var r = try Checker.check(j)
        r.config = config
        let recorded = o.readFrom == "live" ? "" : ", recorded in \(o.readFrom)"
        r.base = VmemmapBase(value: o.pfnToPage0, formula: "observed in \(o.source) (\(o.via)\(recorded)); the model gives \(hex(model.base.value)) = \(model.base.formula)")
        r.derived.baseFormula = r.base.formula
        for i in r.findings.indices where r.findings[i].address != nil {
            r.findings[i].message = "observed: " + r.findings[i].message
            r.findings[i].detail("observed", .bool(true))
            r.findings[i].detail("modelled_address", .string(hex(model.base.value)))
            if let m = model.findings.first(where: { $0.rule == r.findings[i].rule }) {
                r.findings[i].detail("modelled_status", .string(m.status.rawValue))
            }
        }
        return r
    }

    /// A short name of the configuration's paging mode.
    static func modeName(_ c: SparseConfig) -> String {
        guard let m = c.pagingMode else { return "the only mode" }
        if c.arch == .arm64, let va = m.vaBits { return "\(va)-bit VA" }
        return m.rawValue
    }

    /// The model-drift finding (fail or pass) when a base was observed, or the info finding saying why not.
    static func findings(_ L: NodeLayout, _ c: SparseConfig, _ model: CheckResult, agrees: Bool?, whatIf: Bool) -> [Finding] {
        guard let o = L.observed, let agrees else {
            guard let why = L.observedProblem else { return [] }
            var f = Finding(rule: .layout(.layoutSource), status: .fail, severity: .info,
                            address: nil, required: nil, actualAlignment: nil, message: "")
            f.detail("nodes", .array([]))
            f.detail("source", .string("observed base"))
            f.detail("path", .string("/proc/kcore"))
            f.detail("problem", .string("unreadable"))
            f.message = "observed base: the real pfn_to_page(0) could not be read (\(why)); the modelled base is judged"
            return [f]
        }
        let release = L.running.release?.value ?? L.kernelRelease ?? "unknown"
        let mode = modeName(c)
        let g = model.base.guaranteedAlignment
        var f = Finding(rule: .layout(.modelDrift), status: agrees ? .pass : .fail, severity: .error,
                        address: o.pfnToPage0, required: g, actualAlignment: o.pfnToPage0 == 0 ? nil : UInt64(1) << UInt64(o.pfnToPage0.trailingZeroBitCount),
                        message: "")
        f.detail("nodes", .array([]))
        f.detail("observed", .string(hex(o.pfnToPage0)))
        f.detail("modelled", .string(hex(model.base.value)))
        f.detail("release", .string(release))
        f.detail("kernel_formulas", .string(c.kernel.label))
        f.detail("mode", .string(mode))
        let where_ = "\(o.source) (\(o.via))"
        let ctx = "release \(release) (kernel \(c.kernel.label) formulas), mode \(mode)"
        if agrees {
            f.message = g.map { "observed pfn_to_page(0) = \(hex(o.pfnToPage0)) in \(where_) has the \(Units.alignment($0)) alignment the model promises every randomised base for \(ctx)" }
                ?? "observed pfn_to_page(0) = \(hex(o.pfnToPage0)) in \(where_) equals the model's \(model.base.formula) for \(ctx)"
            return [f]
        }
        let inputs = explanations(L, c, model, o)
        f.detail("explained_by", .array(inputs.map { .string($0.input) }))
        if let g {
            f.message = "observed pfn_to_page(0) = \(hex(o.pfnToPage0)) in \(where_) is aligned only to \(Units.alignment(UInt64(1) << UInt64(o.pfnToPage0.trailingZeroBitCount))), less than the \(Units.alignment(g)) the model promises every randomised base for \(ctx) (the model's worst base \(hex(model.base.value)))"
        } else {
            f.message = "observed pfn_to_page(0) = \(hex(o.pfnToPage0)) in \(where_) but the model gives \(hex(model.base.value)) = \(model.base.formula) for \(ctx)"
        }
        f.message += "; " + inputs.map(\.text).joined(separator: "; ")
        if whatIf { f.message += " (a what-if option replaces the running kernel's inputs: compare without it)" }
        f.status = whatIf ? .skip : .fail
        if whatIf { f.reason = "what-if options replace the running kernel's inputs" }
        f.fix = "check the formula of \(c.arch.rawValue) in release \(release) against the kernel source (scripts/kernel-drift.sh), and the inputs the host gave (\(c.derivedFrom.filter { $0.hasPrefix("paging mode") || $0.hasPrefix("DRAM start") || $0.hasPrefix("KASLR") }.joined(separator: "; ")))"
        return [f]
    }

    /// Which input could explain a difference: each alternative the model can evaluate, and the value it gives.
    static func explanations(_ L: NodeLayout, _ c: SparseConfig, _ model: CheckResult, _ o: ObservedBase) -> [(input: String, text: String)] {
        var out: [(String, String)] = []
        func value(_ a: SparseConfig) -> UInt64? { try? a.vmemmapBase().value }
        // Paging mode: another mode's formula.
        for p in Preset.all where p.arch == c.arch {
            var a = c
            let pc = p.config(pageShift: c.pageShift)
            guard pc.layout != c.layout else { continue }
            a.layout = pc.layout
            a.kaslr = false
            if c.arch == .x86_64 { a.maxPhysmemBits = pc.maxPhysmemBits }
            if value(a) == o.pfnToPage0 {
                out.append(("mode", "the paging mode: preset \(p.name)'s formula gives exactly the observed value (the model judged \(modeName(c))\(L.running.mode.map { " from \($0.source)" } ?? ", no running mode was read"))"))
            }
        }
        // DRAM start.
        if c.baseDependsOnDRAM {
            var candidates: [(UInt64, String)] = [(0, "DRAM at 0")]
            if let v = o.symbol("phys_ram_base") { candidates.append((v, "phys_ram_base \(hex(v))")) }
            if let v = o.symbol("memstart_addr"), Int64(bitPattern: v) >= 0 { candidates.append((v, "memstart_addr \(hex(v))")) }
            for (d, what) in candidates where d != c.dramBase {
                var a = c
                a.dramBase = d
                a.kaslr = false
                if value(a) == o.pfnToPage0 {
                    out.append(("dram_start", "the DRAM start: with \(what) the formula gives the observed value (the model used \(c.dramBase.map(hex) ?? "none")\(L.running.dramStart.map { " from \($0.source)" } ?? ", a preset default"))"))
                }
            }
            if let pfn = o.symbol("vmemmap_start_pfn"), let p = try? c.baseParts(), c.structPageSize > 0 {
                let mine = (p.start &- p.nominal) / c.structPageSize
                if pfn != mine {
                    out.append(("release", "the kernel's vmemmap_start_pfn is \(hex(pfn)) (DRAM start rounded to \(hex(pfn &* c.pageSize))), the model's \(hex(mine)): VMEMMAP_ADDR_ALIGN differs in release \(L.running.release?.value ?? "?") from the kernel \(c.kernel.label) formulas"))
                }
            }
        }
        // KASLR.
        if let g = model.base.guaranteedAlignment {
            out.append(("kaslr", "KASLR: the randomisation placed the base in steps smaller than the \(Units.alignment(g)) the model assumes"))
        } else if c.baseCanBeRandomized || c.arch == .s390x {
            out.append(("kaslr", "KASLR: the model takes the base as fixed (\(L.running.kaslr.map { "KASLR off <- \($0.source)" } ?? (c.kaslr ? "" : "KASLR off in the configuration"))); a randomised base differs by its random offset"))
        }
        if out.allSatisfy({ $0.0 != "mode" && $0.0 != "dram_start" }) {
            out.append(("release", "the formula: release \(L.running.release?.value ?? "?") may compute the base differently from the kernel \(c.kernel.label) formulas the model applied"))
        }
        return out
    }
}

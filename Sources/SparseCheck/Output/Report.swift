/// Renders check results for people (text) and machines (JSON, schema `memmap-check/3`).
public enum Report {
    public static let schema = "memmap-check/3"

    // MARK: JSON

    public static func json(_ c: SparseConfig, base: VmemmapBase?, derived: Derived?) -> JSON {
        var pairs: [(String, JSON)] = [
            ("preset", .string(c.preset)),
            ("arch", .string(c.arch.rawValue)),
            ("kernel", .string(c.kernel.label)),
            ("release_seen", c.kernel.releaseSeen.map { .string($0) } ?? .null),
            ("paging_mode", c.pagingMode.map { .string($0.rawValue) } ?? .null),
            ("paging_modes_allowed", .array(c.allowedModes.map { .string($0.rawValue) })),
            ("page_size", .uint(c.pageSize)),
            ("section_size_bits", .uint(UInt64(c.sectionSizeBits))),
            ("max_physmem_bits", .uint(UInt64(c.maxPhysmemBits))),
            ("struct_page_size", .uint(c.structPageSize)),
            ("max_page_order", .uint(UInt64(c.maxPageOrder))),
            ("max_folio_order", derived.map { .uint(UInt64($0.maxFolioOrder)) } ?? .null),
            ("max_folio_order_override", c.maxFolioOrderOverride.map { .uint(UInt64($0)) } ?? .null),
            ("sparsemem_vmemmap", .bool(c.sparsememVmemmap)),
            ("hugetlb_page", .bool(c.hugetlbPage)),
            ("have_gigantic_folios", .bool(c.haveGiganticFolios)),
            ("hvo", .bool(c.hvo)),
            ("zone_device", .bool(c.zoneDevice)),
            ("sparsemem_vmemmap_preinit", .bool(c.vmemmapPreinit)),
            ("dram_base", JSON.address(c.baseDependsOnDRAM ? c.dramBase : nil)),
            ("vmemmap_base", JSON.address(base?.value)),
            ("vmemmap_base_formula", base.map { .string($0.formula) } ?? .null),
        ]
        if let d = derived {
            pairs.append(("max_folio_vmemmap_align", .uint(d.maxFolioVmemmapAlign)))
        }
        if let k = c.kconfigPath {
            pairs.append(("kconfig", .string(k)))
            pairs.append(("kaslr", .bool(c.baseRandomized)))
            pairs.append(("derived_from", .array(c.derivedFrom.map { .string($0) })))
        } else if c.kaslr || c.baseRandomized || c.derivedFrom.contains(where: { $0.hasPrefix("KASLR") }) {
            // host: KASLR as the running kernel reported it; the base is randomised only where the
            // release randomises it (x86_64, s390x; arm64 before 7.2).
            pairs.append(("kaslr", .bool(c.baseRandomized)))
            pairs.append(("derived_from", .array(c.derivedFrom.map { .string($0) })))
        }
        pairs.append(("assumed", .array(c.assumed.map { .string($0.description) })))
        pairs.append(("notes", .array(c.notes.map { .string($0.description) })))
        return .object(pairs)
    }

    public static func json(_ f: Finding) -> JSON {
        var pairs: [(String, JSON)] = [
            ("rule", .string(f.rule.rawValue)),
            ("status", .string(f.status.rawValue)),
            ("severity", .string(f.severity.rawValue)),
            ("address", JSON.address(f.address)),
            ("required", JSON.size(f.required)),
            ("actual_alignment", JSON.size(f.actualAlignment)),
            ("message", .string(f.message)),
            ("fix", f.fix.map { .string($0) } ?? .null),
        ]
        if let r = f.reason { pairs.append(("reason", .string(r))) }
        for k in f.detailOrder { pairs.append((k, f.details[k]!)) }
        return .object(pairs)
    }

    /// One result: its configuration, findings and verdict. `status` is `fail` only when a rule fails
    /// at or above the policy's threshold (exit 1); rules failing below it are listed in `below_fail_on`.
    public static func json(_ r: CheckResult, policy: FailPolicy = .error) -> JSON {
        let verdict = policy.verdict(r)
        var pairs: [(String, JSON)] = [
            ("config", json(r.config, base: r.base, derived: r.derived)),
            ("findings", .array(r.findings.map(json))),
            ("status", .string(verdict.status)),
        ]
        if verdict == .belowThreshold {
            pairs.append(("below_fail_on", .array(belowThreshold(r, policy).map { .string($0) })))
        }
        return .object(pairs)
    }

    /// The rules that fail in `r` but below the policy's threshold.
    public static func belowThreshold(_ r: CheckResult, _ policy: FailPolicy) -> [String] {
        var seen = Set<String>()
        // Each rule once, in finding order (a host can raise one layout rule for many sections).
        return r.findings.filter { $0.status == .fail && !policy.counts($0) }.map(\.rule.rawValue).filter { seen.insert($0).inserted }
    }

    public static func document(_ results: [CheckResult], policy: FailPolicy = .error) -> JSON {
        let failed = results.filter { policy.verdict($0) == .fail }.count
        return .object([
            ("schema", .string(schema)),
            ("tool_version", .string(ToolVersion.current)),
            ("results", .array(results.map { json($0, policy: policy) })),
            ("summary", .object([
                ("configs", .uint(UInt64(results.count))),
                ("passed", .uint(UInt64(results.count - failed))),
                ("failed", .uint(UInt64(failed))),
                ("fail_on", .string(policy.description)),
            ])),
        ])
    }

    // MARK: Text

    /// The config in one line.
    public static func configLine(_ c: SparseConfig, base: VmemmapBase, derived d: Derived) -> String {
        let mode = c.pagingMode.map { ", \($0.rawValue)" } ?? ""
        var s = "\(c.preset) [kernel \(c.kernel.label)\(mode)]: \(Units.human(c.pageSize)) pages, section 2^\(c.sectionSizeBits), physmem 2^\(c.maxPhysmemBits), struct page \(c.structPageSize) B, MAX_PAGE_ORDER \(c.maxPageOrder), MAX_FOLIO_ORDER \(d.maxFolioOrder)\(c.maxFolioOrderOverride != nil ? " (override)" : ""), HVO \(c.hvo ? "on" : "off"), vmemmap \(c.sparsememVmemmap ? "on" : "off")"
        if c.sparsememVmemmap { s += ", pfn_to_page(0) \(hex(base.value))" }
        if c.baseDependsOnDRAM, c.vmemmapBaseOverride == nil, let dram = c.dramBase { s += " (DRAM \(hex(dram)))" }
        return s
    }

    /// Several paging modes of one configuration: each result, then which modes fail.
    public static func text(modes results: [CheckResult], policy: FailPolicy = .error, verbose: Bool = false) -> String {
        guard results.count > 1 else { return results.first.map { text($0, policy: policy, verbose: verbose) } ?? "" }
        // The .config derivation is the same for every mode: shown once, with the first.
        var parts = results.enumerated().map { i, r in text(r, policy: policy, verbose: verbose && i == 0) }
        let failing = results.filter { policy.verdict($0) == .fail }.compactMap { $0.config.pagingMode?.rawValue }
        let all = results.compactMap { r in r.config.pagingMode.map { "\($0.rawValue) \(hex(r.base.value))" } }
        parts.append("paging modes (decided at boot; each evaluated): \(all.joined(separator: ", ")); kernel \(results[0].config.kernel.label) formulas; result: \(failing.isEmpty ? "pass in every mode" : "FAIL in \(failing.joined(separator: ", "))")")
        return parts.joined(separator: "\n")
    }

    public static func text(_ r: CheckResult, policy: FailPolicy = .error, verbose: Bool = false) -> String {
        var lines = [configLine(r.config, base: r.base, derived: r.derived)]
        if verbose || r.config.sparsememVmemmap {
            lines.append("  base: \(r.base.formula)")
        }
        if let k = r.config.kconfigPath { lines.append("  kconfig: \(k)") }
        if verbose { for d in r.config.derivedFrom { lines.append("  from .config: \(d)") } }
        for a in r.config.assumed { lines.append("  assumed: \(a)") }
        for n in r.config.notes { lines.append("  note: \(n)") }
        for f in r.findings { lines += findingLines(f) }
        lines.append(verdictLine(policy.verdict(r), below: belowThreshold(r, policy), policy))
        return lines.joined(separator: "\n")
    }

    /// `result: FAIL`, `result: pass`, or `result: pass (R fails below --fail-on P, not counted)`: the
    /// word always agrees with the exit code.
    static func verdictLine(_ v: Verdict, below: [String], _ policy: FailPolicy) -> String {
        guard v == .belowThreshold else { return "result: \(v.word)" }
        let rules = below.joined(separator: ", ")
        return "result: pass (\(rules) \(below.count == 1 ? "fails" : "fail") below --fail-on \(policy), so not counted as failing)"
    }

    /// One finding as text: a tagged line, then its fix.
    static func findingLines(_ f: Finding) -> [String] {
        let tag: String
        switch f.status {
        case .pass: tag = "PASS"
        case .skip: tag = "SKIP"
        case .fail: tag = f.severity == .info ? "INFO" : (f.severity == .warning ? "WARN" : "FAIL")
        }
        var lines = ["  \(tag.padded(to: 5)) \(f.rule.rawValue.padded(to: 23)) \(f.message)"]
        if let fix = f.fix { lines.append("        fix: \(fix)") }
        return lines
    }
}

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

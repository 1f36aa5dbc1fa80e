/// Renders check results for people (text) and machines (JSON, schema `memmap-check/1`).
public enum Report {
    public static let schema = "memmap-check/1"

    // MARK: JSON

    public static func json(_ c: SparseConfig, base: VmemmapBase?, derived: Derived?) -> JSON {
        var pairs: [(String, JSON)] = [
            ("preset", .string(c.preset)),
            ("arch", .string(c.arch.rawValue)),
            ("kernel", .string(c.kernel.rawValue)),
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
            pairs.append(("kaslr", .bool(c.kaslr)))
            pairs.append(("derived_from", .array(c.derivedFrom.map { .string($0) })))
        } else if c.kaslr || c.derivedFrom.contains(where: { $0.hasPrefix("KASLR") }) {
            // host: KASLR as the running kernel reported it.
            pairs.append(("kaslr", .bool(c.kaslr)))
            pairs.append(("derived_from", .array(c.derivedFrom.map { .string($0) })))
        }
        pairs.append(("assumed", .array(c.assumed.map { .string($0) })))
        pairs.append(("notes", .array(c.notes.map { .string($0) })))
        return .object(pairs)
    }

    public static func json(_ f: Finding) -> JSON {
        var pairs: [(String, JSON)] = [
            ("rule", .string(f.rule)),
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

    public static func json(_ r: CheckResult, failOn: Severity = .error) -> JSON {
        .object([
            ("config", json(r.config, base: r.base, derived: r.derived)),
            ("findings", .array(r.findings.map(json))),
            ("status", .string(r.status(failOn: failOn).rawValue)),
        ])
    }

    public static func document(_ results: [CheckResult], failOn: Severity = .error) -> JSON {
        let failed = results.filter { $0.status(failOn: failOn) == .fail }.count
        return .object([
            ("schema", .string(schema)),
            ("results", .array(results.map { json($0, failOn: failOn) })),
            ("summary", .object([
                ("configs", .uint(UInt64(results.count))),
                ("passed", .uint(UInt64(results.count - failed))),
                ("failed", .uint(UInt64(failed))),
            ])),
        ])
    }

    // MARK: Text

    /// The config in one line.
    public static func configLine(_ c: SparseConfig, base: VmemmapBase, derived d: Derived) -> String {
        var s = "\(c.preset) [kernel \(c.kernel.rawValue)]: \(Units.human(c.pageSize)) pages, section 2^\(c.sectionSizeBits), physmem 2^\(c.maxPhysmemBits), struct page \(c.structPageSize) B, MAX_PAGE_ORDER \(c.maxPageOrder), MAX_FOLIO_ORDER \(d.maxFolioOrder)\(c.maxFolioOrderOverride != nil ? " (override)" : ""), HVO \(c.hvo ? "on" : "off"), vmemmap \(c.sparsememVmemmap ? "on" : "off")"
        if c.sparsememVmemmap { s += ", pfn_to_page(0) \(hex(base.value))" }
        if c.baseDependsOnDRAM, c.vmemmapBaseOverride == nil, let dram = c.dramBase { s += " (DRAM \(hex(dram)))" }
        return s
    }

    public static func text(_ r: CheckResult, failOn: Severity = .error, verbose: Bool = false) -> String {
        var lines = [configLine(r.config, base: r.base, derived: r.derived)]
        if verbose || r.config.sparsememVmemmap {
            lines.append("  base: \(r.base.formula)")
        }
        if let k = r.config.kconfigPath { lines.append("  kconfig: \(k)") }
        if verbose { for d in r.config.derivedFrom { lines.append("  from .config: \(d)") } }
        for a in r.config.assumed { lines.append("  assumed: \(a)") }
        for n in r.config.notes { lines.append("  note: \(n)") }
        for f in r.findings { lines += findingLines(f) }
        lines.append("result: \(r.status(failOn: failOn) == .fail ? "FAIL" : "pass")")
        return lines.joined(separator: "\n")
    }

    /// One finding as text: a tagged line, then its fix.
    static func findingLines(_ f: Finding) -> [String] {
        let tag: String
        switch f.status {
        case .pass: tag = "PASS"
        case .skip: tag = "SKIP"
        case .fail: tag = f.severity == .info ? "INFO" : (f.severity == .warning ? "WARN" : "FAIL")
        }
        var lines = ["  \(tag.padding(toLength: 5, withPad: " ", startingAt: 0)) \(f.rule.padding(toLength: 23, withPad: " ", startingAt: 0)) \(f.message)"]
        if let fix = f.fix { lines.append("        fix: \(fix)") }
        return lines
    }
}

import Foundation

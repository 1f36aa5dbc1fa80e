/// `--format prometheus`: the Prometheus text exposition format (version 0.0.4, what node_exporter's
/// textfile collector reads), one metric family per fact, each with one HELP and one TYPE line and its
/// samples together. Every family is a gauge named `memmap_check_…` in base units (bytes).
///
/// The rule status encoding (`memmap_check_rule_status`, `memmap_check_preview_rule_status`):
/// `1` the rule fails, `0` it passes, `-1` it was skipped (not applicable to this configuration). A
/// rule that produces several findings (a layout rule over several sections) reports the worst of them.
/// Addresses are labels, not sample values: a sample is a float64, which cannot hold every 64-bit
/// address exactly.
public final class PrometheusWriter: ReportWriter {
    let out: OutputStream
    var run = RunInfo(command: .host, policy: .error)
    var exposition = PromExposition()

    public init(out: OutputStream) { self.out = out }

    public func begin(_ run: RunInfo) { self.run = run }

    public func add(_ h: HostCheck) { exposition.add(h, policy: run.policy, host: nil) }

    public func add(_ result: CheckResult) { exposition.add(modes: [result], policy: run.policy) }

    public func add(modes results: [CheckResult]) { exposition.add(modes: results, policy: run.policy) }

    public func notApplicable(_ n: NotApplicable) {
        exposition.sample(.info, [("source", n.path), ("arch", n.arch), ("kernel_formulas", ""), ("paging_mode", ""),
                                  ("page_size", ""), ("version", ToolVersion.current)], 1)
        exposition.sample(.applicable, [("source", n.path)], 0)
    }

    public func end(_ summary: SweepReport?) {
        out.write(exposition.render())
        out.flush()
    }
}

/// Every metric family the tool exports, in the order they are written. All are gauges.
public enum PromFamily: String, CaseIterable, Sendable {
    case info = "memmap_check_info"
    case captureReadable = "memmap_check_capture_readable"
    case applicable = "memmap_check_applicable"
    case failing = "memmap_check_failing"
    case ruleStatus = "memmap_check_rule_status"
    case requiredAlignment = "memmap_check_required_alignment_bytes"
    case actualAlignment = "memmap_check_actual_alignment_bytes"
    case pfnToPage0 = "memmap_check_pfn_to_page0_info"
    case observedAvailable = "memmap_check_observed_base_available"
    case observedAgrees = "memmap_check_observed_agrees_with_model"
    case previewFailing = "memmap_check_preview_failing"
    case previewRuleStatus = "memmap_check_preview_rule_status"

    public var help: String {
        switch self {
        case .info:
            return "The host (or configuration) checked: running release, kernel release whose formulas were applied, architecture, paging mode, page size in bytes, KASLR, memmap-check version. Always 1."
        case .captureReadable:
            return "fleet: 1 when the capture could be read and judged, 0 when it could not (the run goes on)."
        case .applicable:
            return "0 when the architecture has no SPARSEMEM, so no rule applies."
        case .failing:
            return "1 when a rule of error severity fails (memmap-check exits 1), else 0."
        case .ruleStatus:
            return "Each rule's status: 1 fails, 0 passes, -1 skipped (not applicable); the worst of a rule's findings."
        case .requiredAlignment:
            return "The alignment of pfn_to_page(0) a rule requires (MAX_FOLIO_VMEMMAP_ALIGN for folio-vmemmap-align), in bytes."
        case .actualAlignment:
            return "The largest power of two dividing the pfn_to_page(0) a rule judged (under KASLR: guaranteed for every slot), in bytes."
        case .pfnToPage0:
            return "pfn_to_page(0) as modelled from the kernel's formulas and as observed in kernel memory (label address, hexadecimal); judged says which one the rules judged; with randomized true KASLR moves the base at boot and the modelled address is the worst slot the randomisation can produce, not the value. Always 1."
        case .observedAvailable:
            return "1 when the real pfn_to_page(0) was read from kernel memory (root on a live host) or from a capture's record, else 0."
        case .observedAgrees:
            return "1 when the observed pfn_to_page(0) keeps the model's promise (the value, or under KASLR the alignment), 0 when it does not (model-drift); absent when nothing was observed."
        case .previewFailing:
            return "Upgrade preview: 1 when a rule of error severity would fail under that kernel release's formulas (label kernel), else 0; never part of the verdict."
        case .previewRuleStatus:
            return "Upgrade preview: each config rule's status under that kernel release's formulas (label kernel): 1 fails, 0 passes, -1 skipped."
        }
    }
}

/// Samples collected per family, written family by family (one HELP and TYPE each), so that many hosts
/// (`fleet`, label `host`) share one block per family.
public struct PromExposition: Sendable {
    private var samples: [[String]] = Array(repeating: [], count: PromFamily.allCases.count)
    private static let index: [PromFamily: Int] = Dictionary(uniqueKeysWithValues: PromFamily.allCases.enumerated().map { ($1, $0) })

    public init() {}

    public var isEmpty: Bool { samples.allSatisfy(\.isEmpty) }

    /// One sample: `name{labels} value`.
    public mutating func sample(_ family: PromFamily, _ labels: [(String, String)], _ value: Int64) {
        sample(family, labels, text: String(value))
    }

    /// A byte count (exact in the text; Prometheus parses it into a float64).
    public mutating func sample(_ family: PromFamily, _ labels: [(String, String)], bytes value: UInt64) {
        sample(family, labels, text: String(value))
    }

    private mutating func sample(_ family: PromFamily, _ labels: [(String, String)], text value: String) {
        var s = family.rawValue
        if !labels.isEmpty {
            s += "{" + labels.map { "\($0.0)=\"\(Self.escapeLabel($0.1))\"" }.joined(separator: ",") + "}"
        }
        s += " \(value)"
        samples[Self.index[family]!].append(s)
    }

    /// The exposition text: for each family with samples, `# HELP`, `# TYPE … gauge`, the samples.
    public func render() -> String {
        var out = ""
        for (i, f) in PromFamily.allCases.enumerated() where !samples[i].isEmpty {
            out += "# HELP \(f.rawValue) \(Self.escapeHelp(f.help))\n# TYPE \(f.rawValue) gauge\n"
            for s in samples[i] { out += s; out += "\n" }
        }
        return out
    }

    /// A label value: backslash, double quote and line feed escaped (exposition format 0.0.4).
    public static func escapeLabel(_ s: String) -> String {
        var o = ""
        for c in s.unicodeScalars {
            switch c {
            case "\\": o += "\\\\"
            case "\"": o += "\\\""
            case "\n": o += "\\n"
            default: o.unicodeScalars.append(c)
            }
        }
        return o
    }

    /// HELP text: backslash and line feed escaped.
    public static func escapeHelp(_ s: String) -> String {
        s.replacingAll("\\", with: "\\\\").replacingAll("\n", with: "\\n")
    }

    /// The encoded status: 1 fail, 0 pass, -1 skip.
    public static func code(_ s: Status) -> Int64 {
        switch s {
        case .fail: return 1
        case .pass: return 0
        case .skip: return -1
        }
    }

    /// Each rule once, in the order of first appearance, with the worst status of its findings and the
    /// first finding that carries an alignment (required or actual; a skipped rule may carry only the
    /// actual one).
    static func byRule(_ findings: [Finding]) -> [(rule: AnyRuleID, severity: Severity, status: Status, aligned: Finding?)] {
        var order: [AnyRuleID] = []
        var by: [AnyRuleID: (Severity, Status, Finding?)] = [:]
        func rank(_ s: Status) -> Int { s == .fail ? 2 : (s == .pass ? 1 : 0) }
        func aligns(_ f: Finding) -> Bool { f.required != nil || f.actualAlignment != nil }
        for f in findings {
            if let (sev, st, a) = by[f.rule] {
                by[f.rule] = (max(sev, f.severity), rank(f.status) > rank(st) ? f.status : st, a ?? (aligns(f) ? f : nil))
            } else {
                order.append(f.rule)
                by[f.rule] = (f.severity, f.status, aligns(f) ? f : nil)
            }
        }
        return order.map { ($0, by[$0]!.0, by[$0]!.1, by[$0]!.2) }
    }

    /// One host's families; `host` (fleet) labels every sample.
    public mutating func add(_ h: HostCheck, policy: FailPolicy, host: String?) {
        let c = h.result.config
        let hl: [(String, String)] = host.map { [("host", $0)] } ?? []
        if host != nil { sample(.captureReadable, hl, 1) }
        sample(.info, hl + [("release", h.layout.kernelRelease ?? "unknown"), ("kernel_formulas", c.kernel.label),
                            ("arch", c.arch.rawValue), ("paging_mode", c.pagingMode?.rawValue ?? "none"),
                            ("page_size", String(c.pageSize)), ("kaslr", c.kaslr ? "true" : "false"),
                            ("version", ToolVersion.current)], 1)
        sample(.failing, hl, policy.verdict(h.result) == .fail ? 1 : 0)
        addRules(h.result.findings, hl)
        if c.sparsememVmemmap {
            sample(.pfnToPage0, hl + [("base", "modelled"), ("address", hex(h.modelled.derived.vmemmap)),
                                      ("judged", h.judgesObserved ? "false" : "true"), ("randomized", c.baseRandomized ? "true" : "false")], 1)
        }
        if let o = h.layout.observed {
            sample(.pfnToPage0, hl + [("base", "observed"), ("address", hex(o.pfnToPage0)),
                                      ("judged", h.judgesObserved ? "true" : "false"), ("randomized", c.baseRandomized ? "true" : "false")], 1)
        }
        sample(.observedAvailable, hl, h.layout.observed != nil ? 1 : 0)
        if let a = h.observedAgrees { sample(.observedAgrees, hl, a ? 1 : 0) }
        if let p = h.preview {
            let k = hl + [("kernel", p.kernel.label)]
            sample(.previewFailing, k, policy.verdict(p.result) == .fail ? 1 : 0)
            for r in Self.byRule(p.result.findings) {
                sample(.previewRuleStatus, k + [("rule", r.rule.rawValue), ("severity", r.severity.rawValue)], Self.code(r.status))
            }
        }
    }

    /// A fleet capture that could not be read: only `memmap_check_capture_readable 0`.
    public mutating func addUnreadable(host: String) {
        sample(.captureReadable, [("host", host)], 0)
    }

    /// `check`: one configuration in each paging mode it allows (label `paging_mode`).
    public mutating func add(modes results: [CheckResult], policy: FailPolicy) {
        guard let first = results.first else { return }
        let c = first.config
        let src = [("source", c.kconfigPath ?? c.preset)]
        sample(.info, src + [("arch", c.arch.rawValue), ("kernel_formulas", c.kernel.label),
                             ("paging_mode", results.compactMap { $0.config.pagingMode?.rawValue }.joined(separator: ",")),
                             ("page_size", String(c.pageSize)), ("version", ToolVersion.current)], 1)
        sample(.applicable, src, 1)
        sample(.failing, src, results.contains { policy.verdict($0) == .fail } ? 1 : 0)
        for r in results {
            let m = src + [("paging_mode", r.config.pagingMode?.rawValue ?? "none")]
            addRules(r.findings, m)
            if r.config.sparsememVmemmap {
                sample(.pfnToPage0, m + [("base", "modelled"), ("address", hex(r.derived.vmemmap)), ("judged", "true"),
                                         ("randomized", r.config.baseRandomized ? "true" : "false")], 1)
            }
        }
    }

    private mutating func addRules(_ findings: [Finding], _ labels: [(String, String)]) {
        let rules = Self.byRule(findings)
        for r in rules {
            sample(.ruleStatus, labels + [("rule", r.rule.rawValue), ("severity", r.severity.rawValue)], Self.code(r.status))
        }
        for r in rules {
            if let req = r.aligned?.required { sample(.requiredAlignment, labels + [("rule", r.rule.rawValue)], bytes: req) }
        }
        for r in rules {
            if let a = r.aligned?.actualAlignment { sample(.actualAlignment, labels + [("rule", r.rule.rawValue)], bytes: a) }
        }
    }
}

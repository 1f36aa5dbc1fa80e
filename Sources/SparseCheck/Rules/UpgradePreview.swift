#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// What a kernel release (the newest modelled one by default) would conclude for this host's
/// configuration, paging mode and layout: the config rules under that release's formulas, beside the
/// verdict of the formulas the host runs. A preview only: it never enters `HostCheck.result`, so never
/// the verdict or the exit code.
public struct UpgradePreview: Sendable {
    /// The release whose formulas the preview applies.
    public var kernel: KernelTarget
    /// The release the host runs, as read (uname -r, proc/version), nil when unknown.
    public var runningRelease: String?
    /// The formulas the check itself used (the running release's, or `--kernel`'s what-if).
    public var checked: KernelTarget
    /// True when `--kernel` replaced the running release's formulas in the check.
    public var checkedWhatIf: Bool
    /// The config rules under the preview's formulas (same configuration, paging mode, KASLR, DRAM start).
    public var result: CheckResult
    /// The config rules whose conclusion (status, required alignment, judged base or its alignment)
    /// differs from the check's modelled one, in rule order.
    public var differs: [RuleID]
    /// True when `--preview-kernel` asked for it.
    public var requested: Bool
    /// The check's modelled status of each config rule, and its judged base.
    public var checkedStatus: [RuleID: Status]
    public var checkedBase: UInt64?

    /// pfn_to_page(0) as the preview's rules judge it (under KASLR: the worst base every boot can get).
    public var pfnToPage0: UInt64 { result.derived.vmemmap }

    /// The label of the formulas the check used.
    public var comparedWith: String { checked.label }

    /// "upgrade preview" for a newer release (or `proposed`), "release preview" otherwise.
    public var title: String {
        if kernel.proposed { return "upgrade preview" }
        return !checked.proposed && kernel.release.series > checked.release.series ? "upgrade preview" : "release preview"
    }

    /// One line: the preview's release, the host's, the rules whose status would change (the first with
    /// the base and its alignment), and where the base moves.
    public var summary: String {
        var head = "\(title) (kernel \(kernel.label) formulas; this host runs \(runningRelease ?? "an unknown release")"
        if checkedWhatIf { head += ", checked with --kernel \(checked.argument)" }
        head += ")"
        var parts: [String] = []
        var shownBase = false
        for id in statusChanges {
            guard let f = result.findings.first(where: { $0.rule == .config(id) }) else { continue }
            parts.append(Self.conclusion(f, withBase: !shownBase))
            if f.address != nil && f.required != nil { shownBase = true }
        }
        if parts.isEmpty {
            let all = result.findings.map { "\($0.rule) \($0.status.rawValue)" }.joined(separator: ", ")
            parts.append("every config rule concludes as under the kernel \(comparedWith) formulas (\(all))")
        }
        if let was = checkedBase, was != pfnToPage0 {
            parts.append("pfn_to_page(0) \(hex(pfnToPage0)) instead of \(hex(was)) under the kernel \(comparedWith) formulas")
        }
        return "\(head): " + parts.joined(separator: "; ")
    }

    /// The rules whose status (pass, fail, skip) differs from the check's.
    public var statusChanges: [RuleID] {
        differs.filter { id in checkedStatus[id] != result.findings.first { $0.rule == .config(id) }?.status }
    }

    /// "folio-vmemmap-align would pass: pfn_to_page(0) 0x… is 1 GiB aligned, 256 MiB required".
    static func conclusion(_ f: Finding, withBase: Bool) -> String {
        switch f.status {
        case .skip:
            return "\(f.rule) would be skipped: \(f.reason ?? "not applicable")"
        case .pass, .fail:
            let verb = f.status == .pass ? "pass" : (f.severity == .error ? "FAIL" : "fail (\(f.severity.rawValue))")
            var s = "\(f.rule) would \(verb)"
            if let a = f.address, let r = f.required {
                if withBase {
                    let got = f.actualAlignment.map { "\(f.status == .fail ? "only " : "")\(Units.human($0)) aligned" } ?? "not aligned"
                    let kaslr = f.details["kaslr_guaranteed_alignment"] != nil ? " (guaranteed for every KASLR slot)" : ""
                    s += ": pfn_to_page(0) \(hex(a)) is \(got)\(kaslr), \(Units.human(r)) required"
                } else {
                    s += ": \(Units.human(r)) required"
                }
            }
            return s
        }
    }
}

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// Which upgrade preview `host` computes (`--preview-kernel`, `--no-preview`).
public enum PreviewRequest: Equatable, Sendable {
    /// No preview (`--no-preview`).
    case off
    /// The newest modelled release (the default): reported only when the host's formulas are older and a
    /// config rule concludes differently under the newest ones.
    case newest
    /// `--preview-kernel RELEASE`: that release's formulas, always reported (also when nothing differs).
    case release(KernelTarget)
}

extension UpgradePreview {
    /// The preview for a checked host, or nil: `.off`; `.newest` when the check's formulas are the newest's
    /// (or newer, or `proposed`) or when every config rule concludes the same; an explicit release always
    /// gives one. The configuration is assembled again by `NodeLayout.config` with the preview's release
    /// in place of the running one (every other input as in the check), and checked by `Checker.check`.
    public static func make(_ h: HostCheck, request: PreviewRequest, preset: String?, overrides: Overrides,
                            files: HostFiles?) throws -> UpgradePreview? {
        let checked = h.modelled.config.kernel
        let target: KernelTarget
        switch request {
        case .off:
            return nil
        case .newest:
            guard !checked.proposed, checked.release.series < FormulaTable.newestRelease else { return nil }
            target = KernelTarget(release: FormulaTable.newestRelease)
        case let .release(k):
            target = k
        }
        var o = overrides
        o.kernel = target
        let (config, _) = try h.layout.config(preset: preset, overrides: o, files: files)
        let result = try Checker.check(config)
        let differs = differingRules(h.modelled, result)
        if case .newest = request, differs.isEmpty { return nil }
        let requested: Bool = { if case .release = request { return true } else { return false } }()
        return UpgradePreview(kernel: target, runningRelease: h.layout.kernelRelease, checked: checked,
                              checkedWhatIf: overrides.kernel != nil, result: result, differs: differs, requested: requested,
                              checkedStatus: Dictionary(h.modelled.findings.compactMap { f in f.rule.config.map { ($0, f.status) } }, uniquingKeysWith: { a, _ in a }),
                              checkedBase: h.modelled.config.sparsememVmemmap ? h.modelled.derived.vmemmap : nil)
    }

    /// The config rules (RuleID) whose status, required alignment, judged address or its alignment differ.
    static func differingRules(_ a: CheckResult, _ b: CheckResult) -> [RuleID] {
        RuleID.allCases.filter { id in
            let x = a.findings.first { $0.rule == .config(id) }, y = b.findings.first { $0.rule == .config(id) }
            return x?.status != y?.status || x?.required != y?.required || x?.address != y?.address
                || x?.actualAlignment != y?.actualAlignment
        }
    }
}

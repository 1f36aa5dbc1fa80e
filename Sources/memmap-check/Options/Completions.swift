import ArgumentParser
import SparseCheck

/// What the shell completes for each kind of value (bash, zsh and fish scripts from
/// `--generate-completion-script`): files and directories where a path is expected, and the closed
/// lists (presets, formats, rules, severities, paging modes) where the value is one of them.
enum Complete {
    static let presets = CompletionKind.list(Preset.all.map(\.name))
    /// `--presets`: `all` or preset names (a list or glob is typed by hand).
    static let presetList = CompletionKind.list(["all"] + Preset.all.map(\.name))
    static let rules = CompletionKind.list(RuleID.allCases.map(\.rawValue) + [LayoutRuleID.modelDrift.rawValue])
    static let kernels = CompletionKind.list(FormulaTable.rowReleases.map(\.seen) + ["proposed"])
    static let kernelAxis = CompletionKind.list(["all"] + FormulaTable.rowReleases.map(\.seen) + ["proposed"])
    static let pagingModes = CompletionKind.list(PagingMode.allCases.map(\.rawValue))
    static func formats<F: CaseIterable & RawRepresentable>(_ f: F.Type) -> CompletionKind where F.RawValue == String {
        .list(F.allCases.map(\.rawValue))
    }
}

import ArgumentParser
import SparseCheck

/// `--preview-kernel` and `--no-preview` (host, fleet): which release's formulas the upgrade preview
/// applies, or none.
struct PreviewOptions: ParsableArguments {
    @Option(name: .customLong(OptionName.previewKernel.long), help: ArgumentHelp("The release whose formulas the upgrade preview applies (7.3, 7.2.13, 'proposed'; default: the newest modelled). Always reported when given; \(OptionName.kernel.flag) instead replaces the running release's formulas in the check itself.", valueName: "release"),
            completion: Complete.kernels, transform: OptionParser.kernel(.previewKernel))
    var previewKernel: KernelTarget?

    @Flag(name: .customLong(OptionName.noPreview.long), help: "Omit the upgrade preview.")
    var noPreview = false

    /// The preview asked for (typed when the command line was parsed).
    var request: PreviewRequest {
        if noPreview { return .off }
        return previewKernel.map { .release($0) } ?? .newest
    }

    func validate() throws {
        if let k = previewKernel, noPreview {
            throw InputError("\(OptionName.previewKernel.flag) \(k.argument) with \(OptionName.noPreview.flag)", expected: "one of them: \(OptionName.previewKernel.flag) picks the preview's release, \(OptionName.noPreview.flag) omits the preview")
        }
    }
}

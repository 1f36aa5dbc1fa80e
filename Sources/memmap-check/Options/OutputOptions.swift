import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import SparseCheck

/// `--fail-on`, parsed straight into the one `FailPolicy` the writers and the sweep engine share.
extension FailPolicy: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument.lowercased()) }
    public static var allValueStrings: [String] { ["error", "warning", "info", "never"] }
}

/// `check --format`.
enum CheckFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, jsonl, junit, sarif

    static func parse(_ s: String) throws -> CheckFormat {
        guard let f = CheckFormat(rawValue: s.lowercased()) else {
            throw InputError("--format \(s)", expected: "text, json, jsonl, junit or sarif\(s.lowercased() == "html" ? " (html is the sweep report: memmap-check sweep --format html)" : "")")
        }
        return f
    }

    func writer(_ out: SparseCheck.OutputStream) -> any ReportWriter {
        ReportFormat(rawValue: rawValue)!.writer(out) // every case is a ReportFormat
    }
}

/// `sweep --format`.
enum SweepFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, jsonl, junit, sarif, html

    func writer(_ out: SparseCheck.OutputStream) -> any ReportWriter {
        ReportFormat(rawValue: rawValue)!.writer(out) // every case is a ReportFormat
    }
}

/// `host --format`.
enum HostFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, svg

    func writer(_ out: SparseCheck.OutputStream) -> any ReportWriter {
        ReportFormat(rawValue: rawValue)!.writer(out) // every case is a ReportFormat
    }
}

/// `sweep --list`.
enum ListChoice: String, ExpressibleByArgument, CaseIterable {
    case failing, all
}

/// The output options shared by `check` and `sweep` (each declares its own `--format`).
struct OutputOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Exit 1 when a rule of this severity or above fails: error, warning, info or never. Reports call rules failing below it 'below --fail-on' and never FAIL.", valueName: "severity"))
    var failOn: FailPolicy = .error

    @Flag(name: .long, help: "Print nothing when nothing fails (text output and annotations).")
    var quiet = false

    @Option(name: .long, help: ArgumentHelp("SARIF: the repository root that .config paths are made relative to (uriBaseId %SRCROOT%; default: the working directory).", valueName: "dir"))
    var sarifRoot: String?

    @Option(name: .long, help: ArgumentHelp("SARIF and annotations: the file (relative to the repository root) a preset's results point at, e.g. the workflow that runs the check; its first line naming the preset is the result's line (default: \(SARIFWriter.defaultPresetFile), line = the preset's position in `memmap-check presets`).", valueName: "file"))
    var sarifPresetFile: String?

    func runInfo(_ command: RunInfo.Command) -> RunInfo {
        var r = RunInfo(command: command, policy: failOn)
        r.arguments = Array(CommandLine.arguments.dropFirst())
        r.sarifRoot = sarifRoot
        r.presetFile = sarifPresetFile
        return r
    }

    /// GitHub Actions annotations (when `GITHUB_ACTIONS=true`): to stdout with text output and to
    /// stderr with a machine format, so that stdout stays parseable.
    func annotations(text: Bool) -> GitHubWriter? {
        guard GitHubWriter.enabled else { return nil }
        return GitHubWriter(out: SparseCheck.OutputStream(fd: text ? 1 : 2))
    }
}

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

/// A command's `--format` choices: a subset of the library's `ReportFormat`, whose one constructor
/// gives each format's writer.
protocol ReportFormatChoice {
    var report: ReportFormat { get }
}

extension ReportFormatChoice {
    func writer(_ out: SparseCheck.OutputStream) -> any ReportWriter { report.writer(out) }
}

/// `check --format`.
enum CheckFormat: String, ExpressibleByArgument, CaseIterable, ReportFormatChoice {
    case text, json, jsonl, junit, sarif, prometheus

    static func parse(_ s: String) throws -> CheckFormat {
        guard let f = CheckFormat(rawValue: s.lowercased()) else {
            throw InputError("\(OptionName.format.flag) \(s)", expected: "text, json, jsonl, junit, sarif or prometheus\(s.lowercased() == "html" ? " (html is the sweep report: memmap-check sweep --format html)" : "")")
        }
        return f
    }

    var report: ReportFormat {
        switch self {
        case .text: return .text
        case .json: return .json
        case .jsonl: return .jsonl
        case .junit: return .junit
        case .sarif: return .sarif
        case .prometheus: return .prometheus
        }
    }
}

/// `sweep --format`.
enum SweepFormat: String, ExpressibleByArgument, CaseIterable, ReportFormatChoice {
    case text, json, jsonl, junit, sarif, html

    var report: ReportFormat {
        switch self {
        case .text: return .text
        case .json: return .json
        case .jsonl: return .jsonl
        case .junit: return .junit
        case .sarif: return .sarif
        case .html: return .html
        }
    }
}

/// `host --format`.
enum HostFormat: String, ExpressibleByArgument, CaseIterable, ReportFormatChoice {
    case text, json, svg, prometheus

    var report: ReportFormat {
        switch self {
        case .text: return .text
        case .json: return .json
        case .svg: return .svg
        case .prometheus: return .prometheus
        }
    }
}

/// `--output FILE` (host, check, fleet): the report on stdout, or in FILE written atomically
/// (a temporary file beside it, renamed over it), as node_exporter's textfile collector requires.
struct OutputFile {
    let path: String?

    /// Where the writer writes: stdout, or memory until `finish()`.
    let stream: SparseCheck.OutputStream

    init(_ path: String?) {
        self.path = path
        stream = SparseCheck.OutputStream(fd: path == nil ? 1 : -1)
    }

    /// Writes FILE (nothing to do for stdout).
    func finish() throws {
        stream.flush()
        if let path { try AtomicFile.write(path, stream.captured) }
    }
}

/// `presets --format` and `merge --format`: the text report or its JSON.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// `sweep --list`.
enum ListChoice: String, ExpressibleByArgument, CaseIterable {
    case failing, all
}

/// The output options shared by `check` and `sweep` (each declares its own `--format`).
struct OutputOptions: ParsableArguments {
    @Option(name: .customLong(OptionName.failOn.long), help: ArgumentHelp("Exit 1 when a rule of this severity or above fails: error, warning, info or never. Reports call rules failing below it 'below --fail-on' and never FAIL.", valueName: "severity"), completion: .list(FailPolicy.allValueStrings))
    var failOn: FailPolicy = .error

    @Flag(name: .customLong(OptionName.quiet.long), help: "Print nothing when nothing fails (text output and annotations).")
    var quiet = false

    @Option(name: .customLong(OptionName.sarifRoot.long), help: ArgumentHelp("SARIF: the repository root that .config paths are made relative to (uriBaseId %SRCROOT%; default: the working directory).", valueName: "dir"), completion: .directory)
    var sarifRoot: String?

    @Option(name: .customLong(OptionName.sarifPresetFile.long), help: ArgumentHelp("SARIF and annotations: the file (relative to the repository root) a preset's results point at, e.g. the workflow that runs the check; its first line naming the preset is the result's line (default: \(SARIFWriter.defaultPresetFile), line = the preset's position in `memmap-check presets`).", valueName: "file"), completion: .file())
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

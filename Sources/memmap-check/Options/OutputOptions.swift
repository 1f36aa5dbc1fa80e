import ArgumentParser
import Foundation
import SparseCheck

extension ReportFormat: ExpressibleByArgument {}

enum FailOn: String, ExpressibleByArgument, CaseIterable {
    case error, warning, never

    var severity: Severity? {
        switch self {
        case .error: return .error
        case .warning: return .warning
        case .never: return nil
        }
    }
}

/// The output options shared by `check` and `sweep`.
struct OutputOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Output format: text, json, jsonl (one result per line), junit (JUnit XML), sarif (SARIF 2.1.0), or html (sweep only: a self-contained report page; redirect it to a .html file).", valueName: "format"))
    var format: ReportFormat = .text

    @Option(name: .long, help: ArgumentHelp("Exit 1 when a rule of this severity or above fails: error, warning or never.", valueName: "severity"))
    var failOn: FailOn = .error

    @Flag(name: .long, help: "Print nothing when nothing fails (text output and annotations).")
    var quiet = false

    /// GitHub Actions annotations go to stdout with text output and to stderr with a machine format,
    /// so that stdout stays parseable.
    func annotate(_ lines: [String]) {
        guard GitHubAnnotations.enabled, !lines.isEmpty else { return }
        let text = lines.joined(separator: "\n") + "\n"
        if format == .text {
            FileHandle.standardOutput.write(Data(text.utf8))
        } else {
            FileHandle.standardError.write(Data(text.utf8))
        }
    }
}

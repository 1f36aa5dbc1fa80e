import ArgumentParser
import Foundation
import SparseCheck

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check one configuration: a preset or a kernel .config, plus overrides.",
        discussion: "Exit 0 when no rule at or above --fail-on fails, 1 when one does, 2 for bad input.")

    @OptionGroup var options: ConfigOptions
    @OptionGroup var output: OutputOptions

    @Option(name: .customLong(OptionName.kconfig.long), help: ArgumentHelp("Read the configuration from a kernel .config (plain or gzip, e.g. /proc/config.gz).", valueName: "file"))
    var kconfig: String?

    @Flag(name: .long, help: "After the result, explain every rule's arithmetic for this configuration step by step.")
    var explain = false

    /// Checks what needs no file; the configuration is built once, in `run()` (a bad value there is
    /// the same one-line `InputError`, exit 2, by MemmapCheck.runMapped).
    func validate() throws {
        if output.format == .html {
            throw InputError("\(OptionName.format.flag) html", expected: "text, json, jsonl, junit or sarif (html is the sweep report: memmap-check sweep --format html)")
        }
        try options.validate(kconfig: kconfig)
    }

    func run() throws {
        let failOn = output.failOn.severity
        let out = OutputStream()
        let writer = ResultWriter(format: output.format, out: out, failOn: failOn)
        switch try options.configuration(kconfig: kconfig) {
        case let .notApplicable(path, arch, reason):
            if output.quiet && output.format == .text { return }
            writer.begin(junit: (1, 0, 1))
            writer.notApplicable(path: path, arch: arch, reason: reason)
            writer.end(summary: .object([("configs", .uint(0)), ("passed", .uint(0)), ("failed", .uint(0)), ("not_applicable", .uint(1))]))
        case let .config(config):
            let results = try Checker.checkModes(config)
            let failed = results.contains { r in r.findings.contains { Report.counts($0, failOn: failOn) } }
            if !(output.quiet && !failed && output.format == .text) {
                switch output.format {
                case .text:
                    out.line(Report.text(modes: results, failOn: failOn ?? .error, verbose: config.kconfigPath != nil))
                    if explain { for result in results {
                        for rule in RuleID.allCases { out.line("\n" + Explain.text(rule, result)) } }
                    }
                case .json:
                    out.line(Report.document(results, failOn: failOn ?? .error).serialized(indent: 2))
                default:
                    let all = results.flatMap(\.findings)
                    let fails = UInt64(all.filter { Report.counts($0, failOn: failOn) }.count)
                    let skips = UInt64(all.filter { $0.status == .skip }.count)
                    writer.begin(junit: (UInt64(all.count), fails, skips))
                    for r in results { writer.add(r) }
                    writer.end(summary: .null)
                }
                out.flush()
                for r in results { output.annotate(GitHubAnnotations.lines(r, failOn: failOn)) }
            }
            if failed { throw ExitCode(ExitStatus.failed.rawValue) }
        }
    }
}

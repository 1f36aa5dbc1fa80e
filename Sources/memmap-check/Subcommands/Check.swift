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

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check one configuration: a preset or a kernel .config, plus overrides.",
        discussion: "Exit 0 when no rule at or above --fail-on fails, 1 when one does, 2 for bad input. A rule failing below --fail-on is reported as such (result: pass, JSON status pass with below_fail_on).")

    @OptionGroup var options: ConfigOptions
    @OptionGroup var output: OutputOptions

    @Option(name: .customLong(OptionName.format.long), help: ArgumentHelp("Output format: text, json, jsonl (one compact record), junit (JUnit XML, one test case per rule), sarif (SARIF 2.1.0), or prometheus (text exposition format; docs/fleet.md).", valueName: "format"),
            completion: Complete.formats(CheckFormat.self), transform: CheckFormat.parse)
    var format: CheckFormat = .text

    @Option(name: .customLong(OptionName.output.long), help: ArgumentHelp("Write the report to this file instead of stdout, atomically (a temporary file in the same directory renamed over it).", valueName: "file"),
            completion: .file())
    var outputFile: String?

    @Option(name: .customLong(OptionName.kconfig.long), help: ArgumentHelp("Read the configuration from a kernel .config (plain or gzip, e.g. /proc/config.gz).", valueName: "file"), completion: .file())
    var kconfig: String?

    @Flag(name: .customLong(OptionName.explain.long), help: "After the result, explain every rule's arithmetic for this configuration step by step.")
    var explain = false

    /// Checks what needs no file; the configuration is built once, in `run()` (a bad value there is
    /// the same one-line `InputError`, exit 2, by MemmapCheck.runMapped).
    func validate() throws {
        try options.validate(kconfig: kconfig)
    }

    func run() throws {
        var info = output.runInfo(.check)
        info.explain = explain
        let file = OutputFile(outputFile)
        let writers: [any ReportWriter] = [format.writer(file.stream)] + (output.annotations(text: format == .text).map { [$0] } ?? [])
        let outcome = try options.configuration(kconfig: kconfig)
        var failed = false
        var results: [CheckResult] = []
        if case let .config(config) = outcome {
            // Every paging mode the configuration allows (one for a preset or --paging-mode).
            results = try Checker.checkModes(config)
            failed = results.contains { info.policy.verdict($0) == .fail }
        }
        if output.quiet && !failed && format == .text { return }
        for w in writers {
            w.begin(info)
            switch outcome {
            case let .notApplicable(path, arch, reason): w.notApplicable(NotApplicable(path: path, arch: arch, reason: reason))
            case .config: w.add(modes: results)
            }
            w.end(nil)
        }
        try file.finish()
        if failed { throw ExitCode(ExitStatus.failed.rawValue) }
    }
}

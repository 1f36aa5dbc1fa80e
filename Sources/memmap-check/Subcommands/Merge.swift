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

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge the summaries of all shards of one sweep into the summary of the whole sweep.",
        discussion: """
            Each FILE is a shard's summary: `sweep --shard K/N --summary FILE` (or the output of \
            `sweep --shard K/N --format json`). All N shards of the same sweep must be given, each once, in \
            any order; the result is the summary an unsharded run prints (text) or writes (json), timing aside.
            Exit 0 when no combination fails at or above the shards' --fail-on, 1 when one does, 2 for bad input.
            """)

    @Argument(help: ArgumentHelp("The shards' summary files.", valueName: "file"), completion: .file())
    var files: [String]

    @Option(name: .customLong(OptionName.format.long), help: ArgumentHelp("Output format: text (the sweep's summary) or json (the summary object, as sweep --summary writes it).", valueName: "format"), completion: Complete.formats(OutputFormat.self))
    var format: OutputFormat = .text

    @Flag(name: .customLong(OptionName.quiet.long), help: "Print nothing when nothing fails.")
    var quiet = false

    func validate() throws {
        guard !files.isEmpty else { throw InputError("merge", expected: "at least one shard summary file") }
    }

    func run() throws {
        let parts = try files.map { path in
            let (s, policy) = try SweepSummary.read(path: path)
            return (path: path, summary: s, policy: policy)
        }
        let (merged, policy) = try SweepSummary.mergeShards(parts)
        let failed = merged.failed > 0
        if !(quiet && !failed) {
            switch format {
            case .text: print(merged.text(policy: policy))
            case .json: print(merged.json(policy: policy).serialized())
            }
        }
        if failed { throw ExitCode(ExitStatus.failed.rawValue) }
    }
}

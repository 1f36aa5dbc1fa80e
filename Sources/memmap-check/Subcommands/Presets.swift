import ArgumentParser
import SparseCheck

struct PresetsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "presets",
        abstract: "List every preset with its parameters and derived values.")

    @Option(name: .customLong(OptionName.format.long), help: "Output format: text or json.", completion: Complete.formats(OutputFormat.self))
    var format: OutputFormat = .text

    @Option(name: .customLong(OptionName.kernel.long), help: ArgumentHelp("Kernel release whose formulas apply (7.2, 7.2.13, 6.12), or 'proposed'.", valueName: "release"),
            completion: Complete.kernels, transform: OptionParser.kernel(.kernel))
    var kernel: KernelTarget?

    func run() throws {
        var parsed = Overrides()
        parsed.kernel = kernel
        let results = try Preset.all.map { p in
            (p, try Checker.check(SparseConfig.make(preset: p.name, overrides: parsed)))
        }
        switch format {
        case .json:
            let items: [JSON] = try results.map { p, r in
                .object([
                    ("name", .string(p.name)),
                    ("arch", .string(p.arch.rawValue)),
                    ("summary", .string(p.summary)),
                    ("config", Report.json(r.config, base: r.base, derived: r.derived)),
                    ("derived", try PresetReport.derived(r)),
                    ("sources", .array(p.sources.map { .string($0) })),
                ])
            }
            print(JSON.object([("schema", .string(Report.schema)), ("presets", .array(items))]).serialized(indent: 2))
        case .text:
            for (p, r) in results {
                print(PresetReport.text(p, r))
            }
        }
    }
}

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

struct HostCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "host",
        abstract: "Check this host's NUMA node and memory layout (or a captured tree) against the memmap rules.",
        discussion: """
            Reads libnuma (live host only), /sys/devices/system/node, /sys/devices/system/memory, \
            /proc/zoneinfo, /proc/iomem and sizeof(struct page) from BTF; the running paging mode, KASLR \
            and page size from /proc/cpuinfo, /proc/cmdline and the kernel log; as root, the real \
            pfn_to_page(0) from /proc/kcore (judged instead of the model's, and compared with it: \
            model-drift). Reports each node's ranges, sections, memory blocks and memmap, and the layout rules. \
            On a release older than the newest modelled one, where a config rule would conclude differently, \
            an upgrade preview follows: what the newest release's formulas would conclude for this \
            configuration, mode and layout (never part of the verdict or the exit code). Exit 0 unless an error-severity \
            rule fails (1); 2 for bad input; 3 when no layout source can be read.
            """)

    @OptionGroup var options: ConfigOptions

    @Option(name: .customLong(OptionName.root.long), help: ArgumentHelp("Read a captured tree (DIR/sys/..., DIR/proc/..., DIR/boot/...), or the tar `capture -o` or `memmap-capture -o` wrote, instead of the live system; libnuma is not consulted.", valueName: "dir"), completion: .file())
    var root: String?

    @Option(name: .customLong(OptionName.format.long), help: "Output format: text, json, svg (a map of the nodes' physical ranges and vmemmap; redirect it to a .svg file), or prometheus (text exposition format for node_exporter's textfile collector; docs/fleet.md).", completion: Complete.formats(HostFormat.self))
    var format: HostFormat = .text

    @Option(name: .customLong(OptionName.output.long), help: ArgumentHelp("Write the report to this file instead of stdout, atomically (a temporary file in the same directory renamed over it), as node_exporter's textfile collector requires.", valueName: "file"),
            completion: .file())
    var output: String?

    @OptionGroup var preview: PreviewOptions

    func validate() throws {
        if let preset = options.preset, Preset.named(preset) == nil {
            throw InputError("\(OptionName.preset.flag) \(preset)", expected: "a preset name (memmap-check presets lists them)")
        }
        if let root { _ = try HostFiles(root: root) }
    }

    func run() throws {
        let files = try root.map { try HostFiles(root: $0) } ?? HostFiles()
        let h = try HostRun.check(files, preset: options.preset, overrides: options.overrides,
                                  numa: files.isLive ? LibNuma() : nil, preview: preview.request)
        let policy = FailPolicy.error
        let file = OutputFile(output)
        let writer = format.writer(file.stream)
        writer.begin(RunInfo(command: .host, policy: policy))
        writer.add(h)
        writer.end(nil)
        try file.finish()
        if policy.verdict(h.result) == .fail { throw ExitCode(ExitStatus.failed.rawValue) }
    }
}

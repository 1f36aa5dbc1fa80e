import ArgumentParser
import Foundation
import SparseCheck

struct Host: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check this host's NUMA node and memory layout (or a captured tree) against the memmap rules.",
        discussion: """
            Reads libnuma (live host only), /sys/devices/system/node, /sys/devices/system/memory, \
            /proc/zoneinfo, /proc/iomem and sizeof(struct page) from BTF; the running paging mode, KASLR \
            and page size from /proc/cpuinfo, /proc/cmdline and the kernel log; as root, the real \
            pfn_to_page(0) from /proc/kcore (judged instead of the model's, and compared with it: \
            model-drift). Reports each node's ranges, sections, memory blocks and memmap, and the layout rules. Exit 0 unless an error-severity \
            rule fails (1); 2 for bad input; 3 when no layout source can be read.
            """)

    @OptionGroup var options: ConfigOptions

    @Option(name: .long, help: ArgumentHelp("Read a captured tree (DIR/sys/..., DIR/proc/..., DIR/boot/...) instead of the live system; libnuma is not consulted.", valueName: "dir"))
    var root: String?

    @Option(name: .long, help: "Output format: text, json, or svg (a map of the nodes' physical ranges and vmemmap; redirect it to a .svg file).")
    var format: HostFormat = .text

    func validate() throws {
        _ = try Overrides.parse(options.text)
        if let preset = options.preset, Preset.named(preset) == nil {
            throw InputError("--preset \(preset)", expected: "a preset name (memmap-check presets lists them)")
        }
        if let root { _ = try HostFiles(root: root) }
    }

    func run() throws {
        let files = try root.map { try HostFiles(root: $0) } ?? HostFiles()
        let h = try HostRun.check(files, preset: options.preset, overrides: Overrides.parse(options.text),
                                  numa: files.isLive ? LibNuma() : nil)
        let policy = FailPolicy.error
        let writer = format.writer(SparseCheck.OutputStream())
        writer.begin(RunInfo(command: .host, policy: policy))
        writer.add(h)
        writer.end(nil)
        if policy.verdict(h.result) == .fail { throw ExitCode(ExitStatus.failed.rawValue) }
    }
}

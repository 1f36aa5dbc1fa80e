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

struct Host: ParsableCommand {
    static let configuration = CommandConfiguration(
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

    @Option(name: .long, help: ArgumentHelp("Read a captured tree (DIR/sys/..., DIR/proc/..., DIR/boot/...) instead of the live system; libnuma is not consulted.", valueName: "dir"))
    var root: String?

    @Option(name: .long, help: "Output format: text, json, or svg (a map of the nodes' physical ranges and vmemmap; redirect it to a .svg file).")
    var format: HostFormat = .text

    @Option(name: .long, help: ArgumentHelp("The release whose formulas the upgrade preview applies (7.3, 7.2.13, 'proposed'; default: the newest modelled). Always reported when given; --kernel instead replaces the running release's formulas in the check itself.", valueName: "release"))
    var previewKernel: String?

    @Flag(name: .customLong("no-preview"), help: "Omit the upgrade preview.")
    var noPreview = false

    /// The preview asked for (validated in validate()).
    func previewRequest() throws -> PreviewRequest {
        if noPreview { return .off }
        return try previewKernel.map { .release(try KernelTarget.parse($0, option: "--preview-kernel")) } ?? .newest
    }

    func validate() throws {
        if let preset = options.preset, Preset.named(preset) == nil {
            throw InputError("\(OptionName.preset.flag) \(preset)", expected: "a preset name (memmap-check presets lists them)")
        }
        if let k = previewKernel, noPreview {
            throw InputError("--preview-kernel \(k) with --no-preview", expected: "one of them: --preview-kernel picks the preview's release, --no-preview omits the preview")
        }
        _ = try previewRequest()
        if let root { _ = try HostFiles(root: root) }
    }

    func run() throws {
        let files = try root.map { try HostFiles(root: $0) } ?? HostFiles()
        let h = try HostRun.check(files, preset: options.preset, overrides: options.overrides,
                                  numa: files.isLive ? LibNuma() : nil, preview: previewRequest())
        let policy = FailPolicy.error
        let writer = format.writer(SparseCheck.OutputStream())
        writer.begin(RunInfo(command: .host, policy: policy))
        writer.add(h)
        writer.end(nil)
        if policy.verdict(h.result) == .fail { throw ExitCode(ExitStatus.failed.rawValue) }
    }
}

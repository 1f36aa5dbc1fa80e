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

struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Check the cartesian product of presets or kernel .configs and parameter axes.",
        discussion: """
            Each axis is a comma-separated list or a START:END:STEP range (END excluded). Address axes \
            (--dram-bases, --vmemmap-bases) read addresses as --dram-base and --vmemmap-base do: hex, \
            with or without 0x, or a size like 64G or 2M. An axis that does not apply to a source (e.g. --dram-bases on \
            x86_64, --page-sizes on a .config) keeps its first value and counts the rest as skipped \
            duplicates; an invalid combination (one the kernel would not build) is skipped with its reason. \
            Memory stays flat; --format jsonl streams one compact record per combination (formatted on the worker threads); --format json, junit and sarif report groups (rule x source x kernel), so their size follows the groups; --format html \
            writes one self-contained report page (summary, source × page size × kernel matrix, failing groups).
            Exit 0 when no combination fails at or above --fail-on, 1 when one does, 2 for bad input.
            """)

    @Option(name: .customLong(OptionName.presets.long), help: ArgumentHelp("Presets: all, a comma-separated list, or globs such as 'arm64-*' (default: all, unless --kconfig is given).", valueName: "list"), completion: Complete.presetList)
    var presets: String?

    @Option(name: .customLong(OptionName.kconfig.long), parsing: .upToNextOption, help: ArgumentHelp("Kernel .config files (plain or gzip) or directories of them; sources in addition to --presets.", valueName: "file"), completion: .file())
    var kconfig: [String] = []

    @Option(name: .customLong(OptionName.kernel.long), help: ArgumentHelp("Kernel releases whose formulas apply, an axis: a list such as 6.12,7.1,7.2 (also 'proposed'), or all (one release per formula change). Default: each .config's own release, the newest modelled for presets.", valueName: "list"),
            completion: Complete.kernelAxis, transform: OptionParser.kernels(.kernel))
    var kernel: [KernelTarget]?

    @Option(name: .customLong(OptionName.pageSizes.long), help: ArgumentHelp("Page sizes, a list such as 4K,16K,64K (default: each preset's own).", valueName: "list"),
            transform: OptionParser.axis(.pageSizes, allowRange: false) { UInt64(try OptionParser.pageShift(.pageSizes)($0)) })
    var pageSizes: SweepAxis?

    @Option(name: .customLong(OptionName.sectionBits.long), help: ArgumentHelp("SECTION_SIZE_BITS values: a list or START:END:STEP.", valueName: "axis"),
            transform: OptionParser.axis(.sectionBits) { UInt64(try OptionParser.sectionBits($0)) })
    var sectionBits: SweepAxis?

    @Option(name: .customLong(OptionName.structPageSizes.long), help: ArgumentHelp("sizeof(struct page) values in bytes: a list or START:END:STEP.", valueName: "axis"),
            transform: OptionParser.axis(.structPageSizes, OptionParser.structPageSize(.structPageSizes)))
    var structPageSizes: SweepAxis?

    @Option(name: .customLong(OptionName.maxFolioOrders.long), help: ArgumentHelp("What-if MAX_FOLIO_ORDER values: a list or START:END:STEP.", valueName: "axis"),
            transform: OptionParser.axis(.maxFolioOrders) { UInt64(try OptionParser.integer(.maxFolioOrders, 0...63, "MAX_FOLIO_ORDER")($0)) })
    var maxFolioOrders: SweepAxis?

    @Option(name: .customLong(OptionName.dramBases.long), help: ArgumentHelp("Physical DRAM starts (arm64, riscv64), hex or sizes like 2G: a list or START:END:STEP such as 0:64G:2M.", valueName: "axis"),
            transform: OptionParser.axis(.dramBases, OptionParser.address(.dramBases)))
    var dramBases: SweepAxis?

    @Option(name: .customLong(OptionName.vmemmapBases.long), help: ArgumentHelp("Explicit pfn_to_page(0) values (hex, with or without 0x) replacing the architecture's formula: a list or START:END:STEP.", valueName: "axis"),
            transform: OptionParser.axis(.vmemmapBases, OptionParser.address(.vmemmapBases)))
    var vmemmapBases: SweepAxis?

    @Option(name: .customLong(OptionName.hvo.long), help: ArgumentHelp("CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP: config (as the Kconfig or .config derives it), on, off or both.", valueName: "choice"),
            completion: Complete.formats(HVOChoice.self), transform: OptionParser.choice(.hvo, HVOChoice.self))
    var hvo: HVOChoice = .config

    @Option(name: .customLong(OptionName.jobs.long), help: ArgumentHelp("Threads to run the sweep on (default: all cores online). Output is the same for every N.", valueName: "n"))
    var jobs: Int = Sweep.defaultJobs

    @Option(name: .customLong(OptionName.shard.long), help: ArgumentHelp("Visit only shard K of N (K from 0): the K-th of N equal contiguous ranges of combinations. Merge the shards' --summary files with memmap-check merge.", valueName: "K/N"),
            transform: { try SweepShard(parsing: $0) })
    var shard: SweepShard?

    @Option(name: .customLong(OptionName.summary.long), help: ArgumentHelp("Also write the JSON summary object (what memmap-check merge reads) to this file.", valueName: "file"), completion: .file())
    var summary: String?

    @Option(name: .customLong(OptionName.root.long), help: ArgumentHelp("Run the layout rules of a captured tree (memmap-check capture DIR) for every combination; presets then take the tree's page size and sizeof(struct page), as host --root does (default preset: the tree's machine).", valueName: "dir"), completion: .directory)
    var root: String?

    @OptionGroup var machine: MachineOptions

    @OptionGroup var output: OutputOptions

    @Option(name: .customLong(OptionName.format.long), help: ArgumentHelp("Output format: text (summary), json (summary and failing groups with their smallest combination), jsonl (one compact record per combination), junit (one test case per rule x source x kernel group), sarif (SARIF 2.1.0, one result per failing group), or html (a self-contained report page; redirect it to a .html file).", valueName: "format"), completion: Complete.formats(SweepFormat.self))
    var format: SweepFormat = .text

    @Option(name: .customLong(OptionName.list.long), help: ArgumentHelp("--format json: failing (the summary and failing groups, default) or all (also every combination's full result, one per combination: large).", valueName: "which"))
    var list: ListChoice = .failing

    /// Checks what needs no file; the sweep (its sources, .configs and axes) is built once, in `run()`.
    func validate() throws {
        if list == .all && format != .json {
            throw InputError("\(OptionName.list.flag) all", expected: "\(OptionName.format.flag) json (the other formats list groups or records)")
        }
        guard jobs >= 1 else { throw InputError("\(OptionName.jobs.flag) \(jobs)", expected: "a number of threads of at least 1") }
    }

    func makeSweep() throws -> Sweep {
        var spec = SweepSpec()
        if let root {
            spec.layout = try HostReader.read(HostFiles(root: root), numa: nil)
            spec.layoutRoot = root
        }
        if presets != nil || kconfig.isEmpty {
            let fallback = spec.layout.map { $0.presetName ?? Preset.hostDefault.name } ?? "all"
            spec.sources = try SweepSpec.presets(matching: presets ?? fallback).map { .preset($0) }
        }
        for path in try expandKconfigPaths(kconfig) {
            switch try KconfigFile.load(path: path).derive() {
            case let .config(c): spec.sources += try c.pagingModeVariants().map { .kconfig($0) }
            case let .notApplicable(p, arch, reason): spec.notApplicable.append((p, arch, reason))
            }
        }
        if let kernel { spec.kernels = kernel }
        if case let .list(v)? = pageSizes { spec.pageShifts = v.map { UInt32($0) } }
        spec.sectionBits = sectionBits
        spec.structPageSizes = structPageSizes
        spec.maxFolioOrders = maxFolioOrders
        spec.dramBases = dramBases
        spec.vmemmapBases = vmemmapBases
        spec.hvo = hvo
        spec.fixed = machine.overrides
        guard !spec.sources.isEmpty || !spec.notApplicable.isEmpty else {
            throw InputError("sweep", expected: "at least one preset or .config")
        }
        return try Sweep(spec)
    }

    func run() throws {
        let sweep = try makeSweep()
        var info = output.runInfo(.sweep)
        info.listAll = list == .all
        let policy = info.policy
        let out = SparseCheck.OutputStream()
        let progress = Progress(total: shard.map { r in r.range(of: sweep.total).upperBound - r.range(of: sweep.total).lowerBound } ?? sweep.total)
        let writer = format.writer(out)
        writer.begin(info)
        for na in sweep.spec.notApplicable { writer.notApplicable(NotApplicable(path: na.path, arch: na.arch, reason: na.reason)) }
        var summary: SweepSummary
        switch (format, list) {
        case (.jsonl, _):
            // Records formatted on the worker threads, written here in combination order.
            summary = try sweep.runRecords(policy: policy, jobs: jobs, shard: shard, write: { out.write(bytes: $0) }, progress: progress.update)
        case (.json, .all):
            summary = try sweep.run(policy: policy, jobs: jobs, shard: shard, emit: { _, r in writer.add(r) }, progress: progress.update)
        default:
            summary = try sweep.run(policy: policy, matrix: format == .html, jobs: jobs, shard: shard, progress: progress.update)
        }
        progress.finish()
        let failed = summary.failed > 0
        // The grouped formats (and JSON's failing groups) take the groups; text and HTML the summary.
        let groups = [.junit, .sarif, .json].contains(format) || GitHubWriter.enabled ? summary.reportGroups(sweep) : []
        if format != .text || !(output.quiet && !failed) {
            if format != .jsonl { groups.forEach(writer.add) }
            writer.end(format == .jsonl ? nil : SweepReport(summary, sweep))
        }
        if let path = self.summary {
            guard FileManager.default.createFile(atPath: path, contents: Data((summary.json(sweep, policy: policy).serialized() + "\n").utf8)) else {
                throw InputError("\(OptionName.summary.flag) \(path)", expected: "a file path that can be written")
            }
        }
        if !(output.quiet && !failed), let gh = output.annotations(text: format == .text) {
            gh.begin(info)
            groups.forEach(gh.add)
            gh.end(nil)
        }
        if failed { throw ExitCode(ExitStatus.failed.rawValue) }
    }
}

/// Progress on stderr, only when stderr is a terminal and the sweep has run for more than half a second.
final class Progress {
    let total: UInt64
    let start = Date()
    let tty = isatty(2) == 1
    var shown = false

    init(total: UInt64) { self.total = total }

    func update(_ done: UInt64) {
        guard tty else { return }
        let t = Date().timeIntervalSince(start)
        guard t > 0.5 else { return }
        shown = true
        let pct = total == 0 ? 100 : Double(done) * 100 / Double(total)
        writeStandardError("\rsweep: \(done) / \(total) combinations (\(pct.fixed(1))%), \(t.fixed(1)) s")
    }

    func finish() {
        if shown { writeStandardError("\r\u{1b}[K") }
    }
}

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

/// `fleet --format`.
enum FleetFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, prometheus, html
}

struct FleetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fleet",
        abstract: "Judge every capture under the given directories, each exactly as 'host --root' judges it alone.",
        discussion: """
            Finds every capture directory and capture tar (what 'memmap-check capture DIR [-o FILE.tar]' and \
            'memmap-capture' write, or a copied tree with \
            sys/devices/system/node or memory) under each DIR and judges each on its own, in parallel \
            (--jobs). The host label is the capture's path below DIR. A capture that cannot be read is \
            reported as unreadable and the run goes on. Formats: text (a table), json ('hosts': each \
            capture's 'host --format json' document as 'report', plus a summary), prometheus (the host \
            families with a 'host' label), html (hosts grouped by verdict and release/arch/mode, failing \
            first, each with its SVG map). Exit 1 when a capture fails, 2 for bad input.
            """)

    @Argument(help: ArgumentHelp("Directories holding captures (searched up to 8 levels deep; symbolic links are not followed).", valueName: "dir"),
              completion: .directory)
    var dirs: [String]

    @Option(name: .customLong(OptionName.format.long), help: "Output format: text, json, prometheus or html.", completion: Complete.formats(FleetFormat.self))
    var format: FleetFormat = .text

    @Option(name: .customLong(OptionName.jobs.long), help: ArgumentHelp("Threads judging captures (default: all cores online). Output is the same for every N.", valueName: "n"))
    var jobs: Int = Sweep.defaultJobs

    @Option(name: .customLong(OptionName.output.long), help: ArgumentHelp("Write the report to this file instead of stdout, atomically (a temporary file in the same directory renamed over it).", valueName: "file"),
            completion: .file())
    var output: String?

    @Option(name: .customLong(OptionName.mapsDir.long), help: ArgumentHelp("html: write each host's SVG map into this existing directory as HOST.svg and link it (default: embed the maps in the page, about 30-60 KB per host).", valueName: "dir"),
            completion: .directory)
    var mapsDir: String?

    @OptionGroup var preview: PreviewOptions

    func validate() throws {
        guard jobs >= 1 else { throw InputError("\(OptionName.jobs.flag) \(jobs)", expected: "a number of threads of at least 1") }
        if let m = mapsDir {
            guard format == .html else { throw InputError("\(OptionName.mapsDir.flag) \(m)", expected: "--format html (only the html page links maps)") }
            guard PathName.isDirectory(m) == true else {
                throw InputError("\(OptionName.mapsDir.flag) \(m)", expected: "an existing directory")
            }
        }
    }

    func run() throws {
        let captures = try Fleet.discover(dirs)
        guard !captures.isEmpty else {
            throw InputError("fleet \(dirs.joined(separator: " "))", expected: "directories holding at least one capture (memmap-check capture DIR, or copied sys/ and proc/ trees)")
        }
        let policy = FailPolicy.error
        var info = RunInfo(command: .host, policy: policy)
        info.arguments = Array(CommandLine.arguments.dropFirst(2))
        let file = OutputFile(output)
        let writer: any FleetWriter
        switch format {
        case .text: writer = FleetTextWriter(out: file.stream)
        case .json: writer = FleetJSONWriter(out: file.stream)
        case .prometheus: writer = FleetPrometheusWriter(out: file.stream)
        case .html: writer = FleetHTMLWriter(out: file.stream, mapsDir: mapsDir)
        }
        let preview = self.preview.request
        let tty = isatty(2) == 1
        let start = Date()
        var summary = FleetSummary()
        summary.jobs = jobs
        writer.begin(info)
        Fleet.run(captures, jobs: jobs, preview: preview) { h in
            summary.count(h, policy)
            writer.add(h)
            if tty {
                writeStandardError("\rfleet: \(summary.captures) / \(captures.count) captures")
            }
        }
        if tty { writeStandardError("\r\u{1b}[K") }
        summary.seconds = Date().timeIntervalSince(start)
        writer.end(summary)
        try file.finish()
        if let html = writer as? FleetHTMLWriter, !html.mapErrors.isEmpty {
            for e in html.mapErrors { writeStandardError("memmap-check: map not written: \(e)\n") }
        }
        if summary.failed > 0 { throw ExitCode(ExitStatus.failed.rawValue) }
    }
}

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

struct Capture: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the files `host` reads into DIR, so `host --root DIR` replays this host's layout.",
        discussion: "DIR must be new or empty. A manifest (memmap-check-capture.json) records the kernel release, page size, time, what libnuma said and which files could not be read.")

    @Argument(help: ArgumentHelp("The directory to write (new or empty).", valueName: "dir"))
    var dir: String

    func validate() throws {
        if let entries = try? FileManager.default.contentsOfDirectory(atPath: dir), !entries.isEmpty {
            throw InputError("capture \(dir)", expected: "a new or empty directory (it holds \(entries.count) entries)")
        }
        var st = stat()
        if stat(dir, &st) == 0, st.st_mode & S_IFMT != S_IFDIR {
            throw InputError("capture \(dir)", expected: "a directory, not a file")
        }
    }

    func run() throws {
        let s = try HostCapture.capture(to: dir)
        print("captured \(s.written) files into \(dir); manifest \(s.manifest)")
        for u in s.unreadable { print("  could not read \(u)") }
    }
}

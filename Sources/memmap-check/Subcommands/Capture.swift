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

struct CaptureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capture",
        abstract: "Copy the files `host` reads into DIR, so `host --root DIR` replays this host's layout.",
        discussion: "DIR must be new or empty. A manifest (memmap-check-capture.json) records the kernel release, page size, time, what libnuma said, which files could not be read and, as root, the real pfn_to_page(0) read through /proc/kcore. What is captured is the same C code the static memmap-capture runs on hosts without the tool. Prints one line; exit 2 when DIR is not new or empty, 3 when it cannot be written.")

    @Argument(help: ArgumentHelp("The directory to write (new or empty).", valueName: "dir"), completion: .directory)
    var dir: String

    @Option(name: [.customShort("o"), .customLong(OptionName.output.long)], help: ArgumentHelp("Also write the capture as one tar file, which `host --root` accepts.", valueName: "file.tar"), completion: .file(extensions: ["tar"]))
    var output: String?

    func validate() throws {
        var st = stat()
        if stat(dir, &st) == 0, st.st_mode & S_IFMT != S_IFDIR {
            throw InputError("capture \(dir)", expected: "a directory, not a file")
        }
        if let entries = try? FileManager.default.contentsOfDirectory(atPath: dir), !entries.isEmpty {
            throw InputError("capture \(dir)", expected: "a new or empty directory (it holds \(entries.count) entries)")
        }
        if let output, FileManager.default.fileExists(atPath: output) {
            throw InputError("--output \(output)", expected: "a new file (it exists)")
        }
    }

    func run() throws {
        let s = try HostCapture.capture(to: dir, tar: output)
        print(s.line)
    }
}

import Foundation
import Testing
@testable import SparseCheck

/// One way in for options (typed at parse time, one table of names, the configuration built once)
/// and one layer over C (only Sources/SparseCheck/Mirror imports CSparse).
@Suite("Options and the C boundary")
struct OptionsTests {
    @Test("only Sources/SparseCheck/Mirror/ imports CSparse")
    func cBoundary() throws {
        let root = packageRoot.appendingPathComponent("Sources/SparseCheck").path
        let files = try #require(FileManager.default.subpaths(atPath: root)).filter { $0.hasSuffix(".swift") }
        #expect(files.count > 20, "Sources/SparseCheck not found at \(root)")
        var importers: [String] = []
        for rel in files {
            let text = try String(contentsOfFile: root + "/" + rel, encoding: .utf8)
            let imports = text.split(separator: "\n").contains { line in
                let words = line.split(separator: " ")
                return words.contains("import") && words.last == "CSparse"
            }
            if imports { importers.append(rel) }
        }
        #expect(!importers.isEmpty, "no file imports CSparse: the test reads the wrong tree")
        let outside = importers.filter { !$0.hasPrefix("Mirror/") }
        #expect(outside.isEmpty, "import CSparse outside Mirror/: \(outside)")
    }

    /// A FIFO serves the .config once: a second open by the tool would wait forever for a writer, so
    /// the tool finishing (within the deadline) with a result shows it read the file once. Before,
    /// `check` read it in validate() and again in run(), so `--kconfig <(zcat config.gz)` could not work.
    @Test("check --kconfig reads the file once (a FIFO serves it once)")
    func kconfigReadOnce() throws {
        let fifo = FileManager.default.temporaryDirectory.appendingPathComponent("memmap-fifo-\(UUID().uuidString)").path
        #expect(mkfifo(fifo, 0o600) == 0)
        defer { unlink(fifo) }
        let content = try Data(contentsOf: URL(fileURLWithPath: fixture("kconfig/debian-arm64-arm64-7.2.13.config")))
        let writer = Thread {
            let fd = open(fifo, O_WRONLY) // blocks until the tool opens it
            guard fd >= 0 else { return }
            content.withUnsafeBytes { b in
                var off = 0
                while off < b.count {
                    let n = write(fd, b.baseAddress! + off, b.count - off)
                    if n <= 0 { break }
                    off += n
                }
            }
            close(fd)
        }
        writer.start()
        let p = Process()
        p.executableURL = CLI.binary
        p.arguments = ["check", "--kconfig", fifo, "--format", "json"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile() // EOF once the tool exits
        let deadline = Date().addingTimeInterval(60)
        while p.isRunning && Date() < deadline { usleep(10000) }
        let hung = p.isRunning
        if hung { p.terminate() }
        #expect(!hung, "check --kconfig FIFO did not finish: it opened the file a second time")
        #expect(p.terminationStatus == 0 || p.terminationStatus == 1)
        let doc = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        #expect(doc != nil, "no JSON document")
    }

    @Test("typed options: a bad value exits 2 with one line naming the option and what was expected", arguments: [
        (["check", "--dram-base", "zz"], "--dram-base zz: expected a hexadecimal address"),
        (["check", "--vmemmap-base", "0x1g"], "--vmemmap-base 0x1g: expected"),
        (["check", "--page-size", "3K"], "--page-size 3K: expected a power of two"),
        (["check", "--section-bits", "x"], "--section-bits x: expected SECTION_SIZE_BITS"),
        (["check", "--struct-page-size", "60"], "--struct-page-size 60: expected sizeof(struct page)"),
        (["check", "--paging-mode", "sv64"], "--paging-mode sv64: expected a paging mode"),
        (["check", "--kernel", "7.x"], "--kernel 7.x: expected"),
        (["explain", "folio-vmemmap-align", "--physmem-bits", "99"], "--physmem-bits 99: expected MAX_PHYSMEM_BITS"),
        (["presets", "--kernel", "latest"], "--kernel latest: expected"),
        (["sweep", "--presets", "x86_64", "--vmemmap-bases", "1000,zz"], "--vmemmap-bases zz: expected"),
        (["sweep", "--presets", "x86_64", "--hvo", "maybe"], "--hvo maybe: expected config, on, off, both"),
        (["sweep", "--presets", "x86_64", "--shard", "3/2"], "--shard 3/2: expected"),
        (["sweep", "--presets", "x86_64", "--max-folio-orders", "64"], "--max-folio-orders 64: expected MAX_FOLIO_ORDER"),
        (["check", "--kconfig", "/nonexistent.config", "--page-size", "16K"], "--page-size 16 KiB with --kconfig"),
    ])
    func typedOptions(args: [String], message: String) throws {
        let o = try CLI.run(args)
        #expect(o.status == 2, "\(args): exit \(o.status) \(o.stderr)")
        #expect(o.stdout.isEmpty, "\(args): \(o.stdout)")
        #expect(o.stderr.split(separator: "\n").count == 1, "\(args): \(o.stderr)")
        #expect(o.stderr.hasPrefix("memmap-check: error: " + message), "\(args): \(o.stderr)")
    }

    @Test("the table of option names: distinct flags, negations as the CLI spells them")
    func table() {
        #expect(Set(OptionName.allCases.map(\.flag)).count == OptionName.allCases.count)
        #expect(OptionName.dramBase.flag == "--dram-base" && OptionName.hvo.negated == "--no-hvo")
    }

    @Test("the same digits are the same address in check and sweep's reproduce command")
    func reproduceCommandsAreTyped() throws {
        var o = Overrides()
        o.physmemBits = 46
        o.kaslr = false
        o.dramBase = 0x8000_0000
        #expect(o.arguments == ["--dram-base", "0x80000000", "--physmem-bits", "46", "--no-kaslr"])
        #expect(try OptionParser.address(.dramBase)("80000000") == 0x8000_0000)
        #expect(try OptionParser.axis(.dramBases, OptionParser.address(.dramBases))("1000") == .list([0x1000]))
    }
}


import Foundation
import Testing

/// Issue 18: inputs that deserve a clear refusal exit 2 with one line that names the input and what was
/// expected, and never echo control bytes from the input to the terminal.
@Suite("Clear refusals")
struct RefusalTests {
    /// stderr is one line of printable text (no control byte but its final newline).
    static func oneCleanLine(_ out: CLI.Output) -> Bool {
        let lines = out.stderr.split(separator: "\n", omittingEmptySubsequences: false)
        let printable = out.stderr.utf8.allSatisfy { $0 == 0x0a || ($0 >= 0x20 && $0 != 0x7f) }
        return lines.count == 2 && lines[1].isEmpty && printable
    }

    static func temp(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("memmap-refusal-\(UUID().uuidString)-\(name)").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("a directory as --kconfig is named as a directory (check, explain)")
    func directoryAsKconfig() throws {
        for args in [["check", "--kconfig", fixture("kconfig")], ["explain", "folio-vmemmap-align", "--kconfig", fixture("kconfig")]] {
            let out = try CLI.run(args)
            #expect(out.status == 2)
            #expect(Self.oneCleanLine(out), "\(out.stderr)")
            #expect(out.stderr.contains("is a directory"), "\(out.stderr)")
            #expect(out.stderr.contains("--kconfig"), "\(out.stderr)")
        }
    }

    @Test("a binary file as --kconfig is named as binary, its bytes not echoed (plain and gzip)")
    func binaryAsKconfig() throws {
        // An ELF head, an ANSI escape that would colour the terminal, a bell.
        let elf: [UInt8] = [0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00] + Array("CONFIG_X=y\n\u{1b}[31mred\u{07}\n".utf8)
        let plain = try Self.temp("elf.config", elf)
        defer { unlink(plain) }
        let out = try CLI.run(["check", "--kconfig", plain])
        #expect(out.status == 2)
        #expect(Self.oneCleanLine(out), "\(out.stderr.debugDescription)")
        #expect(out.stderr.contains("binary"), "\(out.stderr)")
        // A control byte in a line that is otherwise a .config line: refused the same way.
        let escape = try Self.temp("esc.config", Array("CONFIG_64BIT=y\nCONFIG_X=\"\u{1b}]0;pwned\u{07}\"\n".utf8))
        defer { unlink(escape) }
        let out2 = try CLI.run(["check", "--kconfig", escape])
        #expect(out2.status == 2)
        #expect(Self.oneCleanLine(out2), "\(out2.stderr.debugDescription)")
    }

    @Test("a control byte in an argument is shown escaped in the error line")
    func controlByteArgument() throws {
        let out = try CLI.run(["check", "--preset", "x86\u{1b}[2J_64"])
        #expect(out.status == 2)
        #expect(Self.oneCleanLine(out), "\(out.stderr.debugDescription)")
        #expect(out.stderr.contains("\\x1b"), "\(out.stderr)")
    }

    @Test("a DRAM start at or above 1 << MAX_PHYSMEM_BITS is refused (riscv64, arm64), in the C mirror too")
    func dramBeyondPhysmem() throws {
        for (preset, bits) in [("riscv64-sv39", 56), ("arm64-4k-va48", 48)] {
            let out = try CLI.run(["check", "--preset", preset, "--dram-base", "0xffffffffffffffff"])
            #expect(out.status == 2, "\(preset): \(out.stdout.prefix(200))")
            #expect(Self.oneCleanLine(out), "\(out.stderr)")
            #expect(out.stderr.contains("--dram-base 0xffffffffffffffff"), "\(out.stderr)")
            #expect(out.stderr.contains("MAX_PHYSMEM_BITS (\(bits))"), "\(out.stderr)")
            // The last start below the limit still checks.
            let below = try CLI.run(["check", "--preset", preset, "--dram-base", String((UInt64(1) << UInt64(bits)) - (1 << 30), radix: 16)])
            #expect(below.status <= 1, "\(preset): \(below.stderr)")
        }
    }

    @Test("an unknown subcommand is named as such, with a suggestion")
    func unknownSubcommand() throws {
        let out = try CLI.run(["chek", "--preset", "x86_64"])
        #expect(out.status == 2)
        #expect(Self.oneCleanLine(out), "\(out.stderr)")
        #expect(out.stderr.contains("unknown subcommand 'chek'"), "\(out.stderr)")
        #expect(out.stderr.contains("did you mean 'check'"), "\(out.stderr)")
        #expect(!out.stderr.contains("--preset"), "\(out.stderr)")
        // Options before a subcommand and the subcommands themselves are not affected.
        #expect(try CLI.run(["check", "--preset", "x86_64"]).status == 0)
        #expect(try CLI.run(["--version"]).status == 0)
    }

    @Test("a release newer than the newest modelled runs on the newest formulas with a warning finding that --fail-on warning stops on")
    func releaseBeyondTable() throws {
        let out = try CLI.run(["check", "--preset", "x86_64", "--kernel", "9.9"])
        #expect(out.status == 0, "\(out.stderr)")
        let line = out.stdout.split(separator: "\n").first { $0.contains("release-modelled") }
        let text = try #require(line.map(String.init), "\(out.stdout)")
        #expect(text.contains("WARN") && text.contains("9.9"), "\(text)")
        // It names the formulas used: the newest modelled release.
        let json = try CLI.run(["check", "--preset", "x86_64", "--kernel", "9.9", "--format", "json"])
        let finding = findings(json.json).first { $0["rule"] as? String == "release-modelled" }
        #expect(finding?["severity"] as? String == "warning", "\(json.stdout.prefix(300))")
        #expect((finding?["message"] as? String)?.contains("formulas") == true)
        let gate = try CLI.run(["check", "--preset", "x86_64", "--kernel", "9.9", "--fail-on", "warning"])
        #expect(gate.status == 1, "\(gate.stdout.suffix(300))")
        // A modelled release adds no such finding.
        let modelled = try CLI.run(["check", "--preset", "x86_64", "--kernel", "7.3", "--fail-on", "warning"])
        #expect(!modelled.stdout.contains("release-modelled"))
    }
}

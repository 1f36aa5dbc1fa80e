import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import SparseCheck

struct MemmapCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memmap-check",
        abstract: "Check that the memmap (the struct page array) is aligned the way Linux's sparse memory model needs it.",
        discussion: """
            Mirrors the kernel's SPARSEMEM / SPARSEMEM_VMEMMAP arithmetic, including Linux 7.1's \
            mask-encoded compound_info check in sparse_init(), for any configuration before boot.

            Exit codes:
              0  no failing check of severity error
              1  at least one failing check of severity error
              2  bad input or usage
              3  the environment cannot answer
            """,
        version: ToolVersion.current,
        subcommands: [HostCommand.self, CheckCommand.self, SweepCommand.self, FleetCommand.self, MergeCommand.self, ExplainCommand.self, PresetsCommand.self, CaptureCommand.self])

    /// Parses and runs, mapping every outcome onto the documented exit codes: usage errors, which
    /// swift-argument-parser would report as 64, are 2 here, and every error is one line.
    static func runMapped(_ arguments: [String]? = nil) -> Never {
        if let word = unknownSubcommand(arguments ?? Array(CommandLine.arguments.dropFirst())) {
            let names = subcommandNames
            let near = names.filter { editDistance($0, word) <= 2 }
            fail("unknown subcommand '\(word)': expected one of \(names.joined(separator: ", "))"
                 + (near.isEmpty ? "" : " (did you mean '\(near[0])'?)"), .badInput)
        }
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            Glibc.exit(ExitStatus.ok.rawValue)
        } catch let e as ExitCode {
            Glibc.exit(e.rawValue)
        } catch let e as InputError {
            fail(e.description, .badInput)
        } catch let e as EnvironmentError {
            fail(e.description, .environment)
        } catch {
            if let e = inputError(in: error) {
                fail(e.description, .badInput) // a typed option's transform threw: its own one line
            }
            if exitCode(for: error) == .success {
                self.exit(withError: error) // --help, --version: printed to stdout, exit 0
            }
            let text = message(for: error)
            let line = text.split(separator: "\n").first.map(String.init) ?? "usage error"
            fail(line.replacingAll("Error: ", with: ""), .badInput)
        }
    }

    /// The `InputError` an option's `transform` (OptionParser) or `validate()` threw, which
    /// swift-argument-parser wraps in its own (internal) error types: found by reflection, so the line
    /// printed is the library's ("--dram-base zz: expected ...") rather than argument-parser's prefix.
    static func inputError(in value: Any, depth: Int = 0) -> InputError? {
        if let e = value as? InputError { return e }
        guard depth < 6 else { return nil }
        for child in Mirror(reflecting: value).children {
            if let e = inputError(in: child.value, depth: depth + 1) { return e }
        }
        return nil
    }

    /// The subcommands' names, as typed.
    static var subcommandNames: [String] { configuration.subcommands.map { $0._commandName } }

    /// The first argument when it is a word (not an option) that names no subcommand: swift-argument-parser
    /// would go on to complain about the options after it ("Unknown option '--preset'").
    static func unknownSubcommand(_ args: [String]) -> String? {
        guard let first = args.first, !first.hasPrefix("-"), !first.isEmpty else { return nil }
        return subcommandNames.contains(first) || first == "help" ? nil : first
    }

    /// Levenshtein distance, for "did you mean".
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var prev = row[0]
            row[0] = i
            for j in 1...max(b.count, 1) where !b.isEmpty {
                let cur = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] == b[j - 1] ? 0 : 1))
                prev = cur
            }
        }
        return row[b.count]
    }

    /// One line, printable: control characters from the input (a file's bytes, an argument) are shown
    /// as `\xNN`, never sent to the terminal.
    static func printable(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            if u.value < 0x20 || u.value == 0x7f || (0x80..<0xa0).contains(u.value) {
                out += "\\x" + (u.value < 0x10 ? "0" : "") + String(u.value, radix: 16)
            } else {
                out.unicodeScalars.append(u)
            }
        }
        return out
    }

    static func fail(_ message: String, _ status: ExitStatus) -> Never {
        writeStandardError("memmap-check: error: \(printable(message))\n")
        Glibc.exit(status.rawValue)
    }
}

/// Writes `text` to stderr unbuffered, as it is (FileHandle.standardError.write did the same).
func writeStandardError(_ text: String) {
    var bytes = Array(text.utf8)[...]
    while !bytes.isEmpty {
        let n = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        if n < 0, errno == EINTR { continue }
        guard n > 0 else { return }
        bytes = bytes.dropFirst(n)
    }
}

@main
enum Main {
    static func main() {
        MemmapCheck.runMapped()
    }
}

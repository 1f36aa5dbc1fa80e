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
        subcommands: [Host.self, Check.self, SweepCommand.self, MergeCommand.self, ExplainCommand.self, PresetsCommand.self, Capture.self])

    /// Parses and runs, mapping every outcome onto the documented exit codes: usage errors, which
    /// swift-argument-parser would report as 64, are 2 here, and every error is one line.
    static func runMapped(_ arguments: [String]? = nil) -> Never {
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

    static func fail(_ message: String, _ status: ExitStatus) -> Never {
        writeStandardError("memmap-check: error: \(message)\n")
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

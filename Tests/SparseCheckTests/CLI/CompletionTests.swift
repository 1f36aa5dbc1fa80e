import Foundation
import Testing
@testable import SparseCheck

/// Issue 18: the bash completion the tool generates completes what each option takes. Each test sources
/// `memmap-check --generate-completion-script bash` in bash, sets COMP_WORDS/COMP_CWORD/COMP_LINE as bash
/// does for the words typed, calls the generated function `_memmap-check` and reads COMPREPLY; it runs in
/// a temporary directory holding a file and a directory, so file and directory completion can be told apart.
@Suite("Shell completion (bash)")
struct CompletionTests {
    static let script: String? = {
        guard let out = try? CLI.run(["--generate-completion-script", "bash"]), out.status == 0 else { return nil }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("memmap-check-completion-\(getpid()).bash").path
        return (try? out.stdout.write(toFile: path, atomically: true, encoding: .utf8)) != nil ? path : nil
    }()

    static let driver = """
        source "$1"; shift
        COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
        COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}
        _memmap-check memmap-check "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
        printf '%s\\n' "${COMPREPLY[@]}"
        """

    /// A directory with `a.config` (a file) and `sub/` (a directory).
    static let workdir: URL = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("memmap-check-completion-\(getpid())")
        try? FileManager.default.createDirectory(at: dir.appendingPathComponent("sub"), withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: dir.appendingPathComponent("a.config").path, contents: Data("CONFIG_X=y\n".utf8))
        return dir
    }()

    /// What bash offers after `memmap-check WORDS` (the last word being completed; "" for a new word).
    static func complete(_ words: String...) throws -> Set<String> { try complete(words) }

    static func complete(_ words: [String]) throws -> Set<String> {
        let script = try #require(Self.script, "memmap-check --generate-completion-script bash")
        let out = try CLI.run(["-c", driver, "driver", script, "memmap-check"] + words,
                              executable: URL(fileURLWithPath: "/bin/bash"), directory: workdir)
        #expect(out.status == 0, "\(out.stderr)")
        return Set(out.stdout.split(separator: "\n").map(String.init))
    }

    @Test("files after --kconfig (check, explain, sweep) and host --root (a tree or its tar); directories only after sweep --root and capture")
    func paths() throws {
        #expect(try Self.complete("check", "--kconfig", "").isSuperset(of: ["a.config", "sub"]))
        #expect(try Self.complete("explain", "folio-vmemmap-align", "--kconfig", "a.").contains("a.config"))
        #expect(try Self.complete("sweep", "--kconfig", "").contains("a.config"))
        // host --root also takes the tar `capture -o` writes: files and directories.
        #expect(try Self.complete("host", "--root", "").isSuperset(of: ["a.config", "sub"]))
        for words in [["sweep", "--root", ""], ["capture", ""]] {
            let got = try Self.complete(words)
            #expect(got.contains("sub") && !got.contains("a.config"), "\(words): \(got)")
        }
    }

    @Test("preset names after --preset and --presets (all 23, filtered by what is typed)")
    func presets() throws {
        #expect(try Self.complete("check", "--preset", "") == Set(Preset.all.map(\.name)))
        #expect(try Self.complete("host", "--preset", "riscv64-sv") == ["riscv64-sv39", "riscv64-sv48", "riscv64-sv57"])
        let sweep = try Self.complete("sweep", "--presets", "")
        #expect(sweep.contains("all") && sweep.isSuperset(of: Preset.all.map(\.name)))
    }

    @Test("the values of every --format, and of --fail-on and --paging-mode")
    func formats() throws {
        #expect(try Self.complete("check", "--format", "") == ["text", "json", "jsonl", "junit", "sarif", "prometheus"])
        #expect(try Self.complete("sweep", "--format", "") == ["text", "json", "jsonl", "junit", "sarif", "html"])
        #expect(try Self.complete("host", "--format", "") == ["text", "json", "svg", "prometheus"])
        #expect(try Self.complete("fleet", "--format", "") == ["text", "json", "prometheus", "html"])
        #expect(try Self.complete("merge", "--format", "") == ["text", "json"])
        #expect(try Self.complete("presets", "--format", "") == ["text", "json"])
        #expect(try Self.complete("check", "--fail-on", "") == ["error", "warning", "info", "never"])
        #expect(try Self.complete("check", "--paging-mode", "sv") == ["sv39", "sv48", "sv57"])
    }

    @Test("rule names after explain; releases after --kernel")
    func rulesAndReleases() throws {
        #expect(try Self.complete("explain", "") == Set(RuleID.allCases.map(\.rawValue) + [LayoutRuleID.modelDrift.rawValue]))
        let kernels = try Self.complete("check", "--kernel", "")
        #expect(kernels.isSuperset(of: FormulaTable.rowReleases.map(\.seen) + ["proposed"]), "\(kernels)")
        #expect(try Self.complete("sweep", "--kernel", "").contains("all"))
    }
}

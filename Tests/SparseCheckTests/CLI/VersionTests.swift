import Foundation
import Testing
@testable import SparseCheck

/// `--version` and the completion scripts scripts/package.sh ships, from the one version string.
@Suite("memmap-check --version and completion scripts")
struct VersionTests {
    @Test("--version prints ToolVersion.current and exits 0")
    func version() throws {
        let o = try CLI.run(["--version"])
        #expect(o.status == 0)
        #expect(o.stdout == ToolVersion.current + "\n")
        #expect(o.stderr.isEmpty)
    }

    @Test("the version is semantic (MAJOR.MINOR.PATCH), usable as a Debian package version")
    func versionShape() {
        let parts = ToolVersion.current.split(separator: ".")
        #expect(parts.count == 3 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) })
    }

    @Test("CHANGELOG.md has a section for the current version")
    func changelog() throws {
        let text = try String(contentsOf: packageRoot.appendingPathComponent("CHANGELOG.md"), encoding: .utf8)
        #expect(text.components(separatedBy: "\n").contains("## \(ToolVersion.current)"))
    }

    @Test("completion scripts for bash, zsh and fish name every subcommand", arguments: ["bash", "zsh", "fish"])
    func completions(shell: String) throws {
        let o = try CLI.run(["--generate-completion-script", shell])
        #expect(o.status == 0, "\(o.stderr)")
        for sub in ["host", "check", "sweep", "merge", "explain", "presets", "capture"] {
            #expect(o.stdout.contains(sub), "\(shell) completion lacks \(sub)")
        }
    }
}

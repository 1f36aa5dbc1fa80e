import Foundation
import Testing

/// Replays every fuzz seed and every crash the fuzzers found (Tests/Fuzz/regressions) through the same
/// harnesses `scripts/fuzz.sh` runs, built without the fuzzer: each must pass its invariants.
@Suite("Fuzz corpus replay")
struct FuzzCorpusTests {
    static let fuzzDir = testsDir.deletingLastPathComponent().appendingPathComponent("Fuzz")

    static var targets: [String] {
        let dir = fuzzDir.appendingPathComponent("corpus").path
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
    }

    @Test("every seed and regression input passes its harness", arguments: targets)
    func replay(target: String) throws {
        let binary = CLI.binary.deletingLastPathComponent().appendingPathComponent("memmap-fuzz")
        var dirs = [Self.fuzzDir.appendingPathComponent("corpus/\(target)").path]
        let regressions = Self.fuzzDir.appendingPathComponent("regressions/\(target)").path
        if FileManager.default.fileExists(atPath: regressions) { dirs.append(regressions) }
        var env = ProcessInfo.processInfo.environment
        env["MEMMAP_FUZZ_TARGET"] = target
        let o = try CLI.run(dirs, environment: env, executable: binary)
        let text = o.stdout + o.stderr
        #expect(o.status == 0, "\(text)")
        #expect(text.contains("through \(target)"))
    }
}

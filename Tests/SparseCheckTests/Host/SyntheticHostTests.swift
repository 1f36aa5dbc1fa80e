import Foundation
import Testing
@testable import SparseCheck

/// Small trees from scripts/gen-synthetic-host.py (the generator of the 24 TiB benchmark tree).
private let python3 = ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }

/// Generates a tree into a fresh temporary directory; returns it and the generator's expected layout.
private func generate(_ args: [String]) throws -> (dir: String, expected: [String: Any]) {
    let script = packageRoot.appendingPathComponent("scripts/gen-synthetic-host.py").path
    let dir = NSTemporaryDirectory() + "memmap-check-synth-\(UUID().uuidString)"
    let o = try CLI.run([script, dir, "--print-expected"] + args, executable: URL(fileURLWithPath: try #require(python3)))
    #expect(o.status == 0, "\(o.stderr)")
    let data = Data(o.stdout.utf8)
    return (dir, try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any]))
}

private func check(_ dir: String) throws -> HostCheck {
    let files = try HostFiles(root: dir)
    let layout = try HostReader.read(files)
    let (config, _) = try layout.config(preset: nil, overrides: Overrides(), files: files)
    return try LayoutChecker.check(layout, config: config)
}

private func rule(_ h: HostCheck, _ r: LayoutRuleID) -> [Finding] { h.result.findings.filter { $0.rule == .layout(r) } }

@Suite(.enabled(if: python3 != nil))
struct SyntheticHostTests {
    @Test("node boundaries inside blocks are shared sections") func nodeBoundariesInsideBlocksAreSharedSections() throws {
        let (dir, exp) = try generate(["--blocks", "64", "--nodes", "4", "--shared-offset", "64"])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let h = try check(dir)
        let shared = try #require(exp["shared_blocks"] as? [String: [Int]])
        #expect(shared == ["16": [0, 1], "40": [1, 2], "56": [2, 3]])
        // 128 MiB blocks are one section each: each shared block is one shared section, owned by the lower node.
        #expect(h.sharedSections.map { Int($0.section) } == [16, 40, 56])
        #expect(h.sharedSections.map(\.owner) == [0, 1, 2])
        #expect(h.sharedSections.map(\.others) == [[1], [2], [3]])
        #expect(h.sharedSections.map(\.memoryBlock) == [16, 40, 56])
        for f in rule(h, .nodeSectionShared) { #expect(f.message.contains("valid_zones reads 'none'")) }
        #expect(rule(h, .nodeSectionShared).first?.message.contains("node 1's 64 MiB here (pfn 0x84000-0x87fff)") == true)
        #expect(rule(h, .nodeMemmapOffnode).count == 3)
        #expect(rule(h, .layoutSourcesDisagree).isEmpty, "\(rule(h, .layoutSourcesDisagree).map(\.message))")
        #expect(rule(h, .layoutSource).filter { $0.severity == .warning }.isEmpty)
        // The generator's ranges, page-exact.
        let nodes = try #require(exp["nodes"] as? [[String: Any]])
        for (n, e) in zip(h.layout.nodes, nodes) {
            let ranges = (e["ranges"] as! [[UInt64]]).map { PhysRange($0[0], $0[1]) }
            #expect(n.ranges.map(\.range) == ranges, "node \(n.id)")
        }
        #expect(h.layout.blocks.count == 64)
        #expect(h.layout.blocks.first { $0.id == 16 }?.nodes == [0, 1])
        // Sections touched vs owned: node 1 touches 17 sections (16-23, 32-40) and owns 16 of them.
        #expect(h.nodes[1].sections == 17 && h.nodes[1].sectionsOwned == 16)
        #expect(h.nodes.map(\.sectionsOwned).reduce(0, +) == 64)
    }

    @Test("block aligned boundaries share nothing") func blockAlignedBoundariesShareNothing() throws {
        let (dir, exp) = try generate(["--blocks", "64", "--nodes", "4"])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let h = try check(dir)
        #expect((exp["shared_blocks"] as? [String: [Int]])?.isEmpty == true)
        #expect(h.sharedSections.isEmpty)
        #expect(rule(h, .nodeMemmapOffnode).isEmpty)
        #expect(rule(h, .layoutSourcesDisagree).isEmpty)
        #expect(h.layout.nodes.map(\.blockIDs.count) == [16, 16, 16, 16])
        // Blocks 24-31 are the PCI hole (3-4 GiB): absent, as on a real x86 machine.
        #expect(h.layout.blocks.map(\.id) == Array(0...23) + Array(32...71))
        #expect(h.layout.blocks.allSatisfy { $0.state == .online })
        #expect(FailPolicy.error.verdict(h.result).status == "pass")
    }

    @Test("block state problems are reported on the fast path") func blockStateProblemsAreReportedOnTheFastPath() throws {
        let (dir, _) = try generate(["--blocks", "16", "--nodes", "2"])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let mem = dir + "/sys/devices/system/memory"
        let fm = FileManager.default
        // memory3: no state file; memory4: an empty one; memory5: a state file longer than one read buffer.
        try fm.removeItem(atPath: mem + "/memory3/state")
        try "".write(toFile: mem + "/memory4/state", atomically: false, encoding: .utf8)
        try fm.setAttributes([.posixPermissions: 0o644], ofItemAtPath: mem + "/memory5/state")
        try ("online" + String(repeating: " ", count: 5000) + "\n").write(toFile: mem + "/memory5/state", atomically: false, encoding: .utf8)
        // memory6: a directory replaced by a symlink leaving the tree.
        let outside = NSTemporaryDirectory() + "memmap-check-outside-\(UUID().uuidString)"
        try fm.createDirectory(atPath: outside, withIntermediateDirectories: true)
        defer { try? fm.removeItem(atPath: outside) }
        try "offline\n".write(toFile: outside + "/state", atomically: false, encoding: .utf8)
        try fm.removeItem(atPath: mem + "/memory6")
        try fm.createSymbolicLink(atPath: mem + "/memory6", withDestinationPath: outside)
        let L = try HostReader.read(try HostFiles(root: dir))
        let state = Dictionary(uniqueKeysWithValues: L.blocks.map { ($0.id, $0.state) })
        #expect(state[3] == .unknown && state[4] == .unknown && state[6] == .unknown)
        #expect(state[5] == .online, "a long file goes through the bounded reader and is trimmed")
        #expect(state[7] == .online)
        let tree = try #require(L.sources.first { $0.name == "memory-block tree" })
        #expect(tree.status == "malformed")
        #expect(tree.detail?.contains("3 of 16 blocks have no readable state: memory3/state, memory4/state, memory6/state") == true)
        #expect(L.sources.contains { $0.name == "memory3 state" && $0.status == "missing" && $0.path == "sys/devices/system/memory/memory3/state" })
        #expect(L.sources.contains { $0.name == "memory6 state" && $0.status == "escapes-root" })
    }
}

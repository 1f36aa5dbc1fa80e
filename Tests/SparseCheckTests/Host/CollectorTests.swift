import Foundation
import Testing
@testable import SparseCheck

// memmap-capture, the static collector (CCapture, the same C code `capture` runs): it captures this
// machine as a live `host` sees it, refuses a non-empty DIR like `capture`, and its tar replays.

/// The built `memmap-capture` (beside memmap-check).
let collectorBinary = CLI.binary.deletingLastPathComponent().appendingPathComponent("memmap-capture")

/// What two host reports must agree on: the judged base, mode, page size, nodes and blocks.
func judged(_ json: [String: Any]?) -> [String] {
    let r = (json?["results"] as? [[String: Any]])?.first
    let c = r?["config"] as? [String: Any]
    let l = json?["layout"] as? [String: Any]
    let nodes = (l?["nodes"] as? [[String: Any]] ?? []).map { "\($0["id"] ?? "?")" }
    return ["status \(r?["status"] ?? "?")", "base \(c?["vmemmap_base"] ?? "?")", "mode \(c?["paging_mode"] ?? "?")",
            "page \(c?["page_size"] ?? "?")", "struct page \(c?["struct_page_size"] ?? "?")",
            "nodes \(nodes.joined(separator: ","))", "blocks \(l?["memory_block_count"] ?? "?")",
            "observed \(l?["observed"].map { "\($0)" } ?? "none")"]
}

struct CollectorTests {
    @Test("memmap-capture captures this machine with the judged base, nodes and page size a live host gives")
    func capturesThisMachine() throws {
        let dir = NSTemporaryDirectory() + "memmap-capture-\(UUID().uuidString)"
        let tar = dir + ".tar"
        defer { try? FileManager.default.removeItem(atPath: dir); try? FileManager.default.removeItem(atPath: tar) }
        let c = try CLI.run(["-o", tar, dir], executable: collectorBinary)
        #expect(c.status == 0, "\(c.stderr)")
        #expect(c.stdout.hasPrefix("captured ") && c.stdout.split(separator: "\n").count == 1)
        let m = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/" + HostReader.manifestName))) as? [String: Any])
        #expect(m["libnuma"] == nil) // no libnuma in the collector
        #expect((m["running"] as? [String: Any])?["collector"] as? String == "memmap-capture")
        let live = try CLI.run(["host", "--format", "json"])
        let fromDir = try CLI.run(["host", "--root", dir, "--format", "json"])
        let fromTar = try CLI.run(["host", "--root", tar, "--format", "json"])
        // The live host reads the observed base itself; the capture records the same read (or the same refusal).
        #expect(Array(judged(fromDir.json).dropLast()) == Array(judged(live.json).dropLast()))
        #expect(judged(fromTar.json) == judged(fromDir.json))
        #expect(fromTar.status == fromDir.status)
        #expect((fromTar.json?["layout"] as? [String: Any])?["origin"] as? String == tar)
    }

    @Test("memmap-capture and capture refuse a non-empty DIR or a file with exit 2, an uncreatable DIR with exit 3, in the same words")
    func refusesNonEmpty() throws {
        let dir = NSTemporaryDirectory() + "memmap-capture-full-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "x".write(toFile: dir + "/x", atomically: true, encoding: .utf8)
        for (args, exe) in [([dir], collectorBinary), (["capture", dir], CLI.binary)] {
            let o = try CLI.run(args, executable: exe)
            #expect(o.status == 2)
            #expect(o.stdout.isEmpty)
            #expect(o.stderr.contains("expected a new or empty directory (it holds 1 entries)"))
            #expect(o.stderr.split(separator: "\n").count == 1)
        }
        // A file where DIR should be (exit 2) and a DIR that cannot be created (exit 3): the same line from both.
        for (target, status) in [(dir + "/x", Int32(2)), ("/proc/memmap-capture-cannot-create", Int32(3))] {
            let c = try CLI.run([target], executable: collectorBinary)
            let m = try CLI.run(["capture", target])
            #expect(c.status == status && m.status == status, "\(target)")
            #expect(c.stderr.replacingOccurrences(of: "memmap-capture: ", with: "") == m.stderr.replacingOccurrences(of: "memmap-check: ", with: ""))
        }
        let bad = try CLI.run(["--bogus", dir], executable: collectorBinary)
        #expect(bad.status == 2 && bad.stderr.split(separator: "\n").count == 1)
    }

    @Test("host --root refuses a tar whose link leads outside the capture, and a file that is no tar")
    func tarRefusesEscapes() throws {
        let dir = NSTemporaryDirectory() + "memmap-capture-evil-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/t/sys", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createSymbolicLink(atPath: dir + "/t/proc", withDestinationPath: "../../../etc")
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/bin/tar")
        tar.arguments = ["--format=ustar", "-cf", dir + "/evil.tar", "-C", dir + "/t", "sys", "proc"]
        try tar.run()
        tar.waitUntilExit()
        let o = try CLI.run(["host", "--root", dir + "/evil.tar"])
        #expect(o.status == 2)
        #expect(o.stderr.contains("links to '../../../etc', outside the capture; refused"))
        #expect(o.stderr.split(separator: "\n").count == 1)
        try "not a tar".write(toFile: dir + "/plain", atomically: true, encoding: .utf8)
        let p = try CLI.run(["host", "--root", dir + "/plain"])
        #expect(p.status == 2 && p.stderr.contains("expected a directory, not a file"))
    }
}

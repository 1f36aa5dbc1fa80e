import Foundation
import Testing
@testable import SparseCheck


private func expected(_ name: String) throws -> [String: Any] {
    let data = try Data(contentsOf: URL(fileURLWithPath: hostFixture(name) + "/expected.json"))
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
}

private func findings(_ h: HostCheck, _ rule: LayoutRuleID) -> [Finding] {
    h.result.findings.filter { $0.rule == .layout(rule) }
}

private func ints(_ j: JSON?) -> [Int] {
    guard case let .array(a)? = j else { return [] }
    return a.compactMap { if case let .int(v) = $0 { return Int(v) }; if case let .uint(v) = $0 { return Int(v) }; return nil }
}

/// A scratch copy of a fixture that a test may damage.
private func scratchCopy(_ name: String) throws -> String {
    let dir = NSTemporaryDirectory() + "memmap-check-\(name)-\(UUID().uuidString)"
    try FileManager.default.copyItem(atPath: hostFixture(name), toPath: dir)
    return dir
}

struct FixtureLayoutTests {
    static let names = ["2node-equal", "4node-uneven", "memoryless", "dimm-offline"]

    @Test("nodes, zones, ranges and blocks match the fixture's expected.json", arguments: names)
    func layoutMatchesExpected(name: String) throws {
        let exp = try expected(name)
        let h = try hostCheck(hostFixture(name))
        let L = h.layout
        #expect(L.nodes.map(\.id) == (exp["node_dirs"] as? [Int]))
        #expect(L.blockSize == (exp["block_size_bytes"] as? Int).map(UInt64.init))
        #expect(h.result.config.pageSize == UInt64(exp["page_size"] as! Int))
        let expNodes = try #require(exp["nodes"] as? [String: [String: Any]])
        for (d, n) in zip(h.nodes, L.nodes) {
            let e = try #require(expNodes["\(n.id)"])
            #expect(n.cpus == parseIDList(e["cpulist"] as! String), "node \(n.id) cpus")
            #expect(n.distances.map(\.distance) == (e["distance"] as! String).split(separator: " ").map { Int($0)! })
            #expect(n.memTotal == UInt64(e["meminfo_memtotal_kb"] as! Int) * 1024, "node \(n.id) MemTotal")
            #expect(n.presentPages == UInt64(e["present"] as! Int), "node \(n.id) present")
            #expect(n.managedPages == UInt64(e["managed"] as! Int), "node \(n.id) managed")
            #expect(n.spannedPages == UInt64(e["spanned"] as! Int), "node \(n.id) spanned")
            let zones = e["zones"] as! [[String: Any]]
            #expect(n.populatedZones.map(\.name) == zones.map { $0["zone"] as! String })
            for (z, ez) in zip(n.populatedZones, zones) {
                #expect(z.startPFN == UInt64(ez["start_pfn"] as! Int))
                #expect(z.spanned == UInt64(ez["spanned"] as! Int))
                #expect(z.present == UInt64(ez["present"] as! Int))
            }
            #expect(n.blockIDs == (e["memory_blocks"] as! [Int]), "node \(n.id) blocks")
            let shared = n.blockIDs.filter { id in (L.blocks.first { $0.id == id }?.nodes.count ?? 0) > 1 }
            #expect(shared == (e["memory_blocks_shared_with_other_nodes"] as! [Int]), "node \(n.id) shared blocks")
            // The node's online memory spans exactly its zones' populated span (page-exact).
            let online = n.ranges.filter(\.online).map(\.range)
            if let start = e["start_pfn"] as? Int, let end = e["end_pfn"] as? Int {
                #expect(online.first.map { $0.start / 4096 } == UInt64(start), "node \(n.id) start")
                #expect(online.last.map { ($0.end + 4095) / 4096 } == UInt64(end), "node \(n.id) end")
                #expect(d.firstSection == UInt64(start) >> 15)
            } else {
                #expect(online.isEmpty)
                #expect(d.memmapStart == nil)
            }
        }
        let expBlocks = try #require(exp["memory_blocks"] as? [String: [String: Any]])
        #expect(L.blocks.count == expBlocks.count)
        for b in L.blocks {
            let e = try #require(expBlocks["\(b.id)"])
            #expect(b.state.rawValue == e["state"] as! String, "memory\(b.id) state")
            #expect(b.nodes == (e["nodes"] as! [Int]), "memory\(b.id) nodes")
            if b.nodes.count > 1 { #expect(b.validZones == e["zones"] as? String) }
        }
    }

    @Test("shared sections and the layout findings follow the fixture's numbers", arguments: names)
    func findingsMatchExpected(name: String) throws {
        let exp = try expected(name)
        let h = try hostCheck(hostFixture(name))
        let several = try #require(exp["sections_with_boot_memory_of_several_nodes"] as? [String: [Int]])
        // node-section-shared: one per section holding boot memory of several nodes, owned by the lowest.
        #expect(h.sharedSections.map { Int($0.section) }.sorted() == several.keys.map { Int($0)! }.sorted())
        for s in h.sharedSections {
            let nodes = try #require(several["\(s.section)"])
            #expect(([s.owner] + s.others) == nodes)
            #expect(s.owner == nodes.min())
        }
        let shared = findings(h, .nodeSectionShared)
        #expect(shared.count == several.count)
        for f in shared {
            guard case let .uint(sec)? = f.details["section"] else { Issue.record("no section"); continue }
            #expect(ints(f.details["nodes"]) == several["\(sec)"])
            #expect(ints(f.details["memory_block"].map { .array([$0]) }) == [Int(sec)], "one section per block here")
            #expect(f.message.contains("'none'"), "the shared block's valid_zones is none")
        }
        // x86_64 4K: a section's memmap is exactly one PMD, so off-node PMDs are exactly the shared sections.
        #expect(h.backingUnit == 2 << 20)
        #expect(findings(h, .nodeMemmapOffnode).map { ints($0.details["nodes"]) }.sorted { $0[0] < $1[0] }
            == several.keys.sorted { Int($0)! < Int($1)! }.map { several[$0]! })
        // node-memoryless: CPUs but no memory.
        let nodes = try #require(exp["nodes"] as? [String: [String: Any]])
        let memoryless = nodes.filter { ($0.value["cpulist"] as! String) != "" && ($0.value["meminfo_memtotal_kb"] as! Int) == 0 }.map { Int($0.key)! }
        #expect(findings(h, .nodeMemoryless).flatMap { ints($0.details["nodes"]) } == memoryless)
        // Sources agree on every fixture (MemTotal == zoneinfo managed, blocks cover zones).
        #expect(findings(h, .layoutSourcesDisagree).isEmpty, "\(findings(h, .layoutSourcesDisagree).map(\.message))")
        #expect(FailPolicy.error.verdict(h.result).status == "pass")
    }

    @Test("four node uneven shares blocks 7, 35, 51") func fourNodeUnevenSharesBlocks7_35_51() throws {
        let h = try hostCheck(hostFixture("4node-uneven"))
        #expect(h.sharedSections.map(\.section) == [7, 35, 51])
        #expect(h.sharedSections.map(\.owner) == [0, 1, 2])
        // node 1's pages at 1000-1024 MiB have their struct pages in node 0's memory.
        let f = try #require(findings(h, .nodeSectionShared).first)
        #expect(f.message.contains("node 1's 24 MiB here (pfn 0x3e800-0x3ffff)"))
        // node 1 straddles the PCI hole: one hole of 2 GiB + 132 KiB between its two ranges.
        let n1 = try #require(h.nodes.first { $0.id == 1 })
        #expect(n1.holes == [PhysRange(0x7ffd_f000, 0x1_0000_0000)])
        #expect(n1.sectionsOwned == 12 && n1.sections == 13)
    }

    @Test("memoryless node and possible node") func memorylessNodeAndPossibleNode() throws {
        let h = try hostCheck(hostFixture("memoryless"))
        let f = try #require(findings(h, .nodeMemoryless).first)
        #expect(ints(f.details["nodes"]) == [1])
        #expect(h.layout.possible == [0, 1, 2, 3] && h.layout.online == [0, 1, 2])
        #expect(h.notes.contains { $0.contains("node 3 possible but not online") })
    }

    @Test("dimm offline blocks above 4GiB") func dimmOfflineBlocksAbove4GiB() throws {
        let h = try hostCheck(hostFixture("dimm-offline"))
        let off = h.layout.blocks.filter { $0.state == .offline }
        #expect(off.map(\.id) == [32, 33, 34, 35])
        #expect(off.allSatisfy { UInt64($0.id) * h.layout.blockSize! >= 4 << 30 && $0.nodes == [0] })
        let n0 = try #require(h.layout.node(0))
        #expect(n0.ranges.filter { !$0.online }.map(\.range) == [PhysRange(0x1_0000_0000, 0x1_2000_0000)])
        #expect(h.notes.contains { $0.contains("4 offline memory blocks (32-35") })
    }

    @Test("what-if 64K pages re-derives PFNs and units") func whatIf64KPagesRederivesPFNsAndUnits() throws {
        var o = Overrides()
        o.pageShift = 16
        let h = try hostCheck(hostFixture("4node-uneven"), overrides: o)
        #expect(h.result.config.pageSize == 65536)
        #expect(h.backingUnit == 65536) // 512 KiB of memmap per section is not whole PMDs: base pages
        #expect(h.sharedSections.map(\.section) == [7, 35, 51])
        #expect(h.nodes[1].startPFN == 0x3e80)
        #expect(findings(h, .nodeMemmapOffnode).count == 3)
    }

    @Test("JSON has check schema plus layout") func jsonHasCheckSchemaPlusLayout() throws {
        let h = try hostCheck(hostFixture("4node-uneven"))
        let text = Report.document(h).serialized()
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(obj["schema"] as? String == "memmap-check/3")
        #expect(obj["summary"] != nil && obj["results"] != nil)
        let layout = try #require(obj["layout"] as? [String: Any])
        #expect((layout["nodes"] as? [Any])?.count == 4)
        let result = try #require((obj["results"] as? [[String: Any]])?.first)
        let shared = (result["findings"] as! [[String: Any]]).filter { $0["rule"] as? String == "node-section-shared" }
        #expect(shared.map { $0["section"] as! Int } == [7, 35, 51])
        #expect(shared.map { $0["memory_block"] as! Int } == [7, 35, 51])
        #expect(shared.allSatisfy { ($0["nodes"] as! [Int]).count == 2 && $0["severity"] as? String == "warning" })
    }
}

struct SourceFailureTests {
    private func sourceFindings(_ h: HostCheck) -> [(String, String)] {
        findings(h, .layoutSource).map {
            guard case let .string(p)? = $0.details["problem"], case let .string(path)? = $0.details["path"] else { return ("", "") }
            return (path, p)
        }
    }

    @Test("missing zoneinfo is a finding, not a crash") func missingZoneinfoIsAFindingNotACrash() throws {
        let dir = try scratchCopy("4node-uneven")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.removeItem(atPath: dir + "/proc/zoneinfo")
        let h = try hostCheck(dir)
        #expect(sourceFindings(h).contains { $0 == ("proc/zoneinfo", "missing") })
        // Without zoneinfo the ranges are whole blocks; the shared blocks still show up.
        #expect(h.sharedSections.map(\.section) == [7, 35, 51])
    }

    @Test("truncated zoneinfo is reported") func truncatedZoneinfoIsReported() throws {
        let dir = try scratchCopy("2node-equal")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/proc/zoneinfo"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        // Cut inside node 1's Normal zone, before its `present` line.
        let cut = text.range(of: "Node 1, zone   Normal")!.upperBound
        try String(text[..<cut] + "\n  pages free     1\n        boost    0\n        min      1\n        spanned  524288\n").write(toFile: path, atomically: true, encoding: .utf8)
        let h = try hostCheck(dir)
        let f = findings(h, .layoutSource).filter { $0.message.contains("zone Normal has no present/managed line (truncated?)") }
        #expect(f.count == 1)
        #expect(h.layout.node(1)?.populatedZones.isEmpty == true)
        #expect(h.layout.node(0)?.presentPages == 524157)
    }

    @Test("unreadable block size is reported") func unreadableBlockSizeIsReported() throws {
        let dir = try scratchCopy("2node-equal")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/sys/devices/system/memory/block_size_bytes"
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false) // read() gives EISDIR
        let h = try hostCheck(dir)
        #expect(sourceFindings(h).contains { $0.0 == "sys/devices/system/memory/block_size_bytes" && $0.1 == "unreadable" })
        #expect(h.layout.blocks.isEmpty)
        #expect(h.layout.node(1)?.ranges.map(\.range) == [PhysRange(0x1_0000_0000, 0x1_8000_0000)], "zoneinfo alone still gives the range")
    }

    @Test("empty block size is malformed") func emptyBlockSizeIsMalformed() throws {
        let dir = try scratchCopy("2node-equal")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "".write(toFile: dir + "/sys/devices/system/memory/block_size_bytes", atomically: true, encoding: .utf8)
        let h = try hostCheck(dir)
        #expect(sourceFindings(h).contains { $0.0 == "sys/devices/system/memory/block_size_bytes" && $0.1 == "malformed" })
    }

    @Test("oversized file is refused") func oversizedFileIsRefused() throws {
        let dir = try scratchCopy("2node-equal")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data(repeating: 0x41, count: HostFiles.textCap + 1).write(to: URL(fileURLWithPath: dir + "/proc/iomem"))
        let h = try hostCheck(dir)
        #expect(sourceFindings(h).contains { $0 == ("proc/iomem", "too-large") })
    }

    @Test("symlink escaping the root is refused") func symlinkEscapingTheRootIsRefused() throws {
        let dir = try scratchCopy("2node-equal")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/sys/devices/system/node/possible"
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: "../../../../../../../../../../etc/hostname")
        let h = try hostCheck(dir)
        #expect(sourceFindings(h).contains { $0 == ("sys/devices/system/node/possible", "escapes-root") })
        #expect(h.layout.possible == nil)
    }

    @Test("hidden iomem is not used") func hiddenIomemIsNotUsed() throws {
        let dir = try scratchCopy("2node-equal")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "00000000-00000000 : Reserved\n00000000-00000000 : System RAM\n".write(toFile: dir + "/proc/iomem", atomically: true, encoding: .utf8)
        let h = try hostCheck(dir)
        #expect(h.layout.systemRAM == nil)
        #expect(sourceFindings(h).contains { $0 == ("proc/iomem", "hidden") })
        // Without iomem node 0 is its zone span: pfn 1 .. 0x7ffdf.
        #expect(h.layout.node(0)?.ranges.map(\.range) == [PhysRange(0x1000, 0x7ffd_f000)])
    }

    @Test("no node directory still reports one node") func noNodeDirectoryStillReportsOneNode() throws {
        let dir = try scratchCopy("2node-equal")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.removeItem(atPath: dir + "/sys/devices/system/node")
        try FileManager.default.removeItem(atPath: dir + "/proc/zoneinfo")
        let h = try hostCheck(dir)
        #expect(h.layout.nodes.map(\.id) == [0])
        #expect(h.layout.nodes[0].blockIDs.count == 32)
        #expect(h.notes.contains { $0.contains("one node (0) with every memory block") })
        #expect(h.layout.running.numa?.value == false)
    }

    @Test("nothing readable is an environment error") func nothingReadableIsAnEnvironmentError() throws {
        let dir = NSTemporaryDirectory() + "memmap-check-empty-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: EnvironmentError.self) { try HostReader.read(try HostFiles(root: dir)) }
        #expect(throws: InputError.self) { try HostFiles(root: dir + "/does-not-exist") }
    }
}

struct BTFTests {
    /// A minimal BTF blob: header, an INT, a STRUCT `page` of `size` with one member.
    static func blob(size: UInt32) -> [UInt8] {
        var types: [UInt32] = []
        types += [1, 1 << 24, 8, 0x40]                // [1] INT "int" size 8 + int encoding word
        types += [5, (4 << 24) | 1, size, 10, 1, 0]   // [2] STRUCT "page" vlen 1 + member "flags" type 1 offset 0
        let strings = Array("\0int\0page\0flags\0".utf8)
        var out: [UInt8] = []
        func put(_ v: UInt32) { for i in 0..<4 { out.append(UInt8((v >> (8 * UInt32(i))) & 0xff)) } }
        out += [0x9f, 0xeb, 1, 0]
        put(24); put(0); put(UInt32(types.count * 4)); put(UInt32(types.count * 4)); put(UInt32(strings.count))
        for t in types { put(t) }
        out += strings
        return out
    }

    @Test("finds struct page") func findsStructPage() throws {
        #expect(try BTF.structSize("page", in: Self.blob(size: 64)) == 64)
        #expect(try BTF.structSize("page", in: Self.blob(size: 80)) == 80)
        #expect(throws: BTF.Failure.notFound("folio")) { try BTF.structSize("folio", in: Self.blob(size: 64)) }
    }

    @Test("a struct page of size 0 or above 4096 bytes is refused, not used (found by the btf fuzzer)")
    func implausibleSize() {
        #expect(throws: BTF.Failure.implausible("page", 0)) { try BTF.structSize("page", in: Self.blob(size: 0)) }
        #expect(throws: BTF.Failure.implausible("page", 1 << 20)) { try BTF.structSize("page", in: Self.blob(size: 1 << 20)) }
    }

    @Test("truncated BTF is an error") func truncatedBTFIsAnError() {
        let b = Self.blob(size: 64)
        #expect(throws: BTF.Failure.self) { try BTF.structSize("page", in: Array(b.prefix(40))) }
        #expect(throws: BTF.Failure.badMagic) { try BTF.structSize("page", in: [0, 0] + b.dropFirst(2)) }
    }

    @Test(.enabled(if: FileManager.default.isReadableFile(atPath: "/sys/kernel/btf/vmlinux")))
    func liveKernelStructPage() throws {
        let data = try HostFiles().bytes("sys/kernel/btf/vmlinux", cap: HostFiles.btfCap)
        let size = try BTF.structSize("page", in: data)
        #expect(size >= 56 && size <= 128 && size % 8 == 0)
    }
}

struct LiveHostTests {
    static let hasMemoryTree = FileManager.default.fileExists(atPath: "/sys/devices/system/memory/block_size_bytes")

    @Test(.enabled(if: hasMemoryTree))
    func liveHostReads() throws {
        let L = try HostReader.read(HostFiles(), numa: LibNuma())
        #expect(!L.nodes.isEmpty)
        #expect(!L.blocks.isEmpty)
        #expect(L.hostPageSize == UInt64(sysconf(Int32(_SC_PAGESIZE))))
        #expect(L.numa.available != nil)
    }

    @Test(.enabled(if: hasMemoryTree))
    func captureThenReplayRoundTrips() throws {
        let dir = NSTemporaryDirectory() + "memmap-check-capture-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let summary = try HostCapture.capture(to: dir)
        #expect(summary.written > 10)
        let live = try HostReader.read(HostFiles(), numa: LibNuma())
        let replay = try HostReader.read(HostFiles(root: dir))
        #expect(replay.kernelRelease == live.kernelRelease)
        #expect(replay.machine == live.machine)
        #expect(replay.hostPageSize == live.hostPageSize)
        #expect(replay.structPageSize == live.structPageSize)
        #expect(replay.blockSize == live.blockSize)
        #expect(replay.nodes.map(\.id) == live.nodes.map(\.id))
        for (r, l) in zip(replay.nodes, live.nodes) {
            #expect(r.blockIDs == l.blockIDs)
            #expect(r.cpus == l.cpus)
            // managed pages move (deferred init, balloon); start, span and present do not.
            #expect(r.zones.map { [$0.startPFN ?? 0, $0.spanned, $0.present] } == l.zones.map { [$0.startPFN ?? 0, $0.spanned, $0.present] })
            #expect(r.ranges == l.ranges)
        }
        #expect(replay.blocks == live.blocks)
        #expect(replay.kernelConfigPath.map { "/" + $0 } == live.kernelConfigPath)
        // Capturing into a non-empty directory is refused.
        #expect(throws: InputError.self) { try HostCapture.capture(to: dir) }
        var (cfg, _) = try replay.config(preset: nil, overrides: Overrides())
        var (liveCfg, _) = try live.config(preset: nil, overrides: Overrides())
        cfg.assumed = []
        liveCfg.assumed = [] // they name the config file as /proc/... and proc/...
        cfg.derivedFrom = []
        liveCfg.derivedFrom = [] // likewise /proc/cpuinfo and proc/cpuinfo
        #expect(cfg == liveCfg)
    }
}

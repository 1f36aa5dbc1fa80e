import Foundation
import Testing
@testable import SparseCheck

/// Drops the timing fields (`"seconds":"…"` in JSON, `(… s)` in the text summary's first line).
func withoutTiming(_ s: String) -> String {
    s.replacingOccurrences(of: #""seconds":"[0-9.]+""#, with: "", options: .regularExpression)
        .replacingOccurrences(of: #"\([0-9.]+ s\)"#, with: "", options: .regularExpression)
}

@Suite("sweep --jobs, --shard, merge, --root")
struct SweepParallelTests {
    /// Failing groups in several sources and kernels, skipped duplicates (x86_64 and others ignore the
    /// DRAM axis) and a non-power-of-two struct page: every part of the summary is exercised.
    static let failingSweep = ["sweep", "--kernel", "all", "--struct-page-sizes", "56:80:8", "--hvo", "both",
                               "--dram-bases", "0:4G:1G", "--fail-on", "warning"]

    @Test("--jobs 1 and --jobs 2 give byte-identical output (text, json, jsonl, junit)",
          arguments: ["text", "json", "jsonl", "junit"])
    func jobsIdentical(format: String) throws {
        let one = try CLI.run(Self.failingSweep + ["--format", format, "--jobs", "1"])
        let two = try CLI.run(Self.failingSweep + ["--format", format, "--jobs", "2"])
        #expect(one.status == 1 && two.status == 1)
        #expect(one.stdout.count > 1000)
        #expect(withoutTiming(one.stdout) == withoutTiming(two.stdout))
    }

    @Test("the library's parallel run equals the sequential one, summary and emitted order")
    func libraryJobs() throws {
        var spec = SweepSpec()
        spec.sources = try SweepSpec.presets(matching: "arm64-4k-*,riscv64-*,x86_64").map { .preset($0) }
        spec.kernels = allKernels
        spec.dramBases = try SweepAxis.parse("0:8G:256M", option: "") { try Units.parseSize($0, option: "") }
        let sweep = try Sweep(spec)
        var seq: [UInt64] = [], par: [UInt64] = []
        let a = try sweep.run(policy: .error, jobs: 1, emit: { i, _ in seq.append(i) })
        let b = try sweep.run(policy: .error, jobs: 3, emit: { i, _ in par.append(i) })
        let c = try sweep.run(policy: .error, jobs: 2)
        #expect(seq == par && seq == seq.sorted() && seq.count == Int(a.evaluated))
        for s in [b, c] { #expect(withoutTiming(s.json(sweep, policy: .error).serialized()) == withoutTiming(a.json(sweep, policy: .error).serialized())) }
        #expect(a.failed > 0)
    }

    @Test("shards 0..N-1 merged equal the unsharded summary", arguments: [1, 2, 3, 7])
    func shardsMerge(n: UInt64) throws {
        let specs: [(inout SweepSpec) throws -> Void] = [
            { $0.sources = try SweepSpec.presets(matching: "all").map { .preset($0) }; $0.kernels = allKernels },
            { s in
                s.sources = [.preset("riscv64-sv39"), .preset("arm64-16k-va47")]
                s.kernels = [.v7_1, .v7_2]
                s.sectionBits = .list([20, 27, 60]) // 60 is invalid: skipped cells
                s.dramBases = try SweepAxis.parse("0:64G:2M", option: "") { try Units.parseSize($0, option: "") }
            },
            { s in
                s.sources = try SweepSpec.presets(matching: "arm64-*").map { .preset($0) }
                s.vmemmapBases = .range(start: 0xffff_0000_0000_0000, end: 0xffff_0001_0000_0000, step: 0x300_0000)
                s.dramBases = .list([0, 1 << 30])
                s.structPageSizes = .list([56, 64])
            },
        ]
        for configure in specs {
            var spec = SweepSpec()
            try configure(&spec)
            let sweep = try Sweep(spec)
            let whole = try sweep.run(policy: .warning).resolved(sweep)
            var merged = SweepSummary()
            for k in (0..<n).reversed() { // any order
                var part = try sweep.run(policy: .warning, jobs: Int(k % 2) + 1, shard: SweepShard(index: k, count: n)).resolved(sweep)
                #expect(part.shard?.first == sweep.total * k / n)
                part.shard = nil
                merged.merge(part)
            }
            #expect(withoutTiming(merged.json(policy: .warning).serialized()) == withoutTiming(whole.json(policy: .warning).serialized()))
            #expect(withoutTiming(merged.text(policy: .warning)) == withoutTiming(whole.text(policy: .warning)))
        }
    }

    @Test("merge of the shards' --summary files prints the unsharded summary (text and json); exit 1 on failures")
    func mergeCLI() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("memmap-merge-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let whole = try CLI.run(Self.failingSweep + ["--summary", dir.appendingPathComponent("whole.json").path])
        var files: [String] = []
        for k in 0..<4 {
            let f = dir.appendingPathComponent("shard-\(k).json").path
            // shard 2 as a --format json document: merge reads its summary object
            let args = k == 2 ? ["--format", "json"] : ["--summary", f]
            let o = try CLI.run(Self.failingSweep + ["--shard", "\(k)/4"] + args)
            if k == 2 { try o.stdout.write(toFile: f, atomically: true, encoding: .utf8) }
            #expect(o.status <= 1)
            files.append(f)
        }
        let text = try CLI.run(["merge"] + files.reversed())
        #expect(text.status == whole.status && text.status == 1)
        #expect(withoutTiming(text.stdout) == withoutTiming(whole.stdout))
        let json = try CLI.run(["merge", "--format", "json"] + files)
        let wholeJSON = try String(contentsOfFile: dir.appendingPathComponent("whole.json").path, encoding: .utf8)
        #expect(withoutTiming(json.stdout) == withoutTiming(wholeJSON))

        // Missing, repeated and foreign shards are bad input.
        for bad in [Array(files.prefix(3)), files + [files[0]], [dir.appendingPathComponent("whole.json").path]] {
            let o = try CLI.run(["merge"] + bad)
            #expect(o.status == 2)
            #expect(o.stderr.split(separator: "\n").count == 1)
        }
        let other = dir.appendingPathComponent("other.json").path
        _ = try CLI.run(["sweep", "--presets", "x86_64", "--shard", "1/4", "--summary", other])
        let mixed = try CLI.run(["merge", files[0], other, files[2], files[3]])
        #expect(mixed.status == 2 && mixed.stderr.contains("same sweep"))
    }

    @Test("--shard and --jobs validation: one line, exit 2", arguments: ["4/4", "5/4", "0/0", "1/0", "x", "1/", "/2", "-1/2", "1/2/3"])
    func shardValidation(arg: String) throws {
        let o = try CLI.run(["sweep", "--presets", "x86_64", "--shard", arg])
        #expect(o.status == 2)
        #expect(o.stderr.split(separator: "\n").count == 1)
        #expect(o.stderr.contains("--shard"))
    }

    @Test("jobs validation") func jobsValidation() throws {
        let o = try CLI.run(["sweep", "--presets", "x86_64", "--jobs", "0"])
        #expect(o.status == 2 && o.stderr.split(separator: "\n").count == 1)
    }

    @Test("shard ranges tile the index space, also near 2^64")
    func shardRanges() {
        for total in [UInt64(0), 1, 5, 1000, .max] {
            for n in [UInt64(1), 3, 64] {
                var next: UInt64 = 0
                for k in 0..<n {
                    let r = SweepShard(index: k, count: n).range(of: total)
                    #expect(r.lowerBound == next)
                    #expect(r.upperBound - r.lowerBound >= total / n && (r.upperBound - r.lowerBound) - total / n <= 1)
                    next = r.upperBound
                }
                #expect(next == total)
            }
        }
    }

    @Test("sweep --root 4node-uneven: node-section-shared counted per combination")
    func rootSweep() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: hostFixture("4node-uneven") + "/expected.json"))
        let exp = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let several = try #require(exp["sections_with_boot_memory_of_several_nodes"] as? [String: [Int]])
        // Node boundaries at 0x3e800000, 0x11e800000, 0x19e800000: 8 MiB- but not 16 MiB-aligned, so with
        // 8 MiB sections (2^23) no section is shared and with 128 MiB sections (2^27, the fixture's) each
        // boundary shares one.
        let o = try CLI.run(["sweep", "--root", hostFixture("4node-uneven"), "--kernel", "all", "--section-bits", "23,27",
                             "--fail-on", "warning", "--format", "json"])
        #expect(o.status == 1)
        let summary = try #require(o.json?["summary"] as? [String: Any])
        // 4 table rows (6.18, 7.1, 7.2, 7.3) x 2 section sizes.
        #expect(summary["evaluated"] as? Int == 8)
        let rules = try #require(summary["layout_rules"] as? [String: [String: Int]])
        #expect(rules["node-section-shared"] == ["pass": 4, "fail": 4, "findings": 4 * several.count])
        #expect(rules["node-memoryless"] == ["pass": 8, "fail": 0, "findings": 0])
        let groups = try #require(summary["layout_failing_groups"] as? [[String: Any]])
        let shared = groups.filter { $0["rule"] as? String == "node-section-shared" }
        #expect(shared.count == 4) // one per kernel
        #expect(shared.allSatisfy { $0["count"] as? Int == 1 && ($0["check_command"] as? String)?.contains("--section-bits 27") == true })
        #expect((shared.first?["check_command"] as? String)?.hasPrefix("memmap-check host --root ") == true)
        // The text summary shows the layout table, and the shards of a --root sweep merge too.
        let text = try CLI.run(["sweep", "--root", hostFixture("4node-uneven"), "--section-bits", "23,27", "--jobs", "2"])
        #expect(text.stdout.contains("layout rule (--root)"))
        #expect(text.status == 0) // warnings only, --fail-on error
    }
}

// memmap-bench: each benchmark runs its subject and its reference side by side (alternating, after one
// warm-up each), every run in its own process so its peak RSS (wait4 rusage) is its own, and reports the
// median and spread over the runs, throughput, peak memory and the ratio to the reference.
//
//     swift run -c release --static-swift-stdlib --scratch-path .build-static memmap-bench [--runs N] [--only a,b] [--tree DIR] [--fleet DIR]
//
// Benchmarks live in `registry` below; the sweep benchmark is one more entry there.
import BenchRef
import Foundation
import SparseCheck

// MARK: Running a child

struct Sample {
    /// Wall time of the process, seconds.
    var wall: Double
    /// The time the child reported for its measured part (in-process benchmarks), seconds.
    var inner: Double?
    var output: String
}

enum BenchError: Error, CustomStringConvertible {
    case failed(String)
    var description: String { if case let .failed(s) = self { return s }; return "" }
}

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Runs `argv` (stdout captured, stderr discarded) and waits for it; exit codes 0 and 1 (a failing
/// check) are results, anything else is an error.
func run(_ argv: [String]) throws -> Sample {
    var fds: [Int32] = [0, 0]
    guard pipe(&fds) == 0 else { throw BenchError.failed("pipe: \(String(cString: strerror(errno)))") }
    var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
    posix_spawn_file_actions_addclose(&actions, fds[0])
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    let cargs = argv.map { strdup($0) } + [nil]
    defer { for p in cargs { free(p) } }
    var pid: pid_t = 0
    let t0 = now()
    let rc = posix_spawnp(&pid, argv[0], &actions, nil, cargs, environ)
    close(fds[1])
    guard rc == 0 else { close(fds[0]); throw BenchError.failed("\(argv[0]): cannot start (\(String(cString: strerror(rc))))") }
    var out = [UInt8]()
    var buf = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = buf.withUnsafeMutableBytes { read(fds[0], $0.baseAddress, $0.count) }
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { break }
        if out.count < 1 << 16 { out += buf[0..<min(n, (1 << 16) - out.count)] } // keep the head only
    }
    close(fds[0])
    var status: Int32 = 0
    var ru = rusage()
    while wait4(pid, &status, 0, &ru) < 0 && errno == EINTR {}
    let wall = now() - t0
    let code = (status >> 8) & 0xff, signalled = status & 0x7f
    guard signalled == 0, code <= 1 else {
        throw BenchError.failed("\(argv.joined(separator: " ")): exit \(signalled != 0 ? "signal \(signalled)" : "\(code)")")
    }
    let text = String(decoding: out, as: UTF8.self)
    let inner = text.split(separator: "\n").first { $0.hasPrefix("seconds=") }.flatMap { Double($0.dropFirst(8).split(separator: " ")[0]) }
    return Sample(wall: wall, inner: inner, output: text)
}

// MARK: Benchmarks

/// One side of a benchmark: a command, and how many items (blocks, sections) one run handles.
struct Side {
    var label: String
    var argv: [String]
}

struct Benchmark {
    var name: String
    var what: String
    /// Items per run and their unit, for throughput (nil: wall time only).
    var items: Double?
    var unit: String
    var subject: Side
    var reference: Side?
    /// The target, in words, for the report.
    var target: String
    /// Compares the two sides' outputs (e.g. the layout counts); nil when they agree or are not compared.
    var check: ((Sample, Sample) -> String?)?
}

struct Context {
    var tool: String   // the memmap-check executable next to this one
    var bench: String  // this executable
    var tree: String   // the synthetic 24 TiB tree
    var fleet: String  // the fleet of captures (fleetCopies copies of every committed real capture)
}

/// The fleet benchmark's size: every committed real capture (19 in Tests/Fixtures/real, 2 written by
/// memmap-check in Tests/Fixtures/real-tool) this many times, hard-linked (`cp -al`) under --fleet DIR.
let fleetCopies = 48

/// The repository this file is in.
let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

/// The committed captures, relative to the repository root.
func committedCaptures(_ repo: String) -> [String] {
    let fm = FileManager.default
    let real = ((try? fm.contentsOfDirectory(atPath: repo + "/Tests/Fixtures/real")) ?? []).sorted()
        .filter { fm.fileExists(atPath: "\(repo)/Tests/Fixtures/real/\($0)/sys") }.map { "Tests/Fixtures/real/\($0)" }
    let tool = ((try? fm.contentsOfDirectory(atPath: repo + "/Tests/Fixtures/real-tool")) ?? []).sorted()
        .filter { fm.fileExists(atPath: "\(repo)/Tests/Fixtures/real-tool/\($0)/capture") }.map { "Tests/Fixtures/real-tool/\($0)/capture" }
    return real + tool
}

/// FLEET/copy-NN/NAME for every committed capture, hard links to the repository's files.
func makeFleet(_ dir: String, repo: String) throws {
    let caps = committedCaptures(repo)
    guard !caps.isEmpty else { throw BenchError.failed("no captures under \(repo)/Tests/Fixtures") }
    for i in 1...fleetCopies {
        let copy = String(format: "%@/copy-%02d", dir, i)
        try FileManager.default.createDirectory(atPath: copy, withIntermediateDirectories: true)
        for c in caps {
            let name = c.hasSuffix("/capture") ? "tool-" + ((c as NSString).deletingLastPathComponent as NSString).lastPathComponent : (c as NSString).lastPathComponent
            _ = try run(["cp", "-al", repo + "/" + c, copy + "/" + name])
        }
    }
}

/// Every benchmark, in the order they run.
func registry(_ c: Context) -> [Benchmark] {
    var list: [Benchmark] = []
    list.append(Benchmark(
        name: "host-24tib", what: "host query on the synthetic 24 TiB tree (196,608 blocks of 128 MiB, 16 nodes)",
        items: 196_608, unit: "blocks",
        subject: Side(label: "memmap-check host --root", argv: [c.tool, "host", "--root", c.tree]),
        reference: Side(label: "lsmem --sysroot", argv: ["lsmem", "--sysroot", c.tree]),
        target: "at most 0.5x lsmem, under 1 s"))
    list.append(Benchmark(
        name: "host-live", what: "host query on this machine",
        items: nil, unit: "",
        subject: Side(label: "memmap-check host", argv: [c.tool, "host"]),
        reference: Side(label: "numactl --hardware", argv: ["numactl", "--hardware"]),
        target: "within 2x numactl --hardware"))
    list.append(Benchmark(
        name: "host-live-lsmem", what: "host query on this machine against lsmem on the same machine",
        items: nil, unit: "",
        subject: Side(label: "memmap-check host", argv: [c.tool, "host"]),
        reference: Side(label: "lsmem", argv: ["lsmem"]),
        target: "within 2x lsmem (issue 19)"))
    for (name, tib) in [("layout-128tib", 128), ("layout-1pib", 1024)] {
        let sections = tib << 13 // 128 MiB sections per TiB
        list.append(Benchmark(
            name: name, what: "layout rules on \(tib == 1024 ? "1 PiB" : "\(tib) TiB") over 64 nodes (\(sections) sections, x86_64-la57), in memory",
            items: Double(sections), unit: "sections",
            subject: Side(label: "LayoutChecker.check", argv: [c.bench, "--child", "layout-swift", "\(tib)"]),
            reference: Side(label: "C loop per section", argv: [c.bench, "--child", "layout-c", "\(tib)"]),
            target: "at least 0.5x the C loop's throughput; peak memory flat in sections",
            check: { a, b in
                let ka = a.output.split(separator: " ").dropFirst(), kb = b.output.split(separator: " ").dropFirst()
                return ka == kb ? nil : "results differ: \(a.output.trimmingCharacters(in: .newlines)) vs \(b.output.trimmingCharacters(in: .newlines))"
            }))
    }
    list.append(Benchmark(
        name: "startup", what: "start-up: check --preset x86_64",
        items: nil, unit: "",
        subject: Side(label: "memmap-check check --preset x86_64", argv: [c.tool, "check", "--preset", "x86_64"]),
        reference: Side(label: "/bin/true (process start)", argv: ["/bin/true"]),
        target: "under 20 ms"))
    // Sweep throughput: every riscv64 preset x every modelled release x 11,366,400 DRAM bases (the count
    // is computed in `sweepCombinations`, so the label follows the release table; far more than the
    // README's flat-memory sweep, so that start-up is noise), through the real `sweep` path (rules, tallies, text summary) on one thread and on two, against the
    // same checks in a plain C loop (BenchRef/sweep_ref.c).
    let sweepArgs = ["sweep", "--presets", "riscv64-*", "--kernel", "all", "--dram-bases", "0:\(sweepDRAMGiB)G:2M", "--fail-on", "never"]
    for jobs in [1, 2] {
        list.append(Benchmark(
            name: jobs == 1 ? "sweep" : "sweep-jobs2",
            what: "sweep of \(sweepCombinations) combinations (\(riscvPresets.count) riscv64-* presets x \(FormulaTable.rowReleases.count) kernels x DRAM 0:\(sweepDRAMGiB)G:2M), --jobs \(jobs), text summary",
            items: Double(sweepCombinations), unit: "combinations",
            subject: Side(label: "memmap-check sweep --jobs \(jobs)", argv: [c.tool] + sweepArgs + ["--jobs", "\(jobs)"]),
            reference: Side(label: "C loop, one thread", argv: [c.bench, "--child", "sweep-c", "\(sweepDRAMGiB)"]),
            target: jobs == 1 ? "at least 0.5x the C loop's throughput" : "scaling to both cores (about 2x --jobs 1)",
            check: { a, b in
                let counts = sweepCounts(a.output), ref = b.output.split(separator: " ").dropFirst().joined(separator: " ")
                    .trimmingCharacters(in: .newlines)
                return counts == ref ? nil : "results differ: sweep \(counts) vs C \(ref)"
            }))
    }
    // JSONL throughput: the issue-12 sweep (3 riscv64 presets x DRAM 0:640G:2M, 983,040 combinations),
    // every combination a record on stdout, --jobs 2, against the same records formatted by a plain C
    // loop on one thread (BenchRef/jsonl_ref.c). The two outputs' first 64 KiB must be byte-identical.
    let jsonlArgs = ["sweep", "--presets", "riscv64-*", "--kernel", jsonlKernel, "--dram-bases", "0:\(jsonlDRAMGiB)G:2M", "--format", "jsonl", "--jobs", "2"]
    list.append(Benchmark(
        name: "sweep-jsonl",
        what: "sweep --format jsonl of \(jsonlCombinations) combinations (\(riscvPresets.count) riscv64-* presets x DRAM 0:\(jsonlDRAMGiB)G:2M), --jobs 2, records to a pipe",
        items: Double(jsonlCombinations), unit: "lines",
        subject: Side(label: "memmap-check sweep --format jsonl --jobs 2", argv: [c.tool] + jsonlArgs),
        reference: Side(label: "C formatter, one thread", argv: [c.bench, "--child", "jsonl-c", "\(jsonlDRAMGiB)"]),
        target: "at least 1 M lines/s, within 5x of the C formatter",
        check: { a, b in a.output == b.output ? nil : "records differ in the first 64 KiB" }))
    // Fleet throughput: every capture under --fleet DIR (the committed captures x fleetCopies) judged by
    // one `fleet` process on two threads, against what an operator does without it: one `host --root`
    // process per capture, two at a time (xargs -P 2). Both write the Prometheus format.
    let captures = committedCaptures(repoRoot).count
    let fleetCount = Double(fleetCopies * captures)
    list.append(Benchmark(
        name: "fleet",
        what: "fleet over \(Int(fleetCount)) captures (the \(captures) committed real captures x \(fleetCopies), hard links), --jobs 2, --format prometheus",
        items: fleetCount, unit: "captures",
        subject: Side(label: "memmap-check fleet --jobs 2", argv: [c.tool, "fleet", c.fleet, "--jobs", "2", "--format", "prometheus"]),
        reference: Side(label: "host --root per capture, xargs -P 2",
                        argv: ["sh", "-c", "ls -d \"$0\"/*/* | xargs -P 2 -I{} \"$1\" host --root {} --format prometheus", c.fleet, c.tool]),
        target: "faster than a process per capture; memory flat in the number of captures"))
    return list
}

/// The riscv64 presets both sweep benchmarks cover (what `--presets 'riscv64-*'` expands to).
let riscvPresets: [String] = (try? SweepSpec.presets(matching: "riscv64-*")) ?? []
let jsonlDRAMGiB: UInt64 = 640
/// The release both sides of the JSONL benchmark format records for (7.1: most DRAM starts fail there).
let jsonlKernel = "7.1"
let jsonlCombinations = UInt64(riscvPresets.count) * ((jsonlDRAMGiB << 30) / (2 << 20))

/// The C enums' values of a configuration's formulas: cs_riscv_align_form, cs_mask_form,
/// cs_encode_bound (cs_core.h), for the C reference loops.
func cForms(_ c: SparseConfig) -> (Int32, Int32, Int32) {
    let f = c.kernel.formulas
    return (f.riscvAlign == .section ? 0 : (f.riscvAlign == .maxFolioVmemmapAlign ? 1 : 2),
            f.mask == .none ? 2 : 1, f.encodeBound == .tesarik2018 ? 0 : 1)
}

/// `--child jsonl-c GIB`: the JSONL benchmark's records through `bench_jsonl_c_cell`, to stdout.
func jsonlC(dramGiB: UInt64) throws {
    let step: UInt64 = 2 << 20, n = (dramGiB << 30) / step
    var res = bench_sweep_result()
    res.first_fail = (.max, .max, .max)
    let counts = RuleID.allCases.map { FailPolicy.error.counts($0.severity) }
    let t0 = now()
    var o = Overrides()
    o.kernel = try KernelTarget.parse(jsonlKernel) // the subject's --kernel
    for (i, name) in try SweepSpec.presets(matching: "riscv64-*").enumerated() {
        let c = try SparseConfig.make(preset: name, overrides: o)
        guard case let .riscv64(vaBits, pageOffset) = c.layout else { throw BenchError.failed("\(name): not riscv64") }
        let prefix = JSONLRecord.cellPrefix(source: name, config: c, maxFolioOrder: try Checker.check(c).derived.maxFolioOrder)
        let rc = prefix.withUnsafeBufferPointer { p in
            counts.withUnsafeBufferPointer { k in
                c.withCConfig { let f = cForms(c); return bench_jsonl_c_cell($0, f.0, f.1, f.2, vaBits, pageOffset, UInt64(i) * n, 0, step, n, p.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }, p.count, k.baseAddress, 1, &res) }
            }
        }
        guard rc == 0 else { throw BenchError.failed("C loop: cs_status \(rc)") }
    }
    bench_jsonl_c_flush(1)
    FileHandle.standardError.write(Data("seconds=\(now() - t0) evaluated \(res.evaluated) failed \(res.failed)\n".utf8))
}

// MARK: In-process children

let sweepDRAMGiB: UInt64 = 22200
/// Presets x releases of `--kernel all` x DRAM bases: computed from the tables the sweep expands, so the
/// label and the throughput follow a new release or preset.
let sweepCombinations = UInt64(riscvPresets.count * FormulaTable.rowReleases.count) * ((sweepDRAMGiB << 30) / (2 << 20))

/// The rule counts of a `sweep` text summary, as the C child prints them.
func sweepCounts(_ text: String) -> String {
    RuleID.allCases.compactMap { r in
        text.split(separator: "\n").first { $0.hasPrefix(r.rawValue + " ") }
            .map { "\(r.rawValue)=" + $0.split(separator: " ").dropFirst().joined(separator: "/") }
    }.joined(separator: " ")
}

/// `--child sweep-c GIB`: the sweep benchmark's combinations through `bench_sweep_c_cell`.
func sweepC(dramGiB: UInt64) throws {
    let step: UInt64 = 2 << 20, n = (dramGiB << 30) / step
    var res = bench_sweep_result()
    res.first_fail = (.max, .max, .max)
    var cells: [(SparseConfig, (Int32, Int32, Int32), UInt32, UInt64)] = []
    for name in try SweepSpec.presets(matching: "riscv64-*") {
        for release in FormulaTable.rowReleases {
            var o = Overrides()
            o.kernel = KernelTarget(release: release)
            let c = try SparseConfig.make(preset: name, overrides: o)
            guard case let .riscv64(vaBits, pageOffset) = c.layout else { throw BenchError.failed("\(name): not riscv64") }
            cells.append((c, cForms(c), vaBits, pageOffset))
        }
    }
    let t0 = now()
    for (i, (c, k, va, po)) in cells.enumerated() {
        let rc = c.withCConfig { bench_sweep_c_cell($0, k.0, k.1, k.2, va, po, UInt64(i) * n, 0, step, n, &res) }
        guard rc == 0 else { throw BenchError.failed("C loop: cs_status \(rc)") }
    }
    let t = now() - t0
    let rows = [res.counts.0, res.counts.1, res.counts.2]
    let counts = zip(RuleID.allCases, rows).map { "\($0.rawValue)=\($1.0)/\($1.1)/\($1.2)" }.joined(separator: " ")
    print("seconds=\(t) \(counts)")
    FileHandle.standardError.write(Data("evaluated \(res.evaluated) failed \(res.failed) v2 \(res.v2_disagreements) first \(res.first_fail)\n".utf8))
}

/// 64 nodes over `tib` TiB from 4 GiB up, each boundary 64 MiB inside a section (so every boundary is a
/// shared section and an off-node backing unit), one Normal zone per node; no memory blocks (a layout
/// this size is described by its ranges, not by per-block records).
func syntheticLayout(tib: UInt64, nodes: Int = 64) -> NodeLayout {
    var L = NodeLayout(origin: "synthetic")
    L.machine = "x86_64"
    L.la57 = true
    L.hostPageSize = 4096
    L.hostPageSizeSource = "synthetic"
    L.kernelRelease = "7.1.0"
    let base: UInt64 = 4 << 30, per = (tib << 40) / UInt64(nodes), off: UInt64 = 64 << 20
    for k in 0..<nodes {
        var n = Node(id: k)
        let s = base + UInt64(k) * per + (k > 0 ? off : 0)
        let e = base + UInt64(k + 1) * per + (k < nodes - 1 ? off : 0)
        n.ranges = [NodeRange(range: PhysRange(s, e), online: true)]
        let pages = (e - s) / 4096
        n.zones = [Zone(name: "Normal", startPFN: s / 4096, spanned: pages, present: pages, managed: pages - pages / 40)]
        n.memTotal = (pages - pages / 40) * 4096
        n.cpus = [k]
        n.distances = [(k, 10)]
        L.nodes.append(n)
    }
    return L
}

/// `--child KIND ARG`: one in-process measurement, printed as `seconds=T key=value...`.
func child(_ kind: String, _ arg: String) throws {
    if kind == "jsonl-c" {
        guard let gib = UInt64(arg) else { throw BenchError.failed("--child jsonl-c: expected GiB") }
        return try jsonlC(dramGiB: gib)
    }
    if kind == "sweep-c" {
        guard let gib = UInt64(arg) else { throw BenchError.failed("--child sweep-c: expected GiB") }
        return try sweepC(dramGiB: gib)
    }
    guard let tib = UInt64(arg) else { throw BenchError.failed("--child \(kind): expected TiB") }
    let L = syntheticLayout(tib: tib)
    let (config, _) = try L.config(preset: "x86_64-la57", overrides: Overrides())
    switch kind {
    case "layout-swift":
        let t0 = now()
        let h = try LayoutChecker.check(L, config: config)
        let t = now() - t0
        let owned = h.nodes.reduce(0) { $0 + $1.sectionsOwned }
        let offnode = h.result.findings.filter { $0.rule == .layout(.nodeMemmapOffnode) }.count
        print("seconds=\(t) owned=\(owned) shared=\(h.sharedSections.count) offnode=\(offnode)")
    case "layout-c":
        let ranges = L.nodes.flatMap { n in n.ranges.map { bench_range(start: $0.range.start, end: $0.range.end, node: Int32(n.id)) } }
            .sorted { $0.start < $1.start }
        let vmemmap = try Checker.check(config).base.value
        var res = bench_layout_result()
        let t0 = now()
        let rc = config.withCConfig { cfg in ranges.withUnsafeBufferPointer { bench_layout_c_loop(cfg, vmemmap, config.vmemmapMapsPMD, $0.baseAddress, $0.count, &res) } }
        let t = now() - t0
        guard rc == 0 else { throw BenchError.failed("C loop: cs_status \(rc)") }
        print("seconds=\(t) owned=\(res.owned_sections) shared=\(res.shared) offnode=\(res.offnode_units)")
        FileHandle.standardError.write(Data("checksum \(res.checksum)\n".utf8))
    default:
        throw BenchError.failed("--child \(kind): unknown")
    }
}

// MARK: Statistics and report

func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

func fmtTime(_ t: Double) -> String {
    t >= 1 ? String(format: "%.2f s", t) : t >= 0.001 ? String(format: "%.1f ms", t * 1e3) : String(format: "%.1f µs", t * 1e6)
}

func fmtRate(_ r: Double) -> String {
    r >= 1e9 ? String(format: "%.2f G", r / 1e9) : r >= 1e6 ? String(format: "%.2f M", r / 1e6) : r >= 1e3 ? String(format: "%.1f k", r / 1e3) : String(format: "%.0f ", r)
}

struct Stats {
    var times: [Double]
    var rss: [Int]
    var med: Double { median(times) }
    var line: String {
        let m = med, lo = times.min()!, hi = times.max()!
        let peak = rss.max().map { String(format: "%.1f MiB", Double($0) / 1024) } ?? "not measured"
        return "\(fmtTime(m)) median (min \(fmtTime(lo)), max \(fmtTime(hi)), spread ±\(String(format: "%.0f", (hi - lo) / 2 / m * 100))%), peak RSS \(peak)"
    }
}

/// The executable `argv0` names: itself when it holds a slash, else the first match on PATH; nil when
/// there is none (a reference tool that is not installed).
func executable(_ argv0: String) -> String? {
    if argv0.contains("/") { return access(argv0, X_OK) == 0 ? argv0 : nil }
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    return path.split(separator: ":").map { "\($0)/\(argv0)" }.first { access($0, X_OK) == 0 }
}

/// The Debian package of a reference tool, for the skip message.
let debianPackage = ["numactl": "numactl", "lsmem": "util-linux", "python3": "python3", "/usr/bin/time": "time"]

/// Why `b` cannot run here (a command one side needs is missing), or nil.
func missingTool(_ b: Benchmark) -> String? {
    for side in [b.subject] + (b.reference.map { [$0] } ?? []) {
        let tool = side.argv[0]
        if executable(tool) == nil {
            return "\(tool) not found" + (debianPackage[tool].map { " (Debian: apt-get install \($0))" } ?? "")
        }
    }
    return nil
}

/// Returns false (after saying why) when the benchmark was skipped.
@discardableResult
func measure(_ b: Benchmark, runs: Int) throws -> Bool {
    print("== \(b.name): \(b.what)")
    if let why = missingTool(b) {
        print("   SKIPPED: \(why); the other benchmarks run")
        return false
    }
    let sides = [b.subject] + (b.reference.map { [$0] } ?? [])
    var stats = sides.map { _ in Stats(times: [], rss: []) }
    var last: [Sample?] = sides.map { _ in nil }
    for (i, s) in sides.enumerated() { last[i] = try run(s.argv) } // warm-up (page cache, dentries)
    for _ in 0..<runs {
        for (i, s) in sides.enumerated() {
            let r = try run(s.argv)
            stats[i].times.append(r.inner ?? r.wall)
            last[i] = r
        }
    }
    // Peak RSS from one more run under /usr/bin/time: a child spawned from this process starts with
    // this process's high-water mark in its rusage (exec keeps the larger of the two), which would floor
    // every figure at this harness's own size.
    let timeTool = executable("/usr/bin/time")
    if timeTool == nil { print("   peak RSS not measured: /usr/bin/time not found (Debian: apt-get install time)") }
    for (i, s) in sides.enumerated() where timeTool != nil {
        let file = NSTemporaryDirectory() + "memmap-bench-rss-\(getpid())"
        defer { unlink(file) }
        _ = try run(["/usr/bin/time", "-f", "%M", "-o", file] + s.argv)
        stats[i].rss = [Int((try? String(contentsOfFile: file, encoding: .utf8))?.split(separator: "\n").last.flatMap { Int($0) } ?? -1)]
    }
    for (i, s) in sides.enumerated() {
        var line = "   \(i == 0 ? "subject  " : "reference") \(s.label): \(stats[i].line)"
        if let items = b.items { line += ", \(fmtRate(items / stats[i].med))\(b.unit)/s" }
        if last[i]?.inner != nil { line += " (time of the check in the process)" }
        print(line)
    }
    if stats.count == 2 {
        let ratio = stats[0].med / stats[1].med
        print("   time ratio subject/reference \(String(format: "%.3f", ratio)) (throughput ratio \(String(format: "%.3g", 1 / ratio))); target: \(b.target)")
        if let check = b.check, let a = last[0], let r = last[1], let problem = check(a, r) { print("   WARNING: \(problem)") }
        else if b.check != nil {
            let agreed = last[1]!.output.split(separator: " ").dropFirst().joined(separator: " ").trimmingCharacters(in: .newlines)
            // Counts are shown; a record stream is only measured (the first 64 KiB of each side compared).
            print("   results agree: " + (agreed.count <= 300 ? agreed : "the first \(last[1]!.output.utf8.count) bytes of both outputs are identical"))
        }
    } else {
        print("   target: \(b.target)")
    }
    return true
}

// MARK: Main

func selfPath() -> String {
    var buf = [CChar](repeating: 0, count: 4096)
    let n = readlink("/proc/self/exe", &buf, buf.count - 1)
    return n > 0 ? String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : CommandLine.arguments[0]
}

func main() throws {
    var args = Array(CommandLine.arguments.dropFirst())
    if args.first == "--child", args.count == 3 { return try child(args[1], args[2]) }
    var runs = 7, only: Set<String>?, tree = "/tmp/memmap-synth-24t", fleet = "/tmp/memmap-fleet"
    while !args.isEmpty {
        let a = args.removeFirst()
        guard let v = args.first else { throw BenchError.failed("\(a): expected a value") }
        args.removeFirst()
        switch a {
        case "--runs": guard let n = Int(v), n > 0 else { throw BenchError.failed("--runs \(v): expected a positive number") }; runs = n
        case "--only": only = Set(v.split(separator: ",").map(String.init))
        case "--tree": tree = v
        case "--fleet": fleet = v
        default: throw BenchError.failed("\(a): expected --runs N, --only NAMES, --tree DIR or --fleet DIR")
        }
    }
    let bench = selfPath()
    let dir = (bench as NSString).deletingLastPathComponent
    let ctx = Context(tool: dir + "/memmap-check", bench: bench, tree: tree, fleet: fleet)
    let list = registry(ctx).filter { only?.contains($0.name) ?? true }
    if let b = list.first(where: { $0.name == "host-24tib" }), missingTool(b) == nil,
       !FileManager.default.fileExists(atPath: tree + "/sys/devices/system/memory") {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/gen-synthetic-host.py").path
        print("generating the 24 TiB tree in \(tree) (python3 \(script); a few minutes, about 1.4 M inodes)")
        _ = try run(["python3", script, tree])
    }
    if list.contains(where: { $0.name == "fleet" }) && !FileManager.default.fileExists(atPath: fleet + "/copy-01") {
        print("making the fleet in \(fleet) (\(fleetCopies) hard-linked copies of \(committedCaptures(repoRoot).count) captures)")
        try makeFleet(fleet, repo: repoRoot)
    }
    print("memmap-bench: \(runs) runs per side after one warm-up, alternating subject and reference; \(ProcessInfo.processInfo.activeProcessorCount) CPUs, load \(String(format: "%.2f", loadavg()))")
    let skipped = try list.filter { try !measure($0, runs: runs) }.map(\.name)
    if !skipped.isEmpty {
        print("memmap-bench: \(list.count - skipped.count) of \(list.count) benchmarks ran; skipped (a tool missing, above): \(skipped.joined(separator: ", "))")
    }
}

func loadavg() -> Double {
    var l = [Double](repeating: 0, count: 3)
    return getloadavg(&l, 3) > 0 ? l[0] : -1
}

do { try main() } catch {
    FileHandle.standardError.write(Data("memmap-bench: error: \(error)\n".utf8))
    exit(2)
}

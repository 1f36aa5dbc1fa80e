#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// `sweep --shard K/N`: shard K of N visits the K-th of N contiguous, equal ranges of the combination
/// index space. Contiguous ranges keep the sweep's inner loop (a cell's configuration is built once and its
/// DRAM/vmemmap points run back to back), balance to within one combination however few cells there are,
/// and make merging a sum of counts plus a minimum of first indices.
public struct SweepShard: Sendable, Equatable, CustomStringConvertible {
    public var index: UInt64
    public var count: UInt64

    public init(index: UInt64, count: UInt64) {
        self.index = index
        self.count = count
    }

    /// Parses `K/N` (0 <= K < N).
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = UInt64(parts[0]), let n = UInt64(parts[1]) else {
            throw InputError("\(OptionName.shard.flag) \(text)", expected: "K/N with whole numbers, e.g. 0/4 (shard K of N, counted from 0)")
        }
        guard n > 0 else { throw InputError("\(OptionName.shard.flag) \(text)", expected: "N above 0 in K/N") }
        guard k < n else { throw InputError("\(OptionName.shard.flag) \(text)", expected: "K below N in K/N (shards count from 0: 0/\(n) to \(n - 1)/\(n))") }
        self.init(index: k, count: n)
    }

    public var description: String { "\(index)/\(count)" }

    /// The shard's combinations of `total`: [total * K / N, total * (K + 1) / N).
    public func range(of total: UInt64) -> Range<UInt64> {
        func cut(_ k: UInt64) -> UInt64 {
            let (hi, lo) = total.multipliedFullWidth(by: k)
            return count.dividingFullWidth((hi, lo)).quotient
        }
        return cut(index)..<cut(index + 1)
    }
}

extension SweepSummary {
    /// Adds a failing group, or counts into the one with the same key (`FailingGroup.key`; keeping the
    /// smaller first index and its example); groups stay sorted by first index, then rule order.
    mutating func add<R>(group g: FailingGroup<R>, to list: WritableKeyPath<SweepSummary, [FailingGroup<R>]>) {
        var l = self[keyPath: list]
        self[keyPath: list] = [] // keeps `l` uniquely referenced
        let i: Int
        let key = g.key
        if let k = l.firstIndex(where: { $0.key == key }) {
            i = k
            l[i].count += g.count
            if g.firstIndex < l[i].firstIndex {
                (l[i].firstIndex, l[i].example, l[i].message, l[i].command) = (g.firstIndex, g.example, g.message, g.command)
            }
        } else {
            i = l.count
            l.append(g)
        }
        // Only l[i] moved, and only towards the front.
        if i > 0 && (l[i - 1].firstIndex, l[i - 1].rule.order) > (l[i].firstIndex, l[i].rule.order) {
            l.sort { ($0.firstIndex, $0.rule.order) < ($1.firstIndex, $1.rule.order) }
        }
        self[keyPath: list] = l
    }

    /// Adds the counts of `o`, a summary of other combinations of the same sweep: the result is the
    /// summary of both, whatever the order of merging (counts add, first indices take the minimum).
    public mutating func merge(_ o: SweepSummary) {
        combinations += o.combinations
        evaluated += o.evaluated
        skipped += o.skipped
        failed += o.failed
        v2Disagreements += o.v2Disagreements
        for r in ruleCounts.indices { for k in 0..<3 { ruleCounts[r][k] += o.ruleCounts[r][k] } }
        if let oc = o.layoutCounts {
            var lc = layoutCounts ?? Array(repeating: [0, 0, 0], count: LayoutRuleID.allCases.count)
            for r in lc.indices { for k in 0..<3 { lc[r][k] += oc[r][k] } }
            layoutCounts = lc
        }
        for (i, r) in o.skipReasons.enumerated() {
            skipped -= r.count // skip() counts them again
            skip(r.reason, r.count, at: o.skipFirst[i])
        }
        sortSkipReasons()
        for g in o.groups { add(group: g, to: \.groups) }
        for g in o.layoutGroups { add(group: g, to: \.layoutGroups) }
        if notApplicable.isEmpty { notApplicable = o.notApplicable }
        if let om = o.matrix {
            var m = matrix ?? SweepMatrix()
            m.merge(om)
            matrix = m
        }
        seconds = max(seconds, o.seconds)
    }

    /// Puts the skip reasons in sweep order of their first skipped combination (a cell's reason before a
    /// per-combination one at the same index), whatever order the chunks were counted in.
    mutating func sortSkipReasons() {
        let order = skipFirst.indices.sorted { skipFirst[$0] < skipFirst[$1] }
        skipReasons = order.map { skipReasons[$0] }
        skipFirst = order.map { skipFirst[$0] }
    }

    /// Fills each failing group's smallest example, its message and the reproducing command, and the
    /// sweep's not-applicable .config files: what the text and JSON summaries print.
    public func resolved(_ sweep: Sweep) -> SweepSummary {
        var s = self
        func fill<R>(_ g: inout FailingGroup<R>) {
            guard g.example == nil else { return }
            let c = try? sweep.config(at: g.firstIndex)
            g.example = c.map(\.label) ?? ""
            g.command = sweep.checkCommand(at: g.firstIndex)
            if let c {
                let findings = sweep.spec.layout.flatMap { L in try? LayoutChecker.check(L, config: c).result.findings }
                    ?? (try? Checker.check(c))?.findings
                g.message = findings?.first { $0.rule == g.rule.anyID && $0.status == .fail }?.message
            }
        }
        for i in s.groups.indices { fill(&s.groups[i]) }
        for i in s.layoutGroups.indices { fill(&s.layoutGroups[i]) }
        s.notApplicable = sweep.spec.notApplicable
        return s
    }
}

/// Chunks of a sweep handed to worker threads and taken back in order: a worker claims the next chunk
/// only while fewer than `window` finished chunks wait to be taken, so memory stays bounded.
final class ChunkBoard<T: Sendable>: @unchecked Sendable {
    private let cond = Condition()
    private var next = 0, taken = 0
    private var done: [Int: Result<T, Error>] = [:]
    let count: Int, window: Int

    init(count: Int, window: Int) {
        self.count = count
        self.window = window
    }

    func claim() -> Int? {
        cond.lock()
        defer { cond.unlock() }
        while next < count && next >= taken + window { cond.wait() }
        guard next < count else { return nil }
        next += 1
        return next - 1
    }

    func put(_ i: Int, _ r: Result<T, Error>) {
        cond.lock()
        done[i] = r
        cond.broadcast()
        cond.unlock()
    }

    func take(_ i: Int) -> Result<T, Error> {
        cond.lock()
        defer { cond.unlock() }
        while done[i] == nil { cond.wait() }
        taken = i + 1
        cond.broadcast()
        return done.removeValue(forKey: i)!
    }

    /// Stops handing out chunks (the consumer failed).
    func cancel() {
        cond.lock()
        next = count
        cond.broadcast()
        cond.unlock()
    }
}

extension Sweep {
    /// All cores online (`sysconf(_SC_NPROCESSORS_ONLN)`).
    public static var defaultJobs: Int { max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))) }

    /// A hash of the sweep's sources, axes and fixed options: shards of one sweep carry the same one.
    public var fingerprint: String {
        var text = spec.sources.map(\.name).joined(separator: ",") + ";" + spec.kernels.map { $0?.argument ?? "configured" }.joined(separator: ",")
        text += ";\(spec.pageShifts ?? []);\(String(describing: spec.sectionBits));\(String(describing: spec.structPageSizes))"
        text += ";\(String(describing: spec.maxFolioOrders));\(spec.hvo.rawValue);\(String(describing: spec.dramBases))"
        text += ";\(String(describing: spec.vmemmapBases));\(spec.fixedArgs);\(spec.layoutRoot ?? "")"
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return String(h, radix: 16)
    }

    /// Runs the sweep, also gathering the matrix of the HTML report when `matrix` is true.
    public func run(policy: FailPolicy, matrix: Bool, jobs: Int = 1, shard: SweepShard? = nil,
                    progress: ((UInt64) -> Void)? = nil) throws -> SweepSummary {
        var sweep = self
        sweep.gatherMatrix = matrix
        return try sweep.run(policy: policy, jobs: jobs, shard: shard, progress: progress)
    }

    /// Runs the sweep (or one shard of it) on `jobs` threads. Results and summaries are the same for
    /// every `jobs`: `emit` is called on the calling thread in combination order, and `progress` (about
    /// every 65536 combinations, with the number done) too.
    public func run(policy: FailPolicy, jobs: Int = 1, shard: SweepShard? = nil,
                    emit: ((UInt64, CheckResult) throws -> Void)? = nil,
                    progress: ((UInt64) -> Void)? = nil) throws -> SweepSummary {
        let start = Date()
        let range = shard?.range(of: total) ?? 0..<total
        let count = range.upperBound - range.lowerBound // Range<UInt64>.count traps above Int.max
        func chunks(_ size: UInt64) -> Int { Int(count / size + (count % size == 0 ? 0 : 1)) }
        var s: SweepSummary
        if jobs <= 1 || count < 2 {
            s = try runRange(range.lowerBound, range.upperBound, policy: policy, emit: emit,
                             progress: progress.map { p in { p($0 - range.lowerBound) } })
        } else if let emit {
            // Streaming: small chunks of full results, at most 4 per thread waiting to be written.
            let size: UInt64 = 256
            s = try parallel(range, size: size, chunks: chunks(size), jobs: jobs, window: 4 * jobs, policy: policy, collect: true) { _, results in
                for (i, r) in results { try emit(i, r) }
            } progress: { progress?($0) }
        } else {
            // Counting only: a few chunks per thread (cells without valid configurations finish at once).
            let n = min(UInt64(jobs * 16), count)
            let size = count / n + (count % n == 0 ? 0 : 1)
            s = try parallel(range, size: size, chunks: chunks(size), jobs: jobs,
                             window: Int.max / 2, policy: policy, collect: false) { _, _ in } progress: { progress?($0) }
        }
        s.sortSkipReasons()
        if let shard {
            s.shard = .init(shard: shard, first: range.lowerBound, end: range.upperBound, total: total, fingerprint: fingerprint)
        }
        s.seconds = Date().timeIntervalSince(start)
        return s
    }

    private func parallel(_ range: Range<UInt64>, size: UInt64, chunks: Int, jobs: Int, window: Int, policy: FailPolicy,
                          collect: Bool, consume: (SweepSummary, [(UInt64, CheckResult)]) throws -> Void,
                          progress: (UInt64) -> Void) throws -> SweepSummary {
        let board = ChunkBoard<(SweepSummary, [(UInt64, CheckResult)])>(count: chunks, window: window)
        let sweep = self
        for _ in 0..<min(jobs, chunks) {
            startThread {
                while let i = board.claim() {
                    let lo = range.lowerBound + UInt64(i) * size, hi = min(lo + size, range.upperBound)
                    board.put(i, Result {
                        var results: [(UInt64, CheckResult)] = []
                        let part = try sweep.runRange(lo, hi, policy: policy,
                                                      emit: collect ? { results.append(($0, $1)) } : nil)
                        return (part, results)
                    })
                }
            }
        }
        var s = SweepSummary()
        if spec.layout != nil { s.layoutCounts = Array(repeating: [0, 0, 0], count: LayoutRuleID.allCases.count) }
        var reported: UInt64 = 0
        do {
            for i in 0..<chunks {
                let (part, results) = try board.take(i).get()
                try consume(part, results)
                s.merge(part)
                if s.combinations >= reported + (1 << 16) {
                    reported = s.combinations
                    progress(reported)
                }
            }
        } catch {
            board.cancel()
            throw error
        }
        return s
    }
}

/// Byte buffers handed between the record workers and the writer, reused so memory stays flat.
final class BufferPool: @unchecked Sendable {
    private let lock = Condition()
    private var free: [ByteBuffer] = []
    let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    func get() -> ByteBuffer {
        lock.lock()
        defer { lock.unlock() }
        if let b = free.popLast() { b.removeAll(); return b }
        return ByteBuffer(capacity: capacity)
    }

    func put(_ b: ByteBuffer) {
        lock.lock()
        free.append(b)
        lock.unlock()
    }
}

extension Sweep {
    /// Combinations per JSONL chunk: a few MiB of records, formatted by one worker into one buffer.
    static let recordChunk: UInt64 = 8192

    /// Runs the sweep writing one JSONL record per evaluated combination: each chunk of combinations is
    /// formatted into its own buffer on a worker thread, and `write` receives the buffers on the calling
    /// thread in combination order (at most 2 per thread wait, so memory stays flat). The summary is the
    /// same as `run(policy:)`'s. `--root` sweeps format the records from full results instead.
    public func runRecords(policy: FailPolicy, jobs: Int = 1, shard: SweepShard? = nil,
                           write: (UnsafeRawBufferPointer) throws -> Void,
                           progress: ((UInt64) -> Void)? = nil) throws -> SweepSummary {
        if spec.layout != nil {
            let b = ByteBuffer(capacity: 1024)
            return try withoutActuallyEscaping(write) { write in
                try run(policy: policy, jobs: jobs, shard: shard, emit: { i, r in
                    b.removeAll()
                    JSONLRecord.append(r, index: i, policy: policy, to: b)
                    try write(b.bytes)
                }, progress: progress)
            }
        }
        let start = Date()
        let range = shard?.range(of: total) ?? 0..<total
        let count = range.upperBound - range.lowerBound
        let size = Self.recordChunk
        let chunks = Int(count / size + (count % size == 0 ? 0 : 1))
        let pool = BufferPool(capacity: Int(size) * 400)
        let board = ChunkBoard<(SweepSummary, ByteBuffer)>(count: chunks, window: 2 * max(jobs, 1))
        let sweep = self
        @Sendable func work(_ i: Int) -> Result<(SweepSummary, ByteBuffer), Error> {
            let lo = range.lowerBound + UInt64(i) * size, hi = min(lo + size, range.upperBound)
            let buf = pool.get()
            return Result { (try sweep.runRange(lo, hi, policy: policy, emit: nil, records: buf), buf) }
        }
        if jobs > 1 {
            for _ in 0..<min(jobs, chunks) {
                startThread {
                    while let i = board.claim() { board.put(i, work(i)) }
                }
            }
        }
        var s = SweepSummary()
        var reported: UInt64 = 0
        do {
            for i in 0..<chunks {
                let (part, buf) = try (jobs > 1 ? board.take(i) : work(i)).get()
                try write(buf.bytes)
                pool.put(buf)
                s.merge(part)
                if s.combinations >= reported + (1 << 16) {
                    reported = s.combinations
                    progress?(reported)
                }
            }
        } catch {
            board.cancel()
            throw error
        }
        s.sortSkipReasons()
        if let shard {
            s.shard = .init(shard: shard, first: range.lowerBound, end: range.upperBound, total: total, fingerprint: fingerprint)
        }
        s.seconds = Date().timeIntervalSince(start)
        return s
    }
}

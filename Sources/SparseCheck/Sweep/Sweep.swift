#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// What `--hvo` does in a sweep.
public enum HVOChoice: String, CaseIterable, Sendable {
    /// As the architecture's Kconfig (or the .config) derives it.
    case config
    case on, off, both

    var values: [Bool?] {
        switch self {
        case .config: return [nil]
        case .on: return [true]
        case .off: return [false]
        case .both: return [false, true]
        }
    }
}

/// The cartesian product a sweep visits.
public struct SweepSpec: Sendable {
    public enum Source: Sendable {
        case preset(String)
        case kconfig(SparseConfig)

        public var name: String {
            switch self {
            case let .preset(n): return n
            case let .kconfig(c):
                let mode = c.modePinned && c.allowedModes.count > 1 ? c.pagingMode.map { " [\($0.rawValue)]" } ?? "" : ""
                return (c.kconfigPath ?? c.preset) + mode
            }
        }
    }

    public var sources: [Source] = []
    /// .config files whose architecture has no SPARSEMEM (no rule applies).
    public var notApplicable: [(path: String, arch: String, reason: String)] = []
    /// The kernel axis: a release (or `proposed`) each, nil = as configured (a .config's own release,
    /// the newest modelled for a preset).
    public var kernels: [KernelTarget?] = [nil]
    public var pageShifts: [UInt32]?
    public var sectionBits: SweepAxis?
    public var structPageSizes: SweepAxis?
    public var maxFolioOrders: SweepAxis?
    public var hvo: HVOChoice = .config
    public var dramBases: SweepAxis?
    public var vmemmapBases: SweepAxis?
    /// Single-valued overrides applied to every combination (e.g. --physmem-bits).
    public var fixed = Overrides()
    /// The same overrides as command-line words, for the reproducing `check` command.
    public var fixedArgs: [String] { fixed.arguments }
    /// `sweep --root DIR`: a captured layout whose layout rules run for every combination (presets then
    /// take the layout's page size and sizeof(struct page), as `host --root DIR --preset NAME` does).
    public var layout: NodeLayout?
    /// The `--root` directory, for reproducing commands.
    public var layoutRoot: String?

    public init() {}

    /// Expands `--presets`: `all`, names and globs (`arm64-*`), comma-separated.
    public static func presets(matching text: String) throws -> [String] {
        var out: [String] = []
        for item in text.split(separator: ",").map({ $0.trimmingSpaces().lowercased() }) {
            let hits: [String]
            if item == "all" {
                hits = Preset.all.map(\.name)
            } else if item.contains(where: { "*?[".contains($0) }) {
                hits = Preset.all.map(\.name).filter { fnmatch(item, $0, 0) == 0 }
            } else {
                hits = Preset.named(item).map { [$0.name] } ?? []
            }
            guard !hits.isEmpty else {
                throw InputError("\(OptionName.presets.flag) \(text)", expected: "all, preset names or globs such as arm64-* (\(item) matches no preset; memmap-check presets lists them)")
            }
            for h in hits where !out.contains(h) { out.append(h) }
        }
        guard !out.isEmpty else { throw InputError("\(OptionName.presets.flag) \(text)", expected: "at least one preset, all, or a glob") }
        return out
    }
}

/// A rule whose failures a sweep groups by source and kernel: the config rules and the layout rules.
public protocol SweepRule: RawRepresentable, CaseIterable, Hashable, Sendable where RawValue == String, AllCases == [Self] {
    var severity: Severity { get }
    /// The rule as findings name it.
    var anyID: AnyRuleID { get }
}

extension RuleID: SweepRule {}
extension LayoutRuleID: SweepRule {}

extension SweepRule {
    /// The rule's position in its enumeration (the tie-break of failing groups with the same first index).
    var order: Int { Self.allCases.firstIndex(of: self)! }
}

/// The counts a sweep gathers: flat in the number of combinations.
public struct SweepSummary: Sendable {
    public struct FailingGroup<Rule: SweepRule>: Sendable {
        public var rule: Rule
        public var source: String
        /// The release the formulas were for (KernelTarget.label).
        public var kernel: String
        public var count: UInt64
        /// The first failing combination in sweep order (axes ascend, so the smallest values).
        public var firstIndex: UInt64
        /// The smallest example's label, the failing finding's message there and the command that
        /// reproduces it (filled by `resolved(_:)`, or read back by `merge`).
        public var example: String?
        public var message: String?
        public var command: String?
        /// The paging mode (empty until the model gives configurations one).
        public var mode: String = ""

        /// What tells groups apart: rule × source × kernel release × paging mode. A new key part is one
        /// more element here (and a field above).
        public var key: [String] { [rule.rawValue, source, kernel, mode] }
    }
    public typealias Group = FailingGroup<RuleID>
    public typealias LayoutGroup = FailingGroup<LayoutRuleID>

    /// The combinations this summary covers (all of them, or one shard's share).
    public var combinations: UInt64 = 0
    public var evaluated: UInt64 = 0
    public var skipped: UInt64 = 0
    /// Why combinations were skipped, in sweep order of the first skipped combination.
    public var skipReasons: [(reason: String, count: UInt64)] = []
    /// Where each skip reason was first seen: (combination index, per combination) — a reason for a whole
    /// cell or axis sorts before a per-combination one at the same index. Parallel with `skipReasons`.
    public var skipFirst: [SkipKey] = []
    /// [rule][pass, fail, skip] in RuleID order.
    public var ruleCounts: [[UInt64]] = Array(repeating: [0, 0, 0], count: RuleID.allCases.count)
    /// `sweep --root`: [layout rule][combinations passing, combinations failing, findings] in LayoutRuleID order.
    public var layoutCounts: [[UInt64]]?
    /// Evaluated combinations with a failing rule at or above the fail-on severity.
    public var failed: UInt64 = 0
    /// Combinations where both the v2 check and the merged check apply and disagree (one warns, the other not).
    public var v2Disagreements: UInt64 = 0
    public var groups: [Group] = []
    public var layoutGroups: [LayoutGroup] = []
    /// .config files of the sweep whose architecture has no SPARSEMEM (filled by `resolved(_:)`).
    public var notApplicable: [(path: String, arch: String, reason: String)] = []
    /// Set on one shard's summary; nil for a whole sweep (and for merged shards).
    public var shard: ShardInfo?
    /// Counts per source × page size × kernel, when the sweep gathered them (`Sweep.gatherMatrix`).
    public var matrix: SweepMatrix?
    public var seconds: Double = 0

    public var passed: UInt64 { evaluated - failed }

    public struct SkipKey: Sendable, Comparable {
        public var index: UInt64
        public var perCombination: Bool
        public static func < (a: SkipKey, b: SkipKey) -> Bool {
            a.index != b.index ? a.index < b.index : (!a.perCombination && b.perCombination)
        }
    }

    /// What a shard summary says about its sweep, so that `merge` can tell the shards belong together.
    public struct ShardInfo: Sendable, Equatable {
        public var shard: SweepShard
        /// Combination indices [first, end) of `total`.
        public var first: UInt64
        public var end: UInt64
        public var total: UInt64
        /// A hash of the sweep's axes and sources.
        public var fingerprint: String
    }

    public init() {}

    mutating func skip(_ reason: String, _ n: UInt64, at key: SkipKey) {
        guard n > 0 else { return }
        skipped += n
        if let i = skipReasons.firstIndex(where: { $0.reason == reason }) {
            skipReasons[i].count += n
            skipFirst[i] = min(skipFirst[i], key)
        } else {
            skipReasons.append((reason, n))
            skipFirst.append(key)
        }
    }
}

/// Visits every combination of a `SweepSpec`. Each combination of the small axes (source, kernel,
/// page size, section bits, struct page size, folio order, HVO) is a *cell* whose configuration is
/// built and validated once; the DRAM and vmemmap-base axes inside a cell take the allocation-free
/// path: the configuration half of cs_sparse_init_checks() once per cell, then per combination the base step,
/// its base half (cs_sparse_init_base()) and three status tests.
public struct Sweep: Sendable {
    public let spec: SweepSpec
    let dims: [UInt64] // source, kernel, page, section, struct, folio, hvo, dram, vmemmap
    public let total: UInt64
    /// Also gather the per-cell counts of `SweepSummary.matrix` (the HTML report's matrix).
    public var gatherMatrix = false

    public init(_ spec: SweepSpec) throws {
        self.spec = spec
        let d: [UInt64] = [
            UInt64(spec.sources.count), UInt64(spec.kernels.count), UInt64(spec.pageShifts?.count ?? 1),
            spec.sectionBits?.count ?? 1, spec.structPageSizes?.count ?? 1, spec.maxFolioOrders?.count ?? 1,
            UInt64(spec.hvo.values.count), spec.dramBases?.count ?? 1, spec.vmemmapBases?.count ?? 1,
        ]
        var t: UInt64 = 1
        for x in d {
            let (p, o) = t.multipliedReportingOverflow(by: x)
            guard !o else { throw InputError("sweep axes", expected: "a product of axis lengths below 2^64 combinations") }
            t = p
        }
        dims = d
        total = t
    }

    var pointsPerCell: UInt64 { dims[7] * dims[8] }
    var cells: UInt64 { pointsPerCell == 0 ? 0 : total / pointsPerCell }

    /// Axis indices of a combination, outermost first.
    func indices(_ index: UInt64) -> [UInt64] {
        var rest = index
        var out = Array(repeating: UInt64(0), count: dims.count)
        for k in stride(from: dims.count - 1, through: 0, by: -1) {
            out[k] = rest % dims[k]
            rest /= dims[k]
        }
        return out
    }

    /// The configuration of a cell (all axes but DRAM and vmemmap base), or why it is skipped.
    func cellConfig(_ ix: [UInt64]) -> (SparseConfig?, String?) {
        let source = spec.sources[Int(ix[0])]
        var o = spec.fixed
        o.kernel = spec.kernels[Int(ix[1])]
        if let v = spec.sectionBits { o.sectionBits = UInt32(clamping: v.value(ix[3])) }
        if let v = spec.structPageSizes { o.structPageSize = v.value(ix[4]) }
        if let v = spec.maxFolioOrders { o.maxFolioOrder = UInt32(clamping: v.value(ix[5])) }
        o.hvo = spec.hvo.values[Int(ix[6])]
        do {
            let c: SparseConfig
            switch source {
            case let .preset(name):
                if let p = spec.pageShifts { o.pageShift = p[Int(ix[2])] }
                if let L = spec.layout {
                    c = try L.config(preset: name, overrides: o).0
                } else {
                    c = try SparseConfig.make(preset: name, overrides: o)
                }
            case let .kconfig(k):
                if ix[2] > 0 { return (nil, "\(OptionName.pageSizes.flag) does not apply to a .config (its page size is fixed): duplicate of the first page size") }
                c = try k.applying(o)
            }
            try c.validate()
            return (c, nil)
        } catch let e as InputError {
            return (nil, "invalid: \(e.description)")
        } catch {
            return (nil, "invalid: \(error)")
        }
    }

    /// The configuration of one combination (for examples and emitted results).
    public func config(at index: UInt64) throws -> SparseConfig {
        let ix = indices(index)
        let (cell, why) = cellConfig(ix)
        guard var c = cell else { throw InputError("combination \(index)", expected: why ?? "a valid configuration") }
        if let v = spec.dramBases, c.baseDependsOnDRAM { c.useDRAMBase(v.value(ix[7])) }
        if let v = spec.vmemmapBases { c.useVmemmapBase(v.value(ix[8])) }
        return c
    }

    /// The `memmap-check check` command that reproduces one combination.
    public func checkCommand(at index: UInt64) -> String {
        let ix = indices(index)
        var words = ["memmap-check", "check"]
        if let root = spec.layoutRoot { words = ["memmap-check", "host", OptionName.root.flag, shellQuote(root)] }
        switch spec.sources[Int(ix[0])] {
        case let .preset(n): words += [OptionName.preset.flag, n]
        case let .kconfig(c):
            words += [OptionName.kconfig.flag, shellQuote(c.kconfigPath ?? c.preset)]
            if c.modePinned, c.allowedModes.count > 1, let m = c.pagingMode { words += [OptionName.pagingMode.flag, m.rawValue] }
        }
        if let k = spec.kernels[Int(ix[1])] { words += [OptionName.kernel.flag, shellQuote(k.argument)] }
        if let p = spec.pageShifts, case .preset = spec.sources[Int(ix[0])] {
            words += [OptionName.pageSize.flag, "\(1 << (p[Int(ix[2])] - 10))K"]
        }
        if let v = spec.sectionBits { words += [OptionName.sectionBits.flag, String(v.value(ix[3]))] }
        if let v = spec.structPageSizes { words += [OptionName.structPageSize.flag, String(v.value(ix[4]))] }
        if let v = spec.maxFolioOrders { words += [OptionName.maxFolioOrder.flag, String(v.value(ix[5]))] }
        if let h = spec.hvo.values[Int(ix[6])] { words.append(h ? OptionName.hvo.flag : OptionName.hvo.negated) }
        words += spec.fixedArgs
        if let v = spec.vmemmapBases {
            words += [OptionName.vmemmapBase.flag, hex(v.value(ix[8]))]
        } else if let v = spec.dramBases, (try? config(at: index))?.baseDependsOnDRAM == true {
            words += [OptionName.dramBase.flag, hex(v.value(ix[7]))]
        }
        return words.joined(separator: " ")
    }

    /// Runs the combinations [lo, hi) on this thread. `emit` receives every evaluated combination's full
    /// result (built only when given); `progress` is called about every 65536 combinations with the
    /// index reached.
    func runRange(_ lo: UInt64, _ hi: UInt64, policy: FailPolicy, emit: ((UInt64, CheckResult) throws -> Void)?,
                  records: ByteBuffer? = nil, progress: ((UInt64) -> Void)? = nil) throws -> SweepSummary {
        var s = SweepSummary()
        s.combinations = hi - lo
        if spec.layout != nil { s.layoutCounts = Array(repeating: [0, 0, 0], count: LayoutRuleID.allCases.count) }
        if gatherMatrix { s.matrix = SweepMatrix() }
        guard lo < hi else { return s }
        let ppc = pointsPerCell
        var first = lo / ppc * ppc
        var nextProgress = lo + (1 << 16)
        while first < hi {
            try runCell(first, max(lo, first) - first, min(hi - first, ppc), policy, emit, records, &s)
            if let progress, first + ppc >= nextProgress {
                progress(min(first + ppc, hi))
                nextProgress = first + ppc + (1 << 16)
            }
            first += ppc
        }
        return s
    }

    /// The points [pLo, pHi) of the cell starting at combination `first`: the DRAM and vmemmap-base
    /// axes, with the cell's configuration, base inputs and rule conditions worked out once.
    private func runCell(_ first: UInt64, _ pLo: UInt64, _ pHi: UInt64, _ policy: FailPolicy,
                         _ emit: ((UInt64, CheckResult) throws -> Void)?, _ records: ByteBuffer?, _ s: inout SweepSummary) throws {
        let ix = indices(first)
        let (cellCfg, why) = cellConfig(ix)
        let cellKey = SweepSummary.SkipKey(index: first, perCombination: false)
        let mkey = gatherMatrix ? matrixKey(ix, cellCfg) : nil
        // Every skip also lands in the matrix cell, when one is gathered.
        func skip(_ reason: String, _ n: UInt64, at key: SweepSummary.SkipKey) {
            s.skip(reason, n, at: key)
            if let mkey { s.matrix?.skip(mkey, n, reason) }
        }
        guard var c = cellCfg else {
            skip(why ?? "invalid", pHi - pLo, at: cellKey)
            return
        }
        let nd = dims[7], nv = dims[8]
        // Axes that do not apply: their first value stands for the configuration, the rest are duplicates.
        let dramApplies = spec.dramBases != nil && c.baseDependsOnDRAM && spec.vmemmapBases == nil
        var evalHi = pHi
        if nd > 1 && !dramApplies {
            let why = spec.vmemmapBases != nil
                ? "\(OptionName.dramBases.flag) does not apply with \(OptionName.vmemmapBases.flag) (the base is given): duplicate of the first DRAM base"
                : "\(OptionName.dramBases.flag) does not apply to \(c.arch.rawValue) (its vmemmap base does not depend on the DRAM start): duplicate of the first DRAM base"
            let dupLo = max(pLo, nv)
            if pHi > dupLo { skip(why, pHi - dupLo, at: cellKey) }
            evalHi = min(pHi, nv)
        }
        guard pLo < evalHi else { return }
        let overflow = "the base formula or a derived value overflows 64 bits, or the DRAM start is at or above 1 << MAX_PHYSMEM_BITS (mm/sparse.c mminit_validate_memmodel_limits())"
        var cfg = c.mirror
        guard var parts = try? c.baseInputs(cfg) else {
            skip(overflow, evalHi - pLo, at: .init(index: first + pLo, perCombination: true))
            return
        }
        let plan = StatusPlan(c)
        let rules = RuleID.allCases
        let fails = rules.map { policy.counts($0.severity) }
        let counts = (fails[0], fails[1], fails[2])
        // Only one axis varies among the evaluated points: the DRAM base (then --vmemmap-bases is absent,
        // so a cell is one DRAM axis), the vmemmap base (then only the first DRAM base is evaluated), or
        // neither (one point).
        let axis = dramApplies ? spec.dramBases : spec.vmemmapBases
        let mode: PointMode = dramApplies ? .dram : (axis != nil ? .base : .fixed)
        if mode == .fixed && c.finishBase(&parts, dram: c.dramBase ?? 0, &cfg) != nil {
            skip(overflow, evalHi - pLo, at: .init(index: first + pLo, perCombination: true))
            return
        }
        let step = c.baseStep
        guard let v = try? cfg.sparseInitConfig() else {
            skip(overflow, evalHi - pLo, at: .init(index: first + pLo, perCombination: true))
            return
        }
        var t = CellTally()
        var over = (first: UInt64.max, n: UInt64(0))
        if let records, spec.layout == nil {
            // JSONL: the same loop, each point also formatted into this chunk's buffer.
            let dram: UInt64? = mode == .fixed && c.baseDependsOnDRAM && c.vmemmapBaseOverride == nil ? c.dramBase : nil
            let prefix = JSONLRecord.cellPrefix(source: spec.sources[Int(ix[0])].name, config: c, maxFolioOrder: v.maxFolioOrder)
            over = prefix.withUnsafeBytes { p in
                Self.recordPoints(axis, mode, pLo, evalHi, first, cfg, parts, step, plan, counts, v, dram, p, records, &t)
            }
        } else if emit == nil && spec.layout == nil {
            over = Self.countPoints(axis, mode, pLo, evalHi, first, cfg, parts, step, plan, counts, v, &t)
        } else {
            for p in pLo..<evalHi {
                let index = first + p
                var one = CellTally()
                let o = Self.countPoints(axis, mode, p, p + 1, first, cfg, parts, step, plan, counts, v, &one)
                if o.n > 0 {
                    over = (min(over.first, o.first), over.n + o.n)
                    continue
                }
                if let x = axis?.value(p) {
                    if mode == .dram { c.useDRAMBase(x) } else { c.useVmemmapBase(x) }
                }
                if let L = spec.layout {
                    do {
                        if try tallyLayout(LayoutChecker.check(L, config: c), index, ix, c.kernel, policy, &s) { one.failed = 1 }
                    } catch {
                        skip("the layout does not fit this configuration: \(error)", 1, at: .init(index: index, perCombination: true))
                        continue
                    }
                }
                t.merge(one)
                if let emit { try emit(index, Checker.check(c)) }
            }
        }
        if over.n > 0 { skip(overflow, over.n, at: .init(index: over.first, perCombination: true)) }
        if let mkey {
            var cell = SweepMatrix.Cell()
            cell.failed = t.failed
            cell.warned = t.warned
            cell.passed = t.passedAny
            cell.allRulesSkipped = t.evaluated - t.failed - t.warned - t.passedAny
            s.matrix?.add(mkey, cell)
        }
        s.evaluated += t.evaluated
        s.failed += t.failed
        s.v2Disagreements += t.disagree
        let firstFail = [t.first0, t.first1, t.first2], nFail = [t.tally.1, t.tally.4, t.tally.7]
        let tally = [t.tally.0, t.tally.1, t.tally.2, t.tally.3, t.tally.4, t.tally.5, t.tally.6, t.tally.7, t.tally.8]
        for r in 0..<3 { for k in 0..<3 { s.ruleCounts[r][k] += tally[r * 3 + k] } }
        // New groups in sweep order: by first failing index, then rule order.
        for r in (0..<3).sorted(by: { (firstFail[$0], $0) < (firstFail[$1], $1) }) where nFail[r] > 0 {
            var g = SweepSummary.Group(rule: rules[r], source: spec.sources[Int(ix[0])].name, kernel: c.kernel.label,
                                       count: nFail[r], firstIndex: firstFail[r])
            g.mode = c.pagingMode?.rawValue ?? ""
            s.add(group: g, to: \.groups)
        }
    }

    enum PointMode { case fixed, dram, base }

    /// `countPoints` that also appends each evaluated point's JSONL record to `out` (the record's
    /// inputs a cell shares are in `prefix`; `dram` is the cell's DRAM start when no axis varies it).
    @inline(never)
    static func recordPoints(_ axis: SweepAxis?, _ mode: PointMode, _ lo: UInt64, _ hi: UInt64, _ first: UInt64,
                             _ cfg0: CMirror, _ parts0: BaseParts, _ step: BaseStep, _ plan: StatusPlan,
                             _ counts: (Bool, Bool, Bool), _ config: CVerdict, _ dram: UInt64?, _ prefix: UnsafeRawBufferPointer,
                             _ out: ByteBuffer, _ tally: inout CellTally) -> (first: UInt64, n: UInt64) {
        var over = (first: UInt64.max, n: UInt64(0))
        var v = config, cfg = cfg0, parts = parts0, t = CellTally()
        defer { tally.merge(t) }
        let required = (config.maxFolioVmemmapAlign, config.v2Demand, config.sectionMapRequired)
        for p in lo..<hi {
            var x: UInt64 = 0
            switch axis {
            case nil: break
            case let .range(start, _, st)?: x = start &+ p &* st
            case let .list(values)?: x = values[Int(p)]
            }
            guard let base = evaluate(x, mode, step, &cfg, &parts, &v) else {
                if over.n == 0 { over.first = first + p }
                over.n += 1
                continue
            }
            let st = plan.statuses(v)
            let fails = t.add(st.folio, st.v2, st.encoding, first + p, counts)
            if fails { t.failed += 1 }
            JSONLRecord.append(to: out, index: first + p, prefix: prefix, dram: mode == .dram ? x : dram, vmemmap: base,
                               statuses: st, required: required, actual: v.actualAlignment, fails: fails)
        }
        return over
    }

    /// One point of a cell: its base (the DRAM step, the axis's base, or the cell's fixed base) and
    /// `cs_sparse_init_base()` into `v`; nil when C refuses the point (it is counted as overflowing).
    /// The one evaluation both the counting and the recording loops use.
    @inline(__always)
    static func evaluate(_ x: UInt64, _ mode: PointMode, _ step: BaseStep, _ cfg: inout CMirror,
                         _ parts: inout BaseParts, _ v: inout CVerdict) -> UInt64? {
        var base = parts.value
        if mode == .dram {
            guard BaseStep.finish(step, &parts, dram: x, &cfg) == nil else { return nil }
            base = parts.value
        } else if mode == .base {
            base = x
        }
        return cfg.sparseInitBase(base, &v) ? base : nil
    }

    /// The counting loop over points [lo, hi) of one cell: nothing but C values and scalars (no
    /// SparseConfig, no spec), one base step, `cs_sparse_init_base()` (the base-dependent half of
    /// `cs_sparse_init_checks()`; `config` holds the other half) and three status tests per
    /// combination. Returns the overflowing points (first index, count).
    @inline(never)
    static func countPoints(_ axis: SweepAxis?, _ mode: PointMode, _ lo: UInt64, _ hi: UInt64, _ first: UInt64,
                            _ cfg0: CMirror, _ parts0: BaseParts, _ step: BaseStep, _ plan: StatusPlan,
                            _ counts: (Bool, Bool, Bool), _ config: CVerdict, _ tally: inout CellTally) -> (first: UInt64, n: UInt64) {
        // Locals, not the caller's memory: the optimiser keeps them in registers.
        var over = (first: UInt64.max, n: UInt64(0))
        var v = config, cfg = cfg0, parts = parts0, t = CellTally()
        defer { tally.merge(t) }
        @inline(__always) func point(_ x: UInt64, _ p: UInt64, _ cfg: inout CMirror, _ parts: inout BaseParts,
                                     _ v: inout CVerdict, _ t: inout CellTally, _ over: inout (first: UInt64, n: UInt64)) {
            guard evaluate(x, mode, step, &cfg, &parts, &v) != nil else {
                if over.n == 0 { over.first = first + p }
                over.n += 1
                return
            }
            let st = plan.statuses(v)
            if t.add(st.folio, st.v2, st.encoding, first + p, counts) { t.failed += 1 }
        }
        switch axis {
        case nil:
            for p in lo..<hi { point(0, p, &cfg, &parts, &v, &t, &over) }
        case let .range(start, _, st)?:
            for p in lo..<hi { point(start &+ p &* st, p, &cfg, &parts, &v, &t, &over) }
        case let .list(values)?:
            for p in lo..<hi { point(values[Int(p)], p, &cfg, &parts, &v, &t, &over) }
        }
        return over
    }

    /// One cell's counts, in scalars: [rule * 3 + pass/fail/skip], first failing index per rule.
    struct CellTally {
        var tally: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0, 0)
        var first0: UInt64 = .max, first1: UInt64 = .max, first2: UInt64 = .max
        var evaluated: UInt64 = 0, failed: UInt64 = 0, disagree: UInt64 = 0
        /// Combinations with a failing rule below --fail-on only / with no failing and a passing rule.
        var warned: UInt64 = 0, passedAny: UInt64 = 0

        /// Counts one evaluated combination; true when a rule that `counts` fails.
        @inline(__always)
        mutating func add(_ folio: Status, _ v2: Status, _ enc: Status, _ index: UInt64, _ counts: (Bool, Bool, Bool)) -> Bool {
            evaluated += 1
            var failing = false
            switch folio {
            case .pass: tally.0 += 1
            case .fail: tally.1 += 1; if first0 == .max { first0 = index }; failing = counts.0
            case .skip: tally.2 += 1
            }
            switch v2 {
            case .pass: tally.3 += 1
            case .fail: tally.4 += 1; if first1 == .max { first1 = index }; failing = failing || counts.1
            case .skip: tally.5 += 1
            }
            switch enc {
            case .pass: tally.6 += 1
            case .fail: tally.7 += 1; if first2 == .max { first2 = index }; failing = failing || counts.2
            case .skip: tally.8 += 1
            }
            if folio != .skip && v2 != .skip && (v2 == .fail) != (folio == .fail) { disagree += 1 }
            if !failing {
                if folio == .fail || v2 == .fail || enc == .fail { warned += 1 }
                else if folio == .pass || v2 == .pass || enc == .pass { passedAny += 1 }
            }
            return failing
        }

        mutating func merge(_ o: CellTally) {
            tally = (tally.0 + o.tally.0, tally.1 + o.tally.1, tally.2 + o.tally.2, tally.3 + o.tally.3, tally.4 + o.tally.4,
                     tally.5 + o.tally.5, tally.6 + o.tally.6, tally.7 + o.tally.7, tally.8 + o.tally.8)
            (first0, first1, first2) = (min(first0, o.first0), min(first1, o.first1), min(first2, o.first2))
            evaluated += o.evaluated
            failed += o.failed
            disagree += o.disagree
            warned += o.warned
            passedAny += o.passedAny
        }
    }

    /// Counts one combination's layout findings; true when one fails at or above the policy's threshold.
    private func tallyLayout(_ h: HostCheck, _ index: UInt64, _ ix: [UInt64], _ kernel: KernelTarget,
                             _ policy: FailPolicy, _ s: inout SweepSummary) -> Bool {
        var failing = false
        for (r, rule) in LayoutRuleID.allCases.enumerated() {
            let n = UInt64(h.result.findings.count { $0.rule == .layout(rule) && $0.status == .fail })
            s.layoutCounts![r][n > 0 ? 1 : 0] += 1
            s.layoutCounts![r][2] += n
            guard n > 0 else { continue }
            if policy.counts(rule.severity) { failing = true }
            s.add(group: SweepSummary.LayoutGroup(rule: rule, source: spec.sources[Int(ix[0])].name, kernel: kernel.label,
                                                  count: 1, firstIndex: index), to: \.layoutGroups)
        }
        return failing
    }
}

func shellQuote(_ s: String) -> String {
    if s.allSatisfy({ $0.isLetter || $0.isNumber || "/._-+:=,".contains($0) }) { return s }
    return "'" + s.replacingAll("'", with: "'\\''") + "'"
}

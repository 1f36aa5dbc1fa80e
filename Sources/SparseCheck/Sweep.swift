import Foundation

/// One numeric sweep axis: a list of values or a `START:END:STEP` range (END excluded). Ranges are
/// never materialised, so an axis of a billion values costs nothing.
public enum SweepAxis: Equatable, Sendable {
    case list([UInt64])
    case range(start: UInt64, end: UInt64, step: UInt64)

    public var count: UInt64 {
        switch self {
        case let .list(v): return UInt64(v.count)
        case let .range(s, e, st): return (e - s - 1) / st + 1 // e > s; never overflows, unlike e - s + st - 1
        }
    }

    @inline(__always)
    public func value(_ i: UInt64) -> UInt64 {
        switch self {
        case let .list(v): return v[Int(i)]
        case let .range(s, _, st): return s + i * st
        }
    }

    /// Parses `a,b,c` (sorted, duplicates dropped) or `START:END:STEP`; `parse` reads one value.
    public static func parse(_ text: String, option: String, allowRange: Bool = true,
                             _ parse: (String) throws -> UInt64) throws -> SweepAxis {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.contains(":") {
            let parts = t.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard allowRange else {
                throw InputError("\(option) \(text)", expected: "a comma-separated list (this axis takes no START:END:STEP range)")
            }
            guard parts.count == 3 else {
                throw InputError("\(option) \(text)", expected: "START:END:STEP (END excluded), e.g. 0:64G:2M, or a comma-separated list")
            }
            let s = try parse(parts[0]), e = try parse(parts[1]), st = try parse(parts[2])
            guard st > 0 else { throw InputError("\(option) \(text)", expected: "a STEP above 0 in START:END:STEP") }
            guard s < e else { throw InputError("\(option) \(text)", expected: "START below END in START:END:STEP (END is excluded; this range is empty)") }
            return .range(start: s, end: e, step: st)
        }
        let items = t.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        guard !items.contains(where: \.isEmpty) else {
            throw InputError("\(option) \(text)", expected: "a comma-separated list of values without empty items, or START:END:STEP")
        }
        let values = try items.map(parse)
        return .list(Array(Set(values)).sorted())
    }
}

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
            case let .kconfig(c): return c.kconfigPath ?? c.preset
            }
        }
    }

    public var sources: [Source] = []
    /// .config files whose architecture has no SPARSEMEM (no rule applies).
    public var notApplicable: [(path: String, arch: String, reason: String)] = []
    public var kernels: [KernelVersion] = [.v7_1]
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
    public var fixedArgs: [String] = []

    public init() {}

    /// Expands `--presets`: `all`, names and globs (`arm64-*`), comma-separated.
    public static func presets(matching text: String) throws -> [String] {
        var out: [String] = []
        for item in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) {
            let hits: [String]
            if item == "all" {
                hits = Preset.all.map(\.name)
            } else if item.contains(where: { "*?[".contains($0) }) {
                hits = Preset.all.map(\.name).filter { fnmatch(item, $0, 0) == 0 }
            } else {
                hits = Preset.named(item).map { [$0.name] } ?? []
            }
            guard !hits.isEmpty else {
                throw InputError("--presets \(text)", expected: "all, preset names or globs such as arm64-* (\(item) matches no preset; memmap-check presets lists them)")
            }
            for h in hits where !out.contains(h) { out.append(h) }
        }
        guard !out.isEmpty else { throw InputError("--presets \(text)", expected: "at least one preset, all, or a glob") }
        return out
    }
}

/// The counts a sweep gathers: flat in the number of combinations.
public struct SweepSummary: Sendable {
    public struct Group: Sendable {
        public var rule: RuleID
        public var source: String
        public var kernel: KernelVersion
        public var count: UInt64
        /// The first failing combination in sweep order (axes ascend, so the smallest values).
        public var firstIndex: UInt64
    }

    public var combinations: UInt64 = 0
    public var evaluated: UInt64 = 0
    public var skipped: UInt64 = 0
    /// Why combinations were skipped, in first-seen order.
    public var skipReasons: [(reason: String, count: UInt64)] = []
    /// [rule][pass, fail, skip] in RuleID order.
    public var ruleCounts: [[UInt64]] = Array(repeating: [0, 0, 0], count: RuleID.allCases.count)
    /// Evaluated combinations with a failing rule at or above the fail-on severity.
    public var failed: UInt64 = 0
    /// Combinations where both the v2 check and the merged check apply and disagree (one warns, the other not).
    public var v2Disagreements: UInt64 = 0
    public var groups: [Group] = []
    public var seconds: Double = 0
    /// Counts per source × page size × kernel, when the run was asked for them (`--format html`).
    public var matrix: SweepMatrix?

    public var passed: UInt64 { evaluated - failed }

    /// (source, kernel, rule) -> index in `groups`.
    var groupIndex: [Int: Int] = [:]

    /// Counts one rule's status; true when it fails at or above `failOn`.
    @inline(__always)
    mutating func tally(_ r: Int, _ status: Status, _ failOn: Severity?, _ sourceKey: Int, _ index: UInt64,
                        _ spec: SweepSpec, _ ix: [UInt64], _ kernel: KernelVersion) -> Bool {
        switch status {
        case .pass:
            ruleCounts[r][0] += 1
            return false
        case .skip:
            ruleCounts[r][2] += 1
            return false
        case .fail:
            ruleCounts[r][1] += 1
            let rule: RuleID = r == 0 ? .folioVmemmapAlign : (r == 1 ? .folioVmemmapAlignV2 : .sectionMapEncoding)
            let key = sourceKey * 4 + r
            if let g = groupIndex[key] {
                groups[g].count += 1
            } else {
                groupIndex[key] = groups.count
                groups.append(Group(rule: rule, source: spec.sources[Int(ix[0])].name, kernel: kernel, count: 1,
                                    firstIndex: index))
            }
            if let f = failOn { return rule.severity >= f }
            return false
        }
    }

    mutating func skip(_ reason: String, _ n: UInt64, _ cell: SweepMatrix.Key? = nil) {
        guard n > 0 else { return }
        if let cell { matrix?.skip(cell, n, reason) }
        skipped += n
        if let i = skipReasons.firstIndex(where: { $0.reason == reason }) {
            skipReasons[i].count += n
        } else {
            skipReasons.append((reason, n))
        }
    }
}

/// Visits every combination of a `SweepSpec`. Each combination of the small axes (source, kernel,
/// page size, section bits, struct page size, folio order, HVO) is a *cell* whose configuration is
/// built and validated once; the DRAM and vmemmap-base axes inside a cell take the allocation-free
/// path: one C evaluation (cs_sparse_init_checks()) and three status tests per combination.
public struct Sweep: Sendable {
    public let spec: SweepSpec
    let dims: [UInt64] // source, kernel, page, section, struct, folio, hvo, dram, vmemmap
    public let total: UInt64

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
                c = try SparseConfig.make(preset: name, overrides: o)
            case let .kconfig(k):
                if ix[2] > 0 { return (nil, "--page-sizes does not apply to a .config (its page size is fixed): duplicate of the first page size") }
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
        if let v = spec.dramBases, c.baseDependsOnDRAM { c.dramBase = v.value(ix[7]) }
        if let v = spec.vmemmapBases { c.vmemmapBaseOverride = v.value(ix[8]) }
        return c
    }

    /// The `memmap-check check` command that reproduces one combination.
    public func checkCommand(at index: UInt64) -> String {
        let ix = indices(index)
        var words = ["memmap-check", "check"]
        switch spec.sources[Int(ix[0])] {
        case let .preset(n): words += ["--preset", n]
        case let .kconfig(c): words += ["--kconfig", shellQuote(c.kconfigPath ?? c.preset)]
        }
        words += ["--kernel", spec.kernels[Int(ix[1])].rawValue]
        if let p = spec.pageShifts, case .preset = spec.sources[Int(ix[0])] {
            words += ["--page-size", "\(1 << (p[Int(ix[2])] - 10))K"]
        }
        if let v = spec.sectionBits { words += ["--section-bits", String(v.value(ix[3]))] }
        if let v = spec.structPageSizes { words += ["--struct-page-size", String(v.value(ix[4]))] }
        if let v = spec.maxFolioOrders { words += ["--max-folio-order", String(v.value(ix[5]))] }
        if let h = spec.hvo.values[Int(ix[6])] { words.append(h ? "--hvo" : "--no-hvo") }
        words += spec.fixedArgs
        if let v = spec.vmemmapBases {
            words += ["--vmemmap-base", hex(v.value(ix[8]))]
        } else if let v = spec.dramBases, (try? config(at: index))?.baseDependsOnDRAM == true {
            words += ["--dram-base", hex(v.value(ix[7]))]
        }
        return words.joined(separator: " ")
    }

    /// Runs the sweep. `emit` receives every evaluated combination's full result (built only when
    /// given); `progress` is called about every 65536 combinations with the number done; `matrix`
    /// also gathers the per-cell counts of `SweepSummary.matrix`.
    public func run(failOn: Severity?, matrix: Bool = false, emit: ((UInt64, CheckResult) throws -> Void)? = nil,
                    progress: ((UInt64) -> Void)? = nil) throws -> SweepSummary {
        let start = Date()
        var s = SweepSummary()
        s.combinations = total
        if matrix { s.matrix = SweepMatrix() }
        let ppc = pointsPerCell
        guard total > 0 else { return s }
        let nd = dims[7], nv = dims[8]
        var done: UInt64 = 0
        var nextProgress: UInt64 = 1 << 16
        for cell in 0..<cells {
            let first = cell * ppc
            let ix = indices(first)
            let (cellCfg, why) = cellConfig(ix)
            let mkey = matrix ? matrixKey(ix, cellCfg) : nil
            var mcell = SweepMatrix.Cell()
            guard var c = cellCfg else {
                s.skip(why ?? "invalid", ppc, mkey)
                done += ppc
                continue
            }
            // Axes that do not apply: their first value stands for the configuration, the rest are duplicates.
            let dramApplies = spec.dramBases != nil && c.baseDependsOnDRAM && spec.vmemmapBases == nil
            let dramRange: UInt64 = dramApplies ? nd : 1
            if nd > 1 && !dramApplies {
                let why = spec.vmemmapBases != nil
                    ? "--dram-bases does not apply with --vmemmap-bases (the base is given): duplicate of the first DRAM base"
                    : "--dram-bases does not apply to \(c.arch.rawValue) (its vmemmap base does not depend on the DRAM start): duplicate of the first DRAM base"
                s.skip(why, (nd - 1) * nv, mkey)
            }
            let sourceKey = Int(ix[0]) * 8 + Int(ix[1])
            for di in 0..<dramRange {
                if dramApplies { c.dramBase = spec.dramBases!.value(di) }
                for vi in 0..<nv {
                    if let v = spec.vmemmapBases { c.vmemmapBaseOverride = v.value(vi) }
                    let index = first + di * nv + vi
                    let d: Derived
                    do {
                        d = try c.derive(base: c.vmemmapValue())
                    } catch {
                        s.skip("the base formula or a derived value overflows 64 bits", 1, mkey)
                        continue
                    }
                    s.evaluated += 1
                    let st = Checker.statuses(c, d)
                    var failing = s.tally(0, st.folio, failOn, sourceKey, index, spec, ix, c.kernel)
                    failing = s.tally(1, st.v2, failOn, sourceKey, index, spec, ix, c.kernel) || failing
                    failing = s.tally(2, st.encoding, failOn, sourceKey, index, spec, ix, c.kernel) || failing
                    if failing { s.failed += 1 }
                    if matrix { mcell.record(st.folio, st.v2, st.encoding, failing: failing) }
                    if st.folio != .skip && st.v2 != .skip && (st.v2 == .fail) != (st.folio == .fail) { s.v2Disagreements += 1 }
                    if let emit { try emit(index, Checker.check(c)) }
                    if index >= nextProgress {
                        progress?(index)
                        nextProgress = index + (1 << 16)
                    }
                }
            }
            if let mkey { s.matrix!.add(mkey, mcell) }
            done += ppc
        }
        s.seconds = Date().timeIntervalSince(start)
        return s
    }
}

func shellQuote(_ s: String) -> String {
    if s.allSatisfy({ $0.isLetter || $0.isNumber || "/._-+:=,".contains($0) }) { return s }
    return "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
}

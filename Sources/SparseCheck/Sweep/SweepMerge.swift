#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

extension SweepSummary {
    /// Reads a sweep summary written by `sweep --summary FILE` or the `summary` of a `sweep --format json`
    /// document. `policy` is the summary's fail-on severity.
    public static func read(path: String) throws -> (summary: SweepSummary, policy: FailPolicy) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(path, expected: "a readable sweep summary (sweep --summary FILE or --format json)")
        }
        func bad(_ what: String) -> InputError {
            InputError(path, expected: "a sweep summary (sweep --summary FILE or --format json): \(what)")
        }
        guard let top = JSONReader.object(data) else { throw bad("not a JSON object") }
        let o = (top["summary"] as? [String: Any]) ?? top
        func uint(_ d: [String: Any], _ k: String) throws -> UInt64 {
            switch d[k] {
            case let v as Int where v >= 0: return UInt64(v)
            case let v as UInt64: return v
            case let v as Double: if let u = UInt64(exactly: v) { return u }
            default: break
            }
            throw bad("\(k) is not a count")
        }
        func str(_ d: [String: Any], _ k: String) throws -> String {
            guard let v = d[k] as? String else { throw bad("\(k) is not a string") }
            return v
        }
        func list(_ d: [String: Any], _ k: String) throws -> [[String: Any]] {
            guard let v = d[k] as? [[String: Any]] else { throw bad("\(k) is not a list of objects") }
            return v
        }
        func counts<R: SweepRule>(_ k: String, _: R.Type, _ keys: [String]) throws -> [[UInt64]] {
            guard let d = o[k] as? [String: Any] else { throw bad("\(k) is missing") }
            return try R.allCases.map { r in
                guard let c = d[r.rawValue] as? [String: Any] else { throw bad("\(k).\(r.rawValue) is missing") }
                return try keys.map { try uint(c, $0) }
            }
        }
        func groups<R: SweepRule>(_ k: String, _: R.Type) throws -> [FailingGroup<R>] {
            try list(o, k).map { g in
                guard let rule = R(rawValue: try str(g, "rule")), case let kernel = try str(g, "kernel"), !kernel.isEmpty else {
                    throw bad("\(k): unknown rule or kernel")
                }
                return FailingGroup(rule: rule, source: try str(g, "source"), kernel: kernel, count: try uint(g, "count"),
                                    firstIndex: try uint(g, "first_index"), example: try str(g, "example"),
                                    message: g["message"] as? String, command: try str(g, "check_command"),
                                    mode: g["mode"] as? String ?? "")
            }
        }
        var s = SweepSummary()
        s.combinations = try uint(o, "combinations")
        s.evaluated = try uint(o, "evaluated")
        s.skipped = try uint(o, "skipped")
        s.failed = try uint(o, "failed")
        s.v2Disagreements = try uint(o, "v2_disagreements")
        for r in try list(o, "skip_reasons") {
            guard let per = r["per_combination"] as? Bool else { throw bad("skip_reasons: per_combination is missing") }
            s.skipReasons.append((try str(r, "reason"), try uint(r, "count")))
            s.skipFirst.append(SkipKey(index: try uint(r, "first_index"), perCombination: per))
        }
        s.ruleCounts = try counts("rules", RuleID.self, ["pass", "fail", "skip"])
        s.groups = try groups("failing_groups", RuleID.self)
        if o["layout_rules"] != nil {
            s.layoutCounts = try counts("layout_rules", LayoutRuleID.self, ["pass", "fail", "findings"])
            s.layoutGroups = try groups("layout_failing_groups", LayoutRuleID.self)
        }
        s.notApplicable = try list(o, "not_applicable").map { (try str($0, "kconfig"), try str($0, "arch"), try str($0, "reason")) }
        if let sh = o["shard"] as? [String: Any] {
            s.shard = ShardInfo(shard: SweepShard(index: try uint(sh, "index"), count: try uint(sh, "count")),
                                first: try uint(sh, "first"), end: try uint(sh, "end"), total: try uint(sh, "total"),
                                fingerprint: try str(sh, "fingerprint"))
        }
        s.seconds = Double(try str(o, "seconds")) ?? 0
        let fail = try str(o, "fail_on")
        guard let policy = FailPolicy(name: fail) else { throw bad("fail_on \(fail) is not error, warning, info or never") }
        return (s, policy)
    }

    /// Merges the summaries of all N shards of one sweep (any order) into the summary of the whole sweep.
    public static func mergeShards(_ parts: [(path: String, summary: SweepSummary, policy: FailPolicy)]) throws -> (SweepSummary, FailPolicy) {
        guard let firstPart = parts.first else { throw InputError("merge", expected: "at least one summary file") }
        guard let info = firstPart.summary.shard else {
            throw InputError(firstPart.path, expected: "a shard's summary (sweep --shard K/N --summary FILE)")
        }
        var seen = Set<UInt64>()
        for p in parts {
            guard let sh = p.summary.shard else { throw InputError(p.path, expected: "a shard's summary (sweep --shard K/N --summary FILE)") }
            guard sh.shard.count == info.shard.count, sh.total == info.total, sh.fingerprint == info.fingerprint else {
                throw InputError(p.path, expected: "a shard of the same sweep as \(firstPart.path) (same axes, sources and shard count N; this is shard \(sh.shard) of \(sh.total) combinations, fingerprint \(sh.fingerprint), that one \(info.shard) of \(info.total), \(info.fingerprint))")
            }
            guard p.policy == firstPart.policy else {
                throw InputError(p.path, expected: "the same --fail-on as \(firstPart.path)")
            }
            guard seen.insert(sh.shard.index).inserted else { throw InputError(p.path, expected: "each shard once (shard \(sh.shard) is given twice)") }
        }
        let missing = (0..<info.shard.count).filter { !seen.contains($0) }
        guard missing.isEmpty else {
            throw InputError("merge", expected: "all \(info.shard.count) shards (missing: \(missing.prefix(8).map { "\($0)/\(info.shard.count)" }.joined(separator: ", ")))")
        }
        var s = SweepSummary()
        for p in parts {
            var part = p.summary
            part.shard = nil
            s.merge(part)
        }
        if s.layoutCounts == nil && parts.contains(where: { $0.summary.layoutCounts != nil }) {
            throw InputError("merge", expected: "shards all with or all without --root")
        }
        return (s, firstPart.policy)
    }
}

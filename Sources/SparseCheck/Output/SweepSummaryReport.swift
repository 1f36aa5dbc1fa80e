#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

extension SweepSummary {
    /// The JSON summary object of a sweep (`summary` of the `memmap-check/3` document).
    public func json(_ sweep: Sweep, policy: FailPolicy) -> JSON { resolved(sweep).json(policy: policy) }

    /// The JSON summary of a resolved (or merged) summary: everything `merge` needs to add shards up.
    public func json(policy: FailPolicy) -> JSON {
        func counts(_ names: [String], _ c: [[UInt64]], _ keys: [String]) -> JSON {
            .object(names.enumerated().map { i, n in (n, .object(keys.enumerated().map { ($1, .uint(c[i][$0])) })) })
        }
        func groupList<R>(_ gs: [FailingGroup<R>]) -> JSON {
            .array(gs.map { g in
                .object([
                    ("rule", .string(g.rule.rawValue)),
                    ("source", .string(g.source)),
                    ("kernel", .string(g.kernel)),
                    ("mode", .string(g.mode)),
                    ("count", .uint(g.count)),
                    ("example", .string(g.example ?? "")),
                    ("check_command", .string(g.command ?? "")),
                    ("message", g.message.map { .string($0) } ?? .null),
                    ("first_index", .uint(g.firstIndex)),
                ])
            })
        }
        var pairs: [(String, JSON)] = [
            ("tool_version", .string(ToolVersion.current)),
            ("combinations", .uint(combinations)),
            ("evaluated", .uint(evaluated)),
            ("skipped", .uint(skipped)),
            ("skip_reasons", .array(skipReasons.enumerated().map { i, r in
                .object([("reason", .string(r.reason)), ("count", .uint(r.count)),
                         ("first_index", .uint(skipFirst[i].index)), ("per_combination", .bool(skipFirst[i].perCombination))])
            })),
            ("configs", .uint(evaluated)),
            ("passed", .uint(passed)),
            ("failed", .uint(failed)),
            ("fail_on", .string(policy.description)),
            ("rules", counts(RuleID.allCases.map(\.rawValue), ruleCounts, ["pass", "fail", "skip"])),
            ("v2_disagreements", .uint(v2Disagreements)),
            ("not_applicable", .array(notApplicable.map { .object([("kconfig", .string($0.path)), ("arch", .string($0.arch)), ("reason", .string($0.reason))]) })),
            ("failing_groups", groupList(groups)),
        ]
        if let lc = layoutCounts {
            pairs.append(("layout_rules", counts(LayoutRuleID.allCases.map(\.rawValue), lc, ["pass", "fail", "findings"])))
            pairs.append(("layout_failing_groups", groupList(layoutGroups)))
        }
        if let sh = shard {
            pairs.append(("shard", .object([
                ("index", .uint(sh.shard.index)), ("count", .uint(sh.shard.count)), ("first", .uint(sh.first)),
                ("end", .uint(sh.end)), ("total", .uint(sh.total)), ("fingerprint", .string(sh.fingerprint)),
            ])))
        }
        pairs.append(("seconds", .string(seconds.fixed(3))))
        return .object(pairs)
    }

    /// The summary a person reads at a glance: counts per rule and status, and for each failing
    /// group the smallest example with the `check` command that reproduces it.
    public func text(_ sweep: Sweep, policy: FailPolicy) -> String { resolved(sweep).text(policy: policy) }

    /// The text summary of a resolved (or merged) summary.
    public func text(policy: FailPolicy) -> String {
        var l: [String] = []
        if let sh = shard {
            l.append("shard \(sh.shard): combinations \(sh.first)..<\(sh.end) of \(sh.total) (memmap-check merge adds the shards' --summary files up)")
        }
        l.append("sweep: \(combinations) combinations, \(evaluated) evaluated, \(skipped) skipped (\(seconds.fixed(2)) s)")
        for (reason, n) in skipReasons { l.append("  skipped \(n): \(reason)") }
        for na in notApplicable { l.append("  \(na.path): \(na.arch): no rule applies: \(na.reason)") }
        l.append("")
        l.append("rule                          pass        fail        skip")
        for (i, r) in RuleID.allCases.enumerated() {
            let c = ruleCounts[i]
            l.append(r.rawValue.padded(to: 24)
                + [c[0], c[1], c[2]].map { String($0).leftPad(12) }.joined())
        }
        l.append("v2 vs merged check: \(v2Disagreements) combination(s) where both apply and one warns but not the other")
        if let lc = layoutCounts {
            l.append("")
            l.append("layout rule (--root)          pass        fail    findings")
            for (i, r) in LayoutRuleID.allCases.enumerated() {
                l.append(r.rawValue.padded(to: 24) + lc[i].map { String($0).leftPad(12) }.joined())
            }
        }
        func failingGroups<R>(_ gs: [FailingGroup<R>], _ title: String) {
            let counted = gs.filter { g in policy.counts(g.rule.severity) }
            let info = gs.filter { g in !(policy.counts(g.rule.severity)) }
            if !counted.isEmpty {
                l.append("")
                l.append(title)
                for g in counted {
                    l.append("  FAIL \(g.rule.rawValue) on \(g.source), kernel \(g.kernel): \(g.count) combination(s)")
                    if let m = g.message {
                        l.append("    smallest: \(g.example ?? "")")
                        l.append("    \(m)")
                    }
                    l.append("    reproduce: \(g.command ?? "")")
                }
            }
            if !info.isEmpty {
                var byRule: [(R, UInt64, Int)] = []
                for g in info {
                    if let i = byRule.firstIndex(where: { $0.0 == g.rule }) { byRule[i].1 += g.count; byRule[i].2 += 1 } else { byRule.append((g.rule, g.count, 1)) }
                }
                l.append("")
                for (rule, n, groups) in byRule {
                    l.append("  info: \(rule.rawValue) fails in \(n) combination(s) across \(groups) source/kernel group(s); below --fail-on \(policy), so not failing (--format json lists them)")
                }
            }
        }
        failingGroups(groups, "failing groups (smallest example first):")
        failingGroups(layoutGroups, "failing layout groups (smallest example first):")
        l.append("")
        l.append("result: \(failed > 0 ? "FAIL" : "pass") (\(failed) of \(evaluated) evaluated combinations fail at --fail-on \(policy))")
        return l.joined(separator: "\n")
    }
}

extension String {
    func leftPad(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}

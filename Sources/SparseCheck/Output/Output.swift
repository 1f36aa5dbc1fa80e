import Foundation

/// The output formats of `check` and `sweep` (`html`, a self-contained report page, is sweep's only).
public enum ReportFormat: String, CaseIterable, Sendable {
    case text, json, jsonl, junit, sarif, html
}

/// Buffered writes to a file descriptor (stdout by default), flushed at 64 KiB and at the end.
public final class OutputStream {
    private var buffer: [UInt8] = []
    private let fd: Int32

    /// Everything written, when created with `fd` -1 (tests).
    public private(set) var captured: [UInt8] = []

    /// `fd` 1 is stdout, 2 stderr; -1 keeps the output in `captured`.
    public init(fd: Int32 = 1) {
        self.fd = fd
        buffer.reserveCapacity(1 << 16)
    }

    public func write(_ s: String) {
        buffer.append(contentsOf: s.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    public func line(_ s: String) { write(s); write("\n") }

    /// Serialises `json` straight into the buffer (no intermediate String).
    public func write(_ json: JSON) {
        json.write(to: &buffer)
        if buffer.count >= 1 << 16 { flush() }
    }

    public func flush() {
        guard !buffer.isEmpty else { return }
        if fd < 0 {
            captured += buffer
            buffer.removeAll(keepingCapacity: true)
            return
        }
        buffer.withUnsafeBufferPointer { b in
            var off = 0
            while off < b.count {
                let n = Foundation.write(fd, b.baseAddress! + off, b.count - off)
                if n <= 0 { break } // a closed pipe: drop the rest
                off += n
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    deinit { flush() }
}

extension Report {
    /// A short label for a configuration: the values that tell sweep combinations apart.
    public static func label(_ c: SparseConfig) -> String {
        var parts = ["kernel \(c.kernel.label)"] + (c.pagingMode.map { [$0.rawValue] } ?? []) + ["\(Units.human(c.pageSize)) pages", "section 2^\(c.sectionSizeBits)",
                     "struct page \(c.structPageSize)", "HVO \(c.hvo ? "on" : "off")"]
        if let o = c.maxFolioOrderOverride { parts.append("MAX_FOLIO_ORDER \(o)") }
        if let v = c.vmemmapBaseOverride {
            parts.append("vmemmap \(hex(v))")
        } else if c.baseDependsOnDRAM, let d = c.dramBase {
            parts.append("DRAM \(hex(d))")
        }
        if c.kaslr { parts.append("KASLR") }
        return "\(c.preset) [\(parts.joined(separator: ", "))]"
    }

    /// True when `f` fails at or above `failOn` (never when `failOn` is nil).
    public static func counts(_ f: Finding, failOn: Severity?) -> Bool {
        guard let failOn else { return false }
        return f.status == .fail && f.severity >= failOn
    }
}

/// Streams results in one of the machine formats (JSON, JSON Lines, JUnit XML, SARIF 2.1.0).
/// Memory stays flat: each result is written as it arrives.
public final class ResultWriter {
    public let format: ReportFormat
    let out: OutputStream
    let failOn: Severity?
    private var first = true

    public init(format: ReportFormat, out: OutputStream, failOn: Severity?) {
        self.format = format
        self.out = out
        self.failOn = failOn
    }

    /// Opens the document. JUnit needs its totals up front: `tests`, `failures`, `skipped` test cases.
    public func begin(junit: (tests: UInt64, failures: UInt64, skipped: UInt64) = (0, 0, 0)) {
        switch format {
        case .json:
            out.write("{\"schema\":\"\(Report.schema)\",\"results\":[")
        case .junit:
            out.line("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
            let attrs = "tests=\"\(junit.tests)\" failures=\"\(junit.failures)\" errors=\"0\" skipped=\"\(junit.skipped)\""
            out.line("<testsuites name=\"memmap-check\" \(attrs)>")
            out.line("<testsuite name=\"memmap-check\" \(attrs)>")
        case .sarif:
            out.write("{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":")
            out.write(Sarif.driver.serialized())
            out.write("},\"results\":[")
        case .text, .jsonl, .html:
            break
        }
    }

    public func add(_ r: CheckResult) {
        switch format {
        case .json:
            out.write(first ? "\n" : ",\n")
            out.write(Report.json(r, failOn: failOn ?? .error))
        case .jsonl:
            out.write(Report.json(r, failOn: failOn ?? .error))
            out.write("\n")
        case .junit:
            let cls = xmlEscape(Report.label(r.config))
            for f in r.findings {
                out.write("<testcase classname=\"\(cls)\" name=\"\(f.rule)\"")
                if let k = r.config.kconfigPath { out.write(" file=\"\(xmlEscape(k))\"") }
                switch f.status {
                case .skip:
                    out.line("><skipped message=\"\(xmlEscape(f.reason ?? f.message))\"/></testcase>")
                case .fail where Report.counts(f, failOn: failOn):
                    out.write("><failure type=\"\(f.severity.rawValue)\" message=\"\(xmlEscape(f.message))\">")
                    out.write(xmlEscape(f.message + (f.fix.map { "\nfix: \($0)" } ?? "")))
                    out.line("</failure></testcase>")
                default:
                    out.line("><system-out>\(xmlEscape("\(f.status.rawValue): \(f.message)"))</system-out></testcase>")
                }
            }
        case .sarif:
            for f in r.findings where f.status == .fail {
                out.write(first ? "\n" : ",\n")
                out.write(Sarif.result(f, r.config).serialized())
                first = false
            }
        case .text:
            out.line(Report.text(r, failOn: failOn ?? .error))
        case .html:
            break // the sweep report is written whole at the end (SweepHTML)
        }
        if format != .sarif { first = false }
    }

    /// A .config whose architecture has no SPARSEMEM: no rule applies.
    public func notApplicable(path: String, arch: String, reason: String) {
        switch format {
        case .json, .jsonl:
            let j = JSON.object([("kconfig", .string(path)), ("arch", .string(arch)), ("status", .string("not-applicable")), ("reason", .string(reason))])
            if format == .json { out.write(first ? "\n" : ",\n"); out.write(j.serialized()) } else { out.line(j.serialized()) }
            first = false
        case .junit:
            out.line("<testcase classname=\"\(xmlEscape(path))\" name=\"no-rule-applies\"><skipped message=\"\(xmlEscape(reason))\"/></testcase>")
        case .text:
            out.line("\(path): \(arch): no rule applies: \(reason)")
        case .sarif, .html:
            break
        }
    }

    /// Closes the document; `summary` is the JSON summary object (JSON format only).
    public func end(summary: JSON) {
        switch format {
        case .json:
            out.write("\n],\"summary\":")
            out.write(summary.serialized())
            out.line("}")
        case .junit:
            out.line("</testsuite>")
            out.line("</testsuites>")
        case .sarif:
            out.line("\n]}]}")
        case .text, .jsonl, .html:
            break
        }
        out.flush()
    }
}

/// SARIF 2.1.0 pieces.
public enum Sarif {
    static func level(_ s: Severity) -> String {
        switch s {
        case .error: return "error"
        case .warning: return "warning"
        case .info: return "note"
        }
    }

    /// tool.driver: one rule per rule id, with its help text.
    static var driver: JSON {
        .object([
            ("name", .string("memmap-check")),
            ("informationUri", .string("https://docs.kernel.org/mm/memory-model.html")),
            ("rules", .array(RuleID.allCases.map { r in
                .object([
                    ("id", .string(r.rawValue)),
                    ("name", .string(r.rawValue)),
                    ("shortDescription", .object([("text", .string(Explain.title(r)))])),
                    ("fullDescription", .object([("text", .string(r.summary))])),
                    ("help", .object([("text", .string(r.summary + " Kernel code: " + Explain.mirrors(r).joined(separator: "; ") + ". Run `memmap-check explain \(r.rawValue)` for the arithmetic."))])),
                    ("defaultConfiguration", .object([("level", .string(level(r.severity)))])),
                ])
            })),
        ])
    }

    static func result(_ f: Finding, _ c: SparseConfig) -> JSON {
        var pairs: [(String, JSON)] = [
            ("ruleId", .string(f.rule)),
            ("level", .string(level(f.severity))),
            ("message", .object([("text", .string(Report.label(c) + ": " + f.message + (f.fix.map { " Fix: \($0)" } ?? "")))])),
        ]
        if let path = c.kconfigPath {
            var loc: [(String, JSON)] = [("artifactLocation", .object([("uri", .string(path))]))]
            if let line = c.kconfigLine(for: f.rule) {
                loc.append(("region", .object([("startLine", .uint(UInt64(line)))])))
            }
            pairs.append(("locations", .array([.object([("physicalLocation", .object(loc))])])))
        }
        pairs.append(("properties", .object([("config", .string(Report.label(c)))])))
        return .object(pairs)
    }
}

/// GitHub Actions workflow commands (`::error file=...,line=...::message`).
public enum GitHubAnnotations {
    /// True when running under GitHub Actions (`GITHUB_ACTIONS=true`).
    public static var enabled: Bool { ProcessInfo.processInfo.environment["GITHUB_ACTIONS"] == "true" }

    public static func line(severity: Severity, title: String, message: String, file: String?, line: Int?) -> String {
        let cmd = severity == .error ? "error" : (severity == .warning ? "warning" : "notice")
        var props = ["title=\(escapeProperty(title))"]
        if let file { props.insert("file=\(escapeProperty(file))", at: 0) }
        if let line { props.insert("line=\(line)", at: file == nil ? 0 : 1) }
        return "::\(cmd) \(props.joined(separator: ","))::\(escapeData(message))"
    }

    /// One annotation per failing finding at or above `failOn`.
    public static func lines(_ r: CheckResult, failOn: Severity?) -> [String] {
        r.findings.filter { Report.counts($0, failOn: failOn) }.map { f in
            line(severity: f.severity, title: "memmap-check \(f.rule)", message: "\(Report.label(r.config)): \(f.message)",
                 file: r.config.kconfigPath, line: r.config.kconfigLine(for: f.rule))
        }
    }

    static func escapeData(_ s: String) -> String {
        s.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }

    static func escapeProperty(_ s: String) -> String {
        escapeData(s).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}

/// JUnit text and attributes: `Markup.escape` with line breaks kept as character references, so a
/// multi-line message survives attribute-value normalisation.
func xmlEscape(_ s: String) -> String { Markup.escape(s, whitespaceAsReferences: true) }

extension SweepSummary {
    /// The JSON summary object of a sweep (`summary` of the `memmap-check/1` document).
    public func json(_ sweep: Sweep, failOn: Severity?) -> JSON { resolved(sweep).json(failOn: failOn) }

    /// The JSON summary of a resolved (or merged) summary: everything `merge` needs to add shards up.
    public func json(failOn: Severity?) -> JSON {
        func counts(_ names: [String], _ c: [[UInt64]], _ keys: [String]) -> JSON {
            .object(names.enumerated().map { i, n in (n, .object(keys.enumerated().map { ($1, .uint(c[i][$0])) })) })
        }
        func groupList<R>(_ gs: [FailingGroup<R>]) -> JSON {
            .array(gs.map { g in
                .object([
                    ("rule", .string(g.rule.rawValue)),
                    ("source", .string(g.source)),
                    ("kernel", .string(g.kernel)),
                    ("count", .uint(g.count)),
                    ("example", .string(g.example ?? "")),
                    ("check_command", .string(g.command ?? "")),
                    ("message", g.message.map { .string($0) } ?? .null),
                    ("first_index", .uint(g.firstIndex)),
                ])
            })
        }
        var pairs: [(String, JSON)] = [
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
            ("fail_on", .string(failOn?.rawValue ?? "never")),
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
        pairs.append(("seconds", .string(String(format: "%.3f", seconds))))
        return .object(pairs)
    }

    /// The summary a person reads at a glance: counts per rule and status, and for each failing
    /// group the smallest example with the `check` command that reproduces it.
    public func text(_ sweep: Sweep, failOn: Severity?) -> String { resolved(sweep).text(failOn: failOn) }

    /// The text summary of a resolved (or merged) summary.
    public func text(failOn: Severity?) -> String {
        var l: [String] = []
        if let sh = shard {
            l.append("shard \(sh.shard): combinations \(sh.first)..<\(sh.end) of \(sh.total) (memmap-check merge adds the shards' --summary files up)")
        }
        l.append("sweep: \(combinations) combinations, \(evaluated) evaluated, \(skipped) skipped (\(String(format: "%.2f", seconds)) s)")
        for (reason, n) in skipReasons { l.append("  skipped \(n): \(reason)") }
        for na in notApplicable { l.append("  \(na.path): \(na.arch): no rule applies: \(na.reason)") }
        l.append("")
        l.append("rule                          pass        fail        skip")
        for (i, r) in RuleID.allCases.enumerated() {
            let c = ruleCounts[i]
            l.append(r.rawValue.padding(toLength: 24, withPad: " ", startingAt: 0)
                + [c[0], c[1], c[2]].map { String($0).leftPad(12) }.joined())
        }
        l.append("v2 vs merged check: \(v2Disagreements) combination(s) where both apply and one warns but not the other")
        if let lc = layoutCounts {
            l.append("")
            l.append("layout rule (--root)          pass        fail    findings")
            for (i, r) in LayoutRuleID.allCases.enumerated() {
                l.append(r.rawValue.padding(toLength: 24, withPad: " ", startingAt: 0) + lc[i].map { String($0).leftPad(12) }.joined())
            }
        }
        func failingGroups<R>(_ gs: [FailingGroup<R>], _ title: String) {
            let counted = gs.filter { g in failOn.map { g.rule.severity >= $0 } ?? false }
            let info = gs.filter { g in !(failOn.map { g.rule.severity >= $0 } ?? false) }
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
                    l.append("  info: \(rule.rawValue) fails in \(n) combination(s) across \(groups) source/kernel group(s); below --fail-on \(failOn?.rawValue ?? "never"), so not failing (--format json lists them)")
                }
            }
        }
        failingGroups(groups, "failing groups (smallest example first):")
        failingGroups(layoutGroups, "failing layout groups (smallest example first):")
        l.append("")
        l.append("result: \(failed > 0 ? "FAIL" : "pass") (\(failed) of \(evaluated) evaluated combinations fail at --fail-on \(failOn?.rawValue ?? "never"))")
        return l.joined(separator: "\n")
    }

    /// JUnit totals: one test case per evaluated combination and rule, plus one per not-applicable .config.
    public func junitTotals(_ sweep: Sweep, failOn: Severity?) -> (tests: UInt64, failures: UInt64, skipped: UInt64) {
        var failures: UInt64 = 0, skips: UInt64 = 0
        for (i, r) in RuleID.allCases.enumerated() {
            if let f = failOn, r.severity >= f { failures += ruleCounts[i][1] }
            skips += ruleCounts[i][2]
        }
        let na = UInt64(sweep.spec.notApplicable.count)
        return (evaluated * UInt64(RuleID.allCases.count) + na, failures, skips + na)
    }
}

extension String {
    func leftPad(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}

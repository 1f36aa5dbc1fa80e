#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// One capture of a `fleet` run: judged exactly as `host --root` judges it alone, or unreadable.
public struct FleetHost: Sendable {
    public enum Outcome: Sendable {
        case checked(HostCheck)
        /// The capture could not be read or judged: the error, one line.
        case unreadable(String)
    }

    /// The `host` label: the capture's path below the directory given (its name when it was given itself).
    public var label: String
    /// The capture directory as found (the given directory joined with the relative path).
    public var path: String
    public var outcome: Outcome

    public init(label: String, path: String, outcome: Outcome) {
        self.label = label
        self.path = path
        self.outcome = outcome
    }

    public var check: HostCheck? { if case let .checked(h) = outcome { return h } else { return nil } }

    /// `pass`, `fail`, `pass-below-threshold` or `unreadable`.
    public func status(_ policy: FailPolicy) -> String {
        guard let h = check else { return "unreadable" }
        return policy.verdict(h.result).rawValue
    }

    /// The table's facts: release, arch, mode, judged base (and whether observed), verdict, preview.
    public struct Row: Sendable {
        public var release = "?", arch = "?", mode = "-", base = "-", verdict = "unreadable", preview = "-"
        public var failingRules: [String] = []
        public var error: String?
    }

    public func row(_ policy: FailPolicy) -> Row {
        var r = Row()
        switch outcome {
        case let .unreadable(e):
            r.error = e
        case let .checked(h):
            let c = h.result.config
            r.release = h.layout.kernelRelease ?? "unknown"
            r.arch = c.arch.rawValue
            r.mode = c.pagingMode?.rawValue ?? "-"
            if c.sparsememVmemmap {
                if h.judgesObserved {
                    r.base = hex(h.result.derived.vmemmap) + " (observed)"
                } else if c.baseRandomized {
                    r.base = "KASLR slot, \(Units.human(h.result.derived.actualAlignment)) aligned (modelled)"
                } else {
                    r.base = hex(h.result.derived.vmemmap) + " (modelled)"
                }
            }
            r.verdict = policy.verdict(h.result).word
            if policy.verdict(h.result) == .belowThreshold { r.verdict = "pass (below --fail-on)" }
            r.failingRules = PromExposition.byRule(h.result.findings).filter { $0.status == .fail }.map(\.rule.rawValue)
            if let p = h.preview {
                r.preview = "kernel \(p.kernel.label): \(policy.verdict(p.result).word)"
            }
        }
        return r
    }
}

/// The counts at the end of a fleet run.
public struct FleetSummary: Sendable {
    public var captures = 0, passed = 0, failed = 0, belowThreshold = 0, unreadable = 0, previewFailing = 0
    public var seconds = 0.0
    public var jobs = 1

    public init() {}

    public mutating func count(_ h: FleetHost, _ policy: FailPolicy) {
        captures += 1
        guard let c = h.check else { unreadable += 1; return }
        switch policy.verdict(c.result) {
        case .fail: failed += 1
        case .belowThreshold: belowThreshold += 1
        case .pass: passed += 1
        }
        if let p = c.preview, policy.verdict(p.result) == .fail { previewFailing += 1 }
    }

    public func json(_ policy: FailPolicy) -> JSON {
        .object([
            ("captures", .uint(UInt64(captures))), ("passed", .uint(UInt64(passed))), ("failed", .uint(UInt64(failed))),
            ("passed_below_fail_on", .uint(UInt64(belowThreshold))), ("unreadable", .uint(UInt64(unreadable))),
            ("preview_failing", .uint(UInt64(previewFailing))), ("fail_on", .string(policy.description)),
        ])
    }

    public var text: String {
        var s = "fleet: \(captures) capture\(captures == 1 ? "" : "s"): \(passed) pass"
        if belowThreshold > 0 { s += ", \(belowThreshold) pass below --fail-on" }
        s += ", \(failed) FAIL, \(unreadable) unreadable"
        if previewFailing > 0 { s += "; \(previewFailing) would FAIL under the upgrade preview" }
        return s + " (\(seconds.fixed(2)) s, --jobs \(jobs))"
    }
}

/// `fleet`'s writers: `begin`, one `add` per capture in discovery order, `end` with the counts.
public protocol FleetWriter: AnyObject {
    func begin(_ run: RunInfo)
    func add(_ host: FleetHost)
    func end(_ summary: FleetSummary)
}

/// `fleet --format text`: a table (host, release, arch, mode, base, verdict, preview), the unreadable
/// captures with their errors, then the counts.
public final class FleetTextWriter: FleetWriter {
    let out: OutputStream
    var policy = FailPolicy.error
    var rows: [[String]] = []
    var errors: [String] = []

    public init(out: OutputStream) { self.out = out }

    public func begin(_ run: RunInfo) { policy = run.policy }

    public func add(_ h: FleetHost) {
        let r = h.row(policy)
        var verdict = r.verdict
        if !r.failingRules.isEmpty && r.verdict != "pass" { verdict += ": " + r.failingRules.joined(separator: ",") }
        rows.append([h.label, r.release, r.arch, r.mode, r.base, verdict, r.preview])
        if let e = r.error { errors.append("\(h.label): \(e)") }
    }

    public func end(_ s: FleetSummary) {
        let head = ["host", "release", "arch", "mode", "pfn_to_page(0)", "verdict", "preview"]
        let all = [head] + rows
        let widths = head.indices.map { i in all.map { $0[i].count }.max() ?? 0 }
        for r in all {
            var line = r.indices.map { i in i == r.count - 1 ? r[i] : r[i].padded(to: widths[i]) }.joined(separator: "  ")
            while let last = line.last, last.isWhitespace { line.removeLast() }
            out.line(line)
        }
        if !errors.isEmpty {
            out.line("")
            out.line("unreadable:")
            for e in errors { out.line("  " + e) }
        }
        out.line("")
        out.line(s.text)
        out.flush()
    }
}

/// `fleet --format json`: `hosts`, one entry per capture with its `host --format json` document
/// (`report`) or its `error`, then `summary`. Streamed: one host at a time.
public final class FleetJSONWriter: FleetWriter {
    let out: OutputStream
    var policy = FailPolicy.error
    var n = 0

    public init(out: OutputStream) { self.out = out }

    public func begin(_ run: RunInfo) {
        policy = run.policy
        out.write("{\"schema\":\"memmap-check-fleet/1\",\"tool_version\":\"\(ToolVersion.current)\",\"hosts\":[")
    }

    public func add(_ h: FleetHost) {
        out.write(n == 0 ? "\n" : ",\n")
        n += 1
        var pairs: [(String, JSON)] = [("host", .string(h.label)), ("capture", .string(h.path)), ("status", .string(h.status(policy)))]
        switch h.outcome {
        case let .checked(c): pairs.append(("report", Report.document(c, policy: policy)))
        case let .unreadable(e): pairs.append(("error", .string(e)))
        }
        out.write(JSON.object(pairs))
    }

    public func end(_ s: FleetSummary) {
        out.write("\n],\"summary\":")
        out.write(s.json(policy))
        out.line("}")
        out.flush()
    }
}

/// `fleet --format prometheus`: every family once (HELP, TYPE), each capture's samples labelled `host`.
public final class FleetPrometheusWriter: FleetWriter {
    let out: OutputStream
    var policy = FailPolicy.error
    var exposition = PromExposition()

    public init(out: OutputStream) { self.out = out }

    public func begin(_ run: RunInfo) { policy = run.policy }

    public func add(_ h: FleetHost) {
        switch h.outcome {
        case let .checked(c): exposition.add(c, policy: policy, host: h.label)
        case .unreadable: exposition.addUnreadable(host: h.label)
        }
    }

    public func end(_ s: FleetSummary) {
        out.write(exposition.render())
        out.flush()
    }
}

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// One writer per output format, behind one protocol that `check`, `host` and `sweep` drive the same
/// way: `begin`, then any number of `add` / `notApplicable`, then `end`. A writer ignores the items
/// its format has no place for (the defaults below do nothing), and owns the run's `FailPolicy`.
public protocol ReportWriter: AnyObject {
    /// Opens the document.
    func begin(_ run: RunInfo)
    /// One configuration's full result (`check`; `sweep --list all`).
    func add(_ result: CheckResult)
    /// Every paging mode of one configuration (`check`): one result per mode the configuration
    /// allows; the default adds each.
    func add(modes results: [CheckResult])
    /// One host layout check (`host`).
    func add(_ host: HostCheck)
    /// One rule × source × kernel release × paging mode group (`sweep`; `check` adds its findings as
    /// groups of one).
    func add(_ group: ReportGroup)
    /// A .config whose architecture has no SPARSEMEM: no rule applies.
    func notApplicable(_ n: NotApplicable)
    /// Closes the document; `summary` is the sweep's (nil for `check` and `host`).
    func end(_ summary: SweepReport?)
}

extension ReportWriter {
    public func add(_ result: CheckResult) {}
    public func add(modes results: [CheckResult]) { results.forEach { add($0) } }
    public func add(_ host: HostCheck) {}
    public func add(_ group: ReportGroup) {}
    public func notApplicable(_ n: NotApplicable) {}
}

/// What every writer knows about the run.
public struct RunInfo: Sendable {
    public enum Command: String, Sendable { case check, host, sweep }
    public var command: Command
    public var policy: FailPolicy
    /// The command line after the program name (reports that show how they were made).
    public var arguments: [String] = []
    /// SARIF: the repository root that `.config` paths are made relative to (default: the working directory).
    public var sarifRoot: String?
    /// SARIF/annotations: the file a preset's results point at (relative to `sarifRoot`), e.g. the
    /// workflow that runs the sweep; default `SARIFWriter.defaultPresetFile`.
    public var presetFile: String?
    /// `check --explain`: the arithmetic after the text result.
    public var explain = false
    /// `sweep --list all`: every combination's full result in the JSON document.
    public var listAll = false

    public init(command: Command, policy: FailPolicy) {
        self.command = command
        self.policy = policy
    }
}

/// A sweep's summary and the sweep it came from, for the writers' `end`.
public struct SweepReport {
    public var summary: SweepSummary
    public var sweep: Sweep?
    public init(_ summary: SweepSummary, _ sweep: Sweep?) {
        self.summary = summary
        self.sweep = sweep
    }
}

public struct NotApplicable: Sendable {
    public var path: String, arch: String, reason: String
    public init(path: String, arch: String, reason: String) {
        (self.path, self.arch, self.reason) = (path, arch, reason)
    }
}

/// One group of combinations that share a rule, a source, a kernel release and a paging mode: the unit
/// of SARIF results, JUnit test cases and annotations, so their size follows the groups, not the
/// combinations.
public struct ReportGroup: Sendable {
    public var rule: AnyRuleID
    public var severity: Severity
    /// A preset name or a .config path.
    public var source: String
    public var isKconfig: Bool
    public var kernel: String
    /// The paging mode (empty until the model gives configurations one).
    public var mode: String = ""
    /// Failing combinations in the group (0: a passing group).
    public var count: UInt64
    /// The smallest failing combination: its label, the failing finding's message and fix, and its
    /// full result when known.
    public var smallest: String?
    public var message: String?
    public var fix: String?
    public var result: CheckResult?
    /// The `check` (or `host`) command that reproduces the smallest combination.
    public var command: String?
    /// The .config line of the option that decides the verdict (.config sources).
    public var line: Int?
    /// The .config file as given (.config sources): the path alone, never the paging mode, release or
    /// example (`source` may carry a mode, ` [va47]`). SARIF, JUnit and annotations point here.
    public var file: String?

    /// `file` for a CI location: as given when relative, relative to the working directory when it is an
    /// absolute path inside it (CI tools resolve locations against the checkout), else absolute.
    public var locationFile: String? {
        guard let file else { return nil }
        guard file.hasPrefix("/") else { return file }
        let cwd = "/" + PathName.components(standardizing: FileManager.default.currentDirectoryPath).joined(separator: "/")
        let path = "/" + PathName.components(standardizing: file).joined(separator: "/")
        return path.hasPrefix(cwd + "/") ? String(path.dropFirst(cwd.count + 1)) : file
    }

    public var failing: Bool { count > 0 }

    /// A stable identity across runs: rule, source, release, mode.
    public var fingerprint: String { [rule.rawValue, source, kernel, mode].joined(separator: "|") }

    public init(rule: AnyRuleID, severity: Severity, source: String, isKconfig: Bool, kernel: String, count: UInt64) {
        self.rule = rule
        self.severity = severity
        self.source = source
        self.isKconfig = isKconfig
        self.kernel = kernel
        self.count = count
    }

    /// The groups of one checked configuration: one per rule, failing (count 1) or passing.
    public static func groups(_ r: CheckResult, command: String?) -> [ReportGroup] {
        r.findings.filter { $0.status != .skip }.map { f in
            var g = ReportGroup(rule: f.rule, severity: f.severity, source: r.config.kconfigPath ?? r.config.preset,
                                isKconfig: r.config.kconfigPath != nil, kernel: r.config.kernel.label,
                                count: f.status == .fail ? 1 : 0)
            if f.status == .fail {
                g.smallest = r.config.label
                g.message = f.message
                g.fix = f.fix
                g.result = r
                g.command = command
            }
            g.line = r.config.kconfigLine(for: f.rule)
            g.file = r.config.kconfigPath
            return g
        }
    }
}

extension SweepSummary {
    /// The sweep's groups for the grouped formats: each failing group with its smallest combination,
    /// then a passing group for every rule × source × kernel that has no failing combination.
    public func reportGroups(_ sweep: Sweep) -> [ReportGroup] {
        let s = resolved(sweep)
        var out: [ReportGroup] = []
        var seen = Set<[String]>()
        func add<R>(_ g: FailingGroup<R>) {
            seen.insert(Array(g.key.prefix(3))) // a source has one mode: rule × source × release decides
            let c = try? sweep.config(at: g.firstIndex)
            var r = ReportGroup(rule: g.rule.anyID, severity: g.rule.severity, source: g.source,
                                isKconfig: c?.kconfigPath != nil, kernel: g.kernel, count: g.count)
            r.mode = g.mode
            r.smallest = g.example
            r.message = g.message
            r.command = g.command
            if let c {
                r.line = c.kconfigLine(for: g.rule.anyID)
                r.file = c.kconfigPath
                if sweep.spec.layout == nil, let res = try? Checker.check(c) {
                    r.result = res
                    r.fix = res.findings.first { $0.rule == g.rule.anyID }?.fix
                }
            }
            out.append(r)
        }
        s.groups.forEach(add)
        s.layoutGroups.forEach(add)
        // Passing groups: every rule × source × kernel without a failing combination.
        for source in sweep.spec.sources {
            let isK: Bool, line: (AnyRuleID) -> Int?
            if case let .kconfig(c) = source { isK = true; line = { c.kconfigLine(for: $0) } } else { isK = false; line = { _ in nil } }
            // The source's own release and mode where the kernel axis is "as configured".
            let own: SparseConfig? = { if case let .kconfig(c) = source { return c } else { return nil } }()
            let mode = own?.pagingMode?.rawValue ?? ""
            for k in sweep.spec.kernels {
                let kernel = (k ?? own?.kernel ?? .newest).label
                var rules: [AnyRuleID] = RuleID.allCases.map(\.anyID)
                if sweep.spec.layout != nil { rules += LayoutRuleID.allCases.map(\.anyID) }
                for rule in rules where !seen.contains([rule.rawValue, source.name, kernel]) {
                    var g = ReportGroup(rule: rule, severity: rule.severity, source: source.name, isKconfig: isK, kernel: kernel, count: 0)
                    g.mode = mode
                    g.line = line(rule)
                    g.file = own?.kconfigPath
                    out.append(g)
                }
            }
        }
        return out
    }
}

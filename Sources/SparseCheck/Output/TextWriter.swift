/// `--format text`: what a person reads. `check` prints each result (and `--explain`'s arithmetic),
/// `host` the node layout, `sweep` its summary at the end.
public final class TextWriter: ReportWriter {
    let out: OutputStream
    var run = RunInfo(command: .check, policy: .error)

    public init(out: OutputStream) { self.out = out }

    public func begin(_ run: RunInfo) { self.run = run }

    public func add(_ r: CheckResult) { add(modes: [r]) }

    /// One configuration's results, one per paging mode, and which modes fail.
    public func add(modes results: [CheckResult]) {
        out.line(Report.text(modes: results, policy: run.policy, verbose: results.first?.config.kconfigPath != nil))
        if run.explain {
            for r in results { for rule in RuleID.allCases { out.line("\n" + Explain.text(rule, r)) } }
        }
    }

    public func add(_ h: HostCheck) { out.line(Report.text(h, policy: run.policy)) }

    public func notApplicable(_ n: NotApplicable) { out.line("\(n.path): \(n.arch): no rule applies: \(n.reason)") }

    public func end(_ summary: SweepReport?) {
        if let summary {
            out.line(summary.sweep.map { summary.summary.text($0, policy: run.policy) } ?? summary.summary.text(policy: run.policy))
        }
        out.flush()
    }
}

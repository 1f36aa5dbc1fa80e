/// `--format json`: the `memmap-check/3` document. `check` and `host`: the results, pretty-printed.
/// `sweep`: the summary and the failing groups, each with its smallest combination in full; every
/// combination's result (`results`) only with `--list all`, streamed as it arrives.
public final class JSONWriter: ReportWriter {
    let out: OutputStream
    var run = RunInfo(command: .check, policy: .error)
    private var results: [CheckResult] = []
    private var hosts: [HostCheck] = []
    private var notApplicable: [NotApplicable] = []
    private var failing: [ReportGroup] = []
    private var streamed = 0

    public init(out: OutputStream) { self.out = out }

    public func begin(_ run: RunInfo) {
        self.run = run
        if run.command == .sweep {
            out.write("{\"schema\":\"\(Report.schema)\",\"tool_version\":\"\(ToolVersion.current)\"")
            if run.listAll { out.write(",\"results\":[") }
        }
    }

    public func add(_ r: CheckResult) {
        guard run.command == .sweep else { results.append(r); return }
        guard run.listAll else { return }
        out.write(streamed == 0 ? "\n" : ",\n")
        out.write(Report.json(r, policy: run.policy))
        streamed += 1
    }

    public func add(_ h: HostCheck) { hosts.append(h) }

    public func add(_ g: ReportGroup) { if g.failing { failing.append(g) } }

    public func notApplicable(_ n: NotApplicable) {
        if run.command == .sweep && run.listAll {
            out.write(streamed == 0 ? "\n" : ",\n")
            out.write(JSON.object([("kconfig", .string(n.path)), ("arch", .string(n.arch)), ("status", .string("not-applicable")),
                                   ("reason", .string(n.reason))]))
            streamed += 1
        } else {
            notApplicable.append(n)
        }
    }

    /// A failing group with its smallest combination.
    static func group(_ g: ReportGroup, _ policy: FailPolicy) -> JSON {
        .object([
            ("rule", .string(g.rule.rawValue)), ("severity", .string(g.severity.rawValue)), ("source", .string(g.source)),
            ("kernel", .string(g.kernel)), ("mode", .string(g.mode)), ("count", .uint(g.count)),
            ("counted", .bool(policy.counts(g.severity))),
            ("check_command", g.command.map { .string($0) } ?? .null),
            ("smallest", g.result.map { Report.json($0, policy: policy) } ?? .null),
        ])
    }

    public func end(_ summary: SweepReport?) {
        switch run.command {
        case .sweep:
            if run.listAll { out.write("\n]") }
            out.write(",\"failing_groups\":")
            out.write(JSON.array(failing.map { Self.group($0, run.policy) }))
            if let summary {
                out.write(",\"summary\":")
                out.write(summary.sweep.map { summary.summary.json($0, policy: run.policy) } ?? summary.summary.json(policy: run.policy))
            }
            out.line("}")
        case .host:
            for h in hosts { out.line(Report.document(h, policy: run.policy).serialized(indent: 2)) }
        case .check:
            if let n = notApplicable.first, results.isEmpty {
                out.line(JSON.object([
                    ("schema", .string(Report.schema)), ("tool_version", .string(ToolVersion.current)),
                    ("results", .array([.object([("kconfig", .string(n.path)), ("arch", .string(n.arch)),
                                                 ("status", .string("not-applicable")), ("reason", .string(n.reason))])])),
                    ("summary", .object([("configs", .uint(0)), ("passed", .uint(0)), ("failed", .uint(0)), ("not_applicable", .uint(1)),
                                         ("fail_on", .string(run.policy.description))])),
                ]).serialized(indent: 2))
            } else {
                out.line(Report.document(results, policy: run.policy).serialized(indent: 2))
            }
        }
        out.flush()
    }
}

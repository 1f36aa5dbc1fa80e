/// `--format junit`: one test case per rule × source × kernel release × paging mode group. A group
/// failing at or above `--fail-on` is a `<failure>` carrying its count and reproducing command; a
/// group failing below it, or not at all, passes (with a note); so the file's size follows the number
/// of groups, not of combinations, and its failures agree with the exit code.
public final class JUnitWriter: ReportWriter {
    let out: OutputStream
    var run = RunInfo(command: .check, policy: .error)
    private var cases: [String] = []
    private var failures = 0, skipped = 0

    public init(out: OutputStream) { self.out = out }

    public func begin(_ run: RunInfo) { self.run = run }

    public func add(_ r: CheckResult) {
        for f in r.findings where f.status == .skip {
            cases.append("<testcase classname=\"\(xmlEscape(r.config.label))\" name=\"\(f.rule)\"><skipped message=\"\(xmlEscape(f.reason ?? f.message))\"/></testcase>")
            skipped += 1
        }
        ReportGroup.groups(r, command: nil).forEach(add)
    }

    public func add(_ g: ReportGroup) {
        var tc = "<testcase classname=\"\(xmlEscape(g.source))\" name=\"\(xmlEscape(caseName(g)))\""
        if g.isKconfig, let file = g.locationFile {
            // The file as given and the deciding option's line; the mode is in the name and classname.
            tc += " file=\"\(xmlEscape(file))\""
            if let line = g.line { tc += " line=\"\(line)\"" }
        }
        if g.failing && run.policy.counts(g.severity) {
            failures += 1
            let head = "\(g.count) combination(s) fail \(g.rule) (\(g.severity.rawValue))"
            var body = head
            if let s = g.smallest { body += "\nsmallest: \(s)" }
            if let m = g.message { body += "\n\(m)" }
            if let f = g.fix { body += "\nfix: \(f)" }
            if let c = g.command { body += "\nreproduce: \(c)" }
            tc += "><failure type=\"\(g.severity.rawValue)\" message=\"\(xmlEscape(head + (g.message.map { ": " + $0 } ?? "")))\">\(xmlEscape(body))</failure></testcase>"
        } else if g.failing {
            tc += "><system-out>\(xmlEscape("\(g.count) combination(s) fail \(g.rule) (\(g.severity.rawValue)), below --fail-on \(run.policy): not counted as failing" + (g.command.map { "\nreproduce: \($0)" } ?? "")))</system-out></testcase>"
        } else {
            tc += "/>"
        }
        cases.append(tc)
    }

    func caseName(_ g: ReportGroup) -> String {
        "\(g.rule) [kernel \(g.kernel)\(g.mode.isEmpty ? "" : ", \(g.mode)")]"
    }

    public func notApplicable(_ n: NotApplicable) {
        cases.append("<testcase classname=\"\(xmlEscape(n.path))\" name=\"no-rule-applies\"><skipped message=\"\(xmlEscape(n.reason))\"/></testcase>")
        skipped += 1
    }

    public func end(_ summary: SweepReport?) {
        out.line("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        let attrs = "tests=\"\(cases.count)\" failures=\"\(failures)\" errors=\"0\" skipped=\"\(skipped)\""
        out.line("<testsuites name=\"memmap-check\" \(attrs)>")
        out.line("<testsuite name=\"memmap-check \(run.command.rawValue)\" \(attrs)>")
        out.line("<properties><property name=\"tool_version\" value=\"\(ToolVersion.current)\"/><property name=\"fail_on\" value=\"\(run.policy)\"/></properties>")
        for c in cases { out.line(c) }
        out.line("</testsuite>")
        out.line("</testsuites>")
        out.flush()
    }
}

/// JUnit text and attributes: `Markup.escape` with line breaks kept as character references, so a
/// multi-line message survives attribute-value normalisation.
func xmlEscape(_ s: String) -> String { Markup.escape(s, whitespaceAsReferences: true) }

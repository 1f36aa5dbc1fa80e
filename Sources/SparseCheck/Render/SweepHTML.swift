/// `memmap-check sweep --format html`: one self-contained page (inline CSS; no scripts, fonts, images or
/// links) with the summary, a matrix of sources × page size × kernel version coloured by each cell's
/// worst outcome, and every failing group with its smallest example and reproducer. Written as
/// well-formed XHTML-compatible markup so it parses back as XML; rows, columns, cells and groups carry
/// `data-*` attributes for tests and scripts.
public enum SweepHTML {
    /// Renders the report. `summary.matrix` holds the cells (run the sweep with `matrix: true`);
    /// `arguments` are the command's words after `memmap-check`, shown at the top.
    public static func render(_ sweep: Sweep, _ summary: SweepSummary, policy: FailPolicy, arguments: [String]? = nil) -> String {
        var page = Page(sweep: sweep, s: summary, policy: policy)
        return page.run(arguments: arguments)
    }

    static func plural(_ n: UInt64, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }

    static func pageLabel(_ shift: UInt32) -> String { "\(Units.human(UInt64(1) << UInt64(shift))) pages" }

    /// The stylesheet: dark text on light fills, the palette shared with the SVG pictures. It contains
    /// no `<`, `&` or quotes, so it is safe as raw character data in both HTML and XML.
    static var css: String {
        let absent = Palette.absent
        var rules = [
            "body{margin:24px auto;max-width:1200px;padding:0 16px;font:15px/1.45 DejaVu Sans,Helvetica,Arial,sans-serif;color:\(Palette.text);background:\(Palette.background)}",
            "h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:28px 0 8px;border-bottom:1px solid \(Palette.grid)}h3{font-size:15px;margin:0 0 6px}",
            "code,pre{font-family:\(TextMetrics.fontFamily);font-size:13px}",
            "pre{background:\(Palette.bandBackground);border:1px solid \(Palette.grid);padding:6px 8px;white-space:pre-wrap;overflow-wrap:anywhere;margin:4px 0}",
            "table{border-collapse:collapse}th,td{border:1px solid \(Palette.grid);padding:3px 8px;text-align:left;vertical-align:top}",
            "thead th{background:\(Palette.bandBackground)}td.n{text-align:right;font-variant-numeric:tabular-nums}",
            ".muted{color:\(Palette.mutedText)}.summary{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start}",
            ".result{font-size:18px;font-weight:bold;padding:6px 10px;border:2px solid;display:inline-block;margin:8px 0}",
            "table.matrix{width:100%;table-layout:fixed}table.matrix th.source{width:180px}table.matrix th[scope=row]{overflow-wrap:anywhere;font-weight:normal;font-family:\(TextMetrics.fontFamily);font-size:13px}",
            "table.matrix td{text-align:center;font-size:13px;line-height:1.3;padding:4px 2px}table.matrix thead th{text-align:center;font-size:13px;white-space:nowrap;padding:3px 2px}",
            ".tag{font-weight:bold;white-space:nowrap;padding:0 3px}.sym{font-weight:bold}",
            "td.absent{color:\(absent.fg);background:repeating-linear-gradient(135deg,\(absent.bg) 0 6px,\(absent.hatch) 6px 8px)}",
            ".legend{display:flex;flex-wrap:wrap;gap:6px 16px;margin:6px 0 10px;padding:0;list-style:none}.legend span.tag{padding:1px 6px;border:1px solid \(Palette.grid)}",
            ".group{border:1px solid \(Palette.grid);border-left-width:6px;padding:8px 12px;margin:10px 0}.group p{margin:4px 0}",
            "details summary{cursor:pointer;font-weight:bold;margin:8px 0}",
            "footer{margin-top:28px;font-size:13px}",
        ]
        for o in SweepMatrix.Outcome.allCases {
            let p = Palette.outcome(o)
            rules.append(".o-\(o.rawValue){color:\(p.fg);background:\(p.bg)}.b-\(o.rawValue){border-color:\(p.fg)}")
        }
        return rules.joined(separator: "\n")
    }
}

private struct Page {
    let sweep: Sweep
    let s: SweepSummary
    let policy: FailPolicy
    var w = MarkupWriter()

    init(sweep: Sweep, s: SweepSummary, policy: FailPolicy) {
        self.sweep = sweep
        self.s = s
        self.policy = policy
    }

    var failOnText: String { policy.description }

    func counted(_ g: SweepSummary.Group) -> Bool { policy.counts(g.rule.severity) }

    /// `<span class="tag o-…"><span class="sym" aria-hidden="true">✓</span> PASS</span>`
    mutating func tag(_ o: SweepMatrix.Outcome) {
        let p = Palette.outcome(o)
        w.open("span", [("class", "tag o-\(o.rawValue)")])
        w.element("span", [("class", "sym"), ("aria-hidden", "true")], text: p.symbol)
        w.text(" " + p.tag)
        w.close()
    }

    mutating func run(arguments: [String]?) -> String {
        let result: SweepMatrix.Outcome = s.failed > 0 ? .fail : .pass
        w.raw("<!DOCTYPE html>\n")
        w.open("html", [("lang", "en")])
        w.open("head")
        w.leaf("meta", [("charset", "utf-8")])
        w.leaf("meta", [("name", "viewport"), ("content", "width=device-width, initial-scale=1")])
        w.element("title", text: "memmap-check sweep: \(Palette.outcome(result).tag)")
        w.open("style")
        w.raw("\n" + SweepHTML.css + "\n")
        w.close()
        w.close()
        w.open("body")
        w.open("header")
        w.element("h1", text: "memmap-check sweep report")
        if let arguments {
            w.open("p")
            w.element("code", [("id", "command")], text: (["memmap-check"] + arguments.map(shellQuote)).joined(separator: " "))
            w.close()
        }
        w.open("p", [("id", "result"), ("class", "result o-\(result.rawValue) b-\(result.rawValue)"), ("data-result", result.rawValue)])
        tag(result)
        w.text(" \u{2014} \(s.failed) of \(s.evaluated) evaluated combinations fail at --fail-on \(failOnText)")
        w.close()
        w.close()
        summary()
        matrix()
        groups()
        w.open("footer", [("class", "muted")])
        w.text("Written by memmap-check sweep --format html. Self-contained: inline styles only; no scripts, fonts, images or links.")
        w.close()
        return w.finish() + "\n"
    }

    // MARK: Summary

    mutating func summary() {
        w.open("section", [("id", "summary")])
        w.element("h2", text: "Summary")
        w.open("div", [("class", "summary")])
        w.open("table", [("id", "totals")])
        w.element("caption", text: "Combinations")
        w.open("tbody")
        let rows: [(String, String, String)] = [
            ("combinations", "Combinations", "\(s.combinations)"),
            ("evaluated", "Evaluated", "\(s.evaluated)"),
            ("skipped", "Skipped", "\(s.skipped)"),
            ("failed", "Failing at --fail-on", "\(s.failed)"),
            ("passed", "Not failing", "\(s.passed)"),
            ("v2-disagreements", "v2 vs merged disagreements", "\(s.v2Disagreements)"),
            ("fail-on", "--fail-on", failOnText),
        ]
        for (key, label, value) in rows {
            w.open("tr", [("data-total", key)])
            w.element("th", [("scope", "row")], text: label)
            w.element("td", [("class", "n")], text: value)
            w.close()
        }
        w.close()
        w.close()

        w.open("table", [("id", "rules")])
        w.element("caption", text: "Rule outcomes (combinations)")
        w.open("thead")
        w.open("tr")
        for h in ["Rule", "Severity", "Pass", "Fail", "Skip"] { w.element("th", [("scope", "col")], text: h) }
        w.close()
        w.close()
        w.open("tbody")
        for (i, r) in RuleID.allCases.enumerated() {
            let c = s.ruleCounts[i]
            w.open("tr", [("data-rule", r.rawValue)])
            w.element("th", [("scope", "row")], text: r.rawValue)
            w.element("td", text: r.severity.rawValue)
            for (k, n) in zip(["pass", "fail", "skip"], c) { w.element("td", [("class", "n"), ("data-status", k)], text: "\(n)") }
            w.close()
        }
        w.close()
        w.close()
        w.close() // div.summary

        w.element("p", [("class", "muted")], text: "v2 vs merged check: combinations where both apply and one warns but not the other.")
        if !s.skipReasons.isEmpty {
            w.element("h3", text: "Skipped combinations")
            w.open("ul", [("id", "skip-reasons")])
            for (reason, n) in s.skipReasons { w.element("li", [("data-count", "\(n)")], text: "\(n): \(reason)") }
            w.close()
        }
        if !sweep.spec.notApplicable.isEmpty {
            w.element("h3", text: "No rule applies")
            w.open("ul", [("id", "not-applicable")])
            for na in sweep.spec.notApplicable { w.element("li", [("data-source", na.path)], text: "\(na.path): \(na.arch): \(na.reason)") }
            w.close()
        }
        w.close()
    }

    // MARK: Matrix

    mutating func matrix() {
        let m = s.matrix ?? SweepMatrix()
        let kernels = sweep.spec.kernels.map { $0?.label ?? "as configured" }
        let shifts = Array(Set((sweep.spec.pageShifts ?? []) + m.pageShifts)).sorted()
        w.open("section", [("id", "matrix")])
        w.element("h2", text: "Matrix")
        w.element("p", text: "Each cell: the worst outcome of its combinations, how many combinations it holds, and how many fail. Hover a cell for its full counts.")
        w.open("ul", [("class", "legend")])
        let legend: [(SweepMatrix.Outcome, String)] = [
            (.fail, "a rule fails at or above --fail-on \(failOnText)"),
            (.warn, "a rule fails below --fail-on"),
            (.pass, "no rule fails"),
            (.skip, "skipped, or every rule skips"),
            (.notApplicable, "no rule applies (no SPARSEMEM)"),
        ]
        for (o, text) in legend {
            w.open("li")
            tag(o)
            w.text(" " + text)
            w.close()
        }
        w.open("li")
        w.element("span", [("class", "tag absent"), ("style", "padding:1px 6px")], text: "\u{2014}")
        w.text(" not in this sweep")
        w.close()
        w.close()

        w.open("table", [("class", "matrix"), ("id", "matrix-table")])
        w.element("caption", [("class", "muted")], text: "Rows: sources; columns: page size \u{00d7} kernel version")
        w.open("thead")
        w.open("tr")
        w.element("th", [("scope", "col"), ("rowspan", "2"), ("class", "source")], text: "Source")
        for shift in shifts {
            w.element("th", [("scope", "colgroup"), ("colspan", "\(kernels.count)"), ("data-page-size", "\(UInt64(1) << UInt64(shift))")],
                      text: SweepHTML.pageLabel(shift))
        }
        w.close()
        w.open("tr")
        for shift in shifts {
            for k in kernels {
                w.element("th", [("scope", "col"), ("data-page-size", "\(UInt64(1) << UInt64(shift))"), ("data-kernel", k)],
                          text: "kernel \(k)")
            }
        }
        w.close()
        w.close()
        w.open("tbody")
        for (si, source) in sweep.spec.sources.enumerated() {
            w.open("tr", [("data-source", source.name)])
            w.element("th", [("scope", "row")], text: source.name)
            for shift in shifts {
                for (ki, k) in kernels.enumerated() {
                    let key = SweepMatrix.Key(source: si, pageShift: shift, kernel: ki)
                    if let c = m[key] {
                        cell(c, source: source.name, shift: shift, kernel: k)
                    } else {
                        absentCell(source, shift: shift, kernel: k)
                    }
                }
            }
            w.close()
        }
        for na in sweep.spec.notApplicable {
            w.open("tr", [("data-source", na.path), ("data-status", SweepMatrix.Outcome.notApplicable.rawValue)])
            w.element("th", [("scope", "row")], text: na.path)
            for shift in shifts {
                for k in kernels {
                    w.open("td", [("class", "o-not-applicable"), ("data-page-size", "\(UInt64(1) << UInt64(shift))"), ("data-kernel", k),
                                  ("data-status", SweepMatrix.Outcome.notApplicable.rawValue), ("title", "\(na.path) (\(na.arch)): no rule applies: \(na.reason)")])
                    tag(.notApplicable)
                    w.close()
                }
            }
            w.close()
        }
        w.close()
        w.close()
        w.close()
    }

    mutating func cell(_ c: SweepMatrix.Cell, source: String, shift: UInt32, kernel: String) {
        let o = c.worst
        var title = "\(source), \(SweepHTML.pageLabel(shift)), kernel \(kernel): \(SweepHTML.plural(c.combinations, "combination")); "
            + "\(c.failed) fail at --fail-on \(failOnText), \(c.warned) fail below it, \(c.passed) pass, "
            + "\(c.allRulesSkipped) with every rule skipped, \(c.skipped) not evaluated"
        if let why = c.skipReason { title += " (first skip: \(why))" }
        w.open("td", [
            ("class", "o-\(o.rawValue)"), ("data-page-size", "\(UInt64(1) << UInt64(shift))"), ("data-kernel", kernel),
            ("data-status", o.rawValue), ("data-combinations", "\(c.combinations)"), ("data-evaluated", "\(c.evaluated)"),
            ("data-failed", "\(c.failed)"), ("data-warned", "\(c.warned)"), ("data-passed", "\(c.passed)"),
            ("data-skipped", "\(c.skipped)"), ("title", title),
        ])
        tag(o)
        w.leaf("br")
        w.text("\(c.combinations) comb.")
        w.leaf("br")
        switch o {
        case .fail: w.text("\(c.failed) fail")
        case .warn: w.text("\(c.warned) warn")
        case .pass: w.text("0 fail")
        case .skip, .notApplicable: w.text("\(c.skipped) skipped")
        }
        w.close()
    }

    mutating func absentCell(_ source: SweepSpec.Source, shift: UInt32, kernel: String) {
        let why: String
        switch source {
        case let .preset(name):
            if sweep.spec.pageShifts != nil {
                why = "--page-sizes does not include \(Units.human(UInt64(1) << UInt64(shift)))"
            } else {
                let own = Preset.named(name).map { Units.human(UInt64(1) << UInt64($0.pageShift)) } ?? "another page size"
                why = "\(name) has \(own) pages (a preset keeps its own page size unless --page-sizes is given)"
            }
        case let .kconfig(k):
            why = "this .config fixes the page size at \(Units.human(k.pageSize))"
        }
        w.open("td", [("class", "absent"), ("data-page-size", "\(UInt64(1) << UInt64(shift))"), ("data-kernel", kernel),
                      ("data-status", "absent"), ("title", "not in this sweep: \(why)")])
        w.element("span", [("aria-hidden", "true")], text: "\u{2014}")
        w.leaf("br")
        w.text("not swept")
        w.close()
    }

    // MARK: Failing groups

    mutating func groups() {
        let failing = s.groups.filter(counted)
        let below = s.groups.filter { !counted($0) }
        w.open("section", [("id", "failing")])
        w.element("h2", text: "Failing groups")
        if failing.isEmpty {
            w.element("p", text: "No rule fails at or above --fail-on \(failOnText).")
        } else {
            w.element("p", text: "One group per rule, source and kernel version; the smallest failing combination in sweep order, with the command that reproduces it.")
            for g in failing { group(g, .fail) }
        }
        w.close()
        if !below.isEmpty {
            w.open("section", [("id", "below-fail-on")])
            w.open("details")
            w.element("summary", text: "\(SweepHTML.plural(UInt64(below.count), "group")) fail below --fail-on \(failOnText) (not counted as failing)")
            for g in below { group(g, .warn) }
            w.close()
            w.close()
        }
    }

    mutating func group(_ g: SweepSummary.Group, _ o: SweepMatrix.Outcome) {
        let command = sweep.checkCommand(at: g.firstIndex)
        w.open("section", [("class", "group b-\(o.rawValue)"), ("data-rule", g.rule.rawValue), ("data-source", g.source),
                           ("data-kernel", g.kernel), ("data-count", "\(g.count)"), ("data-status", o.rawValue)])
        w.open("h3")
        tag(o)
        w.text(" \(g.rule.rawValue) (\(g.rule.severity.rawValue)) on \(g.source), kernel \(g.kernel): \(SweepHTML.plural(g.count, "combination"))")
        w.close()
        if let c = try? sweep.config(at: g.firstIndex) {
            w.open("p")
            w.element("strong", text: "Smallest: ")
            w.text(c.label)
            w.close()
            if let f = (try? Checker.check(c))?.findings.first(where: { $0.rule == g.rule.rawValue }) {
                w.element("p", [("class", "message")], text: f.message)
                if let fix = f.fix {
                    w.open("p")
                    w.element("strong", text: "Fix: ")
                    w.text(fix)
                    w.close()
                }
            }
        }
        w.element("p", [("class", "muted")], text: "Reproduce:")
        w.open("pre")
        w.element("code", [("class", "reproduce")], text: command)
        w.close()
        w.close()
    }
}

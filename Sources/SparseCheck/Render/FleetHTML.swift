#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// `fleet --format html`: one page over every capture, grouped by verdict (failing first, then the
/// unreadable, then passing below --fail-on, then passing) and within a verdict by release, architecture
/// and paging mode. Each host links to its SVG map (`host --format svg`): embedded in the page
/// (a data: image under the host's row) or, with `mapsDir`, written there as `<host>.svg` and linked by
/// that relative path. Inline CSS, no scripts; rows carry `data-*` attributes for tests and scripts.
public final class FleetHTMLWriter: FleetWriter {
    let out: OutputStream
    let mapsDir: String?
    var run = RunInfo(command: .host, policy: .error)
    struct Entry {
        var label: String, path: String, status: String, row: FleetHost.Row, map: String?
    }
    var entries: [Entry] = []
    /// Maps that could not be written (mapsDir), one line each.
    public private(set) var mapErrors: [String] = []

    /// `mapsDir`: write each map there instead of embedding it (the directory must exist).
    public init(out: OutputStream, mapsDir: String? = nil) {
        self.out = out
        self.mapsDir = mapsDir
    }

    public func begin(_ run: RunInfo) { self.run = run }

    /// A file name from a label: letters, digits, `.`, `-`, `_`; everything else `_`.
    public static func slug(_ label: String) -> String {
        String(label.unicodeScalars.map { c -> Character in
            (c.properties.isAlphabetic && c.isASCII) || ("0"..."9").contains(c) || c == "." || c == "-" || c == "_" ? Character(c) : "_"
        })
    }

    public func add(_ h: FleetHost) {
        var map: String?
        if let c = h.check {
            let svg = LayoutSVG.render(c).svg
            if let dir = mapsDir {
                let name = Self.slug(h.label) + ".svg"
                do {
                    try AtomicFile.write(dir + "/" + name, Array(svg.utf8))
                    map = dir + "/" + name
                } catch {
                    mapErrors.append("\(h.label): \(error)")
                }
            } else {
                map = "data:image/svg+xml;base64," + Data(svg.utf8).base64EncodedString()
            }
        }
        entries.append(Entry(label: h.label, path: h.path, status: h.status(run.policy), row: h.row(run.policy), map: map))
    }

    static let order = ["fail", "unreadable", "pass-below-threshold", "pass"]
    static let titles = ["fail": "FAIL", "unreadable": "unreadable", "pass-below-threshold": "pass, rules failing below --fail-on", "pass": "pass"]

    public func end(_ s: FleetSummary) {
        var w = MarkupWriter()
        w.raw("<!DOCTYPE html>\n")
        w.open("html", [("lang", "en")])
        w.open("head")
        w.leaf("meta", [("charset", "utf-8")])
        w.element("title", text: "memmap-check fleet: \(s.captures) captures, \(s.failed) failing")
        w.open("style")
        w.raw(SweepHTML.css + "\ntable.hosts{width:100%}td.base{font-family:\(TextMetrics.fontFamily);font-size:13px}details.map{margin:0}details.map img{max-width:100%;border:1px solid \(Palette.grid)}")
        w.close()
        w.close()
        w.open("body")
        w.element("h1", text: "memmap-check fleet")
        let verdict = s.failed > 0 ? "FAIL" : "pass"
        w.element("p", [("class", "result"), ("data-failed", "\(s.failed)")], text: "\(verdict): \(s.failed) of \(s.captures) captures failing")
        w.element("p", [("class", "muted")], text: s.text + "; each capture judged as memmap-check host --root judges it alone (tool \(ToolVersion.current)).")
        for status in Self.order {
            let inStatus = entries.filter { $0.status == status }
            guard !inStatus.isEmpty else { continue }
            let p = Self.palette(status)
            w.open("section", [("data-status", status)])
            w.element("h2", text: "\(Self.titles[status] ?? status) (\(inStatus.count))")
            // Groups: release, arch, mode; the largest first, then by name.
            var groups: [String: [Entry]] = [:]
            for e in inStatus { groups["\(e.row.release) · \(e.row.arch) · \(e.row.mode)", default: []].append(e) }
            for key in groups.keys.sorted(by: { (groups[$0]!.count, $1) > (groups[$1]!.count, $0) }) {
                let g = groups[key]!
                w.open("div", [("class", "group"), ("style", "border-left-color:\(p.fg)"), ("data-group", key)])
                w.element("h3", text: "\(key) — \(g.count) host\(g.count == 1 ? "" : "s")")
                w.open("table", [("class", "hosts")])
                w.open("thead"); w.open("tr")
                for h in ["host", "pfn_to_page(0)", "verdict", "failing rules", "upgrade preview", "map"] { w.element("th", text: h) }
                w.close(); w.close()
                w.open("tbody")
                for e in g {
                    let anchor = "host-" + Self.slug(e.label)
                    w.open("tr", [("id", anchor), ("data-host", e.label), ("data-status", e.status)])
                    w.open("td"); w.element("code", text: e.label); w.close()
                    w.element("td", [("class", "base")], text: e.row.base)
                    w.element("td", [("style", "color:\(p.fg);background:\(p.bg);font-weight:bold")], text: e.row.verdict)
                    w.element("td", text: e.row.error ?? (e.row.failingRules.isEmpty ? "–" : e.row.failingRules.joined(separator: ", ")))
                    w.element("td", text: e.row.preview)
                    w.open("td")
                    if let m = e.map {
                        if mapsDir != nil {
                            w.element("a", [("href", m), ("data-map", m)], text: "map")
                        } else {
                            w.open("details", [("class", "map")])
                            w.element("summary", text: "map")
                            w.leaf("img", [("src", m), ("alt", "memory map of \(e.label)"), ("loading", "lazy")])
                            w.close()
                        }
                    } else {
                        w.text("–")
                    }
                    w.close()
                    w.close()
                }
                w.close()
                w.close()
                w.close()
            }
            w.close()
        }
        w.open("footer", [("class", "muted")])
        w.text("memmap-check \(ToolVersion.current) fleet \(run.arguments.joined(separator: " "))")
        w.close()
        w.close()
        w.close()
        out.write(w.finish())
        out.write("\n")
        out.flush()
    }

    static func palette(_ status: String) -> (fg: String, bg: String) {
        switch status {
        case "fail": return ("#a50f15", "#fde0dd")
        case "unreadable": return ("#6b6b6b", "#eeeeee")
        case "pass-below-threshold": return ("#8a5300", "#fff1d6")
        default: return ("#1b6e20", "#e5f5e0")
        }
    }
}

import Foundation
import Testing
@testable import SparseCheck

// `--format prometheus` (host, check, fleet) and `fleet`: the exposition's structure against the text
// format's rules, its values against the host check they come from, promtool itself where installed
// (.ci/run installs it; scripts/prometheus-test.sh adds node_exporter and Prometheus on loopback).

/// Every committed capture: Fixtures/real/* and the captures memmap-check wrote in Fixtures/real-tool.
let committedCaptures: [String] = realCaptures.map { fixture("real/\($0)") } + realToolRuns.map { RealToolRun(name: $0).capture }

/// A parsed exposition: per family its HELP and TYPE line counts, and every sample in order.
struct Exposition {
    struct Sample { var name: String; var labels: [String: String]; var value: String }
    var help: [String: Int] = [:], type: [String: String] = [:]
    var samples: [Sample] = []
    /// Family names in the order their samples appear (a family may appear once: its samples together).
    var order: [String] = []

    init(_ text: String) throws {
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) where !line.isEmpty {
            if line.hasPrefix("# HELP ") {
                let name = String(line.dropFirst(7).prefix { $0 != " " })
                help[name, default: 0] += 1
            } else if line.hasPrefix("# TYPE ") {
                let parts = line.dropFirst(7).split(separator: " ")
                #expect(type[String(parts[0])] == nil, "a second TYPE line for \(parts[0])")
                type[String(parts[0])] = String(parts[1])
            } else {
                samples.append(try Self.parse(String(line)))
                if order.last != samples.last!.name { order.append(samples.last!.name) }
            }
        }
    }

    /// `name{a="x",b="y\"z"} value`, unescaping label values.
    static func parse(_ line: String) throws -> Sample {
        var s = Substring(line)
        let name = String(s.prefix { $0 != "{" && $0 != " " })
        s = s.dropFirst(name.count)
        var labels: [String: String] = [:]
        if s.first == "{" {
            s = s.dropFirst()
            while s.first != "}" {
                let key = String(s.prefix { $0 != "=" })
                s = s.dropFirst(key.count + 2) // ="
                var value = ""
                while let c = s.first, c != "\"" {
                    s = s.dropFirst()
                    if c == "\\", let e = s.first {
                        s = s.dropFirst()
                        value.append(e == "n" ? "\n" : e)
                    } else {
                        value.append(c)
                    }
                }
                s = s.dropFirst() // "
                #expect(labels[key] == nil, "label \(key) twice in \(line)")
                labels[key] = value
                if s.first == "," { s = s.dropFirst() }
                try #require(!s.isEmpty, "unterminated labels: \(line)")
            }
            s = s.dropFirst()
        }
        #expect(s.first == " ", "no space before the value: \(line)")
        return Sample(name: name, labels: labels, value: String(s.dropFirst()))
    }

    func values(_ name: String) -> [Sample] { samples.filter { $0.name == name } }
}

/// Structure every exposition must have: names and label names in the allowed alphabet, one HELP and
/// one TYPE gauge per family, its samples together, no series twice, numeric values.
func checkStructure(_ e: Exposition) {
    let nameOK = { (s: String) in s.range(of: "^[a-zA-Z_:][a-zA-Z0-9_:]*$", options: .regularExpression) != nil }
    #expect(Set(e.order).count == e.order.count, "a family's samples are split: \(e.order)")
    var seen = Set<String>()
    for s in e.samples {
        #expect(nameOK(s.name) && s.name.hasPrefix("memmap_check_"), "\(s.name)")
        #expect(e.help[s.name] == 1 && e.type[s.name] == "gauge", "\(s.name): HELP \(e.help[s.name] ?? 0), TYPE \(e.type[s.name] ?? "none")")
        for k in s.labels.keys { #expect(nameOK(k) && !k.hasPrefix("__"), "label \(k)") }
        #expect(Double(s.value) != nil, "\(s.name) value \(s.value)")
        let key = s.name + s.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        #expect(seen.insert(key).inserted, "series twice: \(key)")
    }
}

func prometheusText(_ h: HostCheck) -> String {
    let out = SparseCheck.OutputStream(fd: -1)
    let w = PrometheusWriter(out: out)
    w.begin(RunInfo(command: .host, policy: .error))
    w.add(h)
    w.end(nil)
    return String(decoding: out.captured, as: UTF8.self)
}

let promtool: String? = ["/usr/bin/promtool", "/usr/local/bin/promtool"].first { FileManager.default.isExecutableFile(atPath: $0) }

/// Runs `promtool check metrics` on `text`: its output (empty when clean) and exit status.
func promtoolCheck(_ text: String) throws -> (status: Int32, output: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: promtool!)
    p.arguments = ["check", "metrics"]
    let input = Pipe(), output = Pipe()
    p.standardInput = input
    p.standardOutput = output
    p.standardError = output
    try p.run()
    input.fileHandleForWriting.write(Data(text.utf8))
    try input.fileHandleForWriting.close()
    let o = output.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: o, as: UTF8.self))
}

@Suite("Prometheus exposition")
struct PrometheusTests {
    @Test("every committed capture: one HELP and TYPE per family, values as the host check concludes", arguments: committedCaptures)
    func capture(dir: String) throws {
        let h = try hostCheck(dir)
        let e = try Exposition(prometheusText(h))
        checkStructure(e)
        let info = try #require(e.values("memmap_check_info").first)
        #expect(info.labels["release"] == h.layout.kernelRelease && info.labels["arch"] == h.result.config.arch.rawValue)
        #expect(info.labels["page_size"] == String(h.result.config.pageSize) && info.labels["version"] == ToolVersion.current)
        #expect(info.labels["paging_mode"] == (h.result.config.pagingMode?.rawValue ?? "none"))
        #expect(e.values("memmap_check_failing").map(\.value) == [FailPolicy.error.verdict(h.result) == .fail ? "1" : "0"])
        // Each rule once, its value the worst status of its findings.
        for s in e.values("memmap_check_rule_status") {
            let fs = h.result.findings.filter { $0.rule.rawValue == s.labels["rule"] }
            let want = fs.contains { $0.status == .fail } ? "1" : (fs.contains { $0.status == .pass } ? "0" : "-1")
            #expect(!fs.isEmpty && s.value == want, "\(s.labels)")
        }
        #expect(Set(e.values("memmap_check_rule_status").compactMap { $0.labels["rule"] }) == Set(h.result.findings.map(\.rule.rawValue)))
        let folio = try #require(h.result.findings.first { $0.rule == .config(.folioVmemmapAlign) })
        #expect(e.values("memmap_check_required_alignment_bytes").first { $0.labels["rule"] == folio.rule.rawValue }?.value == folio.required.map { String($0) })
        #expect(e.values("memmap_check_actual_alignment_bytes").first { $0.labels["rule"] == folio.rule.rawValue }?.value == folio.actualAlignment.map { String($0) })
        let bases = Dictionary(uniqueKeysWithValues: e.values("memmap_check_pfn_to_page0_info").map { ($0.labels["base"]!, $0.labels) })
        #expect(bases["modelled"]?["address"] == hex(h.modelled.derived.vmemmap))
        #expect(bases["observed"]?["address"] == h.layout.observed.map { hex($0.pfnToPage0) })
        #expect(bases[h.judgesObserved ? "observed" : "modelled"]?["judged"] == "true")
        #expect(e.values("memmap_check_observed_agrees_with_model").map(\.value) == (h.observedAgrees.map { [$0 ? "1" : "0"] } ?? []))
    }

    @Test("the captures memmap-check wrote as root carry the observed base, and it agrees", arguments: realToolRuns)
    func observed(name: String) throws {
        let h = try hostCheck(RealToolRun(name: name).capture)
        let e = try Exposition(prometheusText(h))
        let (_, witness) = try RealToolRun(name: name).kreadBase()
        #expect(e.values("memmap_check_pfn_to_page0_info").first { $0.labels["base"] == "observed" }?.labels["address"] == hex(witness))
        #expect(e.values("memmap_check_observed_agrees_with_model").map(\.value) == ["1"])
        #expect(e.values("memmap_check_observed_base_available").map(\.value) == ["1"])
    }

    @Test("a 6.1 host gets the upgrade preview per release (label kernel); riscv64 under 7.1's formulas fails")
    func previewAndFailure() throws {
        let old = try Exposition(prometheusText(try hostCheck(hostFixture("4node-uneven"))))
        let p = try #require(try hostCheck(hostFixture("4node-uneven")).preview)
        #expect(old.values("memmap_check_preview_failing").map { $0.labels["kernel"] } == [p.kernel.label])
        #expect(old.values("memmap_check_preview_rule_status").allSatisfy { $0.labels["kernel"] == p.kernel.label })
        var o = Overrides()
        o.kernel = try KernelTarget.parse("7.1", option: "--kernel")
        let h = try hostCheck(fixture("real/riscv64-sv39-numa2"), overrides: o)
        let e = try Exposition(prometheusText(h))
        // vmemmap_start_pfn as merged in 7.1 leaves pfn_to_page(0) = 0xffffffc4fe000000, 32 MiB aligned.
        #expect(e.values("memmap_check_rule_status").first { $0.labels["rule"] == "folio-vmemmap-align" }?.value == "1")
        #expect(e.values("memmap_check_actual_alignment_bytes").first { $0.labels["rule"] == "folio-vmemmap-align" }?.value == String(32 << 20))
        #expect(e.values("memmap_check_failing").map(\.value) == ["1"])
    }

    @Test("label values and HELP escape backslash, quote and line feed")
    func escaping() throws {
        #expect(PromExposition.escapeLabel("a\\b\"c\nd") == "a\\\\b\\\"c\\nd")
        #expect(PromExposition.escapeHelp("x\\y\nz") == "x\\\\y\\nz")
        var x = PromExposition()
        x.addUnreadable(host: "we\"ird\\name\n")
        let e = try Exposition(x.render())
        #expect(e.samples.first?.labels["host"] == "we\"ird\\name\n")
    }

    @Test("check --format prometheus through promtool", .enabled(if: promtool != nil, "promtool not installed (.ci/run installs Debian's prometheus)"))
    func promtoolCheckCommand() throws {
        let check = try CLI.run(["check", "--preset", "riscv64-sv39", "--dram-base", "0x80000000", "--kernel", "7.1", "--format", "prometheus"])
        #expect(check.status == 1)
        let e = try Exposition(check.stdout)
        checkStructure(e)
        #expect(e.values("memmap_check_rule_status").first { $0.labels["rule"] == "folio-vmemmap-align" }?.value == "1")
        let c = try promtoolCheck(check.stdout)
        #expect(c.status == 0 && c.output.isEmpty, "check: \(c.output)")
    }

    @Test("host --output writes the file atomically: the same bytes as stdout, mode 0644, no temporary left")
    func output() throws {
        let dir = NSTemporaryDirectory() + "memmap-check-prom-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let root = RealToolRun(name: realToolRuns[0]).capture
        let stdout = try CLI.run(["host", "--root", root, "--format", "prometheus"])
        try "old".write(toFile: dir + "/memmap-check.prom", atomically: false, encoding: .utf8)
        let o = try CLI.run(["host", "--root", root, "--format", "prometheus", "--output", dir + "/memmap-check.prom"])
        #expect(o.status == stdout.status && o.stdout.isEmpty && o.stderr.isEmpty)
        #expect(try String(contentsOfFile: dir + "/memmap-check.prom", encoding: .utf8) == stdout.stdout)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["memmap-check.prom"])
        let mode = try FileManager.default.attributesOfItem(atPath: dir + "/memmap-check.prom")[.posixPermissions] as? Int
        #expect(mode == 0o644)
        let bad = try CLI.run(["host", "--root", root, "--format", "prometheus", "--output", dir + "/no/such/dir/x.prom"])
        #expect(bad.status == 2 && bad.stderr.contains("--output \(dir)/no/such/dir/x.prom: expected a file in an existing directory"))
    }
}

@Suite("fleet")
struct FleetTests {
    /// A scratch fleet: a drifted copy of a real-tool capture (fails), a capture whose manifest is not
    /// JSON and that has no sysfs (unreadable), and a real capture as it is.
    func scratchFleet() throws -> String {
        let dir = NSTemporaryDirectory() + "memmap-check-fleet-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/site-a/broken", withIntermediateDirectories: true)
        let run = RealToolRun(name: realToolRuns[0])
        let drifted = try alteredCapture(run, observed: try run.kreadBase().witness + 0x20_0000)
        try FileManager.default.moveItem(atPath: drifted, toPath: dir + "/site-a/drifted")
        try "not json".write(toFile: dir + "/site-a/broken/" + HostReader.manifestName, atomically: false, encoding: .utf8)
        try FileManager.default.copyItem(atPath: RealToolRun(name: realToolRuns.last!).capture, toPath: dir + "/site-b")
        return dir
    }

    @Test("discovery: every committed capture once, labels distinct, a capture's own tree not searched")
    func discover() throws {
        let caps = try Fleet.discover([fixture("real"), fixture("real-tool")])
        #expect(caps.count == committedCaptures.count)
        #expect(Set(caps.map(\.label)).count == caps.count)
        #expect(Set(caps.map { URL(fileURLWithPath: $0.path).standardizedFileURL.path }) == Set(committedCaptures.map { URL(fileURLWithPath: $0).standardizedFileURL.path }))
        #expect(caps.contains { $0.label == "\(realToolRuns[0])/capture" })
        // The same directory twice: the second set of labels is prefixed with the directory.
        let twice = try Fleet.discover([fixture("real-tool"), fixture("real-tool")])
        #expect(Set(twice.map(\.label)).count == twice.count && twice.count == 2 * realToolRuns.count)
        // A capture given itself is labelled with its name.
        #expect(try Fleet.discover([fixture("real/riscv64-sv48")]).map(\.label) == ["riscv64-sv48"])
    }

    @Test("a capture tar (capture -o) is found and judged as host --root judges it; its extracted tree is removed")
    func tarCapture() throws {
        let dir = NSTemporaryDirectory() + "memmap-check-fleet-tar-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/site", withIntermediateDirectories: true)
        let capture = RealToolRun(name: realToolRuns[0]).capture
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/bin/tar")
        tar.arguments = ["--format=ustar", "-cf", dir + "/site/host1.tar", "-C", capture]
            + (try FileManager.default.contentsOfDirectory(atPath: capture)).sorted()
        try tar.run()
        tar.waitUntilExit()
        #expect(tar.terminationStatus == 0)
        let caps = try Fleet.discover([dir])
        #expect(caps.map(\.label) == ["site/host1.tar"])
        let o = try CLI.run(["fleet", dir, "--format", "json"])
        let alone = try CLI.run(["host", "--root", dir + "/site/host1.tar", "--format", "json"])
        #expect(o.status == alone.status)
        let hosts = try #require(o.json?["hosts"] as? [[String: Any]])
        let a = try JSONSerialization.data(withJSONObject: try JSONSerialization.jsonObject(with: Data(alone.stdout.utf8)), options: [.sortedKeys])
        let b = try JSONSerialization.data(withJSONObject: try #require(hosts.first?["report"]), options: [.sortedKeys])
        #expect(hosts.count == 1 && a == b)
        // The temporary tree goes when the capture has been judged, not at exit.
        let files = try HostFiles(root: dir + "/site/host1.tar")
        let extracted = try #require(files.root)
        #expect(FileManager.default.fileExists(atPath: extracted + "/sys"))
        files.discardExtracted()
        #expect(!FileManager.default.fileExists(atPath: extracted))
    }

    @Test("fleet --format json: each capture's report is host --root's document, in parallel as alone")
    func jsonMatchesHost() throws {
        let o = try CLI.run(["fleet", fixture("real"), fixture("real-tool"), "--format", "json", "--jobs", "2"])
        #expect(o.status == 0)
        let hosts = try #require(o.json?["hosts"] as? [[String: Any]])
        #expect(hosts.count == committedCaptures.count)
        #expect(Set(hosts.compactMap { $0["host"] as? String }).count == hosts.count)
        for h in hosts {
            let path = try #require(h["capture"] as? String)
            let alone = Report.document(try hostCheck(path)).serialized()
            let report = try JSONSerialization.data(withJSONObject: try #require(h["report"]), options: [.sortedKeys])
            let want = try JSONSerialization.data(withJSONObject: try JSONSerialization.jsonObject(with: Data(alone.utf8)), options: [.sortedKeys])
            #expect(report == want, "\(path)")
        }
        // Two of them through the CLI, byte for byte as `host --root --format json` prints them.
        for h in hosts.prefix(1) + hosts.suffix(1) {
            let path = h["capture"] as! String
            let alone = try CLI.run(["host", "--root", path, "--format", "json"])
            let a = try JSONSerialization.data(withJSONObject: try JSONSerialization.jsonObject(with: Data(alone.stdout.utf8)), options: [.sortedKeys])
            let b = try JSONSerialization.data(withJSONObject: h["report"]!, options: [.sortedKeys])
            #expect(a == b, "\(path)")
        }
        let summary = o.json?["summary"] as? [String: Any]
        #expect((summary?["captures"] as? NSNumber)?.intValue == committedCaptures.count)
        #expect((summary?["unreadable"] as? NSNumber)?.intValue == 0)
    }

    @Test("fleet --format prometheus: one HELP/TYPE per family, one distinct host label per capture; promtool clean")
    func prometheus() throws {
        let o = try CLI.run(["fleet", fixture("real"), fixture("real-tool"), "--format", "prometheus"])
        #expect(o.status == 0)
        let e = try Exposition(o.stdout)
        checkStructure(e)
        let info = e.values("memmap_check_info")
        #expect(info.count == committedCaptures.count && Set(info.compactMap { $0.labels["host"] }).count == info.count)
        #expect(e.samples.allSatisfy { $0.labels["host"] != nil })
        #expect(e.values("memmap_check_capture_readable").allSatisfy { $0.value == "1" })
        // Each capture's own exposition goes through promtool in scripts/prometheus-test.sh (CI).
        if promtool != nil {
            let r = try promtoolCheck(o.stdout)
            #expect(r.status == 0 && r.output.isEmpty, "fleet: \(r.output)")
        } else {
            print("fleet --format prometheus: promtool not installed (.ci/run installs Debian's prometheus): not run through promtool")
        }
    }

    @Test("a failing and an unreadable capture: reported, the run goes on, exit 1; html puts the failing first")
    func failingAndUnreadable() throws {
        let dir = try scratchFleet()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let o = try CLI.run(["fleet", dir, "--format", "json"])
        #expect(o.status == 1)
        let hosts = try #require(o.json?["hosts"] as? [[String: Any]])
        let status = Dictionary(uniqueKeysWithValues: hosts.map { ($0["host"] as! String, $0["status"] as! String) })
        #expect(status == ["site-a/broken": "unreadable", "site-a/drifted": "fail", "site-b": "pass-below-threshold"])
        let broken = try #require(hosts.first { $0["host"] as? String == "site-a/broken" })
        #expect((broken["error"] as? String)?.isEmpty == false && broken["report"] == nil)
        let text = try CLI.run(["fleet", dir])
        #expect(text.status == 1 && text.stdout.contains("1 FAIL, 1 unreadable") && text.stdout.contains("site-a/broken: "))
        let prom = try Exposition(try CLI.run(["fleet", dir, "--format", "prometheus"]).stdout)
        checkStructure(prom)
        #expect(prom.values("memmap_check_capture_readable").first { $0.labels["host"] == "site-a/broken" }?.value == "0")
        #expect(prom.values("memmap_check_rule_status").first { $0.labels["host"] == "site-a/drifted" && $0.labels["rule"] == "model-drift" }?.value == "1")
        #expect(prom.values("memmap_check_observed_agrees_with_model").first { $0.labels["host"] == "site-a/drifted" }?.value == "0")

        let html = try CLI.run(["fleet", dir, "--format", "html"])
        #expect(html.status == 1)
        let sections = html.stdout.components(separatedBy: "<section data-status=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
        #expect(sections == ["fail", "unreadable", "pass-below-threshold"])
        #expect(html.stdout.contains("data-host=\"site-a/drifted\""))
        #expect(html.stdout.components(separatedBy: "src=\"data:image/svg+xml;base64,").count - 1 == 2) // a map per readable host
        // --maps-dir: the maps as files, linked by path.
        let maps = dir + "/maps"
        try FileManager.default.createDirectory(atPath: maps, withIntermediateDirectories: true)
        let linked = try CLI.run(["fleet", dir + "/site-a", dir + "/site-b", "--format", "html", "--maps-dir", maps, "--output", dir + "/fleet.html"])
        #expect(linked.status == 1 && linked.stdout.isEmpty)
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: maps)) == ["drifted.svg", "site-b.svg"])
        let page = try String(contentsOfFile: dir + "/fleet.html", encoding: .utf8)
        #expect(page.contains("href=\"\(maps)/drifted.svg\""))
    }

    @Test("bad input: a missing directory, no capture, --jobs 0, --maps-dir without html: exit 2 with one line")
    func badInput() throws {
        for (args, needle) in [
            (["fleet", "/no/such/dir"], "fleet /no/such/dir: expected a directory holding captures"),
            (["fleet", fixture("kconfig")], "expected directories holding at least one capture"),
            (["fleet", fixture("real"), "--jobs", "0"], "--jobs 0: expected a number of threads of at least 1"),
            (["fleet", fixture("real"), "--maps-dir", "/tmp"], "--maps-dir /tmp: expected --format html"),
        ] {
            let o = try CLI.run(args)
            #expect(o.status == 2 && o.stdout.isEmpty, "\(args)")
            #expect(o.stderr.contains(needle) && o.stderr.split(separator: "\n").count == 1, "\(args): \(o.stderr)")
        }
    }
}

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// `--format sarif`: SARIF 2.1.0 shaped for GitHub code scanning. One result per failing rule × source
/// × kernel release × paging mode group (passing groups are not results), with `properties.count`,
/// the smallest failing combination and the command that reproduces it; at most `maxResults` results
/// (the most severe and largest kept, the cut reported in `invocations[0].toolExecutionNotifications`);
/// every result has a location relative to the repository root (`%SRCROOT%`) with a start line, and
/// `partialFingerprints` from (rule, source, release, mode) so an alert stays one alert across runs.
public final class SARIFWriter: ReportWriter {
    /// GitHub code scanning rejects runs with more results.
    public static let maxResults = 25_000
    /// Where a preset's results point without `--sarif-preset-file`: line N is the N-th preset in
    /// `memmap-check presets` order.
    public static let defaultPresetFile = ".github/memmap-check-presets.txt"
    public static let fingerprintKey = "memmapCheckGroup/v1"

    let out: OutputStream
    var run = RunInfo(command: .check, policy: .error)
    private var groups: [ReportGroup] = []
    private var presetLines: [String]?

    public init(out: OutputStream) { self.out = out }

    public func begin(_ run: RunInfo) {
        self.run = run
        if let f = run.presetFile, let text = try? String(contentsOfFile: Self.absolute(f, root: root), encoding: .utf8) {
            presetLines = text.components(separatedBy: "\n")
        }
    }

    public func add(_ r: CheckResult) { ReportGroup.groups(r, command: Self.checkCommand(r)).forEach(add) }

    public func add(_ g: ReportGroup) { if g.failing { groups.append(g) } }

    /// `memmap-check check …` for a checked configuration.
    static func checkCommand(_ r: CheckResult) -> String {
        "memmap-check " + CommandLine.arguments.dropFirst().filter { !$0.hasPrefix("--format") && $0 != "sarif" }.joined(separator: " ")
    }

    var root: String { run.sarifRoot ?? FileManager.default.currentDirectoryPath }

    static func absolute(_ path: String, root: String) -> String {
        path.hasPrefix("/") ? path : PathName.join(FileManager.default.currentDirectoryPath, path)
    }

    /// `path` relative to `root` (with `..` steps when it lies outside).
    public static func relative(_ path: String, root: String) -> String {
        let cwd = FileManager.default.currentDirectoryPath
        func parts(_ p: String) -> [String] {
            PathName.components(standardizing: p.hasPrefix("/") ? p : PathName.join(cwd, p))
        }
        let a = parts(path), r = parts(root)
        var i = 0
        while i < a.count && i < r.count && a[i] == r[i] { i += 1 }
        return (Array(repeating: "..", count: r.count - i) + a[i...]).joined(separator: "/")
    }

    /// The location of a group: the .config file (as given, relative to the root; never the mode, which is
    /// in the message, properties and fingerprint) at the line that decides it, or the preset's line in
    /// the preset file.
    func location(_ g: ReportGroup) -> (uri: String, line: Int) {
        if g.isKconfig { return (Self.relative(g.file ?? g.source, root: root), g.line ?? 1) }
        if let f = run.presetFile {
            let line = presetLines?.firstIndex { $0.contains(g.source) }.map { $0 + 1 } ?? 1
            return (Self.relative(f, root: root), line)
        }
        return (Self.defaultPresetFile, (Preset.all.firstIndex { $0.name == g.source } ?? 0) + 1)
    }

    static func level(_ s: Severity) -> String {
        switch s {
        case .error: return "error"
        case .warning: return "warning"
        case .info: return "note"
        }
    }

    /// tool.driver: one rule per rule id, with its help text.
    static var driver: JSON {
        let rules: [JSON] = RuleID.allCases.map { r in
            .object([
                ("id", .string(r.rawValue)),
                ("name", .string(r.rawValue)),
                ("shortDescription", .object([("text", .string(Explain.title(r)))])),
                ("fullDescription", .object([("text", .string(r.summary))])),
                ("help", .object([("text", .string(r.summary + " Kernel code: " + Explain.mirrors(r).joined(separator: "; ") + ". Run `memmap-check explain \(r.rawValue)` for the arithmetic."))])),
                ("defaultConfiguration", .object([("level", .string(level(r.severity)))])),
            ])
        } + LayoutRuleID.allCases.map { r in
            .object([
                ("id", .string(r.rawValue)),
                ("name", .string(r.rawValue)),
                ("shortDescription", .object([("text", .string(r.rawValue))])),
                ("defaultConfiguration", .object([("level", .string(level(r.severity)))])),
            ])
        } + [.object([
            ("id", .string(Checker.releaseRule.rawValue)),
            ("name", .string(Checker.releaseRule.rawValue)),
            ("shortDescription", .object([("text", .string("a kernel release newer than the newest modelled: checked with the newest formulas"))])),
            ("defaultConfiguration", .object([("level", .string(level(.warning)))])),
        ])]
        return .object([
            ("name", .string("memmap-check")),
            ("version", .string(ToolVersion.current)),
            ("semanticVersion", .string(ToolVersion.current)),
            ("informationUri", .string("https://docs.kernel.org/mm/memory-model.html")),
            ("rules", .array(rules)),
        ])
    }

    func result(_ g: ReportGroup) -> JSON {
        let (uri, line) = location(g)
        var text = "\(g.rule) fails in \(g.count) combination(s) of \(g.source) under kernel \(g.kernel)\(g.mode.isEmpty ? "" : ", \(g.mode)")"
        if let s = g.smallest { text += ". Smallest: \(s)" }
        if let m = g.message { text += ": \(m)" }
        if let f = g.fix { text += " Fix: \(f)" }
        if let c = g.command { text += " Reproduce: \(c)" }
        let ids = RuleID.allCases.map(\.rawValue) + LayoutRuleID.allCases.map(\.rawValue) + [Checker.releaseRule.rawValue]
        let ruleIndex = ids.firstIndex(of: g.rule.rawValue) ?? 0
        return .object([
            ("ruleId", .string(g.rule.rawValue)),
            ("ruleIndex", .uint(UInt64(ruleIndex))),
            ("level", .string(Self.level(g.severity))),
            ("message", .object([("text", .string(text))])),
            ("locations", .array([.object([("physicalLocation", .object([
                ("artifactLocation", .object([("uri", .string(uri)), ("uriBaseId", .string("%SRCROOT%"))])),
                ("region", .object([("startLine", .uint(UInt64(max(line, 1))))])),
            ]))])])),
            ("partialFingerprints", .object([(Self.fingerprintKey, .string(g.fingerprint))])),
            ("properties", .object([
                ("count", .uint(g.count)), ("source", .string(g.source)), ("kernel", .string(g.kernel)), ("mode", .string(g.mode)),
                ("smallest", g.smallest.map { .string($0) } ?? .null),
                ("check_command", g.command.map { .string($0) } ?? .null),
            ])),
        ])
    }

    /// The groups kept: all of them, or the `maxResults` most severe and largest.
    public static func kept(_ groups: [ReportGroup]) -> [ReportGroup] {
        guard groups.count > maxResults else { return groups }
        let order = groups.indices.sorted { a, b in
            let (x, y) = (groups[a], groups[b])
            if x.severity != y.severity { return x.severity > y.severity }
            if x.count != y.count { return x.count > y.count }
            return a < b
        }
        return order.prefix(maxResults).sorted().map { groups[$0] }
    }

    public func end(_ summary: SweepReport?) {
        let kept = Self.kept(groups)
        var notes: [JSON] = []
        if kept.count < groups.count {
            let dropped = groups.count - kept.count
            let n = groups.reduce(UInt64(0)) { $0 + $1.count } - kept.reduce(UInt64(0)) { $0 + $1.count }
            notes.append(.object([
                ("level", .string("warning")),
                ("message", .object([("text", .string("\(groups.count) failing groups, more than the \(Self.maxResults) results GitHub code scanning accepts: kept the \(Self.maxResults) most severe and largest; \(dropped) groups (\(n) failing combinations) are not listed (--format json lists every group)"))])),
            ]))
        }
        var invocation: [(String, JSON)] = [("executionSuccessful", .bool(true))]
        if !notes.isEmpty { invocation.append(("toolExecutionNotifications", .array(notes))) }
        if !run.arguments.isEmpty { invocation.append(("arguments", .array(run.arguments.map { .string($0) }))) }
        let rootURI = URL(fileURLWithPath: Self.absolute(root, root: root), isDirectory: true).absoluteString
        out.write("{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":")
        out.write(Self.driver)
        out.write("},\"originalUriBaseIds\":")
        out.write(JSON.object([("%SRCROOT%", .object([("uri", .string(rootURI))]))]))
        out.write(",\"invocations\":")
        out.write(JSON.array([.object(invocation)]))
        out.write(",\"results\":[")
        for (i, g) in kept.enumerated() {
            out.write(i == 0 ? "\n" : ",\n")
            out.write(result(g))
        }
        out.line("\n]}]}")
        out.flush()
    }
}

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// GitHub Actions workflow commands (`::error file=…,line=…::message`), one per failing group at or
/// above `--fail-on`, at most `maxErrors` errors (GitHub shows no more per step): the rest are counted
/// in one notice. Written to stdout with text output and to stderr with a machine format.
public final class GitHubWriter: ReportWriter {
    public static let maxErrors = 10
    /// True when running under GitHub Actions (`GITHUB_ACTIONS=true`).
    public static var enabled: Bool { ProcessInfo.processInfo.environment["GITHUB_ACTIONS"] == "true" }

    let out: OutputStream
    var run = RunInfo(command: .check, policy: .error)
    private var groups: [ReportGroup] = []

    public init(out: OutputStream) { self.out = out }

    public func begin(_ run: RunInfo) { self.run = run }

    public func add(_ r: CheckResult) { ReportGroup.groups(r, command: nil).forEach(add) }

    public func add(_ g: ReportGroup) { if g.failing && run.policy.counts(g.severity) { groups.append(g) } }

    public func end(_ summary: SweepReport?) {
        var errors = 0, left = 0
        for g in groups {
            if g.severity == .error {
                guard errors < Self.maxErrors else { left += 1; continue }
                errors += 1
            }
            let msg = "\(g.count) combination(s) of \(g.source) fail under kernel \(g.kernel)\(g.mode.isEmpty ? "" : ", \(g.mode)")"
                + (g.smallest.map { "; smallest: \($0)" } ?? "") + (g.message.map { ": \($0)" } ?? "")
                + (g.command.map { "; reproduce: \($0)" } ?? "")
            out.line(Self.line(severity: g.severity, title: "memmap-check \(g.rule)", message: msg,
                               file: g.isKconfig ? g.locationFile : nil, line: g.isKconfig ? g.line : nil))
        }
        if left > 0 {
            out.line(Self.line(severity: .info, title: "memmap-check", message: "\(left) more failing group(s) not annotated (at most \(Self.maxErrors) errors); see the report", file: nil, line: nil))
        }
        out.flush()
    }

    public static func line(severity: Severity, title: String, message: String, file: String?, line: Int?) -> String {
        let cmd = severity == .error ? "error" : (severity == .warning ? "warning" : "notice")
        var props = ["title=\(escapeProperty(title))"]
        if let file { props.insert("file=\(escapeProperty(file))", at: 0) }
        if let line { props.insert("line=\(line)", at: file == nil ? 0 : 1) }
        return "::\(cmd) \(props.joined(separator: ","))::\(escapeData(message))"
    }

    static func escapeData(_ s: String) -> String {
        s.replacingAll("%", with: "%25").replacingAll("\r", with: "%0D")
            .replacingAll("\n", with: "%0A")
    }

    static func escapeProperty(_ s: String) -> String {
        escapeData(s).replacingAll(":", with: "%3A").replacingAll(",", with: "%2C")
    }
}

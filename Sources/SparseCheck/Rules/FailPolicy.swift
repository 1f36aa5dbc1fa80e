/// `--fail-on`: the one value that decides which failing rules make a report fail (and the exit code
/// 1). Every writer and the sweep engine take it; a report's verdict (`result: FAIL`, JSON `status`)
/// and the exit code both come from `verdict(_:)`, so they cannot disagree.
public struct FailPolicy: Sendable, Equatable, CustomStringConvertible {
    /// The lowest severity that fails the run; nil: nothing does (`--fail-on never`).
    public var threshold: Severity?

    public init(_ threshold: Severity?) { self.threshold = threshold }

    public static let error = FailPolicy(.error)
    public static let warning = FailPolicy(.warning)
    public static let info = FailPolicy(.info)
    public static let never = FailPolicy(nil)

    /// Parses `error`, `warning`, `info` or `never`.
    public init?(name: String) {
        switch name {
        case "never": self.init(nil)
        default:
            guard let s = Severity(rawValue: name) else { return nil }
            self.init(s)
        }
    }

    /// `error`, `warning`, `info` or `never`, as `--fail-on` spells it.
    public var description: String { threshold?.rawValue ?? "never" }

    /// True when a failing rule of this severity fails the run.
    @inline(__always)
    public func counts(_ severity: Severity) -> Bool {
        guard let threshold else { return false }
        return severity >= threshold
    }

    /// True when `f` fails and its severity fails the run.
    public func counts(_ f: Finding) -> Bool { f.status == .fail && counts(f.severity) }

    /// The verdict on one result.
    public func verdict(_ r: CheckResult) -> Verdict { verdict(r.findings) }

    public func verdict(_ findings: [Finding]) -> Verdict {
        if findings.contains(where: counts) { return .fail }
        return findings.contains { $0.status == .fail } ? .belowThreshold : .pass
    }
}

/// What a report says about one configuration (or a whole run) under a `FailPolicy`.
public enum Verdict: String, Sendable {
    /// No rule fails.
    case pass
    /// A rule fails at or above the threshold: the run fails (exit 1).
    case fail
    /// Rules fail, but all below the threshold: the run passes (exit 0) and says so.
    case belowThreshold = "pass-below-threshold"

    /// The JSON `status`: `fail` only when the exit code is 1.
    public var status: String { self == .fail ? "fail" : "pass" }

    /// The text verdict line's word.
    public var word: String { self == .fail ? "FAIL" : "pass" }

    public var failsRun: Bool { self == .fail }
}

/// Bad input: an option, file or value that is not what was expected. The CLI prints
/// `description` as one line and exits 2.
public struct InputError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What was wrong: an option with its value (`--page-size 3000`), or a file and line.
    public let input: String
    /// What was expected instead.
    public let expected: String

    public init(_ input: String, expected: String) {
        self.input = input
        self.expected = expected
    }

    public var description: String { "\(input): expected \(expected)" }
}

/// The environment cannot answer (a missing source, no permission): exit 3.
public struct EnvironmentError: Error, CustomStringConvertible, Equatable, Sendable {
    public let source: String
    public let problem: String

    public init(_ source: String, problem: String) {
        self.source = source
        self.problem = problem
    }

    public var description: String { "\(source): \(problem)" }
}

/// The tool's exit codes (README "Exit codes").
public enum ExitStatus: Int32, Sendable {
    /// No failing check of the severity that fails (default: error).
    case ok = 0
    /// At least one failing check of severity error.
    case failed = 1
    /// Bad input or usage.
    case badInput = 2
    /// The environment cannot answer.
    case environment = 3
}

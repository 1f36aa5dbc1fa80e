import ArgumentParser
import Foundation
import SparseCheck

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check one configuration: a preset plus overrides.",
        discussion: "Exit 0 when no error-severity rule fails, 1 when one does, 2 for bad input.")

    @OptionGroup var options: ConfigOptions

    @Option(name: .long, help: "Output format: text or json.")
    var format: OutputFormat = .text

    func validate() throws {
        do {
            _ = try options.makeConfig()
        } catch let e as InputError {
            throw e // reported as one line, exit 2, by MemmapCheck.runMapped
        }
    }

    func run() throws {
        let result = try Checker.check(options.makeConfig())
        switch format {
        case .json: print(Report.document([result]).serialized(indent: 2))
        case .text: print(Report.text(result))
        }
        if result.status() == .fail { throw ExitCode(ExitStatus.failed.rawValue) }
    }
}

import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import SparseCheck

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain a rule: what it protects, the kernel code it mirrors, and a configuration's arithmetic step by step.")

    @Argument(help: ArgumentHelp("The rule: \(RuleID.allCases.map(\.rawValue).joined(separator: ", ")), or the host rule \(LayoutRuleID.modelDrift.rawValue).", valueName: "rule"), completion: Complete.rules)
    var ruleName: String

    /// A configuration rule, or nil for the host rule model-drift.
    var rule: RuleID? { RuleID(rawValue: ruleName) }

    @OptionGroup var options: ConfigOptions

    @Option(name: .customLong(OptionName.kconfig.long), help: ArgumentHelp("Explain for the configuration of a kernel .config (plain or gzip).", valueName: "file"), completion: .file())
    var kconfig: String?

    func validate() throws {
        if rule == nil && ruleName != LayoutRuleID.modelDrift.rawValue {
            throw InputError("explain \(ruleName)", expected: "one of \((RuleID.allCases.map(\.rawValue) + [LayoutRuleID.modelDrift.rawValue]).joined(separator: ", "))")
        }
        try options.validate(kconfig: kconfig)
    }

    func run() throws {
        guard let rule else {
            print(ModelDrift.about())
            return
        }
        switch try options.configuration(kconfig: kconfig) {
        case let .config(c):
            print(Explain.text(rule, try Checker.check(c)))
        case let .notApplicable(path, arch, reason):
            print(Explain.about(rule))
            print("\n\(path): \(arch): no rule applies: \(reason)")
        }
    }
}

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// A Linux kernel release as written by `uname -r`, a `.config` header or a user: `7.2`, `7.2.13`,
/// `7.2.13+deb14-riscv64`, `6.1.0-56-amd64`, `7.3.0-rc2`. Ordered by its numbers (major, minor, patch);
/// `seen` keeps the exact text it was read from.
public struct KernelRelease: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let major: Int
    public let minor: Int
    /// The third number (the stable release), nil when the text had only two.
    public let patch: Int?
    /// The text exactly as it was read ("7.2.13+deb14-riscv64").
    public let seen: String

    public init(major: Int, minor: Int, patch: Int? = nil, seen: String? = nil) {
        self.major = major
        self.minor = minor
        self.patch = patch
        self.seen = seen ?? "\(major).\(minor)\(patch.map { ".\($0)" } ?? "")"
    }

    /// Parses a release string: two or three dot-separated numbers, optionally followed by a suffix
    /// starting with `-`, `+`, `~` or `_` (a distribution's build tag, `-rc3`, `+`). Nil otherwise
    /// (`7.x`, `99`, `next`, `v7.2`).
    public init?(_ text: String) {
        let t = text.trimmingSpacesAndNewlines()
        var nums: [Int] = []
        var digits = ""
        var rest = Substring(t)
        while let ch = rest.first {
            if ch.isASCII && ch.isNumber {
                digits.append(ch)
                rest = rest.dropFirst()
            } else if ch == ".", !digits.isEmpty, nums.count < 2 {
                guard let n = Int(digits) else { return nil }
                nums.append(n)
                digits = ""
                rest = rest.dropFirst()
            } else {
                break
            }
        }
        guard !digits.isEmpty, digits.count <= 6, let last = Int(digits) else { return nil }
        nums.append(last)
        guard nums.count >= 2, nums[0] >= 2, nums[0] <= 99, nums[1] <= 999 else { return nil }
        if let ch = rest.first, !"-+~_".contains(ch) { return nil }
        self.init(major: nums[0], minor: nums[1], patch: nums.count > 2 ? nums[2] : nil, seen: t)
    }

    /// The release in the text of `uname -r` (`6.18.0-1-amd64`) or `/proc/version`
    /// (`Linux version 7.2.13+deb14-riscv64 (debian-kernel@lists.debian.org) ...`); nil when neither.
    public static func fromKernelText(_ text: String) -> KernelRelease? {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" })
        if words.count >= 3, words[0] == "Linux", words[1] == "version" {
            return KernelRelease(String(words[2]))
        }
        guard let first = words.first else { return nil }
        return KernelRelease(String(first))
    }

    /// The release series, `major.minor` ("7.2").
    public var series: KernelRelease { KernelRelease(major: major, minor: minor) }

    public var description: String { seen }

    public static func == (a: KernelRelease, b: KernelRelease) -> Bool {
        (a.major, a.minor, a.patch ?? 0) == (b.major, b.minor, b.patch ?? 0)
    }

    public func hash(into h: inout Hasher) {
        h.combine(major)
        h.combine(minor)
        h.combine(patch ?? 0)
    }

    public static func < (a: KernelRelease, b: KernelRelease) -> Bool {
        (a.major, a.minor, a.patch ?? 0) < (b.major, b.minor, b.patch ?? 0)
    }
}

/// Which kernel's formulas a configuration is judged with: a release (its own series' entry of
/// `FormulaTable`, or the newest entry for a newer release), or `proposed` (the newest release's formulas
/// plus changes no release has).
public struct KernelTarget: Hashable, Sendable, CustomStringConvertible {
    /// The release as seen (`.config` header, `uname -r`, `--kernel`), or the table's newest when none was.
    public var release: KernelRelease
    /// True when `release` was given (by a .config, a host or the user) rather than defaulted.
    public var given: Bool
    /// `--kernel proposed`: the newest formulas plus the proposed changes (FormulaTable.proposed).
    public var proposed: Bool

    public init(release: KernelRelease, given: Bool = true, proposed: Bool = false) {
        self.release = release
        self.given = given
        self.proposed = proposed
    }

    /// No release known: the newest modelled release's formulas.
    public static var newest: KernelTarget { KernelTarget(release: FormulaTable.newestRelease, given: false) }
    public static var proposedChanges: KernelTarget {
        KernelTarget(release: FormulaTable.newestRelease, given: false, proposed: true)
    }

    /// The forms in force.
    public var formulas: KernelFormulas {
        proposed ? FormulaTable.proposedFormulas : FormulaTable.formulas(for: release)
    }

    /// The release the formulas are for: the release's series ("7.2" for 7.2.13+deb14), the newest
    /// modelled series for a newer release, or "proposed".
    public var label: String {
        if proposed { return "proposed" }
        let s = release.series
        return (s > FormulaTable.newestRelease ? FormulaTable.newestRelease : s).seen
    }

    /// True when the release is newer than the newest the table models (its formulas are assumed).
    public var beyondTable: Bool { !proposed && release.series > FormulaTable.newestRelease }

    /// The exact release seen, when one was given.
    public var releaseSeen: String? { given && !proposed ? release.seen : nil }

    /// The word that selects this target on a command line (`--kernel WORD`).
    public var argument: String { proposed ? "proposed" : release.seen }

    public var description: String { label }

    /// True when compound_info can carry the mask (the series is in).
    public var hasMaskEncoding: Bool { formulas.mask != .none }
    /// The section_mem_map encoding's build-time bound is the 2026 form (proposed only).
    public var encodeBoundIs2026: Bool { formulas.encodeBound == .muchun2026 }

    /// The accepted forms of `--kernel`, for error messages.
    public static let acceptedForms = "a kernel release such as 7.2, 7.2.13, 7.2.13+deb14-riscv64, 6.12 or 6.1.0-56-amd64, or 'proposed' (the newest release's formulas plus changes no release has)"

    /// Parses a `--kernel` value; `option` names it in the error.
    public static func parse(_ text: String, option: String = OptionName.kernel.flag) throws -> KernelTarget {
        let t = text.trimmingSpaces()
        if t.lowercased() == "proposed" { return .proposedChanges }
        if t.lowercased() == "next" {
            throw InputError("\(option) next", expected: "\(acceptedForms); 'next' is gone: use 'proposed' for the not-yet-merged changes or a release such as \(FormulaTable.newestRelease.seen)")
        }
        guard let r = KernelRelease(t) else { throw InputError("\(option) \(text)", expected: acceptedForms) }
        return KernelTarget(release: r)
    }
}

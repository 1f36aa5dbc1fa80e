#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// One numeric sweep axis: a list of values or a `START:END:STEP` range (END excluded). Ranges are
/// never materialised, so an axis of a billion values costs nothing.
public enum SweepAxis: Equatable, Sendable {
    case list([UInt64])
    case range(start: UInt64, end: UInt64, step: UInt64)

    public var count: UInt64 {
        switch self {
        case let .list(v): return UInt64(v.count)
        case let .range(s, e, st): return (e - s - 1) / st + 1 // e > s; never overflows, unlike e - s + st - 1
        }
    }

    @inline(__always)
    public func value(_ i: UInt64) -> UInt64 {
        switch self {
        case let .list(v): return v[Int(i)]
        case let .range(s, _, st): return s + i * st
        }
    }

    /// Parses `a,b,c` (sorted, duplicates dropped) or `START:END:STEP`; `parse` reads one value.
    public static func parse(_ text: String, option: String, allowRange: Bool = true,
                             _ parse: (String) throws -> UInt64) throws -> SweepAxis {
        let t = text.trimmingSpaces()
        if t.contains(":") {
            let parts = t.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard allowRange else {
                throw InputError("\(option) \(text)", expected: "a comma-separated list (this axis takes no START:END:STEP range)")
            }
            guard parts.count == 3 else {
                throw InputError("\(option) \(text)", expected: "START:END:STEP (END excluded), e.g. 0:64G:2M, or a comma-separated list")
            }
            let s = try parse(parts[0]), e = try parse(parts[1]), st = try parse(parts[2])
            guard st > 0 else { throw InputError("\(option) \(text)", expected: "a STEP above 0 in START:END:STEP") }
            guard s < e else { throw InputError("\(option) \(text)", expected: "START below END in START:END:STEP (END is excluded; this range is empty)") }
            return .range(start: s, end: e, step: st)
        }
        let items = t.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingSpaces()
        }
        guard !items.contains(where: \.isEmpty) else {
            throw InputError("\(option) \(text)", expected: "a comma-separated list of values without empty items, or START:END:STEP")
        }
        let values = try items.map(parse)
        return .list(Array(Set(values)).sorted())
    }
}

/// Parsing and printing of the numbers users type: sizes (`4K`, `64G`, `2M`, bytes), addresses (hex,
/// with or without `0x`, the same in every command), and small integers. Every failure is an `InputError` naming the option and what was expected.
public enum Units {
    /// A size: decimal bytes, `0x` hex, or a number with a binary suffix K/M/G/T/P/E (KiB/MiB/... and
    /// KB/MB/... are read as powers of 1024 too). Rejects anything that does not fit 64 bits.
    public static func parseSize(_ text: String, option: String) throws -> UInt64 {
        let expected = "a size in bytes, hex (0x...) or with a K/M/G/T/P/E suffix, below 2^64"
        let t = text.trimmingSpaces()
        guard !t.isEmpty else { throw InputError("\(option) ''", expected: expected) }
        if t.lowercased().hasPrefix("0x") {
            guard let v = UInt64(t.dropFirst(2), radix: 16) else {
                throw InputError("\(option) \(text)", expected: expected)
            }
            return v
        }
        var digits = Substring(t)
        var shift: UInt64 = 0
        let suffixes: [(String, UInt64)] = [
            ("kib", 10), ("mib", 20), ("gib", 30), ("tib", 40), ("pib", 50), ("eib", 60),
            ("kb", 10), ("mb", 20), ("gb", 30), ("tb", 40), ("pb", 50), ("eb", 60),
            ("k", 10), ("m", 20), ("g", 30), ("t", 40), ("p", 50), ("e", 60), ("b", 0),
        ]
        let lower = t.lowercased()
        for (s, sh) in suffixes where lower.hasSuffix(s) {
            digits = t.dropLast(s.count)
            shift = sh
            break
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let n = UInt64(digits) else {
            throw InputError("\(option) \(text)", expected: expected)
        }
        let (v, overflow) = n.multipliedReportingOverflow(by: UInt64(1) << shift)
        guard !overflow else { throw InputError("\(option) \(text)", expected: expected) }
        return v
    }

    /// An address — every address option and address axis (`--vmemmap-base`, `--dram-base`,
    /// `--vmemmap-bases`, `--dram-bases`) reads its value here, so the same digits are the same address
    /// everywhere: hexadecimal with or without `0x` (`1000` is 0x1000; `_` may group digits), at most
    /// 64 bits; or, for round physical addresses, a decimal number with a K/M/G/T/P suffix (`2G` is
    /// 0x80000000). Bare digits are always hex, so `B` and `E` are hex digits, never suffixes.
    public static func parseAddress(_ text: String, option: String) throws -> UInt64 {
        let expected = "a hexadecimal address, with or without 0x, such as 0xffffea0000000000 or 80000000 (at most 16 hex digits), or a size with a K/M/G/T/P suffix such as 2G"
        let trimmed = text.trimmingSpaces()
        var t = Substring(trimmed)
        let prefixed = t.lowercased().hasPrefix("0x")
        if prefixed { t = t.dropFirst(2) }
        let digits = t.filter { $0 != "_" }
        if !digits.isEmpty, digits.count <= 16, digits.allSatisfy(\.isHexDigit), let v = UInt64(digits, radix: 16) {
            return v
        }
        if !prefixed, let v = suffixedAddress(trimmed) { return v }
        throw InputError("\(option) \(text)", expected: expected)
    }

    /// `2G`, `64GiB`, `512M`: a decimal count times a binary K/M/G/T/P unit, or nil (also on overflow).
    private static func suffixedAddress(_ t: String) -> UInt64? {
        let units: [(String, UInt64)] = [
            ("kib", 10), ("mib", 20), ("gib", 30), ("tib", 40), ("pib", 50),
            ("kb", 10), ("mb", 20), ("gb", 30), ("tb", 40), ("pb", 50),
            ("k", 10), ("m", 20), ("g", 30), ("t", 40), ("p", 50),
        ]
        let lower = t.lowercased()
        guard let (unit, shift) = units.first(where: { lower.hasSuffix($0.0) }) else { return nil }
        let count = t.dropLast(unit.count)
        guard !count.isEmpty, count.allSatisfy({ $0.isASCII && $0.isNumber }), let n = UInt64(count) else { return nil }
        let (v, overflow) = n.multipliedReportingOverflow(by: UInt64(1) << shift)
        return overflow ? nil : v
    }

    /// A decimal integer in `range`.
    public static func parseInt(_ text: String, option: String, range: ClosedRange<Int>, what: String) throws -> Int {
        guard let v = Int(text.trimmingSpaces()), range.contains(v) else {
            throw InputError("\(option) \(text)", expected: "\(what), an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return v
    }

    /// A page size: `4K`, `16K`, `64K`, or a byte count; a power of two from 1 KiB to 2 MiB. Returns PAGE_SHIFT.
    public static func parsePageSize(_ text: String, option: String = OptionName.pageSize.flag) throws -> UInt32 {
        let expected = "a power of two from 1K to 2M, such as 4K, 16K or 64K (or the size in bytes)"
        guard let bytes = try? parseSize(text, option: option), bytes.nonzeroBitCount == 1,
              bytes >= 1024, bytes <= 2 << 20 else {
            throw InputError("\(option) \(text)", expected: expected)
        }
        return UInt32(bytes.trailingZeroBitCount)
    }

    /// `4 KiB`, `256 MiB`, `16 GiB`, `2^64`: the largest binary unit that divides the value exactly, else bytes.
    public static func human(_ value: UInt64) -> String {
        if value == 0 { return "0 B" }
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var v = value
        var i = 0
        while i < units.count - 1, v % 1024 == 0 {
            v /= 1024
            i += 1
        }
        return "\(v) \(units[i])"
    }

    /// A power-of-two alignment for messages; 0 means the address is 0 (aligned to everything).
    public static func alignment(_ value: UInt64) -> String {
        value == 0 ? "every power of two (address 0)" : human(value)
    }
}

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

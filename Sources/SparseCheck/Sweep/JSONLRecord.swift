#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// The JSONL record (docs/json-schema.md, schema memmap-check/3): `{"i":…,"source":…,"kernel":…,"mode":…,
/// "page_size":…,"section_bits":…,"struct_page":…,"folio_order":…,"hvo":…,"dram_base":…,"vmemmap":…,
/// "align":…,"status":…,"folio-vmemmap-align":…,"folio-vmemmap-align-v2":…,"section-map-encoding":…}`:
/// each rule's verdict under its own name (`ruleKeys`, in `RuleID` order), a string `"pass"`, `"skip"` or
/// `"fail SIZE"` with the alignment the rule requires (`256M`: bytes with an exact K/M/G/T/P/E binary
/// suffix, as `--dram-base` reads sizes), so a table reader (DuckDB `read_json_auto`, pandas) gets one
/// text column per rule. `align` is the actual alignment of `vmemmap`, which every rule judges.
/// Formatted on bytes: the part a cell shares is made once (`cellPrefix`), the rest per combination.
public enum JSONLRecord {
    /// The longest source name kept whole; longer ones keep their last bytes after `...`.
    public static let maxSource = 32

    /// `,"source":…,"kernel":…,"mode":…,"page_size":…,"section_bits":…,"struct_page":…,"folio_order":…,"hvo":…`
    public static func cellPrefix(source: String, config c: SparseConfig, mode: String = "", maxFolioOrder: UInt32) -> [UInt8] {
        var src = Array(source.utf8)
        if src.count > maxSource {
            src = Array("...".utf8) + src.suffix(maxSource - 3)
            while let f = src.dropFirst(3).first, f & 0xC0 == 0x80 { src.remove(at: 3) } // not inside a UTF-8 sequence
        }
        var b: [UInt8] = []
        JSON.string(String(decoding: src, as: UTF8.self)).write(to: &b)
        var s = Array(",\"source\":".utf8) + b
        s += Array(",\"kernel\":\"\(c.kernel.label)\",\"mode\":".utf8)
        var m: [UInt8] = []
        JSON.string(mode).write(to: &m)
        s += m
        s += Array(",\"page_size\":\(c.pageSize),\"section_bits\":\(c.sectionSizeBits),\"struct_page\":\(c.structPageSize),\"folio_order\":\(maxFolioOrder),\"hvo\":\(c.hvo)".utf8)
        return s
    }

    /// Appends one record. `dram` is nil when the base does not depend on the DRAM start; `required`
    /// holds each rule's required alignment; `actual` the largest power of two dividing `vmemmap` (0: none).
    /// Written through a raw cursor: constant pieces are `StaticString`s, numbers are formatted in place.
    @inline(__always)
    public static func append(to b: ByteBuffer, index: UInt64, prefix: UnsafeRawBufferPointer, dram: UInt64?, vmemmap: UInt64,
                              statuses: (Status, Status, Status), required: (UInt64, UInt64, UInt64), actual: UInt64,
                              fails: Bool) {
        b.withCursor(reserving: prefix.count + 400) { p in
            put(&p, "{\"i\":")
            putDecimal(&p, index)
            if prefix.count > 0 {
                p.update(from: prefix.baseAddress!.assumingMemoryBound(to: UInt8.self), count: prefix.count)
                p += prefix.count
            }
            put(&p, ",\"dram_base\":")
            if let dram { putHexString(&p, dram) } else { put(&p, "null") }
            put(&p, ",\"vmemmap\":")
            putHexString(&p, vmemmap)
            put(&p, ",\"align\":")
            putDecimal(&p, actual)
            if fails { put(&p, ",\"status\":\"fail\"") } else { put(&p, ",\"status\":\"pass\"") }
            put(&p, ",\"folio-vmemmap-align\":")
            rule(&p, statuses.0, required.0)
            put(&p, ",\"folio-vmemmap-align-v2\":")
            rule(&p, statuses.1, required.1)
            put(&p, ",\"section-map-encoding\":")
            rule(&p, statuses.2, required.2)
            put(&p, "}\n")
        }
    }

    /// The keys the rules' verdicts are written under, in `RuleID` order (the record spells them out as
    /// constants; a test holds them to `RuleID`).
    public static let ruleKeys = ["folio-vmemmap-align", "folio-vmemmap-align-v2", "section-map-encoding"]

    @inline(__always)
    static func rule(_ p: inout UnsafeMutablePointer<UInt8>, _ s: Status, _ required: UInt64) {
        switch s {
        case .pass: put(&p, "\"pass\"")
        case .skip: put(&p, "\"skip\"")
        case .fail:
            put(&p, "\"fail ")
            putSize(&p, required)
            p.pointee = UInt8(ascii: "\""); p += 1
        }
    }

    static let sizeSuffixes: StaticString = "KMGTPE"

    /// A size in bytes with the largest binary suffix that divides it exactly (K, M, G, T, P, E), as
    /// `Units.parseSize` reads it back: 268435456 is `256M`, 64 is `64`, 306783378 stays in bytes.
    @inline(__always)
    static func putSize(_ p: inout UnsafeMutablePointer<UInt8>, _ v: UInt64) {
        var x = v, unit = 0
        while unit < 6, x != 0, x & 1023 == 0 { x >>= 10; unit += 1 }
        putDecimal(&p, x)
        if unit > 0 {
            p.pointee = sizeSuffixes.utf8Start[unit - 1]
            p += 1
        }
    }

    @inline(__always)
    static func put(_ p: inout UnsafeMutablePointer<UInt8>, _ s: StaticString) {
        let n = s.utf8CodeUnitCount
        p.update(from: s.utf8Start, count: n)
        p += n
    }

    /// A decimal number, formatted in place.
    @inline(__always)
    static func putDecimal(_ p: inout UnsafeMutablePointer<UInt8>, _ v: UInt64) {
        var n = 1, x = v
        while x >= 10 { x /= 10; n += 1 }
        var y = v, i = n
        repeat {
            i -= 1
            p[i] = UInt8(truncatingIfNeeded: 48 &+ y % 10)
            y /= 10
        } while y != 0
        p += n
    }

    /// `"0x…"` with lower-case hex digits, formatted in place.
    @inline(__always)
    static func putHexString(_ p: inout UnsafeMutablePointer<UInt8>, _ v: UInt64) {
        p[0] = 0x22; p[1] = 0x30; p[2] = 0x78
        p += 3
        let digits = v == 0 ? 1 : (67 - v.leadingZeroBitCount) / 4
        var x = v
        var i = digits
        repeat {
            i -= 1
            let d = UInt8(truncatingIfNeeded: x & 15)
            p[i] = d < 10 ? 48 &+ d : 87 &+ d
            x >>= 4
        } while i > 0
        p[digits] = 0x22
        p += digits + 1
    }

    /// One checked result as a record (the same bytes the sweep's fast path writes for it).
    public static func append(_ r: CheckResult, index: UInt64, policy: FailPolicy, to b: ByteBuffer) {
        let d = r.derived, c = r.config
        let prefix = cellPrefix(source: c.kconfigPath ?? c.preset, config: c, maxFolioOrder: d.maxFolioOrder)
        func status(_ id: RuleID) -> Status { r.findings.first { $0.rule == .config(id) }?.status ?? .skip }
        prefix.withUnsafeBytes { p in
            append(to: b, index: index, prefix: p, dram: c.baseDependsOnDRAM && c.vmemmapBaseOverride == nil ? c.dramBase : nil,
                   vmemmap: d.vmemmap, statuses: (status(.folioVmemmapAlign), status(.folioVmemmapAlignV2), status(.sectionMapEncoding)),
                   required: (d.maxFolioVmemmapAlign, d.v2Demand, d.sectionMapRequired), actual: d.actualAlignment,
                   fails: policy.verdict(r) == .fail)
        }
    }
}

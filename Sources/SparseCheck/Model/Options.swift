/// Every command-line option the tool names: the one table of option names. The CLI declares its
/// options with `.customLong(OptionName.x.long)` and the library names them in messages with
/// `OptionName.x.flag` (`--dram-base`), so a renamed option changes in one place.
public enum OptionName: String, CaseIterable, Sendable, CustomStringConvertible {
    case preset, presets, kernel
    case pagingMode = "paging-mode"
    case pageSize = "page-size", pageSizes = "page-sizes"
    case sectionBits = "section-bits"
    case physmemBits = "physmem-bits"
    case structPageSize = "struct-page-size", structPageSizes = "struct-page-sizes"
    case maxPageOrder = "max-page-order"
    case maxFolioOrder = "max-folio-order", maxFolioOrders = "max-folio-orders"
    case vmemmapBase = "vmemmap-base", vmemmapBases = "vmemmap-bases"
    case dramBase = "dram-base", dramBases = "dram-bases"
    case hvo, vmemmap, kaslr
    case zoneDevice = "zone-device"
    case kconfig, root, format, jobs, shard, summary, list
    case failOn = "fail-on"
    case quiet, explain, output
    case mapsDir = "maps-dir"
    case sarifRoot = "sarif-root", sarifPresetFile = "sarif-preset-file"
    case previewKernel = "preview-kernel", noPreview = "no-preview"

    /// The long name without dashes, for argument-parser's `.customLong`.
    public var long: String { rawValue }
    /// The option as typed: `--dram-base`.
    public var flag: String { "--" + rawValue }
    /// The negated form of a flag: `--no-hvo`.
    public var negated: String { "--no-" + rawValue }
    public var description: String { flag }
}

/// One parser per kind of value, for argument-parser's `@Option(transform:)` and for the sweep's
/// axes: each returns a closure that turns the typed text into a value or throws an `InputError`
/// naming the option and what was expected.
public enum OptionParser {
    /// An address: hex with or without `0x` (the same digits are the same address in every command),
    /// or a size with a K/M/G/T/P suffix (`Units.parseAddress`).
    public static func address(_ o: OptionName) -> @Sendable (String) throws -> UInt64 {
        { try Units.parseAddress($0, option: o.flag) }
    }

    /// A page size (`4K`, `16K`, `64K` or bytes), returned as PAGE_SHIFT.
    public static func pageShift(_ o: OptionName) -> @Sendable (String) throws -> UInt32 {
        { try Units.parsePageSize($0, option: o.flag) }
    }

    /// A decimal integer in `range`; `what` names the kernel quantity (`SECTION_SIZE_BITS`).
    public static func integer(_ o: OptionName, _ range: ClosedRange<Int>, _ what: String) -> @Sendable (String) throws -> UInt32 {
        { UInt32(try Units.parseInt($0, option: o.flag, range: range, what: what)) }
    }

    /// sizeof(struct page): a size, a multiple of 8 from 8 to 4096.
    public static func structPageSize(_ o: OptionName) -> @Sendable (String) throws -> UInt64 {
        { text in
            let v = try Units.parseSize(text, option: o.flag)
            guard v >= 8, v <= 4096, v % 8 == 0 else {
                throw InputError("\(o.flag) \(text)", expected: "sizeof(struct page) in bytes, a multiple of 8 from 8 to 4096")
            }
            return v
        }
    }

    /// A kernel release whose formulas apply (`KernelTarget.parse`).
    public static func kernel(_ o: OptionName) -> @Sendable (String) throws -> KernelTarget {
        { try KernelTarget.parse($0, option: o.flag) }
    }

    /// A paging mode decided at boot.
    public static func pagingMode(_ o: OptionName) -> @Sendable (String) throws -> PagingMode {
        { text in
            guard let v = PagingMode(rawValue: text.lowercased()) else {
                throw InputError("\(o.flag) \(text)", expected: "a paging mode: \(PagingMode.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return v
        }
    }

    // The values `check`, `explain` and `host` take, each with its range.
    public static let sectionBits = integer(.sectionBits, 0...63, "SECTION_SIZE_BITS")
    public static let physmemBits = integer(.physmemBits, 20...64, "MAX_PHYSMEM_BITS")
    public static let maxPageOrder = integer(.maxPageOrder, 0...63, "MAX_PAGE_ORDER")
    public static let maxFolioOrder = integer(.maxFolioOrder, 0...4096, "MAX_FOLIO_ORDER")
}

extension OptionParser {
    /// A sweep axis: a comma-separated list or START:END:STEP (END excluded) of values `element` reads.
    public static func axis(_ o: OptionName, allowRange: Bool = true,
                            _ element: @escaping @Sendable (String) throws -> UInt64) -> @Sendable (String) throws -> SweepAxis {
        { try SweepAxis.parse($0, option: o.flag, allowRange: allowRange, element) }
    }

    /// `--kernel` of a sweep: `all` (one release per formula change) or a list of releases.
    public static func kernels(_ o: OptionName) -> @Sendable (String) throws -> [KernelTarget] {
        { text in
            if text.lowercased() == "all" { return FormulaTable.rowReleases.map { KernelTarget(release: $0) } }
            let k = try text.split(separator: ",").map { try KernelTarget.parse(String($0), option: o.flag) }
            guard !k.isEmpty else { throw InputError("\(o.flag) ''", expected: "at least one kernel release") }
            return k
        }
    }

    /// A choice among a `RawRepresentable` enum's cases, case-insensitive.
    public static func choice<T: RawRepresentable & CaseIterable>(_ o: OptionName, _ type: T.Type) -> @Sendable (String) throws -> T
    where T.RawValue == String {
        { text in
            guard let v = T(rawValue: text.lowercased()) else {
                throw InputError("\(o.flag) \(text)", expected: T.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return v
        }
    }
}

/// The sweep matrix of the HTML report: counts per source × page size × kernel version. Gathered only
/// when asked (`Sweep.gatherMatrix`, or `Sweep.run(policy:matrix:)`); memory is bounded by the number of cells, not of combinations.
public struct SweepMatrix: Sendable {
    /// A cell's worst outcome, worst first.
    public enum Outcome: String, CaseIterable, Sendable {
        /// A rule fails at or above --fail-on.
        case fail
        /// A rule fails, but below --fail-on.
        case warn
        /// No rule fails.
        case pass
        /// Nothing evaluated (skipped combinations) or every rule skipped.
        case skip
        /// A .config whose architecture has no SPARSEMEM.
        case notApplicable = "not-applicable"
    }

    public struct Key: Hashable, Comparable, Sendable {
        /// Index in `SweepSpec.sources`.
        public var source: Int
        public var pageShift: UInt32
        /// Index in `SweepSpec.kernels`.
        public var kernel: Int

        public static func < (a: Key, b: Key) -> Bool {
            (a.source, a.pageShift, a.kernel) < (b.source, b.pageShift, b.kernel)
        }
    }

    public struct Cell: Equatable, Sendable {
        /// Evaluated combinations with a rule failing at or above --fail-on.
        public var failed: UInt64 = 0
        /// Evaluated combinations with a rule failing below --fail-on only.
        public var warned: UInt64 = 0
        /// Evaluated combinations where no rule fails and at least one passes.
        public var passed: UInt64 = 0
        /// Evaluated combinations where every rule skips.
        public var allRulesSkipped: UInt64 = 0
        /// Combinations not evaluated (invalid, duplicates of an axis that does not apply, overflow).
        public var skipped: UInt64 = 0
        /// The first reason a combination of this cell was skipped.
        public var skipReason: String?

        public init() {}

        public var evaluated: UInt64 { failed + warned + passed + allRulesSkipped }
        public var combinations: UInt64 { evaluated + skipped }

        public var worst: Outcome {
            failed > 0 ? .fail : warned > 0 ? .warn : passed > 0 ? .pass : .skip
        }

        /// Counts one evaluated combination from its three rule statuses.
        @inline(__always)
        mutating func record(_ a: Status, _ b: Status, _ c: Status, failing: Bool) {
            if failing {
                failed += 1
            } else if a == .fail || b == .fail || c == .fail {
                warned += 1
            } else if a == .pass || b == .pass || c == .pass {
                passed += 1
            } else {
                allRulesSkipped += 1
            }
        }

        mutating func add(_ o: Cell) {
            failed += o.failed
            warned += o.warned
            passed += o.passed
            allRulesSkipped += o.allRulesSkipped
            skipped += o.skipped
            if skipReason == nil { skipReason = o.skipReason }
        }
    }

    public private(set) var cells: [Key: Cell] = [:]

    public init() {}

    public subscript(_ key: Key) -> Cell? { cells[key] }

    mutating func add(_ key: Key, _ cell: Cell) {
        guard cell.combinations > 0 else { return }
        cells[key, default: Cell()].add(cell)
    }

    mutating func skip(_ key: Key, _ n: UInt64, _ reason: String) {
        var c = Cell()
        c.skipped = n
        c.skipReason = reason
        add(key, c)
    }

    /// Adds another part of the same sweep (e.g. a shard of it).
    public mutating func merge(_ other: SweepMatrix) {
        for (k, c) in other.cells { add(k, c) }
    }

    /// The page sizes (shifts) with at least one cell, ascending.
    public var pageShifts: [UInt32] { Array(Set(cells.keys.map(\.pageShift))).sorted() }
}

extension Sweep {
    /// The matrix cell of a combination's axis indices; `config` is its cell configuration when valid.
    func matrixKey(_ ix: [UInt64], _ config: SparseConfig?) -> SweepMatrix.Key {
        let shift: UInt32
        if let c = config {
            shift = c.pageShift
        } else {
            switch spec.sources[Int(ix[0])] {
            case let .preset(name): shift = spec.pageShifts?[Int(ix[2])] ?? Preset.named(name)?.pageShift ?? 12
            case let .kconfig(k): shift = k.pageShift
            }
        }
        return SweepMatrix.Key(source: Int(ix[0]), pageShift: shift, kernel: Int(ix[1]))
    }
}

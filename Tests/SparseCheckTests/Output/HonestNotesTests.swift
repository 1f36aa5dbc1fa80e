import Foundation
import Testing
@testable import SparseCheck

/// `assumed` and `notes` come from the effective inputs: after every override and sweep axis, no entry
/// names a value the check did not use.
@Suite("assumed and notes name only values that were used")
struct HonestNotesTests {
    /// Every hex number an `assumed`/`notes` entry names must be one the result used.
    func expectHonest(_ r: CheckResult, _ what: String) {
        let c = r.config
        var used: Set<UInt64> = [r.base.value]
        if let d = c.dramBase, c.baseDependsOnDRAM, c.vmemmapBaseOverride == nil { used.insert(d) }
        if let v = c.vmemmapBaseOverride { used.insert(v) }
        // The base formula's own inputs (e.g. s390's CONFIG_KERNEL_IMAGE_BASE) were used too.
        for m in r.base.formula.matches(of: /0x[0-9a-f]+/) { used.insert(UInt64(m.output.dropFirst(2), radix: 16)!) }
        for entry in c.assumed.map(\.description) + c.notes.map(\.description) {
            for m in entry.matches(of: /0x[0-9a-f]+/) {
                let v = UInt64(m.output.dropFirst(2), radix: 16)!
                #expect(used.contains(v), "\(what): '\(entry)' names \(hex(v)), which this check did not use")
            }
            if entry.hasPrefix("DRAM start") {
                #expect(c.vmemmapBaseOverride == nil && c.baseDependsOnDRAM, "\(what): '\(entry)' but the DRAM start does not place the base")
            }
            if let m = entry.firstMatch(of: /a what-if with ([0-9]+) KiB pages/) {
                #expect(UInt64(m.output.1)! * 1024 == c.pageSize, "\(what): '\(entry)'")
            }
        }
    }

    /// One non-default value per overridable input.
    nonisolated(unsafe) static let overrides: [(String, (inout Overrides) -> Void)] = [
        ("--dram-base 0x80200000", { $0.dramBase = 0x8020_0000 }),
        ("--dram-base 0", { $0.dramBase = 0 }),
        ("--vmemmap-base 0xffffffc500000000", { $0.vmemmapBase = 0xffff_ffc5_0000_0000 }),
        ("--vmemmap-base + --dram-base", { $0.vmemmapBase = 0xffff_ffc5_0000_0000; $0.dramBase = 0x4000_0000 }),
        ("--struct-page-size 56", { $0.structPageSize = 56 }),
        ("--section-bits 29", { $0.sectionBits = 29 }),
        ("--physmem-bits 48", { $0.physmemBits = 48 }),
        ("--max-page-order 12", { $0.maxPageOrder = 12 }),
        ("--max-folio-order 9", { $0.maxFolioOrder = 9 }),
        ("--kernel 6.18", { $0.kernel = .v6_18 }),
        ("--kernel 7.2", { $0.kernel = .v7_2 }),
        ("--kernel proposed", { $0.kernel = .proposedChanges }),
        ("--paging-mode sv39", { $0.pagingMode = .sv39 }),
        ("--hvo", { $0.hvo = true }),
        ("--no-hvo", { $0.hvo = false }),
        ("--kaslr", { $0.kaslr = true }),
        ("--no-zone-device", { $0.zoneDevice = false }),
        ("--page-size 16K", { $0.pageShift = 14 }),
    ]

    @Test("check: presets and .configs with each override", arguments: ["riscv64-sv39", "arm64-4k-va48", "x86_64", "loongarch64-16k", "s390x"])
    func checkOverrides(preset: String) throws {
        for (what, set) in Self.overrides {
            var o = Overrides()
            set(&o)
            if let c = try? SparseConfig.make(preset: preset, overrides: o), let r = try? Checker.check(c) {
                expectHonest(r, "\(preset) \(what)")
            }
            o.pageShift = nil
            for k in ["kconfig/riscv64-6.18-handwritten.config", "kconfig/debian-arm64-arm64-6.1.192.config"] {
                guard case let .config(base) = try KconfigFile.load(path: fixture(k)).derive(),
                      let c = try? base.applying(o), let r = try? Checker.check(c) else { continue }
                expectHonest(r, "\(k) \(what)")
            }
        }
    }

    @Test("the reported case: check --kconfig riscv --dram-base 0x80200000 assumes no DRAM start")
    func kconfigDRAMBase() throws {
        guard case let .config(base) = try KconfigFile.load(path: fixture("kconfig/riscv64-6.18-handwritten.config")).derive() else {
            Issue.record("no config"); return
        }
        #expect(base.assumed.contains { $0.description.hasPrefix("DRAM start 0x80000000") }) // the default, before the override
        var o = Overrides()
        o.dramBase = 0x8020_0000
        let c = try base.applying(o)
        #expect(!c.assumed.contains { $0.description.hasPrefix("DRAM start") })
        #expect(c.dramBase == 0x8020_0000)
    }

    @Test("sweep: every combination of the DRAM and vmemmap axes")
    func sweepAxes() throws {
        guard case let .config(k) = try KconfigFile.load(path: fixture("kconfig/riscv64-6.18-handwritten.config")).derive() else {
            Issue.record("no config"); return
        }
        for axes in [(SweepAxis.list([0, 0x8020_0000]), nil), (.list([0x4000_0000]), SweepAxis.list([0xffff_ffc5_0000_0000]))] as [(SweepAxis, SweepAxis?)] {
            var spec = SweepSpec()
            spec.sources = [.preset("riscv64-sv39"), .preset("arm64-4k-va48"), .preset("x86_64"), .kconfig(k)]
            spec.kernels = [.v6_18, .v7_1, .v7_2]
            spec.structPageSizes = .list([56, 64])
            spec.dramBases = axes.0
            spec.vmemmapBases = axes.1
            let s = try Sweep(spec)
            var n = 0
            _ = try s.run(policy: .error, emit: { i, r in
                expectHonest(r, "sweep combination \(i)")
                n += 1
            })
            #expect(n > 0)
            for i in 0..<s.total { if let c = try? s.config(at: i) { expectHonest(try Checker.check(c), "config(at: \(i))") } }
        }
    }
}

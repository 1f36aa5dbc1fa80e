import Testing
@testable import SparseCheck

func finding(_ r: CheckResult, _ rule: RuleID) -> Finding {
    r.findings.first { $0.rule == .config(rule) }!
}

@Suite("Rules")
struct RuleTests {
    @Test("x86_64: folio-vmemmap-align passes with required 256 MiB at 0xffffea0000000000")
    func x86() throws {
        let r = try Checker.check(SparseConfig.make(preset: "x86_64"))
        let f = finding(r, .folioVmemmapAlign)
        #expect(f.status == .pass && f.required == 268_435_456 && f.address == 0xffff_ea00_0000_0000)
        #expect(f.actualAlignment == 1 << 41)
        #expect(FailPolicy.error.verdict(r).status == "pass")
    }

    @Test("riscv64 sv39, DRAM 0x80000000, 7.1: fails, 32 MiB of 256 MiB, fix names the 16 GiB physical alignment")
    func riscv() throws {
        var o71 = Overrides()
        o71.kernel = .v7_1 // the series as merged (v7 05/18): VMEMMAP_ADDR_ALIGN = max(128 MiB, MFVA 256 MiB)
        let r = try Checker.check(SparseConfig.make(preset: "riscv64-sv39", overrides: o71))
        let f = finding(r, .folioVmemmapAlign)
        #expect(f.status == .fail && f.address == 0xffff_ffc4_fe00_0000)
        #expect(f.actualAlignment == 32 << 20 && f.required == 256 << 20)
        #expect(f.fix?.contains("16 GiB") == true)
        #expect(f.message.contains("up to order 19")) // 32 MiB / 64 = 2^19
        #expect(FailPolicy.error.verdict(r).status == "fail")
        var o = Overrides()
        o.kernel = .v7_2 // arch/riscv/mm/init.c:65-67 (7.2.13): PFN_PHYS(MFVA / 64) = 16 GiB
        #expect(FailPolicy.error.verdict(try Checker.check(SparseConfig.make(preset: "riscv64-sv39", overrides: o))).status == "pass")
        #expect(FailPolicy.error.verdict(try Checker.check(SparseConfig.make(preset: "riscv64-sv39"))).status == "pass") // default: newest
    }

    @Test("arm64 4K VA48, DRAM 1 GiB: merged check skipped (no HVO), the v2 form would have warned")
    func arm64() throws {
        let r = try Checker.check(SparseConfig.make(preset: "arm64-4k-va48"))
        let merged = finding(r, .folioVmemmapAlign)
        #expect(merged.status == .skip && merged.reason?.contains("ARCH_WANT_OPTIMIZE_HUGETLB_VMEMMAP") == true)
        let v2 = finding(r, .folioVmemmapAlignV2)
        #expect(v2.status == .fail && v2.severity == .info && v2.required == 256 << 20)
        #expect(v2.details["agrees_with_merged"] == .bool(false))
        #expect(FailPolicy.error.verdict(r).status == "pass") // info findings do not fail
    }

    @Test("v2 and merged demands are equal exactly when PAGE_SIZE == sizeof(struct page)^2",
          arguments: [UInt32(12), 14, 16], [UInt64(32), 64, 128])
    func v2Identity(pageShift: UInt32, structPage: UInt64) throws {
        var o = Overrides()
        o.pageShift = pageShift
        o.structPageSize = structPage
        o.vmemmapBase = 0
        let r = try Checker.check(SparseConfig.make(preset: "x86_64", overrides: o))
        let equal = r.derived.v2Demand == r.derived.maxFolioVmemmapAlign
        #expect(equal == ((UInt64(1) << UInt64(pageShift)) == structPage * structPage))
    }

    @Test("non-power-of-two struct page: merged skipped, v2 demand is not a power of two and says so")
    func oddStructPage() throws {
        var o = Overrides()
        o.structPageSize = 72
        let r = try Checker.check(SparseConfig.make(preset: "x86_64", overrides: o))
        #expect(finding(r, .folioVmemmapAlign).status == .skip)
        let v2 = finding(r, .folioVmemmapAlignV2)
        #expect(v2.required == 238_609_294 && v2.message.contains("not a power of two"))
    }

    @Test("LoongArch: no gigantic folios, MFVA 64K/128K/512K, aligned by PMD")
    func loongarch() throws {
        for (name, mfva) in [("loongarch64-4k", UInt64(64) << 10), ("loongarch64-16k", 128 << 10), ("loongarch64-64k", 512 << 10)] {
            let r = try Checker.check(SparseConfig.make(preset: name))
            #expect(r.derived.maxFolioVmemmapAlign == mfva, "\(name)")
            #expect(finding(r, .folioVmemmapAlign).status == .pass, "\(name)")
        }
    }

    @Test("section-map-encoding: a base with low flag bits set fails at run time; the bound can refuse the build")
    func encoding() throws {
        var o = Overrides()
        o.vmemmapBase = 0xffff_ea00_0000_0010 // bit 4 is SECTION_TAINT_ZONE_DEVICE_BIT
        let r = try Checker.check(SparseConfig.make(preset: "x86_64", overrides: o))
        #expect(finding(r, .sectionMapEncoding).status == .fail)
        #expect(finding(r, .sectionMapEncoding).required == 64) // BIT(SECTION_MAP_LAST_BIT 6): ZONE_DEVICE and VMEMMAP_PREINIT
        // 256 KiB pages with 2^22 sections: PFN_SECTION_SHIFT 4 < SECTION_MAP_LAST_BIT 5: the 2018 bound refuses.
        var b = Overrides()
        b.pageShift = 18
        b.sectionBits = 22
        b.maxPageOrder = 4
        let bad = try Checker.check(SparseConfig.make(preset: "powerpc64-radix-64k", overrides: b))
        let f = finding(bad, .sectionMapEncoding)
        #expect(f.status == .fail && f.fix?.contains("will not build") == true)
        #expect(f.details["bound_2026"] == .uint(10)) // min(4 + __ffs(64) 6, 18)
        b.kernel = .proposedChanges // the 2026 bound (in no release) is in force: 5 <= 10
        #expect(finding(try Checker.check(SparseConfig.make(preset: "powerpc64-radix-64k", overrides: b)), .sectionMapEncoding).status == .pass)
    }

    @Test("bad input names the option and what was expected")
    func badInput() {
        var o = Overrides()
        o.sectionBits = 10
        #expect(throws: InputError.self) { try SparseConfig.make(preset: "x86_64", overrides: o).validate() }
        #expect(throws: InputError.self) { try SparseConfig.make(preset: "nope") }
        #expect(throws: InputError.self) { try Units.parsePageSize("3000") }
        #expect(throws: InputError.self) { try Units.parseAddress("0xZZ", option: "--vmemmap-base") }
        #expect(throws: InputError.self) { try Units.parseAddress("0x1ffffffffffffffff", option: "--vmemmap-base") }
        #expect(throws: InputError.self) { try Units.parseSize("99999999999E", option: "--dram-base") }
        #expect(try! Units.parseSize("64G", option: "x") == 64 << 30)
        #expect(try! Units.parsePageSize("16K") == 14)
    }
}

@Suite("Brute-force cross-check of folio-vmemmap-align")
struct BruteForceTests {
    /// Random bases with every alignment from 64 bytes up, for 4K/16K/64K pages: the closed form
    /// (IS_ALIGNED(pfn_to_page(0), MAX_FOLIO_VMEMMAP_ALIGN)) agrees with decoding every tail.
    @Test("closed form == decode of sampled folios of every order", arguments: [UInt32(12), 14, 16])
    func agree(pageShift: UInt32) throws {
        var rng = SplitMix64(seed: UInt64(pageShift))
        var o = Overrides()
        o.pageShift = pageShift
        for _ in 0..<24 {
            let align = UInt32.random(in: 6...40, using: &rng)
            let raw: UInt64 = 0xffff_0000_0000_0000 | (rng.next() & 0x0000_7fff_ffff_ffff)
            let base = ((raw >> UInt64(align)) << UInt64(align)) | (UInt64(1) << UInt64(align))
            o.vmemmapBase = base & ~UInt64(63)
            let c = try SparseConfig.make(preset: "x86_64", overrides: o)
            let r = try Checker.check(c)
            let closed = finding(r, .folioVmemmapAlign)
            let brute = BruteForce.run(c, base: o.vmemmapBase!, samplesPerOrder: 3, maxTailsPerFolio: 1 << 12)
            #expect(brute.allDecoded == (closed.status == .pass), "base \(hex(o.vmemmapBase!))")
            if closed.status == .fail {
                // The first order that fails is one past the largest decodable order.
                let largest = Checker.largestDecodableOrder(c, r.derived)!
                #expect(brute.firstFailingOrder == UInt32(largest + 1))
            }
        }
    }

    @Test("every tail of the 16 GiB folio at pfn 0 decodes on x86_64; riscv64 sv39 under 7.1 fails from order 20")
    func presets() throws {
        let x = try SparseConfig.make(preset: "x86_64")
        let xb = BruteForce.run(x, base: try x.vmemmapBase().value, samplesPerOrder: 2)
        #expect(xb.allDecoded && xb.tailsChecked > 1 << 22)
        var o = Overrides()
        o.kernel = .v7_1
        let r = try SparseConfig.make(preset: "riscv64-sv39", overrides: o)
        let rb = BruteForce.run(r, base: try r.vmemmapBase().value, samplesPerOrder: 2, maxTailsPerFolio: 1 << 12)
        #expect(!rb.allDecoded && rb.firstFailingOrder == 20)
    }
}

import CSparse
import Testing
@testable import SparseCheck

/// Properties over random valid configurations (seeded SplitMix64; a failure prints its seed and
/// configuration so it can be replayed).
@Suite("Properties")
struct PropertyTests {
    /// A random configuration the kernel would build: 4K..256K pages, power-of-two or not struct page,
    /// section bits from max(21, P + MAX_PAGE_ORDER) up, HVO on or off.
    static func randomConfig(_ rng: inout SplitMix64) -> SparseConfig {
        let p = [UInt32(12), 13, 14, 16, 18].randomElement(using: &rng)!
        let order = UInt32.random(in: 0...8, using: &rng)
        let s = max(21, p + order) + UInt32.random(in: 0...6, using: &rng)
        var o = Overrides()
        o.pageShift = p
        o.maxPageOrder = order
        o.sectionBits = s
        o.physmemBits = s + UInt32.random(in: 0...(52 - min(s, 52)), using: &rng)
        o.structPageSize = [UInt64(32), 40, 56, 64, 64, 64, 72, 80, 128].randomElement(using: &rng)!
        o.hvo = Bool.random(using: &rng)
        o.zoneDevice = Bool.random(using: &rng)
        if Bool.random(using: &rng) {
            o.maxFolioOrder = UInt32.random(in: 0...min(24, o.physmemBits! - p), using: &rng)
        }
        let align = UInt32.random(in: 3...44, using: &rng)
        let raw = 0xff00_0000_0000_0000 | (rng.next() & 0x00ff_ffff_ffff_ffff)
        o.vmemmapBase = ((raw >> UInt64(align)) << UInt64(align)) | (UInt64(1) << UInt64(align))
        return try! SparseConfig.make(preset: "x86_64", overrides: o)
    }

    @Test("folio-vmemmap-align's closed form equals a brute-force decode of sampled tails")
    func closedFormEqualsDecode() throws {
        var rng = SplitMix64(seed: 0x5eed_0001)
        var checked = 0
        for _ in 0..<300 {
            let c = Self.randomConfig(&rng)
            guard (try? c.validate()) != nil else { continue }
            let r = try Checker.check(c)
            let f = finding(r, .folioVmemmapAlign)
            guard f.status != .skip else { continue }
            let b = BruteForce.run(c, base: r.base.value, samplesPerOrder: 2, maxTailsPerFolio: 1 << 10)
            #expect(b.allDecoded == (f.status == .pass), "\(c)")
            checked += 1
        }
        #expect(checked > 50) // enough HVO configurations with a power-of-two struct page were drawn
    }

    @Test("sparse_decode_mem_map(sparse_encode_mem_map(x)) round-trips whenever the encoding rule passes")
    func encodeRoundTrip() throws {
        var rng = SplitMix64(seed: 0x5eed_0002)
        for _ in 0..<400 {
            let c = Self.randomConfig(&rng)
            guard (try? c.validate()) != nil else { continue }
            let r = try Checker.check(c)
            var cfg = c.c
            var nr: UInt64 = 0
            guard cs_nr_mem_sections(&cfg, &nr) == CS_OK else { continue }
            let pnum = rng.next() % nr
            var pfn: UInt64 = 0, memMap: UInt64 = 0, coded: UInt64 = 0, decoded: UInt64 = 0
            guard cs_section_nr_to_pfn(&cfg, pnum, &pfn) == CS_OK,
                  cs_pfn_to_page(&cfg, r.base.value, pfn, &memMap) == CS_OK,
                  cs_sparse_encode_mem_map(&cfg, memMap, pnum, &coded) == CS_OK else { continue }
            #expect(coded == r.base.value)
            let rulePasses = finding(r, .sectionMapEncoding).status == .pass
            #expect(rulePasses == cs_section_map_encoding_ok(&cfg, coded) || !r.derived.buildOK2018)
            if rulePasses {
                let flags: UInt64 = (UInt64(1) << UInt64(r.derived.sectionMapLastBit)) - 1
                #expect(cs_sparse_decode_mem_map(&cfg, coded | flags, pnum, &decoded) == CS_OK && decoded == memMap, "\(c)")
            }
        }
    }

    @Test("pfn_to_section_nr and section_nr_to_pfn are inverse on section starts; SECTION_ALIGN_DOWN otherwise")
    func sectionConversions() {
        var rng = SplitMix64(seed: 0x5eed_0003)
        for _ in 0..<400 {
            let c = Self.randomConfig(&rng)
            var cfg = c.c
            var nr: UInt64 = 0, sec: UInt64 = 0, pfn: UInt64 = 0, back: UInt64 = 0, down: UInt64 = 0
            guard cs_nr_mem_sections(&cfg, &nr) == CS_OK else { continue }
            let s = rng.next() % nr
            #expect(cs_section_nr_to_pfn(&cfg, s, &pfn) == CS_OK)
            #expect(cs_pfn_to_section_nr(&cfg, pfn, &sec) == CS_OK && sec == s)
            let any = pfn + rng.next() % 4096
            #expect(cs_pfn_to_section_nr(&cfg, any, &sec) == CS_OK)
            #expect(cs_section_nr_to_pfn(&cfg, sec, &back) == CS_OK)
            #expect(cs_section_align_down(&cfg, any, &down) == CS_OK && down == back)
        }
    }

    @Test("v2 and merged demands are equal exactly when PAGE_SIZE == sizeof(struct page)^2")
    func v2Identity() throws {
        var rng = SplitMix64(seed: 0x5eed_0004)
        var equalSeen = 0
        for _ in 0..<400 {
            var c = Self.randomConfig(&rng)
            c.hvo = true
            guard (try? c.validate()) != nil, c.structPageSize.nonzeroBitCount == 1 else { continue }
            let d = try Checker.check(c).derived
            let equal = d.v2Demand == d.maxFolioVmemmapAlign
            #expect(equal == (c.pageSize == c.structPageSize * c.structPageSize), "\(c)")
            if equal { equalSeen += 1 }
        }
        #expect(equalSeen > 0)
    }
}

import CSparse
import Testing

/// The C mirror called directly. Expected values are derived from the kernel definitions cited on
/// each test (kernel files relative to the tree), not from the code under test.
@Suite("C mirror: sections (include/linux/mmzone.h, page-flags-layout.h)")
struct SectionTests {
    @Test("x86_64 4-level: SECTIONS_SHIFT 19, 2^19 sections, 256 per root, 2048 roots")
    func x86Sections() {
        // SECTIONS_SHIFT = MAX_PHYSMEM_BITS (46) - SECTION_SIZE_BITS (27) = 19; SECTIONS_PER_ROOT =
        // PAGE_SIZE / sizeof(struct mem_section) = 4096 / 16; NR_SECTION_ROOTS = 2^19 / 256.
        var c = cfg()
        #expect(u32 { cs_sections_shift(&c, $0) } == 19)
        #expect(u64 { cs_nr_mem_sections(&c, $0) } == 1 << 19)
        #expect(u64 { cs_sections_per_root(&c, $0) } == 256)
        #expect(u64 { cs_nr_section_roots(&c, $0) } == 2048)
        #expect(u64 { cs_section_root_mask(&c, $0) } == 255)
        #expect(u64 { cs_section_nr_to_root(&c, 1000, $0) } == 3)
        c.sparsemem_extreme = false
        #expect(u64 { cs_sections_per_root(&c, $0) } == 1)
    }

    @Test("riscv64: MAX_PHYSMEM_BITS 56 gives 2^29 sections and 2^21 roots")
    func riscvSections() {
        var c = cfg(physmem: 56)
        #expect(u64 { cs_nr_mem_sections(&c, $0) } == 1 << 29)
        #expect(u64 { cs_nr_section_roots(&c, $0) } == 1 << 21)
    }

    @Test("PFN_SECTION_SHIFT, PAGES_PER_SECTION, PAGE_SECTION_MASK and SECTION_ALIGN_UP/DOWN")
    func pfnSection() {
        var c = cfg()
        #expect(u32 { cs_pfn_section_shift(&c, $0) } == 15) // 27 - 12
        #expect(u64 { cs_pages_per_section(&c, $0) } == 32768)
        #expect(u64 { cs_page_section_mask(&c, $0) } == ~UInt64(32767))
        #expect(u64 { cs_section_align_up(&c, 1, $0) } == 32768)
        #expect(u64 { cs_section_align_up(&c, 32768, $0) } == 32768)
        #expect(u64 { cs_section_align_down(&c, 65535, $0) } == 32768)
        #expect(u64 { cs_pfn_to_section_nr(&c, 0x180000, $0) } == 48) // 6 GiB / 128 MiB
        #expect(u64 { cs_section_nr_to_pfn(&c, 48, $0) } == 0x180000)
        // SECTION_ALIGN_UP near ULONG_MAX does not wrap.
        #expect(u64 { cs_section_align_up(&c, UInt64.max - 5, $0) } == nil)
        // arm64 64K: SECTION_SIZE_BITS 29 - 16 = 13.
        var a = cfg(pageShift: 16, sectionBits: 29, physmem: 48, maxPageOrder: 13)
        #expect(u32 { cs_pfn_section_shift(&a, $0) } == 13)
        // Section bits below page shift are outside the domain.
        var bad = cfg(sectionBits: 10)
        #expect(u32 { cs_pfn_section_shift(&bad, $0) } == nil)
    }

    @Test("subsections: 2 MiB SUBSECTION_SHIFT, 64 per 128 MiB section, subsection_map_index")
    func subsections() {
        var c = cfg()
        #expect(u32 { cs_pfn_subsection_shift(&c, $0) } == 9)
        #expect(u64 { cs_pages_per_subsection(&c, $0) } == 512)
        #expect(u64 { cs_page_subsection_mask(&c, $0) } == ~UInt64(511))
        #expect(u64 { cs_subsections_per_section(&c, $0) } == 64)
        // (pfn & ~PAGE_SECTION_MASK) / PAGES_PER_SUBSECTION: pfn 32768 + 1025 -> 1025 / 512 = 2.
        #expect(u64 { cs_subsection_map_index(&c, 32768 + 1025, $0) } == 2)
        var p = cfg(pageShift: 16, sectionBits: 24, physmem: 51, maxPageOrder: 8)
        #expect(u64 { cs_subsections_per_section(&p, $0) } == 8)
        var small = cfg(sectionBits: 20)
        #expect(u64 { cs_subsections_per_section(&small, $0) } == nil) // "Subsection size exceeds section size"
    }
}

@Suite("C mirror: section_mem_map encoding (mm/sparse.c)")
struct EncodingTests {
    @Test("SECTION_MAP_LAST_BIT is 4, 5 or 6 and SECTION_MAP_MASK clears those bits")
    func lastBit() {
        var c = cfg(zoneDevice: false)
        #expect(cs_section_map_last_bit(&c) == 4)
        #expect(cs_section_map_mask(&c) == ~UInt64(15))
        c.zone_device = true
        #expect(cs_section_map_last_bit(&c) == 5)
        c.sparsemem_vmemmap_preinit = true
        #expect(cs_section_map_last_bit(&c) == 6)
        #expect(cs_section_nid_shift(&c) == 6)
        #expect(u32 { cs_section_flag_bit(&c, CS_SECTION_IS_VMEMMAP_PREINIT, $0) } == 5)
        c.zone_device = false
        #expect(u32 { cs_section_flag_bit(&c, CS_SECTION_TAINT_ZONE_DEVICE, $0) } == nil)
        #expect(u32 { cs_section_flag_bit(&c, CS_SECTION_IS_VMEMMAP_PREINIT, $0) } == 4)
    }

    @Test("2018 vs 2026 bounds per architecture (kernel-arithmetic.md section a, derived)",
          arguments: [
              // (page shift, section bits, struct page, 2018 PFN_SECTION_SHIFT, 2026 min(pss + __ffs(S), P))
              (UInt32(12), UInt32(27), UInt64(64), UInt32(15), UInt32(12)), // x86_64 / riscv64 4K
              (16, 29, 64, 13, 16),   // arm64 64K
              (16, 24, 64, 8, 14),    // ppc64 64K
              (12, 24, 64, 12, 12),   // ppc64 4K
              (14, 29, 64, 15, 14),   // LoongArch 16K
              (18, 24, 32, 6, 11),    // ppc44x 256K pages, 32-byte struct page
              (12, 27, 56, 15, 12),   // __ffs(56) = 3: min(18, 12)
              (16, 24, 72, 8, 11),    // __ffs(72) = 3
              (16, 24, 80, 8, 12),    // __ffs(80) = 4
          ])
    func bounds(p: UInt32, s: UInt32, sp: UInt64, old: UInt32, new: UInt32) {
        var c = cfg(pageShift: p, sectionBits: s, physmem: 51, structPage: sp, maxPageOrder: 0)
        #expect(u32 { cs_section_map_align_bits(&c, CS_BOUND_2018, $0) } == old)
        #expect(u32 { cs_section_map_align_bits(&c, CS_BOUND_2026, $0) } == new)
    }

    @Test("encode/decode round trip; the encoded value under VMEMMAP is pfn_to_page(0)")
    func roundTrip() {
        var c = cfg()
        let vmemmap: UInt64 = 0xffff_ea00_0000_0000
        for pnum: UInt64 in [0, 1, 48, 1 << 18] {
            let pfn = u64 { cs_section_nr_to_pfn(&c, pnum, $0) }!
            let memMap = u64 { cs_pfn_to_page(&c, vmemmap, pfn, $0) }!
            let coded = u64 { cs_sparse_encode_mem_map(&c, memMap, pnum, $0) }!
            #expect(coded == vmemmap)
            #expect(cs_section_map_encoding_ok(&c, coded))
            #expect(u64 { cs_sparse_decode_mem_map(&c, coded | 0b101, pnum, $0) } == memMap)
        }
        // A mem_map below the section's displacement would wrap: an error, not a value.
        #expect(u64 { cs_sparse_encode_mem_map(&c, 0x1000, 48, $0) } == nil)
        #expect(!cs_section_map_encoding_ok(&c, vmemmap + 8))
    }
}

@Suite("C mirror: folio limits and compound_info (include/linux/mmzone.h, page-flags.h)")
struct FolioTests {
    @Test("MAX_FOLIO_VMEMMAP_ALIGN is 256/64/16 MiB for 4K/16K/64K pages with a 64-byte struct page",
          arguments: [(UInt32(12), UInt32(22), UInt64(256) << 20), (14, 20, 64 << 20), (16, 18, 16 << 20)])
    func mfva(p: UInt32, order: UInt32, align: UInt64) {
        // 64-bit + HUGETLB_PAGE + gigantic + VMEMMAP: MAX_FOLIO_ORDER = ilog2(SZ_16G) - PAGE_SHIFT = 34 - P;
        // MAX_FOLIO_VMEMMAP_ALIGN = MAX_FOLIO_NR_PAGES * sizeof(struct page) = 2^(34-P) * 64.
        var c = cfg(pageShift: p, sectionBits: 29, physmem: 48, maxPageOrder: 8)
        #expect(u32 { cs_max_folio_order(&c, $0) } == order)
        #expect(u64 { cs_max_folio_vmemmap_align(&c, $0) } == align)
        #expect(u64 { cs_max_folio_size(&c, $0) } == 1 << 34) // PAGE_SIZE << MAX_FOLIO_ORDER = 16 GiB
        // The v2 demand MAX_FOLIO_SIZE / sizeof(struct page) is 256 MiB for every page size.
        #expect(u64 { cs_max_folio_size_per_struct_page(&c, $0) } == 256 << 20)
    }

    @Test("v2 demand 2^34 / S for struct page sizes 56/64/72/80 (kernel-arithmetic.md section d)",
          arguments: [(UInt64(56), UInt64(306_783_378)), (64, 268_435_456), (72, 238_609_294), (80, 214_748_364)])
    func v2Demand(s: UInt64, demand: UInt64) {
        var c = cfg(structPage: s)
        #expect(u64 { cs_max_folio_size_per_struct_page(&c, $0) } == demand)
        // MAX_FOLIO_VMEMMAP_ALIGN is 0 unless is_power_of_2(sizeof(struct page)).
        #expect(u64 { cs_max_folio_vmemmap_align(&c, $0) } == (s == 64 ? 256 << 20 : 0))
        #expect(cs_compound_info_has_mask(&c, CS_MASK_MERGED) == (s == 64))
    }

    @Test("MAX_FOLIO_ORDER: all four cases of the #if chain")
    func maxFolioOrderCases() {
        // !HAVE_GIGANTIC_FOLIOS: MAX_PAGE_ORDER (LoongArch 16K: 11).
        var a = cfg(pageShift: 14, sectionBits: 29, physmem: 48, maxPageOrder: 11, gigantic: false)
        #expect(u32 { cs_max_folio_order(&a, $0) } == 11)
        // Classic SPARSEMEM: PFN_SECTION_SHIFT (27 - 12).
        var b = cfg(vmemmap: false)
        #expect(u32 { cs_max_folio_order(&b, $0) } == 15)
        // HUGETLB_PAGE on 64-bit: ilog2(SZ_16G) - PAGE_SHIFT; on 32-bit ilog2(SZ_1G) - PAGE_SHIFT.
        var c = cfg()
        #expect(u32 { cs_max_folio_order(&c, $0) } == 22)
        c.bits_per_long = 32
        #expect(u32 { cs_max_folio_order(&c, $0) } == 18)
        // ZONE_DEVICE PUD folios only: PUD_SHIFT - PAGE_SHIFT.
        var d = cfg(hugetlb: false, pud: 30)
        #expect(u32 { cs_max_folio_order(&d, $0) } == 18)
        // A what-if override replaces the chain.
        d.max_folio_order_override = 5
        #expect(u32 { cs_max_folio_order(&d, $0) } == 5)
    }

    @Test("compound_info_has_mask(): v3/v4 gate on VMEMMAP, merged gate on HVO")
    func maskForms() {
        var arm = cfg(hvo: false)
        #expect(cs_compound_info_has_mask(&arm, CS_MASK_V3V4))
        #expect(!cs_compound_info_has_mask(&arm, CS_MASK_MERGED))
        var classic = cfg(hvo: false, vmemmap: false)
        #expect(!cs_compound_info_has_mask(&classic, CS_MASK_V3V4))
    }

    @Test("mask encoding GENMASK(BITS_PER_LONG - 1, order + order_base_2(S)) | 1 and the branchless decode")
    func maskEncoding() {
        var c = cfg()
        // order 9 (2 MiB), S = 64: bits 15..63 and bit 0.
        #expect(u64 { cs_compound_info_mask(&c, 9, $0) } == 0xffff_ffff_ffff_8001)
        let head: UInt64 = 0xffff_ea00_0400_0000
        let info = u64 { cs_set_compound_head(&c, CS_MASK_MERGED, head, 9, $0) }!
        #expect(cs_compound_head(&c, CS_MASK_MERGED, head + 511 * 64, info) == head)
        // A non-tail page (bit 0 clear) decodes to itself: mask = ((info & 1) - 1) | info = ~0.
        #expect(cs_compound_head(&c, CS_MASK_MERGED, head, 0x1234_5000) == head)
        // Without the mask the tail stores head + 1 and compound_head() returns info - 1.
        var plain = cfg(hvo: false)
        let pinfo = u64 { cs_set_compound_head(&plain, CS_MASK_MERGED, head, 9, $0) }!
        #expect(pinfo == head + 1)
        #expect(cs_compound_head(&plain, CS_MASK_MERGED, head + 64, pinfo) == head)
        // An order whose mask would start at or beyond BITS_PER_LONG is outside GENMASK's domain.
        #expect(u64 { cs_compound_info_mask(&c, 58, $0) } == nil)
    }

    @Test("VMEMMAP_TAIL_MIN_ORDER 7/9/11 and NR_VMEMMAP_TAILS (x86 16; LoongArch 4/3/3)")
    func tails() {
        var x = cfg()
        #expect(u32 { cs_vmemmap_tail_min_order(&x, $0) } == 7) // ilog2(2 * 4096 / 64)
        #expect(u32 { cs_nr_vmemmap_tails(&x, $0) } == 16)      // 22 - 7 + 1
        for (p, order, minOrder, tails) in [(UInt32(12), UInt32(10), UInt32(7), UInt32(4)), (14, 11, 9, 3), (16, 13, 11, 3)] {
            var l = cfg(pageShift: p, sectionBits: 29, physmem: 48, maxPageOrder: order, gigantic: false)
            #expect(u32 { cs_vmemmap_tail_min_order(&l, $0) } == minOrder)
            #expect(u32 { cs_nr_vmemmap_tails(&l, $0) } == tails)
        }
        // The clamp: ppc64 64K with MAX_PAGE_ORDER 8 and no gigantic folios: 8 - 11 + 1 < 0 -> 0.
        var ppc = cfg(pageShift: 16, sectionBits: 24, physmem: 51, maxPageOrder: 8, gigantic: false)
        #expect(u32 { cs_nr_vmemmap_tails(&ppc, $0) } == 0)
    }

    @Test("hugetlb_vmemmap_optimizable_size(): pages * S - PAGE_SIZE, 0 for non-power-of-two S")
    func hvoSize() {
        var c = cfg()
        #expect(u64 { cs_hugetlb_vmemmap_optimizable_size(&c, 9, $0) } == 512 * 64 - 4096)      // 2 MiB page
        #expect(u64 { cs_hugetlb_vmemmap_optimizable_size(&c, 18, $0) } == (1 << 24) - 4096)   // 1 GiB: 16380 KiB
        #expect(u64 { cs_hugetlb_vmemmap_optimizable_size(&c, 5, $0) } == 0)                   // 2 KiB of memmap < a page
        var odd = cfg(structPage: 72)
        #expect(u64 { cs_hugetlb_vmemmap_optimizable_size(&odd, 9, $0) } == 0)
    }

    @Test("memmap per section and subsection; section_map_size() rounds to PMD under VMEMMAP")
    func memmapSizes() {
        var x = cfg()
        #expect(u64 { cs_memmap_bytes_per_section(&x, $0) } == 2 << 20)   // 32768 * 64 = one PMD
        #expect(u64 { cs_memmap_bytes_per_subsection(&x, $0) } == 32 << 10) // 512 * 64
        #expect(u64 { cs_section_map_size(&x, $0) } == 2 << 20)
        var a16 = cfg(pageShift: 14, sectionBits: 27, physmem: 48, maxPageOrder: 11)
        #expect(u64 { cs_memmap_bytes_per_section(&a16, $0) } == 512 << 10)
        #expect(u64 { cs_section_map_size(&a16, $0) } == 32 << 20)          // ALIGN(512 KiB, 32 MiB PMD)
        var ppc = cfg(pageShift: 16, sectionBits: 24, physmem: 51, maxPageOrder: 8, vmemmap: false)
        #expect(u64 { cs_memmap_bytes_per_section(&ppc, $0) } == 16 << 10)
        #expect(u64 { cs_section_map_size(&ppc, $0) } == 64 << 10)          // PAGE_ALIGN(16 KiB)
    }
}

@Suite("C mirror: no wrapped values for any input")
struct OverflowTests {
    @Test("shifts and products past 64 bits return CS_EOVERFLOW or CS_EDOMAIN")
    func overflow() {
        var c = cfg()
        #expect(u64 { cs_section_nr_to_pfn(&c, UInt64.max, $0) } == nil)
        #expect(u64 { cs_pfn_to_page(&c, 0xffff_ea00_0000_0000, 1 << 40, $0) } == nil)
        #expect(u64 { cs_pfn_to_page(&c, 0, UInt64.max / 8, $0) } == nil)
        var g: UInt64 = 0
        #expect(cs_genmask(&c, 3, 5, &g) == CS_EDOMAIN)
        #expect(cs_genmask(&c, 64, 0, &g) == CS_EDOMAIN)
        #expect(cs_genmask(&c, 63, 0, &g) == CS_OK && g == UInt64.max)
        var r: UInt32 = 0
        #expect(cs_ilog2(0, &r) == CS_EDOMAIN)
        #expect(cs___ffs(0, &r) == CS_EDOMAIN)
        #expect(cs_order_base_2(1) == 0 && cs_order_base_2(64) == 6 && cs_order_base_2(65) == 7)
        // MAX_FOLIO_NR_PAGES with a what-if order of 63 fits; * sizeof(struct page) does not.
        c.max_folio_order_override = 63
        #expect(u64 { cs_max_folio_nr_pages(&c, $0) } == 1 << 63)
        #expect(u64 { cs_max_folio_vmemmap_align(&c, $0) } == nil)
        #expect(u64 { cs_max_folio_size(&c, $0) } == nil)
        var f = CS_FIELD_NONE, why = CS_REASON_NONE
        #expect(cs_config_validate(&c, &f, &why) == CS_EDOMAIN && f == CS_FIELD_MAX_FOLIO_ORDER)
        // 32-bit: unsigned long is 32 bits wide.
        var c32 = cfg(physmem: 32)
        c32.bits_per_long = 32
        #expect(u64 { cs_pfn_to_page(&c32, 0xc000_0000, 1 << 26, $0) } == nil)
        #expect(cs_is_aligned(0x1000, 0) == false && cs_is_aligned(0, 0))
    }

    @Test("cs_config_validate names the field and the kernel check it stands for")
    func validate() {
        var f = CS_FIELD_NONE, why = CS_REASON_NONE
        var ok = cfg()
        #expect(cs_config_validate(&ok, &f, &why) == CS_OK)
        var low = cfg(sectionBits: 10)
        #expect(cs_config_validate(&low, &f, &why) == CS_EDOMAIN)
        #expect(f == CS_FIELD_SECTION_SIZE_BITS && why == CS_REASON_BELOW_PAGE_SHIFT)
        var order = cfg(maxPageOrder: 16) // 16 + 12 > 27: "Allocator MAX_PAGE_ORDER exceeds SECTION_SIZE"
        #expect(cs_config_validate(&order, &f, &why) == CS_EDOMAIN)
        #expect(f == CS_FIELD_MAX_PAGE_ORDER && why == CS_REASON_ORDER_EXCEEDS_SECTION)
        var odd = cfg(structPage: 60)
        #expect(cs_config_validate(&odd, &f, &why) == CS_EDOMAIN && why == CS_REASON_NOT_LONG_MULTIPLE)
    }
}

/* Drives every CSparse arithmetic entry point over the edges of its input domain under
 * UndefinedBehaviorSanitizer and AddressSanitizer (scripts/sanitize-c.sh). Any sanitizer report
 * aborts the run; each out-of-domain input must return the documented error, never a value, and
 * each value returned must satisfy the kernel definition it mirrors. Prints "N passed, M failed". */
#include "csparse.h"

#include <stdio.h>
#include <string.h>

static unsigned long passed, failed;

#define EXPECT(cond, ...)                                                        \
    do {                                                                         \
        if (cond) {                                                              \
            passed++;                                                            \
        } else {                                                                 \
            failed++;                                                            \
            if (failed <= 20) {                                                  \
                fprintf(stderr, "%s:%d: expected %s: ", __FILE__, __LINE__, #cond); \
                fprintf(stderr, __VA_ARGS__);                                    \
                fputc('\n', stderr);                                             \
            }                                                                    \
        }                                                                        \
    } while (0)

static const uint64_t values[] = {
    0, 1, 2, 3, 7, 8, 56, 63, 64, 72, 80, 4095, 4096, 4097, UINT64_C(1) << 31, UINT64_C(1) << 32,
    (UINT64_C(1) << 40) + 5, UINT64_C(1) << 62, (UINT64_C(1) << 63) - 1, UINT64_C(1) << 63,
    (UINT64_C(1) << 63) + 1, UINT64_MAX - 1, UINT64_MAX, UINT64_C(0xffffea0000000000),
    UINT64_C(0xffffffc4fe000000),
};
#define NVALUES (sizeof(values) / sizeof(values[0]))

static const uint32_t shifts[] = {0, 1, 9, 10, 12, 14, 16, 18, 21, 22, 24, 27, 29, 30, 31, 32, 34, 46,
                                  48, 51, 52, 56, 57, 62, 63, 64, 65, 100, 0xffffffffu};
#define NSHIFTS (sizeof(shifts) / sizeof(shifts[0]))

static cs_config make(uint32_t p, uint32_t s, uint32_t phys, uint64_t sp, uint32_t bpl)
{
    cs_config c;
    memset(&c, 0, sizeof(c));
    c.page_shift = p;
    c.section_size_bits = s;
    c.max_physmem_bits = phys;
    c.struct_page_size = sp;
    c.max_page_order = 10;
    c.bits_per_long = bpl;
    c.pmd_shift = p + 9;
    c.pud_shift = p + 18;
    c.mem_section_size = 16;
    c.max_folio_order_override = -1;
    c.sparsemem_vmemmap = true;
    c.hugetlb_page = true;
    c.have_gigantic_folios = true;
    c.hugetlb_page_optimize_vmemmap = true;
    c.zone_device = true;
    c.sparsemem_extreme = true;
    return c;
}

static void one_config(cs_config *c)
{
    uint64_t v, w;
    uint32_t u;
    cs_verdict verdict;
    cs_field field;
    cs_reason reason;
    uint64_t ulong_max = cs_ulong_max(c);
    int valid = cs_config_validate(c, &field, &reason) == CS_OK;

    if (cs_pfn_section_shift(c, &u) == CS_OK)
        EXPECT(u == c->section_size_bits - c->page_shift, "pfn_section_shift");
    else
        EXPECT(c->section_size_bits < c->page_shift, "pfn_section_shift refused a valid pair");
    if (cs_pages_per_section(c, &v) == CS_OK) {
        EXPECT(cs_is_power_of_2(v) && v <= ulong_max, "pages_per_section %llu", (unsigned long long)v);
        EXPECT(cs_page_section_mask(c, &w) == CS_OK && w == (~(v - 1) & ulong_max), "page_section_mask");
    }
    (void)cs_sections_shift(c, &u);
    (void)cs_nr_mem_sections(c, &v);
    (void)cs_sections_per_root(c, &v);
    (void)cs_nr_section_roots(c, &v);
    (void)cs_pfn_subsection_shift(c, &u);
    (void)cs_pages_per_subsection(c, &v);
    (void)cs_page_subsection_mask(c, &v);
    (void)cs_subsections_per_section(c, &v);
    (void)cs_section_map_align_bits(c, CS_BOUND_2018, &u);
    (void)cs_section_map_align_bits(c, CS_BOUND_2026, &u);
    bool ok;
    (void)cs_section_map_build_ok(c, CS_BOUND_2026, &ok);
    (void)cs_max_folio_order(c, &u);
    if (cs_max_folio_nr_pages(c, &v) == CS_OK)
        EXPECT(cs_is_power_of_2(v), "max_folio_nr_pages");
    (void)cs_max_folio_size(c, &v);
    if (cs_max_folio_vmemmap_align(c, &v) == CS_OK)
        EXPECT(v == 0 || cs_is_power_of_2(v) || !cs_is_power_of_2(c->struct_page_size), "mfva");
    (void)cs_max_folio_size_per_struct_page(c, &v);
    (void)cs_vmemmap_tail_min_order(c, &u);
    (void)cs_nr_vmemmap_tails(c, &u);
    (void)cs_memmap_bytes_per_section(c, &v);
    (void)cs_memmap_bytes_per_subsection(c, &v);
    (void)cs_section_map_size(c, &v);
    (void)cs_riscv_vmemmap_addr_align(c, CS_RISCV_ALIGN_SECTION, &v);
    (void)cs_riscv_vmemmap_addr_align(c, CS_RISCV_ALIGN_MFVA, &v);
    (void)cs_riscv_vmemmap_addr_align(c, CS_RISCV_ALIGN_PFN_PHYS, &v);
    for (uint32_t order = 0; order < 70; order += 3) {
        (void)cs_hugetlb_vmemmap_optimizable_size(c, order, &v);
        (void)cs_compound_info_mask(c, order, &v);
    }
    for (size_t i = 0; i < NVALUES; i++) {
        uint64_t x = values[i];
        if (cs_section_align_up(c, x, &v) == CS_OK)
            EXPECT(v >= x && v <= ulong_max, "section_align_up");
        (void)cs_section_align_down(c, x, &v);
        (void)cs_section_nr_to_root(c, x, &v);
        if (cs_pfn_to_section_nr(c, x, &v) == CS_OK && cs_section_nr_to_pfn(c, v, &w) == CS_OK)
            EXPECT(w <= x, "section round trip");
        (void)cs_subsection_map_index(c, x, &v);
        if (cs_phys_pfn(c, x, &v) == CS_OK && cs_pfn_phys(c, v, &w) == CS_OK)
            EXPECT(w <= x, "PFN_PHYS(PHYS_PFN(x)) <= x");
        if (cs_pfn_up(c, x, &v) == CS_OK && cs_pfn_phys(c, v, &w) == CS_OK)
            EXPECT(w >= x, "PFN_PHYS(PFN_UP(x)) >= x");
        for (size_t j = 0; j < NVALUES; j += 3) {
            uint64_t y = values[j];
            if (cs_pfn_to_page(c, x, y, &v) == CS_OK) {
                EXPECT(v >= x && v <= ulong_max, "pfn_to_page no wrap");
                if (c->struct_page_size != 0)
                    EXPECT(cs_page_to_pfn(c, x, v, &w) == CS_OK && w == y, "page_to_pfn inverse");
            }
            if (cs_sparse_encode_mem_map(c, x, y, &v) == CS_OK)
                EXPECT(v <= x, "encode no wrap");
            (void)cs_sparse_decode_mem_map(c, x, y, &v);
            (void)cs_set_compound_head(c, CS_MASK_MERGED, x, (uint32_t)(y & 63), &v);
            (void)cs_compound_head(c, CS_MASK_MERGED, x, y);
            (void)cs_compound_head(c, CS_MASK_V3V4, x, y);
            (void)cs_compound_head(c, CS_MASK_NONE, x, y);
            if (cs_round_up(c, x, y, &v) == CS_OK)
                EXPECT(v >= x && cs_is_power_of_2(y), "round_up");
            (void)cs_round_down(x, y, &v);
            (void)cs_arm64_vmemmap(c, x, y, UINT64_C(1) << 30, &v);
            (void)cs_riscv_vmemmap(c, x, y, UINT64_C(1) << 28, &v);
            (void)cs_s390_vmemmap_start(c, x, UINT64_C(1) << 31, &v);
            (void)cs_s390_vmemmap_start(c, x, y, &v);
            (void)cs_arm64_vmemmap_va_fallback(c, (uint32_t)(y & 63), x, &v);
            {
                cs_s390_layout_in in = {.ident_map_size = x, .kernel_image_base = y,
                                        .kernel_image_size = UINT64_C(1) << 29, .vmalloc_size = x ^ y,
                                        .vmalloc_size_set = false, .modules_len = UINT64_C(1) << 31,
                                        .nr_cpus = y & 0xffff, .lowcore_size = 8192};
                uint64_t lc = 0, rte = 0;
                (void)cs_s390_abs_lowcore_nokaslr(c, &in, &lc, &rte);
                in.lowcore_size = y;
                (void)cs_s390_abs_lowcore_nokaslr(c, &in, &lc, &rte);
            }
            (void)cs_loongarch_vmemmap(c, CS_LOONGARCH_VMEMMAP_PMD, x, &v);
            (void)cs_loongarch_vmemmap(c, CS_LOONGARCH_VMEMMAP_ALIGN, x, &v);
        }
        if (cs_sparse_init_checks(c, x, &verdict) == CS_OK && valid)
            EXPECT(verdict.folio_aligned == cs_is_aligned(x, verdict.max_folio_vmemmap_align), "verdict");
        uint64_t bad = 0, first = 0;
        (void)cs_bruteforce_decode(c, CS_MASK_MERGED, x & ~UINT64_C(63), 0, 3, 1, &bad, &first);
    }
    for (uint32_t va = 30; va < 66; va += 5) {
        (void)cs_arm64_vmemmap_start(c, va, va > 48 ? 48 : va, &v);
        (void)cs_riscv_vmemmap_start(c, va, UINT64_C(0xffffffd600000000), &v);
        for (uint32_t levels = 1; levels < 6; levels++)
            (void)cs_loongarch_vmalloc_end(c, levels, va, va, 4096, &v);
    }
    (void)cs_arm64_memstart_align(c, c->pmd_shift, &v);
    if (cs_vmemmap_backing_unit(c, true, &v) == CS_OK)
        EXPECT(cs_is_power_of_2(v), "backing unit is a page or a PMD");
    (void)cs_vmemmap_backing_unit(c, false, &v);
}

int main(void)
{
    static const uint64_t struct_pages[] = {0, 1, 8, 32, 40, 56, 64, 72, 80, 128, 4096, UINT64_C(1) << 40,
                                            UINT64_C(1) << 63, UINT64_MAX};
    static const uint32_t bpls[] = {32, 64, 0, 63, 128};
    unsigned long configs = 0;
    for (size_t b = 0; b < sizeof(bpls) / sizeof(bpls[0]); b++)
        for (size_t i = 0; i < NSHIFTS; i++)
            for (size_t j = 0; j < NSHIFTS; j += 2)
                for (size_t k = 0; k < sizeof(struct_pages) / sizeof(struct_pages[0]); k += 2) {
                    cs_config c = make(shifts[i], shifts[j], shifts[(i + j) % NSHIFTS], struct_pages[k], bpls[b]);
                    one_config(&c);
                    c.max_folio_order_override = (int32_t)shifts[j];
                    c.sparsemem_vmemmap = (k & 2) != 0;
                    c.have_gigantic_folios = (i & 1) != 0;
                    c.hugetlb_page = (j & 4) != 0;
                    c.sparsemem_extreme = (i & 2) != 0;
                    c.mem_section_size = (uint32_t)struct_pages[k];
                    c.pmd_shift = shifts[j];
                    c.pud_shift = shifts[i];
                    one_config(&c);
                    configs += 2;
                }
    /* Documented errors for the classic out-of-domain inputs. */
    cs_config bad = make(12, 10, 46, 64, 64);
    uint32_t u;
    uint64_t v;
    EXPECT(cs_pfn_section_shift(&bad, &u) == CS_EDOMAIN, "section bits below page shift");
    cs_config huge = make(12, 27, 46, 64, 64);
    EXPECT(cs_section_nr_to_pfn(&huge, UINT64_MAX, &v) == CS_EOVERFLOW, "section_nr_to_pfn overflow");
    EXPECT(cs_pfn_to_page(&huge, UINT64_MAX - 10, 1, &v) == CS_EOVERFLOW, "pfn_to_page overflow");
    EXPECT(cs_genmask(&huge, 10, 11, &v) == CS_EDOMAIN, "genmask l > h");
    EXPECT(cs___ffs(0, &u) == CS_EDOMAIN, "__ffs(0)");
    EXPECT(cs_ilog2(0, &u) == CS_EDOMAIN, "ilog2(0)");
    huge.max_folio_order_override = 63;
    EXPECT(cs_max_folio_vmemmap_align(&huge, &v) == CS_EOVERFLOW, "2^63 * 64");
    huge.max_folio_order_override = 64;
    EXPECT(cs_max_folio_nr_pages(&huge, &v) == CS_EOVERFLOW, "1 << 64");
    /* DRAM starts sparsemem cannot hold (mm/sparse.c mminit_validate_memmodel_limits()): refused by the
     * check and by the base formulas that take a DRAM start. */
    cs_config rv = make(12, 27, 56, 64, 64);
    EXPECT(cs_max_physmem_check(&rv, (UINT64_C(1) << 56) - 1) == CS_OK, "last address below 2^56");
    EXPECT(cs_max_physmem_check(&rv, UINT64_C(1) << 56) == CS_EDOMAIN, "2^56 with MAX_PHYSMEM_BITS 56");
    EXPECT(cs_max_physmem_check(&rv, UINT64_MAX) == CS_EDOMAIN, "UINT64_MAX");
    EXPECT(cs_riscv_vmemmap(&rv, UINT64_C(0xffffffc500000000), UINT64_MAX, UINT64_C(1) << 34, &v) == CS_EDOMAIN,
           "riscv vmemmap with DRAM 0xffffffffffffffff");
    EXPECT(cs_arm64_vmemmap(&rv, UINT64_C(0xfffffdffc0000000), UINT64_C(1) << 56, UINT64_C(1) << 30, &v) == CS_EDOMAIN,
           "arm64 vmemmap with DRAM 2^56");
    rv.max_physmem_bits = 64;
    EXPECT(cs_max_physmem_check(&rv, UINT64_MAX) == CS_OK, "every address with MAX_PHYSMEM_BITS 64");
    fprintf(stderr, "edges: %lu configurations\n", configs);
    printf("%lu passed, %lu failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}

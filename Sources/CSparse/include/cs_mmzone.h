/* cs_mmzone.h — sections, section_mem_map flags and encoding, folio limits (include/linux/mmzone.h, mm/sparse.c) (part of the CSparse mirror; include csparse.h). */
#ifndef CS_MMZONE_H
#define CS_MMZONE_H

#include "cs_core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------- */
/* Sections (include/linux/mmzone.h, include/linux/page-flags-layout.h)       */
/* ------------------------------------------------------------------------- */

/* PA_SECTION_SHIFT — include/linux/mmzone.h: (SECTION_SIZE_BITS). */
static inline uint32_t cs_pa_section_shift(const cs_config *c)
{
    return c->section_size_bits;
}

/* PFN_SECTION_SHIFT — include/linux/mmzone.h: (SECTION_SIZE_BITS - PAGE_SHIFT). */
static inline cs_status cs_pfn_section_shift(const cs_config *c, uint32_t *out)
{
    if (c->section_size_bits < c->page_shift)
        return CS_EDOMAIN;
    *out = c->section_size_bits - c->page_shift;
    return CS_OK;
}

/* PAGES_PER_SECTION — include/linux/mmzone.h: (1UL << PFN_SECTION_SHIFT). */
static inline cs_status cs_pages_per_section(const cs_config *c, uint64_t *out)
{
    uint32_t shift;
    CS_TRY(cs_pfn_section_shift(c, &shift));
    return cs_bit(c, shift, out);
}

/* PAGE_SECTION_MASK — include/linux/mmzone.h: (~(PAGES_PER_SECTION-1)), a mask on PFNs. */
static inline cs_status cs_page_section_mask(const cs_config *c, uint64_t *out)
{
    uint64_t pps;
    CS_TRY(cs_pages_per_section(c, &pps));
    *out = ~(pps - 1) & cs_ulong_max(c);
    return CS_OK;
}

/* SECTION_ALIGN_UP(pfn) — include/linux/mmzone.h: (((pfn) + PAGES_PER_SECTION - 1) & PAGE_SECTION_MASK). */
static inline cs_status cs_section_align_up(const cs_config *c, uint64_t pfn, uint64_t *out)
{
    uint64_t pps;
    CS_TRY(cs_pages_per_section(c, &pps));
    return cs_round_up(c, pfn, pps, out);
}

/* SECTION_ALIGN_DOWN(pfn) — include/linux/mmzone.h: ((pfn) & PAGE_SECTION_MASK). */
static inline cs_status cs_section_align_down(const cs_config *c, uint64_t pfn, uint64_t *out)
{
    uint64_t mask;
    CS_TRY(cs_page_section_mask(c, &mask));
    *out = pfn & mask;
    return CS_OK;
}

/* SECTIONS_SHIFT — include/linux/page-flags-layout.h: (MAX_PHYSMEM_BITS - SECTION_SIZE_BITS). */
static inline cs_status cs_sections_shift(const cs_config *c, uint32_t *out)
{
    if (c->max_physmem_bits < c->section_size_bits)
        return CS_EDOMAIN;
    *out = c->max_physmem_bits - c->section_size_bits;
    return CS_OK;
}

/* NR_MEM_SECTIONS — include/linux/mmzone.h: (1UL << SECTIONS_SHIFT). */
static inline cs_status cs_nr_mem_sections(const cs_config *c, uint64_t *out)
{
    uint32_t shift;
    CS_TRY(cs_sections_shift(c, &shift));
    return cs_bit(c, shift, out);
}

/* SECTIONS_PER_ROOT — include/linux/mmzone.h:
 * EXTREME: (PAGE_SIZE / sizeof (struct mem_section)); otherwise 1. */
static inline cs_status cs_sections_per_root(const cs_config *c, uint64_t *out)
{
    if (!c->sparsemem_extreme) {
        *out = 1;
        return CS_OK;
    }
    uint64_t page_size;
    CS_TRY(cs_page_size(c, &page_size));
    if (c->mem_section_size == 0 || c->mem_section_size > page_size)
        return CS_EDOMAIN;
    *out = page_size / c->mem_section_size;
    return CS_OK;
}

/* SECTION_ROOT_MASK — include/linux/mmzone.h: (SECTIONS_PER_ROOT - 1). */
static inline cs_status cs_section_root_mask(const cs_config *c, uint64_t *out)
{
    uint64_t spr;
    CS_TRY(cs_sections_per_root(c, &spr));
    *out = spr - 1;
    return CS_OK;
}

/* SECTION_NR_TO_ROOT(sec) — include/linux/mmzone.h: ((sec) / SECTIONS_PER_ROOT). */
static inline cs_status cs_section_nr_to_root(const cs_config *c, uint64_t sec, uint64_t *out)
{
    uint64_t spr;
    CS_TRY(cs_sections_per_root(c, &spr));
    *out = sec / spr;
    return CS_OK;
}

/* NR_SECTION_ROOTS — include/linux/mmzone.h: DIV_ROUND_UP(NR_MEM_SECTIONS, SECTIONS_PER_ROOT). */
static inline cs_status cs_nr_section_roots(const cs_config *c, uint64_t *out)
{
    uint64_t n, spr;
    CS_TRY(cs_nr_mem_sections(c, &n));
    CS_TRY(cs_sections_per_root(c, &spr));
    *out = n / spr + (n % spr != 0);
    return CS_OK;
}

/* pfn_to_section_nr() — include/linux/mmzone.h: pfn >> PFN_SECTION_SHIFT. */
static inline cs_status cs_pfn_to_section_nr(const cs_config *c, uint64_t pfn, uint64_t *out)
{
    uint32_t shift;
    CS_TRY(cs_pfn_section_shift(c, &shift));
    if (pfn > cs_ulong_max(c))
        return CS_EDOMAIN;
    *out = shift >= 64 ? 0 : pfn >> shift;
    return CS_OK;
}

/* section_nr_to_pfn() — include/linux/mmzone.h: sec << PFN_SECTION_SHIFT. */
static inline cs_status cs_section_nr_to_pfn(const cs_config *c, uint64_t sec, uint64_t *out)
{
    uint32_t shift;
    CS_TRY(cs_pfn_section_shift(c, &shift));
    return cs_shl(c, sec, shift, out);
}

/* SUBSECTION_SHIFT — include/linux/mmzone.h: 21 (2 MiB, the memory-hotplug granularity). */
#define CS_SUBSECTION_SHIFT 21u

/* PFN_SUBSECTION_SHIFT — include/linux/mmzone.h: (SUBSECTION_SHIFT - PAGE_SHIFT). */
static inline cs_status cs_pfn_subsection_shift(const cs_config *c, uint32_t *out)
{
    if (c->page_shift > CS_SUBSECTION_SHIFT)
        return CS_EDOMAIN;
    *out = CS_SUBSECTION_SHIFT - c->page_shift;
    return CS_OK;
}

/* PAGES_PER_SUBSECTION — include/linux/mmzone.h: (1UL << PFN_SUBSECTION_SHIFT). */
static inline cs_status cs_pages_per_subsection(const cs_config *c, uint64_t *out)
{
    uint32_t shift;
    CS_TRY(cs_pfn_subsection_shift(c, &shift));
    return cs_bit(c, shift, out);
}

/* PAGE_SUBSECTION_MASK — include/linux/mmzone.h: (~(PAGES_PER_SUBSECTION-1)). */
static inline cs_status cs_page_subsection_mask(const cs_config *c, uint64_t *out)
{
    uint64_t pps;
    CS_TRY(cs_pages_per_subsection(c, &pps));
    *out = ~(pps - 1) & cs_ulong_max(c);
    return CS_OK;
}

/* SUBSECTIONS_PER_SECTION — include/linux/mmzone.h: (1UL << (SECTION_SIZE_BITS - SUBSECTION_SHIFT));
 * the kernel refuses to build ("Subsection size exceeds section size") below 21 bits. */
static inline cs_status cs_subsections_per_section(const cs_config *c, uint64_t *out)
{
    if (c->section_size_bits < CS_SUBSECTION_SHIFT)
        return CS_EDOMAIN;
    return cs_bit(c, c->section_size_bits - CS_SUBSECTION_SHIFT, out);
}

/* subsection_map_index() — include/linux/mmzone.h (static inline; 7.2:2192-2195, 7.3:2198-2201):
 * (pfn & ~(PAGE_SECTION_MASK)) / PAGES_PER_SUBSECTION. */
static inline cs_status cs_subsection_map_index(const cs_config *c, uint64_t pfn, uint64_t *out)
{
    uint64_t mask, pps;
    CS_TRY(cs_page_section_mask(c, &mask));
    CS_TRY(cs_pages_per_subsection(c, &pps));
    if (c->section_size_bits < CS_SUBSECTION_SHIFT)
        return CS_EDOMAIN;
    *out = (pfn & ~mask) / pps;
    return CS_OK;
}

/* ------------------------------------------------------------------------- */
/* section_mem_map flags and encoding (include/linux/mmzone.h, mm/sparse.c)    */
/* ------------------------------------------------------------------------- */

/* SECTION_MAP_LAST_BIT — include/linux/mmzone.h: the enum value after the last configured flag bit
 * (4, plus one each for CONFIG_ZONE_DEVICE and CONFIG_SPARSEMEM_VMEMMAP_PREINIT). */
static inline uint32_t cs_section_map_last_bit(const cs_config *c)
{
    return 4u + (c->zone_device ? 1u : 0u) + (c->sparsemem_vmemmap_preinit ? 1u : 0u);
}

/* SECTION_*_BIT — include/linux/mmzone.h: the enum position of a flag; EDOMAIN if not configured. */
static inline cs_status cs_section_flag_bit(const cs_config *c, cs_section_flag flag, uint32_t *out)
{
    switch (flag) {
    case CS_SECTION_MARKED_PRESENT:
    case CS_SECTION_HAS_MEM_MAP:
    case CS_SECTION_IS_ONLINE:
    case CS_SECTION_IS_EARLY:
        *out = (uint32_t)flag;
        return CS_OK;
    case CS_SECTION_TAINT_ZONE_DEVICE:
        if (!c->zone_device)
            return CS_EDOMAIN;
        *out = 4;
        return CS_OK;
    case CS_SECTION_IS_VMEMMAP_PREINIT:
        if (!c->sparsemem_vmemmap_preinit)
            return CS_EDOMAIN;
        *out = c->zone_device ? 5 : 4;
        return CS_OK;
    }
    return CS_EDOMAIN;
}

/* SECTION_MAP_MASK — include/linux/mmzone.h: (~(BIT(SECTION_MAP_LAST_BIT) - 1)). */
static inline uint64_t cs_section_map_mask(const cs_config *c)
{
    return ~((UINT64_C(1) << cs_section_map_last_bit(c)) - 1) & cs_ulong_max(c);
}

/* SECTION_NID_SHIFT — include/linux/mmzone.h: SECTION_MAP_LAST_BIT. */
static inline uint32_t cs_section_nid_shift(const cs_config *c)
{
    return cs_section_map_last_bit(c);
}

/* The bound sparse_encode_mem_map()'s BUILD_BUG_ON compares SECTION_MAP_LAST_BIT against (mm/sparse.c):
 * 2018 (def9b71ee651; on the bit index since the 2022 enum conversion): PFN_SECTION_SHIFT;
 * 2026 (Muchun Song, "mm/sparse: fix BUILD_BUG_ON check for section map alignment"):
 *      min(PFN_SECTION_SHIFT + __ffs(sizeof(struct page)), PAGE_SHIFT). */
static inline cs_status cs_section_map_align_bits(const cs_config *c, cs_encode_bound form, uint32_t *out)
{
    uint32_t pss, ffs;
    CS_TRY(cs_pfn_section_shift(c, &pss));
    if (form == CS_BOUND_2018) {
        *out = pss;
        return CS_OK;
    }
    CS_TRY(cs___ffs(c->struct_page_size, &ffs));
    uint32_t bits = pss + ffs;
    *out = bits < c->page_shift ? bits : c->page_shift;
    return CS_OK;
}

/* BUILD_BUG_ON(SECTION_MAP_LAST_BIT > bound) in sparse_encode_mem_map() — mm/sparse.c: true when the
 * kernel builds. */
static inline cs_status cs_section_map_build_ok(const cs_config *c, cs_encode_bound form, bool *out)
{
    uint32_t bound;
    CS_TRY(cs_section_map_align_bits(c, form, &bound));
    *out = cs_section_map_last_bit(c) <= bound;
    return CS_OK;
}

/* sparse_encode_mem_map() — mm/sparse.c: (unsigned long)(mem_map - (section_nr_to_pfn(pnum))),
 * struct page pointer arithmetic, so the byte displacement is section_nr_to_pfn(pnum) * sizeof(struct page).
 * The kernel's run-time check (BUG_ON / VM_WARN_ON_ONCE(coded_mem_map & ~SECTION_MAP_MASK)) is
 * cs_section_map_encoding_ok(). */
static inline cs_status cs_sparse_encode_mem_map(const cs_config *c, uint64_t mem_map, uint64_t pnum,
                                                 uint64_t *out)
{
    uint64_t pfn, bytes;
    CS_TRY(cs_section_nr_to_pfn(c, pnum, &pfn));
    CS_TRY(cs_mul(c, pfn, c->struct_page_size, &bytes));
    return cs_sub(mem_map, bytes, out);
}

/* sparse_decode_mem_map() — mm/sparse.c:
 * ((struct page *)coded_mem_map & SECTION_MAP_MASK) + section_nr_to_pfn(pnum). */
static inline cs_status cs_sparse_decode_mem_map(const cs_config *c, uint64_t coded_mem_map, uint64_t pnum,
                                                 uint64_t *out)
{
    uint64_t pfn, bytes;
    CS_TRY(cs_section_nr_to_pfn(c, pnum, &pfn));
    CS_TRY(cs_mul(c, pfn, c->struct_page_size, &bytes));
    return cs_add(c, coded_mem_map & cs_section_map_mask(c), bytes, out);
}

/* The run-time condition in sparse_encode_mem_map() — mm/sparse.c: !(coded_mem_map & ~SECTION_MAP_MASK). */
static inline bool cs_section_map_encoding_ok(const cs_config *c, uint64_t coded_mem_map)
{
    return (coded_mem_map & ~cs_section_map_mask(c) & cs_ulong_max(c)) == 0;
}

/* ------------------------------------------------------------------------- */
/* Folio limits (include/linux/mmzone.h as of 7.1)                            */
/* ------------------------------------------------------------------------- */

/* MAX_FOLIO_ORDER — include/linux/mmzone.h (moved there by v7 01/18, ilog2 form by 12/18):
 *   !CONFIG_HAVE_GIGANTIC_FOLIOS:                     MAX_PAGE_ORDER
 *   CONFIG_SPARSEMEM && !CONFIG_SPARSEMEM_VMEMMAP:    PFN_SECTION_SHIFT
 *   CONFIG_HUGETLB_PAGE:  ilog2(SZ_16G) - PAGE_SHIFT (64-bit), ilog2(SZ_1G) - PAGE_SHIFT (32-bit)
 *   otherwise (ZONE_DEVICE PUD folios):               PUD_SHIFT - PAGE_SHIFT
 * A non-negative max_folio_order_override replaces the chain (a what-if, not a kernel path). */
static inline cs_status cs_max_folio_order(const cs_config *c, uint32_t *out)
{
    if (c->max_folio_order_override >= 0) {
        *out = (uint32_t)c->max_folio_order_override;
        return CS_OK;
    }
    if (!c->have_gigantic_folios) {
        *out = c->max_page_order;
        return CS_OK;
    }
    if (!c->sparsemem_vmemmap)
        return cs_pfn_section_shift(c, out);
    if (c->hugetlb_page) {
        uint32_t cap = c->bits_per_long == 64 ? 34u : 30u;
        if (c->page_shift > cap)
            return CS_EDOMAIN;
        *out = cap - c->page_shift;
        return CS_OK;
    }
    if (c->pud_shift < c->page_shift)
        return CS_EDOMAIN;
    *out = c->pud_shift - c->page_shift;
    return CS_OK;
}

/* MAX_FOLIO_NR_PAGES — include/linux/mmzone.h: (1UL << MAX_FOLIO_ORDER). */
static inline cs_status cs_max_folio_nr_pages(const cs_config *c, uint64_t *out)
{
    uint32_t order;
    CS_TRY(cs_max_folio_order(c, &order));
    return cs_bit(c, order, out);
}

/* MAX_FOLIO_SIZE — include/linux/mm.h (v2-v4 of the series): (PAGE_SIZE << MAX_FOLIO_ORDER). */
static inline cs_status cs_max_folio_size(const cs_config *c, uint64_t *out)
{
    uint32_t order;
    uint64_t page_size;
    CS_TRY(cs_max_folio_order(c, &order));
    CS_TRY(cs_page_size(c, &page_size));
    return cs_shl(c, page_size, order, out);
}

/* MAX_FOLIO_VMEMMAP_ALIGN — include/linux/mmzone.h (v7 05/18):
 * (IS_ENABLED(CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP) && is_power_of_2(sizeof(struct page)) ?
 *  MAX_FOLIO_NR_PAGES * sizeof(struct page) : 0). */
static inline cs_status cs_max_folio_vmemmap_align(const cs_config *c, uint64_t *out)
{
    if (!c->hugetlb_page_optimize_vmemmap || !cs_is_power_of_2(c->struct_page_size)) {
        *out = 0;
        return CS_OK;
    }
    uint64_t nr;
    CS_TRY(cs_max_folio_nr_pages(c, &nr));
    return cs_mul(c, nr, c->struct_page_size, out);
}

/* The v2 posting's demand in sparse_init() — mm/sparse.c (v2 02/14, 18 Dec 2025):
 * IS_ALIGNED(pfn_to_page(0), MAX_FOLIO_SIZE / sizeof(struct page)), integer division. */
static inline cs_status cs_max_folio_size_per_struct_page(const cs_config *c, uint64_t *out)
{
    uint64_t size;
    if (c->struct_page_size == 0)
        return CS_EDOMAIN;
    CS_TRY(cs_max_folio_size(c, &size));
    *out = size / c->struct_page_size;
    return CS_OK;
}


#ifdef __cplusplus
}
#endif

#endif /* CS_MMZONE_H */

/* cs_memory_model.h — pfn_to_page, memmap sizes and HVO (include/asm-generic/memory_model.h, mm/sparse.c, mm/hugetlb_vmemmap.h) (part of the CSparse mirror; include csparse.h). */
#ifndef CS_MEMORY_MODEL_H
#define CS_MEMORY_MODEL_H

#include "cs_core.h"
#include "cs_mmzone.h"

#ifdef __cplusplus
extern "C" {
#endif

/* pfn_to_page() under SPARSEMEM_VMEMMAP — include/asm-generic/memory_model.h: (vmemmap + (pfn)). */
static inline cs_status cs_pfn_to_page(const cs_config *c, uint64_t vmemmap, uint64_t pfn, uint64_t *out)
{
    uint64_t bytes;
    CS_TRY(cs_mul(c, pfn, c->struct_page_size, &bytes));
    return cs_add(c, vmemmap, bytes, out);
}

/* page_to_pfn() under SPARSEMEM_VMEMMAP — include/asm-generic/memory_model.h: (page - vmemmap);
 * EDOMAIN for an address below vmemmap or not on a struct page boundary. */
static inline cs_status cs_page_to_pfn(const cs_config *c, uint64_t vmemmap, uint64_t page, uint64_t *out)
{
    if (page < vmemmap || c->struct_page_size == 0)
        return CS_EDOMAIN;
    uint64_t off = page - vmemmap;
    if (off % c->struct_page_size != 0)
        return CS_EDOMAIN;
    *out = off / c->struct_page_size;
    return CS_OK;
}

/* Memmap bytes of one section — mm/sparse.c: sizeof(struct page) * PAGES_PER_SECTION
 * (the size section_map_size() rounds and __populate_section_memmap() populates). */
static inline cs_status cs_memmap_bytes_per_section(const cs_config *c, uint64_t *out)
{
    uint64_t pps;
    CS_TRY(cs_pages_per_section(c, &pps));
    return cs_mul(c, pps, c->struct_page_size, out);
}

/* Memmap bytes of one subsection — mm/sparse.c section_activate(): nr_pages = PAGES_PER_SUBSECTION,
 * sizeof(struct page) * PAGES_PER_SUBSECTION. */
static inline cs_status cs_memmap_bytes_per_subsection(const cs_config *c, uint64_t *out)
{
    uint64_t pps;
    CS_TRY(cs_pages_per_subsection(c, &pps));
    return cs_mul(c, pps, c->struct_page_size, out);
}

/* section_map_size() — mm/sparse.c: VMEMMAP: ALIGN(sizeof(struct page) * PAGES_PER_SECTION, PMD_SIZE);
 * classic: PAGE_ALIGN(sizeof(struct page) * PAGES_PER_SECTION). */
static inline cs_status cs_section_map_size(const cs_config *c, uint64_t *out)
{
    uint64_t bytes, unit;
    CS_TRY(cs_memmap_bytes_per_section(c, &bytes));
    CS_TRY(cs_bit(c, c->sparsemem_vmemmap ? c->pmd_shift : c->page_shift, &unit));
    return cs_round_up(c, bytes, unit, out);
}

/* PHYS_PFN(x) — include/linux/pfn.h: ((unsigned long)((x) >> PAGE_SHIFT)); PFN_DOWN is the same. */
static inline cs_status cs_phys_pfn(const cs_config *c, uint64_t phys, uint64_t *out)
{
    if (c->page_shift >= 64)
        return CS_EDOMAIN;
    *out = phys >> c->page_shift;
    return CS_OK;
}

/* PFN_UP(x) — include/linux/pfn.h: (((x) + PAGE_SIZE-1) >> PAGE_SHIFT), without the wrap at the top. */
static inline cs_status cs_pfn_up(const cs_config *c, uint64_t phys, uint64_t *out)
{
    uint64_t page_size, rounded;
    CS_TRY(cs_page_size(c, &page_size));
    CS_TRY(cs_round_up(c, phys, page_size, &rounded));
    *out = rounded >> c->page_shift;
    return CS_OK;
}

/* PFN_PHYS(x) — include/linux/pfn.h: ((phys_addr_t)(x) << PAGE_SHIFT). */
static inline cs_status cs_pfn_phys(const cs_config *c, uint64_t pfn, uint64_t *out)
{
    return cs_shl(c, pfn, c->page_shift, out);
}

/* The size of one mapping that backs the vmemmap — the arch's vmemmap_populate() (e.g.
 * arch/x86/mm/init_64.c, arch/arm64/mm/mmu.c): vmemmap_populate_hugepages() installs PMD_SIZE blocks
 * when the architecture maps the vmemmap with PMDs and a section's memmap is whole PMDs
 * (section_map_size() == sizeof(struct page) * PAGES_PER_SECTION); otherwise
 * vmemmap_populate_basepages() maps PAGE_SIZE pages. Struct pages in one unit share its backing memory. */
static inline cs_status cs_vmemmap_backing_unit(const cs_config *c, bool arch_maps_pmd, uint64_t *out)
{
    uint64_t bytes, map_size;
    CS_TRY(cs_memmap_bytes_per_section(c, &bytes));
    if (c->sparsemem_vmemmap && arch_maps_pmd) {
        CS_TRY(cs_section_map_size(c, &map_size));
        if (map_size == bytes)
            return cs_bit(c, c->pmd_shift, out);
    }
    return cs_page_size(c, out);
}

/* HUGETLB_VMEMMAP_RESERVE_SIZE — mm/hugetlb_vmemmap.h: PAGE_SIZE. hugetlb_vmemmap_optimizable_size() —
 * mm/hugetlb_vmemmap.h: size = pages_per_huge_page * sizeof(struct page) - HUGETLB_VMEMMAP_RESERVE_SIZE;
 * 0 unless is_power_of_2(sizeof(struct page)); max(size, 0). */
static inline cs_status cs_hugetlb_vmemmap_optimizable_size(const cs_config *c, uint32_t order, uint64_t *out)
{
    uint64_t pages, bytes, page_size;
    if (!cs_is_power_of_2(c->struct_page_size)) {
        *out = 0;
        return CS_OK;
    }
    CS_TRY(cs_bit(c, order, &pages));
    CS_TRY(cs_mul(c, pages, c->struct_page_size, &bytes));
    CS_TRY(cs_page_size(c, &page_size));
    *out = bytes > page_size ? bytes - page_size : 0;
    return CS_OK;
}

/* VMEMMAP_TAIL_MIN_ORDER — include/linux/mmzone.h (v7 12/18): ilog2(2 * PAGE_SIZE / sizeof(struct page)). */
static inline cs_status cs_vmemmap_tail_min_order(const cs_config *c, uint32_t *out)
{
    uint64_t page_size, twice;
    CS_TRY(cs_page_size(c, &page_size));
    CS_TRY(cs_mul(c, page_size, 2, &twice));
    if (c->struct_page_size == 0 || c->struct_page_size > twice)
        return CS_EDOMAIN;
    return cs_ilog2(twice / c->struct_page_size, out);
}

/* NR_VMEMMAP_TAILS — include/linux/mmzone.h (v7 12/18):
 * __NR_VMEMMAP_TAILS = MAX_FOLIO_ORDER - VMEMMAP_TAIL_MIN_ORDER + 1; NR_VMEMMAP_TAILS = max(that, 0). */
static inline cs_status cs_nr_vmemmap_tails(const cs_config *c, uint32_t *out)
{
    uint32_t order, min_order;
    CS_TRY(cs_max_folio_order(c, &order));
    CS_TRY(cs_vmemmap_tail_min_order(c, &min_order));
    int64_t n = (int64_t)order - (int64_t)min_order + 1;
    *out = n > 0 ? (uint32_t)n : 0u;
    return CS_OK;
}

/* ------------------------------------------------------------------------- */

#ifdef __cplusplus
}
#endif

#endif /* CS_MEMORY_MODEL_H */

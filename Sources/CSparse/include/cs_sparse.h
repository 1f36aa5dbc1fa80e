/* cs_sparse.h — config validation and the checks sparse_init() makes (mm/sparse.c) (part of the CSparse mirror; include csparse.h). */
#ifndef CS_SPARSE_H
#define CS_SPARSE_H

#include "cs_core.h"
#include "cs_arch.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Config validation and the checks sparse_init() makes                       */
/* ------------------------------------------------------------------------- */

/* Not one kernel macro: the conditions under which the kernel builds and the mirrored arithmetic is
 * defined.  Returns CS_OK, or CS_EDOMAIN with the offending field and the reason. */
static inline cs_status cs_config_validate(const cs_config *c, cs_field *field, cs_reason *reason)
{
#define CS_REJECT(f, r) do { *field = (f); *reason = (r); return CS_EDOMAIN; } while (0)
    *field = CS_FIELD_NONE;
    *reason = CS_REASON_NONE;
    if (c->bits_per_long != 32 && c->bits_per_long != 64)
        CS_REJECT(CS_FIELD_BITS_PER_LONG, CS_REASON_RANGE);
    if (c->page_shift < 10 || c->page_shift > CS_SUBSECTION_SHIFT)
        CS_REJECT(CS_FIELD_PAGE_SHIFT, CS_REASON_RANGE);
    if (c->max_physmem_bits > c->bits_per_long || c->max_physmem_bits < 20)
        CS_REJECT(CS_FIELD_MAX_PHYSMEM_BITS, CS_REASON_RANGE);
    if (c->section_size_bits < c->page_shift)
        CS_REJECT(CS_FIELD_SECTION_SIZE_BITS, CS_REASON_BELOW_PAGE_SHIFT);
    if (c->section_size_bits < CS_SUBSECTION_SHIFT)
        CS_REJECT(CS_FIELD_SECTION_SIZE_BITS, CS_REASON_BELOW_SUBSECTION);
    if (c->section_size_bits > c->max_physmem_bits)
        CS_REJECT(CS_FIELD_SECTION_SIZE_BITS, CS_REASON_ABOVE_PHYSMEM);
    if (c->max_page_order > 63)
        CS_REJECT(CS_FIELD_MAX_PAGE_ORDER, CS_REASON_RANGE);
    if (c->max_page_order + c->page_shift > c->section_size_bits)
        CS_REJECT(CS_FIELD_MAX_PAGE_ORDER, CS_REASON_ORDER_EXCEEDS_SECTION);
    uint64_t page_size = UINT64_C(1) << c->page_shift;
    if (c->struct_page_size == 0 || c->struct_page_size > page_size)
        CS_REJECT(CS_FIELD_STRUCT_PAGE_SIZE, CS_REASON_RANGE);
    if (c->struct_page_size % (c->bits_per_long / 8) != 0)
        CS_REJECT(CS_FIELD_STRUCT_PAGE_SIZE, CS_REASON_NOT_LONG_MULTIPLE);
    if (c->pmd_shift <= c->page_shift || c->pmd_shift >= c->bits_per_long)
        CS_REJECT(CS_FIELD_PMD_SHIFT, CS_REASON_RANGE);
    if (c->pud_shift < c->pmd_shift || c->pud_shift >= c->bits_per_long)
        CS_REJECT(CS_FIELD_PUD_SHIFT, CS_REASON_RANGE);
    if (c->sparsemem_extreme && (c->mem_section_size < 8 || c->mem_section_size > page_size))
        CS_REJECT(CS_FIELD_MEM_SECTION_SIZE, CS_REASON_RANGE);
    if (c->sparsemem_extreme && !cs_is_power_of_2(c->mem_section_size))
        CS_REJECT(CS_FIELD_MEM_SECTION_SIZE, CS_REASON_NOT_POWER_OF_2);
    if (c->max_folio_order_override >= 0 &&
        (uint32_t)c->max_folio_order_override + c->page_shift > c->max_physmem_bits)
        CS_REJECT(CS_FIELD_MAX_FOLIO_ORDER, CS_REASON_RANGE);
    uint64_t v;
    uint32_t o;
    if (cs_max_folio_order(c, &o) != CS_OK || cs_max_folio_size(c, &v) != CS_OK ||
        cs_max_folio_nr_pages(c, &v) != CS_OK)
        CS_REJECT(CS_FIELD_MAX_FOLIO_ORDER, CS_REASON_OVERFLOW);
    uint64_t nr;
    (void)cs_max_folio_nr_pages(c, &nr);
    if (cs_mul(c, nr, c->struct_page_size, &v) != CS_OK)
        CS_REJECT(CS_FIELD_MAX_FOLIO_ORDER, CS_REASON_OVERFLOW);
    return CS_OK;
#undef CS_REJECT
}

/* Every number the rules need, computed once: the checks of sparse_init() (mm/sparse.c, 7.1:
 * VM_WARN_ON_ONCE(compound_info_has_mask() && !IS_ALIGNED(pfn_to_page(0), MAX_FOLIO_VMEMMAP_ALIGN))),
 * the v2 posting's form, and sparse_encode_mem_map()'s build-time and run-time conditions. */
typedef struct cs_verdict {
    uint64_t vmemmap;           /* pfn_to_page(0)                                    */
    uint64_t actual_alignment;  /* largest power of two dividing it (0: vmemmap == 0) */
    uint64_t max_folio_vmemmap_align; /* MAX_FOLIO_VMEMMAP_ALIGN                    */
    uint64_t max_folio_nr_pages;
    uint64_t max_folio_size;
    uint64_t v2_demand;         /* MAX_FOLIO_SIZE / sizeof(struct page)              */
    uint64_t section_map_required; /* BIT(SECTION_MAP_LAST_BIT)                      */
    uint32_t max_folio_order;
    uint32_t section_map_last_bit;
    uint32_t bound_2018;
    uint32_t bound_2026;
    bool has_mask;              /* compound_info_has_mask(), merged form             */
    bool has_mask_v3v4;         /* compound_info_has_mask(), v3/v4 form              */
    bool folio_aligned;         /* IS_ALIGNED(pfn_to_page(0), MAX_FOLIO_VMEMMAP_ALIGN) */
    bool v2_aligned;            /* IS_ALIGNED(pfn_to_page(0), v2_demand), kernel bit test */
    bool v2_demand_pow2;
    bool build_ok_2018;
    bool build_ok_2026;
    bool encoding_ok;           /* !(pfn_to_page(0) & ~SECTION_MAP_MASK)             */
} cs_verdict;

/* The parts of cs_sparse_init_checks() that depend on the configuration only (a sweep computes them
 * once per configuration and calls cs_sparse_init_base() for each base). */
static inline cs_status cs_sparse_init_config(const cs_config *c, cs_verdict *v)
{
    CS_TRY(cs_max_folio_order(c, &v->max_folio_order));
    CS_TRY(cs_max_folio_nr_pages(c, &v->max_folio_nr_pages));
    CS_TRY(cs_max_folio_size(c, &v->max_folio_size));
    CS_TRY(cs_max_folio_vmemmap_align(c, &v->max_folio_vmemmap_align));
    CS_TRY(cs_max_folio_size_per_struct_page(c, &v->v2_demand));
    CS_TRY(cs_section_map_align_bits(c, CS_BOUND_2018, &v->bound_2018));
    CS_TRY(cs_section_map_align_bits(c, CS_BOUND_2026, &v->bound_2026));
    v->section_map_last_bit = cs_section_map_last_bit(c);
    v->section_map_required = UINT64_C(1) << v->section_map_last_bit;
    v->has_mask = cs_compound_info_has_mask(c, CS_MASK_MERGED);
    v->has_mask_v3v4 = cs_compound_info_has_mask(c, CS_MASK_V3V4);
    v->v2_demand_pow2 = cs_is_power_of_2(v->v2_demand);
    v->build_ok_2018 = v->section_map_last_bit <= v->bound_2018;
    v->build_ok_2026 = v->section_map_last_bit <= v->bound_2026;
    return CS_OK;
}

/* The base-dependent parts: v holds cs_sparse_init_config() of the same c. */
static inline cs_status cs_sparse_init_base(const cs_config *c, uint64_t vmemmap, cs_verdict *v)
{
    if (vmemmap > cs_ulong_max(c))
        return CS_EDOMAIN;
    v->vmemmap = vmemmap;
    v->actual_alignment = cs_actual_alignment(vmemmap);
    v->folio_aligned = cs_is_aligned(vmemmap, v->max_folio_vmemmap_align);
    v->v2_aligned = cs_is_aligned(vmemmap, v->v2_demand);
    v->encoding_ok = cs_section_map_encoding_ok(c, vmemmap);
    return CS_OK;
}

/* The checks sparse_init() and sparse_encode_mem_map() make (mm/sparse.c), for a vmemmap base. */
static inline cs_status cs_sparse_init_checks(const cs_config *c, uint64_t vmemmap, cs_verdict *v)
{
    CS_TRY(cs_sparse_init_config(c, v));
    return cs_sparse_init_base(c, vmemmap, v);
}

/* ------------------------------------------------------------------------- */

#ifdef __cplusplus
}
#endif

#endif /* CS_SPARSE_H */

/* cs_page_flags.h — the mask-encoded compound_info (include/linux/page-flags.h) (part of the CSparse mirror; include csparse.h). */
#ifndef CS_PAGE_FLAGS_H
#define CS_PAGE_FLAGS_H

#include "cs_core.h"
#include "cs_mmzone.h"

#ifdef __cplusplus
extern "C" {
#endif

/* compound_info_has_mask() — include/linux/page-flags.h:
 * v3/v4: IS_ENABLED(CONFIG_SPARSEMEM_VMEMMAP) && is_power_of_2(sizeof(struct page));
 * merged (7.1; 7.2 page-flags.h:208): IS_ENABLED(CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP) &&
 * is_power_of_2(sizeof(struct page)); before 7.1 (CS_MASK_NONE) there is no mask: false. */
static inline bool cs_compound_info_has_mask(const cs_config *c, cs_mask_form form)
{
    bool gate = form == CS_MASK_V3V4 ? c->sparsemem_vmemmap
              : (form == CS_MASK_MERGED ? c->hugetlb_page_optimize_vmemmap : false);
    return gate && cs_is_power_of_2(c->struct_page_size);
}

/* The mask set_compound_head() stores in a tail's compound_info — include/linux/page-flags.h:
 * GENMASK(BITS_PER_LONG - 1, order + order_base_2(sizeof(struct page))) | 1. */
static inline cs_status cs_compound_info_mask(const cs_config *c, uint32_t order, uint64_t *out)
{
    uint64_t low = (uint64_t)order + cs_order_base_2(c->struct_page_size);
    uint64_t mask;
    if (low >= c->bits_per_long)
        return CS_EDOMAIN;
    CS_TRY(cs_genmask(c, c->bits_per_long - 1, (uint32_t)low, &mask));
    *out = mask | 1;
    return CS_OK;
}

/* set_compound_head() — include/linux/page-flags.h: the word a tail of a folio of `order` whose head
 * struct page is at `head` stores: the mask when compound_info_has_mask(), else (unsigned long)head | 1
 * (page-flags.h 7.2/7.3:264; the same value, a struct page address being even). */
static inline cs_status cs_set_compound_head(const cs_config *c, cs_mask_form form, uint64_t head,
                                             uint32_t order, uint64_t *out)
{
    if (cs_compound_info_has_mask(c, form))
        return cs_compound_info_mask(c, order, out);
    return cs_add(c, head, 1, out);
}

/* _compound_head() — include/linux/page-flags.h. With the mask (v7 16/18, branchless):
 * mask = ((info & 1) - 1) | info; return page & mask. Without it: info & 1 ? info - 1 : page. */
static inline uint64_t cs_compound_head(const cs_config *c, cs_mask_form form, uint64_t page, uint64_t info)
{
    if (cs_compound_info_has_mask(c, form)) {
        uint64_t mask = (((info & 1) - 1) | info) & cs_ulong_max(c);
        return page & mask;
    }
    return (info & 1) ? info - 1 : page;
}


#ifdef __cplusplus
}
#endif

#endif /* CS_PAGE_FLAGS_H */

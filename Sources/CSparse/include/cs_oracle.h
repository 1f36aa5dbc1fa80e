/* cs_oracle.h — the brute-force decode oracle (tests only) (part of the CSparse mirror; include csparse.h). */
#ifndef CS_ORACLE_H
#define CS_ORACLE_H

#include "cs_core.h"
#include "cs_page_flags.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Test oracle                                                                */
/* ------------------------------------------------------------------------- */

/* Not a kernel function: the brute-force oracle.  For the folio of `order` at `head_pfn`, store every
 * `stride`-th tail's word as prep_compound_tail() -> set_compound_head() would, decode it with
 * _compound_head() (include/linux/page-flags.h), and count tails whose decoded head is not the head's
 * struct page.  The last tail is always visited.  *first_bad_pfn is the first wrong tail (or unchanged). */
static inline cs_status cs_bruteforce_decode(const cs_config *c, cs_mask_form form, uint64_t vmemmap,
                                             uint64_t head_pfn, uint32_t order, uint64_t stride,
                                             uint64_t *bad_tails, uint64_t *first_bad_pfn)
{
    uint64_t nr, head, info, last;
    if (stride == 0)
        return CS_EDOMAIN;
    CS_TRY(cs_bit(c, order, &nr));
    if (head_pfn & (nr - 1))
        return CS_EDOMAIN; /* folios are naturally aligned in PFN space */
    CS_TRY(cs_pfn_to_page(c, vmemmap, head_pfn, &head));
    CS_TRY(cs_add(c, head_pfn, nr - 1, &last));
    CS_TRY(cs_pfn_to_page(c, vmemmap, last, &info));
    CS_TRY(cs_set_compound_head(c, form, head, order, &info));
    uint64_t bad = 0;
    for (uint64_t i = 1; i < nr; i = (i > nr - 1 - stride) ? (i == nr - 1 ? nr : nr - 1) : i + stride) {
        uint64_t page = head + i * c->struct_page_size; /* cannot overflow: last tail checked above */
        if (cs_compound_head(c, form, page, info) != head) {
            if (bad == 0)
                *first_bad_pfn = head_pfn + i;
            bad++;
        }
    }
    *bad_tails = bad;
    return CS_OK;
}


#ifdef __cplusplus
}
#endif

#endif /* CS_ORACLE_H */

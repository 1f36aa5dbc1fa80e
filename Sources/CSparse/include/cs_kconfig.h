/* cs_kconfig.h — Kconfig derivations (mm/Kconfig, fs/Kconfig) (part of the CSparse mirror; include csparse.h). */
#ifndef CS_KCONFIG_H
#define CS_KCONFIG_H

#include "cs_core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------- */
/* Kconfig derivations                                                        */
/* ------------------------------------------------------------------------- */

/* config HAVE_GIGANTIC_FOLIOS — mm/Kconfig:
 * def_bool (HUGETLB_PAGE && ARCH_HAS_GIGANTIC_PAGE) || (ZONE_DEVICE && HAVE_ARCH_TRANSPARENT_HUGEPAGE_PUD). */
static inline bool cs_kconfig_have_gigantic_folios(bool hugetlb_page, bool arch_has_gigantic_page,
                                                   bool zone_device, bool have_thp_pud)
{
    return (hugetlb_page && arch_has_gigantic_page) || (zone_device && have_thp_pud);
}

/* config HUGETLB_PAGE_OPTIMIZE_VMEMMAP — fs/Kconfig: def_bool HUGETLB_PAGE,
 * depends on ARCH_WANT_OPTIMIZE_HUGETLB_VMEMMAP && SPARSEMEM_VMEMMAP. */
static inline bool cs_kconfig_hugetlb_page_optimize_vmemmap(bool hugetlb_page, bool arch_want_hvo,
                                                            bool sparsemem_vmemmap)
{
    return hugetlb_page && arch_want_hvo && sparsemem_vmemmap;
}


#ifdef __cplusplus
}
#endif

#endif /* CS_KCONFIG_H */

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

/* config SPARSEMEM_VMEMMAP_PREINIT — mm/Kconfig:466 (a bool without prompt), selected only by
 * HUGETLB_PAGE_OPTIMIZE_VMEMMAP: `select SPARSEMEM_VMEMMAP_PREINIT if ARCH_WANT_HUGETLB_VMEMMAP_PREINIT`
 * (fs/Kconfig:281, 7.2); x86 selects ARCH_WANT_HUGETLB_VMEMMAP_PREINIT if X86_64 (arch/x86/Kconfig:150). */
static inline bool cs_kconfig_sparsemem_vmemmap_preinit(bool hugetlb_page_optimize_vmemmap,
                                                        bool arch_want_hugetlb_vmemmap_preinit)
{
    return hugetlb_page_optimize_vmemmap && arch_want_hugetlb_vmemmap_preinit;
}

#ifdef __cplusplus
}
#endif

#endif /* CS_KCONFIG_H */

/*
 * csparse.h — a mirror of the Linux kernel's SPARSEMEM / SPARSEMEM_VMEMMAP,
 * folio-limit and HugeTLB-vmemmap-optimisation (HVO) alignment arithmetic.
 *
 * Every kernel compile-time input is a field of struct cs_config; every
 * function is pure, reads only its arguments, and names the kernel macro or
 * function it mirrors (file relative to the kernel tree).  Names are the
 * kernel's, lower-cased, behind a "cs_" prefix so they cannot collide with
 * libc (ffs) or with each other.
 *
 * Kernel "unsigned long" values are carried in uint64_t and limited to
 * BITS_PER_LONG bits.  Nothing here wraps: a shift, product, sum or
 * difference whose true value does not fit returns CS_EOVERFLOW, an input
 * outside a function's domain returns CS_EDOMAIN, and *out is left alone.
 *
 * Only <stdint.h> and <stdbool.h>: no globals, no allocation, no I/O.
 */
#ifndef CSPARSE_H
#define CSPARSE_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cs_status {
    CS_OK = 0,
    CS_EOVERFLOW = 1, /* the true result does not fit in BITS_PER_LONG bits */
    CS_EDOMAIN = 2,   /* an input is outside the function's domain        */
} cs_status;

/* Propagate a failed step: the only control-flow macro here. */
#define CS_TRY(expr)                         \
    do {                                     \
        cs_status cs_try_status_ = (expr);   \
        if (cs_try_status_ != CS_OK)         \
            return cs_try_status_;           \
    } while (0)

/* Which kernel's formula applies where the series changed one. */
typedef enum cs_kernel {
    CS_KERNEL_6_18 = 0, /* before "mm: Eliminate fake head pages from vmemmap optimization" */
    CS_KERNEL_7_1 = 1,  /* as merged for 7.1 (v7 of the series)                          */
    CS_KERNEL_NEXT = 2, /* later riscv fix: VMEMMAP_ADDR_ALIGN from PFN_PHYS(...)         */
} cs_kernel;

/* The two forms of compound_info_has_mask() (include/linux/page-flags.h). */
typedef enum cs_mask_form {
    CS_MASK_V3V4 = 0,   /* v3/v4: CONFIG_SPARSEMEM_VMEMMAP && is_power_of_2(sizeof(struct page)) */
    CS_MASK_MERGED = 1, /* v5..v7, 7.1: CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP && is_power_of_2(...) */
} cs_mask_form;

/* The two forms of the sparse_encode_mem_map() build-time bound (mm/sparse.c). */
typedef enum cs_encode_bound {
    CS_BOUND_2018 = 0, /* BUILD_BUG_ON(SECTION_MAP_LAST_BIT > PFN_SECTION_SHIFT): Petr Tesarik 2018
                          (def9b71ee651, then as (1UL<<PFN_SECTION_SHIFT) on a flag value), restated on
                          the bit index by Muchun Song's 2022 enum conversion */
    CS_BOUND_2026 = 1, /* ... > min(PFN_SECTION_SHIFT + __ffs(sizeof(struct page)), PAGE_SHIFT) */
} cs_encode_bound;

/* The section_mem_map flag bits (include/linux/mmzone.h, enum before SECTION_MAP_LAST_BIT). */
typedef enum cs_section_flag {
    CS_SECTION_MARKED_PRESENT = 0,
    CS_SECTION_HAS_MEM_MAP = 1,
    CS_SECTION_IS_ONLINE = 2,
    CS_SECTION_IS_EARLY = 3,
    CS_SECTION_TAINT_ZONE_DEVICE = 4,   /* only with CONFIG_ZONE_DEVICE                 */
    CS_SECTION_IS_VMEMMAP_PREINIT = 5,  /* only with CONFIG_SPARSEMEM_VMEMMAP_PREINIT   */
} cs_section_flag;

/* Which cs_config field cs_config_validate() rejected. */
typedef enum cs_field {
    CS_FIELD_NONE = 0,
    CS_FIELD_BITS_PER_LONG,
    CS_FIELD_PAGE_SHIFT,
    CS_FIELD_SECTION_SIZE_BITS,
    CS_FIELD_MAX_PHYSMEM_BITS,
    CS_FIELD_STRUCT_PAGE_SIZE,
    CS_FIELD_MAX_PAGE_ORDER,
    CS_FIELD_PMD_SHIFT,
    CS_FIELD_PUD_SHIFT,
    CS_FIELD_MEM_SECTION_SIZE,
    CS_FIELD_MAX_FOLIO_ORDER,
} cs_field;

/* Why cs_config_validate() rejected a field (the kernel check it stands for). */
typedef enum cs_reason {
    CS_REASON_NONE = 0,
    CS_REASON_RANGE,              /* outside the supported range                          */
    CS_REASON_BELOW_PAGE_SHIFT,   /* SECTION_SIZE_BITS < PAGE_SHIFT                        */
    CS_REASON_BELOW_SUBSECTION,   /* #error "Subsection size exceeds section size"         */
    CS_REASON_ABOVE_PHYSMEM,      /* SECTION_SIZE_BITS > MAX_PHYSMEM_BITS                  */
    CS_REASON_ORDER_EXCEEDS_SECTION, /* #error "Allocator MAX_PAGE_ORDER exceeds SECTION_SIZE" */
    CS_REASON_NOT_LONG_MULTIPLE,  /* sizeof(struct page) not a multiple of sizeof(long)    */
    CS_REASON_NOT_POWER_OF_2,     /* sizeof(struct mem_section) & (size - 1): BUILD_BUG_ON  */
    CS_REASON_OVERFLOW,           /* a derived value does not fit BITS_PER_LONG bits       */
} cs_reason;

/* Every compile-time input the mirrored arithmetic reads. */
typedef struct cs_config {
    uint32_t page_shift;        /* PAGE_SHIFT (arch/x/include/asm/page*.h)                */
    uint32_t section_size_bits; /* SECTION_SIZE_BITS (arch/x/include/asm/sparsemem.h)     */
    uint32_t max_physmem_bits;  /* MAX_PHYSMEM_BITS (arch/x/include/asm/sparsemem.h)      */
    uint32_t max_page_order;    /* MAX_PAGE_ORDER (include/linux/mmzone.h)                */
    uint32_t bits_per_long;     /* BITS_PER_LONG: 32 or 64                                */
    uint32_t pmd_shift;         /* PMD_SHIFT (vmemmap PMD mappings, section_map_size())   */
    uint32_t pud_shift;         /* PUD_SHIFT (MAX_FOLIO_ORDER's ZONE_DEVICE case)         */
    uint32_t mem_section_size;  /* sizeof(struct mem_section): 16, or 32 with PAGE_EXTENSION */
    uint64_t struct_page_size;  /* sizeof(struct page)                                    */
    int32_t max_folio_order_override; /* < 0: derive MAX_FOLIO_ORDER as the kernel does;
                                         >= 0: a what-if value replacing the #if chain     */
    bool sparsemem_vmemmap;             /* CONFIG_SPARSEMEM_VMEMMAP              */
    bool hugetlb_page;                  /* CONFIG_HUGETLB_PAGE                   */
    bool have_gigantic_folios;          /* CONFIG_HAVE_GIGANTIC_FOLIOS           */
    bool hugetlb_page_optimize_vmemmap; /* CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP  */
    bool zone_device;                   /* CONFIG_ZONE_DEVICE                    */
    bool sparsemem_vmemmap_preinit;     /* CONFIG_SPARSEMEM_VMEMMAP_PREINIT      */
    bool sparsemem_extreme;             /* CONFIG_SPARSEMEM_EXTREME              */
} cs_config;

/* ------------------------------------------------------------------------- */
/* Bit helpers                                                                */
/* ------------------------------------------------------------------------- */

/* The largest value of a kernel "unsigned long" (ULONG_MAX, include/linux/limits.h). */
static inline uint64_t cs_ulong_max(const cs_config *c)
{
    return c->bits_per_long >= 64 ? UINT64_MAX : ((UINT64_C(1) << c->bits_per_long) - 1);
}

/* is_power_of_2() — include/linux/log2.h: n != 0 && (n & (n - 1)) == 0. */
static inline bool cs_is_power_of_2(uint64_t n)
{
    return n != 0 && (n & (n - 1)) == 0;
}

/* ilog2() — include/linux/log2.h: floor(log2(n)); undefined for 0 in the kernel. */
static inline cs_status cs_ilog2(uint64_t n, uint32_t *out)
{
    if (n == 0)
        return CS_EDOMAIN;
    *out = 63u - (uint32_t)__builtin_clzll(n);
    return CS_OK;
}

/* order_base_2() — include/linux/log2.h: n > 1 ? ilog2(n - 1) + 1 : 0 (ceil(log2(n))). */
static inline uint32_t cs_order_base_2(uint64_t n)
{
    return n > 1 ? (64u - (uint32_t)__builtin_clzll(n - 1)) : 0u;
}

/* __ffs() — include/asm-generic/bitops/__ffs.h: index of the lowest set bit; undefined for 0. */
static inline cs_status cs___ffs(uint64_t word, uint32_t *out)
{
    if (word == 0)
        return CS_EDOMAIN;
    *out = (uint32_t)__builtin_ctzll(word);
    return CS_OK;
}

/* BIT(nr) — include/vdso/bits.h: 1UL << nr. */
static inline cs_status cs_bit(const cs_config *c, uint32_t nr, uint64_t *out)
{
    if (nr >= c->bits_per_long || nr >= 64)
        return CS_EOVERFLOW;
    *out = UINT64_C(1) << nr;
    return CS_OK;
}

/* GENMASK(h, l) — include/linux/bits.h: bits l..h set; a build error unless l <= h < BITS_PER_LONG. */
static inline cs_status cs_genmask(const cs_config *c, uint32_t h, uint32_t l, uint64_t *out)
{
    if (h >= c->bits_per_long || h >= 64 || l > h)
        return CS_EDOMAIN;
    uint64_t upper = (h == 63) ? UINT64_MAX : ((UINT64_C(1) << (h + 1)) - 1);
    *out = upper & ~((UINT64_C(1) << l) - 1);
    return CS_OK;
}

/* IS_ALIGNED(x, a) — include/linux/align.h: ((x) & ((typeof(x))(a) - 1)) == 0.
 * Kept exactly: for a == 0 the mask is all ones, and for a non-power-of-two
 * a the test is the kernel's (meaningless) bit test, not x % a. */
static inline bool cs_is_aligned(uint64_t x, uint64_t a)
{
    return (x & (a - 1)) == 0;
}

/* Not a kernel macro: the largest power of two dividing x (x & -x); 0 for x == 0 (every power divides). */
static inline uint64_t cs_actual_alignment(uint64_t x)
{
    return x & (~x + 1);
}

/* round_down(x, y) — include/linux/math.h: x & ~(y - 1); y must be a power of two. */
static inline cs_status cs_round_down(uint64_t x, uint64_t y, uint64_t *out)
{
    if (!cs_is_power_of_2(y))
        return CS_EDOMAIN;
    *out = x & ~(y - 1);
    return CS_OK;
}

/* round_up(x, y) / ALIGN(x, a) — include/linux/math.h, include/linux/align.h:
 * ((x - 1) | (y - 1)) + 1; y must be a power of two; fails if the result passes ULONG_MAX. */
static inline cs_status cs_round_up(const cs_config *c, uint64_t x, uint64_t y, uint64_t *out)
{
    if (!cs_is_power_of_2(y) || x > cs_ulong_max(c) || y > cs_ulong_max(c))
        return CS_EDOMAIN;
    uint64_t down = x & ~(y - 1);
    if (down == x) {
        *out = x;
        return CS_OK;
    }
    if (down > cs_ulong_max(c) - y)
        return CS_EOVERFLOW;
    *out = down + y;
    return CS_OK;
}

/* check_mul_overflow() — include/linux/overflow.h, for unsigned long. */
static inline cs_status cs_mul(const cs_config *c, uint64_t a, uint64_t b, uint64_t *out)
{
    uint64_t r;
    if (__builtin_mul_overflow(a, b, &r) || r > cs_ulong_max(c))
        return CS_EOVERFLOW;
    *out = r;
    return CS_OK;
}

/* check_add_overflow() — include/linux/overflow.h, for unsigned long. */
static inline cs_status cs_add(const cs_config *c, uint64_t a, uint64_t b, uint64_t *out)
{
    uint64_t r;
    if (__builtin_add_overflow(a, b, &r) || r > cs_ulong_max(c))
        return CS_EOVERFLOW;
    *out = r;
    return CS_OK;
}

/* check_sub_overflow() — include/linux/overflow.h, for unsigned long. */
static inline cs_status cs_sub(uint64_t a, uint64_t b, uint64_t *out)
{
    if (b > a)
        return CS_EOVERFLOW;
    *out = a - b;
    return CS_OK;
}

/* A left shift that fails instead of losing bits (value << shift must fit BITS_PER_LONG). */
static inline cs_status cs_shl(const cs_config *c, uint64_t value, uint32_t shift, uint64_t *out)
{
    if (value == 0) {
        *out = 0;
        return CS_OK;
    }
    if (shift >= 64 || (value >> (63 - shift)) >> 1 != 0)
        return CS_EOVERFLOW;
    uint64_t r = value << shift;
    if (r > cs_ulong_max(c))
        return CS_EOVERFLOW;
    *out = r;
    return CS_OK;
}

/* x >> shift without undefined behaviour: 0 once every bit is shifted out (a PFN from an address, >> PAGE_SHIFT). */
static inline uint64_t cs_shr(uint64_t x, uint32_t shift)
{
    return shift >= 64 ? 0 : x >> shift;
}

/* PAGE_SIZE — include/asm-generic/page.h / arch page.h: 1UL << PAGE_SHIFT. */
static inline cs_status cs_page_size(const cs_config *c, uint64_t *out)
{
    return cs_shl(c, 1, c->page_shift, out);
}

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

/* subsection_map_index() — mm/sparse.c: (pfn & ~(PAGE_SECTION_MASK)) / PAGES_PER_SUBSECTION. */
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

/* compound_info_has_mask() — include/linux/page-flags.h:
 * v3/v4: IS_ENABLED(CONFIG_SPARSEMEM_VMEMMAP) && is_power_of_2(sizeof(struct page));
 * merged: IS_ENABLED(CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP) && is_power_of_2(sizeof(struct page)). */
static inline bool cs_compound_info_has_mask(const cs_config *c, cs_mask_form form)
{
    bool gate = form == CS_MASK_V3V4 ? c->sparsemem_vmemmap : c->hugetlb_page_optimize_vmemmap;
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
 * struct page is at `head` stores: the mask when compound_info_has_mask(), else (unsigned long)head + 1. */
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
/* Architecture vmemmap bases                                                 */
/* ------------------------------------------------------------------------- */

/* x86_64 vmemmap_base without KASLR — arch/x86/include/asm/pgtable_64_types.h:
 * __VMEMMAP_BASE_L4 0xffffea0000000000UL, __VMEMMAP_BASE_L5 0xffd4000000000000UL. */
static inline uint64_t cs_x86_vmemmap_base(bool la57)
{
    return la57 ? UINT64_C(0xffd4000000000000) : UINT64_C(0xffffea0000000000);
}

/* arm64 VMEMMAP_START — arch/arm64/include/asm/memory.h:
 * PAGE_OFFSET = _PAGE_OFFSET(VA_BITS) = -(1UL << VA_BITS); _PAGE_END(va) = -(1UL << ((va) - 1));
 * VMEMMAP_RANGE = _PAGE_END(VA_BITS_MIN) - PAGE_OFFSET;
 * VMEMMAP_SIZE = (VMEMMAP_RANGE >> PAGE_SHIFT) * sizeof(struct page);
 * VMEMMAP_END = -UL(SZ_1G); VMEMMAP_START = VMEMMAP_END - VMEMMAP_SIZE. */
static inline cs_status cs_arm64_vmemmap_start(const cs_config *c, uint32_t va_bits, uint32_t va_bits_min,
                                               uint64_t *out)
{
    if (c->bits_per_long != 64 || va_bits < 32 || va_bits > 56 || va_bits_min < 32 || va_bits_min > va_bits)
        return CS_EDOMAIN;
    uint64_t page_offset = (uint64_t)0 - (UINT64_C(1) << va_bits);
    uint64_t page_end = (uint64_t)0 - (UINT64_C(1) << (va_bits_min - 1));
    uint64_t range = page_end - page_offset;
    uint64_t size;
    CS_TRY(cs_mul(c, cs_shr(range, c->page_shift), c->struct_page_size, &size));
    uint64_t vmemmap_end = (uint64_t)0 - (UINT64_C(1) << 30);
    return cs_sub(vmemmap_end, size, out);
}

/* arm64 ARM64_MEMSTART_ALIGN — arch/arm64/include/asm/kernel-pgtable.h / memory.h:
 * ARM64_MEMSTART_SHIFT < SECTION_SIZE_BITS ? 1UL << SECTION_SIZE_BITS : 1UL << ARM64_MEMSTART_SHIFT
 * (ARM64_MEMSTART_SHIFT is PUD_SHIFT with 4K pages, CONT_PMD_SHIFT with 16K, PMD_SHIFT with 64K). */
static inline cs_status cs_arm64_memstart_align(const cs_config *c, uint32_t memstart_shift, uint64_t *out)
{
    return cs_bit(c, memstart_shift < c->section_size_bits ? c->section_size_bits : memstart_shift, out);
}

/* arm64 vmemmap — arch/arm64/include/asm/pgtable.h:
 * ((struct page *)VMEMMAP_START - (memstart_addr >> PAGE_SHIFT)), with memstart_addr =
 * round_down(memblock_start_of_DRAM(), ARM64_MEMSTART_ALIGN) (arm64_memblock_init(), arch/arm64/mm/init.c). */
static inline cs_status cs_arm64_vmemmap(const cs_config *c, uint64_t vmemmap_start, uint64_t dram_start,
                                         uint64_t memstart_align, uint64_t *out)
{
    uint64_t memstart, bytes;
    CS_TRY(cs_round_down(dram_start, memstart_align, &memstart));
    CS_TRY(cs_mul(c, cs_shr(memstart, c->page_shift), c->struct_page_size, &bytes));
    return cs_sub(vmemmap_start, bytes, out);
}

/* arm64 linear-map randomisation — arch/arm64/mm/init.c arm64_memblock_init(): with CONFIG_RANDOMIZE_BASE,
 * memstart_addr -= ARM64_MEMSTART_ALIGN * ((range * memstart_offset_seed) >> 16), so memstart_addr stays a
 * multiple of ARM64_MEMSTART_ALIGN and vmemmap = VMEMMAP_START - (memstart_addr >> PAGE_SHIFT) (struct page
 * pointer arithmetic) moves in steps of (ARM64_MEMSTART_ALIGN >> PAGE_SHIFT) * sizeof(struct page).
 * Not one kernel macro: the alignment every such base is guaranteed, i.e. the lowest set bit of
 * VMEMMAP_START and of that step (0 when both are 0). */
static inline cs_status cs_arm64_kaslr_vmemmap_align(const cs_config *c, uint64_t vmemmap_start,
                                                     uint64_t memstart_align, uint64_t *out)
{
    uint64_t step;
    CS_TRY(cs_mul(c, memstart_align >> c->page_shift, c->struct_page_size, &step));
    uint64_t a = cs_actual_alignment(step), b = cs_actual_alignment(vmemmap_start);
    *out = a == 0 ? b : (b == 0 ? a : (a < b ? a : b));
    return CS_OK;
}

/* x86_64 memory KASLR — arch/x86/mm/kaslr.c kernel_randomize_memory(): vaddr starts at the PUD-aligned
 * __PAGE_OFFSET_BASE_L4/L5, each region base is vaddr + ((rand % (entropy + 1)) & PUD_MASK), and the next
 * region starts at round_up(vaddr + 1, PUD_SIZE): every possible vmemmap_base is a multiple of PUD_SIZE,
 * and no larger alignment is guaranteed. */
static inline cs_status cs_x86_kaslr_vmemmap_align(const cs_config *c, uint64_t *out)
{
    return cs_bit(c, c->pud_shift, out);
}

/* Not a kernel function: a base whose largest power-of-two divisor is exactly `align` (a power of two),
 * keeping the bits of `near` above it — the worst base a randomisation with guaranteed alignment `align`
 * can produce.  Every alignment test up to `align` answers for it as for all such bases. */
static inline cs_status cs_worst_aligned_base(uint64_t near, uint64_t align, uint64_t *out)
{
    if (!cs_is_power_of_2(align))
        return CS_EDOMAIN;
    uint64_t above = align == (UINT64_C(1) << 63) ? 0 : ~((align << 1) - 1);
    *out = (near & above) | align;
    return CS_OK;
}

/* riscv64 VMEMMAP_START — arch/riscv/include/asm/pgtable.h:
 * VMEMMAP_SHIFT = VA_BITS - PAGE_SHIFT - 1 + STRUCT_PAGE_MAX_SHIFT (order_base_2(sizeof(struct page)));
 * KERN_VIRT_SIZE = (PTRS_PER_PGD / 2 * PGDIR_SIZE) / 2 = 1UL << (VA_BITS - 2);
 * VMALLOC_START = PAGE_OFFSET - (KERN_VIRT_SIZE >> 1); VMEMMAP_START = VMALLOC_START - VMEMMAP_SIZE. */
static inline cs_status cs_riscv_vmemmap_start(const cs_config *c, uint32_t va_bits, uint64_t page_offset,
                                               uint64_t *out)
{
    if (c->bits_per_long != 64 || va_bits < 32 || va_bits > 57 || c->page_shift >= va_bits)
        return CS_EDOMAIN;
    uint32_t shift = va_bits - c->page_shift - 1 + cs_order_base_2(c->struct_page_size);
    uint64_t vmemmap_size, vmalloc_start;
    CS_TRY(cs_bit(c, shift, &vmemmap_size));
    CS_TRY(cs_sub(page_offset, UINT64_C(1) << (va_bits - 3), &vmalloc_start));
    return cs_sub(vmalloc_start, vmemmap_size, out);
}

/* riscv64 VMEMMAP_ADDR_ALIGN — arch/riscv/mm/init.c:
 * 6.18: (1ULL << SECTION_SIZE_BITS);
 * 7.1 (476849b0fba4): max(1ULL << SECTION_SIZE_BITS, MAX_FOLIO_VMEMMAP_ALIGN);
 * next: max(1ULL << SECTION_SIZE_BITS, PFN_PHYS(MAX_FOLIO_VMEMMAP_ALIGN / sizeof(struct page))). */
static inline cs_status cs_riscv_vmemmap_addr_align(const cs_config *c, cs_kernel kernel, uint64_t *out)
{
    uint64_t section, mfva, want;
    CS_TRY(cs_bit(c, c->section_size_bits, &section));
    if (kernel == CS_KERNEL_6_18) {
        *out = section;
        return CS_OK;
    }
    CS_TRY(cs_max_folio_vmemmap_align(c, &mfva));
    want = mfva;
    if (kernel == CS_KERNEL_NEXT) {
        if (c->struct_page_size == 0)
            return CS_EDOMAIN;
        CS_TRY(cs_shl(c, mfva / c->struct_page_size, c->page_shift, &want));
    }
    *out = want > section ? want : section;
    return CS_OK;
}

/* riscv64 vmemmap — arch/riscv/include/asm/pgtable.h: ((struct page *)VMEMMAP_START - vmemmap_start_pfn),
 * with setup_bootmem() (arch/riscv/mm/init.c): phys_ram_base = memblock_start_of_DRAM() & PMD_MASK;
 * vmemmap_start_pfn = round_down(phys_ram_base, VMEMMAP_ADDR_ALIGN) >> PAGE_SHIFT. */
static inline cs_status cs_riscv_vmemmap(const cs_config *c, uint64_t vmemmap_start, uint64_t dram_start,
                                         uint64_t vmemmap_addr_align, uint64_t *out)
{
    uint64_t pmd, base, rounded, bytes;
    CS_TRY(cs_bit(c, c->pmd_shift, &pmd));
    base = dram_start & ~(pmd - 1);
    CS_TRY(cs_round_down(base, vmemmap_addr_align, &rounded));
    CS_TRY(cs_mul(c, cs_shr(rounded, c->page_shift), c->struct_page_size, &bytes));
    return cs_sub(vmemmap_start, bytes, out);
}

/* LoongArch VMALLOC_END — arch/loongarch/include/asm/pgtable.h (no KASAN):
 * vm_map_base + min(PTRS_PER_PGD * PTRS_PER_PUD * PTRS_PER_PMD * PTRS_PER_PTE * PAGE_SIZE, 1UL << cpu_vabits)
 *   - PMD_SIZE - VMEMMAP_SIZE - KFENCE_AREA_SIZE,
 * vm_map_base = 0 - (1UL << cpu_vabits) (arch/loongarch/kernel/cpu-probe.c),
 * VMEMMAP_SIZE = sizeof(struct page) * (1UL << (cpu_pabits + 1 - PAGE_SHIFT)) (asm/sparsemem.h),
 * PTRS_PER_* = PAGE_SIZE / 8 for each of `levels` levels (the folded ones are 1). */
static inline cs_status cs_loongarch_vmalloc_end(const cs_config *c, uint32_t levels, uint32_t cpu_vabits,
                                                 uint32_t cpu_pabits, uint64_t kfence_area_size, uint64_t *out)
{
    if (c->bits_per_long != 64 || levels < 2 || levels > 4 || cpu_vabits < 32 || cpu_vabits > 63 ||
        cpu_pabits > 63 || c->page_shift < 3 || c->page_shift > 30 || cpu_pabits + 1 < c->page_shift)
        return CS_EDOMAIN;
    uint32_t span_bits = levels * (c->page_shift - 3) + c->page_shift;
    uint64_t span = span_bits >= cpu_vabits ? (UINT64_C(1) << cpu_vabits) : (UINT64_C(1) << span_bits);
    uint64_t vm_map_base = (uint64_t)0 - (UINT64_C(1) << cpu_vabits);
    uint64_t entries, vmemmap_size, pmd_size, end;
    CS_TRY(cs_bit(c, cpu_pabits + 1 - c->page_shift, &entries));
    CS_TRY(cs_mul(c, entries, c->struct_page_size, &vmemmap_size));
    CS_TRY(cs_bit(c, c->pmd_shift, &pmd_size));
    end = vm_map_base + span; /* span <= 1 << cpu_vabits, so this is at most 2^64 - ... or 0 (wraps to 0 at top) */
    if (span == (UINT64_C(1) << cpu_vabits))
        end = 0; /* the top of the address space: the kernel's unsigned sum wraps to 0 here by design */
    uint64_t sub = 0;
    CS_TRY(cs_add(c, pmd_size, vmemmap_size, &sub));
    CS_TRY(cs_add(c, sub, kfence_area_size, &sub));
    uint64_t room = end == 0 ? (UINT64_C(1) << cpu_vabits) : span; /* bytes between vm_map_base and end */
    if (sub > room)
        return CS_EOVERFLOW; /* the vmemmap and guard would not fit the mapped range */
    *out = end - sub;
    return CS_OK;
}

/* LoongArch vmemmap — arch/loongarch/include/asm/pgtable.h:
 * 6.18: ((struct page *)((VMALLOC_END + PMD_SIZE) & PMD_MASK));
 * 7.1 (2969b42c8f99): ((struct page *)(ALIGN(VMALLOC_END, max(PMD_SIZE, MAX_FOLIO_VMEMMAP_ALIGN)))). */
static inline cs_status cs_loongarch_vmemmap(const cs_config *c, cs_kernel kernel, uint64_t vmalloc_end,
                                             uint64_t *out)
{
    uint64_t pmd_size, mfva, sum;
    CS_TRY(cs_bit(c, c->pmd_shift, &pmd_size));
    if (kernel == CS_KERNEL_6_18) {
        CS_TRY(cs_add(c, vmalloc_end, pmd_size, &sum));
        *out = sum & ~(pmd_size - 1);
        return CS_OK;
    }
    CS_TRY(cs_max_folio_vmemmap_align(c, &mfva));
    return cs_round_up(c, vmalloc_end, mfva > pmd_size ? mfva : pmd_size, out);
}

/* s390 vmemmap_start — arch/s390/boot/startup.c setup_kernel_memory_layout():
 * vmemmap_start = round_down(__abs_lowcore - pages * sizeof(struct page), rte_size),
 * pages = SECTION_ALIGN_UP(ident_map_size / PAGE_SIZE). */
static inline cs_status cs_s390_vmemmap_start(const cs_config *c, uint64_t abs_lowcore, uint64_t ident_map_size,
                                              uint64_t rte_size, uint64_t *out)
{
    uint64_t pages, bytes, start;
    CS_TRY(cs_section_align_up(c, cs_shr(ident_map_size, c->page_shift), &pages));
    CS_TRY(cs_mul(c, pages, c->struct_page_size, &bytes));
    CS_TRY(cs_sub(abs_lowcore, bytes, &start));
    return cs_round_down(start, rte_size, out);
}

/* ------------------------------------------------------------------------- */
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

/* ------------------------------------------------------------------------- */
/* libnuma shim (numa_shim.c; the only code here that touches the host)      */
/* ------------------------------------------------------------------------- */

/* numa_available() — libnuma: < 0 when the kernel has no NUMA support. */
int cs_numa_available(void);
/* numa_max_node() — libnuma. */
int cs_numa_max_node(void);
/* numa_node_size64() — libnuma: bytes of node `node`, free bytes in *free; -1 on error. */
long long cs_numa_node_size64(int node, long long *free_bytes);
/* numa_distance() — libnuma: the SLIT distance, 0 when unknown. */
int cs_numa_distance(int a, int b);
/* numa_node_to_cpus() — libnuma: writes up to max_cpus CPU ids of `node` into cpus, returns the count,
 * or -1 on error. */
int cs_numa_node_cpus(int node, int *cpus, int max_cpus);

#ifdef __cplusplus
}
#endif

#endif /* CSPARSE_H */

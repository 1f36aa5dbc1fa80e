/* cs_core.h — statuses, the kernel/config enums, struct cs_config and the checked bit helpers
 * (part of the CSparse mirror; include csparse.h). */
#ifndef CS_CORE_H
#define CS_CORE_H

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

/* Per-formula forms.  Each C function that changed between kernel releases takes the form it
 * evaluates; which release has which form is one table, `FormulaTable` in
 * Sources/SparseCheck/Model/KernelFormulas.swift (docs/kernel-sources.md "Formulas by release"). */

/* riscv VMEMMAP_ADDR_ALIGN — arch/riscv/mm/init.c. */
typedef enum cs_riscv_align_form {
    CS_RISCV_ALIGN_SECTION = 0,  /* before 7.1: (1ULL << SECTION_SIZE_BITS)                            */
    CS_RISCV_ALIGN_MFVA = 1,     /* the series as merged for 7.1 (v7 05/18, 476849b0fba4):
                                    max(1ULL << SECTION_SIZE_BITS, MAX_FOLIO_VMEMMAP_ALIGN)            */
    CS_RISCV_ALIGN_PFN_PHYS = 2, /* 7.2 (arch/riscv/mm/init.c:65): max(1ULL << SECTION_SIZE_BITS,
                                    PFN_PHYS(MAX_FOLIO_VMEMMAP_ALIGN / sizeof(struct page)))           */
} cs_riscv_align_form;

/* LoongArch vmemmap — arch/loongarch/include/asm/pgtable.h. */
typedef enum cs_loongarch_vmemmap_form {
    CS_LOONGARCH_VMEMMAP_PMD = 0,   /* before 7.1: ((VMALLOC_END + PMD_SIZE) & PMD_MASK)                */
    CS_LOONGARCH_VMEMMAP_ALIGN = 1, /* 7.1 (v7 06/18, 2969b42c8f99), 7.2 pgtable.h:119-120:
                                       ALIGN(VMALLOC_END, VMEMMAP_ALIGN = max(PMD_SIZE, MAX_FOLIO_VMEMMAP_ALIGN)) */
} cs_loongarch_vmemmap_form;

/* The two forms of compound_info_has_mask() (include/linux/page-flags.h). */
typedef enum cs_mask_form {
    CS_MASK_V3V4 = 0,   /* v3/v4: CONFIG_SPARSEMEM_VMEMMAP && is_power_of_2(sizeof(struct page)) */
    CS_MASK_MERGED = 1, /* v5..v7, 7.1, 7.2 (page-flags.h:208): CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP
                           && is_power_of_2(...) */
    CS_MASK_NONE = 2,   /* before 7.1: no compound_info_has_mask(); tails always hold head | 1 */
} cs_mask_form;

/* The two forms of the section_mem_map encoding's build-time bound: in sparse_encode_mem_map()
 * (mm/sparse.c) before 7.2, inline in sparse_init_one_section() (mm/internal.h:965) in 7.2. */
typedef enum cs_encode_bound {
    CS_BOUND_2018 = 0, /* BUILD_BUG_ON(SECTION_MAP_LAST_BIT > PFN_SECTION_SHIFT): Petr Tesarik 2018
                          (def9b71ee651, then as (1UL<<PFN_SECTION_SHIFT) on a flag value), restated on
                          the bit index by Muchun Song's 2022 enum conversion */
    CS_BOUND_2026 = 1, /* ... > min(PFN_SECTION_SHIFT + __ffs(sizeof(struct page)), PAGE_SHIFT): Muchun
                          Song's 31 Mar 2026 patch, in no release (7.2 keeps the 2018 form): only
                          `--kernel proposed` uses it */
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


#ifdef __cplusplus
}
#endif

#endif /* CS_CORE_H */

/* cs_arch.h — per-architecture vmemmap bases (arch/...) (part of the CSparse mirror; include csparse.h). */
#ifndef CS_ARCH_H
#define CS_ARCH_H

#include "cs_core.h"
#include "cs_memory_model.h"

#ifdef __cplusplus
extern "C" {
#endif

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

/* arm64 ARM64_MEMSTART_ALIGN — arch/arm64/mm/init.c (7.2:77-95, 7.3:79-97; asm/kernel-pgtable.h in older trees):
 * ARM64_MEMSTART_SHIFT < SECTION_SIZE_BITS ? 1UL << SECTION_SIZE_BITS : 1UL << ARM64_MEMSTART_SHIFT
 * (ARM64_MEMSTART_SHIFT is PUD_SHIFT with 4K pages, CONT_PMD_SHIFT with 16K, PMD_SHIFT with 64K). */
static inline cs_status cs_arm64_memstart_align(const cs_config *c, uint32_t memstart_shift, uint64_t *out)
{
    return cs_bit(c, memstart_shift < c->section_size_bits ? c->section_size_bits : memstart_shift, out);
}

/* The physical addresses sparsemem can hold — mm/sparse.c mminit_validate_memmodel_limits():
 * max_sparsemem_pfn = 1UL << (MAX_PHYSMEM_BITS - PAGE_SHIFT); a memory range starting above it is cut to
 * nothing ("Start of range %lu -> %lu exceeds SPARSEMEM max %lu", WARN_ON_ONCE), so a DRAM start at or
 * above 1 << MAX_PHYSMEM_BITS leaves no memory to boot on. Newer trees compute the limit as
 * (DIRECT_MAP_PHYSMEM_END + 1) >> PAGE_SHIFT, which defaults to the same bound (an architecture may set it
 * lower; not modelled here). Held against the kernel's source text, not a booted kernel.
 * CS_EDOMAIN when phys >= 1 << MAX_PHYSMEM_BITS. */
static inline cs_status cs_max_physmem_check(const cs_config *c, uint64_t phys)
{
    if (c->max_physmem_bits >= 64)
        return CS_OK;
    return (phys >> c->max_physmem_bits) == 0 ? CS_OK : CS_EDOMAIN;
}

/* arm64 vmemmap — arch/arm64/include/asm/pgtable.h:
 * ((struct page *)VMEMMAP_START - (memstart_addr >> PAGE_SHIFT)), with memstart_addr =
 * round_down(memblock_start_of_DRAM(), ARM64_MEMSTART_ALIGN) (arm64_memblock_init(), arch/arm64/mm/init.c). */
static inline cs_status cs_arm64_vmemmap_parts(const cs_config *c, uint64_t vmemmap_start, uint64_t dram_start,
                                               uint64_t memstart_align, uint64_t *memstart_addr, uint64_t *out)
{
    uint64_t memstart, bytes, v;
    CS_TRY(cs_max_physmem_check(c, dram_start));
    CS_TRY(cs_round_down(dram_start, memstart_align, &memstart));
    CS_TRY(cs_mul(c, cs_shr(memstart, c->page_shift), c->struct_page_size, &bytes));
    CS_TRY(cs_sub(vmemmap_start, bytes, &v));
    *memstart_addr = memstart;
    *out = v;
    return CS_OK;
}

/* The same, without memstart_addr (cs_arm64_vmemmap_parts() also returns it). */
static inline cs_status cs_arm64_vmemmap(const cs_config *c, uint64_t vmemmap_start, uint64_t dram_start,
                                         uint64_t memstart_align, uint64_t *out)
{
    uint64_t memstart;
    return cs_arm64_vmemmap_parts(c, vmemmap_start, dram_start, memstart_align, &memstart, out);
}

/* arm64 52-bit VA fallback — arch/arm64/mm/init.c arm64_memblock_init() (7.2 init.c:244-245):
 * if (IS_ENABLED(CONFIG_ARM64_VA_BITS_52) && (vabits_actual != 52))
 *         memstart_addr -= _PAGE_OFFSET(vabits_actual) - _PAGE_OFFSET(52);
 * memstart_addr is an s64 and may go negative; vmemmap = VMEMMAP_START - (memstart_addr >> PAGE_SHIFT)
 * (asm/pgtable.h, struct page pointer arithmetic), so the base moves *up* by
 * ((_PAGE_OFFSET(vabits_actual) - _PAGE_OFFSET(52)) >> PAGE_SHIFT) * sizeof(struct page).
 * `vmemmap` is the base cs_arm64_vmemmap() computed from the rounded memstart_addr. */
static inline cs_status cs_arm64_vmemmap_va_fallback(const cs_config *c, uint32_t vabits_actual, uint64_t vmemmap,
                                                     uint64_t *out)
{
    if (c->bits_per_long != 64 || vabits_actual < 36 || vabits_actual > 52)
        return CS_EDOMAIN;
    if (vabits_actual == 52) {
        *out = vmemmap;
        return CS_OK;
    }
    /* _PAGE_OFFSET(va) = -(1UL << va): the difference is 2^52 - 2^vabits_actual. */
    uint64_t delta = (UINT64_C(1) << 52) - (UINT64_C(1) << vabits_actual);
    uint64_t bytes;
    CS_TRY(cs_mul(c, cs_shr(delta, c->page_shift), c->struct_page_size, &bytes));
    return cs_add(c, vmemmap, bytes, out);
}

/* arm64 linear-map randomisation — arch/arm64/mm/init.c arm64_memblock_init() before 7.2 (7.2 has no
 * memstart_offset_seed; see FormulaTable): with CONFIG_RANDOMIZE_BASE,
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

/* riscv64 VMEMMAP_ADDR_ALIGN — arch/riscv/mm/init.c, in the form of the release:
 * CS_RISCV_ALIGN_SECTION (before 7.1): (1ULL << SECTION_SIZE_BITS);
 * CS_RISCV_ALIGN_MFVA (7.1, 476849b0fba4): max(1ULL << SECTION_SIZE_BITS, MAX_FOLIO_VMEMMAP_ALIGN);
 * CS_RISCV_ALIGN_PFN_PHYS (7.2, init.c:65): max(1ULL << SECTION_SIZE_BITS,
 *                          PFN_PHYS(MAX_FOLIO_VMEMMAP_ALIGN / sizeof(struct page))). */
static inline cs_status cs_riscv_vmemmap_addr_align(const cs_config *c, cs_riscv_align_form form, uint64_t *out)
{
    uint64_t section, mfva, want;
    CS_TRY(cs_bit(c, c->section_size_bits, &section));
    if (form == CS_RISCV_ALIGN_SECTION) {
        *out = section;
        return CS_OK;
    }
    if (form != CS_RISCV_ALIGN_MFVA && form != CS_RISCV_ALIGN_PFN_PHYS)
        return CS_EDOMAIN;
    CS_TRY(cs_max_folio_vmemmap_align(c, &mfva));
    want = mfva;
    if (form == CS_RISCV_ALIGN_PFN_PHYS) {
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
static inline cs_status cs_riscv_vmemmap_parts(const cs_config *c, uint64_t vmemmap_start, uint64_t dram_start,
                                               uint64_t vmemmap_addr_align, uint64_t *vmemmap_start_pfn, uint64_t *out)
{
    uint64_t pmd, base, rounded, pfn, bytes, v;
    CS_TRY(cs_max_physmem_check(c, dram_start));
    CS_TRY(cs_bit(c, c->pmd_shift, &pmd));
    base = dram_start & ~(pmd - 1);
    CS_TRY(cs_round_down(base, vmemmap_addr_align, &rounded));
    pfn = cs_shr(rounded, c->page_shift);
    CS_TRY(cs_mul(c, pfn, c->struct_page_size, &bytes));
    CS_TRY(cs_sub(vmemmap_start, bytes, &v));
    *vmemmap_start_pfn = pfn;
    *out = v;
    return CS_OK;
}

/* The same, without vmemmap_start_pfn (cs_riscv_vmemmap_parts() also returns it). */
static inline cs_status cs_riscv_vmemmap(const cs_config *c, uint64_t vmemmap_start, uint64_t dram_start,
                                         uint64_t vmemmap_addr_align, uint64_t *out)
{
    uint64_t pfn;
    return cs_riscv_vmemmap_parts(c, vmemmap_start, dram_start, vmemmap_addr_align, &pfn, out);
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

/* LoongArch vmemmap — arch/loongarch/include/asm/pgtable.h, in the form of the release:
 * CS_LOONGARCH_VMEMMAP_PMD (before 7.1): ((struct page *)((VMALLOC_END + PMD_SIZE) & PMD_MASK));
 * CS_LOONGARCH_VMEMMAP_ALIGN (7.1, 2969b42c8f99; 7.2 pgtable.h:119-120):
 *   ((struct page *)(ALIGN(VMALLOC_END, VMEMMAP_ALIGN))), VMEMMAP_ALIGN = max(PMD_SIZE, MAX_FOLIO_VMEMMAP_ALIGN). */
static inline cs_status cs_loongarch_vmemmap(const cs_config *c, cs_loongarch_vmemmap_form form,
                                             uint64_t vmalloc_end, uint64_t *out)
{
    uint64_t pmd_size, mfva, sum;
    CS_TRY(cs_bit(c, c->pmd_shift, &pmd_size));
    if (form != CS_LOONGARCH_VMEMMAP_PMD && form != CS_LOONGARCH_VMEMMAP_ALIGN)
        return CS_EDOMAIN;
    if (form == CS_LOONGARCH_VMEMMAP_PMD) {
        CS_TRY(cs_add(c, vmalloc_end, pmd_size, &sum));
        *out = sum & ~(pmd_size - 1);
        return CS_OK;
    }
    CS_TRY(cs_max_folio_vmemmap_align(c, &mfva));
    return cs_round_up(c, vmalloc_end, mfva > pmd_size ? mfva : pmd_size, out);
}

/* s390 vmemmap_start — arch/s390/boot/startup.c setup_kernel_memory_layout() (7.2 startup.c:425-428):
 * pages = __abs_lowcore / (PAGE_SIZE + sizeof(struct page)); pages = SECTION_ALIGN_UP(pages);
 * vmemmap_start = round_down(__abs_lowcore - pages * sizeof(struct page), rte_size);
 * vmemmap = (struct page *)vmemmap_start (startup.c:437). */
static inline cs_status cs_s390_vmemmap_start(const cs_config *c, uint64_t abs_lowcore, uint64_t rte_size,
                                              uint64_t *out)
{
    uint64_t page_size, per, pages, bytes, start;
    CS_TRY(cs_page_size(c, &page_size));
    CS_TRY(cs_add(c, page_size, c->struct_page_size, &per));
    CS_TRY(cs_section_align_up(c, abs_lowcore / per, &pages));
    CS_TRY(cs_mul(c, pages, c->struct_page_size, &bytes));
    CS_TRY(cs_sub(abs_lowcore, bytes, &start));
    return cs_round_down(start, rte_size, out);
}

/* The inputs of s390's __abs_lowcore that a .config and the machine give (setup_kernel_memory_layout(),
 * arch/s390/boot/startup.c, 7.2). */
typedef struct cs_s390_layout_in {
    uint64_t ident_map_size;    /* setup_ident_map_size(): the memory end (min MAX_PHYSMEM_BITS)         */
    uint64_t kernel_image_base; /* __NO_KASLR_START_KERNEL = CONFIG_KERNEL_IMAGE_BASE (asm/page.h:290)   */
    uint64_t kernel_image_size; /* KERNEL_IMAGE_SIZE 512 MiB (asm/page.h:289)                            */
    uint64_t vmalloc_size;      /* VMALLOC_DEFAULT_SIZE = 512 GiB - MODULES_LEN (asm/pgtable.h:92), or vmalloc= */
    bool vmalloc_size_set;      /* vmalloc= on the command line (setup_vmalloc_size() then keeps it)      */
    uint64_t modules_len;       /* MODULES_LEN = 1UL << 31 (asm/pgtable.h:100)                           */
    uint64_t nr_cpus;           /* CONFIG_NR_CPUS: ABS_LOWCORE_MAP_SIZE = NR_CPUS * sizeof(struct lowcore) */
    uint64_t lowcore_size;      /* sizeof(struct lowcore) (asm/lowcore.h)                                */
} cs_s390_layout_in;

/* s390 __abs_lowcore without KASLR and without KASAN/KMSAN/ultravisor — arch/s390/boot/startup.c
 * setup_kernel_memory_layout() (7.2 startup.c:320-423), the non-randomised path:
 * asce_limit = _REGION2_SIZE, rte_size = _REGION3_SIZE while __NO_KASLR_END_KERNEL <= _REGION2_SIZE;
 * vmax = asce_limit (adjust_to_uv_max() without a protected-virtualisation host);
 * kernel_start = __NO_KASLR_START_KERNEL (startup.c:389) when vmax >= __NO_KASLR_END_KERNEL (the
 * "constrained" branch otherwise depends on the kernel image's size: CS_EDOMAIN);
 * MODULES_END = round_down(kernel_start, _SEGMENT_SIZE); VMALLOC_END = MODULES_END - MODULES_LEN;
 * vsize = round_down((VMALLOC_END - FIXMAP_SIZE) / 2, _SEGMENT_SIZE); vmalloc_size = min(vmalloc_size, vsize);
 * VMALLOC_START = VMALLOC_END - vmalloc_size;
 * __memcpy_real_area = round_down(VMALLOC_START - MEMCPY_REAL_SIZE (PAGE_SIZE), PAGE_SIZE);
 * __abs_lowcore = round_down(__memcpy_real_area - ABS_LOWCORE_MAP_SIZE, sizeof(struct lowcore)).
 * setup_vmalloc_size() (startup.c:464-472) runs first: unless vmalloc= was given,
 * vmalloc_size = max(round_up(ident_map_size / 8, _SEGMENT_SIZE), vmalloc_size).
 * Also returns rte_size.  The vsize estimate (get_vmem_size()) only matters above _REGION2_SIZE, which a
 * non-KASLR, non-KASAN kernel with __NO_KASLR_END_KERNEL <= _REGION2_SIZE never takes. */
static inline cs_status cs_s390_abs_lowcore_nokaslr(const cs_config *c, const cs_s390_layout_in *in,
                                                    uint64_t *abs_lowcore, uint64_t *rte_size)
{
    const uint64_t region2 = UINT64_C(1) << 42, region3 = UINT64_C(1) << 31, segment = UINT64_C(1) << 20;
    uint64_t page_size, no_kaslr_end, modules_end, vmalloc_end, fixmap, half, vmalloc_size, vmalloc_start;
    uint64_t area, map, lowcore;
    if (c->bits_per_long != 64 || in->lowcore_size == 0 || !cs_is_power_of_2(in->lowcore_size))
        return CS_EDOMAIN;
    CS_TRY(cs_page_size(c, &page_size));
    CS_TRY(cs_add(c, in->kernel_image_base, in->kernel_image_size, &no_kaslr_end));
    if (no_kaslr_end > region2)
        return CS_EDOMAIN; /* asce_limit _REGION1_SIZE, rte_size _REGION2_SIZE: not modelled */
    /* vmax = _REGION2_SIZE >= __NO_KASLR_END_KERNEL: kernel_start = __NO_KASLR_START_KERNEL. */
    modules_end = in->kernel_image_base & ~(segment - 1);
    CS_TRY(cs_sub(modules_end, in->modules_len, &vmalloc_end));
    /* FIXMAP_SIZE = round_up(MEMCPY_REAL_SIZE + ABS_LOWCORE_MAP_SIZE, sizeof(struct lowcore)). */
    CS_TRY(cs_mul(c, in->nr_cpus, in->lowcore_size, &map));
    CS_TRY(cs_add(c, page_size, map, &fixmap));
    CS_TRY(cs_round_up(c, fixmap, in->lowcore_size, &fixmap));
    CS_TRY(cs_sub(vmalloc_end, fixmap, &half));
    half = (half / 2) & ~(segment - 1);
    vmalloc_size = in->vmalloc_size;
    if (!in->vmalloc_size_set) {
        uint64_t eighth;
        CS_TRY(cs_round_up(c, in->ident_map_size / 8, segment, &eighth));
        vmalloc_size = eighth > vmalloc_size ? eighth : vmalloc_size;
    }
    vmalloc_size = vmalloc_size < half ? vmalloc_size : half;
    CS_TRY(cs_sub(vmalloc_end, vmalloc_size, &vmalloc_start));
    CS_TRY(cs_sub(vmalloc_start, page_size, &area));
    area &= ~(page_size - 1);
    CS_TRY(cs_sub(area, map, &lowcore));
    *abs_lowcore = lowcore & ~(in->lowcore_size - 1);
    *rte_size = region3;
    return CS_OK;
}

/* ------------------------------------------------------------------------- */

#ifdef __cplusplus
}
#endif

#endif /* CS_ARCH_H */

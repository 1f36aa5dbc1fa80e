/* cs_arch.h — per-architecture vmemmap bases (arch/*) (part of the CSparse mirror; include csparse.h). */
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

#ifdef __cplusplus
}
#endif

#endif /* CS_ARCH_H */

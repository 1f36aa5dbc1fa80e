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
 * Only <stdint.h> and <stdbool.h>: no globals, no allocation, no I/O (the libnuma
 * shim is the separate CHost target).
 *
 * This is the umbrella header: the mirror is split by the kernel file each part follows.
 *   cs_core.h         statuses, enums, struct cs_config, checked bit helpers
 *   cs_kconfig.h      Kconfig derivations (mm/Kconfig, fs/Kconfig)
 *   cs_mmzone.h       sections, section_mem_map flags/encoding, folio limits (include/linux/mmzone.h)
 *   cs_page_flags.h   mask-encoded compound_info (include/linux/page-flags.h)
 *   cs_memory_model.h pfn_to_page, memmap sizes, HVO (memory_model.h, mm/sparse.c, hugetlb_vmemmap.h)
 *   cs_arch.h         per-architecture vmemmap bases (arch/...)
 *   cs_sparse.h       config validation and sparse_init()'s checks (mm/sparse.c)
 *   cs_oracle.h       the brute-force decode oracle (not a kernel function)
 */
#ifndef CSPARSE_H
#define CSPARSE_H

#include "cs_core.h"
#include "cs_kconfig.h"
#include "cs_mmzone.h"
#include "cs_page_flags.h"
#include "cs_memory_model.h"
#include "cs_arch.h"
#include "cs_sparse.h"
#include "cs_oracle.h"

#endif /* CSPARSE_H */

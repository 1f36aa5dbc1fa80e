#ifndef BENCHREF_H
#define BENCHREF_H
/* The physical limits for the layout checks and the sweep. Layout: a plain C loop over every section calling the same CSparse
 * functions the layout rules use (PHYS_PFN, PFN_UP, pfn_to_section_nr, section_nr_to_pfn, pfn_to_page).
 * Benchmark code, not part of the package's library. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One node range in bytes [start, end), ascending by start. */
typedef struct bench_range {
    uint64_t start, end;
    int32_t node;
} bench_range;

typedef struct bench_layout_result {
    uint64_t sections;       /* sections visited                                   */
    uint64_t owned_sections; /* sections holding memory of any node                */
    uint64_t shared;         /* sections holding pages of more than one node       */
    uint64_t offnode_units;  /* vmemmap backing units holding two nodes' struct pages */
    uint64_t checksum;       /* of the memmap addresses, so nothing is optimised away */
} bench_layout_result;

/* cfg: a `const cs_config *` (SparseConfig.withCConfig); vmemmap: pfn_to_page(0); arch_maps_pmd: whether
 * the architecture maps the vmemmap with PMDs (the backing unit). Returns 0, or the failing cs_status. */
int bench_layout_c_loop(const void *cfg, uint64_t vmemmap, bool arch_maps_pmd, const bench_range *ranges, size_t n,
                        bench_layout_result *out);

typedef struct bench_sweep_result {
    uint64_t evaluated, skipped, failed, v2_disagreements;
    uint64_t counts[3][3];  /* [rule][pass, fail, skip] */
    uint64_t first_fail[3]; /* first failing combination per rule, or UINT64_MAX */
} bench_sweep_result;

/* One sweep cell of a riscv64 configuration: n DRAM bases dram0, dram0 + step, ... (combination indices
 * first_index...), tallied into *r. kernel: 0 6.18, 1 7.1, 2 next. Returns 0, or the failing cs_status. */
int bench_sweep_c_cell(const void *cfg, int riscv_align_form, int mask_form, int encode_bound, uint32_t va_bits, uint64_t page_offset, uint64_t first_index,
                       uint64_t dram0, uint64_t step, uint64_t n, bench_sweep_result *r);

/* The JSONL formatter's physical limit: bench_sweep_c_cell()'s loop, each evaluated combination also
 * formatted as the JSONL record `sweep --format jsonl` writes (docs/json-schema.md), by hand on bytes,
 * into a 1 MiB buffer written to fd when full. prefix: the cell's shared fields (`,"source":...,"hvo":...`),
 * made by the caller as the sweep makes them; counts: which rules fail the run (the --fail-on policy).
 * The caller flushes the remainder with bench_jsonl_c_flush(). Returns 0, or the failing cs_status. */
int bench_jsonl_c_cell(const void *cfg, int riscv_align_form, int mask_form, int encode_bound, uint32_t va_bits, uint64_t page_offset, uint64_t first_index,
                       uint64_t dram0, uint64_t step, uint64_t n, const char *prefix, size_t prefix_len,
                       const bool counts[3], int fd, bench_sweep_result *r);
void bench_jsonl_c_flush(int fd);

#ifdef __cplusplus
}
#endif
#endif

#ifndef BENCHREF_H
#define BENCHREF_H
/* The physical limit for the layout checks: a plain C loop over every section calling the same CSparse
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

#ifdef __cplusplus
}
#endif
#endif

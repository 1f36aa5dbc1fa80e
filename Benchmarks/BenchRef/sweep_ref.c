#include "benchref.h"
#include "csparse.h"
#include "sweep_point.h"

/* The sweep's physical limit: per combination the riscv base formula, cs_sparse_init_checks() and the
 * three rule status tests (folio-vmemmap-align, -v2, section-map-encoding), with the same tallies the
 * sweep keeps (pass/fail/skip per rule, first failing index per rule, failing combinations, v2
 * disagreements). The cell's VMEMMAP_START and VMEMMAP_ADDR_ALIGN and the configuration half of
 * cs_sparse_init_checks() (cs_sparse_init_config()) are worked out once, as the sweep does; per combination
 * cs_sparse_init_base() is its other half. */
int bench_sweep_c_cell(const void *cfgp, int riscv_align_form, int mask_form, int encode_bound, uint32_t va_bits, uint64_t page_offset, uint64_t first_index,
                       uint64_t dram0, uint64_t step, uint64_t n, bench_sweep_result *r)
{
    const cs_config *c = cfgp;
    uint64_t start, align;
    CS_TRY(cs_riscv_vmemmap_start(c, va_bits, page_offset, &start));
    CS_TRY(cs_riscv_vmemmap_addr_align(c, (cs_riscv_align_form)riscv_align_form, &align));
    const bool vmemmap = c->sparsemem_vmemmap;
    const bool folio_applies = vmemmap && cs_compound_info_has_mask(c, (cs_mask_form)mask_form);
    const bool bound_2026 = encode_bound == CS_BOUND_2026;
    static const bool all_count[3] = {true, true, true}; /* every failing rule counts here */
    cs_verdict v;
    if (cs_sparse_init_config(c, &v) != CS_OK) {
        r->skipped += n;
        return 0;
    }
    for (uint64_t i = 0; i < n; i++) {
        uint64_t base;
        if (cs_riscv_vmemmap(c, start, dram0 + i * step, align, &base) != CS_OK ||
            cs_sparse_init_base(c, base, &v) != CS_OK) {
            r->skipped++;
            continue;
        }
        int st[3];
        bench_tally_point(&v, folio_applies, vmemmap, bound_2026, all_count, first_index + i, r, st);
    }
    return 0;
}

/* One evaluated combination of the C reference loops (sweep_ref.c, jsonl_ref.c): the three rule
 * statuses as the Swift sweep's StatusPlan gives them (0 pass, 1 fail, 2 skip) and their tally.
 * Benchmark code, not part of the package's library. */
#ifndef BENCH_SWEEP_POINT_H
#define BENCH_SWEEP_POINT_H

#include "benchref.h"
#include "csparse.h"

/* Fills st[3] (folio-vmemmap-align, -v2, section-map-encoding), counts them into r, records the first
 * failing index per rule, and returns whether a rule that `counts` fails. */
static inline bool bench_tally_point(const cs_verdict *v, bool folio_applies, bool vmemmap, bool bound_2026,
                                     const bool counts[3], uint64_t index, bench_sweep_result *r, int st[3])
{
    r->evaluated++;
    st[0] = folio_applies ? (v->folio_aligned ? 0 : 1) : 2;
    st[1] = vmemmap ? (v->v2_aligned ? 0 : 1) : 2;
    bool build_ok = bound_2026 ? v->build_ok_2026 : v->build_ok_2018;
    bool run_ok = vmemmap ? v->encoding_ok : v->section_map_last_bit <= v->bound_2026;
    st[2] = build_ok && run_ok ? 0 : 1;
    bool failing = false;
    for (int k = 0; k < 3; k++) {
        r->counts[k][st[k]]++;
        if (st[k] == 1) {
            if (r->first_fail[k] == UINT64_MAX) r->first_fail[k] = index;
            failing = failing || counts[k];
        }
    }
    r->failed += failing;
    r->v2_disagreements += st[0] != 2 && st[1] != 2 && (st[0] == 1) != (st[1] == 1);
    return failing;
}

#endif /* BENCH_SWEEP_POINT_H */

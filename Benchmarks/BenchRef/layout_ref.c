#include "benchref.h"
#include "csparse.h"

int bench_layout_c_loop(const void *cfgp, uint64_t vmemmap, bool arch_maps_pmd, const bench_range *r, size_t n,
                        bench_layout_result *out)
{
    const cs_config *c = cfgp;
    bench_layout_result res = {0};
    uint64_t pps, pfn, first, last, unit;
    CS_TRY(cs_vmemmap_backing_unit(c, arch_maps_pmd, &unit));
    if (n == 0) { *out = res; return 0; }
    CS_TRY(cs_pages_per_section(c, &pps));
    CS_TRY(cs_phys_pfn(c, r[0].start, &pfn));
    CS_TRY(cs_pfn_to_section_nr(c, pfn, &first));
    uint64_t maxend = 0;
    for (size_t k = 0; k < n; k++) if (r[k].end > maxend) maxend = r[k].end;
    CS_TRY(cs_pfn_up(c, maxend, &pfn));
    CS_TRY(cs_pfn_to_section_nr(c, pfn - 1, &last));
    size_t i = 0;
    int32_t prev_node = -1;
    uint64_t prev_last = 0, last_unit = UINT64_MAX;
    for (uint64_t s = first; s <= last; s++) {
        uint64_t p0, p1;
        CS_TRY(cs_section_nr_to_pfn(c, s, &p0));
        p1 = p0 + pps;
        /* Skip ranges that end before this section. */
        while (i < n) {
            uint64_t e;
            CS_TRY(cs_pfn_up(c, r[i].end, &e));
            if (e > p0) break;
            i++;
        }
        res.sections++;
        int32_t owner = -1;
        int shared = 0;
        for (size_t j = i; j < n; j++) {
            uint64_t a, e;
            CS_TRY(cs_phys_pfn(c, r[j].start, &a));
            if (a >= p1) break;
            CS_TRY(cs_pfn_up(c, r[j].end, &e));
            if (e <= p0) continue;
            if (owner < 0) owner = r[j].node;
            else if (r[j].node != owner) shared = 1;
            if (a >= p0) {
                /* Range j starts here: do its struct pages share a backing unit with the previous range's? */
                if (prev_node >= 0 && prev_node != r[j].node) {
                    uint64_t pa, pb;
                    CS_TRY(cs_pfn_to_page(c, vmemmap, prev_last, &pa));
                    CS_TRY(cs_pfn_to_page(c, vmemmap, a, &pb));
                    if (pa / unit == pb / unit && pb / unit != last_unit) { res.offnode_units++; last_unit = pb / unit; }
                }
                prev_node = r[j].node;
                prev_last = e - 1;
            }
        }
        if (owner < 0) continue;
        res.owned_sections++;
        res.shared += shared;
        /* The section's memmap: where its struct pages start and end. */
        uint64_t m0, m1;
        CS_TRY(cs_pfn_to_page(c, vmemmap, p0, &m0));
        CS_TRY(cs_pfn_to_page(c, vmemmap, p1, &m1));
        res.checksum += m0 ^ m1;
    }
    *out = res;
    return 0;
}

#include "benchref.h"
#include "csparse.h"
#include "sweep_point.h"

#include <string.h>
#include <unistd.h>

/* The JSONL formatter's physical limit (see benchref.h): the same records, byte for byte, as
 * JSONLRecord.append (Sources/SparseCheck/Output/JSONLWriter.swift), formatted by hand in C. */

static char out_buf[1 << 20];
static size_t out_len;

void bench_jsonl_c_flush(int fd)
{
    size_t off = 0;
    while (off < out_len) {
        ssize_t k = write(fd, out_buf + off, out_len - off);
        if (k <= 0) break;
        off += (size_t)k;
    }
    out_len = 0;
}

static inline char *put(char *p, const char *s, size_t n)
{
    memcpy(p, s, n);
    return p + n;
}
#define PUT(p, lit) put((p), (lit), sizeof(lit) - 1)

static inline char *put_dec(char *p, uint64_t v)
{
    char t[20];
    int i = 20;
    do {
        t[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return put(p, t + i, (size_t)(20 - i));
}

static inline char *put_hex_string(char *p, uint64_t v)
{
    *p++ = '"';
    *p++ = '0';
    *p++ = 'x';
    int digits = v ? (67 - __builtin_clzll(v)) / 4 : 1;
    for (int i = digits - 1; i >= 0; i--) {
        unsigned d = (unsigned)(v & 15);
        p[i] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
        v >>= 4;
    }
    p += digits;
    *p++ = '"';
    return p;
}

/* A size with the largest binary suffix dividing it exactly: 268435456 -> 256M (JSONLRecord.putSize). */
static inline char *put_size(char *p, uint64_t v)
{
    int unit = 0;
    while (unit < 6 && v != 0 && (v & 1023) == 0) {
        v >>= 10;
        unit++;
    }
    p = put_dec(p, v);
    if (unit > 0) *p++ = "KMGTPE"[unit - 1];
    return p;
}

/* A rule's verdict under its name: "pass", "skip" or "fail SIZE" (SIZE: the alignment it requires). */
static inline char *put_rule(char *p, int st, uint64_t required)
{
    if (st == 0) return PUT(p, "\"pass\"");
    if (st == 2) return PUT(p, "\"skip\"");
    p = PUT(p, "\"fail ");
    p = put_size(p, required);
    *p++ = '"';
    return p;
}

int bench_jsonl_c_cell(const void *cfgp, int riscv_align_form, int mask_form, int encode_bound, uint32_t va_bits, uint64_t page_offset, uint64_t first_index,
                       uint64_t dram0, uint64_t step, uint64_t n, const char *prefix, size_t prefix_len,
                       const bool counts[3], int fd, bench_sweep_result *r)
{
    const cs_config *c = cfgp;
    uint64_t start, align;
    CS_TRY(cs_riscv_vmemmap_start(c, va_bits, page_offset, &start));
    CS_TRY(cs_riscv_vmemmap_addr_align(c, (cs_riscv_align_form)riscv_align_form, &align));
    const bool vmemmap = c->sparsemem_vmemmap;
    const bool folio_applies = vmemmap && cs_compound_info_has_mask(c, (cs_mask_form)mask_form);
    const bool bound_2026 = encode_bound == CS_BOUND_2026;
    cs_verdict v;
    if (cs_sparse_init_config(c, &v) != CS_OK) {
        r->skipped += n;
        return 0;
    }
    const uint64_t required[3] = {v.max_folio_vmemmap_align, v.v2_demand, v.section_map_required};
    for (uint64_t i = 0; i < n; i++) {
        uint64_t base, dram = dram0 + i * step;
        if (cs_riscv_vmemmap(c, start, dram, align, &base) != CS_OK || cs_sparse_init_base(c, base, &v) != CS_OK) {
            r->skipped++;
            continue;
        }
        int st[3];
        const bool failing = bench_tally_point(&v, folio_applies, vmemmap, bound_2026, counts, first_index + i, r, st);

        if (out_len + prefix_len + 400 > sizeof out_buf) bench_jsonl_c_flush(fd);
        char *p = out_buf + out_len;
        p = PUT(p, "{\"i\":");
        p = put_dec(p, first_index + i);
        p = put(p, prefix, prefix_len);
        p = PUT(p, ",\"dram_base\":");
        p = put_hex_string(p, dram);
        p = PUT(p, ",\"vmemmap\":");
        p = put_hex_string(p, base);
        p = PUT(p, ",\"align\":");
        p = put_dec(p, v.actual_alignment);
        p = failing ? PUT(p, ",\"status\":\"fail\"") : PUT(p, ",\"status\":\"pass\"");
        p = PUT(p, ",\"folio-vmemmap-align\":");
        p = put_rule(p, st[0], required[0]);
        p = PUT(p, ",\"folio-vmemmap-align-v2\":");
        p = put_rule(p, st[1], required[1]);
        p = PUT(p, ",\"section-map-encoding\":");
        p = put_rule(p, st[2], required[2]);
        p = PUT(p, "}\n");
        out_len = (size_t)(p - out_buf);
    }
    return 0;
}

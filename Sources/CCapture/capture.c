/* What a capture holds (ccapture.h): the file list, the running facts and the observed base. */
#define _GNU_SOURCE
#include "ccapture.h"
#include "io.h"
#include "ckcore.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

/* ---- a growable string ---- */
typedef struct {
    char *p;
    size_t n, cap;
    int oom;
} sb;

static void sb_put(sb *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (p == NULL) {
            b->oom = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;
}

static void sb_str(sb *b, const char *s) { sb_put(b, s, strlen(s)); }

static void sb_printf(sb *b, const char *fmt, ...)
{
    char tmp[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    sb_put(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* A JSON string literal; bytes that are not printable ASCII become \u00XX (Latin-1 reading). */
static void sb_json(sb *b, const char *s)
{
    sb_put(b, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            char e[2] = {'\\', (char)*p};
            sb_put(b, e, 2);
        } else if (*p == '\n') {
            sb_str(b, "\\n");
        } else if (*p == '\t') {
            sb_str(b, "\\t");
        } else if (*p < 0x20 || *p >= 0x7f) {
            sb_printf(b, "\\u%04x", *p);
        } else {
            sb_put(b, (const char *)p, 1);
        }
    }
    sb_put(b, "\"", 1);
}

static const char *sb_cstr(const sb *b) { return b->p ? b->p : ""; }

static void seterr(char *err, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, len, fmt, ap);
    va_end(ap);
}

static void hexstr(char *buf, size_t len, uint64_t v) { snprintf(buf, len, "0x%llx", (unsigned long long)v); }

/* ---- files ---- */

/* Reads a regular file, at most cap bytes. 0; ENOENT; EFBIG when larger than cap; another errno. */
static int read_file(const char *path, size_t cap, unsigned char **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return errno;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return EINVAL;
    }
    size_t cap0 = 65536, n = 0;
    unsigned char *buf = malloc(cap0);
    if (buf == NULL) {
        close(fd);
        return ENOMEM;
    }
    for (;;) {
        if (n == cap0) {
            if (cap0 > cap) {
                free(buf);
                close(fd);
                return EFBIG;
            }
            unsigned char *p = realloc(buf, cap0 * 2);
            if (p == NULL) {
                free(buf);
                close(fd);
                return ENOMEM;
            }
            buf = p;
            cap0 *= 2;
        }
        ssize_t r = read(fd, buf + n, cap0 - n);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            free(buf);
            close(fd);
            return e;
        }
        if (r == 0)
            break;
        n += (size_t)r;
        if (n > cap) {
            free(buf);
            close(fd);
            return EFBIG;
        }
    }
    close(fd);
    *out = buf;
    *len = n;
    return 0;
}

/* Creates every directory of path up to its last '/'. */
static int mkdir_parents(const char *path)
{
    char tmp[4096];
    size_t n = strlen(path);
    if (n >= sizeof tmp)
        return ENAMETOOLONG;
    memcpy(tmp, path, n + 1);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
            return errno;
        *p = '/';
    }
    return 0;
}

/* Writes a new file (never through a symlink, never over an existing file). */
static int write_new(const char *path, const void *data, size_t len)
{
    int e = mkdir_parents(path);
    if (e)
        return e;
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0)
        return errno;
    e = ccap_write_all(fd, data, len);
    if (close(fd) != 0 && e == 0)
        e = errno;
    return e;
}

/* The numeric ids of the entries of dir named PREFIX<digits>, sorted; at most max. */
static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static int list_ids(const char *dir, const char *prefix, int *ids, int max)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return 0;
    int n = 0;
    size_t pl = strlen(prefix);
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < max) {
        const char *s = e->d_name;
        if (strncmp(s, prefix, pl) != 0 || s[pl] == 0)
            continue;
        long v = 0;
        const char *q = s + pl;
        for (; *q >= '0' && *q <= '9' && v < 100000000; q++)
            v = v * 10 + (*q - '0');
        if (*q != 0)
            continue;
        ids[n++] = (int)v;
    }
    closedir(d);
    qsort(ids, (size_t)n, sizeof *ids, cmp_int);
    return n;
}

/* ---- the capture's state ---- */
typedef struct {
    const char *dir;
    const ccap_options *o;
    ccap_result *r;
    sb absent, unreadable; /* JSON array bodies */
    char kconfig_text_path[4400];
} cap;

static void note_absent(cap *c, const char *rel)
{
    char p[4200];
    snprintf(p, sizeof p, "/%s", rel);
    if (c->absent.n)
        sb_str(&c->absent, ",\n    ");
    sb_json(&c->absent, p);
    c->r->absent++;
}

static void note_unreadable(cap *c, const char *rel, const char *why)
{
    char p[4200];
    snprintf(p, sizeof p, "/%s", rel);
    if (c->unreadable.n)
        sb_str(&c->unreadable, ",\n    ");
    sb_str(&c->unreadable, "{\"path\": ");
    sb_json(&c->unreadable, p);
    sb_str(&c->unreadable, ", \"error\": ");
    sb_json(&c->unreadable, why);
    sb_str(&c->unreadable, "}");
    c->r->unreadable++;
}

/* Writes data to DIR/rel; a failure to write is the environment's (exit 3). */
static int put(cap *c, const char *rel, const void *data, size_t len)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", c->dir, rel);
    int e = write_new(path, data, len);
    if (e) {
        seterr(c->r->error, sizeof c->r->error, "%s: cannot write into the capture directory (%s)", path, strerror(e));
        return CCAP_EENV;
    }
    c->r->written++;
    return CCAP_OK;
}

/* Copies /rel into DIR/rel, bounded by cap; a missing or unreadable file is recorded, not fatal. */
static int copy(cap *c, const char *rel, size_t cap_bytes)
{
    char src[4200];
    snprintf(src, sizeof src, "/%s", rel);
    unsigned char *data;
    size_t len;
    int e = read_file(src, cap_bytes, &data, &len);
    if (e == ENOENT || e == ENOTDIR) {
        note_absent(c, rel);
        return CCAP_OK;
    }
    if (e) {
        char why[256];
        if (e == EFBIG)
            snprintf(why, sizeof why, "larger than the %zu KiB read limit", cap_bytes >> 10);
        else if (e == EINVAL)
            snprintf(why, sizeof why, "not a regular file");
        else
            snprintf(why, sizeof why, "%s", strerror(e));
        note_unreadable(c, rel, why);
        return CCAP_OK;
    }
    int st = put(c, rel, data, len);
    free(data);
    return st;
}

static int link_in(cap *c, const char *rel, const char *target)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", c->dir, rel);
    if (mkdir_parents(path) == 0 && symlink(target, path) == 0) {
        c->r->written++;
    } else {
        note_unreadable(c, rel, "cannot create symlink");
    }
    return CCAP_OK;
}

#define ND "sys/devices/system/node"
#define MD "sys/devices/system/memory"
#define MAX_IDS 65536

/* The files `host` reads (HostReader), for this host's node and memory-block ids. */
static int copy_files(cap *c, const char *release)
{
    static const char *const top[] = {
        "proc/version", "proc/sys/kernel/osrelease", "proc/zoneinfo", "proc/iomem", "proc/cpuinfo", "proc/cmdline",
        "proc/config.gz", "sys/kernel/btf/vmlinux", "sys/kernel/mm/transparent_hugepage/hpage_pmd_size", NULL,
    };
    static const char *const node_top[] = {"possible", "online", "has_memory", "has_cpu", "has_normal_memory", NULL};
    static const char *const node_files[] = {"cpulist", "distance", "meminfo", NULL};
    static const char *const block_files[] = {"phys_index", "state", "valid_zones", NULL};
    char rel[4200], target[256];
    int st;
    for (int i = 0; top[i]; i++) {
        size_t lim = strstr(top[i], "btf/vmlinux") ? CCAP_BTF_CAP : strstr(top[i], ".gz") ? CCAP_CONFIG_CAP : CCAP_TEXT_CAP;
        if ((st = copy(c, top[i], lim)) != CCAP_OK)
            return st;
    }
    snprintf(rel, sizeof rel, "boot/config-%s", release);
    if ((st = copy(c, rel, CCAP_CONFIG_CAP)) != CCAP_OK)
        return st;
    snprintf(c->kconfig_text_path, sizeof c->kconfig_text_path, "%s/%s", c->dir, rel);
    for (int i = 0; node_top[i]; i++) {
        snprintf(rel, sizeof rel, ND "/%s", node_top[i]);
        if ((st = copy(c, rel, CCAP_TEXT_CAP)) != CCAP_OK)
            return st;
    }
    int *nodes = malloc(sizeof(int) * MAX_IDS), *blocks = malloc(sizeof(int) * MAX_IDS);
    if (nodes == NULL || blocks == NULL) {
        free(nodes);
        free(blocks);
        seterr(c->r->error, sizeof c->r->error, "out of memory");
        return CCAP_EENV;
    }
    int nn = list_ids("/" ND, "node", nodes, MAX_IDS);
    st = CCAP_OK;
    for (int i = 0; i < nn && st == CCAP_OK; i++) {
        for (int k = 0; node_files[k] && st == CCAP_OK; k++) {
            snprintf(rel, sizeof rel, ND "/node%d/%s", nodes[i], node_files[k]);
            st = copy(c, rel, CCAP_TEXT_CAP);
        }
        char nd[256];
        snprintf(nd, sizeof nd, "/" ND "/node%d", nodes[i]);
        int nb = list_ids(nd, "memory", blocks, MAX_IDS);
        for (int k = 0; k < nb && st == CCAP_OK; k++) {
            snprintf(rel, sizeof rel, ND "/node%d/memory%d", nodes[i], blocks[k]);
            snprintf(target, sizeof target, "../../memory/memory%d", blocks[k]);
            st = link_in(c, rel, target);
            snprintf(rel, sizeof rel, MD "/memory%d/node%d", blocks[k], nodes[i]);
            snprintf(target, sizeof target, "../../node/node%d", nodes[i]);
            if (st == CCAP_OK)
                st = link_in(c, rel, target);
        }
    }
    if (st == CCAP_OK)
        st = copy(c, MD "/block_size_bytes", CCAP_TEXT_CAP);
    int nb = st == CCAP_OK ? list_ids("/" MD, "memory", blocks, MAX_IDS) : 0;
    for (int k = 0; k < nb && st == CCAP_OK; k++)
        for (int f = 0; block_files[f] && st == CCAP_OK; f++) {
            snprintf(rel, sizeof rel, MD "/memory%d/%s", blocks[k], block_files[f]);
            st = copy(c, rel, CCAP_TEXT_CAP);
        }
    free(nodes);
    free(blocks);
    return st;
}

/* ---- the kernel's own description of itself: BTF and the kernel config ---- */

static uint32_t g32(const unsigned char *p, int be)
{
    return be ? ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3])
              : ((uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0]);
}

typedef struct {
    long struct_page, struct_mem_section, last_bit;
    char problem[128];
} btf_facts;

/* sizeof(struct page), sizeof(struct mem_section) and the enumerator SECTION_MAP_LAST_BIT from a BTF
 * blob in either byte order (include/uapi/linux/btf.h). */
static void btf_scan(const char *path, btf_facts *f)
{
    f->struct_page = f->struct_mem_section = f->last_bit = -1;
    f->problem[0] = 0;
    unsigned char *b;
    size_t len;
    int e = read_file(path, CCAP_BTF_CAP, &b, &len);
    if (e) {
        snprintf(f->problem, sizeof f->problem, "%s", e == ENOENT ? "missing" : e == EFBIG ? "over the read limit" : strerror(e));
        return;
    }
    int be;
    if (len >= 24 && b[0] == 0x9f && b[1] == 0xeb)
        be = 0;
    else if (len >= 24 && b[0] == 0xeb && b[1] == 0x9f)
        be = 1;
    else {
        snprintf(f->problem, sizeof f->problem, "no BTF magic");
        free(b);
        return;
    }
    uint64_t hdr = g32(b + 4, be), toff = g32(b + 8, be), tlen = g32(b + 12, be), soff = g32(b + 16, be), slen = g32(b + 20, be);
    if (hdr + toff + tlen > len || hdr + soff + slen > len) {
        snprintf(f->problem, sizeof f->problem, "sections out of range");
        free(b);
        return;
    }
    const unsigned char *t = b + hdr + toff, *end = t + tlen;
    const char *strs = (const char *)b + hdr + soff;
#define NAME(off) ((off) < slen && memchr(strs + (off), 0, slen - (off)) ? strs + (off) : "")
    while (t + 12 <= end) {
        uint32_t name = g32(t, be), info = g32(t + 4, be), size = g32(t + 8, be);
        unsigned kind = (info >> 24) & 0x1f, vlen = info & 0xffff;
        const unsigned char *m = t + 12;
        size_t extra = 0;
        switch (kind) {
        case 1: case 14: case 17: extra = 4; break;                  /* INT, VAR, DECL_TAG */
        case 3: extra = 12; break;                                   /* ARRAY */
        case 4: case 5: case 15: case 19: extra = 12u * vlen; break; /* STRUCT, UNION, DATASEC, ENUM64 */
        case 6: case 13: extra = 8u * vlen; break;                   /* ENUM, FUNC_PROTO */
        default: extra = 0;
        }
        if ((size_t)(end - m) < extra)
            break;
        if (kind == 4 && f->struct_page < 0 && strcmp(NAME(name), "page") == 0)
            f->struct_page = size;
        if (kind == 4 && f->struct_mem_section < 0 && strcmp(NAME(name), "mem_section") == 0)
            f->struct_mem_section = size;
        if (kind == 6)
            for (unsigned i = 0; i < vlen; i++)
                if (strcmp(NAME(g32(m + 8u * i, be)), "SECTION_MAP_LAST_BIT") == 0)
                    f->last_bit = (int32_t)g32(m + 8u * i + 4, be);
        t = m + extra;
    }
#undef NAME
    free(b);
}

/* CONFIG_<sym> in a plain kernel config: 1 (=y), 0 (is not set / absent), -1 (no config). */
static int kconfig_bool(const char *text, const char *sym)
{
    if (text == NULL)
        return -1;
    char on[128], off[128];
    snprintf(on, sizeof on, "CONFIG_%s=y\n", sym);
    snprintf(off, sizeof off, "# CONFIG_%s is not set", sym);
    for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        if (strncmp(p, on, strlen(on)) == 0)
            return 1;
    return 0;
}

/* ---- /proc/kallsyms ---- */

const char *const *ccap_symbol_names(const char *machine)
{
    static const char *const x86[] = {"vmemmap_base", "page_offset_base", NULL};
    static const char *const riscv[] = {"vmemmap_start_pfn", "phys_ram_base", "satp_mode", NULL};
    static const char *const arm64[] = {"memstart_addr", NULL};
    static const char *const vmemmap[] = {"vmemmap", NULL};
    static const char *const none[] = {NULL};
    if (strcmp(machine, "x86_64") == 0)
        return x86;
    if (strcmp(machine, "riscv64") == 0)
        return riscv;
    if (strcmp(machine, "aarch64") == 0 || strcmp(machine, "arm64") == 0)
        return arm64;
    if (strncmp(machine, "ppc64", 5) == 0 || strcmp(machine, "s390x") == 0)
        return vmemmap;
    return none;
}

#define MAX_WANT 8
typedef struct {
    const char *name[MAX_WANT];
    uint64_t addr[MAX_WANT];
    int found[MAX_WANT];
    int n, lines, zeroed;
} ksyms;

/* One bounded pass (256 MiB, lines under 4 KiB) over kallsyms; module symbols are skipped. */
static int kallsyms_scan(const char *path, ksyms *k, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        int e = errno;
        if (e == ENOENT)
            seterr(err, errlen, "%s: missing", path);
        else
            seterr(err, errlen, "%s: cannot open (%s)", path, strerror(e));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        seterr(err, errlen, "%s: not a regular file", path);
        return -1;
    }
    char line[4097];
    char *chunk = malloc(65536);
    if (chunk == NULL) {
        close(fd);
        seterr(err, errlen, "%s: out of memory", path);
        return -1;
    }
    size_t ll = 0, total = 0;
    int nonzero = 0;
    for (;;) {
        ssize_t n = read(fd, chunk, 65536);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            close(fd);
            free(chunk);
            seterr(err, errlen, "%s: read error (%s)", path, strerror(e));
            return -1;
        }
        total += (size_t)n;
        if (total > (256u << 20)) {
            close(fd);
            free(chunk);
            seterr(err, errlen, "%s: larger than the 256 MiB read limit", path);
            return -1;
        }
        for (ssize_t i = 0; i <= n; i++) {
            int eol = i == n ? (n == 0 && ll > 0) : chunk[i] == '\n';
            if (!eol) {
                if (i == n)
                    break;
                if (ll >= 4096) {
                    close(fd);
                    free(chunk);
                    seterr(err, errlen, "%s: a line longer than 4 KiB (not kallsyms)", path);
                    return -1;
                }
                line[ll++] = chunk[i];
                continue;
            }
            line[ll] = 0;
            ll = 0;
            unsigned long long a;
            char t, name[256];
            if (sscanf(line, "%llx %c %255s", &a, &t, name) != 3)
                continue;
            k->lines++;
            if (a != 0)
                nonzero = 1;
            if (strchr(line, '['))
                continue;
            for (int w = 0; w < k->n; w++)
                if (!k->found[w] && strcmp(name, k->name[w]) == 0) {
                    k->found[w] = 1;
                    k->addr[w] = a;
                }
        }
        if (n == 0)
            break;
    }
    close(fd);
    free(chunk);
    k->zeroed = k->lines > 0 && !nonzero;
    return 0;
}

static int ksym(const ksyms *k, const char *name, uint64_t *a)
{
    for (int i = 0; i < k->n; i++)
        if (strcmp(k->name[i], name) == 0 && k->found[i]) {
            *a = k->addr[i];
            return 1;
        }
    return 0;
}

/* ---- /proc/kcore ---- */
typedef struct {
    int fd;
    ck_elf elf;
    int reads_left;
    const char *path;
} kcore;

#define MAX_READS 4096

static int kread(kcore *k, uint64_t va, void *buf, size_t len, char *err, size_t errlen)
{
    if (k->reads_left <= 0) {
        seterr(err, errlen, "%s: read limit reached (%d reads)", k->path, MAX_READS);
        return -1;
    }
    k->reads_left--;
    ck_status st = ck_read(k->fd, &k->elf, va, buf, len);
    if (st != CK_OK) {
        seterr(err, errlen, "%s: 0x%llx: %s%s%s%s", k->path, (unsigned long long)va, ck_status_name(st),
               st == CK_EIO ? " (" : "", st == CK_EIO ? strerror(k->elf.err) : "", st == CK_EIO ? ")" : "");
        return -1;
    }
    return 0;
}

static int ku64(kcore *k, uint64_t va, uint64_t *v, char *err, size_t errlen)
{
    uint8_t b[8];
    if (kread(k, va, b, 8, err, errlen))
        return -1;
    *v = ck_u64(&k->elf, b);
    return 0;
}

typedef struct {
    uint64_t section, raw, base;
} witness;

#define MAX_ROOTS 64
#define MAX_WITNESSES 3

/* The first present sections with a mem_map: mem_section is `struct mem_section **` with
 * SPARSEMEM_EXTREME, else the array mem_section[NR_SECTION_ROOTS][SECTIONS_PER_ROOT]. With
 * SPARSEMEM_VMEMMAP, sparse_init_one_section() stores mem_map - section_nr_to_pfn(nr) = pfn_to_page(0)
 * above the flag bits (include/linux/mmzone.h, mm/sparse.c). */
static int walk_sections(kcore *k, uint64_t ms, uint64_t size, int extreme, long last_bit, long page, witness *w,
                         int *nw, char *err, size_t errlen)
{
    uint64_t per_root = extreme ? (uint64_t)page / size : 1, mask = ~((1ull << last_bit) - 1), roots = 0;
    size_t root_bytes = per_root * size < 65536 ? (size_t)(per_root * size) : 65536;
    uint8_t *b = malloc(root_bytes);
    if (b == NULL)
        return -1;
    *nw = 0;
    if (extreme) {
        if (ku64(k, ms, &roots, err, errlen)) {
            free(b);
            return -1;
        }
        if (roots == 0) {
            free(b);
            return 0;
        }
    }
    for (uint64_t i = 0; i < MAX_ROOTS; i++) {
        uint64_t root;
        if (extreme) {
            if (ku64(k, roots + i * 8, &root, err, errlen)) {
                free(b);
                return -1;
            }
        } else {
            root = ms + i * per_root * size;
        }
        if (root == 0)
            continue;
        if (kread(k, root, b, root_bytes, err, errlen)) {
            free(b);
            return -1;
        }
        for (uint64_t j = 0; j < root_bytes / size; j++) {
            uint64_t raw = ck_u64(&k->elf, b + j * size);
            /* SECTION_MARKED_PRESENT (bit 0) and SECTION_HAS_MEM_MAP (bit 1) */
            if ((raw & 3) != 3)
                continue;
            w[*nw].section = i * per_root + j;
            w[*nw].raw = raw;
            w[*nw].base = raw & mask;
            if (++*nw == MAX_WITNESSES) {
                free(b);
                return 0;
            }
        }
    }
    free(b);
    return 0;
}

/* The lockdown mode in brackets ("none [integrity] confidentiality" -> integrity). */
static void lockdown_mode(const char *path, char *mode, size_t len)
{
    mode[0] = 0;
    unsigned char *t;
    size_t n;
    if (read_file(path, 4096, &t, &n))
        return;
    char buf[4097];
    memcpy(buf, t, n);
    buf[n] = 0;
    free(t);
    char *o = strchr(buf, '['), *c = o ? strchr(o, ']') : NULL;
    if (o && c && (size_t)(c - o - 1) < len) {
        memcpy(mode, o + 1, (size_t)(c - o - 1));
        mode[c - o - 1] = 0;
    }
}

/* A parameter of the section walk with where it came from. */
typedef struct {
    long value;
    char source[240];
} param;

/* Fills the manifest's "observed" (or "observed_unavailable") and the running facts read from
 * kcore. Never changes a setting; every refusal becomes the reason recorded. */
static void observe(cap *c, const char *machine, sb *obs, sb *running)
{
    const ccap_options *o = c->o;
    ccap_result *r = c->r;
    const char *kc = o->kcore ? o->kcore : "/proc/kcore", *ks = o->kallsyms ? o->kallsyms : "/proc/kallsyms";
    const char *ld = o->lockdown ? o->lockdown : "/sys/kernel/security/lockdown";
    const char *kr = o->kptr_restrict ? o->kptr_restrict : "/proc/sys/kernel/kptr_restrict";
    const char *btf = o->btf ? o->btf : "/sys/kernel/btf/vmlinux";
    char why[1024] = "", mode[64];
    kcore k = {.fd = -1, .reads_left = MAX_READS, .path = kc};
    sb notes = {0}, syms = {0}, wit = {0};
    const char *const *names = ccap_symbol_names(machine);

    lockdown_mode(ld, mode, sizeof mode);
    struct stat st;
    if (strcmp(mode, "confidentiality") == 0) {
        seterr(why, sizeof why, "%s: kernel lockdown is '%s' (%s): the kernel refuses /proc/kcore", kc, mode, ld);
        goto unavailable;
    }
    if (stat(kc, &st) != 0) {
        seterr(why, sizeof why, "%s: missing (a kernel without CONFIG_PROC_KCORE)", kc);
        goto unavailable;
    }
    if (o->require_root && geteuid() != 0) {
        seterr(why, sizeof why, "%s: not readable as uid %u: reading kernel memory needs root (CAP_SYS_RAWIO)", kc, (unsigned)geteuid());
        goto unavailable;
    }
    ksyms s = {0};
    for (int i = 0; names[i] && s.n < MAX_WANT - 1; i++)
        s.name[s.n++] = names[i];
    s.name[s.n++] = "mem_section";
    if (kallsyms_scan(ks, &s, why, sizeof why))
        goto unavailable;
    if (s.zeroed) {
        unsigned char *t;
        size_t n;
        char v[32] = "unknown";
        if (read_file(kr, 64, &t, &n) == 0) {
            size_t m = 0;
            for (; m < n && m < sizeof v - 1 && t[m] != '\n'; m++)
                v[m] = (char)t[m];
            v[m] = 0;
            free(t);
        }
        seterr(why, sizeof why, "%s: every address reads as zero (kptr_restrict = %s in %s); the collector does not change it", ks, v, kr);
        goto unavailable;
    }
    k.fd = open(kc, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (k.fd < 0) {
        int e = errno;
        seterr(why, sizeof why, "%s: cannot open (%s)%s%s%s", kc, strerror(e), mode[0] && strcmp(mode, "none") ? " (kernel lockdown is '" : "",
               mode[0] && strcmp(mode, "none") ? mode : "", mode[0] && strcmp(mode, "none") ? "')" : "");
        goto unavailable;
    }
    if (fstat(k.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        seterr(why, sizeof why, "%s: not a regular file", kc);
        goto unavailable;
    }
    ck_status cs = ck_elf_open(k.fd, &k.elf);
    if (cs != CK_OK) {
        seterr(why, sizeof why, "%s: %s", kc, ck_status_name(cs));
        goto unavailable;
    }

    /* The architecture's variables. */
    char err[512], h1[24], h2[24];
    uint64_t direct = 0;
    const char *direct_name = NULL;
    sb problems = {0};
    for (int i = 0; names[i]; i++) {
        uint64_t a, v;
        if (!ksym(&s, names[i], &a)) {
            sb_printf(&problems, "%s%s is not in /proc/kallsyms", problems.n ? "; " : "", names[i]);
            continue;
        }
        if (ku64(&k, a, &v, err, sizeof err)) {
            hexstr(h1, sizeof h1, a);
            sb_printf(&problems, "%s%s at %s: %s", problems.n ? "; " : "", names[i], h1, err);
            continue;
        }
        hexstr(h1, sizeof h1, a);
        hexstr(h2, sizeof h2, v);
        if (syms.n)
            sb_str(&syms, ",\n      ");
        sb_json(&syms, names[i]);
        sb_printf(&syms, ": {\"address\": \"%s\", \"value\": \"%s\"}", h1, h2);
        /* x86 vmemmap_base, powerpc and s390 vmemmap: the base itself */
        if (strcmp(names[i], "vmemmap_base") == 0 || strcmp(names[i], "vmemmap") == 0) {
            direct = v;
            direct_name = names[i];
        }
    }

    /* The section witnesses: the walk's parameters from BTF, the kernel config, the caller's model. */
    btf_facts bf;
    btf_scan(btf, &bf);
    unsigned char *kt = NULL;
    size_t ktl = 0;
    char *ktext = NULL;
    if (read_file(c->kconfig_text_path, CCAP_CONFIG_CAP, &kt, &ktl) == 0) {
        ktext = malloc(ktl + 1);
        if (ktext) {
            memcpy(ktext, kt, ktl);
            ktext[ktl] = 0;
        }
        free(kt);
    }
    const char *kcname = strrchr(c->kconfig_text_path, '/');
    char kcsrc[160];
    snprintf(kcsrc, sizeof kcsrc, "/boot%s", kcname ? kcname : "");
    param size = {-1, ""}, last = {-1, ""}, extreme = {-1, ""}, vmm = {-1, ""};
    if (bf.struct_mem_section > 0)
        size = (param){bf.struct_mem_section, ""}, snprintf(size.source, sizeof size.source, "BTF %s: sizeof(struct mem_section)", btf);
    else if (o->mem_section_size > 0)
        size = (param){o->mem_section_size, "the model (no BTF)"};
    if (bf.last_bit >= 0)
        last = (param){bf.last_bit, ""}, snprintf(last.source, sizeof last.source, "BTF %s: enumerator SECTION_MAP_LAST_BIT", btf);
    else if (o->section_map_last_bit >= 0)
        last = (param){o->section_map_last_bit, "the model (no BTF enumerator)"};
    int kx = kconfig_bool(ktext, "SPARSEMEM_EXTREME"), kv = kconfig_bool(ktext, "SPARSEMEM_VMEMMAP");
    if (kx >= 0)
        extreme = (param){kx, ""}, snprintf(extreme.source, sizeof extreme.source, "%s: CONFIG_SPARSEMEM_EXTREME", kcsrc);
    else if (o->sparsemem_extreme >= 0)
        extreme = (param){o->sparsemem_extreme, "the model"};
    if (kv >= 0)
        vmm = (param){kv, ""}, snprintf(vmm.source, sizeof vmm.source, "%s: CONFIG_SPARSEMEM_VMEMMAP", kcsrc);
    else if (o->sparsemem_vmemmap >= 0)
        vmm = (param){o->sparsemem_vmemmap, "the model"};
    free(ktext);

    witness w[MAX_WITNESSES];
    int nw = 0;
    uint64_t ms;
    if (vmm.value == 0) {
        /* not SPARSEMEM_VMEMMAP: section_mem_map does not encode one pfn_to_page(0) */
    } else if (!ksym(&s, "mem_section", &ms)) {
        sb_printf(&notes, "%s", "mem_section is not in /proc/kallsyms (CONFIG_KALLSYMS_ALL not set?): no section witness");
    } else if (size.value <= 0 || size.value > 4096 || last.value < 0 || last.value > 12) {
        sb_printf(&notes, "no section witness: sizeof(struct mem_section) and SECTION_MAP_LAST_BIT unknown (BTF: %s)",
                  bf.problem[0] ? bf.problem : "no such type or enumerator");
    } else {
        if (extreme.value < 0) {
            /* A present section's entry has bit 0 set; a SPARSEMEM_EXTREME root pointer is 8-aligned. */
            uint64_t first;
            if (ku64(&k, ms, &first, err, sizeof err) == 0) {
                extreme.value = (first & 1) ? 0 : 1;
                snprintf(extreme.source, sizeof extreme.source, "guessed: mem_section's first word %s", (first & 1) ? "is a present section" : "is a pointer");
            }
        }
        if (extreme.value >= 0 && walk_sections(&k, ms, (uint64_t)size.value, (int)extreme.value, last.value, sysconf(_SC_PAGESIZE), w, &nw, err, sizeof err))
            sb_printf(&notes, "mem_section: %s", err);
    }

    uint64_t value;
    char via[256];
    if (direct_name) {
        value = direct;
        snprintf(via, sizeof via, "%s", direct_name);
    } else if (nw > 0) {
        value = w[0].base;
        snprintf(via, sizeof via, "section_mem_map of section %llu with its flag bits cleared", (unsigned long long)w[0].section);
    } else {
        seterr(why, sizeof why, "%s: no variable gives pfn_to_page(0)%s%s%s%s", kc, problems.n || notes.n ? ": " : "",
               sb_cstr(&problems), problems.n && notes.n ? "; " : "", sb_cstr(&notes));
        free(problems.p);
        goto unavailable;
    }
    for (int i = 0; i < nw; i++) {
        hexstr(h1, sizeof h1, w[i].raw);
        hexstr(h2, sizeof h2, w[i].base);
        if (wit.n)
            sb_str(&wit, ",\n      ");
        sb_printf(&wit, "{\"section\": %llu, \"section_mem_map\": \"%s\", \"pfn_to_page0\": \"%s\"}", (unsigned long long)w[i].section, h1, h2);
        if (w[i].base != value) {
            char hv[24];
            hexstr(hv, sizeof hv, value);
            sb_printf(&notes, "%ssection %llu's section_mem_map encodes %s, not %s", notes.n ? "\n" : "", (unsigned long long)w[i].section, h2, hv);
        }
    }
    if (problems.n)
        sb_printf(&notes, "%s%s", notes.n ? "\n" : "", sb_cstr(&problems));
    free(problems.p);

    r->observed = 1;
    r->pfn_to_page0 = value;
    hexstr(h1, sizeof h1, value);
    sb_str(obs, "\"observed\": {\n    \"source\": ");
    sb_json(obs, kc);
    sb_printf(obs, ",\n    \"pfn_to_page0\": \"%s\",\n    \"via\": ", h1);
    sb_json(obs, via);
    sb_printf(obs, ",\n    \"witnesses\": [%s%s%s],\n    \"symbols\": {%s%s%s},\n    \"notes\": [", wit.n ? "\n      " : "", sb_cstr(&wit),
              wit.n ? "\n    " : "", syms.n ? "\n      " : "", sb_cstr(&syms), syms.n ? "\n    " : "");
    /* notes are '\n'-separated */
    if (notes.n) {
        char *p = notes.p, *q;
        int first = 1;
        do {
            q = strchr(p, '\n');
            if (q)
                *q = 0;
            sb_str(obs, first ? "\n      " : ",\n      ");
            sb_json(obs, p);
            first = 0;
            p = q ? q + 1 : NULL;
        } while (p);
        sb_str(obs, "\n    ");
    }
    sb_str(obs, "],\n    \"kcore_span\": ");
    uint32_t cnt = 0;
    uint64_t lo = 0, hi = 0;
    if (ck_load_span(k.fd, &k.elf, &cnt, &lo, &hi) == CK_OK && cnt > 0) {
        hexstr(h1, sizeof h1, lo);
        hexstr(h2, sizeof h2, hi);
        sb_printf(obs, "[\"%s\", \"%s\"]", h1, h2);
        /* arm64: _PAGE_OFFSET(vabits_actual) = -(1 << vabits_actual) starts the linear map
         * (arch/arm64/include/asm/memory.h): the lowest PT_LOAD names the VA size in use. */
        if (strcmp(machine, "aarch64") == 0) {
            int va = 64 - __builtin_clzll(~lo | 1);
            if (~lo == 0)
                va = 0;
            if (va == 47 || va == 48 || va == 52) {
                sb_printf(running, ",\n    \"arm64_va_bits\": %d,\n    \"arm64_va_bits_source\": ", va);
                char src[256];
                snprintf(src, sizeof src, "%s: the linear map (lowest PT_LOAD) starts at %s, inside _PAGE_OFFSET(%d)", kc, h1, va);
                sb_json(running, src);
            }
        }
    } else {
        sb_str(obs, "null");
    }
    char how[512];
    snprintf(how, sizeof how, "read as uid %u from %s at the addresses %s gives, by %s %s", (unsigned)geteuid(), kc, ks,
             o->collector ? o->collector : "memmap-capture", o->version ? o->version : "");
    sb_str(obs, ",\n    \"how\": ");
    sb_json(obs, how);
    sb_str(obs, ",\n    \"parameters\": {");
    const param *ps[] = {&size, &last, &extreme, &vmm};
    const char *pn[] = {"sizeof_mem_section", "section_map_last_bit", "sparsemem_extreme", "sparsemem_vmemmap"};
    int firstp = 1;
    for (int i = 0; i < 4; i++) {
        if (ps[i]->value < 0)
            continue;
        sb_printf(obs, "%s\"%s\": {\"value\": %ld, \"source\": ", firstp ? "\n      " : ",\n      ", pn[i], ps[i]->value);
        sb_json(obs, ps[i]->source);
        sb_str(obs, "}");
        firstp = 0;
    }
    sb_str(obs, firstp ? "}\n  }" : "\n    }\n  }");
    goto done;

unavailable:
    r->observed = 0;
    snprintf(r->observed_why, sizeof r->observed_why, "%s", why);
    sb_str(obs, "\"observed_unavailable\": ");
    sb_json(obs, why);
done:
    if (k.fd >= 0)
        close(k.fd);
    free(notes.p);
    free(syms.p);
    free(wit.p);
}

/* ---- the capture ---- */

void ccap_options_init(ccap_options *o)
{
    memset(o, 0, sizeof *o);
    o->require_root = 1;
    o->mem_section_size = o->section_map_last_bit = o->sparsemem_extreme = o->sparsemem_vmemmap = -1;
}

static int dir_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

int ccap_capture(const char *dir, const ccap_options *o, ccap_result *r)
{
    memset(r, 0, sizeof *r);
    struct stat st;
    if (stat(dir, &st) == 0) {
        if (!S_ISDIR(st.st_mode)) {
            seterr(r->error, sizeof r->error, "capture %s: expected a directory, not a file", dir);
            return CCAP_EINPUT;
        }
        int n = dir_entries(dir);
        if (n > 0) {
            seterr(r->error, sizeof r->error, "capture %s: expected a new or empty directory (it holds %d entries)", dir, n);
            return CCAP_EINPUT;
        }
    }
    char probe[4200];
    snprintf(probe, sizeof probe, "%s/x", dir);
    int e = mkdir_parents(probe);
    if (e == 0 && mkdir(dir, 0755) != 0 && errno != EEXIST)
        e = errno;
    if (e) {
        seterr(r->error, sizeof r->error, "%s: cannot create the capture directory (%s)", dir, strerror(e));
        return CCAP_EENV;
    }
    struct utsname u;
    uname(&u);
    /* The kernel's own machine (/proc/sys/kernel/arch, UTS_MACHINE): under qemu-user, uname(2) names
     * the emulated CPU, not the kernel whose memmap is captured. */
    char process_machine[sizeof u.machine];
    snprintf(process_machine, sizeof process_machine, "%s", u.machine);
    unsigned char *ka;
    size_t kal;
    if (read_file("/proc/sys/kernel/arch", 64, &ka, &kal) == 0) {
        while (kal > 0 && (ka[kal - 1] == '\n' || ka[kal - 1] == ' '))
            kal--;
        if (kal > 0 && kal < sizeof u.machine) {
            memcpy(u.machine, ka, kal);
            u.machine[kal] = 0;
        }
        free(ka);
    }
    snprintf(r->machine, sizeof r->machine, "%s", u.machine);
    snprintf(r->release, sizeof r->release, "%s", u.release);
    cap c = {.dir = dir, .o = o, .r = r};
    int rc = copy_files(&c, u.release);
    if (rc == CCAP_OK) {
        char line[1024];
        int n = snprintf(line, sizeof line, "Linux %s %s %s %s GNU/Linux\n", u.nodename, u.release, u.version, u.machine);
        rc = put(&c, "uname.txt", line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
    }
    if (rc == CCAP_OK) {
        char *log = malloc(CCAP_KLOG_CAP);
        int n = log ? ck_klog_read_all(log, (int)CCAP_KLOG_CAP) : -1;
        if (n > 0)
            rc = put(&c, "dmesg.txt", log, (size_t)n);
        free(log);
    }
    sb obs = {0}, running = {0}, m = {0};
    if (rc == CCAP_OK) {
        sb_printf(&running, "{\n    \"read_as_uid\": %u,\n    \"memmap_check\": ", (unsigned)geteuid());
        sb_json(&running, o->version ? o->version : "");
        sb_str(&running, ",\n    \"collector\": ");
        sb_json(&running, o->collector ? o->collector : "memmap-capture");
        if (strcmp(process_machine, u.machine) != 0) {
            /* e.g. an aarch64 collector under qemu-user on an x86_64 kernel */
            sb_str(&running, ",\n    \"process_machine\": ");
            sb_json(&running, process_machine);
        }
        observe(&c, u.machine, &obs, &running);
        sb_str(&running, "\n  }");

        time_t now = time(NULL);
        struct tm tm;
        char iso[32];
        gmtime_r(&now, &tm);
        strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
        sb_str(&m, "{\n  \"schema\": \"" CCAP_SCHEMA "\",\n  \"kernel_release\": ");
        sb_json(&m, u.release);
        sb_str(&m, ",\n  \"machine\": ");
        sb_json(&m, u.machine);
        sb_printf(&m, ",\n  \"page_size\": %ld,\n  \"time\": \"%s\",\n  \"files\": %d,\n", sysconf(_SC_PAGESIZE), iso, r->written + 1);
        sb_printf(&m, "  \"absent\": [%s%s%s],\n", c.absent.n ? "\n    " : "", sb_cstr(&c.absent), c.absent.n ? "\n  " : "");
        sb_printf(&m, "  \"unreadable\": [%s%s%s],\n", c.unreadable.n ? "\n    " : "", sb_cstr(&c.unreadable), c.unreadable.n ? "\n  " : "");
        if (o->libnuma_json) {
            sb_str(&m, "  \"libnuma\": ");
            sb_str(&m, o->libnuma_json);
            sb_str(&m, ",\n");
        }
        sb_str(&m, "  \"running\": ");
        sb_str(&m, sb_cstr(&running));
        sb_str(&m, ",\n  ");
        sb_str(&m, sb_cstr(&obs));
        sb_str(&m, "\n}\n");
        if (m.oom || obs.oom || running.oom || c.absent.oom || c.unreadable.oom) {
            seterr(r->error, sizeof r->error, "out of memory");
            rc = CCAP_EENV;
        } else {
            rc = put(&c, CCAP_MANIFEST, m.p, m.n);
        }
    }
    free(obs.p);
    free(running.p);
    free(m.p);
    free(c.absent.p);
    free(c.unreadable.p);
    if (rc == CCAP_OK && o->tar) {
        char err[512];
        if (ccap_tar_write(dir, o->tar, err, sizeof err)) {
            seterr(r->error, sizeof r->error, "%s", err);
            rc = CCAP_EENV;
        }
    }
    return rc;
}

void ccap_summary(const char *dir, const ccap_options *o, const ccap_result *r, char *buf, size_t len)
{
    char obs[700];
    if (r->observed)
        snprintf(obs, sizeof obs, "observed pfn_to_page(0) 0x%llx", (unsigned long long)r->pfn_to_page0);
    else
        snprintf(obs, sizeof obs, "no observed base (%s)", r->observed_why);
    snprintf(buf, len, "captured %d files of %s %s into %s (%d absent, %d unreadable); %s%s%s", r->written, r->machine, r->release, dir,
             r->absent, r->unreadable, obs, o->tar ? "; tar " : "", o->tar ? o->tar : "");
}

/* The bounded ELF64 core reader (ckcore.h): pread only, no mmap, every size checked. */
#include "ckcore.h"

#include <errno.h>
#include <string.h>
#include <sys/klog.h>
#include <unistd.h>

#define PT_LOAD_ 1u
#define PN_XNUM_ 0xffffu
#define EHDR_SIZE 64u
#define PHDR_MIN 56u
#define SHDR_MIN 64u

static uint16_t get16(int be, const uint8_t *p)
{
    return be ? (uint16_t)((p[0] << 8) | p[1]) : (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t get32(int be, const uint8_t *p)
{
    return be ? ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3])
              : ((uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0]);
}

static uint64_t get64(int be, const uint8_t *p)
{
    uint64_t hi = get32(be, be ? p : p + 4), lo = get32(be, be ? p + 4 : p);
    return hi << 32 | lo;
}

uint64_t ck_u64(const ck_elf *e, const uint8_t *p)
{
    return get64(e->big_endian, p);
}

/* Exactly len bytes at off, retrying short reads and EINTR; CK_ETRUNC at end of file. */
static ck_status read_at(int fd, ck_elf *e, uint64_t off, void *buf, size_t len)
{
    size_t got = 0;
    if (off > (uint64_t)INT64_MAX - len)
        return CK_ETRUNC;
    while (got < len) {
        ssize_t n = pread(fd, (uint8_t *)buf + got, len - got, (off_t)(off + got));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (e)
                e->err = errno;
            return CK_EIO;
        }
        if (n == 0)
            return CK_ETRUNC;
        got += (size_t)n;
    }
    return CK_OK;
}

ck_status ck_elf_open(int fd, ck_elf *e)
{
    uint8_t h[EHDR_SIZE];
    if (e == NULL)
        return CK_EARG;
    memset(e, 0, sizeof *e);
    ck_status st = read_at(fd, e, 0, h, sizeof h);
    if (st != CK_OK)
        return st;
    if (h[0] != 0x7f || h[1] != 'E' || h[2] != 'L' || h[3] != 'F')
        return CK_ENOTELF;
    if (h[4] != 2)
        return CK_ECLASS;
    if (h[5] != 1 && h[5] != 2)
        return CK_EENCODING;
    e->big_endian = h[5] == 2;
    int be = e->big_endian;
    e->machine = get16(be, h + 18);
    e->phoff = get64(be, h + 32);
    e->phentsize = get16(be, h + 54);
    uint32_t phnum = get16(be, h + 56);
    if (phnum == PN_XNUM_) {
        /* The real count is sh_info of section header 0 (elf(5)). */
        uint64_t shoff = get64(be, h + 40);
        uint16_t shentsize = get16(be, h + 58);
        uint8_t s[SHDR_MIN];
        if (shoff == 0 || shentsize < SHDR_MIN)
            return CK_EPHDR;
        st = read_at(fd, e, shoff, s, sizeof s);
        if (st != CK_OK)
            return st;
        phnum = get32(be, s + 44);
    }
    if (e->phentsize < PHDR_MIN || phnum > CK_MAX_PHDRS || e->phoff == 0)
        return CK_EPHDR;
    e->phnum = phnum;
    return CK_OK;
}

/* Program header i (PT_LOAD or not): type, offset, vaddr, filesz. */
static ck_status phdr(int fd, ck_elf *e, uint32_t i, uint32_t *type, ck_segment *seg)
{
    uint8_t p[PHDR_MIN];
    uint64_t rel = (uint64_t)i * e->phentsize;
    if (e->phoff > UINT64_MAX - rel)
        return CK_EPHDR;
    ck_status st = read_at(fd, e, e->phoff + rel, p, sizeof p);
    if (st != CK_OK)
        return st;
    *type = get32(e->big_endian, p);
    seg->offset = get64(e->big_endian, p + 8);
    seg->vaddr = get64(e->big_endian, p + 16);
    seg->filesz = get64(e->big_endian, p + 32);
    return CK_OK;
}

ck_status ck_find_segment(int fd, ck_elf *e, uint64_t vaddr, uint64_t len, ck_segment *out)
{
    if (e == NULL || out == NULL)
        return CK_EARG;
    if (vaddr > UINT64_MAX - len)
        return CK_ENOSEG;
    for (uint32_t i = 0; i < e->phnum; i++) {
        uint32_t type;
        ck_segment s;
        ck_status st = phdr(fd, e, i, &type, &s);
        if (st != CK_OK)
            return st;
        if (type != PT_LOAD_ || s.filesz == 0 || vaddr < s.vaddr)
            continue;
        uint64_t rel = vaddr - s.vaddr;
        if (rel <= s.filesz && len <= s.filesz - rel) {
            *out = s;
            return CK_OK;
        }
    }
    return CK_ENOSEG;
}

ck_status ck_read(int fd, ck_elf *e, uint64_t vaddr, void *buf, size_t len)
{
    if (e == NULL || buf == NULL || len == 0 || len > CK_MAX_READ)
        return CK_EARG;
    ck_segment s;
    ck_status st = ck_find_segment(fd, e, vaddr, len, &s);
    if (st != CK_OK)
        return st;
    uint64_t rel = vaddr - s.vaddr;
    if (s.offset > UINT64_MAX - rel)
        return CK_ETRUNC;
    return read_at(fd, e, s.offset + rel, buf, len);
}

ck_status ck_load_span(int fd, ck_elf *e, uint32_t *count, uint64_t *lowest, uint64_t *highest)
{
    if (e == NULL || count == NULL || lowest == NULL || highest == NULL)
        return CK_EARG;
    *count = 0;
    *lowest = UINT64_MAX;
    *highest = 0;
    for (uint32_t i = 0; i < e->phnum; i++) {
        uint32_t type;
        ck_segment s;
        ck_status st = phdr(fd, e, i, &type, &s);
        if (st != CK_OK)
            return st;
        if (type != PT_LOAD_)
            continue;
        (*count)++;
        if (s.vaddr < *lowest)
            *lowest = s.vaddr;
        uint64_t end = s.filesz > 0 && s.vaddr <= UINT64_MAX - (s.filesz - 1) ? s.vaddr + (s.filesz - 1) : s.vaddr;
        if (end > *highest)
            *highest = end;
    }
    return CK_OK;
}

const char *ck_status_name(ck_status st)
{
    switch (st) {
    case CK_OK: return "ok";
    case CK_EIO: return "read error";
    case CK_ENOTELF: return "not an ELF file";
    case CK_ECLASS: return "not ELF64";
    case CK_EENCODING: return "unknown ELF byte order";
    case CK_ETRUNC: return "truncated";
    case CK_EPHDR: return "implausible program-header table";
    case CK_ENOSEG: return "no PT_LOAD segment holds the address";
    case CK_EARG: return "bad argument";
    }
    return "unknown status";
}

int ck_klog_read_all(char *buf, int len)
{
    if (buf == NULL || len <= 0)
        return -1;
    return klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, len);
}

/*
 * ckcore.h — a bounded, read-only reader of an ELF64 core file such as /proc/kcore (fs/proc/kcore.c):
 * the ELF header (either byte order), the PT_LOAD program header whose virtual range holds an address,
 * and at most CK_MAX_READ bytes from there. Everything goes through pread() on a file descriptor the
 * caller opened read-only; nothing is mapped, every size and count is bounded, every failure is a
 * status. Also a bounded read of the kernel log (klogctl(2), SYSLOG_ACTION_READ_ALL) for `capture`.
 */
#ifndef CKCORE_H
#define CKCORE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    CK_OK = 0,
    CK_EIO,        /* pread failed (errno is kept in ck_elf.err / returned through *err) */
    CK_ENOTELF,    /* no \x7fELF magic */
    CK_ECLASS,     /* not ELFCLASS64 */
    CK_EENCODING,  /* EI_DATA is neither little nor big endian */
    CK_ETRUNC,     /* the file ends before a header or the bytes asked for */
    CK_EPHDR,      /* implausible program-header table (entry size, count above CK_MAX_PHDRS) */
    CK_ENOSEG,     /* no PT_LOAD segment holds [vaddr, vaddr + len) */
    CK_EARG        /* a length above CK_MAX_READ, a NULL pointer */
} ck_status;

/* The most program headers walked (kcore has one per RAM range plus a handful; 2^16 is PN_XNUM's range). */
#define CK_MAX_PHDRS 65536u
/* The most bytes one ck_read() returns. */
#define CK_MAX_READ 65536u

typedef struct {
    int big_endian;     /* EI_DATA == ELFDATA2MSB */
    uint16_t machine;   /* e_machine */
    uint64_t phoff;     /* e_phoff */
    uint32_t phnum;     /* e_phnum, or sh_info of section 0 when e_phnum is PN_XNUM */
    uint16_t phentsize; /* e_phentsize (>= 56) */
    int err;            /* errno of the last CK_EIO */
} ck_elf;

/* One PT_LOAD program header. */
typedef struct {
    uint64_t offset, vaddr, filesz;
} ck_segment;

/* Reads and checks the ELF header of fd. */
ck_status ck_elf_open(int fd, ck_elf *e);
/* The PT_LOAD segment whose [p_vaddr, p_vaddr + p_filesz) holds [vaddr, vaddr + len). */
ck_status ck_find_segment(int fd, ck_elf *e, uint64_t vaddr, uint64_t len, ck_segment *out);
/* Reads len (<= CK_MAX_READ) bytes at virtual address vaddr into buf. */
ck_status ck_read(int fd, ck_elf *e, uint64_t vaddr, void *buf, size_t len);
/* The program headers' PT_LOAD count and lowest/highest virtual address (for reports and tests). */
ck_status ck_load_span(int fd, ck_elf *e, uint32_t *count, uint64_t *lowest, uint64_t *highest);
/* An unsigned 64-bit value in the file's byte order. */
uint64_t ck_u64(const ck_elf *e, const uint8_t *p);
/* A short name of a status. */
const char *ck_status_name(ck_status st);

/* klogctl(SYSLOG_ACTION_READ_ALL): the kernel log, at most len bytes; -1 with errno on failure. */
int ck_klog_read_all(char *buf, int len);

#ifdef __cplusplus
}
#endif

#endif /* CKCORE_H */

/*
 * ccapture.h — what a capture holds, defined once: the files of /proc, /sys and /boot that
 * `memmap-check host` reads, BTF, the kernel config, the kernel log, the running facts and — as root —
 * the observed pfn_to_page(0) with its witnesses, read through /proc/kallsyms and /proc/kcore
 * (bounded, read-only, nothing changed). Used by `memmap-check capture DIR` (Swift) and by the static
 * C program `memmap-capture DIR` (Sources/memmap-capture), which has no Swift and no libnuma.
 * Only libc: it builds with any Debian cross compiler (scripts/build-collectors.sh).
 */
#ifndef CCAPTURE_H
#define CCAPTURE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Exit codes, as memmap-check's (ExitStatus): bad input 2, the environment cannot answer 3. */
#define CCAP_OK 0
#define CCAP_EINPUT 2
#define CCAP_EENV 3

/* The manifest's file name and schema. */
#define CCAP_MANIFEST "memmap-check-capture.json"
#define CCAP_SCHEMA "memmap-check-capture/1"

/* Read limits (as HostFiles): sysfs and procfs text, BTF, configs and /boot files, the kernel log. */
#define CCAP_TEXT_CAP (1u << 20)
#define CCAP_BTF_CAP (16u << 20)
#define CCAP_CONFIG_CAP (4u << 20)
#define CCAP_KLOG_CAP (4u << 20)

typedef struct {
    /* Where the live kernel is read; NULL: /proc/kcore, /proc/kallsyms, the lockdown file,
     * /proc/sys/kernel/kptr_restrict and /sys/kernel/btf/vmlinux. Tests point these at files. */
    const char *kcore, *kallsyms, *lockdown, *kptr_restrict, *btf;
    /* Refuse the kernel-memory read early when not root (the live host). */
    int require_root;
    /* Who captures: "memmap-check" or "memmap-capture", and the version (both from Version.swift). */
    const char *collector, *version;
    /* A JSON value recorded as "libnuma" (what libnuma said), or NULL: memmap-capture has no libnuma. */
    const char *libnuma_json;
    /* What the caller's model knows when neither BTF nor the kernel config says (-1: unknown):
     * sizeof(struct mem_section), SECTION_MAP_LAST_BIT, CONFIG_SPARSEMEM_EXTREME, CONFIG_SPARSEMEM_VMEMMAP. */
    int mem_section_size, section_map_last_bit, sparsemem_extreme, sparsemem_vmemmap;
    /* Also write the capture as this ustar file (NULL: none). */
    const char *tar;
} ccap_options;

typedef struct {
    int written;     /* files and links written, the manifest included */
    int absent;      /* files the host does not have */
    int unreadable;  /* files that could not be read */
    int observed;    /* 1: pfn_to_page(0) was read from kernel memory */
    uint64_t pfn_to_page0;
    char machine[65], release[65];
    char observed_why[512];  /* why not, when observed == 0 */
    char error[1024];        /* the one-line error when ccap_capture does not return CCAP_OK */
} ccap_result;

/* Defaults: the live paths, require_root 1, every model fact unknown. */
void ccap_options_init(ccap_options *o);

/* Captures this host into dir (created; must be new or empty). CCAP_OK, or CCAP_EINPUT / CCAP_EENV
 * with r->error set. */
int ccap_capture(const char *dir, const ccap_options *o, ccap_result *r);

/* The one-line summary both entry points print. */
void ccap_summary(const char *dir, const ccap_options *o, const ccap_result *r, char *buf, size_t len);

/* Writes the tree under dir as a ustar file (regular files, directories, symlinks). 0, or -1 with err. */
int ccap_tar_write(const char *dir, const char *tar, char *err, size_t errlen);

/* Extracts a ustar file written by ccap_tar_write into dir (new or empty): only regular files,
 * directories and relative symlinks that stay inside dir; at most 256 MiB and 200000 entries.
 * 0, or -1 with err. */
int ccap_tar_extract(const char *tar, const char *dir, char *err, size_t errlen);

/* 1 when path is a regular file that starts like a ustar archive. */
int ccap_is_tar(const char *path);

/* The kernel variables that give pfn_to_page(0) on a machine (uname -m), NULL-terminated. */
const char *const *ccap_symbol_names(const char *machine);

#ifdef __cplusplus
}
#endif

#endif /* CCAPTURE_H */

/*
 * memmap-capture: `memmap-check capture` without Swift or libnuma, for hosts the whole tool does not
 * run on. One static file per architecture (scripts/build-collectors.sh); what it captures is
 * CCapture's (ccapture.h), the same code `memmap-check capture` runs. Judge the result anywhere with
 * `memmap-check host --root DIR` (or FILE.tar).
 */
#include "ccapture.h"

#include <stdio.h>
#include <string.h>

#ifndef CCAP_VERSION
#define CCAP_VERSION "dev"
#endif

static const char usage[] =
    "usage: memmap-capture [-o FILE.tar] DIR\n"
    "\n"
    "Copies the files `memmap-check host` reads (/proc, /sys, /boot, BTF, the kernel config, the kernel\n"
    "log) into DIR (new or empty) with a manifest (memmap-check-capture.json); as root also the running\n"
    "kernel's pfn_to_page(0) read through /proc/kallsyms and /proc/kcore (bounded, read-only). Judge it\n"
    "anywhere with `memmap-check host --root DIR`.\n"
    "\n"
    "  -o FILE.tar   also write the capture as one tar file (host --root accepts it)\n"
    "  -h, --help    this help\n"
    "  --version     the version\n"
    "\n"
    "Exit status: 0 captured, 2 bad input (DIR not empty, unknown option), 3 the host could not be read.\n";

int main(int argc, char **argv)
{
    const char *dir = NULL, *tar = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(usage, stdout);
            return 0;
        } else if (!strcmp(a, "--version")) {
            puts(CCAP_VERSION);
            return 0;
        } else if (!strcmp(a, "-o")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "-o: expected a tar file name after it\n");
                return CCAP_EINPUT;
            }
            tar = argv[++i];
        } else if (a[0] == '-' && a[1] != 0) {
            fprintf(stderr, "%s: expected -o FILE.tar, --help, --version or DIR\n", a);
            return CCAP_EINPUT;
        } else if (dir == NULL) {
            dir = a;
        } else {
            fprintf(stderr, "%s: expected one DIR (already given: %s)\n", a, dir);
            return CCAP_EINPUT;
        }
    }
    if (dir == NULL) {
        fprintf(stderr, "memmap-capture: expected DIR, a new or empty directory (--help)\n");
        return CCAP_EINPUT;
    }
    ccap_options o;
    ccap_options_init(&o);
    o.collector = "memmap-capture";
    o.version = CCAP_VERSION;
    o.tar = tar;
    ccap_result r;
    int rc = ccap_capture(dir, &o, &r);
    if (rc != CCAP_OK) {
        fprintf(stderr, "memmap-capture: error: %s\n", r.error);
        return rc;
    }
    char line[2048];
    ccap_summary(dir, &o, &r, line, sizeof line);
    puts(line);
    return 0;
}

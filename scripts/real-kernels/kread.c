/*
 * kread: read a running kernel's memmap base independently of memmap-check.
 *
 * Runs as root inside a qemu guest (static binary, any of x86_64, aarch64, riscv64, ppc64le,
 * s390x). It:
 *   1. with -g only: sets /proc/sys/kernel/kptr_restrict to 0 (a throw-away guest),
 *   2. looks the named symbols up in /proc/kallsyms,
 *   3. reads their 8-byte values through /proc/kcore's PT_LOAD program headers (byte order from
 *      the ELF header's EI_DATA: s390x is big-endian),
 *   4. reads sizeof(struct page), sizeof(struct mem_section) and the enumerator SECTION_MAP_LAST_BIT
 *      from /sys/kernel/btf/vmlinux (either byte order),
 *   5. walks mem_section (SPARSEMEM_EXTREME: a pointer to an array of root pointers) and prints the
 *      first present sections' section_mem_map, raw and with the flag bits below SECTION_MAP_LAST_BIT
 *      cleared. With SPARSEMEM_VMEMMAP the cleared value is exactly pfn_to_page(0) (the kernel
 *      stores mem_map - section_nr_to_pfn(nr); see sparse_init_one_section() / mm/internal.h and
 *      __section_mem_map_addr() in include/linux/mmzone.h): a formula-free witness.
 * Output: key=value lines on stdout. Every read is bounded; nothing is written except kptr_restrict.
 *
 * Usage: kread [-g] [-l LAST_BIT] SYMBOL...
 *   -g  this is a throw-away guest: set kptr_restrict to 0 first (without -g nothing is changed)
 *   -l  SECTION_MAP_LAST_BIT to use when the BTF lacks the enumerator
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int kcore_fd = -1, big_endian;
struct seg { uint64_t vaddr, off, size; };
static struct seg segs[512];
static int nsegs;

static uint16_t g16(const unsigned char *p, int be) { return be ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]); }
static uint32_t g32(const unsigned char *p, int be) {
	return be ? ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3])
		  : ((uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0]);
}
static uint64_t g64(const unsigned char *p, int be) {
	return be ? ((uint64_t)g32(p, 1) << 32 | g32(p + 4, 1)) : ((uint64_t)g32(p + 4, 0) << 32 | g32(p, 0));
}

static int kcore_open(void) {
	unsigned char eh[64];
	kcore_fd = open("/proc/kcore", O_RDONLY);
	if (kcore_fd < 0) { printf("kcore.error=%s\n", strerror(errno)); return -1; }
	if (pread(kcore_fd, eh, sizeof eh, 0) != (ssize_t)sizeof eh || memcmp(eh, ELFMAG, 4) || eh[EI_CLASS] != ELFCLASS64) {
		printf("kcore.error=not an ELF64 file\n"); return -1;
	}
	big_endian = eh[EI_DATA] == ELFDATA2MSB;
	uint64_t phoff = g64(eh + 32, big_endian);
	uint16_t phentsize = g16(eh + 54, big_endian), phnum = g16(eh + 56, big_endian);
	printf("kcore.byte_order=%s\nkcore.phnum=%u\n", big_endian ? "big" : "little", phnum);
	if (phentsize < 56 || phnum > 4096) { printf("kcore.error=bad program headers\n"); return -1; }
	for (unsigned i = 0; i < phnum && nsegs < 512; i++) {
		unsigned char ph[56];
		if (pread(kcore_fd, ph, sizeof ph, (off_t)(phoff + (uint64_t)i * phentsize)) != (ssize_t)sizeof ph) break;
		if (g32(ph, big_endian) != PT_LOAD) continue;
		struct seg s = { g64(ph + 16, big_endian), g64(ph + 8, big_endian), g64(ph + 32, big_endian) };
		segs[nsegs++] = s;
		printf("kcore.load=0x%016llx+0x%llx\n", (unsigned long long)s.vaddr, (unsigned long long)s.size);
	}
	return 0;
}

static int kread(uint64_t addr, void *buf, size_t n) {
	for (int i = 0; i < nsegs; i++) {
		if (addr >= segs[i].vaddr && addr - segs[i].vaddr < segs[i].size && segs[i].size - (addr - segs[i].vaddr) >= n)
			return pread(kcore_fd, buf, n, (off_t)(segs[i].off + (addr - segs[i].vaddr))) == (ssize_t)n ? 0 : -1;
	}
	return -1;
}

static int ku64(uint64_t addr, uint64_t *v) {
	unsigned char b[8];
	if (kread(addr, b, 8)) return -1;
	*v = g64(b, big_endian);
	return 0;
}

/* One pass over /proc/kallsyms for every wanted name (core kernel symbols only, first match). */
#define MAXSYMS 64
static const char *want[MAXSYMS];
static uint64_t want_addr[MAXSYMS];
static int want_found[MAXSYMS], nwant;

static void ksym_scan(void) {
	FILE *f = fopen("/proc/kallsyms", "r");
	char line[512];
	if (!f) { printf("kallsyms.error=%s\n", strerror(errno)); return; }
	while (fgets(line, sizeof line, f)) {
		char n[256], t;
		unsigned long long a;
		if (strchr(line, '[')) continue; /* module symbols */
		if (sscanf(line, "%llx %c %255s", &a, &t, n) != 3) continue;
		for (int i = 0; i < nwant; i++)
			if (!want_found[i] && !strcmp(n, want[i])) { want_addr[i] = a; want_found[i] = 1; }
	}
	fclose(f);
}

static int ksym(const char *name, uint64_t *addr) {
	for (int i = 0; i < nwant; i++)
		if (!strcmp(want[i], name)) { *addr = want_addr[i]; return want_found[i] ? 0 : -1; }
	return -1;
}

/* ---- BTF ---- */
static unsigned char *btf;
static size_t btf_len;
static long btf_struct_page = -1, btf_struct_mem_section = -1, btf_last_bit = -1;

static void btf_scan(void) {
	FILE *f = fopen("/sys/kernel/btf/vmlinux", "rb");
	size_t cap = 1 << 20;
	if (!f) { printf("btf.error=%s\n", strerror(errno)); return; }
	btf = malloc(cap);
	for (;;) {
		if (btf_len == cap) { if (cap >= (64u << 20)) break; cap *= 2; btf = realloc(btf, cap); }
		size_t r = fread(btf + btf_len, 1, cap - btf_len, f);
		if (!r) break;
		btf_len += r;
	}
	fclose(f);
	if (btf_len < 24) { printf("btf.error=short\n"); return; }
	int be;
	if (btf[0] == 0x9f && btf[1] == 0xeb) be = 0;
	else if (btf[0] == 0xeb && btf[1] == 0x9f) be = 1;
	else { printf("btf.error=bad magic\n"); return; }
	uint32_t hdr_len = g32(btf + 4, be), type_off = g32(btf + 8, be), type_len = g32(btf + 12, be);
	uint32_t str_off = g32(btf + 16, be), str_len = g32(btf + 20, be);
	printf("btf.byte_order=%s\nbtf.bytes=%zu\n", be ? "big" : "little", btf_len);
	if ((uint64_t)hdr_len + type_off + type_len > btf_len || (uint64_t)hdr_len + str_off + str_len > btf_len) {
		printf("btf.error=sections out of range\n"); return;
	}
	const unsigned char *t = btf + hdr_len + type_off, *end = t + type_len;
	const char *strs = (const char *)btf + hdr_len + str_off;
#define NAME(off) ((off) < str_len ? strs + (off) : "")
	while (t + 12 <= end) {
		uint32_t name_off = g32(t, be), info = g32(t + 4, be), size = g32(t + 8, be);
		unsigned kind = (info >> 24) & 0x1f, vlen = info & 0xffff;
		const unsigned char *m = t + 12;
		size_t extra = 0;
		switch (kind) {
		case 1: case 14: case 17: extra = 4; break;            /* INT, VAR, DECL_TAG */
		case 3: extra = 12; break;                             /* ARRAY */
		case 4: case 5: case 15: case 19: extra = 12u * vlen; break; /* STRUCT, UNION, DATASEC, ENUM64 */
		case 6: case 13: extra = 8u * vlen; break;             /* ENUM, FUNC_PROTO */
		default: extra = 0;
		}
		if (m + extra > end) break;
		if (kind == 4 && !strcmp(NAME(name_off), "page") && btf_struct_page < 0) btf_struct_page = size;
		if (kind == 4 && !strcmp(NAME(name_off), "mem_section") && btf_struct_mem_section < 0) btf_struct_mem_section = size;
		if (kind == 6)
			for (unsigned i = 0; i < vlen; i++)
				if (!strcmp(NAME(g32(m + 8u * i, be)), "SECTION_MAP_LAST_BIT")) btf_last_bit = (int32_t)g32(m + 8u * i + 4, be);
		t = m + extra;
	}
#undef NAME
	printf("btf.sizeof_struct_page=%ld\nbtf.sizeof_struct_mem_section=%ld\nbtf.SECTION_MAP_LAST_BIT=%ld\n",
	       btf_struct_page, btf_struct_mem_section, btf_last_bit);
}

int main(int argc, char **argv) {
	long last_bit_arg = -1;
	int first = 1, guest = 0;
	if (argc > first && !strcmp(argv[first], "-g")) { guest = 1; first++; }
	if (argc > first + 1 && !strcmp(argv[first], "-l")) { last_bit_arg = strtol(argv[first + 1], 0, 0); first += 2; }
	if (guest) {
		int fd = open("/proc/sys/kernel/kptr_restrict", O_WRONLY);
		if (fd >= 0) { if (write(fd, "0\n", 2) != 2) printf("kptr_restrict.error=%s\n", strerror(errno)); close(fd); }
	}
	setvbuf(stdout, 0, _IOLBF, 0);
	btf_scan();
	if (kcore_open()) return 1;
	want[nwant++] = "mem_section";
	for (int i = first; i < argc && nwant < MAXSYMS; i++) want[nwant++] = argv[i];
	ksym_scan();
	for (int i = first; i < argc; i++) {
		uint64_t a, v;
		if (ksym(argv[i], &a)) { printf("sym.%s=missing\n", argv[i]); continue; }
		if (ku64(a, &v)) { printf("sym.%s.addr=0x%016llx\nsym.%s=unreadable\n", argv[i], (unsigned long long)a, argv[i]); continue; }
		printf("sym.%s.addr=0x%016llx\nsym.%s=0x%016llx\n", argv[i], (unsigned long long)a, argv[i], (unsigned long long)v);
	}
	/* mem_section walk */
	long stride = btf_struct_mem_section > 0 ? btf_struct_mem_section : 32;
	long last_bit = btf_last_bit >= 0 ? btf_last_bit : last_bit_arg;
	uint64_t ms, roots;
	printf("mem_section.stride=%ld\nmem_section.last_bit=%ld (%s)\n", stride, last_bit,
	       btf_last_bit >= 0 ? "BTF enumerator" : "command line");
	if (last_bit < 0 || last_bit > 12) { printf("mem_section.error=SECTION_MAP_LAST_BIT unknown\n"); return 0; }
	if (ksym("mem_section", &ms) || ku64(ms, &roots) || !roots) { printf("mem_section.error=unreadable\n"); return 0; }
	printf("mem_section.roots=0x%016llx\n", (unsigned long long)roots);
	long page = sysconf(_SC_PAGESIZE), per_root = page / stride, shown = 0;
	for (long r = 0; r < 4096 && shown < 6; r++) {
		uint64_t root;
		if (ku64(roots + 8u * r, &root)) break;
		if (!root) continue;
		for (long i = 0; i < per_root && shown < 6; i++) {
			uint64_t map;
			if (ku64(root + (uint64_t)i * stride, &map)) break;
			if (!(map & 1)) continue;
			printf("section.%ld=raw 0x%016llx map 0x%016llx\n", r * per_root + i, (unsigned long long)map,
			       (unsigned long long)(map & ~((1ull << last_bit) - 1)));
			shown++;
		}
	}
	return 0;
}

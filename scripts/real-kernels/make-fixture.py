#!/usr/bin/env python3
"""make-fixture.py CAPTURE_DIR FIXTURE_DIR

Turns one boot.sh result (CAPTURE_DIR = $KWORK/captures/ARCH-SCENARIO) into a committed test fixture:
the capture tree trimmed to what `memmap-check host` reads, kread.txt (the independent reading),
extra.txt, boot/config-RELEASE as a relative symlink to Fixtures/kconfig/, README.txt and real.json.
"""
import json, os, re, shutil, sys

src, dst = sys.argv[1], sys.argv[2]
name = os.path.basename(os.path.normpath(src))
arch_key = next(a for a in ('arm64-16k', 'ppc64le-64k', 'amd64', 'riscv64', 'arm64', 'ppc64le', 's390x') if name.startswith(a + '-'))
scenario = name[len(arch_key) + 1:]
mrel = re.search(r'-(\d+\.\d+\.\d+)$', scenario)
boot_env = ''
if mrel:  # e.g. amd64-kaslr-4level-7.3.4: booted with KREL=7.3.4 KABI=deb13 ... --out
    scenario = scenario[:mrel.start()]
out = os.path.join(src, 'out')
cap = os.path.join(out, 'capture')
rd = lambda p: open(p, errors='replace').read()

kread = rd(os.path.join(out, 'kread.txt'))
kv = {}
for line in kread.splitlines():
    if '=' in line:
        k, v = line.split('=', 1)
        kv.setdefault(k, v)
hx = lambda v: '0x%x' % int(v, 16)
syms = {m.group(1): hx(m.group(2)) for m in re.finditer(r'^sym\.([A-Za-z0-9_]+)=(0x[0-9a-f]+)$', kread, re.M)}
sym_addrs = {m.group(1): hx(m.group(2)) for m in re.finditer(r'^sym\.([A-Za-z0-9_]+)\.addr=(0x[0-9a-f]+)$', kread, re.M)}
sections = re.findall(r'^section\.(\d+)=raw (0x[0-9a-f]+) map (0x[0-9a-f]+)$', kread, re.M)
witnesses = [hx(m) for _, _, m in sections]
loads = [int(m.group(1), 16) for m in re.finditer(r'^kcore\.load=(0x[0-9a-f]+)\+', kread, re.M)]

release = rd(os.path.join(cap, 'uname.txt')).strip()
if mrel:
    boot_env = 'KREL=%s KABI=%s ' % (mrel.group(1), re.search(r'\+(deb\d+)-', release).group(1))
flavour = re.sub(r'^\d+\.\d+\.\d+\+deb\d+-', '', release)
uname_a = rd(os.path.join(out, 'uname-a.txt')).split()
machine = uname_a[-2] if len(uname_a) > 2 else ''
cmdline = rd(os.path.join(cap, 'proc/cmdline')).strip()
cpuinfo = rd(os.path.join(cap, 'proc/cpuinfo'))
dmesg = rd(os.path.join(cap, 'dmesg.txt'))
extra = rd(os.path.join(out, 'extra.txt'))
m = re.search(r'KernelPageSize:\s+(\d+) kB', extra)
page_size = int(m.group(1)) * 1024 if m else None
struct_page = int(kv.get('btf.sizeof_struct_page', '-1'))
dram = None
for line in rd(os.path.join(cap, 'proc/iomem')).splitlines():
    if not line.startswith(' ') and line.endswith(': System RAM'):
        dram = '0x%x' % int(line.split('-')[0], 16)
        break

def va_bits_from_linear(loads):
    low = min(loads)
    return (~low & 0xffffffffffffffff).bit_length()

mode, how = None, None
if machine == 'x86_64':
    pob = int(syms.get('page_offset_base', '0'), 16)
    mode = 'la57' if pob and pob < 0xffff000000000000 else '4-level'
    how = 'page_offset_base %s (5-level bases lie below 0xffff000000000000); cpuinfo la57 flag: %s' % (
        syms.get('page_offset_base'), 'yes' if re.search(r'\bla57\b', cpuinfo) else 'no')
elif machine == 'riscv64':
    mm = re.search(r'^mmu\s*:\s*(\S+)', cpuinfo, re.M)
    mode = mm.group(1) if mm else None
    satp = int(syms.get('satp_mode', '0'), 16) >> 60
    how = '/proc/cpuinfo mmu; satp_mode MODE field %d (8 sv39, 9 sv48, 10 sv57)' % satp
elif machine == 'aarch64':
    va = va_bits_from_linear(loads)
    mode = 'va%d' % va
    how = 'lowest /proc/kcore PT_LOAD vaddr 0x%x (the linear map) lies in the top 2^%d bytes' % (min(loads), va)
elif machine == 'ppc64le':
    mm = re.search(r'^MMU\s*:\s*(\S+)', cpuinfo, re.M)
    mode = mm.group(1).lower() if mm else None
    how = '/proc/cpuinfo MMU line'
elif machine == 's390x':
    mode = 'default'
    how = 's390x has one paging layout per release here'

cfg_text = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), '../../Tests/Fixtures/kconfig',
                             'debian-%s-%s-%s.config' % ({'x86_64': 'amd64', 'aarch64': 'arm64', 'riscv64': 'riscv64', 'ppc64le': 'ppc64el', 's390x': 's390x'}[machine],
                                                         re.sub(r'^\d+\.\d+\.\d+\+deb\d+-', '', release), release.split('+')[0]))).read()
randomize_base = 'CONFIG_RANDOMIZE_BASE=y' in cfg_text
# the kernel image's offset from its link address: kallsyms address minus System.map address
image_offset = None
kw0 = os.environ.get('KWORK', '/work/kernels')
import glob
maps = glob.glob(os.path.join(kw0, 'x', 'linux-base-%s_*' % release, 'usr/lib/modules', release, 'System.map'))
if maps and sym_addrs:
    smap = {}
    for line in open(maps[0]):
        parts = line.split()
        if len(parts) == 3 and parts[2] in sym_addrs:
            smap[parts[2]] = int(parts[0], 16)
    offs = {(int(sym_addrs[k], 16) - v) & 0xffffffffffffffff for k, v in smap.items()}
    if len(offs) == 1:
        image_offset = offs.pop()
kaslr = randomize_base and 'nokaslr' not in cmdline.split() and 'KASLR disabled' not in dmesg and image_offset != 0
kaslr_note = []
for line in dmesg.splitlines():
    if 'KASLR' in line or 'kaslr' in line.lower():
        kaslr_note.append(re.sub(r'^\[[^\]]*\]\s*', '', line))

p0 = witnesses[0] if witnesses else None
assert all(w == p0 for w in witnesses), witnesses
direct = None
if machine == 'x86_64':
    direct = ('vmemmap_base', syms.get('vmemmap_base'))
elif machine in ('ppc64le', 's390x'):
    direct = ('vmemmap', syms.get('vmemmap'))
real = {
    'release': release,
    'arch': machine,
    'flavour': flavour,
    'scenario': scenario,
    'cmdline': cmdline,
    'page_size': page_size,
    'struct_page_size': struct_page,
    'mode': mode,
    'mode_source': how,
    'kaslr': kaslr,
    'kaslr_dmesg': kaslr_note[:4],
    'config_randomize_base': randomize_base,

    'memmap_base_randomised': kaslr and machine in ('x86_64', 's390x'),
    'memmap_base_randomised_note': 'x86_64: RANDOMIZE_MEMORY picks vmemmap_base; s390x: KASLR places vmemmap; arm64 7.2 (no memstart_offset_seed in arch/arm64/mm/init.c), riscv64 and powerpc64: the vmemmap base does not depend on KASLR',
    'dram_start': dram,
    'pfn_to_page0': p0,
    'pfn_to_page0_source': 'section_mem_map of the first present mem_section entries, bits below SECTION_MAP_LAST_BIT (%s, from BTF) cleared, read through /proc/kcore' % kv.get('btf.SECTION_MAP_LAST_BIT'),
    'symbols': syms,
    'symbol_addresses': sym_addrs,
    'witnesses': witnesses,
    'witness_sections': [int(s) for s, _, _ in sections],
    'section_map_last_bit': int(kv.get('btf.SECTION_MAP_LAST_BIT', '-1')),
    'sizeof_struct_mem_section': int(kv.get('btf.sizeof_struct_mem_section', '-1')),
    'kcore_byte_order': kv.get('kcore.byte_order'),
    'btf_byte_order': kv.get('btf.byte_order'),
}
if image_offset is not None:
    real['kernel_image_offset'] = '0x%x' % image_offset
    real['kernel_image_offset_source'] = 'kallsyms address minus the package System.map address of the same symbols'
if direct and direct[1]:
    real['direct_symbol'] = direct[0]
    real['direct_symbol_agrees'] = direct[1] == p0

if os.path.exists(dst):
    shutil.rmtree(dst)
shutil.copytree(cap, dst, symlinks=True)
for f in ('kread.txt', 'extra.txt'):
    shutil.copy(os.path.join(out, f), os.path.join(dst, f))
debarch = {'x86_64': 'amd64', 'aarch64': 'arm64', 'riscv64': 'riscv64', 'ppc64le': 'ppc64el', 's390x': 's390x'}[machine]
ver = release.split('+')[0]
cfg = 'debian-%s-%s-%s.config' % (debarch, flavour, ver)
os.makedirs(os.path.join(dst, 'boot'), exist_ok=True)
# a real copy (git stores the identical blob once): `host --root` refuses links that leave the tree
shutil.copy(os.path.join(os.path.dirname(os.path.abspath(__file__)), '../../Tests/Fixtures/kconfig', cfg),
            os.path.join(dst, 'boot', 'config-' + release))
with open(os.path.join(dst, 'real.json'), 'w') as f:
    json.dump(real, f, indent=2)
    f.write('\n')

qemu = rd(os.path.join(src, 'qemu.txt'))
kw = os.environ.get('KWORK', '/work/kernels')
qemu = qemu.replace(kw, '$KWORK')
readme = f"""Real kernel capture {name}: Debian Linux {release} booted under qemu (TCG) on {scenario}.
Generated by {boot_env}scripts/real-kernels/boot.sh {arch_key} {scenario}{' --out $KWORK/captures/' + name if boot_env else ''} and make-fixture.py; do not edit by hand.

Kernel release: {release}   (uname -m {machine})
Kernel command line: {cmdline}
{qemu.strip()}

What is here
- proc/, sys/, dmesg.txt, uname.txt: the files `memmap-check host` reads (HostCapture.plan), copied by
  the initramfs /init (scripts/real-kernels/init.sh) with busybox `cat`; node/memory links are the
  kernel's relative symlinks. sys/kernel/btf/vmlinux is NOT included (megabytes); the values the
  tests need from it are in kread.txt / real.json.
- boot/config-{release}: a copy of ../../kconfig/{cfg} (the package's .config, where a Debian
  system keeps it; Debian kernels have no /proc/config.gz).
- extra.txt: KernelPageSize from /proc/self/smaps, kptr_restrict at boot, BTF size, kcore mode.
- kread.txt: raw output of scripts/real-kernels/kread.c run as root in the guest after
  `echo 0 > /proc/sys/kernel/kptr_restrict`: symbols looked up in /proc/kallsyms and their 8-byte
  values read through /proc/kcore's PT_LOAD program headers (byte order from the ELF header:
  {kv.get('kcore.byte_order')}); sizeof(struct page) = {struct_page}, sizeof(struct mem_section) =
  {kv.get('btf.sizeof_struct_mem_section')} and SECTION_MAP_LAST_BIT = {kv.get('btf.SECTION_MAP_LAST_BIT')} from /sys/kernel/btf/vmlinux
  (byte order {kv.get('btf.byte_order')}); then the first present mem_section entries (mem_section -> root[0] ->
  entries) with their section_mem_map raw and with the flag bits cleared.
- real.json: the summary. pfn_to_page0 is the formula-free witness (section_mem_map & SECTION_MAP_MASK
  of a present section == mem_map - section_nr_to_pfn(nr) == pfn_to_page(0) with SPARSEMEM_VMEMMAP).

Real pfn_to_page(0) = {p0}; mode {mode} ({how}); page size {page_size}; KASLR {'on' if kaslr else 'off'}; DRAM starts at {dram}.
"""
if direct and direct[1]:
    readme += f"{direct[0]} = {direct[1]} ({'agrees' if direct[1] == p0 else 'DIFFERS'} with the witness).\n"
with open(os.path.join(dst, 'README.txt'), 'w') as f:
    f.write(readme)
total = sum(os.path.getsize(os.path.join(r, x)) for r, _, fs in os.walk(dst) for x in fs if not os.path.islink(os.path.join(r, x)))
assert total < 1 << 20, total
print(f'{name}: {dst} ({total} bytes) pfn_to_page0={p0} mode={mode} page_size={page_size} kaslr={kaslr}')

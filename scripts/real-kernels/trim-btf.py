#!/usr/bin/env python3
"""trim-btf.py IN OUT
trim-btf.py --from-kread KREAD.TXT OUT

Writes a BTF blob (include/uapi/linux/btf.h) holding only what memmap-check and memmap-capture read
from a kernel's /sys/kernel/btf/vmlinux: `struct page` and `struct mem_section` (their sizes; members
dropped, vlen 0) and the enumerator SECTION_MAP_LAST_BIT with its value, in the input's byte order.
A megabytes-large BTF becomes about 100 bytes, so a real kernel's capture fits in a test fixture.
With --from-kread, the same blob is built from kread's reading of the kernel's BTF in the same boot
(btf.byte_order, btf.sizeof_struct_page, btf.sizeof_struct_mem_section, btf.SECTION_MAP_LAST_BIT in
kread.txt), for guests that do not send the BTF itself back. Prints what it kept."""
import struct, sys

kept = {}
if sys.argv[1] == '--from-kread':
    src, out = sys.argv[2], sys.argv[3]
    kv = dict(l.split('=', 1) for l in open(src).read().splitlines() if '=' in l)
    e = '>' if kv.get('btf.byte_order') == 'big' else '<'
    for k, n in (('btf.sizeof_struct_page', 'page'), ('btf.sizeof_struct_mem_section', 'mem_section'),
                 ('btf.SECTION_MAP_LAST_BIT', 'SECTION_MAP_LAST_BIT')):
        if int(kv.get(k, '-1')) >= 0:
            kept[n] = int(kv[k])
    size = int(kv.get('btf.bytes', '0'))
else:
    src, out = sys.argv[1], sys.argv[2]
    data = open(src, 'rb').read()
    size = len(data)
    if data[:2] == b'\x9f\xeb':
        e = '<'
    elif data[:2] == b'\xeb\x9f':
        e = '>'
    else:
        sys.exit('%s: expected BTF (magic 0xeb9f)' % src)
    hdr_len, type_off, type_len, str_off, str_len = struct.unpack(e + '5I', data[4:24])
    types = data[hdr_len + type_off:hdr_len + type_off + type_len]
    strs = data[hdr_len + str_off:hdr_len + str_off + str_len]
    name = lambda o: strs[o:strs.index(b'\0', o)].decode()
    extra = {1: 4, 14: 4, 17: 4, 3: 12}
    o = 0
    while o + 12 <= len(types):
        n, info, sz = struct.unpack(e + '3I', types[o:o + 12])
        kind, vlen = (info >> 24) & 0x1f, info & 0xffff
        x = extra.get(kind, 12 * vlen if kind in (4, 5, 15, 19) else 8 * vlen if kind in (6, 13) else 0)
        if kind == 4 and name(n) in ('page', 'mem_section') and name(n) not in kept:
            kept[name(n)] = sz
        if kind == 6:
            for i in range(vlen):
                en, ev = struct.unpack(e + 'Ii', types[o + 12 + 8 * i:o + 20 + 8 * i])
                if name(en) == 'SECTION_MAP_LAST_BIT':
                    kept['SECTION_MAP_LAST_BIT'] = ev
        o += 12 + x
out_strs = b'\0page\0mem_section\0SECTION_MAP_LAST_BIT\0'
off = {s: out_strs.index(b'\0' + s.encode() + b'\0') + 1 for s in ('page', 'mem_section', 'SECTION_MAP_LAST_BIT')}
out_types = b''
for s in ('page', 'mem_section'):
    if s in kept:
        out_types += struct.pack(e + '3I', off[s], 4 << 24, kept[s])  # STRUCT, vlen 0
if 'SECTION_MAP_LAST_BIT' in kept:
    out_types += struct.pack(e + '3I', 0, (6 << 24) | 1, 4) + struct.pack(e + 'Ii', off['SECTION_MAP_LAST_BIT'], kept['SECTION_MAP_LAST_BIT'])
# magic, version 1, flags 0; hdr_len 24; types at 0; strings after them
blob = struct.pack(e + 'HBB', 0xeb9f, 1, 0) + struct.pack(e + '5I', 24, 0, len(out_types), len(out_types), len(out_strs)) + out_types + out_strs
open(out, 'wb').write(blob)
print('%s (%d bytes, %s-endian) -> %d bytes: %s' % (src, size, 'big' if e == '>' else 'little', len(blob),
      ', '.join('%s %s' % kv for kv in kept.items())))

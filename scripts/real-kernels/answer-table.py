#!/usr/bin/env python3
"""Prints the README's table of real kernels: for every capture under Tests/Fixtures/real, the running
kernel's own pfn_to_page(0) (real.json, read through /proc/kcore in the guest) beside what
`memmap-check host --root CAPTURE` answers. Usage: answer-table.py [MEMMAP_CHECK_BINARY]"""
import json, os, subprocess, sys

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), '../../Tests/Fixtures/real')
tool = sys.argv[1] if len(sys.argv) > 1 else '.build/debug/memmap-check'

def align(v):
    return v & -v if v else 1 << 64

def human(n):
    for unit, shift in (('TiB', 40), ('GiB', 30), ('MiB', 20), ('KiB', 10)):
        if n >= 1 << shift and n % (1 << shift) == 0:
            return f'{n >> shift} {unit}'
    return str(n)

rows, bad = [], 0
for name in sorted(os.listdir(root)):
    d = os.path.join(root, name)
    if not os.path.isfile(os.path.join(d, 'real.json')):
        continue
    real = json.load(open(os.path.join(d, 'real.json')))
    p = subprocess.run([tool, 'host', '--root', d, '--format', 'json'], capture_output=True, text=True)
    doc = json.loads(p.stdout)
    r = doc['results'][0]
    c = r['config']
    tool_base = int(c['vmemmap_base'], 16)
    real_base = int(real['pfn_to_page0'], 16)
    warn = [f['rule'] for f in r['findings'] if f['status'] == 'fail' and f['severity'] != 'info']
    if c.get('kaslr'):
        ok = align(real_base) >= align(tool_base)
        answer = f'random slot, ≥ {human(align(tool_base))} aligned promised'
    else:
        ok = tool_base == real_base
        answer = f'`{hex(tool_base)}`'
    ok = ok and p.returncode == 0 and not warn and c.get('page_size') == real['page_size']
    bad += not ok
    rows.append(f"| {name} | {c.get('release_seen', '?')} | {c.get('kernel')} | {c.get('paging_mode') or '–'} | "
                f"{human(c['page_size'])} | {'on' if c.get('kaslr') else 'off'} | `{hex(real_base)}` | {answer} | "
                f"{'yes' if ok else 'NO'} |")
print('| capture | release | formulas | mode | page | KASLR | kernel\'s pfn_to_page(0) | memmap-check | agree |')
print('|---|---|---|---|---|---|---|---|---|')
print('\n'.join(rows))
sys.exit(1 if bad else 0)

#!/usr/bin/env bash
# Runs each dist/memmap-capture-<arch> on this machine (natively, or under qemu-user: qemu-<cpu>-static)
# and holds its capture, judged by `memmap-check host --root`, against a live `memmap-check host`:
# the judged base, paging mode, page size, struct page size, node ids, memory-block count and the
# observed base (or that it was not read) must be the same. One line per collector.
#
# Usage: scripts/check-collectors.sh [MEMMAP_CHECK]   (default: dist/memmap-check, else .build/debug/memmap-check)
# Needs: scripts/build-collectors.sh's output, qemu-user-static, python3.
set -euo pipefail
cd "$(dirname "$0")/.."
tool=${1:-dist/memmap-check}
[ -x "$tool" ] || tool=.build/debug/memmap-check
[ -x "$tool" ] || { echo "check-collectors.sh: no memmap-check (run scripts/package.sh or swift build)" >&2; exit 1; }
host=$(dpkg --print-architecture 2>/dev/null || echo unknown)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# What must agree (the report's origin names the tree; a reason for no observed base is worded by
# whichever reader gave it).
judged() {
    python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
r, l = d["results"][0], d["layout"]
c = r["config"]
print(json.dumps({"status": r["status"], "base": c["vmemmap_base"], "mode": c.get("paging_mode"),
  "page": c["page_size"], "struct_page": c["struct_page_size"], "nodes": [n["id"] for n in l["nodes"]],
  "blocks": l["memory_block_count"], "observed": (l.get("observed") or {}).get("pfn_to_page0"),
  "observed_read": l.get("observed_unavailable") is None}, sort_keys=True))' "$1"
}
"$tool" host --format json >"$work/live.json" || [ $? = 1 ]
judged "$work/live.json" >"$work/live.txt"
echo "live host: $(cat "$work/live.txt")"
failed=0 checked=0
for bin in dist/memmap-capture-*; do
    [ -x "$bin" ] || continue
    a=${bin##*-}
    case $a in
    amd64) cpu=x86_64 ;; arm64) cpu=aarch64 ;; riscv64) cpu=riscv64 ;; ppc64el) cpu=ppc64le ;; s390x) cpu=s390x ;;
    *) echo "check-collectors.sh: $bin: unknown architecture" >&2; failed=1; continue ;;
    esac
    run=()
    if [ "$a" != "$host" ]; then
        command -v "qemu-$cpu-static" >/dev/null || { echo "check-collectors.sh: qemu-$cpu-static missing (apt-get install qemu-user-static)" >&2; failed=1; continue; }
        run=("qemu-$cpu-static")
    fi
    out=$work/$a
    line=$("${run[@]}" "$bin" -o "$out.tar" "$out") || { echo "FAIL $bin: exit $?"; failed=1; continue; }
    "$tool" host --root "$out.tar" --format json >"$work/$a.json" || [ $? = 1 ]
    judged "$work/$a.json" >"$work/$a.txt"
    checked=$((checked + 1))
    if cmp -s "$work/live.txt" "$work/$a.txt"; then
        echo "ok   $bin${run:+ (under ${run[0]})}: $line"
    else
        echo "FAIL $bin${run:+ (under ${run[0]})}: judged $(cat "$work/$a.txt")"
        failed=1
    fi
done
[ "$checked" -gt 0 ] || { echo "check-collectors.sh: no dist/memmap-capture-* (run scripts/build-collectors.sh)" >&2; exit 1; }
exit $failed

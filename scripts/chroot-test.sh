#!/usr/bin/env bash
# Runs the packaged binary (dist/memmap-check, from scripts/package.sh) in a bare chroot that holds
# only the binary, the shared libraries `ldd` lists and the dynamic loader, with the host's /proc and
# /sys bind-mounted read-only: no Swift toolchain, no libnuma, no shell, no /etc, no /boot. This is the
# operator's situation on a host, and `host` must still answer there.
#
# Checks: `--version` prints the version; `host` exits 0 or 1 and reports at least one node;
# `host --format json` is a memmap-check/1 document with a layout; `check --preset x86_64` passes;
# bad input is exit 2 with one line. Mounts are always undone (trap), even on failure.
#
# Usage: scripts/chroot-test.sh [BINARY]    (root: chroot and mount need it; CI runs as root)
set -uo pipefail
cd "$(dirname "$0")/.."

bin=${1:-dist/memmap-check}
[ -x "$bin" ] || { echo "chroot-test: $bin missing: run scripts/package.sh first" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "chroot-test: needs root (chroot, mount)" >&2; exit 1; }
version=$(sed -n 's/.*static let current = "\(.*\)".*/\1/p' Sources/SparseCheck/Model/Version.swift)

root=$(mktemp -d /tmp/memmap-chroot.XXXXXX)
mounted=()
cleanup() {
    local m
    for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
        m=${mounted[i]}
        umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || echo "chroot-test: could not unmount $m" >&2
    done
    # Remove the tree only when nothing is mounted below it any more.
    if ! grep -q " $root/" /proc/self/mounts; then rm -rf "$root"; fi
}
trap cleanup EXIT INT TERM

# Read-only bind mount: bind, then remount read-only (a bind mount ignores ro on the first call).
bind_ro() { # source target
    mkdir -p "$2"
    mount --bind "$1" "$2" || return 1
    mounted+=("$2")
    mount -o remount,bind,ro "$2" 2>/dev/null || echo "chroot-test: note: $2 stays read-write (remount refused)"
}

# The binary and exactly what the dynamic loader needs for it.
cp "$bin" "$root/memmap-check"
libs=$(ldd "$bin" | grep -oE '/[^ ]+' | sort -u)
for lib in $libs; do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
done
bind_ro /proc "$root/proc" || { echo "chroot-test: cannot bind-mount /proc" >&2; exit 1; }
bind_ro /sys "$root/sys" || { echo "chroot-test: cannot bind-mount /sys" >&2; exit 1; }
echo "chroot $root: $(cd "$root" && find . -path ./proc -prune -o -path ./sys -prune -o -type f -print | sort | tr '\n' ' ')"

passed=0 failed=0
pass() { echo "PASS  $1"; passed=$((passed + 1)); }
fail() { echo "FAIL  $1"; failed=$((failed + 1)); }
run() { # args...: runs in the chroot; sets out, err, status
    out=$(chroot "$root" /memmap-check "$@" 2>"$root.err")
    status=$?
    err=$(cat "$root.err")
    rm -f "$root.err"
}

run --version
if [ "$status" = 0 ] && [ "$out" = "$version" ]; then pass "--version: $out"; else fail "--version: exit $status, '$out' $err"; fi

run host
nodes=$(printf '%s\n' "$out" | grep -c '^node [0-9]')
if { [ "$status" = 0 ] || [ "$status" = 1 ]; } && [ "$nodes" -ge 1 ] && printf '%s\n' "$out" | grep -q '^result: '; then
    pass "host: exit $status, $nodes node(s); $(printf '%s\n' "$out" | head -1)"
else
    fail "host: exit $status, $nodes node(s)"
    printf '%s\n%s\n' "$out" "$err" | head -30
fi

# The same query outside the chroot: inside, libnuma (linked in) and the /sys and /proc readers must
# see the same machine.
outside=$("$bin" host --format json 2>/dev/null)
run host --format json
if { [ "$status" = 0 ] || [ "$status" = 1 ]; } && OUTSIDE="$outside" python3 -c '
import json, os, sys
d = json.load(sys.stdin)
o = json.loads(os.environ["OUTSIDE"])
assert d["schema"].startswith("memmap-check/"), d["schema"]
inside, host = d["layout"], o["layout"]
assert inside["origin"] == "live", inside["origin"]
assert inside["nodes"], "no nodes"
for key in ("numa", "online_nodes", "memory_block_count", "struct_page_size", "page_size"):
    assert inside[key] == host[key], f"{key}: {inside[key]} in the chroot, {host[key]} outside"
numa, nodes, blocks = inside["numa"]["available"], len(inside["nodes"]), inside["memory_block_count"]
print(f"numa_available() {numa}, {nodes} node(s), {blocks} memory blocks")
' >"$root.py" 2>&1 <<<"$out"; then
    pass "host --format json: exit $status, a memmap-check document whose layout matches the host outside ($(tail -1 "$root.py"))"
else
    fail "host --format json: exit $status: $(tail -1 "$root.py")"
    printf '%s\n%s\n' "$out" "$err" | head -20
fi
rm -f "$root.py"

run check --preset x86_64
if [ "$status" = 0 ] && printf '%s\n' "$out" | grep -q 'PASS  folio-vmemmap-align '; then pass "check --preset x86_64: exit 0"; else fail "check --preset x86_64: exit $status $err"; fi

run check --vmemmap-base zz
if [ "$status" = 2 ] && [ "$(printf '%s\n' "$err" | wc -l)" = 1 ] && [ -z "$out" ]; then pass "bad input: exit 2, one line"; else fail "bad input: exit $status '$err'"; fi

echo "chroot: $passed passed, $failed failed"
[ "$failed" = 0 ]

#!/bin/sh
# Benchmark: a sweep of 10,229,760 combinations (3 riscv64 presets x 3 kernels x 1,136,640 DRAM bases),
# reporting wall time and maximum RSS (/usr/bin/time -v). Run from the package root.
# A second run with 10x fewer DRAM bases shows that memory stays flat in the number of combinations.
set -eu
swift build -c release >/dev/null
BIN=.build/release/memmap-check
run() {
    /usr/bin/time -v "$BIN" sweep --presets 'riscv64-*' --kernel all --dram-bases "0:$1:2M" --fail-on never 2>/tmp/bench-sweep.time | head -1
    grep -E "Elapsed|Maximum resident" /tmp/bench-sweep.time
}
echo "== 1,022,976 combinations"
run 222G
echo "== 10,229,760 combinations"
run 2220G

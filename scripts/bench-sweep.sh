#!/bin/sh
# Benchmark: a sweep of the riscv64 presets x every modelled release (--kernel all) x 1,136,640 DRAM bases
# (the sweep's first line gives the number of combinations, so no count is typed here), reporting wall time and maximum RSS (/usr/bin/time -v), on one thread and on all cores (the default).
# A second size with 10x fewer DRAM bases shows that memory stays flat in the number of combinations.
# Run from the package root; the release build goes to .build-release.
set -eu
swift build -c release --scratch-path .build-release --product memmap-check >/dev/null
BIN=.build-release/release/memmap-check
run() {
    /usr/bin/time -v "$BIN" sweep --presets 'riscv64-*' --kernel all --dram-bases "0:$1:2M" --fail-on never --jobs "$2" 2>/tmp/bench-sweep.time | head -1
    grep -E "Elapsed|Maximum resident" /tmp/bench-sweep.time
}
for jobs in 1 "$(getconf _NPROCESSORS_ONLN)"; do
    echo "== --dram-bases 0:222G:2M, --jobs $jobs"
    run 222G "$jobs"
    echo "== --dram-bases 0:2220G:2M, --jobs $jobs"
    run 2220G "$jobs"
done

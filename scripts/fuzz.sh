#!/usr/bin/env bash
# Runs the libFuzzer harnesses of Sources/memmap-fuzz (built with -sanitize=fuzzer,address).
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]      default: 60 s each, every target
# Seeds come from Tests/Fuzz/corpus/<target>; new inputs collect in fuzz-out/<target>/corpus and
# crash reproducers in fuzz-out/<target>/ (replay one: .build/debug/memmap-fuzz FILE with
# MEMMAP_FUZZ_TARGET=<target>). Prints one summary line per target and exits 1 if any crashed.
set -uo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(units axis kconfig zoneinfo iomem idlist meminfo btf)
fi
swift build --scratch-path .build-fuzz --product memmap-fuzz -c release \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -parse-as-library \
    2>&1 | grep -E 'error|Compiling|Build' | tail -3
bin=.build-fuzz/release/memmap-fuzz
[ -x "$bin" ] || { echo "fuzz build failed"; exit 2; }
crashed=0
total=0
for t in "${targets[@]}"; do
    out=fuzz-out/$t
    mkdir -p "$out/corpus"
    log=$out/last.log
    MEMMAP_FUZZ_TARGET=$t "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -artifact_prefix="$out/" -print_final_stats=1 "$out/corpus" "Tests/Fuzz/corpus/$t" >"$log" 2>&1
    rc=$?
    runs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$' || echo 0)
    total=$((total + ${runs:-0}))
    if [ $rc -ne 0 ]; then
        crashed=$((crashed + 1))
        echo "fuzz $t: CRASH after ${runs:-?} executions (exit $rc); reproducer in $out/, log $log"
        grep -E 'ERROR|Fatal error|runtime error' "$log" | head -3
    else
        echo "fuzz $t: ${runs} executions in ${secs} s, no crash"
    fi
done
echo "fuzz: $total executions over ${#targets[@]} targets"
echo "fuzz: $(( ${#targets[@]} - crashed )) passed, $crashed failed"
exit $((crashed > 0))

#!/usr/bin/env bash
# Builds the C mirror's edge test under UndefinedBehaviorSanitizer + AddressSanitizer and runs it.
# Any sanitizer report aborts (-fno-sanitize-recover=all) and fails the script.
set -euo pipefail
cd "$(dirname "$0")/.."
CC=${CC:-clang}
out=${TMPDIR:-/tmp}/csparse-edges-$$
trap 'rm -f "$out"' EXIT
for opt in -O0 -O2; do
    "$CC" -std=c11 -Wall -Wextra -Werror $opt -g -fsanitize=undefined,address,integer -fno-sanitize-recover=all -fuse-ld=lld \
        -fno-sanitize=unsigned-integer-overflow,unsigned-shift-base \
        -ISources/CSparse/include Tests/CSanitize/edges.c -o "$out"
    echo "csparse edges ($opt, UBSan + ASan):"
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1 "$out"
done
# The collector (Sources/CCapture, memmap-capture) under the same sanitizers: capture this machine with
# -o, extract the tar again, and the two trees must be the same.
work=$(mktemp -d)
trap 'rm -rf "$out" "$work"' EXIT
san=(-std=gnu11 -Wall -Wextra -Werror -O1 -g -fsanitize=undefined,address -fno-sanitize-recover=all -fuse-ld=lld -ISources/CCapture/include)
"$CC" "${san[@]}" Sources/CCapture/*.c Sources/memmap-capture/main.c -o "$work/memmap-capture"
"$CC" "${san[@]}" Sources/CCapture/tar.c Tests/CSanitize/untar.c -o "$work/untar"
echo "collector capture and tar round trip (UBSan + ASan):"
ASAN_OPTIONS=detect_leaks=1 "$work/memmap-capture" -o "$work/c.tar" "$work/c"
ASAN_OPTIONS=detect_leaks=1 "$work/untar" "$work/c.tar" "$work/x"
diff -rq --no-dereference "$work/c" "$work/x"

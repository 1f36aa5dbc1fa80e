#!/usr/bin/env bash
# Builds the static collector `memmap-capture` (Sources/memmap-capture + Sources/CCapture, C only:
# no Swift, no libnuma) for every architecture with Debian's cross compilers:
#   dist/memmap-capture-{amd64,arm64,riscv64,ppc64el,s390x}
# Each is linked statically and stripped; `file` must name its machine (and byte order: s390x is
# big-endian) and "statically linked", or the script fails. scripts/package.sh runs it.
#
# Usage: scripts/build-collectors.sh [ARCH...]      (default: all five)
# Needs: gcc-x86-64-linux-gnu (or gcc on amd64), gcc-aarch64-linux-gnu, gcc-riscv64-linux-gnu,
#        gcc-powerpc64le-linux-gnu, gcc-s390x-linux-gnu, file.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's/.*static let current = "\(.*\)".*/\1/p' Sources/SparseCheck/Model/Version.swift)
[ -n "$version" ] || { echo "build-collectors.sh: no version in Sources/SparseCheck/Model/Version.swift" >&2; exit 1; }
host=$(dpkg --print-architecture 2>/dev/null || echo unknown)
mkdir -p dist
arches=("$@")
[ ${#arches[@]} -gt 0 ] || arches=(amd64 arm64 riscv64 ppc64el s390x)
for a in "${arches[@]}"; do
    case $a in
    amd64) triplet=x86_64-linux-gnu; machine='x86-64' ;;
    arm64) triplet=aarch64-linux-gnu; machine='ARM aarch64' ;;
    riscv64) triplet=riscv64-linux-gnu; machine='RISC-V' ;;
    ppc64el) triplet=powerpc64le-linux-gnu; machine='LSB .*64-bit PowerPC' ;;
    s390x) triplet=s390x-linux-gnu; machine='MSB .*IBM S/390' ;;
    *) echo "build-collectors.sh: $a: expected amd64, arm64, riscv64, ppc64el or s390x" >&2; exit 2 ;;
    esac
    cc=$triplet-gcc
    if ! command -v "$cc" >/dev/null; then
        if [ "$a" = "$host" ]; then cc=gcc; else
            echo "build-collectors.sh: $cc not found (apt-get install gcc-${triplet//_/-})" >&2; exit 1
        fi
    fi
    out=dist/memmap-capture-$a
    "$cc" -std=gnu11 -O2 -Wall -Wextra -Werror -static -s -DCCAP_VERSION="\"$version\"" \
        -ISources/CCapture/include Sources/CCapture/*.c Sources/memmap-capture/main.c -o "$out"
    desc=$(file -b "$out")
    if ! grep -Eq "$machine" <<<"$desc" || ! grep -q 'statically linked' <<<"$desc"; then
        echo "build-collectors.sh: $out is not a static $a executable: $desc" >&2
        exit 1
    fi
    echo "$out: $(stat -c %s "$out") bytes; $desc"
done

#!/bin/bash
# build-initramfs.sh ARCH SCENARIO OUT.cpio.gz [--tool PATH] [--collector PATH]
# A busybox initramfs whose /init (init.sh) captures what `memmap-check host` reads and what kread
# reads through /proc/kcore. With --tool, PATH (a memmap-check binary for this arch) and every
# library `ldd` lists are copied in, and /init runs it as root and as nobody. With --collector, PATH
# (a static memmap-capture for this arch, scripts/build-collectors.sh) is copied in and /init runs it
# as root first, before anything else reads kernel memory.
set -euo pipefail
. "$(dirname "$0")/common.sh"
ARCH=$1 SCENARIO=$2 OUT=$3; shift 3
TOOL="" COLLECTOR=""
while [ $# -gt 0 ]; do case "$1" in --tool) TOOL=$2; shift 2 ;; --collector) COLLECTOR=$2; shift 2 ;; *) echo "unknown option $1" >&2; exit 2 ;; esac; done
arch_info "$ARCH"
[ -n "$BUSYBOX" ] || { echo "no busybox-static for $DEBARCH under $KWORK/img (run fetch.sh)" >&2; exit 2; }
R=$(mktemp -d); trap 'rm -rf "$R"' EXIT
mkdir -p $R/bin $R/usr/local/bin $R/etc $R/proc $R/sys $R/dev $R/tmp
cp "$BUSYBOX" $R/bin/busybox
cp "$HERE/init.sh" $R/init
KB="$KWORK/bin/kread-$KARCH"
$CC -O2 -Wall -Wextra -static -o "$KB" "$HERE/kread.c"
cp "$KB" $R/usr/local/bin/kread
printf 'root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' > $R/etc/passwd
printf 'root:x:0:\nnogroup:x:65534:\n' > $R/etc/group
# a Debian system has its kernel's .config at /boot/config-RELEASE (no /proc/config.gz)
CFG="$KWORK/configs/debian-$DEBARCH-$FLAVOUR-$KREL.config"
if [ -f "$CFG" ]; then mkdir -p $R/boot; cp "$CFG" "$R/boot/config-$KREL+$KABI-$FLAVOUR"; fi
printf 'ARCH=%s\nSCENARIO=%s\nKREAD_SYMS="%s"\nTOOL_TIMEOUT=%s\n' "$ARCH" "$SCENARIO" "$KREAD_SYMS" "${TOOL_TIMEOUT:-180}" > $R/scenario.env
[ -z "$COLLECTOR" ] || cp "$COLLECTOR" $R/usr/local/bin/memmap-capture
if [ -n "$TOOL" ]; then
  cp "$TOOL" $R/usr/local/bin/memmap-check
  for lib in $(ldd "$TOOL" | awk '/=>/ {print $3} /^[[:space:]]*\// {print $1}'); do
    [ -f "$lib" ] || continue
    mkdir -p "$R$(dirname "$lib")"; cp -L "$lib" "$R$lib"
  done
fi
(cd $R && find . | cpio -o -H newc --quiet | gzip -1) > "$OUT"

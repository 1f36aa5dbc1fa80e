#!/bin/bash
# boot.sh ARCH SCENARIO [--tool PATH] [--collector PATH] [--out DIR]
# Boots Debian's linux-binary-$KREL+$KABI-FLAVOUR under qemu (TCG) with the capture initramfs and
# unpacks what comes back into DIR (default $KWORK/captures/ARCH-SCENARIO, or
# $KWORK/tool-runs/ARCH-SCENARIO with --tool, $KWORK/collector-runs/ARCH-SCENARIO with --collector):
# console.log, qemu.txt, out/ (capture/, kread.txt, collector/ ...).
set -euo pipefail
. "$(dirname "$0")/common.sh"
[ $# -ge 2 ] || { sed -n 2,5p "$0"; exit 2; }
ARCH=$1 SCENARIO=$2; shift 2
TOOL="" COLLECTOR="" OUTDIR=""
while [ $# -gt 0 ]; do case "$1" in
  --tool) TOOL=$(readlink -f "$2"); shift 2 ;;
  --collector) COLLECTOR=$(readlink -f "$2"); shift 2 ;;
  --out) OUTDIR=$2; shift 2 ;;
  *) echo "unknown option $1" >&2; exit 2 ;; esac; done
arch_info "$ARCH"
[ -n "$KDIR" ] || { echo "no kernel for $FLAVOUR under $KWORK/img (run fetch.sh)" >&2; exit 2; }
KERNEL=$KDIR/vmlinuz
MEM=4G
APPEND="console=$CONSOLE rdinit=/init panic=-1 log_buf_len=4M"
SMP=1
# two 2 GiB nodes; qemu wants a CPU per node on riscv virt
NUMA2="-object memory-backend-ram,id=m0,size=2G -numa node,nodeid=0,cpus=0,memdev=m0 -object memory-backend-ram,id=m1,size=2G -numa node,nodeid=1,cpus=1,memdev=m1"
case "$ARCH:$SCENARIO" in
  amd64:kaslr-4level)   M="-machine q35 -cpu max,la57=off" ;;
  amd64:nokaslr-5level) M="-machine q35 -cpu max"; APPEND="$APPEND nokaslr" ;;
  amd64:kaslr-5level)   M="-machine q35 -cpu max" ;;
  amd64:kaslr-4level-numa2) M="-machine q35 -cpu max,la57=off $NUMA2"; SMP=2 ;;
  riscv64:sv48)         M="-machine virt -cpu rv64 -bios default" ;;
  riscv64:sv39-numa2)   M="-machine virt -cpu rv64 -bios default $NUMA2"; SMP=2; APPEND="$APPEND no4lvl" ;;
  riscv64:sv57)         M="-machine virt -cpu rv64 -bios default" ;;
  arm64:va52)           M="-machine virt,gic-version=3 -cpu max,pauth-impdef=on" ;;
  arm64:va48)           M="-machine virt,gic-version=3 -cpu cortex-a57" ;;
  arm64-16k:va47)       M="-machine virt,gic-version=3 -cpu neoverse-n1" ;;
  arm64-16k:va52)       M="-machine virt,gic-version=3 -cpu max,pauth-impdef=on" ;;
  ppc64le:radix|ppc64le-64k:radix)
                        M="-machine pseries,cap-cfpc=broken,cap-sbbc=broken,cap-ibs=broken,cap-ccf-assist=off -cpu power9" ;;
  ppc64le:hash|ppc64le-64k:hash)
                        M="-machine pseries,cap-cfpc=broken,cap-sbbc=broken,cap-ibs=broken,cap-ccf-assist=off -cpu power9"; APPEND="$APPEND disable_radix" ;;
  s390x:nokaslr)        M="-machine s390-ccw-virtio -cpu max"; APPEND="$APPEND nokaslr" ;;
  s390x:kaslr)          M="-machine s390-ccw-virtio -cpu max" ;;
  *) echo "unknown scenario '$SCENARIO' for $ARCH (see README.md)" >&2; exit 2 ;;
esac
if [ -z "$OUTDIR" ]; then
  if [ -n "$TOOL" ]; then OUTDIR=$KWORK/tool-runs/$ARCH-$SCENARIO
  elif [ -n "$COLLECTOR" ]; then OUTDIR=$KWORK/collector-runs/$ARCH-$SCENARIO; else OUTDIR=$KWORK/captures/$ARCH-$SCENARIO; fi
fi
rm -rf "$OUTDIR"; mkdir -p "$OUTDIR"
INITRD=$OUTDIR/initrd.cpio.gz
"$HERE/build-initramfs.sh" "$ARCH" "$SCENARIO" "$INITRD" ${TOOL:+--tool "$TOOL"} ${COLLECTOR:+--collector "$COLLECTOR"}
CMD="$QEMU $M -m $MEM -smp $SMP -kernel $KERNEL -initrd $INITRD -append '$APPEND' -display none -vga none -no-reboot -monitor none -serial file:$OUTDIR/console.log"
[ "$ARCH" = s390x ] && CMD=${CMD/ -vga none/}
{
  echo "qemu: $($QEMU --version | head -1)"
  echo "kernel: $KERNEL"
  echo "package: $(basename "$(ls -d "$KWORK"/img/linux-binary-$KREL+$KABI-${FLAVOUR}_*)").deb"
  echo "append: $APPEND"
  echo "command: $CMD"
  if [ -n "$TOOL" ]; then echo "tool: $TOOL (sha256 $(sha256sum "$TOOL" | cut -c1-16))"; fi
  if [ -n "$COLLECTOR" ]; then echo "collector: $COLLECTOR (sha256 $(sha256sum "$COLLECTOR" | cut -c1-16); $(file -b "$COLLECTOR" | cut -d, -f1-2))"; fi
} > "$OUTDIR/qemu.txt"
start=$(date +%s)
eval timeout 1200 $CMD < /dev/null > "$OUTDIR/qemu.stdout" 2>&1 || echo "qemu exit $?" >> "$OUTDIR/qemu.txt"
echo "wall: $(( $(date +%s) - start ))s" >> "$OUTDIR/qemu.txt"
"$HERE/extract.sh" "$OUTDIR"

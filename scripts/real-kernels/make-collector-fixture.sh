#!/bin/bash
# make-collector-fixture.sh RUN_DIR FIXTURE_DIR
# Turns a `boot.sh ARCH SCENARIO --collector dist/memmap-capture-ARCH` run ($KWORK/collector-runs/ARCH-SCENARIO)
# into a committed fixture: capture/ is the tree memmap-capture wrote in the guest (unpacked from the
# collector.tar it wrote there), with sys/kernel/btf/vmlinux trimmed by trim-btf.py to the types the
# tools read (struct page, struct mem_section, SECTION_MAP_LAST_BIT); collector.{out,stderr,rc,seconds}
# as the guest ran it; kread.txt, the independent reading of the same kernel; qemu.txt; README.txt.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
RUN=$1 DST=$2
rm -rf "$DST"; mkdir -p "$DST/capture"
btf="$DST/capture/sys/kernel/btf/vmlinux"
if [ -f "$RUN/out/collector.tar" ]; then
  # the tar the collector wrote in the guest, BTF and all
  tar -xf "$RUN/out/collector.tar" -C "$DST/capture"
  trimmed=$(python3 "$HERE/trim-btf.py" "$btf" "$btf.trim"); mv "$btf.trim" "$btf"
  how="unpacked from the tar it wrote there; sys/kernel/btf/vmlinux trimmed by scripts/real-kernels/trim-btf.py"
elif [ -d "$RUN/out/collector" ]; then
  # init.sh sent the tree without the BTF blob (collector.tar.txt: the tar's size and sha256, the BTF's size)
  cp -a "$RUN/out/collector/." "$DST/capture/"
  mkdir -p "$(dirname "$btf")"
  trimmed=$(cd "$RUN/out" && python3 "$HERE/trim-btf.py" --from-kread kread.txt "$OLDPWD/$btf")
  cp "$RUN/out/collector.tar.txt" "$DST/collector.tar.txt"
  how="the directory it wrote there, sent back without the BTF blob; sys/kernel/btf/vmlinux rebuilt by scripts/real-kernels/trim-btf.py --from-kread from kread's reading of the same blob"
else
  echo "$RUN/out: no collector output (boot.sh ... --collector PATH)" >&2; exit 2
fi
for f in collector.out collector.stderr collector.rc collector.seconds kread.txt uname-a.txt; do cp "$RUN/out/$f" "$DST/$f"; done
sed -e "s|$HOME|~|g" -e "s|${KWORK:-/work/kernels}|\$KWORK|g" -e 's|/work/[^ ]*/dist/|dist/|g' "$RUN/qemu.txt" > "$DST/qemu.txt"
name=$(basename "$RUN")
cat > "$DST/README.txt" <<TXT
$name: Debian's kernel booted under qemu TCG (qemu.txt has the exact command line) with the static
collector memmap-capture in the busybox initramfs, run as root by /init before anything else read
kernel memory (scripts/real-kernels/boot.sh $(echo "$name" | sed 's/-/ /') --collector dist/memmap-capture-ARCH).

- capture/: the tree memmap-capture wrote in the guest, byte for byte ($how), the BTF reduced to
  the types memmap-check and memmap-capture read: $trimmed.
- collector.out, .stderr, .rc, .seconds: its one-line summary, stderr, exit code and wall time there.
- kread.txt: scripts/real-kernels/kread.c's independent reading of the same kernel right after
  (symbols, BTF sizes, mem_section witnesses: section_mem_map with the bits below SECTION_MAP_LAST_BIT cleared).
Regenerate: scripts/real-kernels/make-collector-fixture.sh \$KWORK/collector-runs/$name $DST
TXT
du -sh "$DST"

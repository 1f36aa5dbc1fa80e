#!/bin/bash
# make-tool-fixture.sh RUN_DIR FIXTURE_DIR
# Turns one `boot.sh ARCH SCENARIO --tool PATH` result (RUN_DIR = $KWORK/tool-runs/ARCH-SCENARIO) into a
# committed fixture (Tests/Fixtures/real-tool/ARCH-SCENARIO): the tool's outputs in the guest, the
# capture tree it wrote (its BTF blob was already dropped in the guest), kread's independent reading,
# and README.txt. Tests/SparseCheckTests/Host/RealToolRunTests.swift reads them.
set -euo pipefail
RUN=$1 DST=$2
T=$RUN/out/tool
[ -d "$T" ] || { echo "$RUN: no out/tool (was boot.sh given --tool?)" >&2; exit 2; }
rm -rf "$DST"; mkdir -p "$DST"
cp "$T/host-root-json.out" "$DST/host-root.json"; cp "$T/host-root-json.rc" "$DST/host-root.rc"
cp "$T/host-root-text.out" "$DST/host-root.txt"
cp "$T/capture.out" "$DST/capture.out"; cp "$T/capture.rc" "$DST/capture.rc"
cp "$T/host-nobody-json.out" "$DST/host-nobody.json"; cp "$T/host-nobody-json.rc" "$DST/host-nobody.rc"
cp "$T/host-nobody-json.stderr" "$DST/host-nobody.stderr"
cp "$T/host-nobody-text.out" "$DST/host-nobody.txt"
cp -a "$T/capture" "$DST/capture"
for f in kread.txt extra.txt uname-a.txt; do cp "$RUN/out/$f" "$DST/$f"; done
{
  for n in host-root-json host-root-text capture host-nobody-json host-nobody-text; do
    echo "$n rc=$(cat "$T/$n.rc") seconds=$(cat "$T/$n.seconds") stderr_bytes=$(wc -c < "$T/$n.stderr")"
  done
  [ -f "$T/capture-btf-size.txt" ] && echo "capture sys/kernel/btf/vmlinux dropped in the guest: $(cat "$T/capture-btf-size.txt") bytes"
} > "$DST/runs.txt"
KW=${KWORK:-/work/kernels}
sed "s|$KW|\$KWORK|g" "$RUN/qemu.txt" > "$DST/qemu.txt"
du -sb "$DST" | cut -f1

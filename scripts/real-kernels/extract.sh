#!/bin/bash
# extract.sh OUTDIR — decode the base64 tar.gz that /init printed between the markers on the
# console (OUTDIR/console.log) into OUTDIR/out/. boot.sh calls this; it can be rerun by hand.
set -euo pipefail
OUTDIR=$1
tr -d '\r' < "$OUTDIR/console.log" | sed -n '/^===KREAD-DATA-BEGIN===$/,/^===KREAD-DATA-END===$/p' | sed '1d;$d' > "$OUTDIR/data.b64"
if [ -s "$OUTDIR/data.b64" ] && base64 -d "$OUTDIR/data.b64" > "$OUTDIR/out.tgz"; then
  rm -rf "$OUTDIR/out"; mkdir -p "$OUTDIR/out" && tar xzf "$OUTDIR/out.tgz" -C "$OUTDIR/out"
  rm -f "$OUTDIR/data.b64" "$OUTDIR/initrd.cpio.gz"
  echo "$(basename "$OUTDIR"): ok ($OUTDIR)"
else
  echo "$(basename "$OUTDIR"): no data came back; see $OUTDIR/console.log" >&2; exit 1
fi

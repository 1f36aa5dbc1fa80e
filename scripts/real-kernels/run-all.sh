#!/bin/bash
# run-all.sh ARCH:SCENARIO...  — boots each in turn (boot.sh) and appends one line per finished
# capture to $KWORK/captures/INDEX.txt.
. "$(dirname "$0")/common.sh"
mkdir -p "$KWORK/captures"
for s in "$@"; do
  a=${s%%:*} sc=${s#*:}
  if "$HERE/boot.sh" "$a" "$sc"; then
    d=$KWORK/captures/$a-$sc
    p0=$(grep -m1 '^section\.' "$d/out/kread.txt" | sed 's/.* map //')
    echo "$(date -u +%FT%TZ) $a-$sc $d pfn_to_page0=$p0 $(grep -m1 '^wall' "$d/qemu.txt")" >> "$KWORK/captures/INDEX.txt"
  fi
done

#!/bin/sh
# Regenerates the pictures under docs/: docs/host-<fixture>.svg for each captured host fixture, and a
# PNG of each when rsvg-convert (Debian: librsvg2-bin) is installed. Run from anywhere:
#   scripts/make-docs.sh            # builds memmap-check if needed
#   MEMMAP_CHECK=path/to/memmap-check scripts/make-docs.sh
set -eu
cd "$(dirname "$0")/.."
fixtures="2node-equal 4node-uneven memoryless dimm-offline"
bin=${MEMMAP_CHECK:-}
if [ -z "$bin" ]; then
    swift build --product memmap-check >/dev/null
    bin="$(swift build --show-bin-path)/memmap-check"
fi
mkdir -p docs
for f in $fixtures; do
    out="docs/host-$f.svg"
    # Exit 1 only means an error-severity rule failed: the picture is still written.
    status=0
    "$bin" host --root "Tests/SparseCheckTests/Fixtures/hosts/$f" --format svg >"$out" || status=$?
    if [ "$status" -gt 1 ]; then
        echo "make-docs: memmap-check host failed for $f (exit $status)" >&2
        exit "$status"
    fi
    echo "wrote $out"
    if command -v rsvg-convert >/dev/null 2>&1; then
        rsvg-convert --format png --background-color white -o "docs/host-$f.png" "$out"
        echo "wrote docs/host-$f.png"
    fi
done
if ! command -v rsvg-convert >/dev/null 2>&1; then
    echo "make-docs: rsvg-convert not found (apt-get install librsvg2-bin): SVGs only, PNGs not regenerated" >&2
fi

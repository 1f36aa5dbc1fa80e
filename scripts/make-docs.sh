#!/bin/sh
# Regenerates what docs/ and README.md show. First the output of every example in README.md and docs/*.md
# (scripts/docs-examples.py update: each `$ memmap-check ...` example is rerun from the repository root and
# its shown output and `# exit N` rewritten, keeping the `...` elisions whose neighbours still match;
# review the diff, then scripts/check-docs.sh passes). Then the pictures under docs/: docs/host-<fixture>.svg for each captured host fixture, and a
# PNG of each when rsvg-convert (Debian: librsvg2-bin) is installed; docs/sweep-all.html, the sweep
# report of every preset under every kernel version, and docs/sweep-all.png (1200 px wide) when headless
# Chromium is installed (Debian: chromium). Run from anywhere:
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
MEMMAP_CHECK=$bin python3 scripts/docs-examples.py update README.md docs/*.md
for f in $fixtures; do
    out="docs/host-$f.svg"
    # Exit 1 only means an error-severity rule failed: the picture is still written.
    status=0
    "$bin" host --root "Tests/Fixtures/hosts/$f" --format svg >"$out" || status=$?
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

# The sweep report (exit 1 only means a combination fails: the page is still written).
status=0
"$bin" sweep --presets all --kernel all --format html >docs/sweep-all.html || status=$?
if [ "$status" -gt 1 ]; then
    echo "make-docs: memmap-check sweep failed (exit $status)" >&2
    exit "$status"
fi
echo "wrote docs/sweep-all.html"
chrome=""
for c in chromium chromium-browser google-chrome; do
    if command -v "$c" >/dev/null 2>&1; then chrome=$c; break; fi
done
if [ -n "$chrome" ]; then
    set -- --headless=new --disable-gpu --hide-scrollbars
    if [ "$(id -u)" = 0 ]; then set -- "$@" --no-sandbox; fi # Chromium refuses to run as root otherwise
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    # The page's full height, measured in a throw-away copy with one script line (the report has none).
    sed 's#</body>#<script>document.title=String(document.documentElement.scrollHeight)</script></body>#' \
        docs/sweep-all.html >"$tmp/measure.html"
    height=$("$chrome" "$@" --window-size=1200,800 --dump-dom "file://$tmp/measure.html" 2>/dev/null |
        sed -n 's:.*<title>\([0-9][0-9]*\)</title>.*:\1:p')
    "$chrome" "$@" --window-size="1200,${height:-3200}" --screenshot="$PWD/docs/sweep-all.png" \
        "file://$PWD/docs/sweep-all.html" >/dev/null 2>&1
    echo "wrote docs/sweep-all.png"
else
    echo "make-docs: no headless Chromium (apt-get install chromium): docs/sweep-all.png not regenerated" >&2
fi

# A small fleet's page (docs/fleet.md): the host fixtures, the captures memmap-check wrote in qemu
# guests and three real captures, screenshotted at 1200 px (exit 1 would only mean a capture fails).
status=0
"$bin" fleet Tests/Fixtures/hosts Tests/Fixtures/real-tool Tests/Fixtures/real/riscv64-sv39-numa2 \
    Tests/Fixtures/real/arm64-va48 Tests/Fixtures/real/ppc64le-radix --format html --jobs 2 >"${TMPDIR:-/tmp}/fleet-small.html" || status=$?
if [ "$status" -gt 1 ]; then
    echo "make-docs: memmap-check fleet failed (exit $status)" >&2
    exit "$status"
fi
if [ -n "$chrome" ]; then
    sed 's#</body>#<script>document.title=String(document.documentElement.scrollHeight)</script></body>#' \
        "${TMPDIR:-/tmp}/fleet-small.html" >"$tmp/measure-fleet.html"
    height=$("$chrome" "$@" --window-size=1200,800 --dump-dom "file://$tmp/measure-fleet.html" 2>/dev/null |
        sed -n 's:.*<title>\([0-9][0-9]*\)</title>.*:\1:p')
    "$chrome" "$@" --window-size="1200,${height:-1400}" --screenshot="$PWD/docs/fleet-small.png" \
        "file://${TMPDIR:-/tmp}/fleet-small.html" >/dev/null 2>&1
    echo "wrote docs/fleet-small.png"
else
    echo "make-docs: no headless Chromium (apt-get install chromium): docs/fleet-small.png not regenerated" >&2
fi
rm -f "${TMPDIR:-/tmp}/fleet-small.html"

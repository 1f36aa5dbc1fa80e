#!/bin/sh
# Reruns every example in README.md and docs/*.md (a `$ memmap-check ...` line in a code block) from the
# repository root and compares what it prints and its exit code with what the docs show: a `...` line
# elides lines, `...` or `…` inside a line elides text, durations are compared as `N s`, and `# exit N`
# on the command line is the exit code expected (0 when absent). Examples that read the live machine are
# marked `<!-- docs-example: not run: REASON -->` and listed, not run. Exit 1 when any example differs;
# `scripts/make-docs.sh` rewrites the shown output from a run. The rules: scripts/docs-examples.py.
#   scripts/check-docs.sh                                  # builds memmap-check (debug) if needed
#   MEMMAP_CHECK=path/to/memmap-check scripts/check-docs.sh
set -eu
cd "$(dirname "$0")/.."
bin=${MEMMAP_CHECK:-}
if [ -z "$bin" ]; then
    swift build --product memmap-check >/dev/null
    bin="$(swift build --show-bin-path)/memmap-check"
fi
MEMMAP_CHECK=$bin exec python3 scripts/docs-examples.py check README.md docs/*.md

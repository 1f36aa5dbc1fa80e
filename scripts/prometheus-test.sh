#!/usr/bin/env bash
# memmap-check against the real Prometheus programs (docs/fleet.md): Debian's promtool, prometheus and
# prometheus-node-exporter, which .ci/run installs.
#   1. promtool check metrics: host --format prometheus on every committed real capture, fleet over all
#      of them, and this machine; promtool check rules and test rules on contrib/prometheus/.
#   2. systemd-analyze verify on the .deb's service and timer (when dist/ holds a .deb).
#   3. node_exporter on 127.0.0.1 (a free port) with a textfile directory holding the tool's output
#      (written by --output, as memmap-check.service does): /metrics carries the series and
#      node_textfile_scrape_error 0. A real Prometheus on 127.0.0.1 scrapes it with the alert rules:
#      every rule loads healthy, a query through the HTTP API returns the series, and the expected
#      alert fires. Both servers run under `timeout` and are stopped on exit.
# Without the programs it prints why and exits 0 (a skip); .ci/run installs them, so CI runs it all.
#
# Usage: scripts/prometheus-test.sh [MEMMAP_CHECK]   (default: dist/memmap-check, else .build/debug/memmap-check)
set -euo pipefail
cd "$(dirname "$0")/.."

bin=${1:-}
if [ -z "$bin" ]; then
    if [ -x dist/memmap-check ]; then bin=dist/memmap-check; else bin=.build/debug/memmap-check; fi
fi
[ -x "$bin" ] || { echo "prometheus-test: $bin not built (swift build, or scripts/package.sh)" >&2; exit 1; }
node_exporter=$(command -v prometheus-node-exporter || command -v node_exporter || true)
missing=""
for p in promtool prometheus python3; do command -v "$p" >/dev/null || missing="$missing $p"; done
[ -n "$node_exporter" ] || missing="$missing prometheus-node-exporter"
if [ -n "$missing" ]; then
    echo "prometheus-test: skipped: not installed:$missing (.ci/run installs them: apt-get install prometheus prometheus-node-exporter)"
    exit 0
fi

work=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "prometheus-test: FAIL: $*" >&2; exit 1; }
started=$SECONDS

# 1. promtool: every exposition clean (promtool prints nothing and exits 0), the rules and their tests.
n=0
for d in Tests/Fixtures/real/*/ Tests/Fixtures/real-tool/*/capture; do
    rc=0
    "$bin" host --root "$d" --format prometheus >"$work/one.prom" || rc=$?
    [ "$rc" -le 1 ] || fail "host --root $d --format prometheus exited $rc"
    out=$(promtool check metrics <"$work/one.prom" 2>&1) || fail "promtool check metrics, $d: $out"
    [ -z "$out" ] || fail "promtool check metrics, $d: $out"
    n=$((n + 1))
done
"$bin" fleet Tests/Fixtures/real Tests/Fixtures/real-tool --format prometheus >"$work/fleet.prom" || true
out=$(promtool check metrics <"$work/fleet.prom" 2>&1) || fail "promtool check metrics, fleet: $out"
[ -z "$out" ] || fail "promtool check metrics, fleet: $out"
rc=0
"$bin" host --format prometheus >"$work/live.prom" || rc=$?
if [ "$rc" -le 1 ]; then
    out=$(promtool check metrics <"$work/live.prom" 2>&1) || fail "promtool check metrics, this host: $out"
    [ -z "$out" ] || fail "promtool check metrics, this host: $out"
else
    echo "prometheus-test: this machine's host check exited $rc (no layout source); its metrics not checked"
fi
promtool check rules contrib/prometheus/memmap-check.rules.yml >/dev/null || fail "promtool check rules"
promtool test rules contrib/prometheus/memmap-check.rules.test.yml >/dev/null || fail "promtool test rules"
echo "prometheus-test: promtool: $n captures, the fleet and this host clean; rules and rule tests pass"

# 2. The .deb's units.
deb=$(ls dist/memmap-check_*.deb 2>/dev/null | head -1 || true)
if [ -n "$deb" ] && command -v systemd-analyze >/dev/null; then
    root=$work/deb-root
    mkdir -p "$root/lib/systemd/system"
    cp -r /lib/systemd/system/. "$root/lib/systemd/system/" # the targets the units name (sysinit.target, ...)
    dpkg-deb -x "$deb" "$root"
    for f in lib/systemd/system/memmap-check.service lib/systemd/system/memmap-check.timer \
        usr/share/memmap-check/prometheus/memmap-check.rules.yml; do
        [ -f "$root/$f" ] || fail "$deb lacks /$f"
    done
    out=$(MANPATH=$root/usr/share/man systemd-analyze verify --root="$root" memmap-check.service memmap-check.timer 2>&1) ||
        fail "systemd-analyze verify: $out"
    [ -z "$out" ] || fail "systemd-analyze verify: $out"
    (cd "$root/usr/share/memmap-check/prometheus" && promtool test rules memmap-check.rules.test.yml >/dev/null) ||
        fail "promtool test rules on the .deb's copy"
    echo "prometheus-test: systemd-analyze verify: $(basename "$deb")'s service and timer clean"
else
    echo "prometheus-test: no dist/*.deb (scripts/package.sh) or no systemd-analyze: units not verified"
    [ -z "${CI:-}" ] || fail "CI: the .deb's units must be verified (.ci/run installs systemd and builds the .deb first)"
fi

# 3. node_exporter and Prometheus on loopback.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
get() { python3 - "$1" <<'EOF'
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=5) as r:
    sys.stdout.write(r.read().decode())
EOF
}
wait_for() { # seconds description command...
    local until=$((SECONDS + $1)) what=$2
    shift 2
    until "$@" >/dev/null 2>&1; do
        [ "$SECONDS" -lt "$until" ] || fail "timed out after ${until}s waiting for $what"
        sleep 0.5
    done
}
textfiles=$work/textfile
mkdir -p "$textfiles"
# A riscv64 host judged with Linux 7.1's formulas (vmemmap_start_pfn as merged in 7.1): pfn_to_page(0)
# 0xffffffc4fe000000 is only 32 MiB aligned, so folio-vmemmap-align fails and MemmapMisaligned fires.
rc=0
"$bin" host --root Tests/Fixtures/real/riscv64-sv39-numa2 --kernel 7.1 --format prometheus \
    --output "$textfiles/memmap-check.prom" || rc=$?
[ "$rc" = 1 ] || fail "host --root riscv64-sv39-numa2 --kernel 7.1 exited $rc, expected 1 (folio-vmemmap-align fails)"
[ -z "$(ls -A "$textfiles" | grep -v '^memmap-check\.prom$')" ] || fail "--output left a temporary file: $(ls -A "$textfiles")"

ne_port=$(free_port)
timeout 120 "$node_exporter" --web.listen-address="127.0.0.1:$ne_port" --collector.disable-defaults \
    --collector.textfile --collector.textfile.directory="$textfiles" >"$work/node_exporter.log" 2>&1 &
pids+=($!)
wait_for 30 "node_exporter on 127.0.0.1:$ne_port" get "http://127.0.0.1:$ne_port/metrics"
get "http://127.0.0.1:$ne_port/metrics" >"$work/metrics.txt"
grep -qx 'node_textfile_scrape_error 0' "$work/metrics.txt" || fail "node_exporter: $(grep textfile_scrape_error "$work/metrics.txt" || echo no node_textfile_scrape_error); log: $(tail -5 "$work/node_exporter.log")"
grep -q '^memmap_check_rule_status{rule="folio-vmemmap-align",severity="error"} 1$' "$work/metrics.txt" ||
    fail "node_exporter does not serve memmap_check_rule_status for folio-vmemmap-align = 1"
echo "prometheus-test: node_exporter serves $(grep -c '^memmap_check_' "$work/metrics.txt") memmap_check_ series, node_textfile_scrape_error 0"

pr_port=$(free_port)
cat >"$work/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $PWD/contrib/prometheus/memmap-check.rules.yml
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ['127.0.0.1:$ne_port']
EOF
timeout 120 prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
    --web.listen-address="127.0.0.1:$pr_port" >"$work/prometheus.log" 2>&1 &
pids+=($!)
api=http://127.0.0.1:$pr_port/api/v1
wait_for 60 "Prometheus on 127.0.0.1:$pr_port" get "http://127.0.0.1:$pr_port/-/ready"
check_json() { # python expression over `d` (the API answer) that must be true
    get "$1" | python3 -c "import json, sys; d = json.load(sys.stdin); sys.exit(0 if ($2) else 1)"
}
query=$api/query?query=memmap_check_rule_status%7Brule%3D%22folio-vmemmap-align%22%7D
wait_for 60 "the series memmap_check_rule_status{rule=\"folio-vmemmap-align\"} in Prometheus" \
    check_json "$query" 'd["status"] == "success" and [r["value"][1] for r in d["data"]["result"] if r["metric"].get("instance") == "127.0.0.1:'"$ne_port"'"] == ["1"]'
check_json "$api/rules" 'len([r for g in d["data"]["groups"] for r in g["rules"]]) == 5 and all(r["health"] == "ok" for g in d["data"]["groups"] for r in g["rules"])' ||
    fail "the rules did not all load healthy: $(get "$api/rules")"
wait_for 60 "alert MemmapMisaligned firing" \
    check_json "$api/alerts" '[a["labels"]["rule"] for a in d["data"]["alerts"] if a["labels"]["alertname"] == "MemmapMisaligned" and a["state"] == "firing"] == ["folio-vmemmap-align"]'
check_json "$api/alerts" 'not [a for a in d["data"]["alerts"] if a["labels"]["alertname"] in ("MemmapModelDrift", "MemmapCheckStale", "MemmapCheckAbsent")]' ||
    fail "an alert fired that should not: $(get "$api/alerts")"
echo "prometheus-test: Prometheus scraped the series, loaded 5 rules healthy, MemmapMisaligned firing ($((SECONDS - started)) s)"

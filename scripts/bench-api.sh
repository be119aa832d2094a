#!/usr/bin/env bash
# API latency and memory: GET /api/v1/auth/me under 50 concurrent clients (wrk), and the idle
# resident memory of the release binary (API + workers + scheduler, SQLite).
#
#   DURATION=20s CONNECTIONS=50 THREADS=2 bash scripts/bench-api.sh
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-50}
THREADS=${THREADS:-2}
BIN=${BIN:-target/release/productsynch}

if ! command -v wrk >/dev/null 2>&1; then
  echo "installing wrk (Debian package)…"
  (apt-get install -y -q wrk >/dev/null 2>&1) || (apt-get update -q >/dev/null && apt-get install -y -q wrk >/dev/null)
fi
# the same invocation as bench.sh (same feature set: nothing is built twice)
if [ "${BENCH_PREBUILT:-0}" != 1 ]; then
  cargo build --release -p productsynch -p productsynch-core --bin productsynch --example bench_sync --example bench_webhook
fi

work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
base="http://127.0.0.1:$port"
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

env -i PATH="$PATH" HOME="${HOME:-/root}" DATA_DIR="$work" HOST=127.0.0.1 PORT="$port" \
  APP_ENV=development LOG_FORMAT=json RUST_LOG=warn \
  "$BIN" serve >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
  curl -fsS "$base/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done
sleep 2
rss_idle_kb=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")

token=$(curl -fsS -X POST "$base/api/v1/auth/register" -H 'content-type: application/json' \
  -d '{"email":"bench@example.com","password":"benchmark password","name":"Bench"}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["accessToken"])')
curl -fsS "$base/api/v1/auth/me" -H "Authorization: Bearer $token" >/dev/null

cat >"$work/me.lua" <<LUA
wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer $token"
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d errors=%d p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f rps=%.0f\n",
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.requests / (summary.duration / 1e6)))
end
LUA
# warm-up, then the measured run
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
wrk -t"$THREADS" -c"$CONNECTIONS" -d3s -s "$work/me.lua" "$base/api/v1/auth/me" >/dev/null
out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$work/me.lua" "$base/api/v1/auth/me")
echo "$out" | grep -v '^RESULT'
result=$(echo "$out" | grep '^RESULT')
rss_after_kb=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
rss_peak_kb=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")

echo
echo "== GET /api/v1/auth/me, $CONNECTIONS connections, $THREADS wrk threads, $DURATION on $(nproc) cores ($(lscpu | sed -n 's/^Model name: *//p' | head -1)), $(date -u +%Y-%m-%dT%H:%MZ)"
echo "   load average before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$result" | tr ' ' '\n' | grep '=' | sed 's/^/   /'
echo "== memory of the binary (serve: API + workers + scheduler, SQLite)"
echo "   idle RSS:            $((rss_idle_kb / 1024)) MiB"
echo "   RSS after the load:  $((rss_after_kb / 1024)) MiB (peak $((rss_peak_kb / 1024)) MiB)"

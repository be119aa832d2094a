#!/usr/bin/env bash
# Whole-program benchmarks of the release binary (issue 6): `productsynch sim` serves a generated catalog of
# PRODUCTS products (with variations), `productsynch serve` is connected to it with keys, and then:
#   1. the initial FULL sync through the server (products/s, the server's peak RSS), and an unchanged re-sync;
#   2. GET /api/v1/shops/:id/products under CONNECTIONS concurrent clients (wrk; a Lua script varies page,
#      search, filters and sort): p50/p99 and req/s at that catalog size;
#   3. webhook-to-feed latency: WEBHOOK_CHANGES product renames at the simulator, each sent as a signed webhook
#      to the server, timed until the product's preview-feed shows the new title (crates/core/examples/bench_webhook.rs).
#
#   PRODUCTS=100000 CONNECTIONS=50 DURATION=30s WEBHOOK_CHANGES=200 bash scripts/bench-server.sh
#   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/fresh_db   to run the server on PostgreSQL
#   BENCH_PARTS="sync products webhook"   to run only some parts (sync always runs: it seeds the catalog)
set -euo pipefail
cd "$(dirname "$0")/.."

PRODUCTS=${PRODUCTS:-100000}
CONNECTIONS=${CONNECTIONS:-50}
THREADS=${THREADS:-2}
DURATION=${DURATION:-30s}
WEBHOOK_CHANGES=${WEBHOOK_CHANGES:-200}
BENCH_PARTS=${BENCH_PARTS:-"sync products webhook"}
BIN=${BIN:-target/release/productsynch}
WH=${EXAMPLES:-target/release/examples}/bench_webhook
CK=ck_be0c0123456789abcdef0123456789abcdef0123
CS=cs_be0c0123456789abcdef0123456789abcdef0123

if [ "${BENCH_PREBUILT:-0}" != 1 ]; then
  # one invocation for the binary and the bench examples (same feature set: nothing is built twice)
  cargo build --release -p productsynch -p productsynch-core --bin productsynch --example bench_sync --example bench_webhook
fi
if ! command -v wrk >/dev/null 2>&1; then
  echo "installing wrk (Debian package)…"
  (apt-get install -y -q wrk >/dev/null 2>&1) || (apt-get update -q >/dev/null && apt-get install -y -q wrk >/dev/null)
fi

machine() { echo "$(nproc) cores ($(lscpu | sed -n 's/^Model name: *//p' | head -1)), load average $(cut -d' ' -f1-3 /proc/loadavg)"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
work=$(mktemp -d)
sim_port=$(free_port)
api_port=$(free_port)
sim="http://127.0.0.1:$sim_port"
base="http://127.0.0.1:$api_port"
sim_pid=""
pid=""
cleanup() {
  for p in $pid $sim_pid; do
    if kill -0 "$p" 2>/dev/null; then kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; fi
  done
  rm -rf "$work"
}
trap cleanup EXIT
wait_http() { # url pid
  for _ in $(seq 1 600); do
    curl -fsS "$1" >/dev/null 2>&1 && return 0
    kill -0 "$2" 2>/dev/null || { echo "process died"; return 1; }
    sleep 0.1
  done
  return 1
}
rss() { awk "/^$2/ {print int(\$2/1024)}" "/proc/$1/status"; } # pid VmRSS|VmHWM -> MiB

echo "== whole-program benchmarks: $PRODUCTS generated products, $(machine), $(date -u +%Y-%m-%dT%H:%MZ)"
"$BIN" sim --products "$PRODUCTS" --port "$sim_port" --consumer-key "$CK" --consumer-secret "$CS" \
  --webhook-retries 0 >"$work/sim.log" 2>&1 &
sim_pid=$!
wait_http "$sim/wp-json/" "$sim_pid" || { cat "$work/sim.log"; exit 1; }

env -i PATH="$PATH" HOME="${HOME:-/root}" DATA_DIR="$work/data" HOST=127.0.0.1 PORT="$api_port" PUBLIC_URL="$base" \
  ${BENCH_DATABASE_URL:+DATABASE_URL="$BENCH_DATABASE_URL"} \
  APP_ENV=development LOG_FORMAT=json RUST_LOG=warn ALLOW_PRIVATE_NETWORK=true WOO_REQUESTS_PER_SEC=0 \
  RATE_LIMIT_AUTH_PER_IP=1000000/60 RATE_LIMIT_AUTH_PER_ACCOUNT=1000000/60 \
  "$BIN" serve >"$work/server.log" 2>&1 &
pid=$!
wait_http "$base/readyz" "$pid" || { cat "$work/server.log"; exit 1; }
echo "server: ${BENCH_DATABASE_URL:+PostgreSQL}${BENCH_DATABASE_URL:-SQLite}, idle RSS $(rss "$pid" VmRSS) MiB"

api() { # method path [json]
  curl -fsS -X "$1" "$base$2" -H "Authorization: Bearer $token" -H 'content-type: application/json' ${3:+-d "$3"}
}
jget() { python3 -c "import json,sys; v=json.load(sys.stdin); print(eval(sys.argv[1], {'v': v, 'json': json}))" "$1"; }
token=$(curl -fsS -X POST "$base/api/v1/auth/register" -H 'content-type: application/json' \
  -d '{"email":"bench@example.com","password":"benchmark password","name":"Bench"}' | jget 'v["accessToken"]')
# access tokens last 15 minutes: a fresh one before each part
login() {
  token=$(curl -fsS -X POST "$base/api/v1/auth/login" -H 'content-type: application/json' \
    -d '{"email":"bench@example.com","password":"benchmark password"}' | jget 'v["accessToken"]')
}

# Waits for a job; prints "<seconds since t0> <result json>".
wait_job() { # job_id t0
  while :; do
    j=$(api GET "/api/v1/jobs/$1" 2>/dev/null) || { sleep 1; login; continue; }
    st=$(echo "$j" | jget 'v["status"]')
    case "$st" in
      succeeded) echo "$(python3 -c "import time; print(round(time.time() - $2, 1))") $(echo "$j" | jget 'json.dumps(v["result"])')"; return 0 ;;
      dead|cancelled) echo "job $1 $st: $j" >&2; return 1 ;;
    esac
    sleep 1
  done
}
peak_sampler() { # samples VmRSS of the server every 0.5 s into $work/rss_max while the file $work/sampling exists
  local m=0
  while [ -e "$work/sampling" ]; do
    r=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    [ "$r" -gt "$m" ] && m=$r && echo "$m" >"$work/rss_max"
    sleep 0.5
  done
}

# --- 1. full sync through the server, then an unchanged re-sync -------------------------------------
touch "$work/sampling"; echo 0 >"$work/rss_max"; peak_sampler & sampler=$!
t0=$(python3 -c 'import time; print(time.time())')
shop=$(api POST /api/v1/shops "{\"storeUrl\":\"$sim\",\"consumerKey\":\"$CK\",\"consumerSecret\":\"$CS\"}" | jget 'v["shopId"]')
# The initial FULL sync was enqueued by the connect; POST /sync answers that live job (or a new one if it is over).
job=$(api POST "/api/v1/shops/$shop/sync" | jget 'v["jobId"]')
read -r secs result < <(wait_job "$job" "$t0")
[ -n "${secs:-}" ] || { echo "the initial sync failed"; tail -20 "$work/server.log"; exit 1; }
login
rm -f "$work/sampling"; wait "$sampler" 2>/dev/null || true
count=$(api GET "/api/v1/shops/$shop/sync/status" | jget 'v["productCount"]')
echo "full sync (connect -> job done): $count products in ${secs}s = $(python3 -c "print(round($count / $secs))") products/s; server RSS peak $(( $(cat "$work/rss_max") / 1024 )) MiB (VmHWM $(rss "$pid" VmHWM) MiB); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "   result: $result"
# Let the feed snapshot of the first sync finish before timing the re-sync.
sleep 5
t1=$(python3 -c 'import time; print(time.time())')
job=$(api POST "/api/v1/shops/$shop/sync" | jget 'v["jobId"]')
read -r secs2 result2 < <(wait_job "$job" "$t1")
[ -n "${secs2:-}" ] || { echo "the re-sync failed"; tail -20 "$work/server.log"; exit 1; }
login
echo "unchanged re-sync: ${secs2}s = $(python3 -c "print(round($count / $secs2))") products/s; server VmHWM $(rss "$pid" VmHWM) MiB; load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "   result: $result2"
sleep 5

# --- 2. GET /products under load ---------------------------------------------------------------------
if [[ " $BENCH_PARTS " == *" products "* ]]; then
  login
  pages=$(( (count + 49) / 50 ))
  cat >"$work/products.lua" <<LUA
local base = "/api/v1/shops/$shop/products"
local words = {"cotton", "hoodie", "premium", "mug", "sneaker", "organic", "lamp", "tent", "café", "xyz-none"}
local cats = {"clothing", "shoes", "electronics", "books", "jewelry"}
local avail = {"in_stock", "out_of_stock", "backorder"}
local sorts = {"title", "-price", "wooProductId", "-updatedAt", "createdAt"}
wrk.headers["Authorization"] = "Bearer $token"
local counter = 0
function setup(thread) counter = counter + 1; thread:set("id", counter) end
function init(args) math.randomseed(os.time() * 7919 + (id or 0)) end
local function enc(s) return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end)) end
function request()
  local r = math.random(1, 20)
  local q
  if r <= 8 then q = "?limit=50&page=" .. math.random(1, $pages)                                   -- plain pages, anywhere
  elseif r <= 11 then q = "?limit=50&search=" .. enc(words[math.random(#words)])                   -- search title/SKU
  elseif r <= 13 then q = "?limit=50&availability=" .. avail[math.random(#avail)] .. "&page=" .. math.random(1, 20)
  elseif r <= 15 then q = "?limit=50&category=" .. cats[math.random(#cats)]                         -- category filter
  elseif r <= 17 then q = "?limit=50&sort=" .. sorts[math.random(#sorts)] .. "&page=" .. math.random(1, 200)
  elseif r == 18 then q = "?limit=200&valid=false"
  elseif r == 19 then q = "?limit=50&status=SYNCED&hasOverrides=false&page=" .. math.random(1, 100)
  else q = "?limit=50&search=" .. enc(words[math.random(#words)]) .. "&availability=in_stock&sort=-price" end
  return wrk.format("GET", base .. q)
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d non2xx_or_errors=%d p50_ms=%.1f p90_ms=%.1f p99_ms=%.1f max_ms=%.1f rps=%.0f\n",
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.requests / (summary.duration / 1e6)))
end
LUA
  # every query shape answers 200 before the load
  for q in "?limit=50&page=$pages" "?limit=50&search=caf%C3%A9" "?limit=50&category=shoes" "?limit=200&valid=false" "?limit=50&sort=-price&page=3"; do
    api GET "/api/v1/shops/$shop/products$q" >/dev/null
  done
  wrk -t"$THREADS" -c"$CONNECTIONS" -d3s -s "$work/products.lua" "$base" >/dev/null
  echo "== GET /api/v1/shops/:id/products at $count products, $CONNECTIONS connections, $DURATION; load before $(cut -d' ' -f1-3 /proc/loadavg)"
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout 10s --latency -s "$work/products.lua" "$base")
  echo "$out" | grep -E 'Latency|Req/Sec|requests in|Non-2xx|Socket' | sed 's/^/   /'
  echo "$out" | grep '^RESULT' | tr ' ' '\n' | grep '=' | sed 's/^/   /'
  echo "   load after: $(cut -d' ' -f1-3 /proc/loadavg); server RSS $(rss "$pid" VmRSS) MiB"
  sleep 3
fi

# --- 3. webhook-to-feed latency ----------------------------------------------------------------------
if [[ " $BENCH_PARTS " == *" webhook "* ]]; then
  echo "== webhook-to-feed latency, $WEBHOOK_CHANGES sequential changes at $count products; load before $(cut -d' ' -f1-3 /proc/loadavg)"
  login
  "$WH" --api "$base" --sim "$sim" --token "$token" --shop "$shop" --n "$WEBHOOK_CHANGES" | tee "$work/wh.out" | grep -v '^RESULT' || true
  grep '^RESULT' "$work/wh.out" | tr ' ' '\n' | grep '=' | sed 's/^/   /'
  echo "   load after: $(cut -d' ' -f1-3 /proc/loadavg)"
fi
echo "server peak RSS over the whole run (VmHWM): $(rss "$pid" VmHWM) MiB"

#!/usr/bin/env bash
# WooCommerce client benchmark: read a generated catalog (products + all variations) from a local simulator
# with productsynch-woo's Client, and with a plain concurrent reqwest loop over the same URLs and concurrency.
# Prints items/s for both, the ratio (goal >= 80 %) and peak RSS. Release build.
#   PRODUCTS=100000 CONCURRENCY=4 PORT=18089 scripts/bench-woo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PRODUCTS="${PRODUCTS:-100000}"
CONCURRENCY="${CONCURRENCY:-4}"
PORT="${PORT:-18089}"
CK=ck_0123456789abcdef0123456789abcdef01234567
CS=cs_0123456789abcdef0123456789abcdef01234567
cargo build --release -p productsynch-woo --example bench_fetch --jobs 2 >&2
BIN=target/release/examples/bench_fetch
# The simulator runs in its own process (the same productsynch_sim::woo code as `productsynch sim`).
"$BIN" serve --products "$PRODUCTS" --port "$PORT" --ck "$CK" --cs "$CS" >/tmp/bench-woo-sim.log 2>&1 &
SIM_PID=$!
trap 'kill "$SIM_PID" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$PORT/wp-json/" >/dev/null 2>&1 && break
  sleep 0.1
done
URL="http://127.0.0.1:$PORT"
echo "catalog: $PRODUCTS generated products, concurrency $CONCURRENCY, $(nproc) cores ($(lscpu | sed -n 's/^Model name: *//p'))"
# Warm-up pass (the simulator caches derived listings), then plain and client alternately.
"$BIN" plain --url "$URL" --ck "$CK" --cs "$CS" --concurrency "$CONCURRENCY" >/dev/null
PLAIN=$("$BIN" plain --url "$URL" --ck "$CK" --cs "$CS" --concurrency "$CONCURRENCY")
echo "$PLAIN"
CLIENT=$("$BIN" client --url "$URL" --ck "$CK" --cs "$CS" --concurrency "$CONCURRENCY")
echo "$CLIENT"
rate() { sed -n 's/.*items_per_sec=\([0-9]*\).*/\1/p' <<<"$1"; }
P=$(rate "$PLAIN"); C=$(rate "$CLIENT")
echo "woo client: ${C} items/s, plain loop: ${P} items/s, ratio: $(( 100 * C / P )) % (goal >= 80 %)"

#!/usr/bin/env bash
# Full sync of N generated products (default 100000, with variations) from the WooCommerce simulator (its own
# process: `productsynch sim`) into SQLite through the real job path, then an unchanged re-sync: products/s and
# the sync process's peak RSS (crates/core/examples/bench_sync.rs). Release build.
#   BENCH_SYNC_PRODUCTS="20000 100000"   sizes to run (default 100000)
#   DATABASE_URL=postgres://…/fresh_db   to bench PostgreSQL (an empty database: the bench migrates it)
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES="${BENCH_SYNC_PRODUCTS:-100000}"
BIN=${BIN:-target/release/productsynch}
CK=ck_be0c0123456789abcdef0123456789abcdef0123
CS=cs_be0c0123456789abcdef0123456789abcdef0123
if [ "${BENCH_PREBUILT:-0}" != 1 ]; then
  # one invocation for the binary and the bench examples (same feature set: nothing is built twice)
  cargo build --release -p productsynch -p productsynch-core --bin productsynch --example bench_sync --example bench_webhook
fi
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
sim_pid=""
trap '[ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null; true' EXIT
for n in $SIZES; do
  port=$(free_port)
  "$BIN" sim --products "$n" --port "$port" --consumer-key "$CK" --consumer-secret "$CS" --webhook-retries 0 >/tmp/bench-sync-sim.log 2>&1 &
  sim_pid=$!
  for _ in $(seq 1 600); do
    curl -fsS "http://127.0.0.1:$port/wp-json/" >/dev/null 2>&1 && break
    sleep 0.1
  done
  echo "== $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores ($(lscpu | sed -n 's/^Model name: *//p' | head -1)), load average $(cut -d' ' -f1-3 /proc/loadavg)"
  "${EXAMPLES:-target/release/examples}/bench_sync" "$n" --store "http://127.0.0.1:$port" --ck "$CK" --cs "$CS"
  echo "   simulator RSS: $(awk '/^VmHWM/ {print int($2/1024)}' "/proc/$sim_pid/status") MiB peak (not counted above); load average after $(cut -d' ' -f1-3 /proc/loadavg)"
  kill "$sim_pid" 2>/dev/null || true
  wait "$sim_pid" 2>/dev/null || true
  sim_pid=""
done

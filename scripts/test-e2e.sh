#!/usr/bin/env bash
# Browser end-to-end tests: playwright-core drives Debian's Chromium (headless) against the real
# server (debug build, fresh SQLite data dir, development mode) serving the freshly built web app.
# Installs what it needs: Chromium (apt) when missing, npm packages of e2e/ and web/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

if [ ! -x /usr/bin/chromium ]; then
  echo "== installing Chromium (Debian package)"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
fi

npm_ci_if_stale() { # dir
  local dir=$1 stamp want
  stamp="$dir/node_modules/.productsynch-lock.sha256"
  want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "== npm ci ($dir)"
    (cd "$dir" && npm ci --no-audit --no-fund)
    echo "$want" >"$stamp"
  fi
}
npm_ci_if_stale e2e
npm_ci_if_stale web

echo "== building the web app"
(cd web && npm run build)
echo "== building the server (debug)"
# Same feature set as `cargo test --workspace` (which make test ran just before): a no-op there, and no
# second compile of the dependency tree with other features (`cargo build -p` would unify features differently).
cargo test --workspace --no-run --quiet

tmp=$(mktemp -d)
free_port() { node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
port=$(free_port)
base="http://127.0.0.1:$port"

# The WooCommerce store the tests connect: the simulator, on its own free port, serving
# WooCommerce's sample catalog (or a small generated one when the sample data is not here).
sim_port=$(free_port)
while [ "$sim_port" = "$port" ]; do sim_port=$(free_port); done
sim_url="http://127.0.0.1:$sim_port"
sample_dir="${SHARED_DIR:-$root/../shared}/reference/woocommerce-sample-data"
if [ -f "$sample_dir/sample_products.csv" ]; then
  catalog=(--sample --sample-dir "$sample_dir")
else
  catalog=(--products 30)
fi
echo "== starting the store simulator on $sim_url (${catalog[*]})"
RUST_LOG="${RUST_LOG:-warn}" ./target/debug/productsynch sim --port "$sim_port" --store-name "Northwind Outfitters" \
  --webhook-timeout-ms 60000 "${catalog[@]}" >"$tmp/sim.log" 2>&1 &
sim=$!

echo "== starting productsynch serve on $base (data dir $tmp/data)"
# Generous auth rate limits: the suite signs up and in many times from one address.
# ALLOW_PRIVATE_NETWORK: the simulated store lives on 127.0.0.1, which production refuses.
APP_ENV=development HOST=127.0.0.1 PORT="$port" PUBLIC_URL="$base" DATA_DIR="$tmp/data" ALLOW_PRIVATE_NETWORK=1 \
  RATE_LIMIT_AUTH_PER_IP=10000/60 RATE_LIMIT_AUTH_PER_ACCOUNT=1000/60 RUST_LOG="${RUST_LOG:-warn}" \
  ./target/debug/productsynch serve >"$tmp/server.log" 2>&1 &
server=$!
cleanup() {
  kill "$server" "$sim" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  wait "$sim" 2>/dev/null || true
  if [ "${keep_log:-0}" = 1 ]; then
    echo "== server log (last 80 lines)"
    tail -n 80 "$tmp/server.log" || true
    echo "== simulator log (last 30 lines)"
    tail -n 30 "$tmp/sim.log" || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

for i in $(seq 1 240); do
  if curl -fsS "$base/readyz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$server" 2>/dev/null || [ "$i" = 240 ]; then
    echo "the server did not become ready; its log:" >&2
    cat "$tmp/server.log" >&2
    exit 1
  fi
  sleep 0.5
done

for i in $(seq 1 120); do
  if curl -fsS "$sim_url/wp-json/" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$sim" 2>/dev/null || [ "$i" = 120 ]; then
    echo "the store simulator did not become ready; its log:" >&2
    cat "$tmp/sim.log" >&2
    exit 1
  fi
  sleep 0.5
done

echo "== e2e tests (node --test, Chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}'))"
status=0
(cd e2e && E2E_BASE_URL="$base" E2E_SIM_URL="$sim_url" node --test --test-concurrency=1 tests/) || status=$?
if [ "$status" != 0 ]; then keep_log=1; fi
exit "$status"

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
port=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
base="http://127.0.0.1:$port"
echo "== starting productsynch serve on $base (data dir $tmp/data)"
# Generous auth rate limits: the suite signs up and in many times from one address.
APP_ENV=development HOST=127.0.0.1 PORT="$port" PUBLIC_URL="$base" DATA_DIR="$tmp/data" \
  RATE_LIMIT_AUTH_PER_IP=10000/60 RATE_LIMIT_AUTH_PER_ACCOUNT=1000/60 RUST_LOG="${RUST_LOG:-warn}" \
  ./target/debug/productsynch serve >"$tmp/server.log" 2>&1 &
server=$!
cleanup() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  if [ "${keep_log:-0}" = 1 ]; then
    echo "== server log (last 80 lines)"
    tail -n 80 "$tmp/server.log" || true
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

echo "== e2e tests (node --test, Chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}'))"
status=0
(cd e2e && E2E_BASE_URL="$base" node --test --test-concurrency=1 tests/) || status=$?
if [ "$status" != 0 ]; then keep_log=1; fi
exit "$status"

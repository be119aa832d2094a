#!/usr/bin/env bash
# Regenerates src/api/schema.d.ts (TypeScript types of the whole API) from the OpenAPI document
# the server itself serves at /api/v1/openapi.json. The output is committed, so building the web
# app never needs Rust; run this (`npm run gen:api`) after changing the API.
#
# Starts the debug binary (built with `cargo build -p productsynch` unless PRODUCTSYNCH_BIN names
# one) on a free loopback port with a throw-away data dir, downloads the document, stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(cd .. && pwd)

bin=${PRODUCTSYNCH_BIN:-}
if [ -z "$bin" ]; then
  (cd "$root" && cargo build -p productsynch)
  bin="$root/target/debug/productsynch"
fi

tmp=$(mktemp -d)
port=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
APP_ENV=development HOST=127.0.0.1 PORT="$port" DATA_DIR="$tmp/data" PUBLIC_URL="http://127.0.0.1:$port" \
  "$bin" serve >"$tmp/server.log" 2>&1 &
pid=$!
cleanup() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

for i in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$pid" 2>/dev/null || [ "$i" = 120 ]; then
    echo "the server did not start; its log:" >&2
    cat "$tmp/server.log" >&2
    exit 1
  fi
  sleep 0.5
done

curl -fsS "http://127.0.0.1:$port/api/v1/openapi.json" -o "$tmp/openapi.json"
npx openapi-typescript "$tmp/openapi.json" --output src/api/schema.d.ts
echo "wrote web/src/api/schema.d.ts"

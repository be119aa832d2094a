#!/usr/bin/env bash
# `make run`: build what is needed and start the whole product with a demo account
# (SQLite in ./data, local storage, development mail outbox, built-in store simulator).
set -euo pipefail
cd "$(dirname "$0")/.."

# The web app is embedded into the binary: build it first when its sources are here.
if [ -f web/package.json ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "npm is needed to build the web app (apt-get install -y nodejs npm)" >&2
    exit 1
  fi
  if [ ! -d web/node_modules ]; then
    (cd web && npm ci --no-audit --no-fund)
  fi
  (cd web && npm run build)
fi
cargo build --release -p productsynch
exec ./target/release/productsynch demo "$@"

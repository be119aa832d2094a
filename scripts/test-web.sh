#!/usr/bin/env bash
# Front-end checks: unit tests (Vitest) and the production build (tsc type check + Vite).
# Installs web/node_modules with `npm ci` when missing or older than package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/../web"

ensure_node_modules() {
  local stamp=node_modules/.productsynch-lock.sha256
  local want
  want=$(sha256sum package-lock.json | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "== npm ci (web)"
    npm ci --no-audit --no-fund
    echo "$want" >"$stamp"
  fi
}
ensure_node_modules

echo "== web: unit tests (vitest)"
results=node_modules/.vitest-results.json
rm -f "$results"
status=0
npx vitest run --reporter=default --reporter=json --outputFile="$results" || status=$?
if [ -f "$results" ]; then
  # The plain summary line CI reads ("N passed, N failed").
  node -e 'const r=require(process.argv[1]); console.log(`vitest: ${r.numPassedTests} passed, ${r.numFailedTests} failed`)' "$PWD/$results"
fi
[ "$status" = 0 ] || exit "$status"
echo "== web: type check and build"
npm run build

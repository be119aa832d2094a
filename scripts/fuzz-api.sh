#!/usr/bin/env bash
# Property-based fuzzing of the HTTP API with schemathesis, driven by /api/v1/openapi.json.
# Starts the binary on a throw-away SQLite database, registers a user, and runs schemathesis
# with that user's bearer token. Fails when any response is a 5xx (or, with CHECKS=all, when
# responses break the documented schema).
#
#   MAX_EXAMPLES=15   examples per operation (make test uses a small bounded run)
#   MAX_TIME=600      overall time budget in seconds
#   CHECKS=not_a_server_error   or `all`
#   BIN=target/debug/productsynch   binary to test (built when missing)
#   SEED=…            reproduce a run
#   FUZZ_REPORT=file  on failure, the failing cases and server errors are written there too (make test prints it
#                     at the end of its summary, so a CI log's tail says what failed)
set -euo pipefail
cd "$(dirname "$0")/.."

MAX_EXAMPLES=${MAX_EXAMPLES:-50}
MAX_TIME=${MAX_TIME:-600}
CHECKS=${CHECKS:-not_a_server_error}
BIN=${BIN:-target/debug/productsynch}

if ! command -v schemathesis >/dev/null 2>&1; then
  echo "installing schemathesis (PyPI)…"
  python3 -m pip install -q --disable-pip-version-check 'schemathesis>=4,<5'
fi
if [ ! -x "$BIN" ]; then
  if [[ "$BIN" == *release* ]]; then cargo build --release -p productsynch; else cargo build -p productsynch; fi
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

# Generous auth rate limits so the fuzzer reaches the handlers instead of 429s.
env -i PATH="$PATH" HOME="${HOME:-/root}" \
  DATA_DIR="$work" HOST=127.0.0.1 PORT="$port" APP_ENV=development LOG_FORMAT=json RUST_LOG=warn \
  RATE_LIMIT_AUTH_PER_IP=1000000/60 RATE_LIMIT_AUTH_PER_ACCOUNT=1000000/60 \
  "$BIN" serve >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
  curl -fsS "$base/readyz" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { echo "server died:"; cat "$work/server.log"; exit 1; }
  sleep 0.2
done

email="fuzz-$(date +%s)@example.com"
token=$(curl -fsS -X POST "$base/api/v1/auth/register" -H 'content-type: application/json' \
  -d "{\"email\":\"$email\",\"password\":\"fuzzing password 1\",\"name\":\"Fuzz\"}" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["accessToken"])')

echo "schemathesis: $base/api/v1/openapi.json (max examples $MAX_EXAMPLES, checks $CHECKS, budget ${MAX_TIME}s)"
set +e
schemathesis run "$base/api/v1/openapi.json" \
  --checks "$CHECKS" \
  -H "Authorization: Bearer $token" \
  --max-examples "$MAX_EXAMPLES" \
  --max-time "$MAX_TIME" \
  --workers 2 \
  --request-timeout 30 \
  ${SEED:+--seed "$SEED"} \
  --no-color 2>&1 | tee "$work/schemathesis.log"
status=${PIPESTATUS[0]}
set -e
if grep -q '"level":"ERROR"' "$work/server.log"; then
  echo "server logged errors:"
  grep '"level":"ERROR"' "$work/server.log" | head -20
  status=1
fi
if ! kill -0 "$pid" 2>/dev/null; then
  echo "the server died during the run"
  tail -50 "$work/server.log"
  status=1
fi
if [ "$status" != 0 ] && [ -n "${FUZZ_REPORT:-}" ]; then
  {
    echo "schemathesis exit $status; $(grep -E '^(Seed:|  *[0-9]+ generated)' "$work/schemathesis.log" | tr '\n' ' ')"
    sed -n '/= FAILURES =/,/= SUMMARY =/p' "$work/schemathesis.log" | head -60 || true
    grep -E 'ERRORS|Error|error:' "$work/schemathesis.log" | head -10 || true
    grep '"level":"ERROR"' "$work/server.log" | head -10 || true
  } >"$FUZZ_REPORT"
fi
exit "$status"

#!/usr/bin/env bash
# `make test`: every test of the project, on SQLite and on PostgreSQL.
# Installs what it needs itself, so it works from a fresh clone.
#
# Environment (all optional):
#   PG_HOST / PG_PORT / PG_USER / PG_ADMIN_DB   PostgreSQL to create the run's database in (127.0.0.1:5432, trust)
#                                               (PG_ADMIN_DB: `test`, else `postgres` when `test` does not exist)
#   TEST_REDIS_URL                              Redis for the shared rate-limit tests (redis://127.0.0.1:6379)
#   FUZZ=0                                      skip the bounded schemathesis pass over the API
set -uo pipefail
cd "$(dirname "$0")/.."

PG_HOST=${PG_HOST:-127.0.0.1}
PG_PORT=${PG_PORT:-5432}
PG_USER=${PG_USER:-postgres}
# `test` exists on this project's machines; a stock PostgreSQL only has `postgres` (picked below when `test` is absent).
PG_ADMIN_DB_SET=${PG_ADMIN_DB:+1}
PG_ADMIN_DB=${PG_ADMIN_DB:-test}
export TEST_REDIS_URL=${TEST_REDIS_URL:-redis://127.0.0.1:6379}

started=$(date +%s)
declare -a steps=()
failed=0
record() { # name status seconds
  steps+=("$(printf '%-34s %-6s %5ss' "$1" "$2" "$3")")
  [ "$2" = ok ] || failed=1
}

# --- services ---------------------------------------------------------------
psql_admin() { psql -X -q -v ON_ERROR_STOP=1 -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d "$PG_ADMIN_DB" "$@"; }
pg_up=0
for i in $(seq 1 30); do
  if psql_admin -c 'select 1' >/dev/null 2>&1; then pg_up=1; break; fi
  # the server answers but has no `test` database (a stock installation): use `postgres`
  if [ -z "$PG_ADMIN_DB_SET" ] && PG_ADMIN_DB=postgres psql_admin -c 'select 1' >/dev/null 2>&1; then
    PG_ADMIN_DB=postgres; pg_up=1; break
  fi
  if [ "$i" = 1 ] && command -v pg_ctlcluster >/dev/null 2>&1; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start >/dev/null 2>&1 || true
  fi
  sleep 1
done
if [ "$pg_up" != 1 ]; then echo "PostgreSQL is not reachable on $PG_HOST:$PG_PORT (database $PG_ADMIN_DB; needed by make test)" >&2; exit 1; fi

redis_host=$(echo "$TEST_REDIS_URL" | sed -E 's#^redis://([^:/]+).*#\1#')
redis_port=$(echo "$TEST_REDIS_URL" | sed -E 's#^redis://[^:/]+:([0-9]+).*#\1#; t; s#.*#6379#')
if ! (exec 3<>"/dev/tcp/$redis_host/$redis_port") 2>/dev/null; then
  if command -v redis-server >/dev/null 2>&1; then
    redis-server --daemonize yes --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no >/dev/null 2>&1 || true
    sleep 1
  fi
fi
if (exec 3<>"/dev/tcp/$redis_host/$redis_port") 2>/dev/null; then
  export TEST_REQUIRE_REDIS=1
else
  echo "warning: Redis not reachable at $TEST_REDIS_URL; the shared rate-limit tests will be skipped" >&2
fi

# A fresh PostgreSQL database for this run; dropped again on exit.
# Tests use it as their maintenance connection and create one database per test inside the server.
run_db="productsynch_test_$(date +%s)_$$"
psql_admin -c "CREATE DATABASE \"$run_db\""
cleanup() {
  psql_admin -c "DROP DATABASE IF EXISTS \"$run_db\" WITH (FORCE)" >/dev/null 2>&1 || true
  # per-test databases created by the test support library carry the run database's name as prefix
  for db in $(psql_admin -At -c "select datname from pg_database where datname like '${run_db}_%'" 2>/dev/null); do
    psql_admin -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
  done
  [ -n "${moto_pid:-}" ] && kill "$moto_pid" 2>/dev/null || true
}
trap cleanup EXIT

# An S3-compatible server (moto, PyPI) on a free loopback port for the S3 storage test (crates/core/tests/storage_s3.rs).
command -v moto_server >/dev/null 2>&1 || python3 -m pip install -q --disable-pip-version-check 'moto[server]>=5,<6'
s3_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
moto_server -H 127.0.0.1 -p "$s3_port" >/dev/null 2>&1 &
moto_pid=$!
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$s3_port/" >/dev/null 2>&1 && break; sleep 0.2; done
export TEST_S3_ENDPOINT="http://127.0.0.1:$s3_port" TEST_REQUIRE_S3=1

export TEST_DATABASE_URL="postgres://$PG_USER@$PG_HOST:$PG_PORT/$run_db"
export TEST_REQUIRE_POSTGRES=1
export SHARED_DIR="${SHARED_DIR:-$(cd .. && pwd)/shared}"
export CARGO_BUILD_JOBS=${CARGO_BUILD_JOBS:-2}
export RUST_BACKTRACE=${RUST_BACKTRACE:-0}

# --- Rust -------------------------------------------------------------------
echo "== Rust tests (SQLite and PostgreSQL: $TEST_DATABASE_URL)"
log=$(mktemp)
t0=$(date +%s)
cargo test --workspace --no-fail-fast 2>&1 | tee "$log"
rust_status=${PIPESTATUS[0]}
record "cargo test --workspace" "$([ "$rust_status" = 0 ] && echo ok || echo FAIL)" "$(( $(date +%s) - t0 ))"
sum_of() { grep -E '^test result:' "$log" | sed -E "s/.* ([0-9]+) $1.*/\\1/" | awk '{s+=$1} END {print s+0}'; }
rust_passed=$(sum_of passed)
rust_failed=$(sum_of failed)
rust_ignored=$(sum_of ignored)
failing_tests=$(grep -E '^test .* FAILED$' "$log" | sed -E 's/^test (.*) \.\.\. FAILED$/\1/' || true)
rm -f "$log"

# --- API fuzzing (bounded) ----------------------------------------------------
if [ "${FUZZ:-1}" != 0 ]; then
  echo "== schemathesis (bounded) against /api/v1/openapi.json"
  t0=$(date +%s)
  fuzz_report=$(mktemp)
  FUZZ_REPORT=$fuzz_report MAX_EXAMPLES=${FUZZ_MAX_EXAMPLES:-15} MAX_TIME=${FUZZ_MAX_TIME:-60} bash scripts/fuzz-api.sh
  fz=$?
  record "schemathesis (bounded)" "$([ "$fz" = 0 ] && echo ok || echo FAIL)" "$(( $(date +%s) - t0 ))"
fi

# --- front end, browser tests (join here once web/ and e2e/ exist) ----------------
for extra in scripts/test-*.sh; do
  [ -e "$extra" ] || continue
  echo "== $extra"
  t0=$(date +%s)
  bash "$extra"
  st=$?
  record "$extra" "$([ "$st" = 0 ] && echo ok || echo FAIL)" "$(( $(date +%s) - t0 ))"
done

# --- summary -------------------------------------------------------------------
echo
echo "================ make test summary ================"
for s in "${steps[@]}"; do echo "  $s"; done
echo "  Rust tests: ${rust_passed:-0} passed, ${rust_failed:-0} failed, ${rust_ignored:-0} ignored (SQLite + PostgreSQL)"
if [ -n "${failing_tests:-}" ]; then
  echo "  failing tests:"
  echo "$failing_tests" | sed 's/^/    /'
fi
if [ -s "${fuzz_report:-}" ]; then
  echo "  schemathesis failures:"
  sed 's/^/    /' "$fuzz_report"
fi
echo "  total time: $(( $(date +%s) - started ))s"
echo "==================================================="
if [ "$failed" = 0 ]; then echo "ALL GREEN"; else echo "SOME STEPS FAILED"; fi
echo "${rust_passed:-0} passed, ${rust_failed:-0} failed"
exit "$failed"

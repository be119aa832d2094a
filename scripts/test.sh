#!/usr/bin/env bash
# `make test`: every test of the project, on SQLite and on PostgreSQL.
# Installs what it needs itself, so it works from a fresh clone.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_HOST=${PG_HOST:-127.0.0.1}
PG_PORT=${PG_PORT:-5432}
PG_USER=${PG_USER:-postgres}
PG_ADMIN_DB=${PG_ADMIN_DB:-test}

# A fresh PostgreSQL database for this run; dropped again on exit.
# Tests use it as their maintenance connection and create one database per test inside the server.
run_db="productsynch_test_$(date +%s)_$$"
psql_admin() { psql -X -q -v ON_ERROR_STOP=1 -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d "$PG_ADMIN_DB" "$@"; }
for i in $(seq 1 30); do
  if psql_admin -c 'select 1' >/dev/null 2>&1; then break; fi
  if [ "$i" = 30 ]; then echo "PostgreSQL is not reachable on $PG_HOST:$PG_PORT (needed by make test)" >&2; exit 1; fi
  sleep 1
done
psql_admin -c "CREATE DATABASE \"$run_db\""
cleanup() {
  psql_admin -c "DROP DATABASE IF EXISTS \"$run_db\" WITH (FORCE)" >/dev/null 2>&1 || true
  # per-test databases created by the test support library carry the run database's name as prefix
  for db in $(psql_admin -At -c "select datname from pg_database where datname like '${run_db}_%'" 2>/dev/null); do
    psql_admin -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
  done
}
trap cleanup EXIT

export TEST_DATABASE_URL="postgres://$PG_USER@$PG_HOST:$PG_PORT/$run_db"
export TEST_REQUIRE_POSTGRES=1
export SHARED_DIR="${SHARED_DIR:-$(cd .. && pwd)/shared}"

echo "== Rust tests (SQLite and PostgreSQL: $TEST_DATABASE_URL)"
cargo test --workspace --no-fail-fast

# Front-end and browser tests join here once web/ and e2e/ exist.
for extra in scripts/test-*.sh; do
  [ -e "$extra" ] || continue
  echo "== $extra"
  bash "$extra"
done

#!/usr/bin/env bash
# Full sync of N generated products (default 100000, with variations) from the embedded WooCommerce
# simulator into SQLite, then an unchanged re-sync: products/s and peak RSS.
# BENCH_SYNC_PRODUCTS=N to change the size; DATABASE_URL=postgres://… to bench PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${BENCH_SYNC_PRODUCTS:-100000}"
cargo build --release -p productsynch-core --example bench_sync
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1)"
./target/release/examples/bench_sync "$N"

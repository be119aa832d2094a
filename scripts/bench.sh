#!/usr/bin/env bash
# `make bench`: criterion benchmarks plus whole-program runs (scripts/bench-*.sh), each printing items/s and peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p productsynch
cargo bench --workspace
for b in scripts/bench-*.sh; do
  [ -e "$b" ] || continue
  echo "== $b"
  bash "$b"
done

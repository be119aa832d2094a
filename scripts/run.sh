#!/usr/bin/env bash
# `make run`: build and start the whole product (SQLite, local storage, built-in store simulator).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p productsynch
exec ./target/release/productsynch demo

#!/usr/bin/env bash
# `make bench`: criterion benchmarks plus whole-program runs (scripts/bench-*.sh), each printing its figures with
# the machine (cores, CPU model) and the load average at the time. Everything is built in release once, here;
# the scripts reuse those binaries (BENCH_PREBUILT=1).
#   BENCH_ONLY="api sync"   run only scripts/bench-{api,sync}.sh (and skip criterion)
set -euo pipefail
cd "$(dirname "$0")/.."
# one invocation for the binary and the bench examples (same feature set: nothing is built twice)
cargo build --release -p productsynch -p productsynch-core --bin productsynch --example bench_sync --example bench_webhook
export BENCH_PREBUILT=1
if [ -z "${BENCH_ONLY:-}" ]; then
  cargo bench --workspace
fi
for b in scripts/bench-*.sh; do
  [ -e "$b" ] || continue
  name=$(basename "$b" .sh); name=${name#bench-}
  if [ -n "${BENCH_ONLY:-}" ] && [[ " $BENCH_ONLY " != *" $name "* ]]; then continue; fi
  echo "== $b ($(date -u +%H:%MZ), load average $(cut -d' ' -f1-3 /proc/loadavg))"
  bash "$b"
done

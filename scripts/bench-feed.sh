#!/usr/bin/env bash
# Whole-program benchmark of `productsynch feed build` (issue 3): generates catalogs with the store simulator
# (`productsynch sim generate`, variations included), builds a JSONL.gz feed from each, and prints items/s and
# peak RSS (GNU time). Sizes: FEED_BENCH_SIZES (default "10000 100000"; add 1000000 for the flat-memory check).
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=target/release/productsynch
if [ ! -x "$BIN" ]; then
  cargo build --release -p productsynch
fi
# FEED_BENCH_BUILDER=example runs the same build_feed pipeline through the catalog crate's `feed_build` example
# (no CLI, API or database code linked in): for when the full binary cannot be rebuilt. `sim generate` still
# comes from the binary.
BUILDER=("$BIN" feed build)
if [ "${FEED_BENCH_BUILDER:-}" = example ]; then
  cargo build --release -q -p productsynch-catalog --example feed_build
  BUILDER=(target/release/examples/feed_build)
fi
if [ ! -x /usr/bin/time ]; then
  echo "installing GNU time (for peak RSS)"
  (apt-get update -qq && apt-get install -y -qq time) >/dev/null 2>&1 || true
fi

SIZES=${FEED_BENCH_SIZES:-"10000 100000"}
WORK=${FEED_BENCH_DIR:-target/bench-feed}
mkdir -p "$WORK"
echo "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: *//p' /proc/cpuinfo | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg), builder: ${BUILDER[*]}"
printf '%-9s %-9s %-9s %-8s %-10s %-7s %-12s %-12s %s\n' products items left_out seconds items/s cpu_s items/cpu_s peak_rss_MiB output_MiB
for n in $SIZES; do
  dir="$WORK/catalog-$n"
  if [ ! -f "$dir/products.json" ]; then
    "$BIN" sim generate --products "$n" --out "$dir" >/dev/null
  fi
  out="$WORK/feed-$n.jsonl.gz"
  rc=0
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -v "${BUILDER[@]}" --products "$dir/products.json" --variations "$dir/variations.json" \
      --categories "$dir/categories.json" --shop "$dir/shop.json" --format jsonl --out "$out" \
      >"$WORK/summary-$n.json" 2>"$WORK/stderr-$n.txt" || rc=$?
    rss_kib=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$WORK/stderr-$n.txt")
    # CPU seconds (user + system): on a shared machine items per CPU second is the figure for one core
    cpu=$(awk -F': ' '/User time \(seconds\)|System time \(seconds\)/ {s += $2} END {printf "%.2f", s}' "$WORK/stderr-$n.txt")
  else
    "${BUILDER[@]}" --products "$dir/products.json" --variations "$dir/variations.json" \
      --categories "$dir/categories.json" --shop "$dir/shop.json" --format jsonl --out "$out" \
      >"$WORK/summary-$n.json" 2>"$WORK/stderr-$n.txt" || rc=$?
    rss_kib=0
    cpu=0
  fi
  # exit 1 only means some generated items were left out (reported in stderr); 2 is a real failure
  if [ "$rc" -gt 1 ]; then
    echo "feed build failed for $n products (exit $rc):" >&2
    tail -5 "$WORK/stderr-$n.txt" >&2
    exit "$rc"
  fi
  field() { sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p" "$WORK/summary-$n.json"; }
  out_bytes=$(stat -c %s "$out" 2>/dev/null || echo 0)
  per_cpu=$(awk -v i="$(field items)" -v c="$cpu" 'BEGIN { if (c > 0) printf "%d", i / c; else print 0 }')
  printf '%-9s %-9s %-9s %-8s %-10s %-7s %-12s %-12s %s\n' "$n" "$(field items)" "$(field left_out)" "$(field seconds)" \
    "$(field items_per_second)" "$cpu" "$per_cpu" "$((rss_kib / 1024))" "$((out_bytes / 1048576))"
done

#!/usr/bin/env bash
# Bill generation benchmark: all bills (with items) of a 20,000-unit tenant for one period.
# Reports bills/s and the process's peak memory for 2,000 and 20,000 units (memory should
# not grow with the tenant: units are processed in batches of KLUSTERA_BILL_BATCH).
# Bounded: two generations, a few seconds each. Targets 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/out
mkdir -p "$OUT"
export KLUSTERA_DATA_DIR="$PWD/$OUT/data" RUST_LOG=warn KLUSTERA_LOG_FORMAT=json
if [ -n "${BENCH_DATABASE_URL:-}" ]; then export DATABASE_URL="$BENCH_DATABASE_URL"; else unset DATABASE_URL; fi
command -v /usr/bin/time >/dev/null || { apt-get install -y -q time >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q time >/dev/null; }; }
cargo build --release -q
BIN=target/release/klustera
PERIOD=$(date +%Y-%m)

printf '| units | bills | seconds | bills/s | peak RSS (MiB) |\n|---:|---:|---:|---:|---:|\n' > "$OUT/generate.md"
for units in 2000 20000; do
    slug="gen$units"
    "$BIN" demo --slug "$slug" --units "$units" --residents "$units" --reset > /dev/null
    line=$(/usr/bin/time -f 'RSS %M' "$BIN" billing generate "$slug" "$PERIOD" 2> "$OUT/generate-$units.err" | tail -n1)
    rss_kb=$(grep -o 'RSS [0-9]*' "$OUT/generate-$units.err" | awk '{print $2}')
    # "job N DONE: B bills for U units in S s (R bills/s)"
    bills=$(sed -E 's/.*DONE: ([0-9]+) bills.*/\1/' <<<"$line")
    secs=$(sed -E 's/.* in ([0-9.]+) s .*/\1/' <<<"$line")
    rate=$(sed -E 's/.*\(([0-9]+) bills\/s\).*/\1/' <<<"$line")
    [ "$bills" = "$units" ] || { echo "expected $units bills, got: $line" >&2; exit 1; }
    printf '| %s | %s | %s | %s | %s |\n' "$units" "$bills" "$secs" "$rate" "$((rss_kb / 1024))" >> "$OUT/generate.md"
done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
cat "$OUT/generate.md"

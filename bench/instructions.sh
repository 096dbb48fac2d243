#!/usr/bin/env bash
# Instructions per request: the gateway's own CPU work per query shape, counted exactly.
#
#   bench/instructions.sh [path/to/klustera]     (default: target/release/klustera)
#
# On a small shared machine req/s and CPU time move by tens of percent between runs, so
# they cannot tell two builds apart by a few percent. Instructions executed in user space
# (valgrind's callgrind) repeat to within about 1% from run to run; they do not count
# cache misses or the kernel, so a change still needs wrk (bench/run.sh) to confirm it.
#
# Uses the tenant and the query shapes bench/run.sh leaves in bench/out (run it once
# first). Starts the gateway under callgrind on BENCH_IR_PORT (18081), sends 5 warm-up
# requests and then BENCH_IR_REQUESTS (20) of each shape one at a time, and prints
# instructions per request. Env: BENCH_DATABASE_URL as for bench/run.sh.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/bench/out"
BIN="${1:-$ROOT/target/release/klustera}"
PORT="${BENCH_IR_PORT:-18081}"
N="${BENCH_IR_REQUESTS:-20}"
SHAPES=(flat nested billing)
BENCH_NAME=instructions
SLUG=bench
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

[[ -x "$BIN" ]] || die "$BIN not found (cargo build --release)"
for shape in "${SHAPES[@]}"; do
    [[ -f "$OUT/wrk-$shape.lua" ]] || die "$OUT/wrk-$shape.lua missing: run bench/run.sh first"
done
if ! command -v callgrind_control >/dev/null; then
    log "installing valgrind"
    apt-get install -y valgrind >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y valgrind >/dev/null; }
fi

export KLUSTERA_CONFIG="$OUT/no-such-config.toml" KLUSTERA_DATA_DIR="$OUT/data"
unset RUST_LOG # the gateway's default log filter, as shipped
if [[ -n "${BENCH_DATABASE_URL:-}" ]]; then
    export DATABASE_URL="$BENCH_DATABASE_URL"
else
    hold_private_cluster
    export DATABASE_URL="postgres://postgres@127.0.0.1:$(tr -d '[:space:]' <"$OUT/data/pg/port")/klustera"
fi
BASE="http://127.0.0.1:$PORT"
PROFILE="$OUT/callgrind"
rm -f "$PROFILE".*

KLUSTERA_BIND="127.0.0.1:$PORT" JWT_SECRET="bench-secret-0123456789abcdefghijklmnopq" \
    KLUSTERA_WORKERS=0 KLUSTERA_SCHEDULER=false \
    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$PROFILE.%p" \
    "$BIN" serve >"$OUT/instructions-server.log" 2>&1 &
VG=$!
trap 'kill "$VG" 2>/dev/null || true; release_private_cluster' EXIT
wait_healthy "$VG" "$OUT/instructions-server.log" 90
TOKEN="$(login "manager@$SLUG.test" demo-pass-2024)"

# Counting is switched on only around the measured requests, and read from a dump. Every
# request's answer is checked (lib.sh): a request that failed or answered with errors
# would count the instructions of an error, so the script stops instead of printing them.
counted() { # counted <dump number>: instructions in that dump
    local file total
    file="$(ls "$PROFILE".*."$1" 2>/dev/null | head -1)"
    [[ -n "$file" ]] || { log "no callgrind dump $1"; return 1; }
    total="$(sed -n 's/^totals: \([0-9]*\)/\1/p' "$file" | head -1)"
    [[ "$total" =~ ^[0-9]+$ && "$total" -gt 0 ]] || { log "no instruction total in $file"; return 1; }
    printf '%s\n' "$total"
}
request() { # request <shape> <body>: one checked request
    local resp
    resp="$(gql "$2" "$TOKEN")" || die "$1: the request failed"
    check_shape_response "$1" "$resp" || die "$1: wrong answer"
}
printf '| shape | instructions per request |\n|---|---:|\n'
dump=0
for shape in "${SHAPES[@]}"; do
    body="$(sed -n 's/^wrk.body = \[==\[\(.*\)\]==\]$/\1/p' "$OUT/wrk-$shape.lua")"
    [[ -n "$body" ]] || die "no request body in $OUT/wrk-$shape.lua"
    for _ in 1 2 3 4 5; do request "$shape" "$body"; done
    callgrind_control --instr=on "$VG" >/dev/null 2>&1 || die "callgrind_control --instr=on failed"
    for _ in $(seq 1 "$N"); do request "$shape" "$body"; done
    callgrind_control --instr=off "$VG" >/dev/null 2>&1 || die "callgrind_control --instr=off failed"
    callgrind_control --dump "$VG" >/dev/null 2>&1 || die "callgrind_control --dump failed"
    dump=$((dump + 1))
    for _ in $(seq 1 50); do ls "$PROFILE".*."$dump" >/dev/null 2>&1 && break; sleep 0.1; done
    total="$(counted "$dump")" || die "$shape: no instruction count"
    python3 -c "print(f'| $shape | {$total / $N / 1e6:.3f} M |')"
done

#!/usr/bin/env bash
# Fan-out benchmark: 10,000 WebSocket subscribers on one poll's voteTally, one gateway.
#
#   bench/fanout.sh
#
# Env knobs: FANOUT_SUBSCRIBERS (default 10000), FANOUT_VOTES (default 10), FANOUT_PORT
# (default 18090), BENCH_DATABASE_URL (else the private embedded PostgreSQL under
# bench/out/data). Prints a markdown table and writes it to bench/out/fanout.md.
# What is measured and how: benches/fanout.rs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Two sockets per subscriber on this machine (client and gateway side), plus headroom.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
if [[ -n "${BENCH_DATABASE_URL:-}" ]]; then
    export DATABASE_URL="$BENCH_DATABASE_URL"
else
    unset DATABASE_URL
fi
cargo build --release --locked
exec cargo bench --locked --bench fanout

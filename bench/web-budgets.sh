#!/usr/bin/env bash
# Web client budgets: initial JS of the resident portal (gzipped) and Lighthouse scores of
# the resident home and manager dashboard at 360 px and desktop. Figures, not a CI gate.
#
#   bench/web-budgets.sh            # builds the client and the gateway, starts a demo
#   BASE=http://demo.localhost:8080 bench/web-budgets.sh   # use a running demo instead
#
# Writes bench/out/web/*.json (one Lighthouse report per page and viewport, summary.json).
# Lighthouse comes from the npm registry through npx (not a dependency of the client) and
# drives Debian's chromium (CHROMIUM_PATH, default /usr/bin/chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_NAME=web-budgets
# shellcheck source=bench/lib.sh
source bench/lib.sh

(cd web-client && npm run build >/dev/null)
if [[ -z "${BASE:-}" ]]; then
    port="${BENCH_WEB_PORT:-18090}"
    BASE="http://demo.localhost:$port"
    cargo build --quiet
    mkdir -p bench/out
    log "starting the demo on $BASE"
    KLUSTERA_BIND="127.0.0.1:$port" KLUSTERA_DATA_DIR=bench/out/web-data RUST_LOG=warn \
        target/debug/klustera demo --reset --serve --fake-midtrans --no-web-build >bench/out/web-demo.log 2>&1 &
    server=$!
    trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
    health="http://127.0.0.1:$port"
    for _ in $(seq 1 600); do curl -sf -o /dev/null "$health/health" && break; kill -0 $server || die "demo exited (bench/out/web-demo.log)"; sleep 0.5; done
    curl -sf -o /dev/null "$health/health" || die "demo not healthy (bench/out/web-demo.log)"
    # This month's bills, so the pages show what a real estate's would.
    SLUG=demo BASE="$health" gql "$(body_for "mutation { generateMonthlyBills(period: \"$(TZ=Asia/Jakarta date +%Y-%m)\") { id } }")" \
        "$(SLUG=demo BASE="$health" login manager@demo.test demo-pass-2024)" >/dev/null
fi
export BASE
node bench/web-budgets.mjs

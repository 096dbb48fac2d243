#!/usr/bin/env bash
# Load benchmark: the gateway against the database's own speed for the same SQL.
#
#   bench/run.sh
#
# Env knobs: BENCH_SECONDS (per measurement, default 10), BENCH_PAIRS (gateway/pgbench pairs
# at concurrency 16 behind each verdict, default 3), BENCH_DATABASE_URL (use this
# PostgreSQL instead of a private embedded cluster under bench/out/data), BENCH_PORT
# (gateway port, default 18080), BENCH_POOL (the gateway's database connections; default:
# its own default). Output: a markdown table on stdout and in
# bench/out/results.md; raw wrk/pgbench output under bench/out/.
# See bench/README.md for what the numbers mean.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/bench/out"
BIN="$ROOT/target/release/klustera"
SECONDS_PER_RUN="${BENCH_SECONDS:-10}"
PAIRS="${BENCH_PAIRS:-3}"
PORT="${BENCH_PORT:-18080}"
SLUG=bench
PASSWORD=demo-pass-2024
MANAGER="manager@$SLUG.test"
CONCURRENCIES=(1 16 64)
SHAPES=(flat nested billing)

BENCH_NAME=bench
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

[[ "$SECONDS_PER_RUN" =~ ^[0-9]+$ && "$SECONDS_PER_RUN" -ge 1 ]] || die "BENCH_SECONDS must be a positive integer"
[[ "$PAIRS" =~ ^[0-9]+$ && "$PAIRS" -ge 1 ]] || die "BENCH_PAIRS must be a positive integer"
mkdir -p "$OUT"
cd "$ROOT"

# --- 1. tools and build -------------------------------------------------------------
for tool in curl python3 psql pgbench; do
    command -v "$tool" >/dev/null || die "$tool is required"
done
if ! command -v wrk >/dev/null; then
    log "installing wrk"
    apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
fi

log "cargo build --release"
cargo build --release
[[ -x "$BIN" ]] || die "$BIN missing after build"

# Configuration comes only from here: no klustera.toml from the working directory.
export KLUSTERA_CONFIG="$OUT/no-such-config.toml"
export KLUSTERA_DATA_DIR="$OUT/data"
export RUST_LOG=warn
unset KLUSTERA_BIND

# --- 2./3. database and seed ----------------------------------------------------------
if [[ -n "${BENCH_DATABASE_URL:-}" ]]; then
    export DATABASE_URL="$BENCH_DATABASE_URL"
    log "database: BENCH_DATABASE_URL"
else
    unset DATABASE_URL
    log "database: private embedded PostgreSQL under $KLUSTERA_DATA_DIR"
    hold_private_cluster
fi
log "seeding tenant '$SLUG' (2000 units, 5000 residents)"
timeout 300 "$BIN" demo --slug "$SLUG" --units 2000 --residents 5000 --reset >"$OUT/demo.log" 2>&1 \
    || { cat "$OUT/demo.log" >&2; die "klustera demo failed"; }
if [[ -z "${DATABASE_URL:-}" ]]; then
    PG_PORT="$(tr -d '[:space:]' <"$KLUSTERA_DATA_DIR/pg/port")"
    export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/klustera"
fi
DB_URL="$DATABASE_URL"
psql_q() { psql "$DB_URL" -X -v ON_ERROR_STOP=1 -Atq -c "$1"; }
SCHEMA="$(psql_q "SELECT schema_name FROM control.tenants WHERE slug = '$SLUG'")"
[[ -n "$SCHEMA" ]] || die "tenant $SLUG not found in control.tenants"
# Billing history: 12 monthly bills per unit (through the real generator), 80% paid.
log "generating 12 months of bills (24,000) and paying 80%"
for m in $(seq 11 -1 0); do
    period="$(date -u -d "$(date -u +%Y-%m-15) -$m month" +%Y-%m)"
    timeout 120 "$BIN" billing generate "$SLUG" "$period" >>"$OUT/demo.log" 2>&1 || die "bill generation failed"
done
psql_q "INSERT INTO \"$SCHEMA\".payments (bill_id, method, amount) SELECT id, 'TRANSFER', total FROM \"$SCHEMA\".bills WHERE id % 5 <> 0;
        UPDATE \"$SCHEMA\".bills SET paid = total, status = 'PAID' WHERE id % 5 <> 0; ANALYZE \"$SCHEMA\".bills;
        ANALYZE \"$SCHEMA\".bill_items; ANALYZE \"$SCHEMA\".payments" >/dev/null
PG_VERSION="$(psql_q "SHOW server_version")"

# --- 4. gateway ---------------------------------------------------------------------
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if port_busy "$PORT"; then
    NEW_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
    log "port $PORT is in use; using $NEW_PORT"
    PORT="$NEW_PORT"
fi
BASE="http://127.0.0.1:$PORT"
SERVER_PID=""
cleanup() {
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$SERVER_PID" 2>/dev/null || true
    fi
    release_private_cluster
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The gateway runs as shipped: its default log filter and, unless BENCH_POOL says
# otherwise, its default pool (config::default_pool_size), read back from its start-up line.
POOL_ENV=()
if [[ -n "${BENCH_POOL:-}" ]]; then
    [[ "$BENCH_POOL" =~ ^[1-9][0-9]*$ ]] || die "BENCH_POOL must be a positive number"
    POOL_ENV=(KLUSTERA_DB_POOL_SIZE="$BENCH_POOL")
fi
log "starting the gateway on $BASE"
env -u RUST_LOG "${POOL_ENV[@]}" KLUSTERA_BIND="127.0.0.1:$PORT" \
    JWT_SECRET="bench-secret-0123456789abcdefghijklmnopq" \
    KLUSTERA_WORKERS=0 KLUSTERA_SCHEDULER=false \
    "$BIN" serve >"$OUT/server.log" 2>&1 &
SERVER_PID=$!
wait_healthy "$SERVER_PID" "$OUT/server.log" 60
POOL="$(sed -n 's/.*; \([0-9]*\) database connections for operations.*/\1/p' "$OUT/server.log" | head -1)"
[[ -n "$POOL" ]] || die "the gateway did not report its pool size (see $OUT/server.log)"
log "the gateway's pool: $POOL connections"

# --- 5. login -------------------------------------------------------------------------
TOKEN="$(login "$MANAGER" "$PASSWORD")"

# --- 6. query shapes (lib.sh), as wrk scripts ------------------------------------------

# wrk Lua scripts; done() prints one parseable line. Response bodies are not scanned in
# Lua: copying every body into the load tool's interpreter took CPU from the gateway and
# PostgreSQL on this shared machine (a fifth of the billing shape's throughput). GraphQL
# errors are counted by the gateway itself instead (`/metrics`, checked around each run).
for shape in "${SHAPES[@]}"; do
    python3 - "$shape" "$(body_for "${QUERY[$shape]}")" "$TOKEN" "$SLUG" >"$OUT/wrk-$shape.lua" <<'PY'
import sys
shape, body, token, slug = sys.argv[1:5]
for s in (body, token):
    assert "]==]" not in s
print(f"""-- generated by bench/run.sh ({shape})
wrk.method = "POST"
wrk.body = [==[{body}]==]
wrk.headers["content-type"] = "application/json"
wrk.headers["accept"] = "application/json"
wrk.headers["x-tenant"] = [==[{slug}]==]
wrk.headers["authorization"] = [==[Bearer {token}]==]

function done(summary, latency, requests)
  local s = summary.errors
  io.write(string.format(
    "BENCH_RESULT requests=%d duration_us=%d rps=%.2f p50_us=%.0f p99_us=%.0f non2xx=%d socket_errors=%d\\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99), s.status,
    s.connect + s.read + s.write + s.timeout))
end""")
PY
done

# The gateway's own counters: GraphQL outcomes and SQL statements sent. A counter that is
# missing (the ok and statement counters exist once the login has run) is an error, not 0.
counters() { # prints "ok error refused statements"
    local text
    text="$(curl -sf --max-time 10 "$BASE/metrics")" || { log "cannot read $BASE/metrics"; return 1; }
    python3 -c '
import re, sys
text = sys.argv[1]
def val(pattern, required):
    m = re.search("^" + pattern + r" (\S+)$", text, re.M)
    if m is None and required:
        sys.exit("/metrics has no " + pattern.replace("\\", ""))
    return int(float(m.group(1))) if m else 0
print(val(r"klustera_graphql_requests_total\{outcome=\"ok\"\}", True),
      val(r"klustera_graphql_requests_total\{outcome=\"error\"\}", False),
      val(r"klustera_graphql_requests_total\{outcome=\"refused\"\}", False),
      val("klustera_sql_statements_total", True))' "$text"
}

# --- 8. pgbench scripts: what a perfect batching server sends per request ----------------
UNIT_IDS="$(psql_q "SELECT string_agg(id::text, ',' ORDER BY id) FROM (SELECT id FROM \"$SCHEMA\".units WHERE archived_at IS NULL ORDER BY id ASC LIMIT 50) s")"
RESIDENT_IDS="$(psql_q "SELECT string_agg(id::text, ',' ORDER BY id) FROM (SELECT DISTINCT resident_id AS id FROM \"$SCHEMA\".resident_units WHERE unit_id = ANY('{$UNIT_IDS}'::bigint[]) AND ends_on IS NULL) s")"
BLOCK_IDS="$(psql_q "SELECT string_agg(id::text, ',' ORDER BY id) FROM (SELECT DISTINCT u.block_id AS id FROM \"$SCHEMA\".resident_units ru JOIN \"$SCHEMA\".units u ON u.id = ru.unit_id WHERE ru.resident_id = ANY('{$RESIDENT_IDS}'::bigint[]) AND ru.ends_on IS NULL) s")"
BILL_IDS="$(psql_q "SELECT string_agg(id::text, ',' ORDER BY id) FROM (SELECT id, row_number() OVER (PARTITION BY unit_id ORDER BY period DESC) AS n FROM \"$SCHEMA\".bills WHERE unit_id = ANY('{$UNIT_IDS}'::bigint[])) s WHERE n <= 3")"
[[ -n "$UNIT_IDS" && -n "$RESIDENT_IDS" && -n "$BLOCK_IDS" && -n "$BILL_IDS" ]] || die "could not compute ids for the pgbench scripts"

BIND_SQL="SELECT display_name, status, time_zone, schema_version, set_config('search_path', quote_ident(schema_name), true), set_config('statement_timeout', '10s', true) FROM control.tenants WHERE slug = '$SLUG';"
UNITS_SQL="SELECT id, block_id, number, area_m2, unit_type, archived_at, created_at FROM units WHERE archived_at IS NULL ORDER BY id ASC LIMIT 51;"
{
    echo "BEGIN;"; echo "$BIND_SQL"; echo "$UNITS_SQL"; echo "COMMIT;"
} >"$OUT/pgbench-flat.sql"
{
    echo "BEGIN;"; echo "$BIND_SQL"; echo "$UNITS_SQL"
    echo "SELECT ru.unit_id AS key, ru.id AS link_id, ru.relation, ru.starts_on, ru.ends_on, r.id, r.full_name, r.phone, r.email, r.identity_number, r.archived_at, r.created_at FROM resident_units ru JOIN residents r ON r.id = ru.resident_id WHERE ru.unit_id = ANY('{$UNIT_IDS}'::bigint[]) AND ru.ends_on IS NULL ORDER BY ru.unit_id, r.id;"
    echo "SELECT ru.resident_id AS key, ru.id AS link_id, ru.relation, ru.starts_on, ru.ends_on, u.id, u.block_id, u.number, u.area_m2, u.unit_type, u.archived_at, u.created_at FROM resident_units ru JOIN units u ON u.id = ru.unit_id WHERE ru.resident_id = ANY('{$RESIDENT_IDS}'::bigint[]) AND ru.ends_on IS NULL ORDER BY ru.resident_id, u.id;"
    echo "SELECT id, name, created_at FROM blocks WHERE id IN ($BLOCK_IDS);"
    echo "COMMIT;"
} >"$OUT/pgbench-nested.sql"
{
    echo "BEGIN;"; echo "$BIND_SQL"; echo "$UNITS_SQL"
    echo "SELECT ru.unit_id AS key, ru.id AS link_id, ru.relation, ru.starts_on, ru.ends_on, r.id, r.full_name, r.phone, r.email, r.identity_number, r.archived_at, r.created_at FROM resident_units ru JOIN residents r ON r.id = ru.resident_id WHERE ru.unit_id = ANY('{$UNIT_IDS}'::bigint[]) AND ru.ends_on IS NULL ORDER BY ru.unit_id, r.id;"
    echo "SELECT id, unit_id, period, due_on, status, subtotal, ppn, late_fee, total, paid, void_reason, created_at FROM (SELECT b.*, row_number() OVER (PARTITION BY unit_id ORDER BY period DESC) AS n FROM bills b WHERE unit_id = ANY('{$UNIT_IDS}'::bigint[])) ranked WHERE n <= 3 ORDER BY unit_id, period DESC;"
    echo "SELECT id, bill_id, kind, description, quantity, unit_price, amount, ppn_rate_bp, ppn FROM bill_items WHERE bill_id IN ($BILL_IDS) ORDER BY bill_id, id;"
    echo "SELECT id, bill_id, method, amount, reference, paid_at, refunded_at FROM payments WHERE bill_id IN ($BILL_IDS) ORDER BY bill_id, id;"
    echo "COMMIT;"
} >"$OUT/pgbench-billing.sql"
for shape in "${SHAPES[@]}"; do # each script must run cleanly once
    psql "$DB_URL" -X -v ON_ERROR_STOP=1 -q -f "$OUT/pgbench-$shape.sql" >/dev/null \
        || die "pgbench-$shape.sql does not run"
done

# --- correctness checks ----------------------------------------------------------------
# Statements per request: the pgbench script's, without BEGIN and COMMIT.
declare -A STATEMENTS
for shape in "${SHAPES[@]}"; do
    STATEMENTS[$shape]=$(( $(grep -c . "$OUT/pgbench-$shape.sql") - 2 ))
done
settled() { # settled: the gateway's counters, once requests left over from a load run are done
    local a b i
    a="$(counters)" || return 1
    for i in $(seq 1 100); do
        b="$(counters)" || return 1
        [[ "$a" == "$b" ]] && { printf '%s\n' "$b"; return 0; }
        a="$b"
        sleep 0.1
    done
    log "the gateway's counters kept moving for 10 s after the load stopped"
    return 1
}
check_shape() { # check_shape <shape>: 3 requests one at a time: the full answer (lib.sh), no error, exactly the pgbench script's statements
    local resp now ok0 err0 ref0 sql0 ok1 err1 ref1 sql1 i
    # One request first: it fills the per-process caches the load then finds warm (the
    # caller's auth version, read once per login and instance, then kept current by events).
    gql "$(body_for "${QUERY[$1]}")" "$TOKEN" >/dev/null || die "$1: the request failed"
    now="$(settled)" || die "cannot read the gateway's counters"
    read -r ok0 err0 ref0 sql0 <<<"$now"
    for i in 1 2 3; do
        resp="$(gql "$(body_for "${QUERY[$1]}")" "$TOKEN")" || die "$1: the request failed"
        check_shape_response "$1" "$resp" || die "$1 query check failed"
    done
    now="$(counters)" || die "cannot read the gateway's counters"
    read -r ok1 err1 ref1 sql1 <<<"$now"
    (( ok1 - ok0 == 3 && err1 == err0 && ref1 == ref0 )) \
        || die "$1: the gateway counted $((ok1 - ok0)) good, $((err1 - err0)) failed and $((ref1 - ref0)) refused of 3 requests"
    # More statements means the gateway does work the pgbench script leaves out (or
    # batches less), fewer that the script measures work the gateway does not do.
    (( sql1 - sql0 == 3 * STATEMENTS[$1] )) \
        || die "$1: $((sql1 - sql0)) SQL statements for 3 requests, expected ${STATEMENTS[$1]} each (the pgbench script's)"
}
for shape in "${SHAPES[@]}"; do check_shape "$shape"; done
log "every shape answers correctly (50 edges, no errors, the pgbench script's statements)"

# --- 7./8. measurements -------------------------------------------------------------------
# Every check that fails adds a warning; with any warning the run reports no verdict and
# exits 1, so a broken build or setup cannot come out as "MET".
WARNINGS=()
val() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$line"; } # field of the BENCH_RESULT line
declare -A RPS P50 P99 TPS SQL RATIOS POOL_TPS
gateway_run() { # gateway_run <shape> <c> <raw file>: wrk, with the gateway's own counters
    local shape=$1 c=$2 raw=$3 threads=$(( $2 < 2 ? $2 : 2 )) n requests good sql now
    log "$shape c=$c: wrk ${SECONDS_PER_RUN}s"
    now="$(counters)" || die "cannot read the gateway's counters"
    read -r ok0 err0 ref0 sql0 <<<"$now"
    timeout $(( SECONDS_PER_RUN + 60 )) \
        wrk -t "$threads" -c "$c" -d "${SECONDS_PER_RUN}s" --latency -s "$OUT/wrk-$shape.lua" "$BASE/graphql" >"$raw" \
        || die "wrk failed ($raw)"
    line="$(grep '^BENCH_RESULT' "$raw")" || die "no BENCH_RESULT in $raw"
    for k in requests rps p50_us p99_us non2xx socket_errors; do
        [[ "$(val $k)" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "wrk reported no $k ($raw)"
    done
    for k in non2xx socket_errors; do
        n="$(val $k)"
        [[ "$n" == 0 ]] || WARNINGS+=("$shape c=$c: $k=$n (see $raw)")
    done
    requests="$(val requests)"
    [[ "$requests" -gt 0 ]] || WARNINGS+=("$shape c=$c: no requests completed")
    now="$(counters)" || die "cannot read the gateway's counters"
    read -r ok1 err1 ref1 sql1 <<<"$now"
    good=$(( ok1 - ok0 ))
    sql=$(( sql1 - sql0 ))
    (( err1 == err0 && ref1 == ref0 )) \
        || WARNINGS+=("$shape c=$c: the gateway answered $((err1 - err0)) requests with GraphQL errors and refused $((ref1 - ref0))")
    (( good >= requests )) \
        || WARNINGS+=("$shape c=$c: wrk counted $requests responses but the gateway only $good good ones")
    # Statements per request under load, for the table: requests still in flight when
    # wrk stops land in the next window, so this is not exact (check_shape's count is).
    SQL_NOW="$( ((good > 0)) && python3 -c "print(f'{$sql / $good:.1f}')" || echo n/a)"
}
pgbench_run() { # pgbench_run <shape> <c> <raw file>: sets TPS_NOW
    local shape=$1 c=$2 praw=$3 threads=$(( $2 < 2 ? $2 : 2 )) tps done_tx
    log "$shape c=$c: pgbench ${SECONDS_PER_RUN}s"
    timeout $(( SECONDS_PER_RUN + 60 )) \
        pgbench -n -M prepared -f "$OUT/pgbench-$shape.sql" -c "$c" -j "$threads" -T "$SECONDS_PER_RUN" "$DB_URL" >"$praw" 2>&1 \
        || { cat "$praw" >&2; die "pgbench failed ($praw)"; }
    if grep -q 'failed transactions: [1-9]' "$praw"; then WARNINGS+=("$shape c=$c: pgbench had failed transactions ($praw)"); fi
    done_tx="$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$praw" | head -1)"
    [[ -n "$done_tx" && "$done_tx" -gt 0 ]] || WARNINGS+=("$shape c=$c: pgbench processed no transactions ($praw)")
    tps="$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$praw" | head -1)"
    [[ -n "$tps" ]] || die "no tps in $praw"
    TPS_NOW="$tps"
}
ratio() { python3 -c "print(f'{$1 / $2:.3f}' if $2 > 0 else 'nan')"; }
for shape in "${SHAPES[@]}"; do
    log "$shape: warm-up (2 s)"
    timeout 60 wrk -t 2 -c 16 -d 2s -s "$OUT/wrk-$shape.lua" "$BASE/graphql" >/dev/null || die "$shape: the warm-up wrk run failed"
    for c in "${CONCURRENCIES[@]}"; do
        gateway_run "$shape" "$c" "$OUT/wrk-$shape-c$c.txt"
        RPS[$shape,$c]="$(val rps)"
        P50[$shape,$c]="$(val p50_us)"
        P99[$shape,$c]="$(val p99_us)"
        SQL[$shape,$c]="$SQL_NOW"
        pgbench_run "$shape" "$c" "$OUT/pgbench-$shape-c$c.txt"
        TPS[$shape,$c]="$TPS_NOW"
    done
    # The goal's concurrency again: this shared machine's speed drifts by tens of percent
    # within minutes, so one gateway run and one pgbench run can land in different phases.
    # More alternating pairs; the verdict uses the median of their ratios.
    RATIOS[$shape]="$(ratio "${RPS[$shape,16]}" "${TPS[$shape,16]}")"
    for r in $(seq 2 "$PAIRS"); do
        gateway_run "$shape" 16 "$OUT/wrk-$shape-c16-pair$r.txt"
        rps="$(val rps)"
        pgbench_run "$shape" 16 "$OUT/pgbench-$shape-c16-pair$r.txt"
        RATIOS[$shape]+=" $(ratio "$rps" "$TPS_NOW")"
    done
    # The gateway reaches PostgreSQL through $POOL connections whatever the number of
    # clients; pgbench with that many connections, for comparison (not the verdict).
    pgbench_run "$shape" "$POOL" "$OUT/pgbench-$shape-c$POOL-pool.txt"
    POOL_TPS[$shape]="$TPS_NOW"
    check_shape "$shape" # still correct after load
done

# --- 9. report ---------------------------------------------------------------------------
CPU_MODEL="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
COMMIT="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
DIRTY="$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo ' (uncommitted changes)' || true)"
{
    echo "# Klustera gateway benchmark"
    echo
    if ((${#WARNINGS[@]})); then
        echo "**CHECKS FAILED: these figures are not valid and no verdict is given (see the warnings at the end).**"
        echo
    fi
    echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'), commit $COMMIT$DIRTY"
    echo "- machine: $(nproc) CPUs, $CPU_MODEL (wrk, gateway, pgbench and PostgreSQL share it)"
    echo "- PostgreSQL $PG_VERSION; tenant '$SLUG': 2000 units, 5000 residents, 12 bills per unit (80% paid); gateway pool $POOL; ${SECONDS_PER_RUN}s per run"
    echo
    echo "| shape | concurrency | gateway req/s | p50 | p99 | SQL/req | pgbench tps | pgbench SQL/tx | ratio |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    for shape in "${SHAPES[@]}"; do
        for c in "${CONCURRENCIES[@]}"; do
            python3 -c '
import sys
shape, c, rps, p50, p99, sql, tps, pg_sql = sys.argv[1:9]
rps, p50, p99, tps = float(rps), float(p50), float(p99), float(tps)
print(f"| {shape} | {c} | {rps:.0f} | {p50/1000:.2f} ms | {p99/1000:.2f} ms | {sql} | {tps:.0f} | {pg_sql} | {rps/tps if tps else 0:.2f} |")
' "$shape" "$c" "${RPS[$shape,$c]}" "${P50[$shape,$c]}" "${P99[$shape,$c]}" "${SQL[$shape,$c]}" "${TPS[$shape,$c]}" \
  "${STATEMENTS[$shape]}"
        done
    done
    echo
    echo "ratio = gateway req/s ÷ pgbench tps for the same SQL (goal at concurrency 16: flat ≥ 0.3, nested and billing ≥ 0.5)."
    echo "SQL/req: statements the gateway ran per request (its own counter; BEGIN and COMMIT not counted); pgbench SQL/tx: the same count for the pgbench script."
    echo "Verdicts: the median ratio of $PAIRS alternating gateway/pgbench pairs at concurrency 16 (the table's run is the first)."
    python3 -c '
import math, statistics, sys
valid = sys.argv[1] == "valid"
a = sys.argv[2:]
for i in range(0, len(a), 3):
    shape, goal, ratios = a[i], float(a[i + 1]), [float(r) for r in a[i + 2].split()]
    r = statistics.median(ratios)
    if not valid or math.isnan(r):
        verdict = "NO VERDICT (checks failed)"
    else:
        verdict = "MET" if r >= goal else "NOT MET"
    pairs = ", ".join(f"{x:.2f}" for x in ratios)
    print(f"- {shape} at 16: {r:.2f} (pairs: {pairs}) vs goal {goal} -> {verdict}")
' "$( ((${#WARNINGS[@]})) && echo invalid || echo valid)" \
        flat 0.3 "${RATIOS[flat]}" nested 0.5 "${RATIOS[nested]}" billing 0.5 "${RATIOS[billing]}"
    echo
    echo "pgbench with $POOL connections (the gateway's pool), for comparison:"
    for shape in "${SHAPES[@]}"; do
        python3 -c '
import sys
shape, pool, tps, r16 = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
share = r16 / tps if tps else float("nan")
print(f"- {shape}: {tps:.0f} tps; the gateway at concurrency 16 reaches {share:.2f} of it")
' "$shape" "$POOL" "${POOL_TPS[$shape]}" "${RPS[$shape,16]}"
    done
    if ((${#WARNINGS[@]})); then
        echo
        echo "**Warnings:**"
        printf -- '- %s\n' "${WARNINGS[@]}"
    fi
} | tee "$OUT/results.md"

if ((${#WARNINGS[@]})); then
    log "finished with warnings (see above); results are not trustworthy"
    exit 1
fi
log "results saved to $OUT/results.md"

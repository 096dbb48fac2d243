#!/usr/bin/env bash
# Booking benchmarks (issue 14):
#  1. `availability` for 10 facilities x 31 days with 2,000 bookings, and the manager
#     calendar (`bookings(filter:)`) for a month: gateway req/s (wrk) against pgbench
#     running the same SQL the gateway sends (bind + facility + availability statement;
#     bind + calendar + the facility and unit batches); the verdict is the ratio at
#     concurrency 16 (>= 0.5).
#  2. A booking storm: 200 wrk connections booking random 1-hour slots of the 10
#     facilities for 20 s: bookings/s (rows created, not requests), p99, and one SQL query
#     that must find no two overlapping holding bookings of an EXCLUSIVE facility.
#
#   bench/bookings.sh
#
# Env knobs as bench/run.sh: BENCH_SECONDS (default 10), BENCH_DATABASE_URL, BENCH_PORT
# (default 18081), BENCH_POOL. Also: BENCH_BIN (a gateway binary to measure instead of
# building target/release/klustera: two builds back to back), BENCH_SHAPES (default
# "availability calendar"), BENCH_STORM=0 (skip the storm), BENCH_IR_REQUESTS=N (after the
# runs, count the instructions the gateway executes per request of each shape under
# valgrind's callgrind, N requests one at a time after 3 warm-ups, as bench/instructions.sh
# does for the other shapes; profiles stay in bench/out/bookings-callgrind.*; no storm).
# Output: a markdown table on stdout and in bench/out/bookings.md; raw wrk/pgbench output
# under bench/out/bookings-*.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/bench/out"
BIN="${BENCH_BIN:-$ROOT/target/release/klustera}"
SHAPES=(${BENCH_SHAPES:-availability calendar})
SECONDS_PER_RUN="${BENCH_SECONDS:-10}"
PORT="${BENCH_PORT:-18081}"
SLUG=benchbk
PASSWORD=demo-pass-2024
MANAGER="manager@$SLUG.test"

BENCH_NAME=bookings
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
mkdir -p "$OUT"
cd "$ROOT"

for tool in curl python3 psql pgbench wrk; do
    command -v "$tool" >/dev/null || die "$tool is required (apt-get install -y wrk postgresql-client)"
done
if [[ -z "${BENCH_BIN:-}" ]]; then
    log "cargo build --release"
    cargo build --release
fi
[[ -x "$BIN" ]] || die "$BIN not found"
export KLUSTERA_CONFIG="$OUT/no-such-config.toml"
export KLUSTERA_DATA_DIR="$OUT/data"
export RUST_LOG=warn
unset KLUSTERA_BIND

if [[ -n "${BENCH_DATABASE_URL:-}" ]]; then
    export DATABASE_URL="$BENCH_DATABASE_URL"
else
    unset DATABASE_URL
    hold_private_cluster
fi
log "seeding tenant '$SLUG' (2000 units, 5000 residents)"
timeout 300 "$BIN" demo --slug "$SLUG" --units 2000 --residents 5000 --reset >"$OUT/bookings-demo.log" 2>&1 \
    || { cat "$OUT/bookings-demo.log" >&2; die "klustera demo failed"; }
if [[ -z "${DATABASE_URL:-}" ]]; then
    PG_PORT="$(tr -d '[:space:]' <"$KLUSTERA_DATA_DIR/pg/port")"
    export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/klustera"
fi
DB_URL="$DATABASE_URL"
psql_q() { psql "$DB_URL" -X -v ON_ERROR_STOP=1 -Atq -c "$1"; }
SCHEMA="$(psql_q "SELECT schema_name FROM control.tenants WHERE slug = '$SLUG'")"
TZ_NAME="$(psql_q "SELECT time_zone FROM control.tenants WHERE slug = '$SLUG'")"
FROM="$(psql_q "SELECT ((now() AT TIME ZONE '$TZ_NAME')::date + 1)::text")"
TO="$(psql_q "SELECT ((now() AT TIME ZONE '$TZ_NAME')::date + 31)::text")"

# 10 EXCLUSIVE facilities open 06:00-22:00 every day (16 one-hour slots), and 2,000
# bookings spread over them and the 31 days without overlap (200 per facility).
log "10 facilities, 2000 bookings"
psql_q "SET search_path TO \"$SCHEMA\";
  DELETE FROM bookings; DELETE FROM facility_schedules; DELETE FROM facilities;
  INSERT INTO facilities (name, kind, capacity, pricing, rate, max_minutes, book_ahead_days)
    SELECT 'Court ' || n, 'EXCLUSIVE', 4, 'HOURLY', 50000, 120, 60 FROM generate_series(1, 10) n;
  INSERT INTO facility_schedules (facility_id, weekday, opens_minute, closes_minute)
    SELECT f.id, d, 360, 1320 FROM facilities f CROSS JOIN generate_series(1, 7) d;
  INSERT INTO bookings (facility_id, exclusive, unit_id, booked_by, starts_at, ends_at, party_size, status,
                        subtotal, ppn, total, deposit, paid)
    SELECT f.id, true, (SELECT min(id) FROM units) + (k % 2000), (SELECT min(id) FROM users WHERE role = 'MANAGER'),
           (('$FROM'::date + (k / 16) % 31) + make_interval(hours => 6 + k % 16)) AT TIME ZONE '$TZ_NAME',
           (('$FROM'::date + (k / 16) % 31) + make_interval(hours => 7 + k % 16)) AT TIME ZONE '$TZ_NAME',
           2, 'CONFIRMED', 50000, 0, 50000, 0, 50000
    FROM facilities f CROSS JOIN generate_series(0, 199) k;
  ANALYZE facilities; ANALYZE facility_schedules; ANALYZE bookings;" >/dev/null
[[ "$(psql_q "SELECT count(*) FROM \"$SCHEMA\".bookings")" == 2000 ]] || die "expected 2000 bookings"

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port_busy "$PORT" && die "port $PORT is in use (BENCH_PORT)"
BASE="http://127.0.0.1:$PORT"
SERVER_PID=""
cleanup() {
    [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null || true
    release_private_cluster
}
trap cleanup EXIT
POOL_ENV=()
[[ -n "${BENCH_POOL:-}" ]] && POOL_ENV=(KLUSTERA_DB_POOL_SIZE="$BENCH_POOL")
env -u RUST_LOG "${POOL_ENV[@]}" KLUSTERA_BIND="127.0.0.1:$PORT" \
    JWT_SECRET="bench-secret-0123456789abcdefghijklmnopq" \
    KLUSTERA_WORKERS=0 KLUSTERA_SCHEDULER=false \
    "$BIN" serve >"$OUT/bookings-server.log" 2>&1 &
SERVER_PID=$!
wait_healthy "$SERVER_PID" "$OUT/bookings-server.log" 60
TOKEN="$(login "$MANAGER" "$PASSWORD")"

# Global ids of the facilities and of 200 units, as clients send them.
GIDS="$(gql "$(body_for "{ facilities { id } }")" "$TOKEN" \
    | python3 -c 'import json,sys; print(" ".join(f["id"] for f in json.load(sys.stdin)["data"]["facilities"]))')"
UNIT_GIDS="$(gql "$(body_for "{ units(first: 200) { edges { node { id } } } }")" "$TOKEN" \
    | python3 -c 'import json,sys; print(" ".join(e["node"]["id"] for e in json.load(sys.stdin)["data"]["units"]["edges"]))')"

# wrk scripts: each request picks a facility (and for the storm a slot and unit) at random.
lua_list() { printf '{'; for x in $1; do printf '"%s",' "$x"; done; printf '}'; }
wrk_script() { # wrk_script <name> <lua body of request()>
    cat >"$OUT/bookings-$1.lua" <<LUA
wrk.method = "POST"
wrk.headers["content-type"] = "application/json"
wrk.headers["x-tenant"] = "$SLUG"
wrk.headers["authorization"] = "Bearer $TOKEN"
facilities = $(lua_list "$GIDS")
units = $(lua_list "$UNIT_GIDS")
math.randomseed(os.time())
function request()
$2
end
function done(summary, latency, requests)
  io.write(string.format("BENCH_RESULT requests=%d rps=%.2f p99_us=%.0f non2xx=%d\\n",
    summary.requests, summary.requests / (summary.duration / 1e6), latency:percentile(99),
    summary.errors.status))
end
LUA
}
wrk_script availability '  local f = facilities[math.random(#facilities)]
  return wrk.format(nil, nil, nil, string.format([[{"query":"query($f: ID!) { availability(facilityId: $f, from: \"'"$FROM"'\", to: \"'"$TO"'\") { startsAt endsAt remaining available } }","variables":{"f":"%s"}}]], f))'
wrk_script calendar '  return wrk.format(nil, nil, nil, [[{"query":"{ bookings(filter: {from: \"'"$FROM"'T00:00:00+07:00\", to: \"'"$TO"'T00:00:00+07:00\"}) { id startsAt endsAt status facility { name } unit { number } } }"}]])'
wrk_script storm '  local f = facilities[math.random(#facilities)]
  local u = units[math.random(#units)]
  local day = math.random(0, 29)
  local hour = 6 + math.random(0, 15)
  local date = os.date("!%Y-%m-%d", os.time{year='"${FROM:0:4}"', month='"$((10#${FROM:5:2}))"', day='"$((10#${FROM:8:2}))"' + day, hour=12})
  return wrk.format(nil, nil, nil, string.format([[{"query":"mutation($i: BookingInput!) { createBooking(input: $i) { id } }","variables":{"i":{"facilityId":"%s","unitId":"%s","startsAt":"%sT%02d:00:00+07:00","endsAt":"%sT%02d:00:00+07:00","partySize":2}}}]], f, u, date, hour, date, hour + 1))'

# pgbench: the statements the gateway sends for one request of each shape.
BIND_SQL="SELECT display_name, status, time_zone, schema_version, set_config('search_path', quote_ident(schema_name), true), set_config('statement_timeout', '10s', true) FROM control.tenants WHERE slug = '$SLUG';"
AVAIL_SQL="$(python3 - "$FROM" "$TO" "$TZ_NAME" <<'PY'
import sys
frm, to, tz = sys.argv[1:4]
print(f"""WITH f AS (SELECT id, kind, capacity, slot_minutes FROM facilities WHERE id = :fid), slots AS ( SELECT ((d::date + make_interval(mins => m)) AT TIME ZONE '{tz}') AS starts_at, ((d::date + make_interval(mins => m + f.slot_minutes)) AT TIME ZONE '{tz}') AS ends_at FROM f CROSS JOIN generate_series('{frm}'::date, '{to}'::date, interval '1 day') d JOIN facility_schedules s ON s.facility_id = f.id AND s.weekday = EXTRACT(ISODOW FROM d)::int CROSS JOIN LATERAL generate_series(s.opens_minute, s.closes_minute - f.slot_minutes, f.slot_minutes) m WHERE NOT EXISTS (SELECT 1 FROM facility_closures c WHERE c.facility_id = f.id AND d::date BETWEEN c.starts_on AND c.ends_on) ) SELECT sl.starts_at, sl.ends_at, GREATEST(f.capacity - u.used, 0)::bigint AS remaining, (sl.starts_at > statement_timestamp() AND u.used < f.capacity) AS available FROM slots sl CROSS JOIN f CROSS JOIN LATERAL ( SELECT COALESCE(sum(CASE WHEN f.kind = 'EXCLUSIVE' THEN f.capacity ELSE b.party_size END), 0) AS used FROM bookings b WHERE b.facility_id = f.id AND b.status NOT IN ('CANCELLED', 'REJECTED', 'EXPIRED') AND tstzrange(b.starts_at, b.ends_at) && tstzrange(sl.starts_at, sl.ends_at)) u ORDER BY sl.starts_at;""")
PY
)"
MIN_F="$(psql_q "SELECT min(id) FROM \"$SCHEMA\".facilities")"
{
    echo "\\set fid random($MIN_F, $((MIN_F + 9)))"
    echo "BEGIN;"; echo "$BIND_SQL"
    echo "SELECT * FROM facilities WHERE id = :fid;"
    echo "$AVAIL_SQL"
    echo "COMMIT;"
} >"$OUT/bookings-pgbench-availability.sql"
{
    echo "BEGIN;"; echo "$BIND_SQL"
    echo "SELECT * FROM bookings WHERE starts_at < '$TO'::date AT TIME ZONE '$TZ_NAME' AND ends_at > '$FROM'::date AT TIME ZONE '$TZ_NAME' ORDER BY starts_at, id LIMIT 2000;"
    echo "SELECT * FROM facilities WHERE id = ANY(ARRAY(SELECT id FROM facilities));"
    echo "SELECT id, block_id, number FROM units WHERE id = ANY(ARRAY(SELECT DISTINCT unit_id FROM bookings));"
    echo "COMMIT;"
} >"$OUT/bookings-pgbench-calendar.sql"

result() { sed -n 's/.*BENCH_RESULT //p' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
tps() { sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$1" | head -1; }
{
    echo "| shape | c | gateway req/s | pgbench tps | ratio |"
    echo "|---|---|---|---|---|"
} >"$OUT/bookings.md"
for shape in "${SHAPES[@]}"; do
    for c in 1 16; do
        threads=$((c < 2 ? 1 : 2)) # neither tool runs more threads than connections
        wrk -t"$threads" -c"$c" -d"${SECONDS_PER_RUN}s" --latency -s "$OUT/bookings-$shape.lua" "$BASE/graphql" \
            >"$OUT/bookings-wrk-$shape-$c.txt"
        [[ "$(result "$OUT/bookings-wrk-$shape-$c.txt" non2xx)" == 0 ]] || die "$shape: non-2xx answers"
        pgbench -n -f "$OUT/bookings-pgbench-$shape.sql" -c"$c" -j"$threads" -T"$SECONDS_PER_RUN" "$DB_URL" \
            >"$OUT/bookings-pgbench-$shape-$c.txt" 2>&1 || die "pgbench $shape failed"
        g="$(result "$OUT/bookings-wrk-$shape-$c.txt" rps)"
        p="$(tps "$OUT/bookings-pgbench-$shape-$c.txt")"
        echo "| $shape | $c | $g | $p | $(python3 -c "print(f'{$g/$p:.2f}')") |" >>"$OUT/bookings.md"
    done
done

if [[ -n "${BENCH_IR_REQUESTS:-}" ]]; then
    # Instructions per request: the gateway again, under callgrind (counting only around
    # the measured requests), each answer checked.
    command -v callgrind_control >/dev/null || die "valgrind is required (apt-get install -y valgrind)"
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    PROFILE="$OUT/bookings-callgrind"
    rm -f "$PROFILE".*
    env -u RUST_LOG "${POOL_ENV[@]}" KLUSTERA_BIND="127.0.0.1:$PORT" \
        JWT_SECRET="bench-secret-0123456789abcdefghijklmnopq" \
        KLUSTERA_WORKERS=0 KLUSTERA_SCHEDULER=false \
        valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$PROFILE.%p" \
        "$BIN" serve >"$OUT/bookings-server-callgrind.log" 2>&1 &
    SERVER_PID=$!
    wait_healthy "$SERVER_PID" "$OUT/bookings-server-callgrind.log" 120
    F1="${GIDS%% *}"
    declare -A IR_BODY
    IR_BODY[availability]="$(python3 -c 'import json,sys; print(json.dumps({"query": "query($f: ID!) { availability(facilityId: $f, from: \"%s\", to: \"%s\") { startsAt endsAt remaining available } }" % (sys.argv[2], sys.argv[3]), "variables": {"f": sys.argv[1]}}))' "$F1" "$FROM" "$TO")"
    IR_BODY[calendar]="$(body_for "{ bookings(filter: {from: \"${FROM}T00:00:00+07:00\", to: \"${TO}T00:00:00+07:00\"}) { id startsAt endsAt status facility { name } unit { number } } }")"
    ir_request() { # ir_request <shape>: one request, its answer checked
        local resp
        resp="$(gql "${IR_BODY[$1]}" "$TOKEN")" || die "$1: the request failed"
        printf '%s' "$resp" | python3 -c '
import json, sys
raw = sys.stdin.read()
r = json.loads(raw)
rows = (r.get("data") or {}).get("bookings" if sys.argv[1] == "calendar" else "availability") or []
if r.get("errors") or len(rows) < 100:
    sys.exit(sys.argv[1] + ": wrong answer: " + raw[:500])' "$1" || die "$1: wrong answer"
    }
    {
        echo
        echo "| shape | instructions per request ($BENCH_IR_REQUESTS requests) |"
        echo "|---|---:|"
    } >>"$OUT/bookings.md"
    dump=0
    for shape in "${SHAPES[@]}"; do
        for _ in 1 2 3; do ir_request "$shape"; done
        callgrind_control --instr=on "$SERVER_PID" >/dev/null 2>&1 || die "callgrind_control --instr=on failed"
        for _ in $(seq 1 "$BENCH_IR_REQUESTS"); do ir_request "$shape"; done
        callgrind_control --instr=off "$SERVER_PID" >/dev/null 2>&1 || die "callgrind_control --instr=off failed"
        callgrind_control --dump "$SERVER_PID" >/dev/null 2>&1 || die "callgrind_control --dump failed"
        dump=$((dump + 1))
        for _ in $(seq 1 50); do ls "$PROFILE".*."$dump" >/dev/null 2>&1 && break; sleep 0.1; done
        total="$(sed -n 's/^totals: \([0-9]*\)/\1/p' "$(ls "$PROFILE".*."$dump" | head -1)" | head -1)"
        [[ "$total" =~ ^[0-9]+$ ]] || die "$shape: no instruction count"
        python3 -c "print(f'| $shape | {$total / $BENCH_IR_REQUESTS / 1e6:.3f} M |')" >>"$OUT/bookings.md"
    done
fi

# (Not under callgrind: counting instructions skips the storm.)
[[ "${BENCH_STORM:-1}" == 0 || -n "${BENCH_IR_REQUESTS:-}" ]] && { cat "$OUT/bookings.md"; exit 0; }

# The storm: bookings that committed, per second; the overlap check must find nothing.
BEFORE="$(psql_q "SELECT count(*) FROM \"$SCHEMA\".bookings")"
wrk -t2 -c200 -d20s --latency -s "$OUT/bookings-storm.lua" "$BASE/graphql" >"$OUT/bookings-wrk-storm.txt"
AFTER="$(psql_q "SELECT count(*) FROM \"$SCHEMA\".bookings")"
OVERLAPS="$(psql_q "SELECT count(*) FROM \"$SCHEMA\".bookings a JOIN \"$SCHEMA\".bookings b
    ON a.facility_id = b.facility_id AND a.id < b.id AND a.exclusive
   AND tstzrange(a.starts_at, a.ends_at) && tstzrange(b.starts_at, b.ends_at)
 WHERE a.status NOT IN ('CANCELLED', 'REJECTED', 'EXPIRED') AND b.status NOT IN ('CANCELLED', 'REJECTED', 'EXPIRED')")"
{
    echo
    echo "| storm (200 clients, 20 s) | requests/s | bookings/s | p99 ms | overlapping pairs |"
    echo "|---|---|---|---|---|"
    echo "| createBooking | $(result "$OUT/bookings-wrk-storm.txt" rps) | $(( (AFTER - BEFORE) / 20 )) | $(python3 -c "print(round($(result "$OUT/bookings-wrk-storm.txt" p99_us)/1000, 1))") | $OVERLAPS |"
} >>"$OUT/bookings.md"
cat "$OUT/bookings.md"
[[ "$OVERLAPS" == 0 ]] || die "$OVERLAPS overlapping bookings"

# Shared by bench/run.sh and bench/instructions.sh: logging, waiting for the gateway to
# come up, GraphQL over curl, and the check of a query shape's answer. The caller sets
# BENCH_NAME, BASE (the gateway's URL) and SLUG (the tenant) before using them.
#
# A benchmark that counts errors as throughput reports a good figure for a broken build,
# so every request made here fails loudly: a curl error, a non-2xx status, a body that is
# not JSON, `errors` in the body or missing data each make the caller die.

log() { printf '[%s %s] %s\n' "$BENCH_NAME" "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

wait_healthy() { # wait_healthy <server pid> <server log> <seconds>
    local i
    for i in $(seq 1 $(( $3 * 4 ))); do
        curl -sf -o /dev/null "$BASE/health" && return 0
        kill -0 "$1" 2>/dev/null || { cat "$2" >&2; die "gateway exited during start-up"; }
        sleep 0.25
    done
    die "gateway not healthy after $3 s (see $2)"
}

gql() { # gql <json body> [token]: prints the response body; fails on a curl error or a non-2xx status
    local auth=() out status
    [[ -n "${2:-}" ]] && auth=(-H "authorization: Bearer $2")
    out="$(curl -sS --max-time 60 -w '\n%{http_code}' -X POST "$BASE/graphql" \
        -H 'content-type: application/json' -H 'accept: application/json' \
        -H "x-tenant: $SLUG" "${auth[@]}" --data-binary "$1")" \
        || { log "curl failed: POST $BASE/graphql"; return 1; }
    status="${out##*$'\n'}"
    out="${out%$'\n'*}"
    if [[ ! "$status" =~ ^2[0-9][0-9]$ ]]; then
        log "HTTP $status from POST $BASE/graphql: ${out:0:500}"
        return 1
    fi
    printf '%s\n' "$out"
}

body_for() { python3 -c 'import json,sys; print(json.dumps({"query": sys.argv[1]}))' "$1"; }

login() { # login <identifier> <password>: prints an access token
    local resp
    resp="$(gql "$(body_for "mutation { login(identifier: \"$1\", password: \"$2\") { accessToken } }")")" \
        || die "login failed"
    python3 -c '
import json, sys
r = json.loads(sys.argv[1])
t = ((r.get("data") or {}).get("login") or {}).get("accessToken")
if r.get("errors") or not t:
    sys.exit("login failed: " + sys.argv[1][:500])
print(t)' "$resp" || die "login failed"
}

# The query shapes both scripts measure. The wrk scripts bench/run.sh writes carry these
# bodies; bench/instructions.sh reads them back from there.
declare -A QUERY
QUERY[flat]='{ units(first: 50) { edges { node { id number areaM2 type } } } }'
QUERY[nested]='{ units(first: 50) { edges { node { id number residents { id fullName units { id number block { name } } } } } } }'
QUERY[billing]='{ units(first: 50) { edges { node { id number residents { id fullName } bills(last: 3) { id period total paid status items { description amount ppn } payments { method amount } } } } } }'

check_shape_response() { # check_shape_response <shape> <response body>: fails unless it is the shape's full answer
    python3 -c '
import json, sys
shape, raw = sys.argv[1], sys.argv[2]
try:
    r = json.loads(raw)
except ValueError:
    sys.exit(f"{shape}: response is not JSON: {raw[:500]}")
if not isinstance(r, dict):
    sys.exit(f"{shape}: response is not a JSON object: {raw[:500]}")
if "errors" in r:
    sys.exit(shape + ": errors in response: " + json.dumps(r["errors"])[:1000])
edges = (((r.get("data") or {}).get("units") or {}).get("edges")) or []
if len(edges) != 50:
    sys.exit(f"{shape}: expected 50 edges, got {len(edges)}")
nodes = [e.get("node") or {} for e in edges]
if any(not n.get("id") or not n.get("number") for n in nodes):
    sys.exit(f"{shape}: a unit without id or number")
if shape == "flat":
    if any(n.get("areaM2") is None or not n.get("type") for n in nodes):
        sys.exit("flat: a unit without areaM2 or type")
elif shape == "nested":
    res = [x for n in nodes for x in (n.get("residents") or [])]
    if not res or any(not x.get("fullName") or not x.get("units") or not x["units"][0]["block"]["name"] for x in res):
        sys.exit("nested: residents/units/block missing")
elif shape == "billing":
    bills = [b for n in nodes for b in (n.get("bills") or [])]
    if len(bills) != 150 or any(not b.get("items") or b.get("total") is None for b in bills) \
            or not any(b.get("payments") for b in bills):
        sys.exit("billing: expected 3 bills per unit with items and some payments")
else:
    sys.exit(f"unknown shape {shape}")
' "$1" "$2"
}

# The private PostgreSQL (no DATABASE_URL) stops when the last klustera process using it
# exits, and a bench drives it with psql and pgbench between klustera commands: so the
# bench counts as one of its users while it runs (the same shared flock(2) the gateway
# takes on <data dir>/pg/users.lock), and at exit a last klustera command, as its last
# user, stops it. Needs BIN and KLUSTERA_DATA_DIR.
hold_private_cluster() {
    mkdir -p "$KLUSTERA_DATA_DIR/pg"
    exec {CLUSTER_LOCK}>>"$KLUSTERA_DATA_DIR/pg/users.lock"
    flock -s "$CLUSTER_LOCK"
    # Started (or reused) by a command; it stays up while the bench holds its lock.
    # Not passed on: a cluster started by this command must not hold the bench's lock.
    env -u DATABASE_URL "$BIN" tenant list {CLUSTER_LOCK}>&- >/dev/null || die "the private PostgreSQL did not start"
}

release_private_cluster() {
    [[ -n "${CLUSTER_LOCK:-}" ]] || return 0
    exec {CLUSTER_LOCK}>&-
    CLUSTER_LOCK=""
    env -u DATABASE_URL "$BIN" tenant list >/dev/null 2>&1 || true
}

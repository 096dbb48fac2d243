# Shared by bench/run.sh and bench/instructions.sh: logging, waiting for the gateway to
# come up, GraphQL over curl. The caller sets BENCH_NAME, BASE (the gateway's URL) and
# SLUG (the tenant) before using them.

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

gql() { # gql <json body> [token]
    local auth=()
    [[ -n "${2:-}" ]] && auth=(-H "authorization: Bearer $2")
    curl -sS --max-time 60 -X POST "$BASE/graphql" \
        -H 'content-type: application/json' -H 'accept: application/json' \
        -H "x-tenant: $SLUG" "${auth[@]}" --data-binary "$1"
}

body_for() { python3 -c 'import json,sys; print(json.dumps({"query": sys.argv[1]}))' "$1"; }

login() { # login <identifier> <password>: prints an access token
    local resp
    resp="$(gql "$(body_for "mutation { login(identifier: \"$1\", password: \"$2\") { accessToken } }")")"
    python3 -c '
import json, sys
r = json.loads(sys.argv[1])
t = ((r.get("data") or {}).get("login") or {}).get("accessToken")
if r.get("errors") or not t:
    sys.exit("login failed: " + sys.argv[1][:500])
print(t)' "$resp" || die "login failed"
}

#!/usr/bin/env bash
# Property-based API tests: runs Schemathesis against the OpenAPI document the server itself
# publishes, once as a citizen and once as a caseworker.
#
#   scripts/schemathesis.sh            # from anywhere; builds, starts a demo server, tests it
#
# Needs: cargo, curl, python3 and `schemathesis` (4.x) on PATH (`.ci/run` installs it).
# The server runs in demo mode on a free port with a throw-away data dir (SQLite) and is
# stopped at exit. Exit status is non-zero if the build, the server start or any check fails.
#
# Tunables (environment):
#   ST_MAX_EXAMPLES   test cases per operation and phase       (default 100)
#   ST_SEED           random seed, for reproducible runs       (default 20240601)
#   ST_PHASES         schemathesis phases                      (default examples,coverage,fuzzing,stateful)
#   ST_WORKERS        concurrent workers                       (default 2)
#   ST_RUN_TIMEOUT    hard limit per schemathesis run, seconds (default 480)
#   ST_REPORT_DIR     JUnit reports + replay cache             (default target/schemathesis)
#   ST_CHECKS         schemathesis --checks list               (default: 5xx + schema/status/content-type conformance)
#   ST_DATABASE_URL   run the server against this database instead of a fresh SQLite file
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

MAX_EXAMPLES="${ST_MAX_EXAMPLES:-100}"
SEED="${ST_SEED:-20240601}"
PHASES="${ST_PHASES:-examples,coverage,fuzzing,stateful}"
WORKERS="${ST_WORKERS:-2}"
RUN_TIMEOUT="${ST_RUN_TIMEOUT:-480}"
REPORT_DIR="${ST_REPORT_DIR:-$ROOT/target/schemathesis}"
CASEWORKER="saksbehandler.gamleoslo"
CHECKS="${ST_CHECKS:-not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance}"

log() { printf '[schemathesis.sh] %s\n' "$*" >&2; }

for tool in cargo curl python3 schemathesis; do
    command -v "$tool" >/dev/null || { log "missing tool: $tool"; exit 2; }
done
log "$(schemathesis --version)"

log "building"
cargo build --quiet --bin dsar
BIN="$ROOT/target/debug/dsar"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/dsar-st.XXXXXX")"
SERVER_PID=""
cleanup() {
    local status=$?
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    if [[ $status -ne 0 && -s "$WORK/server.log" ]]; then
        log "server log (last 40 lines):"
        tail -n 40 "$WORK/server.log" >&2 || true
    fi
    rm -rf "$WORK"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A free port (tiny race window between closing this socket and the server binding it).
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
BASE="http://127.0.0.1:$PORT"

log "starting dsar on $BASE (data dir $WORK/data)"
mkdir -p "$WORK/data"
# Run from the temp dir so a developer's ./dsar.toml is not picked up; drop any DSAR_* that
# could point the server elsewhere.
(
    cd "$WORK"
    exec env -u DSAR_CONFIG -u DSAR_DATABASE_URL -u DSAR_ENVIRONMENT -u DSAR_BASE_URL \
        DSAR_LISTEN="127.0.0.1:$PORT" \
        DSAR_DATA_DIR="$WORK/data" \
        DSAR_DEMO=1 \
        DSAR_INTAKE__PER_ADDRESS_BURST=1000000 DSAR_INTAKE__PER_ADDRESS_PER_HOUR=1000000 \
        DSAR_INTAKE__PER_PERSON_BURST=1000000 DSAR_INTAKE__PER_PERSON_PER_HOUR=1000000 \
        DSAR_LOG_FORMAT=json \
        ${ST_DATABASE_URL:+DSAR_DATABASE_URL="$ST_DATABASE_URL"} \
        "$BIN" serve
) >"$WORK/server.log" 2>&1 </dev/null &
SERVER_PID=$!

deadline=$((SECONDS + 60))
until curl -fsS -o /dev/null --max-time 2 "$BASE/healthz" 2>/dev/null; do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        log "server exited before becoming healthy"
        exit 1
    fi
    if ((SECONDS >= deadline)); then
        log "server not healthy after 60 s"
        exit 1
    fi
    sleep 0.25
done
log "server healthy"

json_field() { # json_field <python expression on `d`> < json
    python3 -c 'import json,sys; d=json.load(sys.stdin); print('"$1"')'
}

token_for() { # token_for <json body>
    curl -fsS --max-time 10 -H 'Content-Type: application/json' -d "$1" "$BASE/dev/token" |
        json_field 'd["access_token"]'
}

PID="$(curl -fsS --max-time 10 "$BASE/dev/personas" | json_field 'd["citizens"][0]["pid"]')"
CITIZEN_TOKEN="$(token_for "{\"pid\":\"$PID\"}")"
STAFF_TOKEN="$(token_for "{\"staff\":\"$CASEWORKER\"}")"
[[ -n "$CITIZEN_TOKEN" && -n "$STAFF_TOKEN" ]] || { log "could not mint demo tokens"; exit 1; }
log "tokens minted (citizen: first demo citizen; staff: $CASEWORKER)"

mkdir -p "$REPORT_DIR"
REPORT_DIR="$(cd "$REPORT_DIR" && pwd)"
failed=()
run_as() { # run_as <label> <token>
    local label=$1 token=$2 started=$SECONDS rc=0
    log "run as $label: phases=$PHASES max-examples=$MAX_EXAMPLES seed=$SEED workers=$WORKERS"
    # Run from the report dir: schemathesis keeps its replay cache (.schemathesis/) and
    # Hypothesis its scratch files (.hypothesis/) in the working directory.
    (cd "$REPORT_DIR" && timeout --kill-after=10 "$RUN_TIMEOUT" \
        schemathesis run "$BASE/openapi.json" \
        --header "Authorization: Bearer $token" \
        --checks "$CHECKS" \
        --phases "$PHASES" \
        --max-examples "$MAX_EXAMPLES" \
        --seed "$SEED" \
        --workers "$WORKERS" \
        --request-timeout 10 \
        --generation-database none \
        --suppress-health-check too_slow,filter_too_much \
        --output-sanitize true \
        --no-color \
        --report junit \
        --report-junit-path "$REPORT_DIR/$label.xml" \
        </dev/null) || rc=$?
    if ((rc == 124 || rc == 137)); then
        log "run as $label: TIMED OUT after ${RUN_TIMEOUT}s"
    fi
    log "run as $label: exit $rc after $((SECONDS - started))s"
    ((rc == 0)) || failed+=("$label")
}

run_as citizen "$CITIZEN_TOKEN"
run_as caseworker "$STAFF_TOKEN"

if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    log "the server died during the run"
    exit 1
fi
if ((${#failed[@]})); then
    log "FAILED: ${failed[*]} (JUnit reports in $REPORT_DIR)"
    exit 1
fi
log "all schemathesis runs passed"

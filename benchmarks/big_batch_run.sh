#!/usr/bin/env bash
# A 50,000-notification police batch posted to the API while 20 signed-in people use the
# casework pages: benchmarks/big_batch_run.sh
#
# The data are those of benchmarks/web_run.sh (seed_demo --children 15000 --years 10
# --episodes 50000, in DATA; seeded here the same way when missing or stale), copied afresh
# for each run, on SQLite. The server is gunicorn as in web_run.sh (5 processes, production
# settings) with the background worker (`manage.py db_worker`) beside it. Each run:
#
#   1. baseline: the load alone (benchmarks/web_load.py, 20 users, 1-3 s think time) on the
#      coordinator's home, a child's record, the caseload, the reconciliation and the
#      indicators page, BASELINE seconds;
#   2. during: the same load, while the batch is posted to the API (answered 202) and taken
#      in by the worker, the receipt read every 15 s as a force would, until it is done;
#   3. before (SYNC=1): a fresh copy, and the batch taken in within the request as before
#      this change (HOMEWARD_INTAKE_QUEUE_OVER above the batch's size, no worker), with the
#      same load while it runs.
#
# Peak memory: the highest VmHWM of the gunicorn processes and of the worker. The body is
# larger than the API's default 20 MB limit (full notifications): the server runs with
# HOMEWARD_API_MAX_BYTES=$API_MAX_BYTES for the run (docs/police-notifications.md).
#
# Environment (defaults): PAGES (home,child,caseload,reconciliation,indicators),
# NOTIFICATIONS (50000), USERS (20), THINK (1-3), BASELINE (120 s),
# WARMUP (30 s), WORKERS (5), PORT (8120), SYNC (1), FLOOR (1: also the load beside a
# process burning one core at nice 10, no database), CHILDREN, YEARS, EPISODES, SEED (as
# web_run.sh), API_MAX_BYTES (64 MiB), DATA (benchmarks/data/web), OUT (benchmarks/out).
# Results: OUT/big_batch_*.json, OUT/web_big_*.json, summary OUT/big_batch_results.txt.
set -euo pipefail

cd "$(dirname "$0")/.."
CHILDREN=${CHILDREN:-15000}
YEARS=${YEARS:-10}
EPISODES=${EPISODES:-50000}
SEED=${SEED:-1}
NOTIFICATIONS=${NOTIFICATIONS:-50000}
USERS=${USERS:-20}
THINK=${THINK:-1-3}
BASELINE=${BASELINE:-120}
WARMUP=${WARMUP:-30}
WORKERS=${WORKERS:-5}
PORT=${PORT:-8120}
SYNC=${SYNC:-1}
API_MAX_BYTES=${API_MAX_BYTES:-67108864}
DATA=${DATA:-benchmarks/data/web}
OUT=${OUT:-benchmarks/out}
PAGES=${PAGES:-home,child,caseload,reconciliation,indicators}
PYTHON=.venv/bin/python
GUNICORN=.venv/bin/gunicorn

[ -x "$GUNICORN" ] || { echo "big_batch_run.sh: $GUNICORN is missing (make install)" >&2; exit 2; }
mkdir -p "$DATA" "$OUT"
DATA=$(cd "$DATA" && pwd)
LOG="$OUT/big_batch_results.txt"
: > "$LOG"
say() { echo "$@" | tee -a "$LOG"; }

if [ ! -s "$DATA/secret_key" ]; then
    "$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(50))' > "$DATA/secret_key"
fi
SECRET=$(cat "$DATA/secret_key")
SEEDED="$DATA/homeward.sqlite3"
WORK="$DATA/big_batch.sqlite3"
SEED_ARGS="--children $CHILDREN --years $YEARS --episodes $EPISODES --seed $SEED"
# The same stamp as web_run.sh: the two share the seeded file.
WANT_STAMP="seed_demo $SEED_ARGS; generator $(sha256sum homeward/cases/demo_data.py | cut -c1-16)"
STAMP="$DATA/.seeded-sqlite"

dev() { env HOMEWARD_DATABASE_URL= HOMEWARD_SQLITE_PATH="$1" HOMEWARD_ENV=development \
    HOMEWARD_SECRET_KEY="$SECRET" "${@:2}"; }
prod_env() {
    echo "HOMEWARD_DATABASE_URL= HOMEWARD_SQLITE_PATH=$WORK HOMEWARD_ENV=production" \
        "HOMEWARD_SECRET_KEY=$SECRET HOMEWARD_ALLOWED_HOSTS=127.0.0.1 HOMEWARD_SSL_REDIRECT=0" \
        "HOMEWARD_CACHE=database HOMEWARD_API_MAX_BYTES=$API_MAX_BYTES"
}
prod() { env $(prod_env) "$@"; }

if [ -f "$STAMP" ] && [ "$(head -1 "$STAMP")" = "$WANT_STAMP" ] &&
    [ -n "$(find "$STAMP" -mtime -7)" ] && [ -s "$SEEDED" ]; then
    say "data: reused, seeded $(sed -n 2p "$STAMP")"
else
    say "data: seeding ($SEED_ARGS)"
    dev "$SEEDED" "$PYTHON" manage.py migrate --noinput --verbosity 0
    dev "$SEEDED" "$PYTHON" manage.py seed_demo $SEED_ARGS --flush > "$OUT/web_seed_sqlite.txt"
    head -1 "$OUT/web_seed_sqlite.txt" | tee -a "$LOG"
    printf '%s\n%s\n' "$WANT_STAMP" "$(date -u +%Y-%m-%dT%H:%MZ)" > "$STAMP"
fi

fresh_copy() {  # the seeded data, migrated to this code, in WORK (SQLite's own backup)
    rm -f "$WORK" "$WORK-wal" "$WORK-shm"
    "$PYTHON" -c 'import sqlite3, sys; s = sqlite3.connect(sys.argv[1]); d = sqlite3.connect(sys.argv[2]); s.backup(d); d.close(); s.close()' \
        "$SEEDED" "$WORK"
    dev "$WORK" "$PYTHON" manage.py migrate --noinput --verbosity 0
    prod "$PYTHON" manage.py createcachetable
    prod "$PYTHON" manage.py shell -c "from django.core.cache import cache; cache.clear()" > /dev/null
}

BODY="$DATA/big_batch_$NOTIFICATIONS.json"
SERVER_PID=""
WORKER_PID=""
stop_all() {
    for pid in "$WORKER_PID" "$SERVER_PID"; do
        [ -n "$pid" ] || continue
        kill -TERM "$pid" 2>/dev/null || true
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    done
    SERVER_PID=""
    WORKER_PID=""
}
trap stop_all EXIT

hwm_mib() {  # the highest VmHWM (peak resident memory) of these processes, in MiB
    local best=0 pid kb
    for pid in "$@"; do
        kb=$(awk '/^VmHWM/{print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
        [ "${kb:-0}" -gt "$best" ] && best=$kb
    done
    echo $((best / 1024))
}

start_server() {  # start_server EXTRA_ENV...: gunicorn with production settings
    rm -f "$OUT/big_batch_gunicorn.pid"
    env $(prod_env) "$@" "$GUNICORN" homeward.site.wsgi:application \
        --bind "127.0.0.1:$PORT" --workers "$WORKERS" --threads 1 --worker-class gthread \
        --timeout 900 --pid "$OUT/big_batch_gunicorn.pid" \
        --error-logfile "$OUT/big_batch_gunicorn.log" &
    SERVER_PID=$!
    for _ in $(seq 1 60); do
        "$PYTHON" -c "import http.client as h; c=h.HTTPConnection('127.0.0.1', $PORT, timeout=2); c.request('GET', '/sign-in/'); exit(c.getresponse().status != 200)" 2>/dev/null && return 0
        sleep 1
    done
    echo "big_batch_run.sh: gunicorn did not start (see $OUT/big_batch_gunicorn.log)" >&2
    exit 1
}

load() {  # load LABEL DURATION [STOP_FILE]
    prod "$PYTHON" benchmarks/web_load.py run --plan "$OUT/big_batch_plan.json" \
        --url "http://127.0.0.1:$PORT" --users "$USERS" --duration "$2" --think "$THINK" \
        --pages "$PAGES" --label "$1" --out "$OUT" ${3:+--stop-file "$3"} || true
}

with_batch() {  # with_batch LABEL: the load while the batch is posted and taken in
    local stop="$OUT/big_batch_$1.stop"
    rm -f "$stop"
    load "$1" 3600 "$stop" > "$OUT/web_$1.log" 2>&1 &
    local load_pid=$!
    sleep 10
    prod "$PYTHON" benchmarks/big_batch.py post --url "http://127.0.0.1:$PORT" \
        --token "$TOKEN" --body "$BODY" --out "$OUT/big_batch_post_$1.json" \
        --stop-file "$stop" | tee -a "$LOG" || true
    touch "$stop"
    wait "$load_pid" || true
    cat "$OUT/web_$1.log" | tee -a "$LOG"
}

say "homeward $(git rev-parse --short HEAD 2>/dev/null || echo '(no git)')$(
    [ -n "$(git status --porcelain -- homeward 2>/dev/null)" ] && echo ' + uncommitted changes')," \
    "$(date -u +%Y-%m-%dT%H:%MZ); $(nproc) CPUs; load average $(cut -d' ' -f1-3 /proc/loadavg)"
prod "$PYTHON" manage.py collectstatic --noinput --verbosity 0

# --- the batch taken in by the worker ---------------------------------------------------------
fresh_copy
if [ ! -s "$BODY" ]; then
    prod "$PYTHON" benchmarks/big_batch.py body --out "$BODY" --count "$NOTIFICATIONS" | tee -a "$LOG"
fi
TOKEN=$(prod "$PYTHON" benchmarks/big_batch.py token)
prod "$PYTHON" benchmarks/web_load.py prepare --out "$OUT/big_batch_plan.json" --users "$USERS" |
    tee -a "$LOG"
start_server
# At a lower CPU priority than the pages, as docs/operations.md's unit runs it (Nice=10).
nice -n 10 env $(prod_env) "$PYTHON" manage.py db_worker --no-reload --no-startup-delay \
    --verbosity 0 &
WORKER_PID=$!  # nice and env exec: this is the worker
say "gunicorn $WORKERS x 1 (gthread) on 127.0.0.1:$PORT and the worker; $USERS users, think $THINK s"
load warmup_big "$WARMUP" > /dev/null
say ""
say "=== baseline: the load alone, $BASELINE s ==="
load big_baseline "$BASELINE" | tee -a "$LOG"
if [ "${FLOOR:-1}" = 1 ]; then
    # The floor: the same load beside a process that only burns one core at the worker's
    # priority (no database at all): what sharing two cores with a busy worker costs the
    # pages whatever the worker does.
    say ""
    say "=== floor: the load beside one core of nice-10 busy work (no database), $BASELINE s ==="
    nice -n 10 "$PYTHON" -c 'while True: pass' &
    BURN_PID=$!
    load big_floor "$BASELINE" | tee -a "$LOG"
    kill "$BURN_PID" 2>/dev/null || true
fi
say ""
say "=== during: the batch posted ($NOTIFICATIONS notifications) and taken in by the worker ==="
with_batch big_during
REFERENCE=$("$PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1]))["batch"])' \
    "$OUT/big_batch_post_big_during.json")
WEB_MIB=$(hwm_mib $(pgrep -P "$SERVER_PID") "$SERVER_PID")
WORKER_MIB=$(hwm_mib "$WORKER_PID")
prod "$PYTHON" benchmarks/big_batch.py stored --reference "$REFERENCE" > "$OUT/big_batch_stored.json"
say "stored: $(cat "$OUT/big_batch_stored.json")"
say "peak memory: web processes (gunicorn, highest) $WEB_MIB MiB; worker $WORKER_MIB MiB"
printf '{"web_peak_mib": %s, "worker_peak_mib": %s}\n' "$WEB_MIB" "$WORKER_MIB" \
    > "$OUT/big_batch_memory.json"
stop_all

# --- before: the batch taken in within the request ------------------------------------------
if [ "$SYNC" = 1 ]; then
    say ""
    say "=== before: the same batch taken in within the request (one transaction) ==="
    fresh_copy
    TOKEN=$(prod "$PYTHON" benchmarks/big_batch.py token)
    prod "$PYTHON" benchmarks/web_load.py prepare --out "$OUT/big_batch_plan.json" \
        --users "$USERS" > /dev/null
    start_server HOMEWARD_INTAKE_QUEUE_OVER=1000000
    load warmup_big_sync "$WARMUP" > /dev/null
    with_batch big_sync
    WEB_MIB=$(hwm_mib $(pgrep -P "$SERVER_PID") "$SERVER_PID")
    say "peak memory: web processes (gunicorn, highest) $WEB_MIB MiB"
    printf '{"web_peak_mib": %s}\n' "$WEB_MIB" > "$OUT/big_batch_memory_sync.json"
    stop_all
fi
say "results: $OUT/big_batch_*.json, $OUT/web_big_*.json, this summary: $LOG"

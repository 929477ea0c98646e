#!/usr/bin/env bash
# The case-management pages under load, on SQLite and on PostgreSQL: benchmarks/web_run.sh
#
# One fictional authority with ten years of records (seed_demo --children 15000 --years 10
# --episodes 50000), served by gunicorn with production settings, 20 signed-in users going
# round the coordinator's home, a child's record, the caseload and the indicators page
# (benchmarks/web_load.py). For each database: migrate, start the server, warm it up, then
# the measured run (think time between a person's requests) and a stress run (no pause).
#
#   benchmarks/web_run.sh                      # from anywhere; runs in the repository root
#   DATABASES=sqlite DURATION=60 benchmarks/web_run.sh
#
# The data are seeded once into DATA (benchmarks/data/web: a SQLite file and a PostgreSQL
# cluster) and reused while the seeding arguments and homeward/cases/demo_data.py are
# unchanged and the data are less than MAX_AGE_DAYS old (the demo is relative to the day it
# was seeded). PostgreSQL's programs come from Debian's packages (installed with apt when
# missing and run as root, like scripts/with-postgres.sh); its cluster listens on
# 127.0.0.1:PG_PORT only and is stopped at the end. Results: OUT/web_*.json and .txt, and
# OUT/web_results.txt (everything printed).
#
# Server: gunicorn with WORKERS single-threaded processes (2 x cores + 1, gunicorn's own
# rule). The pages are CPU-bound Python: threads in one process share its interpreter lock,
# so on 2 cores separate processes answer a short page beside a long one better (measured:
# benchmarks/README.md).
#
# Environment (defaults): CHILDREN (15000), YEARS (10), EPISODES (50000), SEED (1),
# USERS (20), DURATION (120 s), THINK (1-3 s), STRESS_DURATION (60 s; 0: no stress run),
# WARMUP (30 s), WORKERS (5), THREADS (1), PORT (8100), PG_PORT (54331), DATABASES
# ("sqlite postgresql"), DATA, OUT, MAX_AGE_DAYS (7).
set -euo pipefail

cd "$(dirname "$0")/.."
CHILDREN=${CHILDREN:-15000}
YEARS=${YEARS:-10}
EPISODES=${EPISODES:-50000}
SEED=${SEED:-1}
USERS=${USERS:-20}
DURATION=${DURATION:-120}
THINK=${THINK:-1-3}
STRESS_DURATION=${STRESS_DURATION:-60}
WARMUP=${WARMUP:-30}
WORKERS=${WORKERS:-5}
THREADS=${THREADS:-1}
PORT=${PORT:-8100}
PG_PORT=${PG_PORT:-54331}
DATABASES=${DATABASES:-"sqlite postgresql"}
DATA=${DATA:-benchmarks/data/web}
OUT=${OUT:-benchmarks/out}
MAX_AGE_DAYS=${MAX_AGE_DAYS:-7}
PYTHON=.venv/bin/python
GUNICORN=.venv/bin/gunicorn

[ -x "$GUNICORN" ] || { echo "web_run.sh: $GUNICORN is missing (make install)" >&2; exit 2; }
mkdir -p "$DATA" "$OUT"
DATA=$(cd "$DATA" && pwd)
LOG="$OUT/web_results.txt"
: > "$LOG"
say() { echo "$@" | tee -a "$LOG"; }

# The secret key of the benchmark's data: the encrypted fields' keys derive from it, so the
# server must run with the key the data were seeded with. Made once, kept beside the data.
if [ ! -s "$DATA/secret_key" ]; then
    "$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(50))' > "$DATA/secret_key"
fi
SECRET=$(cat "$DATA/secret_key")
SEED_ARGS="--children $CHILDREN --years $YEARS --episodes $EPISODES --seed $SEED"
WANT_STAMP="seed_demo $SEED_ARGS; generator $(sha256sum homeward/cases/demo_data.py | cut -c1-16)"

# --- PostgreSQL: a private cluster in DATA/pg ------------------------------------------------
PG_STARTED=no
RUN=()
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
pg_start() {
    PGBIN=$(pg_bin)
    if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/postgres" ]; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
            echo "installing PostgreSQL (apt-get install postgresql)"
            apt-get update -q >/dev/null && apt-get install -y -q postgresql >/dev/null
            PGBIN=$(pg_bin)
        else
            echo "web_run.sh: PostgreSQL's server programs are needed (apt-get install postgresql)" >&2
            exit 2
        fi
    fi
    if [ "$(id -u)" = 0 ]; then
        id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
        RUN=(runuser -u postgres --)
    fi
    if [ ! -s "$DATA/pg/data/PG_VERSION" ]; then
        rm -rf "$DATA/pg"
        mkdir -p "$DATA/pg"
        [ "$(id -u)" = 0 ] && chown postgres "$DATA/pg"
        "${RUN[@]}" "$PGBIN/initdb" -D "$DATA/pg/data" -A trust -U homeward -E UTF8 \
            --no-locale >/dev/null
    fi
    # PostgreSQL's defaults (fsync and synchronous commit on), on loopback only.
    "${RUN[@]}" "$PGBIN/pg_ctl" -D "$DATA/pg/data" -l "$DATA/pg/server.log" -w \
        -o "-h 127.0.0.1 -p $PG_PORT -k $DATA/pg" start >/dev/null
    PG_STARTED=yes
    "${RUN[@]}" "$PGBIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U homeward -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = 'homeward'" | grep -q 1 ||
        "${RUN[@]}" "$PGBIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U homeward homeward
}
pg_stop() {
    if [ "$PG_STARTED" = yes ]; then
        "${RUN[@]}" "$PGBIN/pg_ctl" -D "$DATA/pg/data" -m fast -w stop >/dev/null 2>&1 || true
        PG_STARTED=no
    fi
}

SERVER_PID=""
server_stop() {  # gunicorn's master stops its workers on SIGTERM
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 30); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 1; done
        SERVER_PID=""
    fi
}
cleanup() { server_stop; pg_stop; }
trap cleanup EXIT

# The environment of one database: seeding uses the development settings (seed_demo refuses
# production), the server production settings, both with the data's secret key.
db_env() {
    case "$1" in
        sqlite) echo "HOMEWARD_DATABASE_URL= HOMEWARD_SQLITE_PATH=$DATA/homeward.sqlite3" ;;
        postgresql) echo "HOMEWARD_DATABASE_URL=postgresql://homeward@127.0.0.1:$PG_PORT/homeward" ;;
    esac
}
dev() { env $(db_env "$1") HOMEWARD_ENV=development HOMEWARD_SECRET_KEY="$SECRET" "${@:2}"; }
prod_env() {
    echo "$(db_env "$1") HOMEWARD_ENV=production HOMEWARD_SECRET_KEY=$SECRET" \
        "HOMEWARD_ALLOWED_HOSTS=127.0.0.1 HOMEWARD_SSL_REDIRECT=0 HOMEWARD_CACHE=database"
}
prod() { env $(prod_env "$1") "${@:2}"; }

seed() {  # seed DB: seed (or reuse) the data of one database
    local db=$1 stamp="$DATA/.seeded-$1" reuse=no
    if [ -f "$stamp" ] && [ "$(head -1 "$stamp")" = "$WANT_STAMP" ] &&
        [ -n "$(find "$stamp" -mtime -"$MAX_AGE_DAYS")" ]; then
        reuse=yes
    fi
    dev "$db" "$PYTHON" manage.py migrate --noinput --verbosity 0
    if [ "$reuse" = yes ]; then
        say "data ($db): reused, seeded $(sed -n 2p "$stamp")"
    else
        say "data ($db): seeding ($SEED_ARGS)"
        dev "$db" "$PYTHON" manage.py seed_demo $SEED_ARGS --flush > "$OUT/web_seed_$db.txt"
        head -1 "$OUT/web_seed_$db.txt" | tee -a "$LOG"
        if [ "$db" = postgresql ]; then
            # What a bulk load needs before it is queried (autovacuum would get there in
            # time): planner statistics and the visibility map for index-only scans.
            "${RUN[@]}" "$PGBIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U homeward -d homeward -qc \
                "VACUUM ANALYZE"
        fi
        printf '%s\n%s\n' "$WANT_STAMP" "$(date -u +%Y-%m-%dT%H:%MZ)" > "$stamp"
    fi
}

cpu_of() {  # busy CPU seconds of a process and its children (utime + stime)
    local total=0 pid
    for pid in "$1" $(pgrep -P "$1" || true); do
        [ -r "/proc/$pid/stat" ] || continue
        total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
    done
    echo "$total"
}
machine_busy() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9; exit}' /proc/stat; }

measure() {  # measure DB LABEL THINK DURATION: one run of the load, with CPU accounting
    local db=$1 label=$2 think=$3 duration=$4 before busy_before
    before=$(cpu_of "$SERVER_PID")
    busy_before=$(machine_busy)
    prod "$db" "$PYTHON" benchmarks/web_load.py run --plan "$OUT/web_plan_$db.json" \
        --url "http://127.0.0.1:$PORT" --users "$USERS" --duration "$duration" \
        --think "$think" --label "$label" --out "$OUT" | tee -a "$LOG" || FAILED=yes
    local server=$(( $(cpu_of "$SERVER_PID") - before )) busy=$(( $(machine_busy) - busy_before ))
    local hz; hz=$(getconf CLK_TCK)
    "$PYTHON" - "$OUT/web_$label.json" "$server" "$busy" "$hz" <<'PY' | tee -a "$LOG"
import json, sys
path, server, busy, hz = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
data = json.load(open(path))
done = data["pages"]["all"]["count"]
elapsed = data["meta"]["elapsed_s"]
data["meta"]["server_cpu_s"] = round(server / hz, 1)
data["meta"]["machine_busy_cpu_s"] = round(busy / hz, 1)
json.dump(data, open(path, "w"), indent=1)
print(f"gunicorn CPU: {server / hz:.1f} s for {done} requests ({1000 * server / hz / max(done, 1):.0f} ms a "
      f"request); whole machine busy {busy / hz:.1f} CPU s in {elapsed:.0f} s "
      f"({busy / hz / elapsed:.2f} of 2 cores), load generator and database included\n")
PY
}

FAILED=no
say "homeward $(git rev-parse --short HEAD 2>/dev/null || echo '(no git)')$(
    [ -n "$(git status --porcelain -- homeward 2>/dev/null)" ] && echo ' + uncommitted changes')," \
    "$(date -u +%Y-%m-%dT%H:%MZ); $(nproc) CPUs, $(awk '/MemTotal/{printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
say "gunicorn $WORKERS workers x $THREADS threads (gthread), production settings, HTTP on" \
    "127.0.0.1:$PORT; $USERS users, think $THINK s, $DURATION s measured"
prod sqlite "$PYTHON" manage.py collectstatic --noinput --verbosity 0

for db in $DATABASES; do
    say ""
    say "=== $db ==="
    [ "$db" = postgresql ] && pg_start && say "$("${PGBIN}/postgres" --version) on 127.0.0.1:$PG_PORT"
    seed "$db"
    prod "$db" "$PYTHON" manage.py createcachetable
    # A cold cache: the warm-up computes the indicators' tables once.
    prod "$db" "$PYTHON" manage.py shell -c "from django.core.cache import cache; cache.clear()" \
        > /dev/null
    prod "$db" "$PYTHON" benchmarks/web_load.py prepare --out "$OUT/web_plan_$db.json" \
        --users "$USERS" | tee -a "$LOG"
    rm -f "$OUT/web_gunicorn.pid"
    env $(prod_env "$db") "$GUNICORN" homeward.site.wsgi:application \
        --bind "127.0.0.1:$PORT" --workers "$WORKERS" --threads "$THREADS" \
        --worker-class gthread --pid "$OUT/web_gunicorn.pid" \
        --error-logfile "$OUT/web_gunicorn_$db.log" &
    SERVER_PID=$!  # env execs gunicorn: this is its master
    for _ in $(seq 1 60); do
        "$PYTHON" -c "import http.client as h; c=h.HTTPConnection('127.0.0.1', $PORT, timeout=2); c.request('GET', '/sign-in/'); exit(c.getresponse().status != 200)" 2>/dev/null && break
        sleep 1
    done
    [ "$(cat "$OUT/web_gunicorn.pid" 2>/dev/null)" = "$SERVER_PID" ] || {
        echo "web_run.sh: gunicorn did not start (see $OUT/web_gunicorn_$db.log)" >&2
        exit 1
    }
    say "warm-up: $WARMUP s"
    prod "$db" "$PYTHON" benchmarks/web_load.py run --plan "$OUT/web_plan_$db.json" \
        --url "http://127.0.0.1:$PORT" --users "$USERS" --duration "$WARMUP" --think 0.2-1 \
        --label "warmup_$db" --out "$OUT" > /dev/null || true
    measure "$db" "$db" "$THINK" "$DURATION"
    if [ "$STRESS_DURATION" != 0 ]; then
        measure "$db" "${db}_nothink" 0 "$STRESS_DURATION"
    fi
    server_stop
    [ "$db" = postgresql ] && pg_stop
done
say "results: $OUT/web_*.json, $OUT/web_*.txt, this summary: $LOG"
[ "$FAILED" = no ]

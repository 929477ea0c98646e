#!/usr/bin/env bash
# Police notification intake at an authority's scale: benchmarks/intake_run.sh
#
# The target (from the issue): a batch of 10,000 notifications against 50,000 children
# classified, matched and stored in at most 20 s on SQLite; a single API notification
# answered at p95 under 100 ms.
#
#   benchmarks/intake_run.sh            # from anywhere; runs in the repository root
#   N_RUNS=3 API_REQUESTS=500 benchmarks/intake_run.sh
#
# 1. The data, once (DATA, reused while the stamp matches): a migrated SQLite database with
#    a home authority, a police force, a coordinator, CHILDREN children from
#    `homeward.police.quality.population` (some looked after) and their blocking keys; a CSV
#    of NOTIFICATIONS notifications; the API's request bodies (benchmarks/intake_bench.py
#    prepare).
# 2. `homeward intake notifications.csv` N_RUNS times under /usr/bin/time -v, each on a fresh
#    copy of the prepared database (every run starts equal): Python start, Django set-up,
#    parse, classify, match, store, receipt.
# 3. One in-process run timed by stage (parse / classify + match / store).
# 4. The peer, N_PEER times: the pure core alone in memory (parse, classify, a CandidateIndex
#    of the children, rank), and whether its best candidate and band per notification equal
#    what homeward stored (on the last run's database).
# 5. The API: gunicorn with production settings (WORKERS gthread workers) on a copy of the
#    last run's database (50,000 children, 10,000 reports), a force token, a warm-up, then
#    API_REQUESTS single notifications one at a time over one kept-alive connection (about
#    10 % resends), then API_REQUESTS more from 4 senders at once.
#
# Everything runs with production settings (HOMEWARD_ENV=production, a secret key and field
# salts kept beside the data: the encrypted fields need the key they were written with).
# Results: OUT/intake_*.json and .txt; the summary in OUT/intake_results.txt.
#
# Environment (defaults): CHILDREN (50000), NOTIFICATIONS (10000), SEED (1), N_RUNS (5),
# N_PEER (3), WORKERS (3), PORT (8110), CONCURRENCY (4), API_REQUESTS (1000), DATA
# (benchmarks/data/intake), OUT (benchmarks/out).
set -euo pipefail

cd "$(dirname "$0")/.."
CHILDREN=${CHILDREN:-50000}
NOTIFICATIONS=${NOTIFICATIONS:-10000}
SEED=${SEED:-1}
N_RUNS=${N_RUNS:-5}
N_PEER=${N_PEER:-3}
WORKERS=${WORKERS:-3}
PORT=${PORT:-8110}
CONCURRENCY=${CONCURRENCY:-4}
API_REQUESTS=${API_REQUESTS:-1000}
DATA=${DATA:-benchmarks/data/intake}
OUT=${OUT:-benchmarks/out}
PYTHON=.venv/bin/python
HOMEWARD=.venv/bin/homeward
GUNICORN=.venv/bin/gunicorn
TIME=/usr/bin/time
BENCH=benchmarks/intake_bench.py

[ -x "$GUNICORN" ] || { echo "intake_run.sh: $GUNICORN is missing (make install)" >&2; exit 2; }
mkdir -p "$DATA" "$OUT"
DATA=$(cd "$DATA" && pwd)
WORK="$DATA/work"
mkdir -p "$WORK"
LOG="$OUT/intake_results.txt"
: > "$LOG"
say() { echo "$@" | tee -a "$LOG"; }

if [ ! -s "$DATA/secret_key" ]; then
    "$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(50))' > "$DATA/secret_key"
fi
SECRET=$(cat "$DATA/secret_key")
export HOMEWARD_ENV=production HOMEWARD_SECRET_KEY="$SECRET" \
    HOMEWARD_FIELD_SALTS=intake-benchmark-salt HOMEWARD_ALLOWED_HOSTS=127.0.0.1 \
    HOMEWARD_SSL_REDIRECT=0 HOMEWARD_DATABASE_URL=
unset HOMEWARD_SQLITE_PATH
on() { HOMEWARD_SQLITE_PATH="$1" "${@:2}"; }  # on DB COMMAND...: with that database

# A consistent single-file copy of a SQLite database (WAL checkpointed into the main file).
checkpoint() {
    "$PYTHON" -c "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute('PRAGMA wal_checkpoint(TRUNCATE)'); c.close()" "$1"
}
copy_db() {  # copy_db FROM TO
    rm -f "$2" "$2-wal" "$2-shm"
    cp "$1" "$2"
}

# --- 1. the data ------------------------------------------------------------------------------
WANT_STAMP="prepare --children $CHILDREN --notifications $NOTIFICATIONS --seed $SEED; $(
    cat "$BENCH" homeward/police/*.py homeward/*/migrations/*.py | sha256sum | cut -c1-16)"
if [ -s "$DATA/homeward.sqlite3" ] && [ -s "$DATA/notifications.csv" ] &&
    [ -f "$DATA/.prepared" ] && [ "$(cat "$DATA/.prepared")" = "$WANT_STAMP" ]; then
    say "data: $DATA reused ($(cat "$DATA/meta.json" | tr -d '\n ' | cut -c1-200))"
else
    say "data: preparing in $DATA"
    rm -f "$DATA/homeward.sqlite3" "$DATA/homeward.sqlite3-wal" "$DATA/homeward.sqlite3-shm" \
        "$DATA/.prepared"
    on "$DATA/homeward.sqlite3" "$PYTHON" "$BENCH" prepare --data "$DATA" \
        --children "$CHILDREN" --notifications "$NOTIFICATIONS" --seed "$SEED" | tee -a "$LOG"
    checkpoint "$DATA/homeward.sqlite3"
    echo "$WANT_STAMP" > "$DATA/.prepared"
fi
CSV="$DATA/notifications.csv"
SOURCE=$(git rev-parse --short HEAD 2>/dev/null || echo "no git")
if [ -n "$(git status --porcelain -- homeward 2>/dev/null)" ]; then
    SOURCE="$SOURCE + uncommitted changes in homeward/"
fi
say "homeward $SOURCE, $(date -u +%Y-%m-%dT%H:%MZ); $(nproc) CPUs," \
    "$(awk '/MemTotal/{printf "%.1f GiB", $2/1048576}' /proc/meminfo);" \
    "$(wc -l < "$CSV") lines in $(basename "$CSV") ($(du -k "$CSV" | cut -f1) kB)," \
    "database $(du -m "$DATA/homeward.sqlite3" | cut -f1) MB"
cat "$CSV" "$DATA/homeward.sqlite3" > /dev/null  # into the page cache
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
say "load average before: $LOAD_BEFORE"

# --- 2. homeward intake, end to end -------------------------------------------------------------
rm -f "$OUT"/intake_time_*.txt "$OUT"/intake_peer_time_*.txt
say ""
say "homeward intake: $N_RUNS runs, each on a fresh copy of the database"
for run in $(seq 1 "$N_RUNS"); do
    copy_db "$DATA/homeward.sqlite3" "$WORK/run.sqlite3"
    status=0
    on "$WORK/run.sqlite3" "$TIME" -v -o "$OUT/intake_time_$run.txt" \
        "$HOMEWARD" intake "$CSV" > "$OUT/intake_log_$run.txt" 2>&1 || status=$?
    if [ "$status" != 0 ]; then
        echo "intake_run.sh: homeward intake run $run exited $status:" >&2
        tail -20 "$OUT/intake_log_$run.txt" >&2
        exit 1
    fi
    say "  run $run: $(sed -n 's/.*Elapsed (wall clock) time.*: //p' "$OUT/intake_time_$run.txt")," \
        "$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$OUT/intake_time_$run.txt") kB;" \
        "$(head -1 "$OUT/intake_log_$run.txt")"
done
checkpoint "$WORK/run.sqlite3"
LOAD_AFTER_RUNS=$(cut -d' ' -f1-3 /proc/loadavg)

# --- 3. where the time goes ---------------------------------------------------------------------
copy_db "$DATA/homeward.sqlite3" "$WORK/stages.sqlite3"
on "$WORK/stages.sqlite3" "$PYTHON" "$BENCH" stages --data "$DATA" \
    --out "$OUT/intake_stages.json" | tee -a "$LOG"
rm -f "$WORK/stages.sqlite3"*

# --- 4. the peer and the agreement ---------------------------------------------------------
say "peer (pure core in memory): $N_PEER runs"
for run in $(seq 1 "$N_PEER"); do
    "$TIME" -v -o "$OUT/intake_peer_time_$run.txt" "$PYTHON" "$BENCH" peer --data "$DATA" \
        --out "$OUT/intake_peer_$run.json" | tee -a "$LOG"
done
on "$WORK/run.sqlite3" "$PYTHON" "$BENCH" agree --peer "$OUT/intake_peer_1.json" \
    --out "$OUT/intake_agree.json" | tee -a "$LOG" || true

# --- 5. the API -----------------------------------------------------------------------------
copy_db "$WORK/run.sqlite3" "$WORK/api.sqlite3"
TOKEN=$(on "$WORK/api.sqlite3" "$PYTHON" "$BENCH" token)
SERVER_PID=""
server_stop() {  # gunicorn's master stops its workers on SIGTERM
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 30); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 1; done
        SERVER_PID=""
    fi
}
trap server_stop EXIT
rm -f "$OUT/intake_gunicorn.pid"
HOMEWARD_SQLITE_PATH="$WORK/api.sqlite3" "$GUNICORN" homeward.site.wsgi:application \
    --bind "127.0.0.1:$PORT" --workers "$WORKERS" --threads 1 --worker-class gthread \
    --pid "$OUT/intake_gunicorn.pid" --error-logfile "$OUT/intake_gunicorn.log" &
SERVER_PID=$!
for _ in $(seq 1 60); do
    "$PYTHON" -c "import http.client as h; c=h.HTTPConnection('127.0.0.1', $PORT, timeout=2); c.request('GET', '/api/v1/openapi.json'); exit(c.getresponse().status != 200)" 2>/dev/null && break
    sleep 1
done
[ "$(cat "$OUT/intake_gunicorn.pid" 2>/dev/null)" = "$SERVER_PID" ] || {
    echo "intake_run.sh: gunicorn did not start (see $OUT/intake_gunicorn.log)" >&2
    exit 1
}
say ""
say "API: gunicorn $WORKERS workers x 1 thread (gthread), production settings, on a copy of" \
    "the database after the batch"
API_FAILED=no
"$PYTHON" "$BENCH" api --url "http://127.0.0.1:$PORT" --token "$TOKEN" \
    --bodies "$DATA/api_bodies.json" --set warmup --concurrency "$WORKERS" \
    --out "$OUT/intake_api_warmup.json" > /dev/null || API_FAILED=yes
"$PYTHON" "$BENCH" api --url "http://127.0.0.1:$PORT" --token "$TOKEN" \
    --bodies "$DATA/api_bodies.json" --set single --requests "$API_REQUESTS" --concurrency 1 \
    --out "$OUT/intake_api_1.json" | tee -a "$LOG" || API_FAILED=yes
"$PYTHON" "$BENCH" api --url "http://127.0.0.1:$PORT" --token "$TOKEN" \
    --bodies "$DATA/api_bodies.json" --set concurrent --requests "$API_REQUESTS" \
    --concurrency "$CONCURRENCY" --out "$OUT/intake_api_$CONCURRENCY.json" | tee -a "$LOG" ||
    API_FAILED=yes
server_stop
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# --- summary --------------------------------------------------------------------------------
OUT=$OUT N_RUNS=$N_RUNS CONCURRENCY=$CONCURRENCY LOAD_BEFORE=$LOAD_BEFORE \
LOAD_AFTER_RUNS=$LOAD_AFTER_RUNS LOAD_AFTER=$LOAD_AFTER SOURCE=$SOURCE \
"$PYTHON" - <<'PY' | tee -a "$LOG"
import glob, json, os, re, statistics

out = os.environ["OUT"]


def seconds(text):
    total = 0.0
    for part in text.split(":"):
        total = total * 60 + float(part)
    return total


def timed(pattern):
    rows = []
    for path in sorted(glob.glob(pattern)):
        text = open(path).read()
        wall = seconds(re.search(r"Elapsed \(wall clock\) time.*: (\S+)", text).group(1))
        rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
        cpu = sum(float(x) for x in re.findall(r"(?:User|System) time \(seconds\): (\S+)", text))
        rows.append((wall, rss / 1024, cpu))
    return rows


runs = timed(f"{out}/intake_time_*.txt")
walls = [w for w, _, _ in runs]
median = statistics.median(walls)
rss = max(r for _, r, _ in runs)
stages = json.load(open(f"{out}/intake_stages.json"))["seconds"]
peers = [json.load(open(p)) for p in sorted(glob.glob(f"{out}/intake_peer_*.json"))]
peer_times = timed(f"{out}/intake_peer_time_*.txt")
peer_work = statistics.median(p["seconds"]["work_s"] for p in peers)
peer_wall = statistics.median(w for w, _, _ in peer_times)
agree = json.load(open(f"{out}/intake_agree.json"))
api1 = json.load(open(f"{out}/intake_api_1.json"))
apin = json.load(open(f"{out}/intake_api_{os.environ['CONCURRENCY']}.json"))

print()
print(f"homeward {os.environ['SOURCE']}; load average before {os.environ['LOAD_BEFORE']}, "
      f"after the batch runs {os.environ['LOAD_AFTER_RUNS']}, at the end {os.environ['LOAD_AFTER']}")
print(f"homeward intake (end to end, {len(runs)} runs): median {median:.2f} s, range "
      f"{min(walls):.2f}-{max(walls):.2f} s, median CPU {statistics.median(c for _, _, c in runs):.2f} s, "
      f"peak RSS {rss:.0f} MiB")
print(f"  one in-process run: Django set-up {stages['django_setup_s']:.2f} s, parse "
      f"{stages['parse_s']:.2f} s, classify + match {stages['classify_match_s']:.2f} s "
      f"(classify {stages['classify_s']:.2f}, match {stages['match_s']:.2f}, of which rank "
      f"{stages['match_rank_s']:.2f}), store {stages['store_s']:.2f} s "
      f"(+ existing reports {stages['existing_reports_s']:.2f} s)")
print(f"peer (pure core, in memory, {len(peers)} runs): work median {peer_work:.2f} s "
      f"(parse {statistics.median(p['seconds']['parse_s'] for p in peers):.2f}, classify "
      f"{statistics.median(p['seconds']['classify_s'] for p in peers):.2f}, index "
      f"{statistics.median(p['seconds']['index_s'] for p in peers):.2f}, match "
      f"{statistics.median(p['seconds']['match_s'] for p in peers):.2f}); whole process "
      f"{peer_wall:.2f} s, peak RSS {max(r for _, r, _ in peer_times):.0f} MiB")
print(f"agreement with the peer: {agree['agree']:,} of {agree['notifications']:,}")
for label, row in (("1 sender", api1), (f"{apin['concurrency']} senders", apin)):
    print(f"API {label}: {row['requests']} requests ({row['resends']} resends): p50 "
          f"{row['p50_ms']} ms, p95 {row['p95_ms']} ms, p99 {row['p99_ms']} ms, max "
          f"{row['max_ms']} ms, {row['per_second']}/s; statuses {row['statuses']}")
print()
print(f"target batch <= 20 s:          {'met' if median <= 20 else 'NOT met'} (median {median:.2f} s)")
print(f"target API p95 < 100 ms:       {'met' if api1['p95_ms'] < 100 else 'NOT met'} "
      f"(one sender {api1['p95_ms']} ms; {apin['concurrency']} senders {apin['p95_ms']} ms)")
ok = all(set(r["statuses"]) <= {"200", "201"} for r in (api1, apin))
print(f"every API answer 201 or 200:   {'yes' if ok else 'NO'}")
PY
say "results: $OUT/intake_*.json, $OUT/intake_*.txt; this summary: $LOG"
[ "$API_FAILED" = no ]

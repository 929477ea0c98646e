#!/usr/bin/env bash
# Importing a full-size Standard Safeguarding Dataset extract: benchmarks/ssd_import_run.sh
#
#   benchmarks/ssd_import_run.sh                    # 100,000 persons, SQLite
#   PERSONS=20000 benchmarks/ssd_import_run.sh
#   EXTRACT=DIR benchmarks/ssd_import_run.sh        # another extract (homeward synth ssd DIR)
#   HOMEWARD_DATABASE_URL=postgres://... benchmarks/ssd_import_run.sh   # PostgreSQL
#
# 1. An extract of PERSONS made-up persons (benchmarks/ssd_import.py prepare), once.
# 2. `homeward import-ssd DIR` on a fresh migrated database with only the home authority,
#    under /usr/bin/time -v (wall time, CPU time and peak memory); then again on the same
#    extract (every row unchanged: the daily re-import).
# 3. The peer, the floor (benchmarks/ssd_import_peer.py): the same CSV files into bare
#    tables of the same database (executemany on SQLite, COPY on PostgreSQL), then read
#    back and compared; no checks, encryption, matching, children or episodes.
# `uptime` is printed first: the figures only mean something beside the load average.
set -euo pipefail

cd "$(dirname "$0")/.."
PERSONS=${PERSONS:-100000}
DATA=${DATA:-benchmarks/data/ssd}
OUT=${OUT:-benchmarks/out}
mkdir -p "$DATA" "$OUT"
EXTRACT=${EXTRACT:-$DATA/extract-$PERSONS}  # or any extract, e.g. one `homeward synth ssd` wrote
[ -f "$EXTRACT/ssd_missing.csv" ] || .venv/bin/python benchmarks/ssd_import.py prepare "$PERSONS" "$EXTRACT"
du -sh "$EXTRACT"

# Production settings, as the daily job runs (with DEBUG on, Django keeps every query's SQL,
# the import's record with its trace of ids included). The encrypted fields need the secret
# key and salts they were written with: both kept beside the data.
[ -s "$DATA/secret_key" ] || .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))' > "$DATA/secret_key"
export HOMEWARD_ENV=production HOMEWARD_SECRET_KEY="$(cat "$DATA/secret_key")" \
    HOMEWARD_FIELD_SALTS=ssd-benchmark-salt HOMEWARD_ALLOWED_HOSTS=127.0.0.1 HOMEWARD_SSL_REDIRECT=0
if [ -z "${HOMEWARD_DATABASE_URL:-}" ]; then
  export HOMEWARD_DATABASE_URL= HOMEWARD_SQLITE_PATH="$DATA/ssd.sqlite3"
  rm -f "$HOMEWARD_SQLITE_PATH"
  NAME=sqlite
else
  .venv/bin/python manage.py flush --noinput --verbosity 0 || true
  NAME=postgres
fi
.venv/bin/python manage.py migrate --noinput --verbosity 0
.venv/bin/python benchmarks/ssd_import.py authority
uptime
for run in first reload; do
  /usr/bin/time -v .venv/bin/homeward import-ssd "$EXTRACT" 2> "$OUT/ssd_${NAME}_$run.time" \
    | tee "$OUT/ssd_${NAME}_$run.txt"
  grep -E "Elapsed|User time|System time|Maximum resident" "$OUT/ssd_${NAME}_$run.time"
done
uptime
for run in load reload; do
  /usr/bin/time -v .venv/bin/python benchmarks/ssd_import_peer.py "$run" "$EXTRACT" \
    2> "$OUT/ssd_${NAME}_peer_$run.time"
  grep -E "Elapsed|User time|System time|Maximum resident" "$OUT/ssd_${NAME}_peer_$run.time"
done
uptime

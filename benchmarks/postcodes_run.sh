#!/usr/bin/env bash
# Loading a full-size ONS Postcode Directory: benchmarks/postcodes_run.sh
#
#   benchmarks/postcodes_run.sh                 # 2,700,000 rows, as a 2025 release
#   ROWS=500000 benchmarks/postcodes_run.sh
#
# 1. An ONSPD-shaped CSV of ROWS made-up postcodes, 53 columns wide, about 1 % terminated and
#    0.5 % without a grid reference (benchmarks/postcodes_bench.py prepare), once.
# 2. `homeward load-postcodes FILE` on a fresh migrated SQLite database, under
#    /usr/bin/time -v (wall time and peak memory); then again on the loaded table (every
#    postcode unchanged: the idempotent reload).
# 3. The peer: Polars reading the same file and keeping the same rows, no checks, no
#    database (postcodes_bench.py peer).
set -euo pipefail

cd "$(dirname "$0")/.."
ROWS=${ROWS:-2700000}
DATA=${DATA:-benchmarks/data/postcodes}
OUT=${OUT:-benchmarks/out}
mkdir -p "$DATA" "$OUT"
FILE="$DATA/onspd-$ROWS.csv"
[ -f "$FILE" ] || .venv/bin/python benchmarks/postcodes_bench.py prepare "$ROWS" "$FILE"
ls -l "$FILE"

export HOMEWARD_ENV=development HOMEWARD_DATABASE_URL= HOMEWARD_SQLITE_PATH="$DATA/postcodes.sqlite3"
rm -f "$HOMEWARD_SQLITE_PATH"
.venv/bin/python manage.py migrate --noinput --verbosity 0
for run in first reload; do
  /usr/bin/time -v .venv/bin/homeward load-postcodes "$FILE" 2> "$OUT/postcodes_$run.time" \
    | tee "$OUT/postcodes_$run.txt"
  grep -E "Elapsed|Maximum resident" "$OUT/postcodes_$run.time"
done
.venv/bin/python benchmarks/postcodes_bench.py peer "$FILE" | tee "$OUT/postcodes_peer.txt"

#!/usr/bin/env bash
# Serve the demo: the background worker (`manage.py db_worker`, which takes in big police
# batches) beside Django's runserver, on the database of the environment. Ctrl-C, or the
# server stopping for any reason, stops both. Used by `make demo` and `make serve`
# (docs/operations.md).
#
#   scripts/serve-demo.sh [ADDRESS:PORT]      # default 127.0.0.1:8000
set -euo pipefail

cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
ADDRESS=${1:-127.0.0.1:8000}

# A batch whose worker was stopped part way (the last demo ended mid-batch) goes on.
"$PY" manage.py intake_resume
# At a lower CPU priority than the pages (as the production unit runs it).
nice -n 10 "$PY" manage.py db_worker --no-reload --no-startup-delay --verbosity 0 &
WORKER=$!  # nice execs the worker: this is its process
stop_worker() {
    if kill -0 "$WORKER" 2>/dev/null; then
        # SIGTERM: it stops between tasks, or at once in a task (the chunk being stored is
        # rolled back, and taken in again next time).
        kill -TERM "$WORKER" 2>/dev/null || true
        kill -TERM "$WORKER" 2>/dev/null || true
    fi
    wait "$WORKER" 2>/dev/null || true
}
trap stop_worker EXIT
echo "Background worker started (process $WORKER); serving on http://$ADDRESS/ (Ctrl-C stops both)"
"$PY" manage.py runserver "$ADDRESS" --noreload

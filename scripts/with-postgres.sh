#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL server: scripts/with-postgres.sh CMD ARGS...
#
# Starts a private cluster in a temporary directory (PostgreSQL from Debian's packages,
# installed with apt when missing and run as root), listening on 127.0.0.1 only, runs the
# command with HOMEWARD_DATABASE_URL pointing at it, then stops the server and removes the
# directory whatever the command's result. Used by `make test` so the suite runs on
# PostgreSQL as well as on SQLite.
set -euo pipefail

find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
PGBIN=$(find_bin)
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/postgres" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "installing PostgreSQL for the tests (apt-get install postgresql)"
        apt-get update -q >/dev/null && apt-get install -y -q postgresql >/dev/null
        PGBIN=$(find_bin)
    else
        echo "The PostgreSQL test run needs PostgreSQL's server programs:" >&2
        echo "  Debian/Ubuntu: sudo apt-get install postgresql" >&2
        exit 1
    fi
fi

PORT=${HOMEWARD_TEST_PG_PORT:-54329}
DIR=$(mktemp -d /tmp/homeward-pg.XXXXXX)
RUN=()
if [ "$(id -u)" = 0 ]; then
    # PostgreSQL refuses to run as root: the cluster belongs to the postgres user.
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown postgres "$DIR"
    RUN=(runuser -u postgres --)
fi
cleanup() {
    "${RUN[@]}" "$PGBIN/pg_ctl" -D "$DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$DIR"
}
trap cleanup EXIT

"${RUN[@]}" "$PGBIN/initdb" -D "$DIR/data" -A trust -U homeward -E UTF8 --no-locale >/dev/null
"${RUN[@]}" "$PGBIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w \
    -o "-h 127.0.0.1 -p $PORT -k $DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null
"${RUN[@]}" "$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U homeward homeward

export HOMEWARD_DATABASE_URL="postgresql://homeward@127.0.0.1:$PORT/homeward"
VERSION=$("$PGBIN/postgres" --version)
echo "$VERSION on 127.0.0.1:$PORT"
"$@"

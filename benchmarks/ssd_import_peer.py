"""The floor of the SSD import: `benchmarks/ssd_import_peer.py load|reload DIR`.

The peer of `homeward import-ssd` (benchmarks/README.md, "Importing the case system's SSD
extract"): the same extract's nine CSV files into bare tables of the same database, with
no Django, no checks, no code lists, no encryption, no matching, no children or episodes:

- `load DIR`: drop and create one table per file (every column text, the file's header,
  the first column the primary key), then insert every row: `executemany` on SQLite
  (HOMEWARD_SQLITE_PATH), COPY on PostgreSQL (HOMEWARD_DATABASE_URL), in one
  transaction, as the import does.
- `reload DIR`: read the files again, read every stored row back, and count the rows
  unchanged (compared whole, as tuples of text); write nothing. The floor of an unchanged
  re-import that compares every row.

Timed with `/usr/bin/time -v` by `benchmarks/ssd_import_run.sh` (PEER=1).
"""

from __future__ import annotations

import csv
import os
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

TABLES = (
    "ssd_person",
    "ssd_linked_identifiers",
    "ssd_address",
    "ssd_legal_status",
    "ssd_cla_episodes",
    "ssd_cla_placement",
    "ssd_professionals",
    "ssd_involvements",
    "ssd_missing",
)


def _rows(path: Path) -> tuple[list[str], Iterator[list[str]]]:
    handle = path.open(newline="", encoding="utf-8-sig")
    reader = csv.reader(handle)
    return next(reader), reader


def _connect() -> tuple[Any, bool]:
    url = os.environ.get("HOMEWARD_DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        return psycopg.connect(url), True
    return sqlite3.connect(os.environ.get("HOMEWARD_SQLITE_PATH", "peer.sqlite3")), False


def _name(text: str) -> str:
    if not text.replace("_", "").isalnum():
        raise SystemExit(f"not a plain column name: {text!r}")
    return f'"peer_{text}"' if text in TABLES else f'"{text}"'


def load(directory: Path) -> None:
    connection, postgres = _connect()
    with connection:
        cursor = connection.cursor()
        total = 0
        for table in TABLES:
            header, rows = _rows(directory / f"{table}.csv")
            columns = ", ".join(_name(c) for c in header)
            cursor.execute(f"DROP TABLE IF EXISTS {_name(table)}")
            kinds = ", ".join(
                f"{_name(c)} text{' PRIMARY KEY' if i == 0 else ''}" for i, c in enumerate(header)
            )
            cursor.execute(f"CREATE TABLE {_name(table)} ({kinds})")
            if postgres:
                with cursor.copy(f"COPY {_name(table)} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                        total += 1
            else:
                marks = ", ".join("?" for _ in header)
                batch: list[list[str]] = []
                for row in rows:
                    batch.append(row)
                    if len(batch) == 5000:
                        cursor.executemany(
                            f"INSERT INTO {_name(table)} ({columns}) VALUES ({marks})", batch
                        )
                        total += len(batch)
                        batch = []
                cursor.executemany(
                    f"INSERT INTO {_name(table)} ({columns}) VALUES ({marks})", batch
                )
                total += len(batch)
    print(f"peer load: {total} rows in {len(TABLES)} tables")


def reload(directory: Path) -> None:
    connection, _postgres = _connect()
    unchanged = changed = 0
    with connection:
        cursor = connection.cursor()
        for table in TABLES:
            _header, rows = _rows(directory / f"{table}.csv")
            cursor.execute(f"SELECT * FROM {_name(table)}")
            stored = {row[0]: tuple(row) for row in cursor.fetchall()}
            for row in rows:
                if stored.get(row[0]) == tuple(row):
                    unchanged += 1
                else:
                    changed += 1
    print(f"peer reload: {unchanged} rows unchanged, {changed} changed (nothing written)")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] in ("load", "reload"):
        {"load": load, "reload": reload}[sys.argv[1]](Path(sys.argv[2]))
    else:
        raise SystemExit("usage: ssd_import_peer.py load|reload DIR")

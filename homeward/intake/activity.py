"""Whether pages are being served beside a big batch (SQLite only).

SQLite has one writer at a time, and a page waiting to write polls for the lock. A big
batch taken in by the worker (or `homeward intake`) therefore leaves the lock free between
its chunks (`services.intake_continue`), which halves its speed: worth it while people use
the pages, wasted when no one does (a batch run at night, a benchmark). So every request the
application serves touches a marker file beside the database (at most once a second per
process), and the batch pauses only while the marker was touched in the last `ACTIVE_FOR`
seconds. Another database (PostgreSQL) never needs the pause: no marker.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Final

#: How long after the last request the pages count as in use.
ACTIVE_FOR: Final = 30.0
#: The least time between two touches of the marker by one process.
TOUCH_EVERY: Final = 1.0

_last_touch = 0.0


def marker() -> Path | None:
    """The marker file beside the SQLite database (None for another database, or one in
    memory)."""
    from django.db import connection

    if connection.vendor != "sqlite":
        return None
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or "mode=memory" in name or name.startswith("file:"):
        return None
    return Path(f"{name}.pages")


def touch(*, now: float | None = None) -> None:
    """A request is being served: mark the pages as in use."""
    global _last_touch
    now = time.time() if now is None else now
    if now - _last_touch < TOUCH_EVERY:
        return
    path = marker()
    if path is None:
        return
    try:
        path.touch()
        os.utime(path, (now, now))
    except OSError:
        return  # a read-only folder: the batch pauses as if pages were in use
    _last_touch = now


def pages_active(*, now: float | None = None) -> bool:
    """Whether a request was served within `ACTIVE_FOR` seconds (True when it cannot be
    told: the marker's folder cannot be written, so the safe answer)."""
    path = marker()
    if path is None:
        return False
    try:
        touched = path.stat().st_mtime
    except FileNotFoundError:
        return not os.access(path.parent, os.W_OK)
    except OSError:
        return True
    return (time.time() if now is None else now) - touched < ACTIVE_FOR

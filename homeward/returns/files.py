"""What every export builder hands back: the files, and whose records are in them.

A builder reads the records and writes the files; it never checks permission or writes the
audit log. `homeward.returns.exports` does both, around every builder, so no export can
leave without a role check, a reason and an audit row.

Every builder has the signature `build_<name>(*, start: date, end: date, degrade: bool)
-> Export`, where `start` and `end` are both included: the financial (collection) year
2025-26 is `start=date(2025, 4, 1), end=date(2026, 3, 31)`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
JSON = "application/json"
TEXT = "text/plain; charset=utf-8"
ZIP = "application/zip"


@dataclass(frozen=True)
class ExportFile:
    """One file of an export: its name, type and bytes."""

    name: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Export:
    """What a builder made: one or more files, and the children whose records they hold.

    `children` (ids) is what the audit log records against each child; an aggregate-only
    export (counts) holds none. `rows` is the number of records written, for the log.
    """

    files: list[ExportFile]
    children: list[int] = field(default_factory=list)
    rows: int = 0
    notes: list[str] = field(default_factory=list)

"""Loading the ONS Postcode Directory into `Postcode`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from homeward.formats.onspd import ONSPDError, ONSPDReader, PostcodeRow, Problem
from homeward.places.models import Postcode

#: Postcodes written per statement: small enough for SQLite's limit on parameters.
BATCH_SIZE = 2000
_FIELDS = ("district", "latitude", "longitude", "la_code")


@dataclass
class LoadResult:
    """What a load did. `loaded`: postcodes new to the table; `updated`: already there
    with different details; `unchanged`: already there as they are; `skipped`: terminated
    or without a grid reference; `refused`: rows that could not be read (`problems`)."""

    loaded: int = 0
    updated: int = 0
    unchanged: int = 0
    terminated: int = 0
    no_grid: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def skipped(self) -> int:
        return self.terminated + self.no_grid

    @property
    def refused(self) -> int:
        return len(self.problems)

    def counts(self) -> dict[str, int]:
        return {
            "loaded": self.loaded,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "terminated": self.terminated,
            "no_grid": self.no_grid,
            "refused": self.refused,
        }


def load_postcodes(path: Path | str, *, batch_size: int = BATCH_SIZE) -> LoadResult:
    """Load (insert or update) every live postcode with a grid reference in the ONSPD CSV
    at `path`, streamed, `batch_size` postcodes a statement, all in one transaction.

    Loading the same file twice leaves the same table (the second load counts every
    postcode unchanged). A postcode a later file marks terminated is kept: records made
    while it was live still point at it. A file whose header lacks the needed columns is
    refused (`ONSPDError`, nothing written); a bad row is refused and reported, the rest
    loaded."""
    path = Path(path)
    with path.open(encoding="utf-8-sig", newline="") as lines:
        return load_postcode_rows(lines, batch_size=batch_size)


def load_postcode_rows(lines: Iterable[str], *, batch_size: int = BATCH_SIZE) -> LoadResult:
    """`load_postcodes` on the lines of a CSV file (text, header first)."""
    reader = ONSPDReader(lines)
    result = LoadResult()
    batch: dict[str, PostcodeRow] = {}
    try:
        with transaction.atomic():
            for row in reader:
                batch[row.postcode] = row  # the same postcode twice: the later row wins
                if len(batch) >= batch_size:
                    _write(batch, result)
                    batch = {}
            if batch:
                _write(batch, result)
    except UnicodeDecodeError as error:
        raise ONSPDError(f"the file is not UTF-8 text: {error.reason}") from None
    result.terminated = reader.terminated
    result.no_grid = reader.no_grid
    result.problems = reader.problems
    return result


def _write(batch: dict[str, PostcodeRow], result: LoadResult) -> None:
    existing = {p.postcode: p for p in Postcode.objects.filter(postcode__in=list(batch))}
    new: list[Postcode] = []
    changed: list[Postcode] = []
    for postcode, row in batch.items():
        values = {
            "district": row.district,
            "latitude": row.latitude,
            "longitude": row.longitude,
            "la_code": row.la_code,
        }
        current = existing.get(postcode)
        if current is None:
            new.append(Postcode(postcode=postcode, **values))
        elif any(getattr(current, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(current, name, value)
            changed.append(current)
        else:
            result.unchanged += 1
    Postcode.objects.bulk_create(new, batch_size=len(new) or 1)
    if changed:
        Postcode.objects.bulk_update(changed, _FIELDS, batch_size=500)
    result.loaded += len(new)
    result.updated += len(changed)

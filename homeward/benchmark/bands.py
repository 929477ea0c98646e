"""Bands: inclusive whole-percent ranges that together cover 0-100 exactly once.

The defaults are those of the 2019 analysis. A bands file (JSON or TOML) maps a rate
table id to a list of `"low-high"` strings and replaces that table's bands; tables it
does not name keep the defaults.
"""

from __future__ import annotations

import itertools
import json
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

#: The rate tables, in report order.
RATE_TABLES: tuple[str, ...] = ("repeat", "offered", "declined", "completed", "within_timescale")

_BAND = re.compile(r"\s*(\d{1,3})\s*%?\s*(?:-\s*(\d{1,3})\s*%?\s*)?")


@dataclass(frozen=True, order=True)
class Band:
    """An inclusive range of whole percentages."""

    low: int
    high: int

    @property
    def label(self) -> str:
        """`0-50%`, or `100%` for a single value."""
        return f"{self.low}%" if self.low == self.high else f"{self.low}-{self.high}%"

    def holds(self, percent: int) -> bool:
        return self.low <= percent <= self.high


Bands = Mapping[str, tuple[Band, ...]]


def _bands(*ranges: tuple[int, int]) -> tuple[Band, ...]:
    return tuple(Band(low, high) for low, high in ranges)


_COMPLETION = _bands((0, 30), (31, 40), (41, 50), (51, 60), (61, 70), (71, 80), (81, 90), (91, 100))

#: The bands of the 2019 analysis (the contract's defaults).
DEFAULT_BANDS: dict[str, tuple[Band, ...]] = {
    "repeat": _bands((0, 50), (51, 60), (61, 70), (71, 100)),
    "offered": _bands(
        (0, 50), (51, 60), (61, 70), (71, 80), (81, 90), (91, 95), (96, 99), (100, 100)
    ),
    "declined": _bands((0, 10), (11, 20), (21, 30), (31, 40), (41, 50), (51, 60), (61, 100)),
    "completed": _COMPLETION,
    "within_timescale": _COMPLETION,
}


class BandsError(ValueError):
    """A bands file was refused; `problems` lists every reason."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


def check_bands(table: str, bands: Sequence[Band]) -> list[str]:
    """Reasons why `bands` do not cover 0-100 once each, in order (empty when they do)."""
    problems: list[str] = []
    if not bands:
        return [f"{table}: no bands given"]
    for band in bands:
        if band.low > band.high:
            problems.append(f"{table}: band {band.low}-{band.high} runs backwards")
        if band.high > 100:
            problems.append(f"{table}: band {band.label} goes beyond 100%")
    ordered = sorted(bands)
    if ordered[0].low != 0:
        problems.append(f"{table}: bands must start at 0, the first starts at {ordered[0].low}")
    for before, after in itertools.pairwise(ordered):
        if after.low <= before.high:
            problems.append(f"{table}: bands {before.label} and {after.label} overlap")
        elif after.low > before.high + 1:
            gap = Band(before.high + 1, after.low - 1)
            problems.append(
                f"{table}: bands leave a gap: {gap.label} is in no band "
                f"(between {before.label} and {after.label})"
            )
    if ordered[-1].high != 100:
        problems.append(f"{table}: bands must end at 100, the last ends at {ordered[-1].high}")
    return problems


def bands_from_mapping(
    mapping: Mapping[str, object], *, source: str = "bands"
) -> dict[str, tuple[Band, ...]]:
    """Validate a table id → list of `"low-high"` mapping and merge it over the defaults.

    Raises BandsError listing every problem.
    """
    problems: list[str] = []
    merged = dict(DEFAULT_BANDS)
    for table, value in mapping.items():
        if table not in RATE_TABLES:
            problems.append(
                f"{source}: unknown table {table!r}; expected one of {', '.join(RATE_TABLES)}"
            )
            continue
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problems.append(f'{source}: {table}: expected a list of strings like "0-50"')
            continue
        parsed: list[Band] = []
        for text in value:
            match = _BAND.fullmatch(text)
            if match is None:
                problems.append(f'{source}: {table}: {text!r} is not a band like "0-50"')
                continue
            low = int(match[1])
            high = int(match[2]) if match[2] is not None else low
            parsed.append(Band(low, high))
        if len(parsed) == len(value):
            problems.extend(f"{source}: {p}" for p in check_bands(table, parsed))
            merged[table] = tuple(sorted(parsed))
    if problems:
        raise BandsError(problems)
    return merged


def load_bands(path: str | Path) -> dict[str, tuple[Band, ...]]:
    """Read a bands file: JSON (`.json`) or TOML (`.toml`). Raises BandsError."""
    file = Path(path)
    source = str(path)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise BandsError([f"{source}: cannot read the bands file: {error}"]) from error
    try:
        if file.suffix.lower() == ".toml":
            data: object = tomllib.loads(text)
        else:
            data = json.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as error:
        raise BandsError([f"{source}: not valid {_kind(file)}: {error}"]) from error
    if not isinstance(data, dict):
        raise BandsError([f"{source}: expected a mapping of table id to a list of bands"])
    return bands_from_mapping(data, source=source)


def _kind(file: Path) -> str:
    return "TOML" if file.suffix.lower() == ".toml" else "JSON"

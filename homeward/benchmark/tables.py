"""The benchmarking tables of the authority-returns contract, for one chosen period.

`build_report` is the whole computation: returns in, a `Report` out. Every percentage is
rounded half up with exact integer arithmetic (`rounding.percent_half_up`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from homeward.benchmark.anomalies import Assessment, Status, assess
from homeward.benchmark.bands import (
    DEFAULT_BANDS,
    RATE_TABLES,
    Band,
    BandsError,
    bands_from_mapping,
    check_bands,
)
from homeward.benchmark.returns import (
    CODE_VALUES,
    COUNT_COLUMNS,
    LINE,
    parse_period,
    returns_frame,
)
from homeward.benchmark.rounding import percent_half_up
from homeward.benchmark.standings import Standing, standings

PROVIDERS: tuple[str, ...] = ("in_house", "independent", "mixed", "not_known")
CLOCK_STARTS: tuple[str, ...] = ("return", "referral")
CLOCK_UNITS: tuple[str, ...] = ("hours", "calendar_days", "working_days")
FOLLOW_UP: tuple[str, ...] = ("yes", "sometimes", "no")


@dataclass(frozen=True)
class RateDefinition:
    """How one rate table is formed: numerator / denominator, from which answers."""

    id: str
    title: str
    rate: str
    answers: tuple[str, ...]  # the answers the table needs besides incidents


DEFINITIONS: dict[str, RateDefinition] = {
    "repeat": RateDefinition(
        "repeat",
        "Incidents attributable to children missing more than once",
        "(incidents − individuals) / incidents",
        ("individuals",),
    ),
    "offered": RateDefinition(
        "offered",
        "Incidents for which a return interview was offered",
        "offered / incidents",
        ("offered",),
    ),
    "declined": RateDefinition(
        "declined",
        "Incidents for which the offer of an interview was declined",
        "declined / incidents",
        ("declined",),
    ),
    "completed": RateDefinition(
        "completed",
        "Incidents addressed in a completed return interview",
        "completed / incidents",
        ("completed",),
    ),
    "within_timescale": RateDefinition(
        "within_timescale",
        "Completed interviews held within 72 hours",
        "completed_within_72h / completed",
        ("completed_within_72h",),
    ),
}


class PeriodNotFoundError(ValueError):
    """The chosen period has no returns (after the nation filter)."""


@dataclass(frozen=True)
class Authority:
    """The identity of one return, as the report shows it."""

    code: str
    name: str
    line: int


@dataclass(frozen=True)
class Member:
    """One authority's place in one rate table."""

    authority: Authority
    status: Status
    numerator: int | None = None
    denominator: int | None = None

    @property
    def rate(self) -> int | None:
        """The authority's rate in whole percent (rounded half up), when in the base."""
        if self.numerator is None or self.denominator is None:
            return None
        return percent_half_up(self.numerator, self.denominator)


@dataclass(frozen=True)
class BandCount:
    band: Band
    count: int

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.band.label,
            "low": self.band.low,
            "high": self.band.high,
            "count": self.count,
        }


@dataclass(frozen=True)
class RateTable:
    """One rate table: who is in the base, the pooled percentage, the band counts."""

    definition: RateDefinition
    base: int
    not_answered: int
    excluded: int
    pooled_percent: int | None
    bands: tuple[BandCount, ...]
    members: tuple[Member, ...]
    #: Sums over the base carried in tables.json (repeat, completed).
    sums: Mapping[str, int] = field(default_factory=dict)
    #: within_timescale only: sum(within) / sum(incidents) over the base.
    pooled_percent_of_incidents: int | None = None

    @property
    def id(self) -> str:
        return self.definition.id

    @property
    def title(self) -> str:
        return self.definition.title

    def to_json(self) -> dict[str, Any]:
        table: dict[str, Any] = {
            "base": self.base,
            "not_answered": self.not_answered,
            "excluded": self.excluded,
            "pooled_percent": self.pooled_percent,
            "bands": [band.to_json() for band in self.bands],
        }
        table.update(self.sums)
        if self.id == "within_timescale":
            table["pooled_percent_of_incidents"] = self.pooled_percent_of_incidents
        return table


@dataclass(frozen=True)
class Exclusion:
    """One excluded answer and the rule that excluded it."""

    authority: Authority
    period: str
    answer: str
    value: int
    rule: str


@dataclass(frozen=True)
class Report:
    """The national benchmarking report for one period."""

    period: str
    authorities: int
    rate_tables: tuple[RateTable, ...]
    providers: Mapping[str, Mapping[str, int]]
    clock_start: Mapping[str, int]
    clock_unit: Mapping[str, int]
    follow_up_support: Mapping[str, int]
    exclusions: tuple[Exclusion, ...]
    standings: tuple[Standing, ...]
    bands: Mapping[str, tuple[Band, ...]]
    nation: str | None = None
    source: str = "<returns>"

    def table(self, table_id: str) -> RateTable:
        """The rate table with this id."""
        for table in self.rate_tables:
            if table.id == table_id:
                return table
        raise KeyError(table_id)

    def to_json(self) -> dict[str, Any]:
        """The documented `tables.json` shape, and nothing else."""
        tables: dict[str, Any] = {table.id: table.to_json() for table in self.rate_tables}
        tables["providers"] = {period: dict(c) for period, c in self.providers.items()}
        tables["clock_start"] = dict(self.clock_start)
        tables["clock_unit"] = dict(self.clock_unit)
        tables["follow_up_support"] = dict(self.follow_up_support)
        return {"period": self.period, "authorities": self.authorities, "tables": tables}


def build_report(
    returns: pl.DataFrame,
    period: str,
    bands: Mapping[str, Sequence[Band | str]] | None = None,
    *,
    nation: str | None = None,
    source: str = "<returns>",
) -> Report:
    """Build the benchmarking report for `period` from a table of returns.

    `returns` is checked like a file (ReturnsError on malformed input). `bands` replaces
    the default bands of the tables it names (Band objects or `"low-high"` strings;
    BandsError if they do not cover 0-100 once). `nation` keeps only that nation's rows
    (all rows by default). Raises PeriodNotFoundError when the period has no returns.
    """
    frame = returns_frame(returns, source=source)
    period = parse_period(period)
    chosen_bands = _merge_bands(bands)
    if nation is not None:
        nation = _canonical_nation(nation)
        frame = frame.filter(pl.col("nation") == nation)
    rows = frame.filter(pl.col("period") == period).sort(LINE).to_dicts()
    if not rows:
        periods = sorted(set(frame.get_column("period").to_list()))
        where = f" for {nation}" if nation else ""
        present = ", ".join(periods) if periods else "none"
        raise PeriodNotFoundError(
            f"no returns for period {period}{where}; periods in the file: {present}"
        )

    authorities = [
        Authority(code=r["authority_code"], name=r["authority_name"] or "", line=r[LINE])
        for r in rows
    ]
    assessments = [assess({c: r[c] for c in COUNT_COLUMNS}) for r in rows]
    rate_tables = tuple(
        _rate_table(DEFINITIONS[table_id], chosen_bands[table_id], authorities, assessments)
        for table_id in RATE_TABLES
    )
    exclusions = tuple(
        Exclusion(authority, period, answer, assessment.given[answer], rule)
        for authority, assessment in zip(authorities, assessments, strict=True)
        for answer in COUNT_COLUMNS
        if (rule := assessment.rules.get(answer)) is not None
    )
    return Report(
        period=period,
        authorities=len(rows),
        rate_tables=rate_tables,
        providers=_providers(frame),
        clock_start=_clock(rows, "clock_start", CLOCK_STARTS),
        clock_unit=_clock(rows, "clock_unit", CLOCK_UNITS),
        follow_up_support=_follow_up(rows),
        exclusions=exclusions,
        standings=standings(rate_tables),
        bands=chosen_bands,
        nation=nation,
        source=source,
    )


def _merge_bands(
    bands: Mapping[str, Sequence[Band | str]] | None,
) -> dict[str, tuple[Band, ...]]:
    merged = dict(DEFAULT_BANDS)
    problems: list[str] = []
    written: dict[str, object] = {}
    for table, table_bands in (bands or {}).items():
        if table not in RATE_TABLES:
            problems.append(
                f"bands: unknown table {table!r}; expected one of {', '.join(RATE_TABLES)}"
            )
        elif all(isinstance(band, Band) for band in table_bands):
            objects = [band for band in table_bands if isinstance(band, Band)]
            problems.extend(f"bands: {p}" for p in check_bands(table, objects))
            merged[table] = tuple(sorted(objects))
        else:
            written[table] = [b if isinstance(b, str) else f"{b.low}-{b.high}" for b in table_bands]
    if written:
        try:
            parsed = bands_from_mapping(written)
        except BandsError as error:
            problems.extend(error.problems)
        else:
            merged.update({table: parsed[table] for table in written})
    if problems:
        raise BandsError(problems)
    return merged


def _canonical_nation(nation: str) -> str:
    for value in CODE_VALUES["nation"]:
        if value.casefold() == nation.strip().casefold():
            return value
    raise ValueError(
        f"unknown nation {nation!r}; expected one of: {', '.join(CODE_VALUES['nation'])}"
    )


def _fraction(definition: RateDefinition, assessment: Assessment) -> tuple[int, int]:
    """(numerator, denominator) of an authority in the base of this table."""

    def value(column: str) -> int:
        found = assessment.valid(column)
        if found is None:  # the caller only asks for authorities in the base
            raise RuntimeError(f"{column} is not valid for an authority in the base")
        return found

    incidents = value("incidents")
    if definition.id == "repeat":
        return incidents - value("individuals"), incidents
    if definition.id == "within_timescale":
        return value("completed_within_72h"), value("completed")
    return value(definition.answers[0]), incidents


def _rate_table(
    definition: RateDefinition,
    bands: tuple[Band, ...],
    authorities: Sequence[Authority],
    assessments: Sequence[Assessment],
) -> RateTable:
    members: list[Member] = []
    numerators = denominators = incidents_sum = 0
    for authority, assessment in zip(authorities, assessments, strict=True):
        status = assessment.status(*definition.answers)
        if status is not Status.BASE:
            members.append(Member(authority, status))
            continue
        numerator, denominator = _fraction(definition, assessment)
        members.append(Member(authority, status, numerator, denominator))
        numerators += numerator
        denominators += denominator
        incidents_sum += assessment.given["incidents"]
    in_base = [m for m in members if m.status is Status.BASE]
    rates = [m.rate for m in in_base]
    band_counts = tuple(
        BandCount(band, sum(1 for r in rates if r is not None and band.holds(r))) for band in bands
    )
    pooled = percent_half_up(numerators, denominators) if denominators > 0 else None
    sums: dict[str, int] = {}
    pooled_of_incidents: int | None = None
    if definition.id == "repeat":
        sums = {"incidents": denominators, "individuals": denominators - numerators}
    elif definition.id == "completed":
        sums = {"completed": numerators, "incidents": denominators}
    elif definition.id == "within_timescale" and incidents_sum > 0:
        pooled_of_incidents = percent_half_up(numerators, incidents_sum)
    return RateTable(
        definition=definition,
        base=len(in_base),
        not_answered=sum(1 for m in members if m.status is Status.NOT_ANSWERED),
        excluded=sum(1 for m in members if m.status is Status.EXCLUDED),
        pooled_percent=pooled,
        bands=band_counts,
        members=tuple(members),
        sums=sums,
        pooled_percent_of_incidents=pooled_of_incidents,
    )


def _providers(frame: pl.DataFrame) -> dict[str, dict[str, int]]:
    """Per period present: who delivered interviews (blank counts as not_known)."""
    counts = (
        frame.select(pl.col("period"), pl.col("provider").fill_null("not_known").alias("provider"))
        .group_by("period", "provider")
        .len()
    )
    result: dict[str, dict[str, int]] = {
        period: dict.fromkeys(PROVIDERS, 0)
        for period in sorted(set(frame.get_column("period").to_list()))
    }
    for period, provider, count in counts.iter_rows():
        result[period][provider] = int(count)
    return result


def _clock(
    rows: Sequence[Mapping[str, Any]], column: str, values: tuple[str, ...]
) -> dict[str, int]:
    """Among authorities that answered either part of the clock question: each value of
    this part, and no_response where this part was left blank."""
    answered = [r for r in rows if r["clock_start"] is not None or r["clock_unit"] is not None]
    result = {"answered_either": len(answered)}
    for value in values:
        result[value] = sum(1 for r in answered if r[column] == value)
    result["no_response"] = sum(1 for r in answered if r[column] is None)
    return result


def _follow_up(rows: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    result = {value: sum(1 for r in rows if r["follow_up_support"] == value) for value in FOLLOW_UP}
    result["not_answered"] = sum(1 for r in rows if r["follow_up_support"] is None)
    return result

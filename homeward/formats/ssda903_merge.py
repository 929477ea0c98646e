"""The SSDA903 return merged with the authority's own: the case system's Header and Episodes
as they are, and homeward's Missing table for their children.

The case system (Liquidlogic LCS, Mosaic, Eclipse, ...) writes the 903's Header and Episodes
tables for every looked-after child; homeward writes the Missing table by DfE's guidance
(`ssda903.missing_table`), with CHILD the case system's person id, so the three tables join.
The case system's files are passed through unchanged (only a byte-order mark is dropped:
the validator cannot read one), so an error the validator finds in them is the same error,
on the same row, with or without homeward's table; `check_merge` runs the validator on both
and reports the errors the merge brought separately from those the case system's files
already had. Pure Python: no Django (the validator runs in its own virtualenv).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime

from homeward.formats import ssda903
from homeward.formats.validator903 import RuleError, ValidationRun, new_errors, run_validator

#: The case system's tables homeward reads, by the validator's name, and their columns.
CASE_TABLES = {
    "Header": ssda903.HEADER_COLUMNS,
    "Episodes": ssda903.EPISODES_COLUMNS,
    "Missing": ssda903.MISSING_COLUMNS,
}
#: Date columns read from the case system's tables (blank allowed or not).
CASE_DATES = {"Header": {"DOB": False}, "Episodes": {"DECOM": False, "DEC": True}}


class CaseFilesError(ValueError):
    """The case system's files cannot be read: every problem, as "file, line N, FIELD: why"."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class CaseTable:
    """One of the case system's 903 tables: its file name, the validator's table name, the
    file's bytes as they are (without a byte-order mark) and its rows by column."""

    name: str
    table: str
    data: bytes
    rows: list[dict[str, str]]


def read_case_table(name: str, data: bytes, expected: str | None = None) -> CaseTable:
    """Read a 903 CSV file of the case system's: which table it is (by its columns, as the
    validator decides), its rows, and its dates checked. Raises `CaseFilesError`."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise CaseFilesError([f"{name}: not UTF-8 text ({error.reason})"]) from error
    lines = list(csv.reader(io.StringIO(text)))
    if not lines:
        raise CaseFilesError([f"{name}: empty, a 903 table starts with its column names"])
    columns = [c.strip().upper() for c in lines[0]]
    table = next((t for t, cols in CASE_TABLES.items() if set(cols) == set(columns)), None)
    if table is None or (expected is not None and table != expected):
        wanted = ",".join(CASE_TABLES[expected]) if expected else "a 903 table's columns"
        raise CaseFilesError([f"{name}, line 1: the columns are {','.join(columns)}; {wanted}"])
    problems: list[str] = []
    rows: list[dict[str, str]] = []
    for number, cells in enumerate(lines[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(columns):
            problems.append(f"{name}, line {number}: {len(cells)} cells, should be {len(columns)}")
            continue
        row = {c: v.strip() for c, v in zip(columns, cells, strict=True)}
        if not row["CHILD"]:
            problems.append(f"{name}, line {number}, CHILD: blank, the child's id is required")
        for column, blank_allowed in CASE_DATES.get(table, {}).items():
            value = row[column]
            if not value:
                if not blank_allowed:
                    problems.append(f"{name}, line {number}, {column}: blank, a date is required")
                continue
            try:
                datetime.strptime(value, ssda903.DATE_FORMAT)
            except ValueError:
                problems.append(
                    f"{name}, line {number}, {column}: {value!r} is not a date (dd/mm/YYYY)"
                )
        rows.append(row)
    if problems:
        raise CaseFilesError(problems)
    return CaseTable(name=name, table=table, data=data, rows=rows)


def _day(value: str) -> date | None:
    return datetime.strptime(value, ssda903.DATE_FORMAT).date() if value else None


def care_episodes(table: CaseTable) -> list[ssda903.CareEpisode]:
    """The Episodes table's rows as periods-of-care input."""
    out = []
    for row in table.rows:
        decom = _day(row["DECOM"])
        assert decom is not None  # read_case_table checked it
        out.append(
            ssda903.CareEpisode(
                child=row["CHILD"],
                decom=decom,
                dec=_day(row["DEC"]),
                ls=row["LS"],
                rne=row["RNE"],
                rec=row["REC"],
                place=row["PLACE"],
            )
        )
    return out


def births(table: CaseTable) -> dict[str, date]:
    """The Header's dates of birth by child (the first row of a child listed twice)."""
    out: dict[str, date] = {}
    for row in table.rows:
        born = _day(row["DOB"])
        if born is not None:
            out.setdefault(row["CHILD"], born)
    return out


@dataclass
class MergedReturn:
    """The merged return's files (the case system's Header and Episodes, homeward's Missing
    as missing.csv), last year's files as read, the Missing table and its notes."""

    files: dict[str, bytes]
    previous: dict[str, bytes]
    missing: ssda903.MissingTable
    year: str

    @property
    def notes(self) -> list[str]:
        return self.missing.notes


def merge_ssda903(
    *,
    header: tuple[str, bytes],
    episodes: tuple[str, bytes],
    homeward: Iterable[ssda903.HomewardEpisode],
    start: date,
    end: date,
    previous: Mapping[str, bytes] | None = None,
) -> MergedReturn:
    """Merge the case system's Header and Episodes files ((name, bytes) each) with homeward's
    episodes (keyed by the case system's person id) for the collection year `start`..`end`.

    `previous` is last year's files by name (Header, Episodes, Missing, as the case system
    and homeward wrote them); their Episodes help find a period of care that began before
    this year's rows. Raises `CaseFilesError` listing every problem of the files.
    """
    year = ssda903.collection_year(start, end)
    problems: list[str] = []
    tables: dict[str, CaseTable] = {}
    for (name, data), expected in ((header, "Header"), (episodes, "Episodes")):
        try:
            tables[expected] = read_case_table(name, data, expected)
        except CaseFilesError as error:
            problems += error.problems
    last: dict[str, CaseTable] = {}
    for name, data in sorted((previous or {}).items()):
        try:
            found = read_case_table(f"last year's {name}", data)
        except CaseFilesError as error:
            problems += error.problems
            continue
        if found.table in last:
            problems.append(f"last year's {name}: a second {found.table} table")
        last[found.table] = found
    if problems:
        raise CaseFilesError(problems)
    care = care_episodes(tables["Episodes"])
    if "Episodes" in last:
        # last year's rows only for what this year's do not cover: an episode open on 31
        # March is in both files, and this year's row has how it ended
        known = {(row.child, row.decom) for row in care}
        care += [r for r in care_episodes(last["Episodes"]) if (r.child, r.decom) not in known]
    born = births(tables["Header"])
    missing = ssda903.missing_table(care, born, homeward, start=start, end=end)
    files = {
        "header.csv": tables["Header"].data,
        "episodes.csv": tables["Episodes"].data,
        "missing.csv": ssda903.write_csv(ssda903.MISSING_COLUMNS, missing.rows),
    }
    previous_files = {f"{t.lower()}.csv": table.data for t, table in last.items()}
    return MergedReturn(files=files, previous=previous_files, missing=missing, year=year)


@dataclass
class MergeCheck:
    """The validator's findings on the merged return and on the case system's files alone:
    `new` the errors the merge brought, `already` those the case system's files had."""

    merged: ValidationRun
    baseline: ValidationRun
    new: list[RuleError] = field(default_factory=list)
    already: list[RuleError] = field(default_factory=list)


Runner = Callable[..., ValidationRun]


def check_merge(
    merged: MergedReturn, *, la: str = "E10000099", runner: Runner = run_validator
) -> MergeCheck:
    """Run DfE's validator on the merged return (this year with last year's) and on the case
    system's Header and Episodes alone, and separate the errors."""
    previous = merged.previous or None
    case_only = {k: v for k, v in merged.files.items() if k != "missing.csv"}
    # the two runs are separate processes: side by side, they take the time of one
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = [
            pool.submit(runner, files, year=merged.year, previous=previous, la=la)
            for files in (merged.files, case_only)
        ]
        run, baseline = (future.result() for future in runs)
    fresh = new_errors(run.errors, baseline.errors)
    fresh_keys = {e.key() for e in fresh}
    already = [e for e in run.errors if e.key() not in fresh_keys]
    return MergeCheck(merged=run, baseline=baseline, new=fresh, already=already)


def report(merged: MergedReturn, check: MergeCheck) -> str:
    """A plain-text report for the authority's data team: the Missing table written, then
    the errors the merge brought (each by rule, table, line and child), then a count by rule
    of the errors the case system's files already had, then homeward's notes."""
    lines = [
        f"SSDA903 {int(merged.year) - 1}-{merged.year[2:]}: homeward's Missing table, "
        f"{len(merged.missing.rows)} rows for {len(merged.missing.children)} children, "
        "merged with the case system's Header and Episodes.",
        "",
        f"Errors the merge brought: {len(check.new)}",
        *(f"  {error.describe()}" for error in check.new),
        "",
        f"Errors the case system's files already had: {len(check.already)}",
    ]
    counts: dict[str, int] = {}
    for error in check.already:
        counts[error.rule] = counts.get(error.rule, 0) + 1
    lines += [f"  rule {rule}: {count}" for rule, count in sorted(counts.items())]
    if merged.notes:
        lines += ["", f"Notes ({len(merged.notes)}):", *(f"  {n}" for n in merged.notes)]
    return "\n".join(lines) + "\n"

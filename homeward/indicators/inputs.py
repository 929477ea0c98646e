"""Reading and checking the episode and interview tables of `indicators.md`.

Every problem is reported with file, line, column and reason. The same checks run on
files and on in-memory tables (the web app passes its database rows as DataFrames), so
there is one definition of valid input. Checks are vectorised: the expensive ones run on
the distinct values of a column, not on every row.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from homeward.indicators.schema import (
    AUTHORITY_CODE_HINT,
    AUTHORITY_CODE_PATTERN,
    EPISODE_COLUMNS,
    INTERVIEW_COLUMNS,
    TIMESTAMP_FORMATS,
    TIMESTAMP_HINT,
    TIMESTAMP_PATTERN,
    Column,
)

INTERVIEW_ROW = "_iv"  # an episode's interview: its row in the checked interviews table
_HASH_SEED = 20140101
LINE = "_line"  # the file line of a record: the header is line 1, the first record line 2

_NATION_LETTER = {"england": "E", "wales": "W", "scotland": "S", "northern_ireland": "N"}


@dataclass(frozen=True, order=True)
class Problem:
    """One reason a record (or a whole file) cannot be used."""

    file: str
    line: int | None
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
        if self.column:
            where += f":{self.column}"
        return f"{where}: {self.reason}"


class InputError(Exception):
    """Raised when input has problems and bad rows may not be skipped."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        first = "\n".join(str(p) for p in self.problems[:20])
        more = f"\n… and {count - 20} more" if count > 20 else ""
        super().__init__(f"{count} problem(s) in the input:\n{first}{more}")


@dataclass
class CheckedInputs:
    """Episodes and interviews that passed the checks, typed, each with its file line."""

    episodes: pl.DataFrame
    interviews: pl.DataFrame
    episodes_source: str = "episodes"
    interviews_source: str = "interviews"
    #: Problems found; when rows were skipped these are the reasons they were.
    problems: list[Problem] = field(default_factory=list)
    skipped_episodes: int = 0
    skipped_interviews: int = 0


# --- reading files -------------------------------------------------------------------------


def _first_bad_utf8_line(path: Path) -> tuple[int, int]:
    """The line and byte column of the first byte sequence that is not UTF-8."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as error:
                return number, error.start + 1
    return 1, 1


def _read_header(path: Path, source: str) -> list[str] | list[Problem]:
    """The header's names as written (the reader needs them so); empty or not text: why."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(handle), None)
    except UnicodeDecodeError:
        line, byte = _first_bad_utf8_line(path)
        return [Problem(source, line, None, f"not UTF-8 text (byte {byte} of the line)")]
    if not header or all(not name.strip() for name in header):
        return [Problem(source, 1, None, "file is empty: expected a header row")]
    return header


def _header_problems(header: list[str], columns: Sequence[Column], source: str) -> list[Problem]:
    """A contract column missing or given twice. Other columns, named or not, are ignored."""
    names = [name.strip() for name in header]
    problems = []
    for column in columns:
        count = names.count(column.name)
        if count == 0:
            problems.append(Problem(source, 1, column.name, "required column is missing"))
        elif count > 1:
            problems.append(
                Problem(source, 1, column.name, "column appears more than once in the header")
            )
    return problems


def _csv_records(path: Path) -> Iterator[tuple[int, list[str]]]:
    """Each record after the header with the file line it starts on (Python's `csv`)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        next(reader, None)
        start = reader.line_num + 1
        for row in reader:
            yield start, row
            start = reader.line_num + 1


def _long_row_problem(path: Path, source: str, width: int) -> Problem:
    """The first record with more cells than the header (the CSV reader does not say where)."""
    for start, row in _csv_records(path):
        if len(row) > width:
            return Problem(source, start, None, f"has {len(row)} cells but the header has {width}")
    return Problem(source, None, None, "cannot be read as CSV")


def _count_lines(path: Path) -> int:
    """Lines in a file (a last line without a newline counts), read in 16 MB pieces into one
    buffer: a memory map would be quicker but its pages would count as resident memory."""
    buffer = np.empty(1 << 24, dtype=np.uint8)
    lines = 0
    last = 10
    with path.open("rb") as handle:
        while size := handle.readinto(buffer.data):
            lines += int(np.count_nonzero(buffer[:size] == 10))
            last = int(buffer[size - 1])
    return lines + (last != 10)


def _record_lines(path: Path) -> list[int]:
    """The file line on which each record starts, for files with quoted line breaks."""
    return [start for start, _row in _csv_records(path)]


def read_csv_table(
    path: Path, columns: Sequence[Column]
) -> tuple[pl.DataFrame, pl.DataFrame] | list[Problem]:
    """The contract's columns of a CSV file with their lines, timestamps parsed, and the
    problems of the timestamps that did not parse; or why the file cannot be read.

    Header names are matched with surrounding spaces trimmed; blank lines are not records;
    line numbers are file lines, also after a quoted value that spans lines.
    """
    source = str(path)
    header = _read_header(path, source)
    if header and isinstance(header[0], Problem):
        return [p for p in header if isinstance(p, Problem)]
    names = [h for h in header if isinstance(h, str)]
    header_problems = _header_problems(names, columns, source)
    if header_problems:
        return header_problems
    written = {name.strip(): name for name in names}
    wanted = [c.name for c in columns]
    stamps = [c.name for c in columns if c.kind == "timestamp"]
    scan = pl.scan_csv(
        path,
        infer_schema=False,
        null_values=[""],
        encoding="utf8",
        row_index_name=LINE,
        row_index_offset=2,
    ).select(pl.col(LINE).cast(pl.Int64), *(pl.col(written[n]).alias(n) for n in wanted))
    # Timestamps are parsed as the file streams in, so their text (about four times the size
    # of the parsed value) is never held whole; a flag marks each value that did not parse.
    typed = (
        scan.with_columns(timestamp_expr(pl.col(n)).alias(f"_parsed_{n}") for n in stamps)
        .with_columns(
            (pl.col(f"_parsed_{n}").is_null() & pl.col(n).is_not_null()).alias(f"_bad_{n}")
            for n in stamps
        )
        .select(
            LINE,
            *(pl.col(f"_parsed_{n}").alias(n) if n in stamps else pl.col(n) for n in wanted),
            *(f"_bad_{n}" for n in stamps),
        )
        # A blank line is read as a record with every cell empty: it is not a record.
        .filter(~pl.all_horizontal(pl.col(wanted).is_null()))
    )
    try:
        frame = typed.collect(engine="streaming")
    except pl.exceptions.ComputeError as error:
        message = str(error).lower()
        if "utf-8" in message or "utf8" in message:
            line, byte = _first_bad_utf8_line(path)
            return [Problem(source, line, None, f"not UTF-8 text (byte {byte} of the line)")]
        if "more fields" in message:
            return [_long_row_problem(path, source, len(names))]
        return [Problem(source, None, None, f"cannot be read as CSV: {error}")]
    if frame.height and _count_lines(path) != frame[LINE].max():
        # Fewer records than lines (blank lines are records here): a quoted value spans lines.
        starts = pl.Series(_record_lines(path), dtype=pl.Int64)
        frame = frame.with_columns(pl.lit(starts).gather(pl.col(LINE) - 2).alias(LINE))
        scan = scan.with_columns(pl.lit(starts).gather(pl.col(LINE) - 2).alias(LINE))
    flags = [f"_bad_{name}" for name in stamps]
    problems = _no_problems()
    if frame.select(pl.any_horizontal(pl.col(flags).any())).item():
        bad_lines = frame.filter(pl.any_horizontal(flags))[LINE].implode()
        text = scan.select(LINE, *stamps).filter(pl.col(LINE).is_in(bad_lines))
        problems = _timestamp_problems(text.collect(), stamps)
    return frame.select(LINE, *wanted), problems


# --- checking a table ----------------------------------------------------------------------


def _as_text(series: pl.Series) -> pl.Series:
    if series.dtype == pl.String:
        return series
    return series.cast(pl.String)


def timestamp_expr(text: pl.Expr) -> pl.Expr:
    """Parse wall-clock timestamps `YYYY-MM-DDTHH:MM[:SS]`; anything else becomes null.

    The shape is checked by a pattern (the date parser alone accepts signs, spaces and single
    digits); the first 16 characters are then parsed once with the explicit format (the
    parse cache is off: timestamps are nearly all distinct) and the seconds are added.
    """
    minutes = text.str.slice(0, 16).str.to_datetime(
        TIMESTAMP_FORMATS[0], strict=False, time_unit="us", cache=False
    )
    seconds = text.str.slice(17, 2).cast(pl.Int64, strict=False)
    well_formed = text.str.contains(TIMESTAMP_PATTERN) & seconds.fill_null(0).is_between(0, 59)
    return pl.when(well_formed).then(minutes + pl.duration(seconds=seconds.fill_null(0)))


def _timestamp_problems(text: pl.DataFrame, names: Sequence[str]) -> pl.DataFrame:
    """Problem rows for the values of timestamp columns `names` that do not parse."""
    found = [
        text.lazy()
        .filter(timestamp_expr(pl.col(name)).is_null() & pl.col(name).is_not_null())
        .select(
            pl.col(LINE),
            pl.lit(name).alias("column"),
            pl.format(
                "'{}' is not a timestamp (expected {})", pl.col(name), pl.lit(TIMESTAMP_HINT)
            ).alias("reason"),
        )
        .collect()
        for name in names
    ]
    return pl.concat([_no_problems(), *found])


def _bad_value_problems(
    frame: pl.DataFrame, column: str, bad_values: Iterable[str], reason: str
) -> pl.DataFrame:
    """Rows whose `column` holds one of `bad_values`, as problem rows."""
    values = list(bad_values)
    if not values:
        return _no_problems()
    return (
        frame.lazy()
        .filter(pl.col(column).is_in(values))
        .select(
            pl.col(LINE),
            pl.lit(column).alias("column"),
            pl.format(reason, pl.col(column)).alias("reason"),
        )
        .collect()
    )


def _no_problems() -> pl.DataFrame:
    return pl.DataFrame(
        schema={LINE: pl.Int64, "column": pl.String, "reason": pl.String},
    )


def _rows(frame: pl.DataFrame, mask: pl.Expr, column: str, reason: pl.Expr) -> pl.DataFrame:
    # Lazy, so that only the columns the check needs are filtered.
    return (
        frame.lazy()
        .filter(mask)
        .select(pl.col(LINE), pl.lit(column).alias("column"), reason.alias("reason"))
        .collect()
    )


def _normalise_codes(text: pl.Series) -> pl.Series:
    """Trimmed, lower case, spaces as underscores ("Northern Ireland" is northern_ireland)."""
    return text.str.strip_chars().str.to_lowercase().str.replace_all(" ", "_").replace("", None)


def _check_code(text: pl.Series, column: Column) -> tuple[pl.Series, list[str]]:
    """Normalise a code column; return it and its unknown values (as written)."""
    distinct = text.drop_nulls().unique()
    if distinct.is_in(column.codes).all():
        return text, []
    fixed = _normalise_codes(distinct)
    unknown = distinct.filter(fixed.is_not_null() & ~fixed.is_in(column.codes)).to_list()
    return _normalise_codes(text), unknown


def check_table(
    raw: pl.DataFrame,
    columns: Sequence[Column],
    source: str,
    known: pl.DataFrame | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Type a table's columns and list its cell problems.

    Returns the typed table (with `_line`) and a problem table (`_line`, column, reason).
    `known` are problems already found while reading (timestamps that did not parse).
    """
    if LINE not in raw.columns:
        raw = raw.with_row_index(LINE, offset=2)
    missing = [c.name for c in columns if c.name not in raw.columns]
    if missing:
        rows = [
            {LINE: 1, "column": name, "reason": "required column is missing"} for name in missing
        ]
        return raw, pl.DataFrame(rows, schema=_no_problems().schema)
    raw = raw.with_columns(pl.col(LINE).cast(pl.Int64))
    typed: list[pl.Series] = [raw[LINE]]
    found: list[pl.DataFrame] = [] if known is None else [known]
    for column in columns:
        series = raw[column.name]
        if column.kind == "timestamp":
            if isinstance(series.dtype, pl.Datetime) and series.dtype.time_zone:
                # The contract is UK wall-clock time: a zone-aware column is read as the
                # clock on the wall in the UK, not converted to UTC.
                parsed = (
                    series.dt.convert_time_zone("Europe/London")
                    .dt.replace_time_zone(None)
                    .cast(pl.Datetime("us"))
                )
            elif series.dtype in (pl.Datetime, pl.Date):
                parsed = series.cast(pl.Datetime("us"))
            else:
                text = _as_text(series)
                parsed = pl.select(timestamp_expr(pl.lit(text))).to_series()
                found.append(_timestamp_problems(raw.select(LINE, text), [column.name]))
            typed.append(parsed.alias(column.name))
        elif column.kind == "code":
            text, unknown = _check_code(_as_text(series), column)
            allowed = ", ".join(column.codes)
            found.append(
                _bad_value_problems(
                    raw.with_columns(_as_text(series).alias(column.name)),
                    column.name,
                    unknown,
                    "unknown value '{}' (expected " + allowed + " or empty)",
                )
            )
            typed.append(text.alias(column.name))
        elif column.kind == "authority":
            text = _as_text(series)
            distinct = text.drop_nulls().unique()
            if (distinct != distinct.str.strip_chars()).any():
                # Trim only when some code needs it: trimming copies the whole column.
                text = text.str.strip_chars()
                distinct = text.drop_nulls().unique()
            bad_codes = distinct.filter(~distinct.str.contains(AUTHORITY_CODE_PATTERN)).to_list()
            found.append(
                _bad_value_problems(
                    raw.with_columns(text.alias(column.name)),
                    column.name,
                    bad_codes,
                    "'{}' is not " + AUTHORITY_CODE_HINT,
                )
            )
            typed.append(text.alias(column.name))
        else:
            typed.append(_as_text(series).alias(column.name))
    frame = pl.DataFrame(typed)
    for column in columns:
        if column.required:
            found.append(
                _rows(
                    frame,
                    pl.col(column.name).is_null() & ~_cell_reported(found, column.name, frame),
                    column.name,
                    pl.lit("a value is required"),
                )
            )
        if column.kind == "id":
            found.append(_duplicate_problems(frame, column.name))
    problems = pl.concat(found) if found else _no_problems()
    return frame, problems


def _cell_reported(found: list[pl.DataFrame], column: str, frame: pl.DataFrame) -> pl.Expr:
    """True for rows whose `column` already has a problem (so it is not reported twice)."""
    lines = [f.filter(pl.col("column") == column)[LINE] for f in found if f.height]
    if not lines:
        return pl.lit(False)
    return pl.col(LINE).is_in(pl.concat(lines).implode())


def _duplicate_problems(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    ids = frame[column]
    present = ids.drop_nulls()
    # Distinct 64-bit hashes prove distinct ids at a fraction of the cost of hashing strings
    # into a table; only a repeated hash (a duplicate, or a rare collision) needs the exact check.
    if present.hash(_HASH_SEED).n_unique() == present.len():
        return _no_problems()
    dup = ids.is_duplicated() & ids.is_not_null()
    if not dup.any():
        return _no_problems()
    rows = frame.filter(dup).select(LINE, column)
    first = rows.group_by(column).agg(pl.col(LINE).min().alias("_first"))
    return (
        rows.join(first, on=column)
        .filter(pl.col(LINE) != pl.col("_first"))
        .select(
            pl.col(LINE),
            pl.lit(column).alias("column"),
            pl.format(
                "duplicate {} '{}' (first on line {})",
                pl.lit(column),
                pl.col(column),
                pl.col("_first"),
            ).alias("reason"),
        )
    )


def link_interviews(episodes: pl.DataFrame, interviews: pl.DataFrame) -> pl.Series:
    """For each episode, the row of its interview in `interviews` (null: none or not found).

    Joined on 64-bit hashes of `rhi_id` and then verified string by string, so the result is
    exact; a collision (or duplicate interview ids) falls back to joining on the text.
    """
    keys = interviews["rhi_id"]
    wanted = episodes.select(pl.col("rhi_id"))
    hashes = keys.hash(_HASH_SEED)
    if hashes.n_unique() == keys.len() and keys.null_count() == 0:
        right = pl.DataFrame({"_h": hashes}).with_row_index(INTERVIEW_ROW)
        left = wanted.with_columns(
            pl.when(pl.col("rhi_id").is_not_null())
            .then(pl.col("rhi_id").hash(_HASH_SEED))
            .alias("_h")
        )
        linked = left.join(right, on="_h", how="left", maintain_order="left")[INTERVIEW_ROW]
        matched = keys.gather(linked)
        if (matched.is_null() | (matched == wanted["rhi_id"])).all():
            return linked.alias(INTERVIEW_ROW)
    right = (
        interviews.select("rhi_id")
        .with_row_index(INTERVIEW_ROW)
        .unique(subset="rhi_id", keep="first", maintain_order=True)
        .drop_nulls("rhi_id")
    )
    return wanted.join(right, on="rhi_id", how="left", maintain_order="left")[INTERVIEW_ROW]


def interview_rows(episodes: pl.DataFrame, interviews: pl.DataFrame) -> pl.Series:
    """Each episode's interview row: the link `check_inputs` made, or a new one."""
    if INTERVIEW_ROW in episodes.columns:
        return episodes[INTERVIEW_ROW]
    return link_interviews(episodes, interviews)


def _episode_row_problems(
    episodes: pl.DataFrame, interviews: pl.DataFrame, left_out: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Checks across columns and across the two files."""
    skipped_ids = (
        left_out["rhi_id"].implode()
        if left_out is not None
        else pl.lit([], dtype=pl.List(pl.String))
    )
    found = [
        _rows(
            episodes,
            pl.col("returned_at") < pl.col("started_at"),
            "returned_at",
            pl.format(
                "returned_at {} is before started_at {}",
                pl.col("returned_at").dt.strftime("%Y-%m-%dT%H:%M"),
                pl.col("started_at").dt.strftime("%Y-%m-%dT%H:%M"),
            ),
        ),
        _rows(
            episodes,
            pl.col("nation").is_not_null()
            & pl.col("authority_code").is_not_null()
            & (
                pl.col("nation").replace_strict(_NATION_LETTER, default=None)
                != pl.col("authority_code").str.slice(0, 1)
            ),
            "nation",
            pl.format(
                "nation '{}' does not match authority_code {}",
                pl.col("nation"),
                pl.col("authority_code"),
            ),
        ),
    ]
    found.append(
        _rows(
            episodes,
            pl.col("rhi_id").is_not_null()
            & pl.col(INTERVIEW_ROW).is_null()
            & ~pl.col("rhi_id").is_in(skipped_ids),
            "rhi_id",
            pl.format("rhi_id '{}' is not in the interviews file", pl.col("rhi_id")),
        )
    )
    if left_out is not None and left_out.height:
        found.append(
            _rows(
                episodes.join(left_out, on="rhi_id", how="left"),
                pl.col(INTERVIEW_ROW).is_null() & pl.col("_iv_line").is_not_null(),
                "rhi_id",
                pl.format(
                    "its interview '{}' (line {} of the interviews file) was left out for errors",
                    pl.col("rhi_id"),
                    pl.col("_iv_line"),
                ),
            )
        )
    return pl.concat(found)


def _to_problems(table: pl.DataFrame, source: str) -> list[Problem]:
    return [
        Problem(source, line, column, reason)
        for line, column, reason in table.sort(LINE).iter_rows()
    ]


def check_inputs(
    episodes: pl.DataFrame,
    interviews: pl.DataFrame,
    *,
    episodes_source: str = "episodes",
    interviews_source: str = "interviews",
    skip_bad_rows: bool = False,
    known_problems: tuple[pl.DataFrame | None, pl.DataFrame | None] = (None, None),
) -> CheckedInputs:
    """Check and type both tables; raise `InputError` unless they are clean or skipping.

    With `skip_bad_rows`, rows with problems are left out and the problems returned say
    which and why; an episode whose interview row was left out is left out too.
    `known_problems` (episodes, interviews) were found while reading the files.
    """
    ep, ep_problems = check_table(episodes, EPISODE_COLUMNS, episodes_source, known_problems[0])
    iv, iv_problems = check_table(
        interviews, INTERVIEW_COLUMNS, interviews_source, known_problems[1]
    )
    header_missing = (
        ep_problems.filter(pl.col(LINE) == 1).height + iv_problems.filter(pl.col(LINE) == 1).height
    )
    if header_missing:
        raise InputError(
            _to_problems(iv_problems.filter(pl.col(LINE) == 1), interviews_source)
            + _to_problems(ep_problems.filter(pl.col(LINE) == 1), episodes_source)
        )
    skipped_iv = 0
    left_out = None
    if skip_bad_rows and iv_problems.height:
        bad = pl.col(LINE).is_in(iv_problems[LINE].implode())
        left_out = (
            iv.filter(bad & pl.col("rhi_id").is_not_null())
            .select("rhi_id", pl.col(LINE).alias("_iv_line"))
            .unique(subset="rhi_id", keep="first")
        )
        before = iv.height
        iv = iv.filter(~bad)
        skipped_iv = before - iv.height
    ep = ep.with_columns(link_interviews(ep, iv))
    ep_problems = pl.concat([ep_problems, _episode_row_problems(ep, iv, left_out)])
    problems = _to_problems(iv_problems, interviews_source) + _to_problems(
        ep_problems, episodes_source
    )
    skipped_ep = 0
    if problems and not skip_bad_rows:
        raise InputError(problems)
    if skip_bad_rows and ep_problems.height:
        before = ep.height
        ep = ep.filter(~pl.col(LINE).is_in(ep_problems[LINE].implode()))
        skipped_ep = before - ep.height
    return CheckedInputs(
        episodes=ep,
        interviews=iv,
        episodes_source=episodes_source,
        interviews_source=interviews_source,
        problems=problems,
        skipped_episodes=skipped_ep,
        skipped_interviews=skipped_iv,
    )


def load_inputs(
    episodes_path: Path, interviews_path: Path, *, skip_bad_rows: bool = False
) -> CheckedInputs:
    """Read and check both files. Problems in the files themselves are never skippable."""
    episodes = read_csv_table(episodes_path, EPISODE_COLUMNS)
    interviews = read_csv_table(interviews_path, INTERVIEW_COLUMNS)
    if isinstance(episodes, list) or isinstance(interviews, list):
        raise InputError([p for t in (interviews, episodes) if isinstance(t, list) for p in t])
    return check_inputs(
        episodes[0],
        interviews[0],
        episodes_source=str(episodes_path),
        interviews_source=str(interviews_path),
        skip_bad_rows=skip_bad_rows,
        known_problems=(episodes[1], interviews[1]),
    )

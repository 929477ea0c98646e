"""Reading and checking authority returns (`shared/spec/authority-returns.md`).

One row per authority and period; a blank cell is an unanswered question. A file that
cannot be read as the contract describes is refused with every problem found, each with
file, line (the header is line 1), column and reason. A count that is merely implausible
(negative, more offers than incidents) is data: it passes here and is judged by the
anomaly rules in `homeward.benchmark.anomalies`.

The same checks run on files (CSV, XLSX) and on in-memory tables (`returns_frame`), so
there is one definition of a valid return.
"""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

import polars as pl

#: The columns of a returns file, in the contract's order. All are required in the header.
COLUMNS: tuple[str, ...] = (
    "authority_code",
    "authority_name",
    "nation",
    "period",
    "provider",
    "incidents",
    "individuals",
    "offered",
    "accepted",
    "declined",
    "completed",
    "completed_within_72h",
    "clock_start",
    "clock_unit",
    "follow_up_support",
)

#: Columns holding counts of incidents (whole numbers; blank = not answered).
COUNT_COLUMNS: tuple[str, ...] = (
    "incidents",
    "individuals",
    "offered",
    "accepted",
    "declined",
    "completed",
    "completed_within_72h",
)

#: Columns holding a code from a fixed list (matched case-insensitively, trimmed).
CODE_VALUES: dict[str, tuple[str, ...]] = {
    "nation": ("England", "Wales", "Scotland"),
    "provider": ("in_house", "independent", "mixed", "not_known"),
    "clock_start": ("return", "referral"),
    "clock_unit": ("hours", "calendar_days", "working_days"),
    "follow_up_support": ("yes", "sometimes", "no"),
}

#: The source line of each row, kept beside the contract's columns.
LINE = "line"

#: The column named in a problem that concerns the whole file or a whole line.
NO_COLUMN = "-"

_PERIOD = re.compile(r"([0-9]{4})-([0-9]{2})")  # ASCII digits only, never "２０２５"
_WHOLE = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?(\d+[.,]\d*|[.,]\d+)")
_SURROGATE = re.compile("[\udc80-\udcff]")


class Problem(NamedTuple):
    """One reason a returns file (or one cell of it) cannot be used."""

    file: str
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.reason}"


class ReturnsError(ValueError):
    """A returns file was refused; `problems` lists every (file, line, column, reason)."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))

    @property
    def errors(self) -> list[Problem]:
        """The same list as `problems`."""
        return self.problems


def parse_period(text: str) -> str:
    """Check a financial year written `YYYY-YY` with consecutive years (`2017-18`).

    Returns the period trimmed; raises ValueError with the reason otherwise.
    """
    value = text.strip()
    match = _PERIOD.fullmatch(value)
    if match is None:
        raise ValueError(f"period {value!r} is not a financial year written like 2017-18")
    first, second = int(match[1]), int(match[2])
    if (first + 1) % 100 != second:
        raise ValueError(
            f"period {value!r} does not name consecutive years "
            f"(after {first} comes {(first + 1) % 100:02d})"
        )
    return value


def read_returns(path: str | Path) -> pl.DataFrame:
    """Read and check a returns file (`.csv`, UTF-8, or `.xlsx`, first sheet).

    Returns one row per record with the contract's columns (codes in their canonical
    spelling, counts as Int64, blanks as null) and `line`, the record's line in the file.
    Raises ReturnsError listing every problem found.
    """
    file = Path(path)
    source = str(path)
    suffix = file.suffix.lower()
    if suffix not in (".csv", ".xlsx", ".xlsm"):
        raise ReturnsError([Problem(source, 1, NO_COLUMN, "expected a .csv or .xlsx file")])
    try:
        if suffix == ".csv":
            header, rows, problems = _csv_records(source, file.read_bytes())
        else:
            header, rows, problems = _xlsx_records(source, file)
    except OSError as error:
        reason = f"cannot read the file: {error.strerror or error}"
        raise ReturnsError([Problem(source, 1, NO_COLUMN, reason)]) from error
    if header is None:
        raise ReturnsError(problems or [Problem(source, 1, NO_COLUMN, "empty file")])
    return _check(source, header, rows, problems)


def returns_frame(frame: pl.DataFrame, *, source: str = "<returns>") -> pl.DataFrame:
    """Check an in-memory table of returns with the same rules as `read_returns`.

    Rows are numbered as in a file (the first row is line 2) unless the frame carries a
    `line` column, as `read_returns` output does. Raises ReturnsError.
    """
    columns = [name for name in frame.columns if name != LINE]
    has_lines = LINE in frame.columns
    records: list[tuple[int, list[object]]] = []
    for index, row in enumerate(frame.select(columns).iter_rows(), start=2):
        records.append((index, list(row)))
    if has_lines:
        lines = frame.get_column(LINE).to_list()
        records = [
            (line if isinstance(line, int) else index, cells)
            for (index, cells), line in zip(records, lines, strict=True)
        ]
    return _check(source, list(columns), records, [])


# --- reading files ------------------------------------------------------------------------

Records = list[tuple[int, list[object]]]


def _csv_records(source: str, data: bytes) -> tuple[list[object] | None, Records, list[Problem]]:
    if not data.strip():
        return None, [], [Problem(source, 1, NO_COLUMN, "empty file")]
    # Undecodable bytes survive as lone surrogates so that each bad cell can be named.
    text = data.decode("utf-8-sig", errors="surrogateescape")
    reader = csv.reader(io.StringIO(text, newline=""))
    problems: list[Problem] = []
    records: Records = []
    header: list[object] | None = None
    start = 1
    try:
        for cells in reader:
            if header is None:
                header = list(cells)
            else:
                records.append((start, list(cells)))
            start = reader.line_num + 1
    except csv.Error as error:
        problems.append(Problem(source, start, NO_COLUMN, f"not readable as CSV: {error}"))
    if header is None and not problems:
        problems.append(Problem(source, 1, NO_COLUMN, "empty file"))
    return header, records, problems


def _xlsx_records(source: str, path: Path) -> tuple[list[object] | None, Records, list[Problem]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError) as error:
        reason = f"not a readable XLSX workbook ({type(error).__name__})"
        return None, [], [Problem(source, 1, NO_COLUMN, reason)]
    try:
        if not workbook.worksheets:
            return None, [], [Problem(source, 1, NO_COLUMN, "empty file (no worksheet)")]
        rows: Iterator[tuple[object, ...]] = workbook.worksheets[0].iter_rows(values_only=True)
        header: list[object] | None = None
        records: Records = []
        for line, cells in enumerate(rows, start=1):
            if header is None:
                header = list(cells)
            else:
                records.append((line, list(cells)))
    finally:
        workbook.close()
    header_blank = header is None or all(_blank(cell) for cell in header)
    if header_blank and all(all(_blank(c) for c in cells) for _, cells in records):
        return None, [], [Problem(source, 1, NO_COLUMN, "empty file")]
    return header, records, []


# --- checking -----------------------------------------------------------------------------


def _blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _header_name(cell: object) -> str:
    return "" if cell is None else str(cell).strip().lower()


def _check(
    source: str,
    header: Sequence[object],
    records: Iterable[tuple[int, Sequence[object]]],
    problems: list[Problem],
) -> pl.DataFrame:
    problems = list(problems)
    names = [_header_name(cell) for cell in header]
    position: dict[str, int] = {}
    header_problems: list[Problem] = []
    for index, name in enumerate(names):
        if _SURROGATE.search(name):
            header_problems.append(
                Problem(source, 1, f"column {index + 1}", "header is not valid UTF-8")
            )
        elif name in position and name in COLUMNS:
            header_problems.append(Problem(source, 1, name, "column is named twice"))
        elif name:
            position.setdefault(name, index)
    if not any(column in position for column in COLUMNS):
        first_line = ",".join(str(cell) for cell in header if cell is not None)[:80]
        header_problems.append(
            Problem(
                source,
                1,
                NO_COLUMN,
                "missing header: the first line must name the columns "
                f"({', '.join(COLUMNS)}); it reads {first_line!r}",
            )
        )
    else:
        header_problems.extend(
            Problem(source, 1, column, "missing required column")
            for column in COLUMNS
            if column not in position
        )
    if header_problems or problems:
        raise ReturnsError(header_problems + problems)

    data: dict[str, list[object]] = {column: [] for column in (*COLUMNS, LINE)}
    seen: dict[tuple[str, str], int] = {}
    for line, cells in records:
        if all(_blank(cell) for cell in cells):
            continue  # a wholly blank line (often trailing) carries nothing
        row_problems: list[Problem] = []
        for index in range(len(names), len(cells)):
            if not _blank(cells[index]):
                row_problems.append(
                    Problem(source, line, f"column {index + 1}", "value beyond the last column")
                )
        values: dict[str, object] = {}
        for column in COLUMNS:
            index = position[column]
            cell = cells[index] if index < len(cells) else None
            value, reason = _parse_cell(column, cell)
            if reason is not None:
                row_problems.append(Problem(source, line, column, reason))
            values[column] = value
        code, period = values["authority_code"], values["period"]
        if isinstance(code, str) and isinstance(period, str):
            key = (code.casefold(), period)
            if key in seen:
                row_problems.append(
                    Problem(
                        source,
                        line,
                        "authority_code",
                        f"duplicate return: {code} already has a {period} row on line {seen[key]}",
                    )
                )
            else:
                seen[key] = line
        problems.extend(row_problems)
        for column in COLUMNS:
            data[column].append(values[column])
        data[LINE].append(line)
    if problems:
        raise ReturnsError(problems)
    schema = {column: (pl.Int64 if column in COUNT_COLUMNS else pl.String) for column in COLUMNS}
    schema[LINE] = pl.Int64
    return pl.DataFrame(data, schema=schema)


def _parse_cell(column: str, cell: object) -> tuple[object, str | None]:
    """Return (value, None) for a usable cell, or (None, reason) for a refused one."""
    if isinstance(cell, str) and _SURROGATE.search(cell):
        return None, "not valid UTF-8 (save the file as UTF-8)"
    if column in COUNT_COLUMNS:
        return _parse_count(cell)
    text = _text(cell)
    if column == "period":
        if text is None:
            return None, "period is blank"
        if not isinstance(cell, str):
            return None, f"period must be written like 2017-18, found {cell!r}"
        try:
            return parse_period(text), None
        except ValueError as error:
            return None, str(error)
    if column == "authority_code":
        if text is None:
            return None, "authority_code is blank"
        return text, None
    if column in CODE_VALUES:
        if text is None:
            return None, None
        allowed = CODE_VALUES[column]
        canonical = {value.casefold(): value for value in allowed}
        found = canonical.get(text.casefold())
        if found is None:
            return None, f"unknown value {text!r}; expected one of: {', '.join(allowed)}"
        return found, None
    return text, None


def _text(cell: object) -> str | None:
    if cell is None:
        return None
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    value = str(cell).strip()
    return value or None


def _parse_count(cell: object) -> tuple[int | None, str | None]:
    if cell is None:
        return None, None
    if isinstance(cell, bool):
        return None, f"expected a whole number, found {cell}"
    if isinstance(cell, int):
        return cell, None
    if isinstance(cell, float):
        if math.isfinite(cell) and cell.is_integer():
            return int(cell), None  # a spreadsheet stores every number as a float
        return None, f"expected a whole number, found the decimal {cell!r}"
    if isinstance(cell, str):
        text = cell.strip()
        if not text:
            return None, None
        if _WHOLE.fullmatch(text):
            return int(text), None
        if _DECIMAL.fullmatch(text):
            return None, f"expected a whole number, found the decimal {text!r}"
        return None, f"expected a whole number, found the text {text!r}"
    return None, f"expected a whole number, found {cell!r}"

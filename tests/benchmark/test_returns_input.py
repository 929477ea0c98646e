"""Malformed returns are refused with file, line and column; good ones read the same from
CSV and XLSX."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import polars as pl
import pytest

from homeward.benchmark import Problem, ReturnsError, build_report, read_returns
from tests.benchmark.hand_returns import CSV_TEXT, HEADER

GOOD = "E06000001,Alderley,England,2017-18,in_house,200,80,150,100,30,120,60,return,hours,yes"


def refused(path: Path) -> list[Problem]:
    with pytest.raises(ReturnsError) as caught:
        read_returns(path)
    return caught.value.problems


def write(tmp_path: Path, *lines: str, name: str = "returns.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def where(problems: list[Problem]) -> list[tuple[int, str]]:
    return [(p.line, p.column) for p in problems]


def test_a_good_file_reads_with_canonical_codes_and_lines(tmp_path: Path) -> None:
    frame = read_returns(write(tmp_path, CSV_TEXT.rstrip("\n")))
    assert frame.height == 17
    row = frame.row(1, named=True)  # Brackwater: In_House, Yes, blank accepted
    assert (row["provider"], row["follow_up_support"], row["accepted"]) == ("in_house", "yes", None)
    assert frame.row(3, named=True)["nation"] == "England"  # written "england"
    assert frame.get_column("line").to_list()[:3] == [2, 3, 4]
    assert frame.schema["incidents"] == pl.Int64


def test_missing_header(tmp_path: Path) -> None:
    problems = refused(write(tmp_path, GOOD, GOOD.replace("E06000001", "E06000002")))
    assert where(problems) == [(1, "-")]
    assert "missing header" in problems[0].reason


def test_missing_required_columns_are_each_named(tmp_path: Path) -> None:
    header = HEADER.replace(",declined", "").replace(",clock_unit", "")
    row = GOOD.replace(",30,120", ",120").replace(",hours", "")
    problems = refused(write(tmp_path, header, row))
    assert where(problems) == [(1, "declined"), (1, "clock_unit")]
    assert all(p.reason == "missing required column" for p in problems)
    assert str(problems[0]) == f"{tmp_path / 'returns.csv'}:1:declined: missing required column"


@pytest.mark.parametrize(
    ("column", "good", "bad"),
    [
        ("nation", ",England,", ",Eire,"),
        ("provider", ",in_house,", ",charity,"),
        ("clock_start", ",return,hours", ",police,hours"),
        ("clock_unit", ",hours,yes", ",minutes,yes"),
        ("follow_up_support", ",yes", ",maybe"),
    ],
)
def test_unknown_code_values(tmp_path: Path, column: str, good: str, bad: str) -> None:
    line = GOOD.replace("E06000001", "E06000002").replace(good, bad)
    assert bad in line
    problems = refused(write(tmp_path, HEADER, GOOD, line))
    assert where(problems) == [(3, column)]
    assert "unknown value" in problems[0].reason


@pytest.mark.parametrize(
    ("cell", "reason"),
    [("n/a", "text"), ("12.5", "decimal"), ("12.0", "decimal"), ("1,234", "decimal")],
)
def test_text_or_a_decimal_in_a_count(tmp_path: Path, cell: str, reason: str) -> None:
    line = GOOD.replace(",150,", f',"{cell}",')
    problems = refused(write(tmp_path, HEADER, line))
    assert where(problems) == [(2, "offered")]
    assert reason in problems[0].reason


@pytest.mark.parametrize("period", ["2017/18", "2017-19", "17-18", "2017-2018", ""])
def test_bad_period(tmp_path: Path, period: str) -> None:
    problems = refused(write(tmp_path, HEADER, GOOD.replace("2017-18", period)))
    assert where(problems) == [(2, "period")]


def test_duplicate_authority_and_period(tmp_path: Path) -> None:
    other_period = GOOD.replace("2017-18", "2016-17")  # the same authority, another year: fine
    problems = refused(write(tmp_path, HEADER, GOOD, other_period, GOOD))
    assert where(problems) == [(4, "authority_code")]
    assert "line 2" in problems[0].reason


@pytest.mark.parametrize("content", [b"", b"\n\n  \n"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "returns.csv"
    path.write_bytes(content)
    problems = refused(path)
    assert where(problems) == [(1, "-")]
    assert problems[0].reason == "empty file"


def test_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "returns.csv"
    text = f"{HEADER}\n{GOOD}\n{GOOD.replace('E06000001,Alderley', 'W06000001,Ynys Môn')}\n"
    path.write_bytes(text.encode("cp1252"))
    problems = refused(path)
    assert where(problems) == [(3, "authority_name")]
    assert "UTF-8" in problems[0].reason


def test_every_problem_is_reported_not_just_the_first(tmp_path: Path) -> None:
    lines = [
        HEADER,
        GOOD.replace(",200,", ",lots,"),  # line 2: incidents
        GOOD.replace("E06000001", "E06000002"),  # line 3: fine
        GOOD.replace("E06000001", "E06000003").replace(",in_house,", ",council,"),  # line 4
        GOOD.replace("E06000001", "E06000004").replace("2017-18", "2017-19"),  # line 5
        GOOD.replace("E06000001", "").replace(",yes", ",perhaps"),  # line 6: two problems
    ]
    problems = refused(write(tmp_path, *lines))
    assert where(problems) == [
        (2, "incidents"),
        (4, "provider"),
        (5, "period"),
        (6, "authority_code"),
        (6, "follow_up_support"),
    ]


def test_a_quoted_multi_line_name_keeps_later_line_numbers(tmp_path: Path) -> None:
    named = GOOD.replace("Alderley", '"Alderley\nand Bex"')
    bad = GOOD.replace("E06000001", "E06000002").replace(",hours,", ",days,")
    problems = refused(write(tmp_path, HEADER, named, bad))
    assert where(problems) == [(4, "clock_unit")]


def test_implausible_counts_are_data_not_errors(tmp_path: Path) -> None:
    line = GOOD.replace(",200,80,150,", ",-5,80,900,")
    frame = read_returns(write(tmp_path, HEADER, line))
    assert frame.row(0, named=True)["incidents"] == -5


def test_an_unsupported_file_type(tmp_path: Path) -> None:
    problems = refused(write(tmp_path, HEADER, GOOD, name="returns.txt"))
    assert where(problems) == [(1, "-")]


def test_extra_columns_are_ignored_and_stray_cells_refused(tmp_path: Path) -> None:
    frame = read_returns(write(tmp_path, HEADER + ",notes", GOOD + ",phoned twice"))
    assert "notes" not in frame.columns
    problems = refused(write(tmp_path, HEADER, GOOD + ",stray"))
    assert where(problems) == [(2, "column 16")]


# --- XLSX ---------------------------------------------------------------------------------


def xlsx_from_csv(csv_text: str, path: Path, numbers: type = int) -> Path:
    """The same records as a workbook, counts stored as numbers."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    lines = csv_text.strip("\n").split("\n")
    for index, line in enumerate(lines):
        cells: list[object] = []
        for value in line.split(","):
            try:
                cells.append(numbers(int(value)) if index else value)
            except ValueError:
                cells.append(value or None)
        sheet.append(cells)
    workbook.save(path)
    return path


@pytest.mark.parametrize("numbers", [int, float])
def test_xlsx_input_gives_the_same_report_as_csv(tmp_path: Path, numbers: type) -> None:
    from_csv = read_returns(write(tmp_path, CSV_TEXT.rstrip("\n")))
    from_xlsx = read_returns(xlsx_from_csv(CSV_TEXT, tmp_path / "returns.xlsx", numbers))
    assert from_xlsx.equals(from_csv)
    assert (
        build_report(from_xlsx, "2017-18").to_json() == build_report(from_csv, "2017-18").to_json()
    )


def test_xlsx_problems_carry_row_and_column(tmp_path: Path) -> None:
    path = xlsx_from_csv(f"{HEADER}\n{GOOD}\n{GOOD}", tmp_path / "returns.xlsx")
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    assert sheet is not None
    sheet["F2"] = 12.5  # incidents
    sheet["G3"] = "many"  # individuals
    workbook.save(path)
    problems = refused(path)
    assert where(problems) == [(2, "incidents"), (3, "individuals"), (3, "authority_code")]


def test_a_broken_xlsx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "returns.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    assert where(refused(path)) == [(1, "-")]


def test_an_excel_csv_with_a_byte_order_mark_and_crlf_reads(tmp_path: Path) -> None:
    path = tmp_path / "returns.csv"
    path.write_bytes(("\ufeff" + HEADER + "\r\n" + GOOD + "\r\n").encode("utf-8"))
    frame = read_returns(path)
    assert frame.row(0, named=True)["authority_code"] == "E06000001"
    assert frame.row(0, named=True)["follow_up_support"] == "yes"

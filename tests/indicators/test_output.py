"""Writing the indicator table: CSV, JSON, XLSX and Parquet by extension, and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from homeward.indicators.cli import quality_path
from homeward.indicators.output import FORMATS, output_format, write_table
from homeward.indicators.schema import OUTPUT_COLUMNS
from tests.indicators.helpers import ep, indicators, iv, run_cli, write_inputs

EPISODES = [
    ep("E1", "2017-04-03T08:00", "2017-04-03T10:00", "2017-04-03T11:00", rhi="R1"),
    ep("E2", "2017-04-04T08:00", "2017-04-04T10:00", rhi="R1", child_id="C2"),
    ep("E3", "2017-07-04T08:00", "2017-07-05T10:00", rhi="R2", category="absent"),
    ep("E4", "2018-01-04T08:00", authority_code="W06000015"),
]
INTERVIEWS = [
    iv("R1", "2017-04-05T10:00", offered="2017-04-04T12:00", outcome="accepted"),
    iv("R2", offered="2017-07-05T12:00", outcome="declined", declined_by="child"),
]


@pytest.fixture
def table(tmp_path: Path) -> pl.DataFrame:
    # Rates and suppression, so there are blanks (nulls) among the numbers.
    made = indicators(tmp_path, EPISODES, INTERVIEWS, rates=True, suppress_small=True)
    assert made.height == 2
    assert made["incidents"].null_count() == 2  # 3 and 1: both suppressed
    return made


def test_csv_round_trips(tmp_path: Path, table: pl.DataFrame) -> None:
    path = tmp_path / "t.csv"
    write_table(table, path)
    back = pl.read_csv(path, schema=table.schema)
    assert back.equals(table)
    assert path.read_text().splitlines()[0] == ",".join(table.columns)


def test_csv_of_plain_counts_reads_back_with_inferred_types(tmp_path: Path) -> None:
    plain = indicators(tmp_path, EPISODES, INTERVIEWS)
    path = tmp_path / "plain.csv"
    write_table(plain, path)
    assert pl.read_csv(path).equals(plain)


def test_json_is_a_list_of_row_objects(tmp_path: Path, table: pl.DataFrame) -> None:
    path = tmp_path / "t.json"
    write_table(table, path)
    rows = json.loads(path.read_text())
    assert isinstance(rows, list) and len(rows) == 2
    assert rows == table.to_dicts()
    assert list(rows[0]) == table.columns  # column order kept
    assert rows[0]["incidents"] is None  # suppressed: null, not 0 or ""


def test_parquet_round_trips(tmp_path: Path, table: pl.DataFrame) -> None:
    path = tmp_path / "t.parquet"
    write_table(table, path)
    assert pl.read_parquet(path).equals(table)


def test_xlsx_has_the_header_and_values(tmp_path: Path, table: pl.DataFrame) -> None:
    path = tmp_path / "t.xlsx"
    write_table(table, path)
    sheet = openpyxl.load_workbook(path)["indicators"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == table.columns
    assert [list(r) for r in rows[1:]] == [list(r) for r in table.rows()]


def test_xlsx_writes_text_that_looks_like_a_formula_as_text(tmp_path: Path) -> None:
    odd = pl.DataFrame(
        {"authority_code": ["=1+1", "+SUM(A1:A2)", "@cmd"], "link": ["http://x.invalid"] * 3}
    )
    path = tmp_path / "odd.xlsx"
    write_table(odd, path)
    sheet = openpyxl.load_workbook(path)["indicators"]
    cells = [sheet.cell(row=r, column=1) for r in (2, 3, 4)]
    assert [c.value for c in cells] == ["=1+1", "+SUM(A1:A2)", "@cmd"]
    assert [c.data_type for c in cells] == ["s", "s", "s"]
    assert sheet.cell(row=2, column=2).hyperlink is None


@pytest.mark.parametrize("name", ["t.txt", "t.xls", "t", "t.csv.gz", "t.tsv"])
def test_an_unknown_extension_is_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError, match="cannot tell the output format") as raised:
        write_table(pl.DataFrame({"a": [1]}), tmp_path / name)
    for known in FORMATS:
        assert known in str(raised.value)
    assert not (tmp_path / name).exists()


def test_extensions_are_read_in_any_case() -> None:
    assert output_format(Path("T.CSV")) == ".csv"
    assert output_format(Path("t.Parquet")) == ".parquet"


# --- the command line ----------------------------------------------------------------------


@pytest.mark.parametrize("extension", [".csv", ".json", ".xlsx", ".parquet"])
def test_the_cli_writes_each_format_and_the_quality_report_beside_it(
    tmp_path: Path, capsys, extension: str
) -> None:
    ep_path, iv_path = write_inputs(tmp_path, EPISODES, INTERVIEWS)
    out = tmp_path / "out" / f"indicators{extension}"
    code, stdout, stderr = run_cli([ep_path, iv_path, "--out", out], capsys)
    assert (code, stderr) == (0, "")
    assert out.is_file()
    report_path = tmp_path / "out" / "indicators.quality.csv"
    assert quality_path(out) == report_path
    report = pl.read_csv(report_path)
    # E4 is still missing; R2 declined (with who) and not completed: one finding.
    assert report.select("check", "record_id").rows() == [("episode_open", "E4")]
    assert "episode_open 1" in stdout
    expected = indicators(tmp_path / "out", EPISODES, INTERVIEWS)
    if extension == ".csv":
        assert pl.read_csv(out).equals(expected)
    elif extension == ".parquet":
        assert pl.read_parquet(out).equals(expected)
    elif extension == ".json":
        assert json.loads(out.read_text()) == expected.to_dicts()
    else:
        rows = list(openpyxl.load_workbook(out)["indicators"].iter_rows(values_only=True))
        assert rows[0] == OUTPUT_COLUMNS
        assert rows[1:] == expected.rows()


def test_the_cli_options_by_rates_and_suppress(tmp_path: Path, capsys) -> None:
    ep_path, iv_path = write_inputs(tmp_path, EPISODES, INTERVIEWS)
    out = tmp_path / "q.csv"
    args = [ep_path, iv_path, "--out", out, "--by", "quarter", "--rates", "--suppress-small"]
    code, _, stderr = run_cli(args, capsys)
    assert (code, stderr) == (0, "")
    written = pl.read_csv(out, infer_schema=False)
    assert written.select("authority_code", "period").rows() == [
        ("E06099001", "2017-18 Q1"),
        ("E06099001", "2017-18 Q2"),
        ("W06000015", "2017-18 Q4"),
    ]
    assert tuple(written.columns[: len(OUTPUT_COLUMNS)]) == OUTPUT_COLUMNS
    assert "offered_percent" in written.columns
    # Q1 has 2 incidents, Q2 and Q4 1 each: all blank.
    assert written["incidents"].to_list() == [None, None, None]


@pytest.mark.parametrize("name", ["out.txt", "out"])
def test_the_cli_refuses_an_unknown_extension(tmp_path: Path, capsys, name: str) -> None:
    ep_path, iv_path = write_inputs(tmp_path, EPISODES, INTERVIEWS)
    out = tmp_path / name
    code, stdout, stderr = run_cli([ep_path, iv_path, "--out", out], capsys)
    assert code == 2
    assert "cannot tell the output format" in stderr
    assert ".csv, .json, .xlsx, .parquet" in stderr
    assert ("'.txt'" if name == "out.txt" else "no extension") in stderr
    assert not out.exists()
    assert not quality_path(out).exists()
    assert stdout == ""


def test_the_cli_refuses_a_missing_input_file(tmp_path: Path, capsys) -> None:
    ep_path, _ = write_inputs(tmp_path, EPISODES, INTERVIEWS)
    out = tmp_path / "t.csv"
    code, _, stderr = run_cli([ep_path, tmp_path / "nope.csv", "--out", out], capsys)
    assert code == 2
    assert "nope.csv: no such file" in stderr
    assert not out.exists()

"""`homeward benchmark` end to end: every file written, and refused input exits with 2."""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import re
from pathlib import Path

import openpyxl
import pypdf
import pytest

from homeward.benchmark import cli
from homeward.benchmark.report_xlsx import SHEETS
from tests.benchmark.hand_returns import CSV_TEXT, EXPECTED_EXCLUSIONS, EXPECTED_TABLES_JSON


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="homeward")
    subparsers = parser.add_subparsers(dest="command", required=True)
    cli.register(subparsers)
    args = parser.parse_args(argv)
    result: int = args.handler(args)
    return result


@pytest.fixture(scope="module")
def returns_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("in") / "returns.csv"
    path.write_text(CSV_TEXT, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def written(returns_csv: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out") / "report"
    code = main(
        [
            "benchmark",
            str(returns_csv),
            "--period",
            "2017-18",
            "--out",
            str(out),
            "--nation",
            "england",
        ]
    )
    assert code == 0
    return out


def test_every_file_is_written(written: Path) -> None:
    names = {p.name for p in written.iterdir()}
    assert names == {
        "tables.json",
        "report.html",
        "report.xlsx",
        "report.pdf",
        "exclusions.csv",
        "standings.csv",
    }


def test_tables_json_is_exactly_the_documented_shape(written: Path) -> None:
    tables = json.loads((written / "tables.json").read_text(encoding="utf-8"))
    assert tables == EXPECTED_TABLES_JSON
    assert list(tables) == ["period", "authorities", "tables"]


def test_exclusions_csv(written: Path) -> None:
    with (written / "exclusions.csv").open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    assert [(int(r["line"]), r["answer"], int(r["value"]), r["rule"]) for r in rows] == (
        EXPECTED_EXCLUSIONS
    )
    assert rows[0]["authority_code"] == "E06000004" and rows[0]["period"] == "2017-18"


def test_standings_csv(written: Path) -> None:
    with (written / "standings.csv").open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == 12 * 5
    glanford = {r["table"]: r for r in rows if r["authority_name"] == "Glanford"}
    assert (glanford["offered"]["rate"], glanford["offered"]["rank"]) == ("90", "3")
    assert glanford["offered"]["base"] == "8"
    assert glanford["completed"]["status"] == "not_answered"
    assert glanford["completed"]["rate"] == ""
    assert glanford["within_timescale"]["status"] == "excluded"


def test_report_html_is_self_contained_and_accessible(written: Path) -> None:
    html = (written / "report.html").read_text(encoding="utf-8")
    assert '<html lang="en-GB"' in html
    assert "<script" not in html.lower()
    assert "@font-face" not in html and "url(" not in html
    # Nothing to fetch: the only address in the page is the SVG namespace.
    assert set(re.findall(r"https?://[^\s\"')]+", html)) == {"http://www.w3.org/2000/svg"}
    assert html.count("<h1") == 1
    levels = [int(level) for level in re.findall(r"<h([1-6])", html)]
    assert levels[0] == 1
    assert all(after - before <= 1 for before, after in itertools.pairwise(levels))
    tables = html.count("<table")
    assert tables == html.count("<caption") == html.count('class="govuk-table"')
    assert tables >= 10
    header_cells = re.findall(r"<th\b[^>]*>", html)
    assert header_cells and all('scope="' in cell for cell in header_cells)
    charts = re.findall(r"<svg\b[^>]*>", html)
    assert len(charts) == 5
    for chart in charts:
        assert 'role="img"' in chart
        labelled_by = re.search(r'aria-labelledby="([^"]+)"', chart)
        assert labelled_by is not None
        for element_id in labelled_by[1].split():
            assert re.search(rf'<(title|desc) id="{element_id}">', html)
    # The real GOV.UK Frontend stylesheet is inlined (it is installed in this repository).
    assert "--govuk-brand-colour" in html
    # Counts and exclusions are shown.
    assert "completed_within_72h &gt; completed" in html
    assert "offered &gt; incidents" in html
    assert "90% (rank 3 of 8)" in html


def contrast(colour: str) -> float:
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    return (1.05) / (luminance(colour) + 0.05)  # against white


def test_chart_colours_meet_wcag_aa_on_white(written: Path) -> None:
    html = (written / "report.html").read_text(encoding="utf-8")
    svg = "".join(re.findall(r"<svg\b.*?</svg>", html, flags=re.S))
    bar_fills = set(re.findall(r'<rect[^>]*fill="(#[0-9a-fA-F]{6})"', svg))
    text_fills = set(re.findall(r'<text[^>]*fill="(#[0-9a-fA-F]{6})"', svg))
    assert bar_fills and text_fills
    assert all(contrast(c) >= 3.0 for c in bar_fills)  # non-text contrast
    assert all(contrast(c) >= 4.5 for c in text_fills)  # text contrast


def test_report_pdf_holds_the_tables(written: Path) -> None:
    reader = pypdf.PdfReader(written / "report.pdf")
    text = " ".join(page.extract_text() for page in reader.pages)
    text = re.sub(r"\s+", " ", text)
    assert "national benchmarking report, 2017-18" in text
    assert "Interviews within 72 hours" in text
    assert "declined > offered" in text
    assert "Kelvedon" in text
    assert len(reader.pages) >= 2


def test_report_xlsx_has_a_sheet_per_table(written: Path) -> None:
    workbook = openpyxl.load_workbook(written / "report.xlsx", read_only=True)
    assert workbook.sheetnames == list(SHEETS)

    def values(sheet: str) -> list[tuple[object, ...]]:
        return [row for row in workbook[sheet].iter_rows(values_only=True) if any(row)]

    offered = {row[0]: row[1] for row in values("offered") if isinstance(row[0], str)}
    assert (offered["base"], offered["not_answered"], offered["excluded"]) == (8, 3, 1)
    assert offered["pooled_percent"] == 76
    assert offered["100%"] == 100  # the band row: label, low …
    band_rows = [row for row in values("offered") if row[0] == "71-80%"]
    assert band_rows[0][:4] == ("71-80%", 71, 80, 3)
    providers = values("providers")
    assert ("2017-18", 4, 2, 3, 3, 12) in providers
    exclusions = values("exclusions")
    assert len(exclusions) == 2 + len(EXPECTED_EXCLUSIONS)  # title, header, rows
    standings = values("standings")
    assert ("E06000007", "Glanford", "offered", "In the base", 90, 3, 8) in standings
    workbook.close()


def test_output_locations_are_printed(
    returns_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A bands file keeps this second full run useful: the override reaches every output.
    bands = tmp_path / "bands.json"
    bands.write_text(json.dumps({"offered": ["0-75", "76-100"]}), encoding="utf-8")
    out = tmp_path / "out"
    code = main(
        [
            "benchmark",
            str(returns_csv),
            "--period",
            "2017-18",
            "--out",
            str(out),
            "--bands",
            str(bands),
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    for name in ("tables.json", "report.html", "report.pdf", "report.xlsx", "standings.csv"):
        assert str(out / name) in printed
    tables = json.loads((out / "tables.json").read_text(encoding="utf-8"))
    # No nation filter: the Welsh row counts. Offered rates 75 51 100 50 75 90 100 80.
    assert tables["authorities"] == 13
    assert tables["tables"]["offered"]["bands"] == [
        {"label": "0-75%", "low": 0, "high": 75, "count": 4},
        {"label": "76-100%", "low": 76, "high": 100, "count": 4},
    ]
    assert "0-75%" in (out / "report.html").read_text(encoding="utf-8")


def test_refused_input_exits_2_with_file_line_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.csv"
    text = CSV_TEXT.replace(",150,100,", ",1.5e2,100,").replace("Lamorna,England", "Lamorna,Eire")
    bad.write_text(text, "utf-8")
    out = tmp_path / "out"
    code = main(["benchmark", str(bad), "--period", "2017-18", "--out", str(out)])
    assert code == 2
    errors = capsys.readouterr().err.splitlines()
    assert errors == [
        f"{bad}:2:offered: expected a whole number, found the text '1.5e2'",
        f"{bad}:13:nation: unknown value 'Eire'; expected one of: England, Wales, Scotland",
    ]
    assert not out.exists()


def test_a_period_not_in_the_file_exits_2(
    returns_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["benchmark", str(returns_csv), "--period", "2019-20", "--out", str(tmp_path)])
    assert code == 2
    assert "no returns for period 2019-20" in capsys.readouterr().err


def test_a_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nowhere.csv"
    assert main(["benchmark", str(missing), "--period", "2017-18", "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith(f"{missing}:1:-: cannot read the file")


@pytest.mark.parametrize(
    ("bands", "message"),
    [
        ({"offered": ["0-50", "45-100"]}, "bands 0-50% and 45-100% overlap"),
        ({"offered": ["0-50", "52-100"]}, "gap: 51% is in no band"),
        ({"repeat": ["0-50", "51-99"]}, "must end at 100"),
        ({"declined": ["1-100"]}, "must start at 0"),
        ({"timely": ["0-100"]}, "unknown table 'timely'"),
        ({"completed": ["0 to 100"]}, "is not a band"),
    ],
)
def test_a_bad_bands_file_is_refused(
    returns_csv: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    bands: dict[str, list[str]],
    message: str,
) -> None:
    path = tmp_path / "bands.json"
    path.write_text(json.dumps(bands), encoding="utf-8")
    argv = ["benchmark", str(returns_csv), "--period", "2017-18", "--out", str(tmp_path / "o")]
    assert main([*argv, "--bands", str(path)]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_bad_period_and_nation_arguments_are_usage_errors(returns_csv: Path) -> None:
    for extra in (["--period", "2017/18"], ["--period", "2017-18", "--nation", "Ulster"]):
        with pytest.raises(SystemExit) as caught:
            main(["benchmark", str(returns_csv), "--out", "unused", *extra])
        assert caught.value.code == 2

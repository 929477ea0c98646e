"""The report's stylesheet handling and the PDF's URL fetcher."""

from __future__ import annotations

from pathlib import Path

import pytest

from homeward.benchmark import build_report, read_returns, report_html, write_outputs
from homeward.benchmark.report_html import load_stylesheet, neutralise_css, render_html
from homeward.benchmark.report_pdf import PACKAGE_DIR, RefusedFetch, local_file
from tests.benchmark.hand_returns import CSV_TEXT


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("in") / "returns.csv"
    path.write_text(CSV_TEXT, encoding="utf-8")
    return build_report(read_returns(path), "2017-18", nation="England")


def test_font_faces_and_urls_are_neutralised() -> None:
    css = (
        '@font-face{font-family:GDS Transport;src:url(/assets/fonts/light.woff2) format("woff2")}'
        ".govuk-header__logo{background-image:url('/assets/images/crest.svg');color:#0b0c0c}"
        "/*# sourceMappingURL=govuk-frontend.min.css.map */"
    )
    assert neutralise_css(css) == ".govuk-header__logo{background-image:none;color:#0b0c0c}"


def test_the_stylesheet_is_found_through_the_environment_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    css = tmp_path / "dist" / "govuk" / "govuk-frontend.min.css"
    css.parent.mkdir(parents=True)
    css.write_text(
        ".govuk-body{color:#0b0c0c}@font-face{src:url(/f.woff)}.x{background:url(x.png)}",
        encoding="utf-8",
    )
    monkeypatch.setenv("HOMEWARD_GOVUK_FRONTEND_DIR", str(tmp_path))
    stylesheet = load_stylesheet()
    assert stylesheet.origin == str(css)
    assert stylesheet.warning is None
    assert stylesheet.css == ".govuk-body{color:#0b0c0c}.x{background:none}"


def test_without_govuk_frontend_a_built_in_stylesheet_is_used_with_a_warning(
    report,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    monkeypatch.setattr(
        report_html, "govuk_stylesheet_candidates", lambda: [tmp_path / "absent.css"]
    )
    written = write_outputs(report, tmp_path / "out", pdf=False)
    assert len(written.warnings) == 1
    assert "GOV.UK Frontend stylesheet not found" in written.warnings[0]
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert ".govuk-table__caption" in html  # the built-in rules for the same classes
    assert "--govuk-brand-colour" not in html
    assert (tmp_path / "out" / "tables.json").is_file()


def test_the_print_version_leaves_out_navigation(report) -> None:  # type: ignore[no-untyped-def]
    screen = render_html(report)
    printed = render_html(report, print_version=True)
    assert "govuk-skip-link" in screen and 'href="#main-content"' in screen
    assert 'href="#main-content"' not in printed
    assert "@page" in printed and "--govuk-brand-colour" not in printed
    assert printed.count("<caption") == screen.count("<caption")


def test_the_pdf_fetcher_serves_only_package_files() -> None:
    template = PACKAGE_DIR / "templates" / "print.css"
    assert local_file(template.as_uri()) == template
    for url in (
        "https://fonts.example.com/font.woff2",
        "http://localhost/report.css",
        "data:text/css,body{}",
        "file:///etc/passwd",
        (PACKAGE_DIR / ".." / ".." / "pyproject.toml").resolve().as_uri(),
        (PACKAGE_DIR / "templates" / "absent.css").as_uri(),
    ):
        with pytest.raises(RefusedFetch):
            local_file(url)


def test_the_weasyprint_fetcher_refuses_the_network() -> None:
    from homeward.benchmark.report_pdf import _fetcher

    fetcher = _fetcher()
    with pytest.raises(RefusedFetch):
        fetcher.fetch("https://example.com/style.css")
    template = PACKAGE_DIR / "templates" / "print.css"
    response = fetcher.fetch(template.as_uri())
    assert response.read() == template.read_bytes()


def test_formula_like_names_stay_text_in_every_output(tmp_path: Path) -> None:
    import csv

    import openpyxl

    header = CSV_TEXT.splitlines()[0]
    line = 'E06000001,=HYPERLINK("http://x"),England,2017-18,,10,-1,,,,,,,,'
    path = tmp_path / "returns.csv"
    path.write_text(f"{header}\n{line}\n", encoding="utf-8")
    report = build_report(read_returns(path), "2017-18")
    write_outputs(report, tmp_path / "out", pdf=False)
    with (tmp_path / "out" / "exclusions.csv").open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    assert rows[0]["authority_name"] == '\'=HYPERLINK("http://x")'
    assert rows[0]["value"] == "-1"  # numbers are not quoted
    workbook = openpyxl.load_workbook(tmp_path / "out" / "report.xlsx")
    cell = workbook["exclusions"]["B4"]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://x")', "s")

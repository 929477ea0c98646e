"""The report page passes axe-core (WCAG 2.2 AA) with zero violations, without JavaScript too."""

from __future__ import annotations

from pathlib import Path

import pytest

from homeward.benchmark import build_report, read_returns
from homeward.benchmark.report_html import TEMPLATES_DIR, Stylesheet, load_stylesheet, render_html
from tests.benchmark.hand_returns import CSV_TEXT
from tests.browser import axe_violations, chromium_page


@pytest.fixture(scope="module")
def report_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report")
    returns = folder / "returns.csv"
    returns.write_text(CSV_TEXT, encoding="utf-8")
    report = build_report(read_returns(returns), "2017-18")
    page = folder / "report.html"
    page.write_text(render_html(report, stylesheet=load_stylesheet()), encoding="utf-8")
    return page


def test_the_stylesheet_is_govuk_frontend() -> None:
    assert load_stylesheet().origin.endswith("govuk-frontend.min.css")


def test_the_report_page_has_no_accessibility_violations(report_page: Path) -> None:
    with chromium_page() as page:
        page.goto(report_page.as_uri())
        assert page.locator("h1").count() == 1
        assert axe_violations(page) == []


def test_the_report_page_works_without_javascript(report_page: Path) -> None:
    with chromium_page(javascript=False) as page:
        page.goto(report_page.as_uri())
        assert page.locator("table caption").count() >= 8
        assert page.locator("svg[role=img]").count() >= 5


def test_the_built_in_stylesheet_is_accessible_too(tmp_path: Path) -> None:
    returns = tmp_path / "returns.csv"
    returns.write_text(CSV_TEXT, encoding="utf-8")
    report = build_report(read_returns(returns), "2017-18")
    page_path = tmp_path / "report.html"
    fallback = Stylesheet((TEMPLATES_DIR / "fallback.css").read_text(encoding="utf-8"), "built-in")
    page_path.write_text(render_html(report, stylesheet=fallback), encoding="utf-8")
    with chromium_page() as page:
        page.goto(page_path.as_uri())
        assert axe_violations(page) == []

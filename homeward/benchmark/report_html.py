"""The benchmarking report as one self-contained, accessible GOV.UK-styled HTML page.

No JavaScript and nothing fetched: the GOV.UK Frontend stylesheet is inlined with its
`@font-face` rules and `url()`s removed (text falls back to the GOV.UK font stack's
Arial), and each chart is inline SVG beside the table that holds the same numbers.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from homeward.benchmark.anomalies import RULES, Status
from homeward.benchmark.bands import RATE_TABLES
from homeward.benchmark.rounding import share_half_up
from homeward.benchmark.tables import (
    CLOCK_STARTS,
    CLOCK_UNITS,
    FOLLOW_UP,
    PROVIDERS,
    RateTable,
    Report,
)

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = PACKAGE_DIR / "templates"
GOVUK_CSS = Path("dist") / "govuk" / "govuk-frontend.min.css"
ENV_VAR = "HOMEWARD_GOVUK_FRONTEND_DIR"

#: GOV.UK brand blue on white: 5.2:1, above the 3:1 WCAG 2.2 AA asks of chart bars.
BAR_COLOUR = "#1d70b8"
#: GOV.UK text colour on white: 19:1.
TEXT_COLOUR = "#0b0c0c"

HEADINGS: dict[str, str] = {
    "repeat": "How many incidents are repeat missing?",
    "offered": "Interviews offered",
    "declined": "Interviews declined",
    "completed": "Interviews completed",
    "within_timescale": "Interviews within 72 hours",
}
SHORT_NAMES: dict[str, str] = {
    "repeat": "Repeat missing",
    "offered": "Offered",
    "declined": "Declined",
    "completed": "Completed",
    "within_timescale": "Within 72 hours",
}
VALUE_LABELS: dict[str, str] = {
    "in_house": "Local authority (in house)",
    "independent": "Independent provider",
    "mixed": "Mixture of both",
    "not_known": "Information not given or held",
    "return": "The child's return",
    "referral": "The police referral",
    "hours": "Hours",
    "calendar_days": "Calendar days",
    "working_days": "Working days",
    "yes": "Yes",
    "sometimes": "Sometimes",
    "no": "No",
    "no_response": "Did not answer this part",
    "not_answered": "Not answered",
}
STATUS_LABELS: dict[Status, str] = {
    Status.BASE: "In the base",
    Status.NOT_ANSWERED: "Not answered",
    Status.EXCLUDED: "Excluded",
}


@dataclass(frozen=True)
class Stylesheet:
    """The CSS to inline, where it came from, and a warning when it is the fallback."""

    css: str
    origin: str
    warning: str | None = None


def govuk_stylesheet_candidates() -> list[Path]:
    """Where the GOV.UK Frontend stylesheet is looked for, in order."""
    candidates: list[Path] = []
    configured = os.environ.get(ENV_VAR)
    if configured:
        base = Path(configured)
        candidates += [
            base / GOVUK_CSS,
            base / "govuk" / "govuk-frontend.min.css",
            base / "govuk-frontend.min.css",
            base / "node_modules" / "govuk-frontend" / GOVUK_CSS,
        ]
    repository = PACKAGE_DIR.parent.parent
    candidates.append(repository / "node_modules" / "govuk-frontend" / GOVUK_CSS)
    return candidates


def neutralise_css(css: str) -> str:
    """Remove what a standalone file cannot resolve: `@font-face` rules and `url()`s."""
    css = re.sub(r"@font-face\s*\{[^}]*\}", "", css)
    css = re.sub(r"url\(\s*(?:\"[^\"]*\"|'[^']*'|[^)]*)\s*\)", "none", css)
    return re.sub(r"/\*#\s*sourceMappingURL=[^*]*\*/", "", css)


def load_stylesheet() -> Stylesheet:
    """The GOV.UK Frontend stylesheet, neutralised; else the built-in one, with a warning."""
    for candidate in govuk_stylesheet_candidates():
        if candidate.is_file():
            css = candidate.read_text(encoding="utf-8")
            return Stylesheet(neutralise_css(css), str(candidate))
    looked = ", ".join(str(c) for c in govuk_stylesheet_candidates())
    return Stylesheet(
        (TEMPLATES_DIR / "fallback.css").read_text(encoding="utf-8"),
        "built-in",
        f"warning: GOV.UK Frontend stylesheet not found (looked in {looked}); report.html "
        f"uses a small built-in stylesheet instead. Run `npm ci` or set {ENV_VAR}.",
    )


# --- view model ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ChartBar:
    label: str
    count: int
    y: int
    width: int
    text_y: int
    value_x: int


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    desc: str
    width: int
    height: int
    label_width: int
    axis_bottom: int
    bars: tuple[ChartBar, ...]


def band_chart(table: RateTable, period: str) -> Chart:
    """A horizontal bar chart of the number of authorities in each band."""
    label_width, bar_space, row, bar_height, top = 96, 300, 36, 24, 8
    largest = max((b.count for b in table.bands), default=0)
    bars = []
    for index, band_count in enumerate(table.bands):
        y = top + index * row
        width = round(bar_space * band_count.count / largest) if largest else 0
        bars.append(
            ChartBar(
                label=band_count.band.label,
                count=band_count.count,
                y=y,
                width=width,
                text_y=y + bar_height // 2 + 6,
                value_x=label_width + width + 8,
            )
        )
    counts = "; ".join(f"{b.band.label}: {b.count}" for b in table.bands)
    return Chart(
        id=f"chart-{table.id}",
        title=f"Bar chart: number of authorities in each band, {table.title.lower()}, {period}",
        desc=f"Authorities in each band (of {table.base} in the base): {counts}.",
        width=label_width + bar_space + 56,
        height=top * 2 + row * len(bars),
        label_width=label_width,
        axis_bottom=top + row * len(bars),
        bars=tuple(bars),
    )


def _share(part: int, whole: int) -> str:
    share = share_half_up(part, whole)
    return "–" if share is None else f"{share}%"


def _context(report: Report, stylesheet: Stylesheet, print_version: bool) -> dict[str, Any]:
    rate_tables = []
    for table in report.rate_tables:
        rate_tables.append(
            {
                "table": table,
                "heading": HEADINGS[table.id],
                "chart": band_chart(table, report.period),
                "bands": [
                    {"label": b.band.label, "count": b.count, "share": _share(b.count, table.base)}
                    for b in table.bands
                ],
                "excluded": [e for e in report.exclusions if _feeds(e.answer, table.id)],
            }
        )
    periods = list(report.providers)
    providers = [
        {
            "label": VALUE_LABELS[provider],
            "cells": [
                (
                    report.providers[p][provider],
                    _share(report.providers[p][provider], sum(report.providers[p].values())),
                )
                for p in periods
            ],
        }
        for provider in PROVIDERS
    ]
    totals = [sum(report.providers[p].values()) for p in periods]
    standings_rows: list[dict[str, Any]] = []
    per_authority = len(report.rate_tables)
    for start in range(0, len(report.standings), per_authority):
        group = report.standings[start : start + per_authority]
        cells = [
            f"{s.rate}% (rank {s.rank} of {s.base})"
            if s.status is Status.BASE
            else STATUS_LABELS[s.status]
            for s in group
        ]
        standings_rows.append({"authority": group[0].authority, "cells": cells})

    def counts(values: tuple[str, ...], data: Any, whole: int) -> list[dict[str, Any]]:
        return [
            {"label": VALUE_LABELS[v], "count": data[v], "share": _share(data[v], whole)}
            for v in values
        ]

    answered_follow_up = report.authorities - report.follow_up_support["not_answered"]
    return {
        "report": report,
        "answered_follow_up": answered_follow_up,
        "css": stylesheet.css,
        "print_version": print_version,
        "rate_tables": rate_tables,
        "periods": periods,
        "providers": providers,
        "provider_totals": totals,
        "clock_start": counts(
            (*CLOCK_STARTS, "no_response"),
            report.clock_start,
            report.clock_start["answered_either"],
        ),
        "clock_unit": counts(
            (*CLOCK_UNITS, "no_response"),
            report.clock_unit,
            report.clock_unit["answered_either"],
        ),
        "follow_up": [
            *counts(FOLLOW_UP, report.follow_up_support, answered_follow_up),
            {
                "label": VALUE_LABELS["not_answered"],
                "count": report.follow_up_support["not_answered"],
                "share": "",
            },
        ],
        "standings": standings_rows,
        "short_names": [SHORT_NAMES[t] for t in RATE_TABLES if _has(report, t)],
        "rules": RULES,
        "bar_colour": BAR_COLOUR,
        "text_colour": TEXT_COLOUR,
    }


def _has(report: Report, table_id: str) -> bool:
    return any(t.id == table_id for t in report.rate_tables)


def _feeds(answer: str, table_id: str) -> bool:
    """Whether an excluded answer is one this table is built on."""
    needs = {
        "repeat": ("incidents", "individuals"),
        "offered": ("incidents", "offered"),
        "declined": ("incidents", "declined"),
        "completed": ("incidents", "completed"),
        "within_timescale": ("incidents", "completed", "completed_within_72h"),
    }
    return answer in needs[table_id]


def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["number"] = lambda value: "–" if value is None else f"{value:,}"
    environment.filters["percent"] = lambda value: "–" if value is None else f"{value}%"
    return environment


def render_html(
    report: Report, *, stylesheet: Stylesheet | None = None, print_version: bool = False
) -> str:
    """The report page. `print_version` uses the print stylesheet (for the PDF)."""
    if stylesheet is None:
        stylesheet = load_stylesheet()
    if print_version:
        stylesheet = Stylesheet((TEMPLATES_DIR / "print.css").read_text("utf-8"), "print")
    template = _environment().get_template("report.html")
    return template.render(_context(report, stylesheet, print_version))

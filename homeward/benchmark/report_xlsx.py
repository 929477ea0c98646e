"""The benchmarking report as an XLSX workbook: one sheet per table, one of excluded
answers, one of standings.

Written with XlsxWriter with `strings_to_formulas` off, so an authority name that begins
with `=` stays text and never becomes a formula.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import xlsxwriter

from homeward.benchmark.report_html import BAR_COLOUR, STATUS_LABELS, VALUE_LABELS
from homeward.benchmark.rounding import share_half_up
from homeward.benchmark.tables import (
    CLOCK_STARTS,
    CLOCK_UNITS,
    FOLLOW_UP,
    PROVIDERS,
    RateTable,
    Report,
)

WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "in_memory": True}

#: Sheet names, in workbook order (table ids are short enough to be sheet names).
SHEETS: tuple[str, ...] = (
    "repeat",
    "offered",
    "declined",
    "completed",
    "within_timescale",
    "providers",
    "clock_start",
    "clock_unit",
    "follow_up_support",
    "exclusions",
    "standings",
)


def render_xlsx(report: Report) -> bytes:
    """The workbook as bytes."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, WORKBOOK_OPTIONS)
    bold = workbook.add_format({"bold": True})
    title = workbook.add_format({"bold": True, "font_size": 14})
    heading = workbook.add_format({"bold": True, "bottom": 1, "text_wrap": True})

    def header(sheet: Any, row: int, names: Sequence[str]) -> None:
        for column, name in enumerate(names):
            sheet.write_string(row, column, name, heading)

    for table in report.rate_tables:
        _rate_sheet(workbook, report, table, title, bold, header)

    sheet = workbook.add_worksheet("providers")
    sheet.write_string(0, 0, "Who delivered return interviews, by period", title)
    header(sheet, 2, ["period", *PROVIDERS, "total"])
    for row, (period, counts) in enumerate(report.providers.items(), start=3):
        sheet.write_string(row, 0, period)
        for column, provider in enumerate(PROVIDERS, start=1):
            sheet.write_number(row, column, counts[provider])
        sheet.write_number(row, len(PROVIDERS) + 1, sum(counts.values()))
    sheet.set_column(0, len(PROVIDERS) + 1, 14)

    for name, values, data, whole, caption in (
        (
            "clock_start",
            (*CLOCK_STARTS, "no_response"),
            report.clock_start,
            report.clock_start["answered_either"],
            "When the 72 hours start, among authorities that answered either part",
        ),
        (
            "clock_unit",
            (*CLOCK_UNITS, "no_response"),
            report.clock_unit,
            report.clock_unit["answered_either"],
            "The unit the 72 hours are counted in, among authorities that answered either part",
        ),
        (
            "follow_up_support",
            (*FOLLOW_UP, "not_answered"),
            report.follow_up_support,
            report.authorities - report.follow_up_support["not_answered"],
            "Follow-up support after a return interview (percent of those that answered)",
        ),
    ):
        sheet = workbook.add_worksheet(name)
        sheet.write_string(0, 0, f"{caption}, {report.period}", title)
        header(sheet, 2, ["value", "meaning", "authorities", "percent"])
        row = 3
        if name != "follow_up_support":
            sheet.write_string(row, 0, "answered_either")
            sheet.write_string(row, 1, "Answered either part")
            sheet.write_number(row, 2, whole)
            row += 1
        for value in values:
            sheet.write_string(row, 0, value)
            sheet.write_string(row, 1, VALUE_LABELS[value])
            sheet.write_number(row, 2, data[value])
            if value != "not_answered":
                _write_optional(sheet, row, 3, share_half_up(data[value], whole))
            row += 1
        sheet.set_column(0, 0, 18)
        sheet.set_column(1, 1, 34)
        sheet.set_column(2, 3, 12)

    sheet = workbook.add_worksheet("exclusions")
    sheet.write_string(0, 0, f"Excluded answers, {report.period}", title)
    header(
        sheet, 2, ["authority_code", "authority_name", "period", "line", "answer", "value", "rule"]
    )
    for row, exclusion in enumerate(report.exclusions, start=3):
        sheet.write_string(row, 0, exclusion.authority.code)
        sheet.write_string(row, 1, exclusion.authority.name)
        sheet.write_string(row, 2, exclusion.period)
        sheet.write_number(row, 3, exclusion.authority.line)
        sheet.write_string(row, 4, exclusion.answer)
        sheet.write_number(row, 5, exclusion.value)
        sheet.write_string(row, 6, exclusion.rule)
    sheet.set_column(0, 1, 22)
    sheet.set_column(4, 4, 22)
    sheet.set_column(6, 6, 60)

    sheet = workbook.add_worksheet("standings")
    sheet.write_string(0, 0, f"Where each authority stands, {report.period}", title)
    header(
        sheet, 2, ["authority_code", "authority_name", "table", "status", "rate", "rank", "base"]
    )
    for row, standing in enumerate(report.standings, start=3):
        sheet.write_string(row, 0, standing.authority.code)
        sheet.write_string(row, 1, standing.authority.name)
        sheet.write_string(row, 2, standing.table)
        sheet.write_string(row, 3, STATUS_LABELS[standing.status])
        _write_optional(sheet, row, 4, standing.rate)
        _write_optional(sheet, row, 5, standing.rank)
        sheet.write_number(row, 6, standing.base)
    sheet.set_column(0, 3, 20)
    sheet.freeze_panes(3, 0)

    workbook.close()
    return buffer.getvalue()


def _write_optional(sheet: Any, row: int, column: int, value: int | None) -> None:
    if value is None:
        sheet.write_blank(row, column, None)
    else:
        sheet.write_number(row, column, value)


def _rate_sheet(
    workbook: Any, report: Report, table: RateTable, title: Any, bold: Any, header: Any
) -> None:
    sheet = workbook.add_worksheet(table.id)
    sheet.write_string(0, 0, f"{table.title}, {report.period}", title)
    sheet.write_string(1, 0, f"Rate per authority: {table.definition.rate}")
    facts: list[tuple[str, int | None]] = [
        ("authorities", report.authorities),
        ("base", table.base),
        ("not_answered", table.not_answered),
        ("excluded", table.excluded),
        ("pooled_percent", table.pooled_percent),
        *table.sums.items(),
    ]
    if table.id == "within_timescale":
        facts.append(("pooled_percent_of_incidents", table.pooled_percent_of_incidents))
    for row, (name, value) in enumerate(facts, start=3):
        sheet.write_string(row, 0, name, bold)
        _write_optional(sheet, row, 1, value)
    first = 3 + len(facts) + 1
    header(sheet, first, ["band", "low", "high", "authorities", "percent of base"])
    for row, band in enumerate(table.bands, start=first + 1):
        sheet.write_string(row, 0, band.band.label)
        sheet.write_number(row, 1, band.band.low)
        sheet.write_number(row, 2, band.band.high)
        sheet.write_number(row, 3, band.count)
        _write_optional(sheet, row, 4, share_half_up(band.count, table.base))
    last = first + len(table.bands)
    sheet.set_column(0, 0, 30)
    sheet.set_column(1, 4, 12)
    chart = workbook.add_chart({"type": "bar"})
    chart.add_series(
        {
            "name": "Authorities",
            "categories": [table.id, first + 1, 0, last, 0],
            "values": [table.id, first + 1, 3, last, 3],
            "fill": {"color": BAR_COLOUR},
            "data_labels": {"value": True},
        }
    )
    chart.set_title({"name": f"{table.title}: authorities by band"})
    chart.set_y_axis({"reverse": True})
    chart.set_legend({"none": True})
    sheet.insert_chart(3, 6, chart)

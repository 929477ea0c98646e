"""The answer to the ECRC FOI request (questions 1 to 8) from the records and the
authority's FOI settings, as plain text and as a CSV of question, part and answer.

Questions 4 to 6 count the episodes that started from `start` to `end` (a financial year)
with the indicator engine; 6b is the authority's own variant of "within 72 hours"; 6c is
written from its clock settings. The wording is `homeward.formats.foi`. Counts only: no
child's record is in the answer.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from homeward.cases.indicator_tables import Convention, contract_tables, indicators_for
from homeward.formats import foi
from homeward.indicators.engine import financial_year_label, financial_year_start
from homeward.organisations.models import Authority
from homeward.returns.files import CSV, TEXT, Export, ExportFile
from homeward.returns.foi_settings import foi_settings_data

COUNTED = ("incidents", "offered", "accepted", "declined", "completed")


def financial_year_of(day: date) -> str:
    """The label (`2025-26`) of the financial year holding `day`."""
    return financial_year_label(financial_year_start(day))


def foi_counts(*, start: date, end: date, authority: Authority) -> foi.Counts:
    """Questions 4 to 6 for the episodes that started from `start` to `end`."""
    table = indicators_for(by="year", start=start, end=end, rates=False)
    column = Convention.of_authority(authority).column
    totals = {name: int(table[name].sum() or 0) for name in COUNTED}
    within = int(table[column].sum() or 0)
    if table.height <= 1:
        individuals = int(table["individuals"].sum() or 0)
    else:  # children counted in two years are one child
        episodes, _interviews = contract_tables(start=start, end=end)
        individuals = episodes["child_id"].n_unique()
    return foi.Counts(individuals=individuals, completed_within=within, **totals)


def foi_parts(
    *, start: date, end: date, today: date | None = None
) -> tuple[Authority, str, list[foi.Part]]:
    """The authority, the period asked about and every part of the answer."""
    home = Authority.objects.get(is_home=True)
    period = financial_year_of(start)
    current = financial_year_of(today or timezone.localdate())
    clock = foi.Clock(
        basis=home.clock_basis,
        unit=home.clock_unit,
        length=home.clock_length,
        bunching=home.clock_bunching,
        nation=home.nation,
    )
    parts = foi.foi_answer(
        period=period,
        current_period=current,
        settings=foi_settings_data(home),
        counts=foi_counts(start=start, end=end, authority=home),
        clock=clock,
    )
    return home, period, parts


def build_foi_answer(*, start: date, end: date, degrade: bool) -> Export:
    """`foi-answer-<code>-<year>.txt` and `.csv` (aggregates only: `degrade` changes
    nothing)."""
    home, period, parts = foi_parts(start=start, end=end)
    text = foi.render_text(parts, authority_name=home.name, period=period)
    stem = f"foi-answer-{home.gss_code}-{period}"
    notes = []
    first = date(int(period[:4]), 4, 1)
    if (start, end) != (first, date(first.year + 1, 3, 31)):
        notes.append(
            f"Questions 4 to 6 count episodes from {start:%d/%m/%Y} to {end:%d/%m/%Y}, "
            f"not the whole financial year {period}."
        )
    return Export(
        files=[
            ExportFile(f"{stem}.txt", TEXT, text.encode("utf-8")),
            ExportFile(f"{stem}.csv", CSV, foi.render_csv(parts)),
        ],
        children=[],
        rows=len(parts),
        notes=notes,
    )

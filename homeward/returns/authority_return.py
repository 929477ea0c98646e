"""The authority's own return (`shared/spec/authority-returns.md`) from its records.

One row per financial year from `start` to `end`: the counts come from the indicator engine
on the case records (`homeward.cases.indicator_tables.indicators_for`, the very engine of
`homeward indicators`), "completed within 72 hours" is the variant the authority itself
uses (its clock basis, unit and bunching, declared in `clock_start` and `clock_unit`), and
`provider` (per year) and `follow_up_support` are the authority's FOI settings. A year with
no episodes but a recorded provider is a row that answers only `provider`, as the contract
allows. The national benchmark reads the file as it reads any other return
(`homeward.benchmark.returns.read_returns`).
"""

from __future__ import annotations

import io
from datetime import date

import polars as pl

from homeward.cases.indicator_tables import indicators_for
from homeward.formats.returns import (
    RETURN_COLUMNS,
    RETURN_NATIONS,
    SETTINGS_COLUMNS,
    returns_from_indicators,
)
from homeward.formats.safe import safe_frame
from homeward.indicators.engine import financial_year_label, financial_year_start
from homeward.indicators.schema import SEVENTY_TWO_HOURS
from homeward.organisations.models import Authority
from homeward.returns.files import CSV, Export, ExportFile
from homeward.returns.foi_settings import foi_settings_data


def financial_years(start: date, end: date) -> list[str]:
    """Every financial year (`2017-18`) holding a day from `start` to `end`."""
    first, last = financial_year_start(start), financial_year_start(end)
    return [financial_year_label(year) for year in range(first, last + 1)]


def _blank_return(authority: Authority, period: str, provider: str) -> dict[str, object]:
    row: dict[str, object] = dict.fromkeys(RETURN_COLUMNS)
    row.update(
        authority_code=authority.gss_code,
        authority_name=authority.name,
        nation=RETURN_NATIONS[authority.nation],
        period=period,
        provider=provider,
    )
    return row


def authority_return_frame(*, start: date, end: date) -> tuple[pl.DataFrame, list[str]]:
    """The return's rows (the contract's columns) and notes on what it leaves out."""
    home = Authority.objects.get(is_home=True)
    settings = foi_settings_data(home)
    notes: list[str] = []
    if home.nation not in RETURN_NATIONS:
        notes.append(f"The returns contract has no {home.nation} value: no rows are written.")
        return pl.DataFrame(schema=dict.fromkeys(RETURN_COLUMNS, pl.String)), notes
    table = indicators_for(by="year", start=start, end=end, rates=False)
    authorities = pl.DataFrame(
        [
            {
                "authority_code": home.gss_code,
                "authority_name": home.name,
                "nation": home.nation,
                "clock_start": home.clock_basis,
                "clock_unit": home.clock_unit,
                "bunching": home.clock_bunching,
                "provider": None,
                "follow_up_support": settings.follow_up_support or None,
            }
        ],
        schema=dict.fromkeys(SETTINGS_COLUMNS, pl.String),
    )
    returns = returns_from_indicators(table, authorities)
    providers = {period: d.provider for period, d in settings.deliveries.items()}
    returns = returns.with_columns(
        pl.col("period")
        .replace_strict(providers, default=None, return_dtype=pl.String)
        .alias("provider")
    )
    answered = set(returns["period"].to_list())
    extra = [
        _blank_return(home, period, providers[period])
        for period in financial_years(start, end)
        if period not in answered and period in providers
    ]
    if extra:
        returns = pl.concat(
            [returns, pl.DataFrame(extra, schema=returns.schema)], how="vertical"
        ).sort("period")
    if home.clock_length != SEVENTY_TWO_HOURS[home.clock_unit]:
        notes.append(
            f"The authority's own timescale is {home.clock_length} {home.clock_unit}; "
            "completed_within_72h is counted over 72 hours (3 days), as the return asks."
        )
    missing = [p for p in financial_years(start, end) if p not in set(returns["period"])]
    if missing:
        notes.append("No episodes and no provider recorded for: " + ", ".join(missing) + ".")
    return returns, notes


def build_authority_return(*, start: date, end: date, degrade: bool) -> Export:
    """`authority-return-<code>.csv` in the contract's columns (counts only: `degrade`
    changes nothing, and no child's record is in it)."""
    returns, notes = authority_return_frame(start=start, end=end)
    home = Authority.objects.get(is_home=True)
    buffer = io.BytesIO()
    safe_frame(returns).write_csv(buffer)
    name = f"authority-return-{home.gss_code}.csv"
    return Export(
        files=[ExportFile(name, CSV, buffer.getvalue())], rows=returns.height, notes=notes
    )

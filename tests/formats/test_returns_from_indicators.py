"""An authority's return picks the within-timescale count of its own counting convention."""

from __future__ import annotations

import polars as pl

from homeward.formats.returns import RETURN_COLUMNS, returns_from_indicators
from homeward.indicators.schema import OUTPUT_COLUMNS, WITHIN_COLUMNS


def indicator_row(code: str) -> dict[str, object]:
    row: dict[str, object] = {c: 0 for c in OUTPUT_COLUMNS}
    row.update(authority_code=code, period="2017-18", incidents=100, individuals=40, completed=50)
    # Give each variant a distinct count so the chosen one is recognisable.
    row.update({name: index for index, name in enumerate(WITHIN_COLUMNS, start=1)})
    return row


def settings(code: str, nation: str, start: str, unit: str, bunching: str) -> dict[str, str]:
    return {
        "authority_code": code,
        "authority_name": f"Authority {code}",
        "nation": nation,
        "clock_start": start,
        "clock_unit": unit,
        "bunching": bunching,
        "provider": "in_house",
        "follow_up_support": "yes",
    }


def test_each_authority_reports_its_own_convention_and_nation_names() -> None:
    codes = ["E06099001", "W06099002", "S12099003", "N09099004"]
    indicators = pl.DataFrame([indicator_row(c) for c in codes])
    authorities = pl.DataFrame(
        [
            settings("E06099001", "england", "return", "hours", "each"),
            settings("W06099002", "wales", "referral", "working_days", "latest"),
            settings("S12099003", "scotland", "return", "calendar_days", "latest"),
            settings("N09099004", "northern_ireland", "return", "hours", "each"),
        ]
    )
    returns = returns_from_indicators(indicators, authorities)
    assert tuple(returns.columns) == RETURN_COLUMNS
    by_code = {r["authority_code"]: r for r in returns.to_dicts()}
    # Northern Ireland has no value in the returns contract: left out.
    assert sorted(by_code) == ["E06099001", "S12099003", "W06099002"]
    position = {name: i for i, name in enumerate(WITHIN_COLUMNS, start=1)}
    assert by_code["E06099001"]["completed_within_72h"] == position["within_return_hours_each"]
    assert (
        by_code["W06099002"]["completed_within_72h"]
        == position["within_referral_working_days_latest"]
    )
    assert (
        by_code["S12099003"]["completed_within_72h"]
        == position["within_return_calendar_days_latest"]
    )
    assert [by_code[c]["nation"] for c in sorted(by_code)] == ["England", "Scotland", "Wales"]
    assert by_code["W06099002"]["clock_start"] == "referral"
    assert by_code["E06099001"]["incidents"] == 100

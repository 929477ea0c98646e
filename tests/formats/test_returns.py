"""An authority's return from its own indicator table (`formats.returns`)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from homeward.formats.returns import RETURN_COLUMNS, SETTINGS_COLUMNS, returns_from_indicators
from homeward.indicators.schema import COUNT_COLUMNS, OUTPUT_COLUMNS, VARIANTS, WITHIN_COLUMNS
from tests.indicators.helpers import ep, indicators, iv

CODES = {
    "england": "E06000001",
    "wales": "W06000015",
    "scotland": "S12000033",
    "northern_ireland": "N09000001",
}


def indicator_table(codes: list[str], periods: tuple[str, ...] = ("2017-18",)) -> pl.DataFrame:
    """Counts that tell every column apart: within column k of authority i in period p is
    1000·i + 100·p + k, and the other counts are larger still."""
    rows = []
    for i, code in enumerate(codes):
        for p, period in enumerate(periods):
            row: dict[str, object] = {"authority_code": code, "period": period}
            for k, name in enumerate(COUNT_COLUMNS):
                row[name] = 50_000 + 1000 * i + 100 * p + k
            for k, name in enumerate(WITHIN_COLUMNS):
                row[name] = 1000 * i + 100 * p + k
            rows.append(row)
    return pl.DataFrame(rows, schema_overrides=dict.fromkeys(OUTPUT_COLUMNS[2:], pl.Int64))


def settings(rows: list[dict[str, str | None]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=dict.fromkeys(SETTINGS_COLUMNS, pl.String))


def setting(code: str, nation: str, start: str, unit: str, bunching: str, **other: str):
    return {
        "authority_code": code,
        "authority_name": f"Authority {code}",
        "nation": nation,
        "clock_start": start,
        "clock_unit": unit,
        "bunching": bunching,
        "provider": "in_house",
        "follow_up_support": "yes",
        **other,
    }


def test_each_authority_gets_the_variant_it_uses() -> None:
    # Twelve English authorities, one per variant, so every column must be picked right.
    codes = [f"E0600{i:04d}" for i in range(len(VARIANTS))]
    table = indicator_table(codes)
    authorities = settings(
        [setting(code, "england", *variant) for code, variant in zip(codes, VARIANTS, strict=True)]
    )
    returns = returns_from_indicators(table, authorities)
    assert returns.height == len(VARIANTS)
    by_code = {row["authority_code"]: row for row in returns.iter_rows(named=True)}
    for code, (start, unit, bunching) in zip(codes, VARIANTS, strict=True):
        source = table.filter(pl.col("authority_code") == code).row(0, named=True)
        row = by_code[code]
        assert row["completed_within_72h"] == source[f"within_{start}_{unit}_{bunching}"], code
        assert (row["clock_start"], row["clock_unit"]) == (start, unit)


def test_nations_counts_and_settings_are_carried_over() -> None:
    codes = [CODES[n] for n in ("wales", "england", "scotland", "northern_ireland")]
    table = indicator_table(codes, periods=("2017-18", "2018-19"))
    authorities = settings(
        [
            setting(CODES["england"], "england", "return", "hours", "each"),
            setting(
                CODES["wales"],
                "wales",
                "referral",
                "working_days",
                "latest",
                provider="independent",
                follow_up_support="sometimes",
            ),
            setting(CODES["scotland"], "scotland", "return", "calendar_days", "latest"),
            setting(CODES["northern_ireland"], "northern_ireland", "return", "hours", "each"),
        ]
    )
    returns = returns_from_indicators(table, authorities)
    assert returns.columns == list(RETURN_COLUMNS)
    # Northern Ireland is left out: the returns contract has no value for it.
    assert returns.select("authority_code", "nation", "period").rows() == [
        (CODES["england"], "England", "2017-18"),
        (CODES["england"], "England", "2018-19"),
        (CODES["scotland"], "Scotland", "2017-18"),
        (CODES["scotland"], "Scotland", "2018-19"),
        (CODES["wales"], "Wales", "2017-18"),
        (CODES["wales"], "Wales", "2018-19"),
    ]
    wales = returns.filter(pl.col("authority_code") == CODES["wales"]).row(1, named=True)
    source = table.filter(
        (pl.col("authority_code") == CODES["wales"]) & (pl.col("period") == "2018-19")
    ).row(0, named=True)
    for name in ("incidents", "individuals", "offered", "accepted", "declined", "completed"):
        assert wales[name] == source[name], name
    assert wales["completed_within_72h"] == source["within_referral_working_days_latest"]
    assert wales["authority_name"] == f"Authority {CODES['wales']}"
    assert (wales["provider"], wales["follow_up_support"]) == ("independent", "sometimes")
    assert (wales["clock_start"], wales["clock_unit"]) == ("referral", "working_days")


def test_from_computed_indicators(tmp_path: Path) -> None:
    # One child in Wales back Friday 7 April 2017 10:00, seen Monday 10 April 11:00: not
    # within 72 hours (due 10:00), within 3 calendar days and 3 working days.
    episodes = [
        ep("E1", "2017-04-07T08:00", "2017-04-07T10:00", rhi="R1", authority_code=CODES["wales"])
    ]
    interviews = [
        iv("R1", "2017-04-10T11:00", offered="2017-04-08T10:00", outcome="accepted")
        | {"authority_code": CODES["wales"]}
    ]
    table = indicators(tmp_path, episodes, interviews)
    for unit, expected in (("hours", 0), ("calendar_days", 1), ("working_days", 1)):
        authorities = settings([setting(CODES["wales"], "wales", "return", unit, "each")])
        returns = returns_from_indicators(table, authorities)
        assert returns.select("incidents", "completed", "completed_within_72h").rows() == [
            (1, 1, expected)
        ], unit


def test_missing_settings_columns_are_named() -> None:
    authorities = settings([setting(CODES["england"], "england", "return", "hours", "each")])
    with pytest.raises(ValueError, match="bunching"):
        returns_from_indicators(indicator_table([CODES["england"]]), authorities.drop("bunching"))


def test_an_authority_without_a_recorded_clock_gets_a_blank_within() -> None:
    # The returns contract allows clock_start and clock_unit to be blank (not answered). An
    # authority whose settings leave the clock blank cannot be given a within count: it
    # should be blank, and the other authorities' returns made as usual.
    codes = [CODES["england"], "E06000002"]
    authorities = settings(
        [
            setting(codes[0], "england", "return", "hours", "each"),
            setting(codes[1], "england", None, None, None),  # type: ignore[arg-type]
        ]
    )
    returns = returns_from_indicators(indicator_table(codes), authorities)
    assert returns.select("authority_code", "completed_within_72h", "clock_start").rows() == [
        (codes[0], 0, "return"),
        (codes[1], None, None),
    ]

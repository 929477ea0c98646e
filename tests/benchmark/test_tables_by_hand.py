"""The tables of twelve hand-worked returns (see hand_returns.py for the arithmetic)."""

from __future__ import annotations

from fractions import Fraction
from math import floor

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from homeward.benchmark import (
    PeriodNotFoundError,
    Status,
    build_report,
    percent_half_up,
    read_returns,
    returns_frame,
)
from tests.benchmark.hand_returns import CSV_TEXT, EXPECTED_EXCLUSIONS, EXPECTED_TABLES_JSON


@pytest.fixture(scope="module")
def returns(tmp_path_factory: pytest.TempPathFactory) -> pl.DataFrame:
    path = tmp_path_factory.mktemp("hand") / "returns.csv"
    path.write_text(CSV_TEXT, encoding="utf-8")
    return read_returns(path)


def test_tables_json_is_the_hand_worked_one(returns: pl.DataFrame) -> None:
    report = build_report(returns, "2017-18", nation="England")
    assert report.to_json() == EXPECTED_TABLES_JSON


def test_every_rate_table_accounts_for_every_authority(returns: pl.DataFrame) -> None:
    report = build_report(returns, "2017-18", nation="England")
    for table in report.rate_tables:
        assert table.base + table.not_answered + table.excluded == report.authorities == 12
        assert sum(b.count for b in table.bands) == table.base


def test_excluded_answers_are_listed_with_their_rule(returns: pl.DataFrame) -> None:
    report = build_report(returns, "2017-18", nation="England")
    found = [(e.authority.line, e.answer, e.value, e.rule) for e in report.exclusions]
    assert found == EXPECTED_EXCLUSIONS
    assert {e.authority.code for e in report.exclusions if e.authority.line == 7} == {"E06000006"}


def test_standings_rank_the_highest_rate_first_and_share_ties(returns: pl.DataFrame) -> None:
    report = build_report(returns, "2017-18", nation="England")
    offered = {
        s.authority.name: (s.status, s.rate, s.rank, s.base)
        for s in report.standings
        if s.table == "offered"
    }
    # Rates 100 (A3, A8), 90 (A7), 80 (A11), 75 (A1, A6), 51 (A2), 50 (A5): ranks 1 1 3 4 5 5 7 8.
    assert offered["Cowfold"] == (Status.BASE, 100, 1, 8)
    assert offered["Harrowby"] == (Status.BASE, 100, 1, 8)
    assert offered["Glanford"] == (Status.BASE, 90, 3, 8)
    assert offered["Kelvedon"] == (Status.BASE, 80, 4, 8)
    assert offered["Alderley"] == (Status.BASE, 75, 5, 8)
    assert offered["Fenwick"] == (Status.BASE, 75, 5, 8)
    assert offered["Brackwater"] == (Status.BASE, 51, 7, 8)
    assert offered["Easterby"] == (Status.BASE, 50, 8, 8)
    assert offered["Dunmere"] == (Status.EXCLUDED, None, None, 8)
    assert offered["Ilminster"] == (Status.NOT_ANSWERED, None, None, 8)
    assert len(report.standings) == 12 * 5


def test_without_a_nation_filter_every_row_counts(returns: pl.DataFrame) -> None:
    report = build_report(returns, "2017-18")
    assert report.authorities == 13
    # The Welsh row: 10 incidents, 5 individuals → repeat 50%, in the 0-50 band.
    repeat = report.table("repeat")
    assert (repeat.base, repeat.bands[0].count) == (8, 4)
    # It answers nothing else: not answered in the other rate tables.
    assert report.table("offered").not_answered == 4
    assert report.providers["2017-18"]["independent"] == 3


def test_the_nation_filter_ignores_case(returns: pl.DataFrame) -> None:
    assert build_report(returns, "2017-18", nation=" england ").authorities == 12
    assert build_report(returns, "2017-18", nation="WALES").authorities == 1


def test_a_period_not_in_the_file_is_refused_clearly(returns: pl.DataFrame) -> None:
    with pytest.raises(PeriodNotFoundError, match=r"2018-19.*2013-14, 2016-17, 2017-18"):
        build_report(returns, "2018-19")
    # 2016-17 exists, but not in Wales.
    with pytest.raises(PeriodNotFoundError, match="for Wales"):
        build_report(returns, "2016-17", nation="Wales")


def test_an_earlier_period_can_be_reported_on_its_own(returns: pl.DataFrame) -> None:
    report = build_report(returns, "2016-17", nation="England")
    assert report.authorities == 3
    assert all(t.not_answered == 3 and t.base == 0 for t in report.rate_tables)
    assert all(t.pooled_percent is None for t in report.rate_tables)
    assert report.to_json()["tables"]["within_timescale"]["pooled_percent_of_incidents"] is None


def test_the_api_takes_a_frame_without_files() -> None:
    frame = pl.DataFrame(
        {
            "authority_code": ["E1", "E2"],
            "authority_name": ["One", "Two"],
            "nation": ["England", "England"],
            "period": ["2017-18", "2017-18"],
            "provider": ["in_house", None],
            "incidents": [3, 8],
            "individuals": [1, 8],
            "offered": [3, 1],
            "accepted": [None, None],
            "declined": [None, None],
            "completed": [2, 1],
            "completed_within_72h": [1, 1],
            "clock_start": [None, None],
            "clock_unit": [None, None],
            "follow_up_support": ["yes", None],
        }
    )
    report = build_report(frame, "2017-18")
    # repeat: E1 2/3 = 66.67 → 67; E2 0/8 = 0; pooled (2+0)/(3+8) = 18.18 → 18.
    assert report.table("repeat").pooled_percent == 18
    assert [b.count for b in report.table("repeat").bands] == [1, 0, 1, 0]
    # offered: E1 3/3 = 100; E2 1/8 = 12.5 → 13; pooled 4/11 = 36.36 → 36.
    assert report.table("offered").pooled_percent == 36
    assert [b.count for b in report.table("offered").bands] == [1, 0, 0, 0, 0, 0, 0, 1]
    # Rows are numbered as in a file: the first is line 2.
    assert [s.authority.line for s in report.standings[::5]] == [2, 3]


def test_a_frame_is_checked_like_a_file() -> None:
    frame = pl.DataFrame({"authority_code": ["E1"], "period": ["2017/18"], "nation": ["Eire"]})
    with pytest.raises(Exception) as caught:
        returns_frame(frame, source="frame")
    problems = caught.value.problems  # type: ignore[attr-defined]
    assert ("frame", 1, "provider", "missing required column") in problems


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (129, 200, 65),  # 64.5 → 65
        (1, 200, 1),  # 0.5 → 1
        (101, 200, 51),  # 50.5 → 51
        (21, 200, 11),  # 10.5 → 11
        (199, 200, 100),  # 99.5 → 100
        (1, 3, 33),  # 33.33 → 33
        (2, 3, 67),  # 66.67 → 67
        (79508, 123156, 65),  # the published repeat figure: 64.558% → 65
        (0, 5, 0),
    ],
)
def test_percentages_round_half_up(numerator: int, denominator: int, expected: int) -> None:
    assert percent_half_up(numerator, denominator) == expected


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=1, max_value=10**9))
@settings(max_examples=300)
def test_rounding_is_exact_half_up(numerator: int, denominator: int) -> None:
    assert percent_half_up(numerator, denominator) == floor(
        Fraction(100 * numerator, denominator) + Fraction(1, 2)
    )


COUNT = st.one_of(st.none(), st.integers(min_value=-3, max_value=60))


@given(st.lists(st.tuples(*([COUNT] * 7)), min_size=1, max_size=15))
@settings(max_examples=60, deadline=None)
def test_any_returns_account_for_every_authority(rows: list[tuple[int | None, ...]]) -> None:
    columns = (
        "incidents",
        "individuals",
        "offered",
        "accepted",
        "declined",
        "completed",
        "completed_within_72h",
    )
    data: dict[str, list[object]] = {c: [r[i] for r in rows] for i, c in enumerate(columns)}
    data |= {
        "authority_code": [f"E{i}" for i in range(len(rows))],
        "authority_name": [f"A{i}" for i in range(len(rows))],
        "period": ["2017-18"] * len(rows),
    }
    for column in ("nation", "provider", "clock_start", "clock_unit", "follow_up_support"):
        data[column] = [None] * len(rows)
    frame = pl.DataFrame(data, schema={c: (pl.Int64 if c in columns else pl.String) for c in data})
    report = build_report(frame, "2017-18")
    for table in report.rate_tables:
        assert table.base + table.not_answered + table.excluded == len(rows)
        assert sum(b.count for b in table.bands) == table.base
        in_base = [m for m in table.members if m.status is Status.BASE]
        assert all(m.rate is not None and 0 <= m.rate <= 100 for m in in_base)
        if table.base:
            assert table.pooled_percent is not None and 0 <= table.pooled_percent <= 100
    # An authority excluded from a table has one of that table's answers listed as excluded.
    listed = {(e.authority.line, e.answer) for e in report.exclusions}
    for table in report.rate_tables:
        for member in table.members:
            if member.status is Status.EXCLUDED:
                assert any((member.authority.line, a) in listed for a in table.definition.answers)


def test_bands_can_be_given_in_code_as_strings_or_bands(returns: pl.DataFrame) -> None:
    from homeward.benchmark import Band, BandsError

    # Declined rates 15, 11 (10.5), 0, 60, 40.
    report = build_report(returns, "2017-18", {"declined": ["0-10", "11-100"]}, nation="England")
    assert [(b.band.label, b.count) for b in report.table("declined").bands] == [
        ("0-10%", 1),
        ("11-100%", 4),
    ]
    as_bands = build_report(
        returns, "2017-18", bands={"declined": [Band(0, 10), Band(11, 100)]}, nation="England"
    )
    assert as_bands.to_json() == report.to_json()
    with pytest.raises(BandsError, match="overlap"):
        build_report(returns, "2017-18", {"declined": [Band(0, 10), Band(10, 100)]})
    with pytest.raises(BandsError, match="gap"):
        build_report(returns, "2017-18", {"repeat": ["0-49", "51-100"]})

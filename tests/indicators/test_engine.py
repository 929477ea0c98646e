"""Indicator counts against small cases worked out by hand (`indicators.md`, "Output").

Dates used: Monday 3 April 2017, Friday 7 April 2017; Good Friday is 14 April 2017 and
Easter Monday 17 April 2017 (England).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from homeward.indicators.engine import (
    add_rates,
    financial_year_label,
    suppress_small_counts,
)
from homeward.indicators.schema import COUNT_COLUMNS, OUTPUT_COLUMNS, WITHIN_COLUMNS
from tests.indicators.helpers import ep, indicators, iv, only_row

RETURN_COLUMNS = [c for c in WITHIN_COLUMNS if c.startswith("within_return_")]
REFERRAL_COLUMNS = [c for c in WITHIN_COLUMNS if c.startswith("within_referral_")]


def periods(table: pl.DataFrame) -> list[tuple[str, int]]:
    return list(table.select("period", "incidents").iter_rows())


# --- periods -------------------------------------------------------------------------------


def test_financial_year_boundary(tmp_path: Path) -> None:
    episodes = [
        ep("E1", "2018-03-31T23:59"),
        ep("E2", "2018-03-31T23:59:59"),
        ep("E3", "2018-04-01T00:00"),
        # The period is that of started_at, not of the return: back on 2 April, still 2017-18.
        ep("E4", "2018-03-30T22:00", "2018-04-02T10:00"),
    ]
    assert periods(indicators(tmp_path, episodes)) == [("2017-18", 3), ("2018-19", 1)]


def test_year_labels_across_centuries(tmp_path: Path) -> None:
    episodes = [
        ep("E1", "1999-06-01T10:00"),
        ep("E2", "2000-01-15T10:00"),
        ep("E3", "2009-05-01T10:00"),
        ep("E4", "2010-02-01T10:00"),
    ]
    assert periods(indicators(tmp_path, episodes)) == [("1999-00", 2), ("2009-10", 2)]
    assert [financial_year_label(y) for y in (1999, 2009, 2017, 2099)] == [
        "1999-00",
        "2009-10",
        "2017-18",
        "2099-00",
    ]


QUARTER_EPISODES = [
    ep("E7", "2018-04-01T00:00"),
    ep("E1", "2017-04-01T00:00"),
    ep("E2", "2017-06-30T23:59"),
    ep("E3", "2017-07-01T00:00"),
    ep("E4", "2017-12-31T23:59"),
    ep("E5", "2018-01-01T00:00"),
    ep("E6", "2018-03-31T12:00"),
]


def test_quarter_labels_and_order(tmp_path: Path) -> None:
    table = indicators(tmp_path, QUARTER_EPISODES, by="quarter")
    assert periods(table) == [
        ("2017-18 Q1", 2),  # April to June
        ("2017-18 Q2", 1),  # July to September
        ("2017-18 Q3", 1),  # October to December
        ("2017-18 Q4", 2),  # January to March
        ("2018-19 Q1", 1),
    ]
    assert tuple(table.columns) == OUTPUT_COLUMNS


def test_month_labels_and_order(tmp_path: Path) -> None:
    table = indicators(tmp_path, QUARTER_EPISODES, by="month")
    assert periods(table) == [
        ("2017-04", 1),
        ("2017-06", 1),
        ("2017-07", 1),
        ("2017-12", 1),
        ("2018-01", 1),
        ("2018-03", 1),
        ("2018-04", 1),
    ]


def test_months_in_october_to_december_sort_after_september(tmp_path: Path) -> None:
    episodes = [ep(f"E{m}", f"2017-{m:02d}-15T10:00") for m in (12, 9, 10, 11, 1)]
    table = indicators(tmp_path, episodes, by="month")
    assert table["period"].to_list() == ["2017-01", "2017-09", "2017-10", "2017-11", "2017-12"]


def test_an_unknown_grouping_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="week"):
        indicators(tmp_path, [ep("E1", "2017-04-01T10:00")], by="week")


# --- counts --------------------------------------------------------------------------------


def test_absent_offered_accepted_declined_completed(tmp_path: Path) -> None:
    episodes = [
        ep("E1", "2017-04-03T08:00", "2017-04-03T10:00", rhi="R1", category="absent"),
        ep("E2", "2017-04-04T08:00", "2017-04-04T10:00", rhi="R2"),
        ep("E3", "2017-04-05T08:00", "2017-04-05T10:00", rhi="R3"),
        ep("E4", "2017-04-06T08:00", "2017-04-06T10:00", rhi="R4"),
        ep("E5", "2017-04-07T08:00", "2017-04-07T10:00", rhi="R2"),  # bunched with E2
        ep("E6", "2017-04-08T08:00", "2017-04-08T10:00", category="absent"),  # no interview
        ep("E7", "2017-04-09T08:00", child_id="C2"),  # still missing
    ]
    interviews = [
        iv("R1", "2017-04-04T10:00", offered="2017-04-03T12:00", outcome="accepted"),
        iv("R2", offered="2017-04-07T12:00", outcome="declined", declined_by="child"),
        iv("R3", offered="2017-04-05T12:00", outcome="no_response"),
        iv("R4", "2017-04-06T15:00"),  # completed with no offer or outcome recorded
    ]
    row = only_row(indicators(tmp_path, episodes, interviews))
    counts = {name: row[name] for name in COUNT_COLUMNS}
    assert counts == {
        "incidents": 7,
        "individuals": 2,
        "absent": 2,  # E1, E6
        "offered": 4,  # E1, E2, E3, E5 (R2 counts for both its episodes)
        "accepted": 1,  # E1
        "declined": 2,  # E2, E5
        "completed": 2,  # E1, E4: completed may exceed accepted and offered
    }
    # E1 (return Mon 10:00, done Tue 10:00) and E4 (5 hours) are within on every return
    # variant; there are no notifications, so none is within on the referral basis.
    assert {row[c] for c in RETURN_COLUMNS} == {2}
    assert {row[c] for c in REFERRAL_COLUMNS} == {0}


def test_individuals_are_distinct_children_per_group(tmp_path: Path) -> None:
    episodes = [
        ep("E1", "2017-04-03T08:00", child_id="A"),
        ep("E2", "2017-05-03T08:00", child_id="A"),
        ep("E3", "2017-05-04T08:00", child_id="B"),
        ep("E4", "2018-04-03T08:00", child_id="A"),  # next year: counted again there
        ep("E5", "2017-06-03T08:00", child_id="A", authority_code="E06000002"),
    ]
    table = indicators(tmp_path, episodes)
    assert table.select("authority_code", "period", "incidents", "individuals").rows() == [
        ("E06000002", "2017-18", 1, 1),
        ("E06099001", "2017-18", 3, 2),
        ("E06099001", "2018-19", 1, 1),
    ]


def test_a_completion_before_the_clock_start_is_within(tmp_path: Path) -> None:
    # No lower bound: completed Sunday 9 April, before the episode even started.
    episodes = [ep("E1", "2017-04-10T08:00", "2017-04-10T10:00", "2017-04-10T12:00", rhi="R1")]
    row = only_row(indicators(tmp_path, episodes, [iv("R1", "2017-04-09T09:00")]))
    assert row["completed"] == 1
    assert {row[c] for c in WITHIN_COLUMNS} == {1}


def test_no_notification_means_not_within_on_the_referral_basis(tmp_path: Path) -> None:
    episodes = [ep("E1", "2017-04-03T08:00", "2017-04-03T10:00", rhi="R1")]
    row = only_row(indicators(tmp_path, episodes, [iv("R1", "2017-04-03T11:00")]))
    assert {row[c] for c in RETURN_COLUMNS} == {1}
    assert {row[c] for c in REFERRAL_COLUMNS} == {0}


def test_an_interview_not_completed_is_never_within(tmp_path: Path) -> None:
    episodes = [ep("E1", "2017-04-03T08:00", "2017-04-03T10:00", "2017-04-03T10:00", rhi="R1")]
    row = only_row(indicators(tmp_path, episodes, [iv("R1", offered="2017-04-03T11:00")]))
    assert (row["offered"], row["completed"]) == (1, 0)
    assert {row[c] for c in WITHIN_COLUMNS} == {0}


def test_latest_bunching_when_one_covered_episode_is_still_open(tmp_path: Path) -> None:
    # R1 covers E1 (back Monday 3 April 10:00, notified 11:00) and E2 (gone again Tuesday,
    # not back, no notification). R1 held Wednesday 5 April 10:00.
    # each: E1 within on every variant; E2 has no clock start: never within.
    # latest: the latest clock start among R1's episodes, ignoring the empty ones, is E1's,
    # so E2 is measured from it and is within too.
    episodes = [
        ep("E1", "2017-04-03T08:00", "2017-04-03T10:00", "2017-04-03T11:00", rhi="R1"),
        ep("E2", "2017-04-04T09:00", rhi="R1"),
    ]
    row = only_row(indicators(tmp_path, episodes, [iv("R1", "2017-04-05T10:00")]))
    assert row["completed"] == 2
    for name in WITHIN_COLUMNS:
        assert row[name] == (1 if name.endswith("_each") else 2), name


def test_latest_is_the_latest_clock_start_not_the_last_row(tmp_path: Path) -> None:
    # E1 back Thursday 6 April 10:00 (listed first), E2 back Monday 3 April 10:00; R1 held
    # Friday 7 April 12:00. E2 on its own: 72 hours ran out Thursday 10:00 (not within on
    # hours or calendar days; working days Tue, Wed, Thu: not within). Measured from the
    # latest return (E1's) it is within on all three units.
    episodes = [
        ep("E1", "2017-04-06T08:00", "2017-04-06T10:00", rhi="R1"),
        ep("E2", "2017-04-03T08:00", "2017-04-03T10:00", rhi="R1"),
    ]
    row = only_row(indicators(tmp_path, episodes, [iv("R1", "2017-04-07T12:00")]))
    assert row["within_return_hours_each"] == 1
    assert row["within_return_calendar_days_each"] == 1
    assert row["within_return_working_days_each"] == 1
    assert row["within_return_hours_latest"] == 2
    assert row["within_return_calendar_days_latest"] == 2
    assert row["within_return_working_days_latest"] == 2


def test_latest_on_the_referral_basis_skips_episodes_without_a_notification(
    tmp_path: Path,
) -> None:
    # E1 notified Monday 3 April 10:00; E2 returned later but never notified. R1 held
    # Saturday 8 April: 5 days after E1's notification, so nothing is within on referral.
    # Had E2's return been taken for a notification it would be within.
    episodes = [
        ep("E1", "2017-04-03T08:00", "2017-04-03T09:00", "2017-04-03T10:00", rhi="R1"),
        ep("E2", "2017-04-06T08:00", "2017-04-07T09:00", rhi="R1"),
    ]
    row = only_row(indicators(tmp_path, episodes, [iv("R1", "2017-04-08T10:00")]))
    assert {row[c] for c in REFERRAL_COLUMNS} == {0}
    assert row["within_return_hours_latest"] == 2
    assert row["within_return_hours_each"] == 1


@pytest.mark.parametrize(
    ("completed", "hours", "calendar_days", "working_days"),
    [
        # Return Friday 7 April 2017 10:00: 72 hours end Monday 10 April 10:00; the third
        # calendar day is Monday 10 April; the third working day is Wednesday 12 April.
        ("2017-04-10T10:00", 1, 1, 1),
        ("2017-04-10T10:00:00", 1, 1, 1),
        ("2017-04-10T10:00:01", 0, 1, 1),
        ("2017-04-10T23:59:59", 0, 1, 1),
        ("2017-04-11T00:00", 0, 0, 1),
        ("2017-04-12T23:59", 0, 0, 1),
        ("2017-04-13T00:00", 0, 0, 0),
    ],
)
def test_the_edges_of_each_unit(
    tmp_path: Path, completed: str, hours: int, calendar_days: int, working_days: int
) -> None:
    episodes = [ep("E1", "2017-04-07T08:00", "2017-04-07T10:00", rhi="R1")]
    row = only_row(indicators(tmp_path, episodes, [iv("R1", completed)]))
    assert row["within_return_hours_each"] == hours
    assert row["within_return_calendar_days_each"] == calendar_days
    assert row["within_return_working_days_each"] == working_days


def test_easter_moves_the_working_day_due_date(tmp_path: Path) -> None:
    # Return Thursday 13 April 2017; Good Friday 14 and Easter Monday 17 April are English
    # bank holidays: working days Tue 18, Wed 19, Thu 20. Completed Thursday 20 April.
    episodes = [ep("E1", "2017-04-13T08:00", "2017-04-13T10:00", rhi="R1")]
    row = only_row(indicators(tmp_path, episodes, [iv("R1", "2017-04-20T16:00")]))
    assert row["within_return_working_days_each"] == 1
    assert row["within_return_calendar_days_each"] == 0
    row = only_row(indicators(tmp_path, episodes, [iv("R1", "2017-04-21T09:00")]))
    assert row["within_return_working_days_each"] == 0


# --- several authorities -------------------------------------------------------------------


def test_authorities_and_periods_are_sorted(tmp_path: Path) -> None:
    codes_in_file_order = [
        ("W06000015", "2018-05-01T10:00"),
        ("E09000033", "2017-05-01T10:00"),
        ("S12000033", "2017-05-01T10:00"),
        ("E06000001", "2018-05-01T10:00"),
        ("N09000001", "2017-05-01T10:00"),
        ("E06000001", "2017-05-01T10:00"),
        ("E10000002", "2017-05-01T10:00"),
        ("E06000001", "2017-06-01T10:00"),
        ("W06000015", "2016-05-01T10:00"),
    ]
    episodes = [
        ep(f"E{i}", started, authority_code=code, child_id=f"C{i}")
        for i, (code, started) in enumerate(codes_in_file_order)
    ]
    table = indicators(tmp_path, episodes)
    assert table.select("authority_code", "period", "incidents", "individuals").rows() == [
        ("E06000001", "2017-18", 2, 2),
        ("E06000001", "2018-19", 1, 1),
        ("E09000033", "2017-18", 1, 1),
        ("E10000002", "2017-18", 1, 1),
        ("N09000001", "2017-18", 1, 1),
        ("S12000033", "2017-18", 1, 1),
        ("W06000015", "2016-17", 1, 1),
        ("W06000015", "2018-19", 1, 1),
    ]


# --- rates ---------------------------------------------------------------------------------


def _table(**rows: list[int]) -> pl.DataFrame:
    """A table in the contract's columns; counts not given are 0."""
    height = len(next(iter(rows.values())))
    data: dict[str, list[object]] = {
        "authority_code": [f"E0600000{i}" for i in range(height)],
        "period": ["2017-18"] * height,
    }
    for name in (*COUNT_COLUMNS, *WITHIN_COLUMNS):
        data[name] = rows.get(name, [0] * height)
    return pl.DataFrame(data, schema_overrides=dict.fromkeys(OUTPUT_COLUMNS[2:], pl.Int64))


def test_rates_round_half_up_exactly() -> None:
    table = _table(
        incidents=[8, 200, 3, 0],
        individuals=[3, 200, 1, 0],
        absent=[1, 1, 1, 0],  # 12.5 -> 13; 0.5 -> 1; 33.3 -> 33
        offered=[5, 5, 2, 0],  # 62.5 -> 63; 2.5 -> 3 (not 2: not to even); 66.7 -> 67
        accepted=[4, 199, 0, 0],  # 50; 99.5 -> 100
        declined=[3, 3, 0, 0],  # 37.5 -> 38; 1.5 -> 2
        completed=[6, 9, 3, 0],  # 75; 4.5 -> 5; 100
        within_return_hours_each=[1, 1, 1, 0],  # of completed: 1/6 = 16.7 -> 17; 1/9 -> 11
        within_referral_working_days_latest=[3, 9, 2, 0],  # of completed: 50; 100; 66.7 -> 67
    )
    rated = add_rates(table)
    assert tuple(rated.columns[: len(OUTPUT_COLUMNS)]) == OUTPUT_COLUMNS
    expected = {
        "absent_percent": [13, 1, 33, None],
        "offered_percent": [63, 3, 67, None],
        "accepted_percent": [50, 100, 0, None],
        "declined_percent": [38, 2, 0, None],
        "completed_percent": [75, 5, 100, None],
        "repeat_percent": [63, 0, 67, None],  # (8-3)/8 = 62.5; 0; 2/3
        "within_return_hours_each_percent": [13, 1, 33, None],
        "within_return_hours_each_percent_of_completed": [17, 11, 33, None],
        "within_referral_working_days_latest_percent": [38, 5, 67, None],  # 37.5, 4.5, 66.7
        "within_referral_working_days_latest_percent_of_completed": [50, 100, 67, None],
        "within_return_hours_latest_percent_of_completed": [0, 0, 0, None],
    }
    for name, values in expected.items():
        assert rated[name].to_list() == values, name
    assert rated["repeat_percent"].dtype == pl.Int64


def test_every_rate_column_is_there() -> None:
    rated = add_rates(_table(incidents=[1]))
    added = set(rated.columns) - set(OUTPUT_COLUMNS)
    expected = {f"{c}_percent" for c in ("absent", "offered", "accepted", "declined", "completed")}
    expected |= {f"{c}_percent" for c in WITHIN_COLUMNS}
    expected |= {f"{c}_percent_of_completed" for c in WITHIN_COLUMNS}
    expected |= {"repeat_percent"}
    assert added == expected


def test_rates_end_to_end(tmp_path: Path) -> None:
    # 8 episodes of 3 children; 1 absent; 5 offered; 4 completed, 1 of them within 72 hours
    # of the return.
    children = ["A", "A", "A", "B", "B", "C", "C", "C"]
    episodes = [
        ep(
            f"E{i}",
            f"2017-05-{i + 1:02d}T08:00",
            f"2017-05-{i + 1:02d}T10:00",
            rhi=f"R{i}" if i < 5 else None,
            child_id=child,
            category="absent" if i == 0 else "missing",
        )
        for i, child in enumerate(children)
    ]
    interviews = [
        iv(
            f"R{i}",
            None if i == 4 else ("2017-05-01T12:00" if i == 0 else "2017-06-20T10:00"),
            offered="2017-05-10T10:00",
            outcome="accepted",
        )
        for i in range(5)
    ]
    row = only_row(indicators(tmp_path, episodes, interviews, rates=True))
    assert (row["incidents"], row["individuals"], row["offered"], row["completed"]) == (8, 3, 5, 4)
    assert row["absent_percent"] == 13  # 1/8 = 12.5
    assert row["offered_percent"] == 63  # 5/8 = 62.5
    assert row["repeat_percent"] == 63  # (8 - 3)/8 = 62.5
    assert row["completed_percent"] == 50
    assert row["within_return_hours_each"] == 1
    assert row["within_return_hours_each_percent"] == 13
    assert row["within_return_hours_each_percent_of_completed"] == 25


# --- small-number suppression --------------------------------------------------------------


def test_suppression_blanks_counts_from_one_to_four_and_rates_formed_from_them() -> None:
    table = add_rates(
        _table(
            incidents=[12, 3],
            individuals=[4, 3],
            absent=[0, 1],
            offered=[5, 3],
            accepted=[1, 2],
            declined=[4, 0],
            completed=[3, 2],
            within_return_hours_each=[2, 1],
            within_return_hours_latest=[5, 0],
        )
    )
    blanked = suppress_small_counts(table)
    first, second = blanked.to_dicts()
    # Row 1: 12 incidents. Counts 1-4 blank, 0 and 5 and more shown.
    assert (first["incidents"], first["absent"], first["offered"]) == (12, 0, 5)
    for name in ("individuals", "accepted", "declined", "completed", "within_return_hours_each"):
        assert first[name] is None, name
    assert first["within_return_hours_latest"] == 5
    assert first["absent_percent"] == 0
    assert first["offered_percent"] == 42  # 5/12 = 41.7
    assert first["within_return_hours_latest_percent"] == 42
    for name in (
        "accepted_percent",  # from a blank count
        "declined_percent",
        "completed_percent",
        "repeat_percent",  # incidents − individuals, individuals blank
        "within_return_hours_each_percent",
        "within_return_hours_latest_percent_of_completed",  # over a blank completed
        "within_referral_hours_each_percent_of_completed",
    ):
        assert first[name] is None, name
    # Row 2: 3 incidents: the base of every rate is blank, so every rate is.
    assert second["incidents"] is None
    assert second["declined"] == 0
    assert second["within_return_hours_latest"] == 0
    rates = [c for c in blanked.columns if "percent" in c]
    assert all(second[c] is None for c in rates)
    # Never a count from 1 to 4 anywhere.
    for name in (*COUNT_COLUMNS, *WITHIN_COLUMNS):
        assert not blanked[name].is_between(1, 4).any(), name


def test_suppression_end_to_end(tmp_path: Path) -> None:
    episodes = [ep(f"E{i}", "2017-05-01T08:00", child_id=f"C{i % 6}") for i in range(7)]
    episodes += [ep("F1", "2017-05-01T08:00", authority_code="E06000002")]
    table = indicators(tmp_path, episodes, suppress_small=True, rates=True)
    assert table.select("authority_code", "incidents", "individuals", "absent").rows() == [
        ("E06000002", None, None, 0),
        ("E06099001", 7, 6, 0),
    ]
    # 1/7 from 7 and 6: the repeat count 7 − 6 = 1 would disclose a single child's episode.
    assert table["repeat_percent"].to_list() == [None, None]
    unsuppressed = indicators(tmp_path, episodes, rates=True)
    assert unsuppressed["incidents"].to_list() == [1, 7]


def test_repeat_percent_is_suppressed_when_the_repeat_count_is_small() -> None:
    from homeward.indicators.engine import add_rates, suppress_small_counts
    from homeward.indicators.schema import OUTPUT_COLUMNS

    row = {c: 0 for c in OUTPUT_COLUMNS} | {
        "authority_code": "E06099001",
        "period": "2024-25",
        "incidents": 12,
        "individuals": 9,  # 3 repeat episodes: disclosive although neither count is small
    }
    table = suppress_small_counts(add_rates(pl.DataFrame([row])))
    assert table["repeat_percent"].to_list() == [None]
    assert table["incidents"].to_list() == [12]

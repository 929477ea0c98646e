"""The worked example of docs/indicators.md: one child, three episodes, one bunched interview.

Everything below was worked out by hand from the contract (`indicators.md`) and the
published English bank holidays; the tests assert that the engine gives exactly these
answers.

The data
========

One child, C1, looked after by an English authority, E06099001 (so English bank
holidays apply). All three episodes start in April or May 2024, so all fall in the
financial year **2024-25** (1 April 2024 to 31 March 2025) and the table has one row.

episodes.csv::

    episode_id,child_id,authority_code,nation,category,missing_from,started_at,returned_at,notified_at,rhi_id
    E1,C1,E06099001,england,missing,care,2024-04-08T21:00,2024-04-09T08:00,2024-04-09T13:00,R1
    E2,C1,E06099001,england,missing,care,2024-05-03T16:00,2024-05-04T20:00,2024-05-04T21:00,R2
    E3,C1,E06099001,england,missing,care,2024-05-07T18:00,2024-05-08T09:00,2024-05-08T15:00,R2

interviews.csv::

    rhi_id,authority_code,offered_at,outcome,declined_by,completed_at
    R1,E06099001,2024-04-10T09:00,accepted,,2024-04-12T11:00
    R2,E06099001,2024-05-08T16:00,accepted,,2024-05-09T10:00

In words:

- E1: missing Monday 8 April 2024 21:00, back Tuesday 9 April 08:00, police notification
  received Tuesday 9 April 13:00. Its own interview R1 took place Friday 12 April 11:00.
- E2: missing Friday 3 May 16:00, back **Saturday 4 May** 20:00, notified Saturday 4 May
  21:00. Not yet seen when ...
- E3: ... the child went missing again Tuesday 7 May 18:00, back Wednesday 8 May 09:00,
  notified Wednesday 8 May 15:00.
- One interview, R2, covers both E2 and E3 ("bunched"): offered Wednesday 8 May 16:00,
  accepted, held Thursday 9 May 10:00.
- **Monday 6 May 2024 is the Early May bank holiday** in England, so the third working
  day after Saturday 4 May is Thursday 9 May (Tuesday 7, Wednesday 8, Thursday 9), not
  Wednesday 8 May as it would be in an ordinary week.

Clock starts
============

- return basis: each episode's `returned_at`; referral basis: its `notified_at`.
- `each` bunching: the episode's own clock start.
- `latest` bunching: the latest clock start among the episodes of the same interview.
  R1 covers only E1, so for E1 latest = each. R2 covers E2 and E3: the latest return is
  E3's (Wed 8 May 09:00) and the latest notification is E3's (Wed 8 May 15:00); so under
  `latest` E2 is measured from E3's clock start.

Due points (72 hours / 3 calendar days / 3 working days) and the flags
======================================================================

hours: within when completed ≤ start + 72 h. calendar_days: within when the completion
date ≤ start date + 3. working_days: within when the completion date ≤ the third working
day after the start date (Mon–Fri, not an English bank holiday).

E1, completed Fri 12 Apr 11:00 (each = latest):

| basis    | start            | hours due         | cal. due   | work. due  | h | c | w |
|----------|------------------|-------------------|------------|------------|---|---|---|
| return   | Tue 9 Apr 08:00  | Fri 12 Apr 08:00  | Fri 12 Apr | Fri 12 Apr | ✗ | ✓ | ✓ |
| referral | Tue 9 Apr 13:00  | Fri 12 Apr 13:00  | Fri 12 Apr | Fri 12 Apr | ✓ | ✓ | ✓ |

(return/hours is out by three hours: 11:00 is after 08:00 on the due day.)

E2, completed Thu 9 May 10:00:

| basis/bunching  | start           | hours due        | cal. due  | work. due  | h | c | w |
|-----------------|-----------------|------------------|-----------|------------|---|---|---|
| return, each    | Sat 4 May 20:00 | Tue 7 May 20:00  | Tue 7 May | Thu 9 May¹ | ✗ | ✗ | ✓ |
| return, latest  | Wed 8 May 09:00 | Sat 11 May 09:00 | Sat 11 May| Mon 13 May | ✓ | ✓ | ✓ |
| referral, each  | Sat 4 May 21:00 | Tue 7 May 21:00  | Tue 7 May | Thu 9 May¹ | ✗ | ✗ | ✓ |
| referral, latest| Wed 8 May 15:00 | Sat 11 May 15:00 | Sat 11 May| Mon 13 May | ✓ | ✓ | ✓ |

¹ Sunday 5 May and bank holiday Monday 6 May are not working days: Tue 7 (1), Wed 8 (2),
Thu 9 (3). Without the bank holiday it would be Wed 8 May and E2 would not be within on
working days either. This is where working days differ from calendar days.

E3, completed Thu 9 May 10:00 (its own start is the latest of R2, so each = latest):

| basis    | start           | hours due        | cal. due   | work. due  | h | c | w |
|----------|-----------------|------------------|------------|------------|---|---|---|
| return   | Wed 8 May 09:00 | Sat 11 May 09:00 | Sat 11 May | Mon 13 May | ✓ | ✓ | ✓ |
| referral | Wed 8 May 15:00 | Sat 11 May 15:00 | Sat 11 May | Mon 13 May | ✓ | ✓ | ✓ |

(working days after Wed 8 May: Thu 9, Fri 10, Mon 13.)

The 12 flags per episode (1 = within):

| variant                               | E1 | E2 | E3 | count |
|---------------------------------------|----|----|----|-------|
| within_return_hours_each              | 0  | 0  | 1  | 1     |
| within_return_hours_latest            | 0  | 1  | 1  | 2     |
| within_return_calendar_days_each      | 1  | 0  | 1  | 2     |
| within_return_calendar_days_latest    | 1  | 1  | 1  | 3     |
| within_return_working_days_each       | 1  | 1  | 1  | 3     |
| within_return_working_days_latest     | 1  | 1  | 1  | 3     |
| within_referral_hours_each            | 1  | 0  | 1  | 2     |
| within_referral_hours_latest          | 1  | 1  | 1  | 3     |
| within_referral_calendar_days_each    | 1  | 0  | 1  | 2     |
| within_referral_calendar_days_latest  | 1  | 1  | 1  | 3     |
| within_referral_working_days_each     | 1  | 1  | 1  | 3     |
| within_referral_working_days_latest   | 1  | 1  | 1  | 3     |

The indicator row (authority E06099001, period 2024-25)
=======================================================

incidents 3 (three episodes); individuals 1 (one child); absent 0; offered 3 (every
episode's interview has offered_at: R1 for E1, R2 for E2 and E3); accepted 3; declined 0;
completed 3; and the `count` column above for the 12 within_* columns.

With `--rates` (whole percentages, half up): offered, accepted and completed 100%;
repeat_percent = (3 − 1) / 3 = 66.7% → 67; a within count of 1 is 33%, 2 is 67%, 3 is
100% of incidents (and of completed, which is also 3).

By quarter all three fall in `2024-25 Q1` (April to June). By month: `2024-04` has E1
(incidents 1, every within count = E1's flag), `2024-05` has E2 and E3 (incidents 2).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest

from homeward.indicators.engine import compute_indicators, episode_flags
from homeward.indicators.quality import quality_report
from homeward.indicators.schema import OUTPUT_COLUMNS, WITHIN_COLUMNS
from homeward.standards.calendar import is_bank_holiday, is_working_day
from homeward.standards.clock import Unit, seventy_two_hours
from homeward.standards.nations import Nation
from tests.indicators.helpers import load, run_cli, write_inputs

EPISODES_CSV = """\
episode_id,child_id,authority_code,nation,category,missing_from,started_at,returned_at,notified_at,rhi_id
E1,C1,E06099001,england,missing,care,2024-04-08T21:00,2024-04-09T08:00,2024-04-09T13:00,R1
E2,C1,E06099001,england,missing,care,2024-05-03T16:00,2024-05-04T20:00,2024-05-04T21:00,R2
E3,C1,E06099001,england,missing,care,2024-05-07T18:00,2024-05-08T09:00,2024-05-08T15:00,R2
"""

INTERVIEWS_CSV = """\
rhi_id,authority_code,offered_at,outcome,declined_by,completed_at
R1,E06099001,2024-04-10T09:00,accepted,,2024-04-12T11:00
R2,E06099001,2024-05-08T16:00,accepted,,2024-05-09T10:00
"""

# The hand-worked flags of the docstring: variant -> (E1, E2, E3).
FLAGS: dict[str, tuple[bool, bool, bool]] = {
    "within_return_hours_each": (False, False, True),
    "within_return_hours_latest": (False, True, True),
    "within_return_calendar_days_each": (True, False, True),
    "within_return_calendar_days_latest": (True, True, True),
    "within_return_working_days_each": (True, True, True),
    "within_return_working_days_latest": (True, True, True),
    "within_referral_hours_each": (True, False, True),
    "within_referral_hours_latest": (True, True, True),
    "within_referral_calendar_days_each": (True, False, True),
    "within_referral_calendar_days_latest": (True, True, True),
    "within_referral_working_days_each": (True, True, True),
    "within_referral_working_days_latest": (True, True, True),
}

# The hand-worked indicator row.
EXPECTED_ROW: dict[str, object] = {
    "authority_code": "E06099001",
    "period": "2024-25",
    "incidents": 3,
    "individuals": 1,
    "absent": 0,
    "offered": 3,
    "accepted": 3,
    "declined": 0,
    "completed": 3,
    "within_return_hours_each": 1,
    "within_return_hours_latest": 2,
    "within_return_calendar_days_each": 2,
    "within_return_calendar_days_latest": 3,
    "within_return_working_days_each": 3,
    "within_return_working_days_latest": 3,
    "within_referral_hours_each": 2,
    "within_referral_hours_latest": 3,
    "within_referral_calendar_days_each": 2,
    "within_referral_calendar_days_latest": 3,
    "within_referral_working_days_each": 3,
    "within_referral_working_days_latest": 3,
}


@pytest.fixture
def example(tmp_path: Path):
    return load(tmp_path, EPISODES_CSV, INTERVIEWS_CSV)


def test_the_hand_worked_counts_add_up() -> None:
    # A guard on the hand work itself: each count is the number of ticks in its row.
    for name, flags in FLAGS.items():
        assert EXPECTED_ROW[name] == sum(flags), name
    assert tuple(EXPECTED_ROW) == OUTPUT_COLUMNS


def test_the_calendar_facts_the_example_relies_on() -> None:
    england = Nation.ENGLAND
    assert is_bank_holiday(date(2024, 5, 6), england)  # Early May bank holiday
    assert [d.strftime("%a") for d in (date(2024, 5, 4), date(2024, 5, 9))] == ["Sat", "Thu"]
    assert not is_working_day(date(2024, 5, 5), england)
    assert all(is_working_day(date(2024, 5, d), england) for d in (7, 8, 9, 10, 13))
    assert all(is_working_day(date(2024, 4, d), england) for d in (10, 11, 12))


def test_hand_worked_due_points_agree_with_the_clock() -> None:
    # The due dates in the docstring's tables, as the standards clock computes them.
    def due(unit: Unit, start: datetime):
        found = seventy_two_hours(unit, Nation.ENGLAND).due(start)
        return found.at if unit is Unit.HOURS else found.by_date

    assert due(Unit.HOURS, datetime(2024, 4, 9, 8)) == datetime(2024, 4, 12, 8)
    assert due(Unit.WORKING_DAYS, datetime(2024, 4, 9, 8)) == date(2024, 4, 12)
    assert due(Unit.CALENDAR_DAYS, datetime(2024, 5, 4, 20)) == date(2024, 5, 7)
    assert due(Unit.WORKING_DAYS, datetime(2024, 5, 4, 20)) == date(2024, 5, 9)
    assert due(Unit.HOURS, datetime(2024, 5, 8, 9)) == datetime(2024, 5, 11, 9)
    assert due(Unit.WORKING_DAYS, datetime(2024, 5, 8, 15)) == date(2024, 5, 13)


def test_episode_flags_are_the_hand_worked_flags(example) -> None:
    flags = episode_flags(example.episodes, example.interviews)
    assert flags.height == 3
    for name, expected in FLAGS.items():
        assert tuple(flags[name].to_list()) == expected, name


def test_the_indicator_row_is_the_hand_worked_row(example) -> None:
    table = compute_indicators(example.episodes, example.interviews)
    assert tuple(table.columns) == OUTPUT_COLUMNS
    assert table.to_dicts() == [EXPECTED_ROW]


def test_the_rates_of_the_example(example) -> None:
    row = compute_indicators(example.episodes, example.interviews, rates=True).row(0, named=True)
    assert row["offered_percent"] == 100
    assert row["accepted_percent"] == 100
    assert row["declined_percent"] == 0
    assert row["completed_percent"] == 100
    assert row["absent_percent"] == 0
    assert row["repeat_percent"] == 67  # (3 - 1) / 3 = 66.7 %
    percent = {1: 33, 2: 67, 3: 100}
    for name in WITHIN_COLUMNS:
        count = EXPECTED_ROW[name]
        assert row[f"{name}_percent"] == percent[count], name
        assert row[f"{name}_percent_of_completed"] == percent[count], name


def test_by_quarter_one_row_and_by_month_two(example) -> None:
    quarter = compute_indicators(example.episodes, example.interviews, by="quarter")
    assert quarter.to_dicts() == [{**EXPECTED_ROW, "period": "2024-25 Q1"}]

    month = compute_indicators(example.episodes, example.interviews, by="month")
    april = {name: int(flags[0]) for name, flags in FLAGS.items()}
    may = {name: int(flags[1]) + int(flags[2]) for name, flags in FLAGS.items()}
    base = {"authority_code": "E06099001", "individuals": 1, "absent": 0, "declined": 0}
    assert month.to_dicts() == [
        {
            **base,
            "period": "2024-04",
            "incidents": 1,
            "offered": 1,
            "accepted": 1,
            "completed": 1,
            **april,
        },
        {
            **base,
            "period": "2024-05",
            "incidents": 2,
            "offered": 2,
            "accepted": 2,
            "completed": 2,
            **may,
        },
    ]
    # Column order is the contract's in every grouping.
    assert tuple(month.columns) == OUTPUT_COLUMNS


def test_the_example_has_nothing_for_the_quality_report(example) -> None:
    assert quality_report(example).height == 0


def test_the_example_through_the_command_line(tmp_path: Path, capsys) -> None:
    ep_path, iv_path = write_inputs(tmp_path, EPISODES_CSV, INTERVIEWS_CSV)
    out = tmp_path / "out" / "indicators.csv"
    code, stdout, stderr = run_cli([ep_path, iv_path, "--out", out], capsys)
    assert (code, stderr) == (0, "")
    written = pl.read_csv(out)
    assert written.to_dicts() == [EXPECTED_ROW]
    report = pl.read_csv(tmp_path / "out" / "indicators.quality.csv")
    assert report.height == 0
    assert report.columns == ["check", "file", "line", "record_id", "column", "detail"]
    assert "1 rows" in stdout

"""Imported history in the indicators (docs/indicators.md, "Imported history"): a small mixed
set of episodes recorded here and imported with each of the case system's answers, and the
exact figures the convention's words give for it."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from homeward.indicators.engine import compute_indicators, rate_definitions
from homeward.indicators.schema import IMPORTED_COLUMNS, OUTPUT_COLUMNS
from tests.indicators.helpers import ep, indicators, iv, load, only_row

DAY = "2025-05-01T"
EPISODES = [
    # Recorded in homeward: offered, accepted, held 24 h after the return.
    ep("H1", DAY + "08:00", DAY + "10:00", rhi="R1", child_id="C1"),
    # Recorded in homeward: offered, declined.
    ep("H2", "2025-06-01T08:00", "2025-06-01T10:00", rhi="R2", child_id="C1"),
    # Recorded in homeward: no interview yet.
    ep("H3", "2025-07-01T08:00", "2025-07-01T10:00", child_id="C2"),
    # Imported from the case system (their answers below).
    ep("I1", "2025-08-01T08:00", "2025-08-01T10:00", child_id="C2"),
    ep("I2", "2025-08-02T08:00", "2025-08-02T10:00", child_id="C3", category="absent"),
    ep("I3", "2025-08-03T08:00", "2025-08-03T10:00", child_id="C3"),
    ep("I4", "2025-08-04T08:00", "2025-08-04T10:00", child_id="C3"),
    ep("I5", "2025-08-05T08:00", "2025-08-05T10:00", child_id="C3"),
    ep("I6", "2025-08-06T08:00", "2025-08-06T10:00", child_id="C3"),
]
INTERVIEWS = [
    iv("R1", offered=DAY + "11:00", outcome="accepted", completed="2025-05-02T10:00"),
    iv("R2", offered="2025-06-01T12:00", outcome="declined", declined_by="child"),
]
#: The case system's answers (offered, accepted): Y/Y, Y/N, Y/blank, N/blank, NA/NA, blank.
ANSWERS = pl.DataFrame(
    {
        "episode_id": ["I1", "I2", "I3", "I4", "I5", "I6"],
        "rhi_offered": ["yes", "yes", "yes", "no", "not_due", None],
        "rhi_accepted": ["yes", "no", None, None, "not_due", None],
    },
    schema={"episode_id": pl.String, "rhi_offered": pl.String, "rhi_accepted": pl.String},
)


@pytest.fixture
def row(tmp_path: Path) -> dict[str, object]:
    return only_row(indicators(tmp_path, EPISODES, INTERVIEWS, rates=True, imported=ANSWERS))


def test_every_episode_counts_in_the_episodes_children_absent_and_repeats(row) -> None:
    assert (row["incidents"], row["individuals"], row["absent"]) == (9, 3, 1)
    assert row["repeat_percent"] == 67  # (9 − 3) / 9 = 66.7


def test_an_offer_is_y_and_accepted_is_y_after_y(row) -> None:
    # Offered: H1, H2 (their interviews' offers), I1, I2, I3 (Y). Not I4 (N).
    assert (row["offered"], row["imported_offered"]) == (5, 3)
    # Accepted: H1 (held), I1 (Y after Y). Not I2 (N), not I3 (blank).
    assert (row["accepted"], row["imported_accepted"]) == (2, 1)


def test_na_is_no_interview_due_and_blank_is_not_recorded(row) -> None:
    assert row["imported"] == 6
    assert row["imported_not_due"] == 1  # I5
    assert row["imported_offer_not_recorded"] == 1  # I6
    assert row["imported_acceptance_not_recorded"] == 1  # I3: offered, acceptance blank
    # Out of the offer rate's denominator: I5 (not due) and I6 (not recorded).
    assert row["offer_known"] == 7
    assert row["offered_percent"] == 71  # 5 / 7 = 71.4
    # Out of the acceptance rate's too: I3. I4 (not offered) is known: not accepted.
    assert row["acceptance_known"] == 6
    assert row["accepted_percent"] == 33  # 2 / 6


def test_imported_episodes_are_never_declined_completed_or_within_nor_in_those_rates(row) -> None:
    assert (row["declined"], row["completed"]) == (1, 1)  # H2, H1: homeward's own
    assert row["within_return_hours_each"] == 1  # H1, held 24 hours after its return
    assert row["recorded_here"] == 3  # H1, H2, H3
    assert row["declined_percent"] == 33  # 1 / 3
    assert row["completed_percent"] == 33
    assert row["within_return_hours_each_percent"] == 33  # not 1 / 9 = 11
    assert row["within_return_hours_each_percent_of_completed"] == 100


def test_the_same_files_without_the_answers_are_the_contracts_table(tmp_path: Path) -> None:
    """What the issue complained of: counted as plain episodes, imported history has no
    offer and no interview, and every rate falls."""
    plain = only_row(indicators(tmp_path, EPISODES, INTERVIEWS, rates=True))
    assert list(plain)[: len(OUTPUT_COLUMNS)] == list(OUTPUT_COLUMNS)
    assert "imported" not in plain
    assert (plain["offered"], plain["offered_percent"]) == (2, 22)
    assert plain["within_return_hours_each_percent"] == 11


def test_the_imported_columns_follow_the_contracts(tmp_path: Path) -> None:
    checked = load(tmp_path, EPISODES, INTERVIEWS)
    table = compute_indicators(checked.episodes, checked.interviews, imported=ANSWERS)
    assert table.columns == [*OUTPUT_COLUMNS, *IMPORTED_COLUMNS]
    assert set(rate_definitions(imported=True)) == set(rate_definitions())


def test_no_imported_episode_in_a_group_gives_the_contracts_rates(tmp_path: Path) -> None:
    homeward_only = EPISODES[:3]
    row = only_row(
        indicators(tmp_path, homeward_only, INTERVIEWS, rates=True, imported=ANSWERS.clear())
    )
    assert row["imported"] == 0
    assert row["offer_known"] == row["acceptance_known"] == row["recorded_here"] == 3
    assert row["offered_percent"] == 67  # 2 / 3, as the contract


def test_small_imported_counts_are_hidden_with_what_they_divide(tmp_path: Path) -> None:
    row = only_row(
        indicators(
            tmp_path, EPISODES, INTERVIEWS, rates=True, suppress_small=True, imported=ANSWERS
        )
    )
    assert row["imported_not_due"] is None
    assert row["recorded_here"] is None  # 3
    assert row["completed_percent"] is None  # over a hidden denominator
    assert (row["imported"], row["offer_known"], row["acceptance_known"]) == (6, 7, 6)
    assert row["offered_percent"] == 71


@pytest.mark.parametrize(
    ("answers", "why"),
    [
        ({"rhi_offered": ["Y"], "rhi_accepted": [None]}, "imported rhi_offered 'Y'"),
        ({"rhi_offered": ["yes"], "rhi_accepted": ["maybe"]}, "imported rhi_accepted 'maybe'"),
    ],
)
def test_answers_not_in_the_engines_words_are_refused(tmp_path: Path, answers, why) -> None:
    checked = load(tmp_path, EPISODES, INTERVIEWS)
    frame = pl.DataFrame({"episode_id": ["I1"], **answers}, schema=ANSWERS.schema)
    with pytest.raises(ValueError, match=why):
        compute_indicators(checked.episodes, checked.interviews, imported=frame)


def test_an_imported_episode_given_twice_is_refused(tmp_path: Path) -> None:
    checked = load(tmp_path, EPISODES, INTERVIEWS)
    with pytest.raises(ValueError, match="twice"):
        compute_indicators(
            checked.episodes, checked.interviews, imported=pl.concat([ANSWERS, ANSWERS[:1]])
        )


def test_every_imported_column_is_documented() -> None:
    import re

    doc = (Path(__file__).resolve().parents[2] / "docs/indicators.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`([^`\s]+)`", doc))
    assert [c for c in IMPORTED_COLUMNS if c not in named] == []

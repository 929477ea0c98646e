"""The data-quality report: each check finds its crafted record and nothing in clean data."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from homeward.indicators.quality import CHECKS, QUALITY_SCHEMA, quality_report, quality_summary
from tests.indicators.helpers import ep, iv, load

# Clean: every episode back, notified after it returned, seen after both; every interview
# used; the declined one says who declined and has no completion.
CLEAN_EPISODES = [
    ep("E1", "2017-04-03T08:00", "2017-04-03T10:00", "2017-04-03T11:00", rhi="R1"),
    ep("E2", "2017-04-04T08:00", "2017-04-04T10:00", "2017-04-04T10:00", rhi="R2"),
    ep("E3", "2017-04-05T08:00", "2017-04-05T10:00", rhi="R2"),
    ep("E4", "2017-04-06T08:00", "2017-04-06T10:00"),
]
CLEAN_INTERVIEWS = [
    iv("R1", "2017-04-03T11:00", offered="2017-04-03T11:00", outcome="accepted"),
    iv("R2", offered="2017-04-05T12:00", outcome="declined", declined_by="parent_carer"),
]


def findings(report: pl.DataFrame) -> list[tuple[str, str, int, str | None, str]]:
    return [
        (check, Path(file).name, line, record, column)
        for check, file, line, record, column in report.select(
            "check", "file", "line", "record_id", "column"
        ).iter_rows()
    ]


def test_clean_records_have_nothing_to_report(tmp_path: Path) -> None:
    report = quality_report(load(tmp_path, CLEAN_EPISODES, CLEAN_INTERVIEWS))
    assert report.height == 0
    assert dict(report.schema) == QUALITY_SCHEMA
    assert quality_summary(report) == dict.fromkeys(CHECKS, 0)


# Each case: the clean files with one record changed or added, and the one finding expected.
CASES = {
    "completed_before_return": (
        [ep("E9", "2017-04-10T08:00", "2017-04-10T10:00", rhi="R9")],
        [iv("R9", "2017-04-10T09:59")],
        ("episodes.csv", 6, "E9", "returned_at"),
    ),
    "completed_before_referral": (
        [ep("E9", "2017-04-10T08:00", "2017-04-10T10:00", "2017-04-10T12:00", rhi="R9")],
        [iv("R9", "2017-04-10T11:00")],
        ("episodes.csv", 6, "E9", "notified_at"),
    ),
    "episode_open": (
        [ep("E9", "2017-04-10T08:00")],
        [],
        ("episodes.csv", 6, "E9", "returned_at"),
    ),
    "interview_without_episode": (
        [],
        [iv("R9", "2017-04-10T11:00")],
        ("interviews.csv", 4, "R9", "rhi_id"),
    ),
    # A notification before the start is also one before the return (or the episode is
    # open): the case below shows it with an open episode, so both checks find it.
    "notified_before_start": (
        [ep("E9", "2017-04-10T08:00", notified="2017-04-10T07:00")],
        [],
        ("episodes.csv", 6, "E9", "notified_at"),
    ),
    "notified_before_return": (
        [ep("E9", "2017-04-10T08:00", "2017-04-10T10:00", "2017-04-10T09:00")],
        [],
        ("episodes.csv", 6, "E9", "notified_at"),
    ),
    "declined_without_who": (
        [ep("E9", "2017-04-10T08:00", "2017-04-10T10:00", rhi="R9")],
        [iv("R9", outcome="declined")],
        ("interviews.csv", 4, "R9", "declined_by"),
    ),
    "completed_but_declined": (
        [ep("E9", "2017-04-10T08:00", "2017-04-10T10:00", rhi="R9")],
        [iv("R9", "2017-04-11T10:00", outcome="declined", declined_by="child")],
        ("interviews.csv", 4, "R9", "completed_at"),
    ),
}


def test_every_check_has_a_case() -> None:
    assert set(CASES) | {"error"} == set(CHECKS)


@pytest.mark.parametrize("check", sorted(CASES))
def test_each_check_finds_its_record(tmp_path: Path, check: str) -> None:
    extra_episodes, extra_interviews, (file, line, record, column) = CASES[check]
    checked = load(tmp_path, CLEAN_EPISODES + extra_episodes, CLEAN_INTERVIEWS + extra_interviews)
    report = quality_report(checked)
    also = {"notified_before_start": "episode_open"}.get(check)
    expected = [(check, file, line, record, column)]
    if also:
        expected.append((also, file, line, record, "returned_at"))
    assert sorted(findings(report)) == sorted(expected)
    details = dict(zip(report["check"], report["detail"], strict=True))
    assert details[check] == CHECKS[check]
    summary = quality_summary(report)
    assert summary == {name: int(name in (check, also)) for name in CHECKS}


def test_a_record_can_trip_several_checks(tmp_path: Path) -> None:
    # Notified before it started (and so before its return); completed before both.
    episodes = [ep("E1", "2017-04-10T08:00", "2017-04-10T10:00", "2017-04-10T07:00", rhi="R1")]
    report = quality_report(load(tmp_path, episodes, [iv("R1", "2017-04-10T06:00")]))
    assert sorted(report["check"].to_list()) == [
        "completed_before_referral",
        "completed_before_return",
        "notified_before_return",
        "notified_before_start",
    ]


def test_the_report_on_latest_bunching_uses_each_episodes_own_times(tmp_path: Path) -> None:
    # R1 covers E1 (back 3 April) and E2 (back 6 April); held 5 April. Only E2 had not yet
    # returned when R1 took place.
    episodes = [
        ep("E1", "2017-04-03T08:00", "2017-04-03T10:00", rhi="R1"),
        ep("E2", "2017-04-06T08:00", "2017-04-06T10:00", rhi="R1"),
    ]
    report = quality_report(load(tmp_path, episodes, [iv("R1", "2017-04-05T10:00")]))
    assert findings(report) == [("completed_before_return", "episodes.csv", 3, "E2", "returned_at")]


def test_errors_appear_only_when_rows_are_skipped(tmp_path: Path) -> None:
    episodes = [*CLEAN_EPISODES, ep("E9", "not a time")]
    checked = load(tmp_path, episodes, CLEAN_INTERVIEWS, skip_bad_rows=True)
    report = quality_report(checked)
    assert findings(report) == [("error", "episodes.csv", 6, None, "started_at")]
    assert "'not a time'" in report["detail"][0]
    assert quality_summary(report)["error"] == 1

"""Three implementations of indicators.md agree on seeded random files.

The pandas peer of the benchmark (benchmarks/peer_pandas.py), `homeward indicators`, and a
slow row-by-row reference written here straight from the contract's words must give the
same table. The files are small but dense in the hard cases: dates around bank holidays of
all four nations, weekends, interviews shared by several episodes, missing clock starts,
completions before the clock start and exactly 72 hours after it, timestamps with and
without seconds.
"""

from __future__ import annotations

import csv
import random
from collections import defaultdict
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path

import holidays
import pytest

from tests.benchmarks_peer.test_peer_pandas import (
    EPISODE_FIELDS,
    INTERVIEW_FIELDS,
    NATIONS,
    _run_homeward,
    _write,
    compare,
    peer,
)

CODES = ("E06000001", "E09000002", "W06000003", "S12000004", "N09000005")
# Around Easter, Christmas and New Year, St Patrick's Day, 12 July, the August and
# St Andrew's Day holidays, and the ends of financial years.
ANCHORS = tuple(
    datetime(*d)
    for d in (
        (2018, 3, 25),
        (2018, 12, 21),
        (2019, 3, 14),
        (2019, 7, 9),
        (2019, 8, 1),
        (2019, 8, 22),
        (2019, 11, 27),
        (2020, 5, 5),
        (2021, 12, 23),
        (2022, 6, 1),
        (2022, 9, 16),
    )
)


def _generate(seed: int, folder: Path, seconds: bool, episodes: int = 3000) -> tuple[Path, Path]:
    rnd = random.Random(seed)

    def stamp(moment: datetime | None) -> str:
        if moment is None:
            return ""
        if seconds and rnd.random() < 0.5:
            return moment.strftime("%Y-%m-%dT%H:%M:%S")
        return moment.strftime("%Y-%m-%dT%H:%M")

    def minutes(low: int, high: int) -> timedelta:
        return timedelta(minutes=rnd.randrange(low, high), seconds=rnd.choice((0, 0, 30)))

    episode_rows, interview_rows = [], []
    for number in range(episodes):
        code = rnd.choice(CODES)
        started = rnd.choice(ANCHORS) + minutes(0, 12 * 1440)
        returned = None if rnd.random() < 0.05 else started + minutes(0, 3 * 1440)
        notified = None if rnd.random() < 0.1 else (returned or started) + minutes(-600, 2880)
        rhi = ""
        if rnd.random() < 0.85:
            if interview_rows and rnd.random() < 0.3:  # shares a recent interview
                rhi = rnd.choice(interview_rows[-5:])["rhi_id"]
            else:
                rhi = f"R{len(interview_rows) + 1}"
                base = returned or started
                done = None if rnd.random() < 0.3 else base + minutes(-1440, 8 * 1440)
                if returned and rnd.random() < 0.05:
                    done = returned + timedelta(hours=72)  # exactly on the boundary
                offered = None if rnd.random() < 0.2 else base + timedelta(hours=5)
                outcome = rnd.choice(("accepted", "declined", "no_response", ""))
                interview_rows.append(
                    {
                        "rhi_id": rhi,
                        "authority_code": code,
                        "offered_at": stamp(offered),
                        "outcome": outcome,
                        "declined_by": "child" if outcome == "declined" else "",
                        "completed_at": stamp(done),
                    }
                )
        episode_rows.append(
            {
                "episode_id": f"E{number}",
                "child_id": f"C{rnd.randrange(episodes // 3)}",
                "authority_code": code,
                "nation": rnd.choice((NATIONS[code[0]], "")),
                "category": rnd.choice(("missing", "absent", "")),
                "missing_from": rnd.choice(("home", "care", "")),
                "started_at": stamp(started),
                "returned_at": stamp(returned),
                "notified_at": stamp(notified),
                "rhi_id": rhi,
            }
        )
    return (
        _write(folder / "episodes.csv", EPISODE_FIELDS, episode_rows),
        _write(folder / "interviews.csv", INTERVIEW_FIELDS, interview_rows),
    )


_SUBDIVISION = {"E": "ENG", "W": "WLS", "S": "SCT", "N": "NIR"}


@cache
def _bank_holidays(letter: str, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv=_SUBDIVISION[letter], years=year))


def _working(day: date, letter: str) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(letter, day.year)


def _third_working_day_after(day: date, letter: str) -> date:
    counted = 0
    while counted < 3:
        day += timedelta(days=1)
        counted += _working(day, letter)
    return day


def _reference(episodes: Path, interviews: Path, out: Path) -> None:
    """The contract, one episode at a time."""

    def moment(text: str) -> datetime | None:
        return datetime.fromisoformat(text) if text else None

    with interviews.open() as handle:
        by_id = {row["rhi_id"]: row for row in csv.DictReader(handle)}
    with episodes.open() as handle:
        rows = list(csv.DictReader(handle))
    latest: dict[tuple[str, str], datetime] = {}
    for row in rows:
        for column in ("returned_at", "notified_at"):
            start = moment(row[column])
            key = (row["rhi_id"], column)
            if row["rhi_id"] and start and (key not in latest or start > latest[key]):
                latest[key] = start
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    children: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in rows:
        started = moment(row["started_at"])
        assert started
        year = started.year - (started.month < 4)
        group = (row["authority_code"], f"{year}-{(year + 1) % 100:02d}")
        count = counts[group]
        children[group].add(row["child_id"])
        count["incidents"] += 1
        count["absent"] += row["category"] == "absent"
        interview = by_id.get(row["rhi_id"])
        if not interview:
            continue
        count["offered"] += bool(interview["offered_at"])
        count["accepted"] += interview["outcome"] == "accepted"
        count["declined"] += interview["outcome"] == "declined"
        done = moment(interview["completed_at"])
        if not done:
            continue
        count["completed"] += 1
        for basis, column in (("return", "returned_at"), ("referral", "notified_at")):
            for bunching in ("each", "latest"):
                start = (
                    moment(row[column])
                    if bunching == "each"
                    else latest.get((row["rhi_id"], column))
                )
                if not start:
                    continue
                due = _third_working_day_after(start.date(), row["authority_code"][0])
                count[f"within_{basis}_hours_{bunching}"] += done <= start + timedelta(hours=72)
                count[f"within_{basis}_calendar_days_{bunching}"] += (
                    done.date() <= start.date() + timedelta(days=3)
                )
                count[f"within_{basis}_working_days_{bunching}"] += done.date() <= due
    with out.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["authority_code", "period", *peer.COUNTS, *peer.WITHIN])
        for group in sorted(counts):
            counts[group]["individuals"] = len(children[group])
            writer.writerow([*group, *(counts[group][c] for c in (*peer.COUNTS, *peer.WITHIN))])


@pytest.mark.parametrize(
    ("seed", "seconds"), [(1, False), (2, True), (3, False), (4, True)], ids=str
)
def test_peer_homeward_and_reference_agree(tmp_path: Path, seed: int, seconds: bool) -> None:
    episodes, interviews = _generate(seed, tmp_path, seconds)
    _reference(episodes, interviews, tmp_path / "reference.csv")
    assert peer.main([str(episodes), str(interviews), "--out", str(tmp_path / "peer.csv")]) == 0
    _run_homeward(episodes, interviews, tmp_path / "homeward.csv")
    assert compare.main([str(tmp_path / "reference.csv"), str(tmp_path / "peer.csv")]) == 0
    assert compare.main([str(tmp_path / "homeward.csv"), str(tmp_path / "peer.csv")]) == 0

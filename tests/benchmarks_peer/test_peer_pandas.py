"""The pandas peer of the benchmark (benchmarks/peer_pandas.py) against indicators.md.

Each authority below is one case with its expected counts worked out by hand from the
contract, so the peer is checked on its own; then `homeward indicators` must give the very
same table, and benchmarks/compare.py must say so.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import sys
from pathlib import Path

import pandas as pd
import pytest

from homeward.indicators import cli

ROOT = Path(__file__).resolve().parents[2]
BENCHMARKS = ROOT / "benchmarks"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"benchmarks_{name}", BENCHMARKS / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


peer = _load("peer_pandas")
compare = _load("compare")

EPISODE_FIELDS = ["episode_id", "child_id", "authority_code", "nation", "category"]
EPISODE_FIELDS += ["missing_from", "started_at", "returned_at", "notified_at", "rhi_id"]
INTERVIEW_FIELDS = ["rhi_id", "authority_code", "offered_at", "outcome", "declined_by"]
INTERVIEW_FIELDS += ["completed_at"]
NATIONS = {"E": "england", "W": "wales", "S": "scotland", "N": "northern_ireland"}

# One episode a line: episode_id, child, authority, category, started, returned, notified,
# rhi_id. Lines starting with # say what the case is about.
EPISODE_LINES = """
# Saturday return: due Wednesday by working days; 72 hours and 3 days end on Tuesday.
a1,c1,E06000001,missing,2018-06-01T20:00,2018-06-02T10:00,2018-06-02T10:00,r1
# Thursday 29 March 2018 before Easter: England loses Good Friday and Easter Monday
# (due Thursday 5 April); Scotland only Good Friday (due Wednesday 4 April).
b1,c2,E06000002,absent,2018-03-28T08:00,2018-03-29T10:00,2018-03-29T10:00,r2
c1,c3,S12000003,missing,2018-03-28T08:00,2018-03-29T10:00,2018-03-29T10:00,r3
# One interview for two episodes: Monday and Wednesday returns, seen Friday morning.
d1,c4,E06000004,missing,2018-07-01T08:00,2018-07-02T10:00,2018-07-02T10:00,r4
d2,c4,E06000004,missing,2018-07-03T08:00,2018-07-04T10:00,2018-07-04T10:00,r4
# Nulls within one interview: still missing (no return), and no referral time.
e1,c5,E06000005,missing,2018-07-03T08:00,,2018-07-04T10:30,r5
e2,c5,E06000005,missing,2018-07-05T08:00,2018-07-05T10:00,,r5
# Completed before the clock start: no lower bound, so within everywhere.
f1,c6,E06000006,missing,2018-05-01T09:00,2018-05-02T09:00,2018-05-10T09:00,r6
# Exactly 72 hours is within; one minute more is not. Monday 7 May 2018 is a holiday.
g1,c7,E06000007,missing,2018-05-01T09:00,2018-05-02T09:00,2018-05-02T09:00,r7
g2,c8,E06000007,missing,2018-05-01T09:00,2018-05-02T09:00,2018-05-02T09:00,r8
# Financial year boundary; one episode with no interview at all.
h1,c9,W06000008,missing,2018-03-31T23:59,2018-04-01T01:00,2018-04-01T02:00,r9
h2,c9,W06000008,missing,2018-04-01T00:00,2018-04-01T01:00,2018-04-01T02:00,
# Northern Ireland: Thursday 12 July 2018 is a holiday there (not in England).
i1,c10,N09000009,absent,2018-07-10T08:00,2018-07-10T09:00,2018-07-10T09:00,r10
i2,c11,N09000009,missing,2018-07-10T08:00,2018-07-10T09:00,2018-07-10T09:00,r11
"""
EPISODES = [
    tuple(line.split(","))
    for line in EPISODE_LINES.strip().splitlines()
    if not line.startswith("#")
]
# (rhi_id, authority, offered, outcome, declined_by, completed)
INTERVIEWS = [
    ("r1", "E06000001", "2018-06-02T12:00", "accepted", "", "2018-06-06T16:00"),
    ("r2", "E06000002", "2018-03-29T12:00", "accepted", "", "2018-04-05T09:00"),
    ("r3", "S12000003", "2018-03-29T12:00", "accepted", "", "2018-04-05T09:00"),
    ("r4", "E06000004", "2018-07-04T12:00", "accepted", "", "2018-07-06T09:00"),
    ("r5", "E06000005", "", "accepted", "", "2018-07-06T09:00"),
    ("r6", "E06000006", "2018-05-02T10:00", "accepted", "", "2018-05-01T09:00"),
    ("r7", "E06000007", "2018-05-02T10:00", "accepted", "", "2018-05-05T09:00"),
    ("r8", "E06000007", "2018-05-02T10:00", "accepted", "", "2018-05-05T09:01"),
    ("r9", "W06000008", "2018-04-01T03:00", "no_response", "", ""),
    ("r10", "N09000009", "2018-07-10T12:00", "accepted", "", "2018-07-16T17:00"),
    ("r11", "N09000009", "2018-07-10T12:00", "declined", "child", ""),
]


def _within(hours: tuple[int, int], days: tuple[int, int], working: tuple[int, int]) -> list:
    """One basis's six `within` counts: (each, latest) per unit."""
    return [*hours, *days, *working]


# authority, period: incidents, individuals, absent, offered, accepted, declined, completed,
# then within for basis return, then for basis referral.
EXPECTED = {
    ("E06000001", "2018-19"): [1, 1, 0, 1, 1, 0, 1] + 2 * _within((0, 0), (0, 0), (1, 1)),
    ("E06000002", "2017-18"): [1, 1, 1, 1, 1, 0, 1] + 2 * _within((0, 0), (0, 0), (1, 1)),
    ("S12000003", "2017-18"): [1, 1, 0, 1, 1, 0, 1] + 2 * _within((0, 0), (0, 0), (0, 0)),
    ("E06000004", "2018-19"): [2, 1, 0, 2, 2, 0, 2] + 2 * _within((1, 2), (1, 2), (1, 2)),
    ("E06000005", "2018-19"): [2, 1, 0, 0, 2, 0, 2] + 2 * _within((1, 2), (1, 2), (1, 2)),
    ("E06000006", "2018-19"): [1, 1, 0, 1, 1, 0, 1] + 2 * _within((1, 1), (1, 1), (1, 1)),
    ("E06000007", "2018-19"): [2, 2, 0, 2, 2, 0, 2] + 2 * _within((1, 1), (2, 2), (2, 2)),
    ("W06000008", "2017-18"): [1, 1, 0, 1, 0, 0, 0] + 2 * _within((0, 0), (0, 0), (0, 0)),
    ("W06000008", "2018-19"): [1, 1, 0, 0, 0, 0, 0] + 2 * _within((0, 0), (0, 0), (0, 0)),
    ("N09000009", "2018-19"): [2, 2, 1, 2, 1, 1, 1] + 2 * _within((0, 0), (0, 0), (1, 1)),
}


def _write(path: Path, fields: list[str], rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fields)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _files(tmp_path: Path, seconds: bool = False) -> tuple[Path, Path]:
    def stamp(text: str) -> str:
        return f"{text}:00" if seconds and text else text

    episodes = []
    for ep, child, code, category, started, returned, notified, rhi in EPISODES:
        nation = "" if code == "E06000002" else NATIONS[code[0]]  # empty: from the code
        episodes.append(
            {
                "episode_id": ep,
                "child_id": child,
                "authority_code": code,
                "nation": nation,
                "category": category,
                "missing_from": "home",
                "started_at": stamp(started),
                "returned_at": stamp(returned),
                "notified_at": stamp(notified),
                "rhi_id": rhi,
            }
        )
    interviews = [
        dict(zip(INTERVIEW_FIELDS, (r, c, stamp(o), out, by, stamp(done)), strict=True))
        for r, c, o, out, by, done in INTERVIEWS
    ]
    return (
        _write(tmp_path / "episodes.csv", EPISODE_FIELDS, episodes),
        _write(tmp_path / "interviews.csv", INTERVIEW_FIELDS, interviews),
    )


def _run_homeward(episodes: Path, interviews: Path, out: Path) -> None:
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers())
    args = parser.parse_args(["indicators", str(episodes), str(interviews), "--out", str(out)])
    assert args.handler(args) == 0


@pytest.mark.parametrize("seconds", [False, True], ids=["HH:MM", "HH:MM:SS"])
def test_peer_matches_hand_worked_contract_cases(tmp_path: Path, seconds: bool) -> None:
    episodes, interviews = _files(tmp_path, seconds)
    out = tmp_path / "peer.csv"
    assert peer.main([str(episodes), str(interviews), "--out", str(out)]) == 0
    table = pd.read_csv(out, dtype={"period": str})
    assert list(table.columns) == ["authority_code", "period", *peer.COUNTS, *peer.WITHIN]
    assert peer.WITHIN[:3] == [
        "within_return_hours_each",
        "within_return_hours_latest",
        "within_return_calendar_days_each",
    ]
    got = {(r[0], r[1]): list(r[2:]) for r in table.itertuples(index=False)}
    assert got == EXPECTED


def test_homeward_and_peer_are_identical(tmp_path: Path) -> None:
    episodes, interviews = _files(tmp_path)
    _run_homeward(episodes, interviews, tmp_path / "homeward.csv")
    peer.main([str(episodes), str(interviews), "--out", str(tmp_path / "peer.csv")])
    assert compare.main([str(tmp_path / "homeward.csv"), str(tmp_path / "peer.csv")]) == 0


def test_compare_reports_a_difference(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    episodes, interviews = _files(tmp_path)
    peer.main([str(episodes), str(interviews), "--out", str(tmp_path / "a.csv")])
    table = pd.read_csv(tmp_path / "a.csv", dtype={"period": str})
    table.loc[0, "within_referral_working_days_latest"] += 1
    table.sample(frac=1, random_state=1).to_csv(tmp_path / "b.csv", index=False)
    assert compare.main([str(tmp_path / "a.csv"), str(tmp_path / "a.csv")]) == 0
    assert compare.main([str(tmp_path / "a.csv"), str(tmp_path / "b.csv")]) == 1
    assert "within_referral_working_days_latest: 1 row(s) differ" in capsys.readouterr().out

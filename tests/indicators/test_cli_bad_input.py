"""Bad input through `homeward indicators`: every problem located, nothing computed."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from homeward.indicators import cli

EPISODES_HEADER = (
    "episode_id,child_id,authority_code,nation,category,missing_from,"
    "started_at,returned_at,notified_at,rhi_id\n"
)
INTERVIEWS_HEADER = "rhi_id,authority_code,offered_at,outcome,declined_by,completed_at\n"
GOOD_EPISODE = "E1,C1,E06099001,,missing,home,2024-05-01T10:00,2024-05-01T20:00,,R1\n"
GOOD_INTERVIEW = "R1,E06099001,2024-05-02T09:00,accepted,,2024-05-03T09:00\n"


def run(tmp_path: Path, episodes: bytes, interviews: bytes) -> tuple[int, Path]:
    (tmp_path / "episodes.csv").write_bytes(episodes)
    (tmp_path / "interviews.csv").write_bytes(interviews)
    out = tmp_path / "out.csv"
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers())
    files = [str(tmp_path / "episodes.csv"), str(tmp_path / "interviews.csv")]
    args = parser.parse_args(["indicators", *files, "--out", str(out)])
    return args.handler(args), out


@pytest.mark.parametrize(
    ("episodes", "expected"),
    [
        (
            "episode_id,child_id,authority_code,category,missing_from,started_at,returned_at,"
            "notified_at,rhi_id\n",
            "episodes.csv:1:nation: required column is missing",
        ),
        (
            EPISODES_HEADER + GOOD_EPISODE + "E2,C1,E06099001,,missing,home,yesterday,,,\n",
            "episodes.csv:3:started_at: 'yesterday' is not a timestamp",
        ),
        (
            EPISODES_HEADER + GOOD_EPISODE + "E2,C1,E06099001,,lost,home,2024-05-01T10:00,,,\n",
            "episodes.csv:3:category: unknown value 'lost'",
        ),
        (
            EPISODES_HEADER
            + GOOD_EPISODE
            + "E2,C1,E06099001,,missing,home,2024-05-01T10:00,,,R9\n",
            "episodes.csv:3:rhi_id: rhi_id 'R9' is not in the interviews file",
        ),
        (
            EPISODES_HEADER + GOOD_EPISODE + "E1,C2,E06099001,,missing,home,2024-05-01T10:00,,,\n",
            "episodes.csv:3:episode_id: duplicate episode_id 'E1' (first on line 2)",
        ),
        ("", "episodes.csv:1: file is empty"),
        # The date parser alone is lenient; the contract's shape is exact.
        *(
            (
                EPISODES_HEADER + GOOD_EPISODE + f"E2,C1,E06099001,,missing,home,{stamp},,,\n",
                f"episodes.csv:3:started_at: '{stamp}' is not a timestamp",
            )
            for stamp in (
                "2018-06-01T20:0",
                "+018-06-01T20:00",
                "2018-06-02T10:00:+1",
                "2018-06-02T10:00:-0",
                "2018-6-01T20:00",
                "2018-06-01T20:00:60",
            )
        ),
    ],
)
def test_a_problem_is_located_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], episodes: str, expected: str
) -> None:
    code, out = run(tmp_path, episodes.encode(), (INTERVIEWS_HEADER + GOOD_INTERVIEW).encode())
    assert code == 2
    assert not out.exists()
    assert expected in capsys.readouterr().err


def test_a_file_that_is_not_utf8_names_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    episodes = (
        EPISODES_HEADER + GOOD_EPISODE
    ).encode() + b"E2,C\xe9,E06099001,,missing,home,2024-05-01T10:00,,,\n"
    code, out = run(tmp_path, episodes, (INTERVIEWS_HEADER + GOOD_INTERVIEW).encode())
    assert code == 2
    assert not out.exists()
    assert "episodes.csv:3: not UTF-8" in capsys.readouterr().err


def test_clean_input_is_computed(tmp_path: Path) -> None:
    code, out = run(
        tmp_path,
        (EPISODES_HEADER + GOOD_EPISODE).encode(),
        (INTERVIEWS_HEADER + GOOD_INTERVIEW).encode(),
    )
    assert code == 0
    lines = out.read_text().splitlines()
    assert lines[1].startswith("E06099001,2024-25,1,1,0,1,1,0,1,")


def test_a_leading_space_before_a_timestamp_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    episodes = (
        EPISODES_HEADER + GOOD_EPISODE + 'E2,C1,E06099001,,missing,home," 2018-06-01T20:0",,,\n'
    )
    code, _ = run(tmp_path, episodes.encode(), (INTERVIEWS_HEADER + GOOD_INTERVIEW).encode())
    assert code == 2
    assert "episodes.csv:3:started_at: ' 2018-06-01T20:0' is not a timestamp" in (
        capsys.readouterr().err
    )


def test_a_nation_written_as_words_is_accepted(tmp_path: Path) -> None:
    episodes = (
        EPISODES_HEADER + "E1,C1,N09099001,Northern Ireland,missing,home,2024-05-01T10:00,,,\n"
    )
    code, out = run(tmp_path, episodes.encode(), INTERVIEWS_HEADER.encode())
    assert code == 0
    assert out.read_text().splitlines()[1].startswith("N09099001,2024-25,1,1,")


def test_text_in_the_quality_report_cannot_run_as_a_formula(tmp_path: Path) -> None:
    episodes = EPISODES_HEADER + "=HYPERLINK(1),C1,E06099001,,missing,home,2024-05-01T10:00,,,\n"
    code, _ = run(tmp_path, episodes.encode(), INTERVIEWS_HEADER.encode())
    assert code == 0
    report = (tmp_path / "out.quality.csv").read_text()
    assert "episode_open" in report
    assert ",'=HYPERLINK(1)," in report
    assert ",=HYPERLINK" not in report

"""`homeward synth`, through `homeward.synth.cli.register` on a parser of its own."""

from __future__ import annotations

import argparse
import re
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest

from homeward.synth import cli


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="homeward")
    subparsers = parser.add_subparsers(dest="command", required=True)
    cli.register(subparsers)
    return parser


def _run(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    result: int = args.handler(args)
    return result


def test_synth_writes_the_three_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "data"
    code = _run(["synth", "--episodes", "1500", "--seed", "3", "--out", str(out)])
    assert code == 0
    episodes = pl.read_csv(out / "episodes.csv")
    assert episodes.height == 1500
    assert pl.read_csv(out / "interviews.csv").height > 0
    assert pl.read_csv(out / "authorities.csv").height == 6
    printed = capsys.readouterr().out
    for name in ("episodes.csv", "interviews.csv", "authorities.csv"):
        assert str(out / name) in printed
    assert "1,500 episodes" in printed


def test_options_reach_the_generator(tmp_path: Path) -> None:
    out = tmp_path / "data"
    argv = ["synth", "--episodes", "800", "--out", str(out), "--authorities", "9"]
    argv += ["--start", "2020-04-01", "--years", "2"]
    assert _run(argv) == 0
    episodes = pl.read_csv(out / "episodes.csv", try_parse_dates=True)
    assert pl.read_csv(out / "authorities.csv").height == 9
    assert episodes["started_at"].min().year == 2020  # type: ignore[union-attr]
    assert episodes["started_at"].max() < datetime(2022, 4, 1)  # type: ignore[operator]


def test_default_seed_is_one(tmp_path: Path) -> None:
    _run(["synth", "--episodes", "300", "--out", str(tmp_path / "a")])
    _run(["synth", "--episodes", "300", "--seed", "1", "--out", str(tmp_path / "b")])
    _run(["synth", "--episodes", "300", "--seed", "2", "--out", str(tmp_path / "c")])
    first = (tmp_path / "a" / "episodes.csv").read_bytes()
    assert first == (tmp_path / "b" / "episodes.csv").read_bytes()
    assert first != (tmp_path / "c" / "episodes.csv").read_bytes()


@pytest.mark.parametrize(
    "argv",
    [
        ["synth", "--out", "x"],
        ["synth", "--episodes", "10"],
        ["synth", "--episodes", "0", "--out", "x"],
        ["synth", "--episodes", "ten", "--out", "x"],
        ["synth", "--episodes", "10", "--out", "x", "--authorities", "501"],
        ["synth", "--episodes", "10", "--out", "x", "--start", "2015-13-01"],
        ["synth", "--episodes", "10", "--out", "x", "--years", "0"],
    ],
)
def test_bad_arguments_are_refused(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        _run(argv)
    assert raised.value.code == 2


def test_an_unwritable_destination_fails_cleanly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    assert _run(["synth", "--episodes", "50", "--out", str(blocker)]) == 1
    assert "homeward synth:" in capsys.readouterr().err


def test_every_option_is_documented() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "synth.md").read_text("utf-8")
    parser = _parser()
    subparsers = next(
        action for action in parser._actions if isinstance(action, argparse._SubParsersAction)
    )
    synth = subparsers.choices["synth"]
    options = [
        option
        for action in synth._actions
        for option in action.option_strings
        if option.startswith("--") and option != "--help"
    ]
    assert options == ["--episodes", "--seed", "--out", "--authorities", "--start", "--years"]
    documented = set(re.findall(r"`([^`\s]+)`", docs))
    assert [option for option in options if option not in documented] == []


def test_synth_ssd_writes_the_extract_and_the_903_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "extract"
    assert _run(["synth", "ssd", str(out), "--persons", "60", "--seed", "2", "--year", "2025"]) == 0
    printed = capsys.readouterr().out
    assert "Generated 60 persons for authority E10099001 (seed 2, collection year 2024-25)" in (
        printed
    )
    assert (out / "ssd_person.csv").read_text().count("\n") == 61
    assert sorted(p.name for p in (out / "ssda903").iterdir()) == ["2024", "2025"]
    assert "ssd_missing.csv" in printed and "onspd.csv" in printed


@pytest.mark.parametrize(
    "argv",
    [
        ["synth", "ssd"],
        ["synth", "ssd", "x", "--persons", "0"],
        ["synth", "ssd", "x", "--year", "1999"],
        ["synth", "ssd", "x", "--persons", "many"],
        ["synth", "ssd", "x", "--as-at", "2025-13-01"],
    ],
)
def test_bad_ssd_arguments_are_refused(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        _run(argv)
    assert raised.value.code == 2


def test_ssd_postcode_options_go_together(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(["synth", "ssd", str(tmp_path), "--la", "E08000012"]) == 1
    assert "--la is for --postcodes" in capsys.readouterr().err
    assert _run(["synth", "ssd", str(tmp_path), "--postcodes", str(tmp_path / "none.csv")]) == 1
    assert "--postcodes needs --la" in capsys.readouterr().err
    missing = tmp_path / "none.csv"
    assert _run(["synth", "ssd", str(tmp_path), "--postcodes", str(missing), "--la", "E1"]) == 1
    assert "homeward synth ssd:" in capsys.readouterr().err


def test_every_ssd_option_is_documented() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "synth.md").read_text("utf-8")
    parser = _parser()
    synth = next(
        action for action in parser._actions if isinstance(action, argparse._SubParsersAction)
    ).choices["synth"]
    kinds = next(
        action for action in synth._actions if isinstance(action, argparse._SubParsersAction)
    )
    options = [
        option
        for action in kinds.choices["ssd"]._actions
        for option in action.option_strings
        if option.startswith("--") and option != "--help"
    ]
    assert options == ["--persons", "--seed", "--year", "--postcodes", "--la", "--as-at"]
    documented = set(re.findall(r"`([^`\s]+)`", docs))
    assert [option for option in options if option not in documented] == []

"""docs/benchmark.md keeps up with the code: options, rules, outputs."""

from __future__ import annotations

import argparse
from pathlib import Path

from homeward.benchmark import RULES, cli
from homeward.benchmark.outputs import FILES
from homeward.benchmark.report_xlsx import SHEETS

DOC = (Path(__file__).resolve().parents[2] / "docs" / "benchmark.md").read_text(encoding="utf-8")


def benchmark_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="homeward")
    subparsers = parser.add_subparsers()
    cli.register(subparsers)
    found: argparse.ArgumentParser = subparsers.choices["benchmark"]
    return found


def test_every_option_is_documented() -> None:
    options = [
        option
        for action in benchmark_parser()._actions
        for option in action.option_strings
        if option.startswith("--") and option != "--help"
    ]
    assert sorted(options) == ["--bands", "--nation", "--out", "--period"]
    for option in options:
        assert f"`{option}`" in DOC, option


def test_every_rule_and_output_is_documented() -> None:
    for rule in RULES:
        assert f"`{rule}`" in DOC, rule
    for name in (*FILES, *SHEETS):
        assert f"`{name}`" in DOC, name

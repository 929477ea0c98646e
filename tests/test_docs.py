"""Documentation kept honest: every output column, check and CLI option is documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from homeward.cli_reference import option_strings, render, subcommand_parsers
from homeward.indicators.engine import rate_definitions
from homeward.indicators.quality import CHECKS
from homeward.indicators.schema import OUTPUT_COLUMNS, WITHIN_COLUMNS

ROOT = Path(__file__).resolve().parents[1]
DOC_OF_SUBCOMMAND = {
    "indicators": "docs/indicators.md",
    "benchmark": "docs/benchmark.md",
    "synth": "docs/synth.md",
    "demo": "README.md",
    "check-clocks": "docs/operations.md",
}


def documented_names(path: str) -> set[str]:
    """Names written as code (`name`) in a document."""
    return set(re.findall(r"`([^`\s]+)`", (ROOT / path).read_text(encoding="utf-8")))


def test_every_output_column_of_the_indicators_is_documented() -> None:
    names = documented_names("docs/indicators.md")
    assert [c for c in OUTPUT_COLUMNS if c not in names] == []


def test_every_rate_column_is_documented() -> None:
    names = documented_names("docs/indicators.md")
    templates = {
        name.replace(within, "within_{variant}")
        for name in rate_definitions()
        for within in WITHIN_COLUMNS
        if name.startswith(within + "_")
    }
    plain = {name for name in rate_definitions() if not name.startswith("within_")}
    assert sorted((templates | plain) - names) == []


def test_every_quality_check_is_documented() -> None:
    names = documented_names("docs/indicators.md")
    assert [check for check in CHECKS if check not in names] == []


def test_every_subcommand_has_its_document() -> None:
    assert set(subcommand_parsers()) == set(DOC_OF_SUBCOMMAND)


@pytest.mark.parametrize("subcommand", sorted(DOC_OF_SUBCOMMAND))
def test_every_cli_option_is_documented(subcommand: str) -> None:
    names = documented_names(DOC_OF_SUBCOMMAND[subcommand])
    options = option_strings(subcommand_parsers()[subcommand])
    assert options, "the subcommand should have options"
    assert [o for o in options if o not in names] == []


def test_the_cli_reference_is_up_to_date() -> None:
    reference = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert reference == render(), "regenerate: python -m homeward.cli_reference > docs/cli.md"

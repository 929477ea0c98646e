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
    "intake": "docs/police-notifications.md",
    "match-quality": "docs/police-intake.md",
    "export": "docs/returns.md",
    "load-postcodes": "docs/hotspots.md",
    "import-ssd": "docs/ssd-import.md",
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


def test_every_setting_variable_is_documented():
    """Each HOMEWARD_* variable settings.py reads is in docs/operations.md or docs/security.md."""
    settings_text = (ROOT / "homeward" / "site" / "settings.py").read_text(encoding="utf-8")
    variables = set(re.findall(r'"(HOMEWARD_[A-Z_]+[A-Z])"', settings_text))
    docs = "".join(
        (ROOT / "docs" / name).read_text(encoding="utf-8")
        for name in ("operations.md", "security.md")
    )
    assert variables, "no variables found: the pattern is out of date"
    assert sorted(v for v in variables if v not in docs) == []


def test_every_role_and_management_command_is_documented():
    from homeward.accounts.models import Role

    security = (ROOT / "docs" / "security.md").read_text(encoding="utf-8").lower()
    missing_roles = [
        r.value for r in Role if r.value not in security and r.label.lower() not in security
    ]
    assert missing_roles == []
    docs = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "docs").glob("*.md"))
    commands = sorted(
        p.stem
        for p in (ROOT / "homeward").glob("*/management/commands/*.py")
        if not p.stem.startswith("_")
    )
    assert commands and [c for c in commands if c not in docs] == []

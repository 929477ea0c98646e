"""The CLI reference (`docs/cli.md`), generated from the parsers so it cannot drift.

Regenerate with `python -m homeward.cli_reference > docs/cli.md`; a test fails when the
file is out of date.
"""

from __future__ import annotations

import argparse
import os

from homeward.cli import build_parser

HEADER = """# Command-line reference

Generated from the parsers by `python -m homeward.cli_reference > docs/cli.md`; do not edit.
"""


def subcommand_parsers() -> dict[str, argparse.ArgumentParser]:
    """Each subcommand's name and its parser, in `homeward --help` order."""
    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def option_strings(parser: argparse.ArgumentParser) -> list[str]:
    """Every `--option` of a parser (positional arguments excluded), help aside."""
    return [
        option
        for action in parser._actions
        if not isinstance(action, argparse._HelpAction)
        for option in action.option_strings
        if option.startswith("--")
    ]


def render() -> str:
    os.environ["COLUMNS"] = "100"  # argparse wraps help to the terminal width
    parts = [HEADER]
    for name, parser in subcommand_parsers().items():
        parser.prog = f"homeward {name}"
        parts.append(f"\n## homeward {name}\n\n```text\n{parser.format_help().rstrip()}\n```\n")
        for kind, nested in nested_parsers(parser).items():  # `homeward synth ssd`
            nested.prog = f"homeward {name} {kind}"
            help_text = nested.format_help().rstrip()
            parts.append(f"\n## homeward {name} {kind}\n\n```text\n{help_text}\n```\n")
    return "".join(parts)


def nested_parsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """A subcommand's own subcommands (`homeward synth ssd`), by name."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


if __name__ == "__main__":
    print(render(), end="")

"""The one `homeward` command. Each package registers its own subcommands."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from homeward import __version__
from homeward import demo as demo_cli
from homeward.benchmark import cli as benchmark_cli
from homeward.indicators import cli as indicators_cli
from homeward.synth import cli as synth_cli

#: Modules that contribute subcommands, in the order `homeward --help` lists them.
SUBCOMMAND_MODULES = (synth_cli, indicators_cli, benchmark_cli, demo_cli)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="homeward",
        description="Missing children and return interviews: indicators, clocks and benchmarks.",
    )
    parser.add_argument("--version", action="version", version=f"homeward {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in SUBCOMMAND_MODULES:
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    result: int = args.handler(args)
    return result


if __name__ == "__main__":
    sys.exit(main())

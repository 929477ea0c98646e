"""The one `homeward` command. Each package registers its own subcommands."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

# Polars allocates with jemalloc, which by default keeps freed memory for seconds before
# giving it back; the indicator engine's peak is mostly such short-lived memory. A
# background thread purging after 100 ms keeps the peak for 2.35 million episodes under
# 1 GB at no measurable cost in time (benchmarks/README.md). Read when Polars loads, so it
# is set before the imports below; a value already in the environment wins.
os.environ.setdefault(
    "_RJEM_MALLOC_CONF", "background_thread:true,dirty_decay_ms:100,muzzy_decay_ms:0"
)

from homeward import __version__
from homeward import demo as demo_cli
from homeward.benchmark import cli as benchmark_cli
from homeward.cases import cli as cases_cli
from homeward.indicators import cli as indicators_cli
from homeward.intake import cli as intake_cli
from homeward.police import cli as police_cli
from homeward.synth import cli as synth_cli

#: Modules that contribute subcommands, in the order `homeward --help` lists them.
SUBCOMMAND_MODULES = (
    synth_cli,
    indicators_cli,
    benchmark_cli,
    demo_cli,
    cases_cli,
    intake_cli,
    police_cli,
)


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

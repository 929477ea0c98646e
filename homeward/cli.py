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

import importlib

from homeward import __version__

#: Each subcommand and the module that registers it, in the order `homeward --help` lists
#: them. A module is imported only when its subcommand runs (or for the full help): the
#: analytical commands load Polars, which `homeward intake` in a drop-folder loop need not
#: wait for.
SUBCOMMANDS = {
    "synth": "homeward.synth.cli",
    "indicators": "homeward.indicators.cli",
    "benchmark": "homeward.benchmark.cli",
    "demo": "homeward.demo",
    "check-clocks": "homeward.cases.cli",
    "intake": "homeward.intake.cli",
    "match-quality": "homeward.police.cli",
    "export": "homeward.returns.cli",
    "load-postcodes": "homeward.places.cli",
    "import-ssd": "homeward.care.cli",
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command's parser: every subcommand, or only the one named."""
    parser = argparse.ArgumentParser(
        prog="homeward",
        description="Missing children and return interviews: indicators, clocks and benchmarks.",
    )
    parser.add_argument("--version", action="version", version=f"homeward {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    names = list(SUBCOMMANDS.values()) if only is None else [SUBCOMMANDS[only]]
    for name in dict.fromkeys(names):
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    only = arguments[0] if arguments and arguments[0] in SUBCOMMANDS else None
    parser = build_parser(only)
    args = parser.parse_args(arguments)
    result: int = args.handler(args)
    return result


if __name__ == "__main__":
    sys.exit(main())

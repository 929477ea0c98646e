"""`homeward benchmark`: authority returns in, the national benchmarking report out."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from homeward.benchmark.bands import BandsError, load_bands
from homeward.benchmark.returns import CODE_VALUES, ReturnsError, parse_period, read_returns
from homeward.benchmark.tables import PeriodNotFoundError, build_report

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_REFUSED = 2


def _period(text: str) -> str:
    try:
        return parse_period(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from error


def _nation(text: str) -> str:
    for nation in CODE_VALUES["nation"]:
        if nation.casefold() == text.strip().casefold():
            return nation
    raise argparse.ArgumentTypeError(
        f"unknown nation {text!r}; expected one of: {', '.join(CODE_VALUES['nation'])}"
    )


def register(subparsers: Any) -> None:
    """Add the `benchmark` subcommand to an argparse subparsers object."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "benchmark",
        help="build the national benchmarking report from authority returns",
        description=(
            "Read a returns file (one row per authority and period) and write the "
            "benchmarking report for one period: tables.json, report.html, report.xlsx, "
            "report.pdf, exclusions.csv and standings.csv. Refused input exits with "
            "status 2 and lists every problem as FILE:LINE:COLUMN: reason."
        ),
    )
    parser.add_argument("returns", metavar="RETURNS", help="the returns file, .csv or .xlsx")
    parser.add_argument(
        "--period",
        required=True,
        type=_period,
        help="the financial year to report on, written like 2017-18",
    )
    parser.add_argument(
        "--out", required=True, metavar="DIR", help="folder to write the report into"
    )
    parser.add_argument(
        "--bands",
        metavar="FILE",
        help="JSON or TOML file replacing the default bands of some rate tables",
    )
    parser.add_argument(
        "--nation",
        type=_nation,
        help="keep only this nation's returns (England, Wales or Scotland); default: all",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Build and write the report; 0 when written, 2 when the input is refused."""
    try:
        returns = read_returns(args.returns)
    except ReturnsError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return EXIT_REFUSED
    bands = None
    if args.bands:
        try:
            bands = load_bands(args.bands)
        except BandsError as error:
            for reason in error.problems:
                print(reason, file=sys.stderr)
            return EXIT_REFUSED
    try:
        report = build_report(
            returns, args.period, bands=bands, nation=args.nation, source=str(args.returns)
        )
    except PeriodNotFoundError as error:
        print(f"{args.returns}: {error}", file=sys.stderr)
        return EXIT_REFUSED

    from homeward.benchmark.outputs import write_outputs

    out = Path(args.out)
    try:
        written = write_outputs(report, out)
    except OSError as error:
        print(f"{out}: cannot write the report: {error}", file=sys.stderr)
        return EXIT_FAILED
    for warning in written.warnings:
        print(warning, file=sys.stderr)
    scope = f" ({report.nation})" if report.nation else ""
    print(
        f"Benchmarking report for {report.period}{scope}: {report.authorities} authorities, "
        f"{len(report.exclusions)} excluded answers. Written to {out}:"
    )
    for path in written.paths:
        print(f"  {path}")
    return EXIT_OK

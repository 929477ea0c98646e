"""`homeward indicators EPISODES.csv INTERVIEWS.csv --out OUT`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from homeward.indicators.engine import GROUPINGS, compute_indicators
from homeward.indicators.inputs import InputError, load_inputs
from homeward.indicators.output import output_format, write_table
from homeward.indicators.quality import quality_report, quality_summary

EXIT_BAD_INPUT = 2


def quality_path(out: Path) -> Path:
    """Where the data-quality report of an output goes: beside it, `<name>.quality.csv`."""
    return out.with_name(f"{out.stem}.quality.csv")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "indicators",
        help="count return interview indicators from episode and interview files",
        description=(
            "Compute the indicator table of indicators.md: one row per authority and period "
            "with incidents, individuals, offers, declines, completions and the 12 timescale "
            "variants. A data-quality report is written beside the output."
        ),
    )
    parser.add_argument("episodes", type=Path, metavar="EPISODES.csv")
    parser.add_argument("interviews", type=Path, metavar="INTERVIEWS.csv")
    parser.add_argument(
        "--out",
        type=Path,
        required=True,
        help="output file; its extension (.csv, .json, .xlsx, .parquet) chooses the format",
    )
    parser.add_argument(
        "--by",
        choices=GROUPINGS,
        default="year",
        help="period: financial year (default), financial quarter or calendar month",
    )
    parser.add_argument(
        "--rates", action="store_true", help="add whole-percentage rates, rounded half up"
    )
    parser.add_argument(
        "--suppress-small",
        action="store_true",
        help="blank counts from 1 to 4 and the rates formed from them",
    )
    parser.add_argument(
        "--skip-bad-rows",
        action="store_true",
        help="leave out rows with errors (listed in the quality report) instead of stopping",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        output_format(args.out)
    except ValueError as error:
        print(f"homeward indicators: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    for path in (args.episodes, args.interviews):
        if not path.is_file():
            print(f"homeward indicators: {path}: no such file", file=sys.stderr)
            return EXIT_BAD_INPUT
    try:
        inputs = load_inputs(args.episodes, args.interviews, skip_bad_rows=args.skip_bad_rows)
    except InputError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print(
            f"homeward indicators: {len(error.problems)} problem(s); nothing computed "
            "(use --skip-bad-rows to leave those rows out)",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    table = compute_indicators(
        inputs.episodes,
        inputs.interviews,
        by=args.by,
        rates=args.rates,
        suppress_small=args.suppress_small,
    )
    write_table(table, args.out)
    report = quality_report(inputs)
    report_path = quality_path(args.out)
    write_table(report, report_path)
    print(f"indicators: {table.height} rows → {args.out}")
    if inputs.skipped_episodes or inputs.skipped_interviews:
        print(
            f"skipped {inputs.skipped_episodes} episode row(s) and "
            f"{inputs.skipped_interviews} interview row(s) with errors (listed in the report)"
        )
    summary = ", ".join(f"{k} {v}" for k, v in quality_summary(report).items() if v)
    print(f"data quality: {summary or 'nothing to report'} → {report_path}")
    return 0

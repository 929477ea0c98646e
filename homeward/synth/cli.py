"""`homeward synth`: write generated episodes, interviews and authorities as CSV."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from homeward.synth import params, ssd_cli
from homeward.synth.generate import default_authorities, default_years, generate, write


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text!r}")
    return value


def _authority_count(text: str) -> int:
    value = positive_int(text)
    if value > params.MAX_AUTHORITIES:
        raise argparse.ArgumentTypeError(f"at most {params.MAX_AUTHORITIES} authorities")
    return value


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `synth` subcommand."""
    parser = subparsers.add_parser(
        "synth",
        help="generate realistic episodes and return interviews (no real people)",
        description=(
            "Generate realistic missing episodes, return interviews and fictional authorities "
            "and write episodes.csv, interviews.csv and authorities.csv. The same arguments "
            "always give the same files."
        ),
    )
    parser.add_argument(
        "--episodes", type=positive_int, metavar="N", help="episodes to generate (required)"
    )
    parser.add_argument("--seed", type=int, default=1, metavar="S", help="random seed (default 1)")
    parser.add_argument(
        "--out", type=Path, metavar="DIR", help="directory to write into (required)"
    )
    parser.add_argument(
        "--authorities",
        type=_authority_count,
        default=None,
        metavar="K",
        help=(
            "number of authorities (default: one per 12,000 episodes, "
            f"{params.MIN_DEFAULT_AUTHORITIES} to {params.MAX_DEFAULT_AUTHORITIES})"
        ),
    )
    parser.add_argument(
        "--start",
        type=_iso_date,
        default=date(2015, 4, 1),
        metavar="YYYY-MM-DD",
        help="first day of the period (default 2015-04-01)",
    )
    parser.add_argument(
        "--years",
        type=positive_int,
        default=None,
        metavar="Y",
        help="length of the period in years (default: about 1,140 episodes per authority-year)",
    )
    parser.set_defaults(handler=run, synth_parser=parser)
    kinds = parser.add_subparsers(
        dest="kind",
        metavar="KIND",
        title="other data sets",
        description="homeward synth ssd DIR: a case system's SSD extract and its 903 files",
    )

    ssd_cli.register(kinds)


def run(args: Any) -> int:
    """Generate and write; print what was written and where. Returns the exit code."""
    missing = [
        option
        for option, value in (("--episodes", args.episodes), ("--out", args.out))
        if value is None
    ]
    if missing:
        args.synth_parser.error("the following arguments are required: " + ", ".join(missing))
    episodes: int = args.episodes
    authorities: int = args.authorities or default_authorities(episodes)
    years: int = args.years or default_years(episodes, authorities)
    began = time.perf_counter()
    try:
        data = generate(
            episodes=episodes,
            seed=args.seed,
            authorities=authorities,
            start=args.start,
            years=years,
        )
        generated = time.perf_counter()
        paths = write(data, args.out)
    except (ValueError, OSError) as error:
        print(f"homeward synth: {error}", file=sys.stderr)
        return 1
    written = time.perf_counter()
    rows = (data.episodes.height, data.interviews.height, data.authorities.height)
    print(
        f"Generated {episodes:,} episodes over {years} years from {args.start.isoformat()} "
        f"in {authorities} authorities (seed {args.seed}) "
        f"in {generated - began:.1f} s; written in {written - generated:.1f} s:"
    )
    for path, count in zip(paths, rows, strict=True):
        print(f"  {path}  {count:,} rows, {path.stat().st_size:,} bytes")
    return 0

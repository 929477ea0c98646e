"""`homeward synth ssd DIR`: a fictional authority's SSD extract and its own 903 files."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from homeward.synth.ssd import DEFAULT_AUTHORITY, read_postcodes, write_ssd


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text!r}")
    return value


def _year(text: str) -> int:
    value = _positive(text)
    if not 2016 <= value <= 2100:
        raise argparse.ArgumentTypeError(f"a collection year from 2016, such as 2026: {text!r}")
    return value


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


def register(kinds: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `ssd` under `homeward synth`."""
    parser = kinds.add_parser(
        "ssd",
        help="a case system's Standard Safeguarding Dataset extract and its 903 files",
        description=(
            "Write a fictional authority's Standard Safeguarding Dataset extract (one CSV per "
            "table, the spec's field names) for the six years to the end of the collection "
            "year, with the case system's own SSDA903 Header, Episodes and Missing files for "
            "that year and the year before. Generated people only; the same arguments always "
            "give the same files."
        ),
    )
    parser.add_argument("dir", type=Path, metavar="DIR", help="directory to write into")
    parser.add_argument(
        "--persons",
        type=_positive,
        default=100_000,
        metavar="N",
        help="persons in the extract (default 100,000)",
    )
    parser.add_argument("--seed", type=int, default=1, metavar="S", help="random seed (default 1)")
    parser.add_argument(
        "--year",
        type=_year,
        default=2026,
        metavar="YYYY",
        help='the 903 collection year the extract ends with: "2026" is 2025-26 (default)',
    )
    parser.add_argument(
        "--postcodes",
        type=Path,
        default=None,
        metavar="FILE",
        help=(
            "an ONS Postcode Directory CSV: homes and placements at its postcodes "
            "(default: invented postcodes)"
        ),
    )
    parser.add_argument(
        "--la",
        default=None,
        metavar="CODE",
        help=(
            "the authority's GSS code; with --postcodes, one of the file's authorities "
            f"(default {DEFAULT_AUTHORITY}, an unused code)"
        ),
    )
    parser.add_argument(
        "--as-at",
        type=_day,
        default=None,
        metavar="YYYY-MM-DD",
        help=(
            "the day the extract is taken, within the six years (default: 31 March of --year); "
            "the 903 files are the year-end returns whatever the day"
        ),
    )
    parser.set_defaults(handler=run)


def run(args: Any) -> int:
    began = time.perf_counter()
    try:
        postcodes = None
        if args.postcodes is not None:
            if args.la is None:
                raise ValueError("--postcodes needs --la, the authority's code in that file")
            postcodes = read_postcodes(args.postcodes, args.la)
        elif args.la is not None:
            raise ValueError("--la is for --postcodes; invented postcodes use an unused code")
        written = write_ssd(
            args.dir,
            persons=args.persons,
            seed=args.seed,
            year=args.year,
            postcodes=postcodes,
            as_at=args.as_at,
        )
    except (ValueError, OSError) as error:
        print(f"homeward synth ssd: {error}", file=sys.stderr)
        return 1
    took = time.perf_counter() - began
    print(
        f"Generated {args.persons:,} persons for authority {written.authority} "
        f"(seed {args.seed}, collection year {args.year - 1}-{args.year % 100:02d}) "
        f"in {took:.1f} s:"
    )
    for path, count in written.rows.items():
        print(f"  {path}  {count:,} rows, {path.stat().st_size:,} bytes")
    return 0

"""`homeward load-postcodes FILE`: load the ONS Postcode Directory for the hotspot map.

Django is imported inside the handler only, so the pure-core subcommands never load it.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

#: Exit statuses: every row read; some rows refused; the file refused or unreadable.
ALL_READ, SOME_REFUSED, REFUSED = 0, 1, 2
#: Refused rows printed, unless --all-problems.
SHOWN_PROBLEMS = 20


def register(subparsers: Any) -> None:
    """Add the `load-postcodes` subcommand."""
    parser = subparsers.add_parser(
        "load-postcodes",
        help="load the ONS Postcode Directory (CSV) for the hotspot map",
        description=(
            "Load the live postcodes of an ONS Postcode Directory CSV file (the UK file, or "
            "any extract with the same columns), with their latitude, longitude and local "
            "authority, as docs/hotspots.md describes. Loading the same file again changes "
            "nothing; a newer release updates what moved. Terminated postcodes and those "
            "without a grid reference are skipped; rows that cannot be read are listed and "
            "the rest loaded. Exit status 0 when every row was read, 1 when some were "
            "refused, 2 when the file was refused as a whole (nothing loaded). Uses the "
            "database of the environment (HOMEWARD_DATABASE_URL; see docs/operations.md)."
        ),
    )
    parser.add_argument("file", type=Path, help="the ONSPD .csv file")
    parser.add_argument("--json", action="store_true", help="print the counts as JSON")
    parser.add_argument(
        "--all-problems",
        action="store_true",
        help=f"list every refused row (default: the first {SHOWN_PROBLEMS})",
    )
    parser.add_argument(
        "--batch-size",
        type=int,
        default=2000,
        metavar="N",
        help="postcodes written per database statement (default 2000)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if not args.file.is_file():
        print(f"{args.file}: no such file")
        return REFUSED
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homeward.site.settings")
    import django

    django.setup()
    from homeward.formats.onspd import ONSPDError
    from homeward.places.services import load_postcodes

    try:
        result = load_postcodes(args.file, batch_size=max(1, args.batch_size))
    except ONSPDError as error:
        print(f"{args.file}: {error}; nothing was loaded")
        return REFUSED
    except OSError as error:
        print(f"{args.file}: cannot read the file: {error.strerror or error}")
        return REFUSED
    problems = result.problems if args.all_problems else result.problems[:SHOWN_PROBLEMS]
    if args.json:
        out = {
            "file": str(args.file),
            "counts": result.counts(),
            "problems": [{"line": p.line, "field": p.field, "reason": p.reason} for p in problems],
        }
        print(json.dumps(out, indent=2))
    else:
        counts = result.counts()
        print(
            f"{args.file.name}: {counts['loaded']} loaded, {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged, {counts['skipped']} skipped "
            f"({counts['terminated']} terminated, {counts['no_grid']} without a grid "
            f"reference), {counts['refused']} refused."
        )
        for problem in problems:
            print(f"{args.file.name}, {problem}")
        if len(problems) < len(result.problems):
            print(f"... and {len(result.problems) - len(problems)} more (--all-problems)")
    return SOME_REFUSED if result.problems else ALL_READ

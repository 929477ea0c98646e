"""`homeward check-clocks`: the clock job from the `homeward` command.

Django is imported inside the handler only, so `homeward indicators` and the other
subcommands of the pure core never load it.
"""

from __future__ import annotations

import argparse
import os
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


def parse_moment(text: str) -> datetime:
    """An ISO 8601 moment; without an offset it is read as UK wall-clock time."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 date and time: {text!r}") from None
    return moment.replace(tzinfo=UK) if moment.tzinfo is None else moment


def register(subparsers: Any) -> None:
    """Add the `check-clocks` subcommand."""
    parser = subparsers.add_parser(
        "check-clocks",
        help="email due-soon and overdue alerts of open return interviews (run every 15 minutes)",
        description=(
            "The clock job of the case-management application: for each open return "
            "interview, email its worker and the team's coordinators and managers once when "
            "it is due within 24 hours and once when it is overdue; report returned episodes "
            "overdue with no interview allocated, and interviews completed late with no "
            "reason recorded. Uses the database and email settings of the environment "
            "(HOMEWARD_DATABASE_URL, HOMEWARD_EMAIL_BACKEND, ...; see docs/operations.md)."
        ),
    )
    parser.add_argument(
        "--now",
        type=parse_moment,
        default=None,
        metavar="ISO",
        help="check as at this moment (ISO 8601; without an offset, UK time; default: now)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homeward.site.settings")
    import django

    django.setup()
    from homeward.cases.alerts import check_clocks

    report = check_clocks(now=args.now)
    print(report)
    return 0

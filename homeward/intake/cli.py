"""`homeward intake FILE`: take in a file of police notifications dropped on the server.

Django is imported inside the handler only, so the pure-core subcommands never load it.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

#: Exit statuses: every record taken in; some rejected; the file unreadable.
ALL_TAKEN, SOME_REJECTED, UNREADABLE = 0, 1, 2


def register(subparsers: Any) -> None:
    """Add the `intake` subcommand."""
    parser = subparsers.add_parser(
        "intake",
        help="take in a file of police notifications (CSV, XLSX or JSON) and print its receipt",
        description=(
            "Take in a file of police missing-person notifications in the format of "
            "docs/police-notifications.md, as the upload page and the API do: each is "
            "classified, matched against the authority's children and queued for a "
            "coordinator; the same notification sent again is stored once. Prints the "
            "receipt. Exit status 0 when every record was accepted, amended or a duplicate, "
            "1 when any was rejected, 2 when the file could not be read at all. Uses the "
            "database of the environment (HOMEWARD_DATABASE_URL; see docs/operations.md)."
        ),
    )
    parser.add_argument("file", type=Path, help="the .csv, .xlsx or .json file")
    parser.add_argument(
        "--force",
        metavar="CODE",
        default=None,
        help="accept only notifications from this police force (its code)",
    )
    parser.add_argument("--json", action="store_true", help="print the receipt as JSON")
    parser.add_argument(
        "--workers",
        type=int,
        default=min(os.cpu_count() or 1, 4),
        metavar="N",
        help="processes to match a big file's notifications in (default: the CPUs, at most 4)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from homeward.police import limits

    try:
        # Never more than the limit is read (a device or a pipe may have no end).
        with args.file.open("rb") as handle:
            data = handle.read(limits.MAX_FILE_BYTES + 1)
        size = args.file.stat().st_size if args.file.is_file() else None
    except OSError as error:
        print(f"{args.file}: cannot read the file: {error.strerror or error}")
        return UNREADABLE
    if len(data) > limits.MAX_FILE_BYTES:
        print(f"{args.file.name}: {limits.file_too_big(size)}")
        return UNREADABLE
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homeward.site.settings")
    import django

    django.setup()
    from homeward.intake import selectors, services
    from homeward.intake.models import IntakeBatch
    from homeward.organisations.models import Organisation

    force = None
    if args.force is not None:
        force = Organisation.objects.filter(
            kind=Organisation.Kind.POLICE_FORCE, code=args.force.strip().lower()
        ).first()
        if force is None:
            print(f"no police force with code {args.force!r} is set up here")
            return UNREADABLE
    workers = max(1, args.workers)
    count = services.to_queue(args.file.name, data)
    if count is None:
        batch = services.intake_file(
            name=args.file.name,
            data=data,
            channel=IntakeBatch.Channel.FILE,
            force=force,
            workers=workers,
        )
    else:
        # A big file is taken in here, as the worker takes in a big batch: a few hundred
        # records to a transaction, so the web application is never kept waiting for the
        # database for long. Stopped part way, `manage.py intake_resume` queues the rest
        # for the worker (nothing is taken in twice).
        batch = services.intake_queue(
            name=args.file.name,
            data=data,
            channel=IntakeBatch.Channel.FILE,
            source=args.file.name,
            force=force,
            total=count,
            enqueue=False,
        )
        batch = services.intake_continue(batch_id=batch.pk, workers=workers)
    receipt = selectors.batch_receipt(batch)
    if args.json:
        print(json.dumps(receipt, indent=2))
    else:
        print(receipt_text(receipt, args.file.name))
    if batch.problems:
        return UNREADABLE
    return SOME_REJECTED if batch.rejected else ALL_TAKEN


def receipt_text(receipt: dict[str, Any], name: str) -> str:
    """The receipt for a person: counts, then every problem with its file and line."""
    counts = receipt["counts"]
    lines = [
        f"Batch {receipt['batch']} from {name}: {counts['accepted']} accepted, "
        f"{counts['amended']} amended, {counts['duplicate']} duplicate, "
        f"{counts['rejected']} rejected."
    ]
    for problem in receipt["problems"]:
        lines.append(f"{name}: {problem['reason']}")
    for result in receipt["results"]:
        for problem in result["problems"]:
            where = f"{name}, line {result['line']}"
            if problem.get("field"):
                where += f", {problem['field']}"
            lines.append(f"{where}: {problem['reason']}")
    return "\n".join(lines)

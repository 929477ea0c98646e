"""`homeward export NAME PERIOD`: an export of the "Returns and exports" page, from the
command line (a scheduled return, or the SSDA903 files for the DfE's validator).

It runs as a named user account, whose role must allow the export, with a reason: the
same role check and access-log rows as the page. Django is imported inside the handler.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

#: Exit statuses: written; refused (role, period, reason, export name).
WRITTEN, REFUSED = 0, 2


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "export",
        help="write a statutory return, list or pack (as the Returns and exports page does)",
        description=(
            "Write one export of docs/returns.md into a folder: its files (a ZIP when it has "
            "several, or notes), as the user account named, whose role must allow it, with "
            "the reason recorded in the access log. Uses the database of the environment "
            "(HOMEWARD_DATABASE_URL; see docs/operations.md). Exit status 0 when written, "
            "2 when refused."
        ),
    )
    parser.add_argument("name", help="the export, e.g. ssda903, performance-pack-pdf")
    parser.add_argument("period", help="a financial year (2025-26) or, for the pack, a month")
    parser.add_argument("--user", required=True, help="the username it is made as")
    parser.add_argument("--reason", required=True, help="why it is made (kept in the log)")
    parser.add_argument(
        "--degrade",
        action="store_true",
        help="postcode districts, months of birth and small numbers suppressed",
    )
    parser.add_argument(
        "--out", type=Path, default=Path("."), help="the folder to write into (default: here)"
    )
    parser.add_argument(
        "--unzip",
        action="store_true",
        help="write an export of several files as those files rather than one ZIP",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homeward.site.settings")
    import django

    django.setup()
    from django.core.exceptions import PermissionDenied

    from homeward.accounts.models import User
    from homeward.returns import exports

    user = User.objects.filter(username=args.user, is_active=True).first()
    if user is None:
        print(f"no active user {args.user!r}")
        return REFUSED
    try:
        download = exports.run_export(
            user=user,
            name=args.name,
            period=args.period,
            degrade=args.degrade,
            reason=args.reason,
        )
    except PermissionDenied:
        print(f"{args.user} ({user.role or 'no role'}) may not take the export {args.name!r}")
        return REFUSED
    except ValueError as error:
        print(f"refused: {error}")
        return REFUSED
    args.out.mkdir(parents=True, exist_ok=True)
    written = download.export.files if args.unzip else []
    if args.unzip:
        for file in written:
            (args.out / file.name).write_bytes(file.data)
        if download.export.notes:
            (args.out / "notes.txt").write_text("\n".join(download.export.notes) + "\n")
        names = [file.name for file in written]
    else:
        (args.out / download.filename).write_bytes(download.data)
        names = [download.filename]
    print(
        f"wrote {', '.join(names)} to {args.out}: {download.export.rows} rows, "
        f"{len(download.export.children)} children"
    )
    for note in download.export.notes:
        print(f"note: {note}")
    return WRITTEN

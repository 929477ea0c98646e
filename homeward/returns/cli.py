"""`homeward export NAME PERIOD`: an export of the "Returns and exports" page, from the
command line (a scheduled return, or the SSDA903 files for the DfE's validator).

It runs as a named user account, whose role must allow the export, with a reason: the
same role check and access-log rows as the page. Django is imported inside the handler.
"""

from __future__ import annotations

import argparse
import os
from datetime import date
from pathlib import Path
from typing import Any

#: Exit statuses: written; written but the merged 903 has errors the case system's files
#: did not have (or could not be validated); refused (role, period, reason, export name).
WRITTEN, NEEDS_ATTENTION, REFUSED = 0, 1, 2


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
    merge = parser.add_argument_group(
        "ssda903 merged with the case system's own return",
        "Give the case system's Header and Episodes files: homeward writes its Missing table "
        "for their children (CHILD is the case system's person id), validates the merged "
        "set with DfE's validator and writes header.csv, episodes.csv, missing.csv, "
        "notes.txt and validation.txt. Exit status 1 when the merge brought an error.",
    )
    merge.add_argument("--header", type=Path, help="the case system's 903 Header CSV")
    merge.add_argument("--episodes", type=Path, help="the case system's 903 Episodes CSV")
    merge.add_argument(
        "--previous", type=Path, help="a folder of last year's 903 CSV files (all tables)"
    )
    merge.add_argument(
        "--no-validate", action="store_true", help="write the files without running the validator"
    )
    workbook = parser.add_argument_group(
        "annex-a-list-8 filled into the case system's own list 8",
        "Give the case system's Annex A list 8 workbook (.xlsx): homeward fills in its "
        "missing, absent and return interview columns for each child (by Child Unique ID, "
        "the case system's person id) and writes the workbook, with notes.txt; every other "
        "cell is left as it was.",
    )
    workbook.add_argument("--workbook", type=Path, help="the case system's list 8 workbook")
    workbook.add_argument(
        "--as-of",
        type=date.fromisoformat,
        help="the list's date, YYYY-MM-DD (default: the last day of the period)",
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
    if args.header or args.episodes or args.previous:
        return run_merge(args, user)
    if args.workbook or args.as_of:
        return run_workbook(args, user)
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


def run_merge(args: argparse.Namespace, user: Any) -> int:
    """`homeward export ssda903 PERIOD --header H --episodes E [--previous DIR]`."""
    from django.core.exceptions import PermissionDenied

    from homeward.formats import ssda903_merge
    from homeward.formats.validator903 import ValidatorFailed
    from homeward.organisations.models import Authority
    from homeward.returns import exports

    if args.name != "ssda903" or not (args.header and args.episodes):
        print("refused: --header and --episodes (both) are for the ssda903 export only")
        return REFUSED
    given = [args.header, args.episodes]
    missing = [str(path) for path in given if not path.is_file()]
    if args.previous is not None and not args.previous.is_dir():
        missing.append(str(args.previous))
    if missing:
        print(f"refused: not found: {', '.join(missing)}")
        return REFUSED
    previous = None
    if args.previous is not None:
        previous = {p.name: p.read_bytes() for p in sorted(args.previous.glob("*.csv"))}
    try:
        export, merged = exports.run_ssda903_merge(
            user=user,
            period=args.period,
            reason=args.reason,
            header=(args.header.name, args.header.read_bytes()),
            episodes=(args.episodes.name, args.episodes.read_bytes()),
            previous=previous,
        )
    except PermissionDenied:
        print(f"{args.user} ({user.role or 'no role'}) may not take the export ssda903")
        return REFUSED
    except ssda903_merge.CaseFilesError as error:
        print("refused: the files cannot be read:")
        for problem in error.problems:
            print(f"  {problem}")
        return REFUSED
    except ValueError as error:
        print(f"refused: {error}")
        return REFUSED
    args.out.mkdir(parents=True, exist_ok=True)
    for file in export.files:
        (args.out / file.name).write_bytes(file.data)
    (args.out / "notes.txt").write_text("".join(f"{n}\n" for n in export.notes))
    print(
        f"wrote {', '.join(f.name for f in export.files)}, notes.txt to {args.out}: "
        f"{export.rows} Missing rows, {len(merged.missing.children)} children"
    )
    if args.no_validate:
        return WRITTEN
    home = Authority.objects.filter(is_home=True).first()
    la = home.gss_code if home is not None else "E10000099"
    try:
        check = ssda903_merge.check_merge(merged, la=la)
    except ValidatorFailed as error:
        print(f"not validated: {error}")
        return NEEDS_ATTENTION
    text = ssda903_merge.report(merged, check)
    (args.out / "validation.txt").write_text(text)
    print(
        f"validated with DfE's rules for {merged.year}: {len(check.new)} errors the merge "
        f"brought, {len(check.already)} the case system's files already had "
        f"(validation.txt)"
    )
    for error in check.new:
        print(f"  {error.describe()}")
    return NEEDS_ATTENTION if check.new else WRITTEN


def run_workbook(args: argparse.Namespace, user: Any) -> int:
    """`homeward export annex-a-list-8 PERIOD --workbook FILE [--as-of DATE]`."""
    from django.core.exceptions import PermissionDenied

    from homeward.returns import exports

    if args.name != "annex-a-list-8" or not args.workbook:
        print("refused: --workbook (and --as-of with it) is for the annex-a-list-8 export only")
        return REFUSED
    if not args.workbook.is_file():
        print(f"refused: not found: {args.workbook}")
        return REFUSED
    try:
        data, notes, children = exports.run_annex_a_workbook(
            user=user,
            period=args.period,
            reason=args.reason,
            workbook=(args.workbook.name, args.workbook.read_bytes()),
            as_of=args.as_of,
        )
    except PermissionDenied:
        print(f"{args.user} ({user.role or 'no role'}) may not take the export {args.name!r}")
        return REFUSED
    except ValueError as error:
        print(f"refused: {error}")
        return REFUSED
    args.out.mkdir(parents=True, exist_ok=True)
    target = args.out / args.workbook.name
    if target.resolve() == args.workbook.resolve():
        target = args.out / f"{args.workbook.stem}-filled{args.workbook.suffix}"
    target.write_bytes(data)
    (args.out / "notes.txt").write_text("".join(f"{n}\n" for n in notes))
    print(f"wrote {target.name}, notes.txt to {args.out}: {len(children)} children filled in")
    for note in notes:
        print(f"note: {note}")
    return WRITTEN

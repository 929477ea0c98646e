"""`homeward import-ssd DIR`: import the case system's Standard Safeguarding Dataset
extract (docs/ssd-import.md).

Django is imported inside the handler only, so the pure-core subcommands never load it.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

#: Exit statuses: applied; refused for problems in rows; refused as a whole.
APPLIED, SOME_REFUSED, REFUSED = 0, 1, 2
#: Problems printed, unless --all-problems.
SHOWN_PROBLEMS = 20


def register(subparsers: Any) -> None:
    """Add the `import-ssd` subcommand."""
    parser = subparsers.add_parser(
        "import-ssd",
        help="import the case system's Standard Safeguarding Dataset extract",
        description=(
            "Import an extract of the Standard Safeguarding Dataset (one CSV file per table, "
            "the spec's field names in the header; a folder, or a ZIP of it) as "
            "docs/ssd-import.md describes: children keyed by the case system's person id, "
            "their identifiers, addresses, legal statuses, periods of care, placements, "
            "allocated worker and missing episodes. Importing the same extract again "
            "changes nothing; only changes are applied, and counted. A child homeward already "
            "had is proposed as a match for a coordinator to confirm, never merged. Any "
            "problem refuses the whole extract (nothing is written): exit status 1 with the "
            "problems listed by file, line and field, 2 when the extract cannot be read at "
            "all, 0 when it was applied. Uses the database of the environment "
            "(HOMEWARD_DATABASE_URL; see docs/operations.md)."
        ),
    )
    parser.add_argument("extract", type=Path, help="the extract's folder, or a .zip of it")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--all-problems",
        action="store_true",
        help=f"list every problem (default: the first {SHOWN_PROBLEMS})",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from homeward.formats import ssd_extract

    path: Path = args.extract
    try:
        if path.is_file() and path.suffix.lower() == ".zip":
            extract = ssd_extract.read_zip(path.read_bytes(), path.name)
        else:
            extract = ssd_extract.read_directory(path)
    except ssd_extract.ExtractRefused as refused:
        for problem in refused.problems:
            print(f"{problem}")
        print("The extract was refused; nothing was imported.")
        return REFUSED
    except OSError as error:
        print(f"{path}: cannot read the extract: {error.strerror or error}")
        return REFUSED
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homeward.site.settings")
    import django

    django.setup()
    from homeward.care.ssd_import import import_extract

    report = import_extract(extract, source=f"command: {path.name}")
    problems = report.problems if args.all_problems else report.problems[:SHOWN_PROBLEMS]
    if args.json:
        out = report.as_dict()
        out["problems"] = [
            {"file": p.file, "line": p.line, "field": p.field, "reason": p.reason} for p in problems
        ]
        print(json.dumps(out, indent=2, default=str))
    else:
        for line in report_lines(report):
            print(line)
        for problem in problems:
            print(f"  {problem}")
        if len(problems) < report.problem_count:
            print(f"  ... and {report.problem_count - len(problems)} more (--all-problems)")
    return APPLIED if report.applied else SOME_REFUSED


def report_lines(report: Any, *, ids: bool = True) -> list[str]:
    """The report in plain lines. The upload page shows the same without the case system's
    person ids (`ids=False`): counts only."""
    if not report.applied:
        return [
            f"The extract was refused: {report.problem_count} "
            f"problem{'s' if report.problem_count != 1 else ''}; nothing was imported."
        ]
    lines = ["Imported."]
    for table, counts in report.tables.items():
        lines.append(
            f"{table}: {counts.added} added, {counts.changed} changed, "
            f"{counts.unchanged} unchanged, {counts.removed} removed"
        )
    lines.append(
        f"children: {report.children_added} added, {report.children_changed} changed, "
        f"{report.children_unchanged} unchanged"
    )
    episodes = report.episodes
    lines.append(
        f"imported missing episodes: {episodes.added} added, {episodes.changed} changed, "
        f"{episodes.unchanged} unchanged, {episodes.removed} no longer in the extract "
        "(marked entered in error)"
    )
    if not ids and report.proposals:
        lines.append(
            f"{len(report.proposals)} proposed match(es) for a coordinator to confirm or reject"
        )
    for proposal in report.proposals if ids else []:
        lines.append(
            f"proposed match: person {proposal.person_id} may be child "
            f"{proposal.child_reference} ({proposal.band}, score {proposal.score:g}); "
            "a coordinator confirms or rejects it"
        )
    if report.waiting:
        lines.append(f"{report.waiting} person(s) still wait for a proposed match to be decided")
    if report.gone:
        gone = ", ".join(report.gone) if ids else f"{len(report.gone)} person(s)"
        lines.append(f"no longer in the extract (kept, not deleted): {gone}")
    if report.back:
        back = ", ".join(report.back) if ids else f"{len(report.back)} person(s)"
        lines.append(f"back in the extract: {back}")
    return lines

"""Run DfE's SSDA903 validator (`csc-validator-be-903`, import `lac_validator`) on a folder.

Runs under its own virtualenv (`.venv-903/bin/python`, built by `make install` from
`requirements-903.txt`), because the validator pins pandas<2 and numpy<1.25:

    .venv-903/bin/python scripts/validate_903.py DIR --year 2026 --la E10000099 \
        [--previous LAST_YEAR_DIR]

DIR holds the return's CSV files (homeward writes header.csv, episodes.csv, missing.csv;
an authority's case system writes the same tables, and more); the validator recognises each
table by its columns. `--previous` is a folder of last year's files (the rules comparing
with last year, such as 207, 562, 576 and NoE, run only with it). `--year` is the
collection year as the validator names it: "2026" is 2025-26 (1 April 2025 to 31 March
2026); any year the installed package has rules for can be run.

Prints a JSON list of every error found, by any rule: {rule, table, row, child, message},
where `row` is the 0-based data row of the table (line `row + 2` of its CSV). Exits 1 when
any error is from one of `--rules` (default: the Missing table's rules), 2 when a rule
crashed other than the two known to crash on CSV input, and 0 otherwise. A summary (rules
run, skipped for want of a table, not run) is the last line of standard error, after
"summary ".

Why not `LacValidator` as it stands: it gives each rule a shallow copy of the tables, and
rules write into the columns they read (rule 365 fills blank episode end dates), so a rule
run later sees another rule's edits (false 575 and 577 errors on open missing episodes).
Here each rule gets its own deep copy. `--package-copies` runs the rules the package's way
(one shallow copy per rule, in code order), only to show the difference.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import json
import logging
import sys
from pathlib import Path

#: The Missing table's rules (DfE 903 validation rules), checked by default.
MISSING_RULES = (
    "1004", "1005", "1006", "564", "565", "566", "567", "570", "571", "574", "575",
    "576", "577", "578", "580", "581", "586",
)  # fmt: skip

#: Rules that crash on CSV input in csc-validator-be-903 0.1.17 (reported as not run).
KNOWN_CRASHES = {"231", "233"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--year", default="2026", help='collection year, "2026" is 2025-26')
    parser.add_argument("--la", default="E10000099", help="the authority's GSS code")
    parser.add_argument(
        "--rules", default=",".join(MISSING_RULES), help="rules that fail the run (comma list)"
    )
    parser.add_argument("--previous", type=Path, help="a folder of last year's files")
    parser.add_argument(
        "--package-copies",
        action="store_true",
        help="give each rule the package's shallow copy (rules then see earlier rules' edits)",
    )
    args = parser.parse_args(argv)
    logging.disable(logging.CRITICAL)  # the validator logs every step at INFO

    import pandas as pd
    from lac_validator.datastore import copy_datastore, create_datastore
    from lac_validator.ingress import read_from_text
    from lac_validator.rules.ruleset_utils import get_year_ruleset

    years = sorted(
        f"20{p.name[-2:]}"
        for p in Path(get_year_ruleset.__code__.co_filename).parent.glob("lac*_*")
    )
    if args.year not in years:
        print(
            f"no rules for the year {args.year!r}: the package has {', '.join(years)}",
            file=sys.stderr,
        )
        return 2
    files = []
    for folder, description in ((args.folder, "This year"), (args.previous, "Prev year")):
        if folder is None:
            continue
        paths = sorted(folder.glob("*.csv"))
        if not paths:
            print(f"{folder}: no CSV files", file=sys.stderr)
            return 2
        files += [
            {"name": p.name, "file_content": p.read_bytes(), "description": description}
            for p in paths
        ]
    try:
        with contextlib.redirect_stdout(sys.stderr):
            tables, extras = read_from_text(raw_files=files)
    except Exception as error:  # the package's UploadError: a file it cannot read
        print(f"the files cannot be read: {error}", file=sys.stderr)
        return 2
    metadata = {"collectionYear": args.year, "localAuthority": args.la, **extras}
    store = create_datastore(tables, metadata)
    registry = get_year_ruleset(args.year)

    errors: list[dict[str, object]] = []
    ran: list[str] = []
    skipped: list[str] = []
    not_run: list[str] = []
    crashed: list[str] = []
    for code, rule in sorted(registry.items()):
        if args.package_copies:
            own = copy_datastore(store)  # the package's way: edits to a column leak
        else:
            own = {k: (v if k == "metadata" else v.copy(deep=True)) for k, v in store.items()}
            own["metadata"] = copy.deepcopy(store["metadata"])
        try:
            with contextlib.redirect_stdout(sys.stderr):  # some rules print as they run
                result = rule.func(own)
        except Exception as error:  # a rule's crash is reported, not raised
            entry = f"{code}: {type(error).__name__}: {error}"
            (not_run if code in KNOWN_CRASHES else crashed).append(entry)
            continue
        if not result:
            skipped.append(code)  # the rule's tables are not all there
            continue
        ran.append(code)
        for table, rows in result.items():
            frame = store.get(table)
            for row in sorted({int(r) for r in rows if pd.notna(r)}):
                child = None
                if frame is not None and row in frame.index and "CHILD" in frame.columns:
                    value = frame.at[row, "CHILD"]
                    child = None if pd.isna(value) else str(value)
                errors.append(
                    {
                        "rule": code,
                        "table": table,
                        "row": row,
                        "child": child,
                        "message": rule.message,
                    }
                )

    print(json.dumps(errors, indent=1))
    summary = {
        "tables": {k: len(v) for k, v in store.items() if k != "metadata"},
        "ran": len(ran),
        "skipped_for_want_of_tables": len(skipped),
        "not_run_known_crash": not_run,
        "crashed": crashed,
    }
    print("summary " + json.dumps(summary), file=sys.stderr)  # one line, the last
    chosen = {code.strip() for code in args.rules.split(",") if code.strip()}
    if any(error["rule"] in chosen for error in errors):
        return 1
    return 2 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())

"""The 903 merge against a fictional authority's own files: `homeward synth ssd` output.

    homeward synth ssd DIR --persons 30000 --seed 7
    python benchmarks/ssda903_merge_check.py DIR [--year 2026] [--la E10000099] [--out F.json]

Takes the extract's `ssd_missing.csv` as homeward's episodes (keyed by person id; `A` rows
as whereabouts known), merges them with the case system's own `ssda903/<year>/header.csv`
and `episodes.csv` (last year's files beside them), and prints, as JSON: the seconds the
merge took, the Missing rows homeward wrote and the case system's own, the rows only one
side has, the validator's seconds (two runs: merged, and the case system's alone) and the
errors the merge brought, by rule. No Django; the validator runs in `.venv-903`.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import time
from datetime import date
from pathlib import Path

from homeward.formats.ssd import read_ssd_missing
from homeward.formats.ssda903 import HomewardEpisode
from homeward.formats.ssda903_merge import check_merge, merge_ssda903


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--la", default="E10000099")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    this = args.folder / "ssda903" / str(args.year)
    last = args.folder / "ssda903" / str(args.year - 1)
    extract = args.folder / "ssd_missing.csv"
    rows = read_ssd_missing(extract.name, extract.read_bytes())
    episodes = [
        HomewardEpisode(
            r.person_id,
            "absent" if r.type == "A" else "missing",
            r.start,
            r.end,
            whereabouts_known=r.type == "A",
            reference=r.table_id,
        )
        for r in rows
    ]
    began = time.perf_counter()
    merged = merge_ssda903(
        header=("header.csv", (this / "header.csv").read_bytes()),
        episodes=("episodes.csv", (this / "episodes.csv").read_bytes()),
        homeward=episodes,
        start=date(args.year - 1, 4, 1),
        end=date(args.year, 3, 31),
        previous={p.name: p.read_bytes() for p in sorted(last.glob("*.csv"))},
    )
    merge_seconds = time.perf_counter() - began
    theirs = {
        tuple(r) for r in list(csv.reader(io.StringIO((this / "missing.csv").read_text())))[1:]
    }
    ours = set(merged.missing.rows)
    began = time.perf_counter()
    check = check_merge(merged, la=args.la)
    figures = {
        "ssd_missing_rows": len(rows),
        "merge_seconds": round(merge_seconds, 2),
        "missing_rows_homeward": len(merged.missing.rows),
        "missing_rows_case_system": len(theirs),
        "only_case_system": [",".join(r) for r in sorted(theirs - ours)[:20]],
        "only_homeward": [",".join(r) for r in sorted(ours - theirs)[:20]],
        "only_case_system_count": len(theirs - ours),
        "only_homeward_count": len(ours - theirs),
        "validate_seconds_two_runs": round(time.perf_counter() - began, 1),
        "errors_merge_brought": check.new and [e.describe() for e in check.new[:20]],
        "errors_merge_brought_count": len(check.new),
        "errors_case_system_had_by_rule": check.baseline.by_rule(),
        "notes": len(merged.notes),
    }
    text = json.dumps(figures, indent=1)
    if args.out:
        args.out.write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()

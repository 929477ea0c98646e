"""The mutation score of each module after `mutmut run`, checked against the targets and
the list of equivalent mutants (docs/mutation-testing.md).

    .venv-mutation/bin/python scripts/mutation_report.py [--mutants mutants]
        [--equivalents docs/mutation-equivalents.toml] [--markdown]

Reads mutmut's results (`mutants/<file>.meta`, one exit code per mutant). A mutant is
**killed** when a test failed on it (or it timed out: a mutant that loops forever is caught
too); it **survived** when every test that covers it passed, and has **no tests** when none
covers it. A survivor listed in the equivalents file, with its reason, is **equivalent**: no
test can tell it from the code (the mutation changes nothing a caller can see).

The score of a module is (killed + equivalent) / (all mutants checked). The targets:

- every module group (`standards`, `indicators`, `police`, `formats`, `panelrules`,
  `benchmark`, and `accounts/permissions.py`) at least 90 %;
- no survivor that is not listed as equivalent in `police/match.py`, `formats/ssda903.py`,
  `standards/clock.py` and `accounts/permissions.py`.

Exits 1 if a target is missed or a mutant was not checked; lists each unlisted survivor of
the strict modules, and each listed equivalent that no longer survives (the list is then
out of date: a test kills it now, or the code changed and mutmut numbered it otherwise).
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

KILLED = {1, 3, 36, 24, -24, 152, 255, 37}
SURVIVED = {0}
NO_TESTS = {5, 33}
NOT_CHECKED = {None}

TARGET = 0.90
GROUPS = (
    "homeward/standards",
    "homeward/indicators",
    "homeward/police",
    "homeward/formats",
    "homeward/panelrules",
    "homeward/benchmark",
    "homeward/accounts/permissions.py",
)
STRICT = (
    "homeward/police/match.py",
    "homeward/formats/ssda903.py",
    "homeward/standards/clock.py",
    "homeward/accounts/permissions.py",
)


@dataclass
class Tally:
    counts: Counter[str] = field(default_factory=Counter)
    survivors: list[str] = field(default_factory=list)

    @property
    def checked(self) -> int:
        return sum(n for status, n in self.counts.items() if status != "not checked")

    @property
    def score(self) -> float:
        done = self.counts["killed"] + self.counts["equivalent"]
        return done / self.checked if self.checked else 0.0

    def shown(self) -> str:
        return f"{self.score:.1%}" if self.checked else "–"


def status(code: int | None, name: str, equivalent: set[str]) -> str:
    if code in NOT_CHECKED:
        return "not checked"
    if code in KILLED:
        return "killed"
    if name in equivalent:
        return "equivalent"
    if code in NO_TESTS:
        return "no tests"
    if code in SURVIVED:
        return "survived"
    return "suspicious"


def group_of(path: str) -> str | None:
    for group in GROUPS:
        if path == group or path.startswith(group + "/"):
            return group
    return None


def read(mutants: Path, equivalent: set[str]) -> tuple[dict[str, Tally], dict[str, Tally]]:
    by_file: dict[str, Tally] = {}
    by_group: dict[str, Tally] = {group: Tally() for group in GROUPS}
    for meta in sorted(mutants.glob("homeward/**/*.py.meta")):
        path = str(meta.relative_to(mutants))[: -len(".meta")]
        group = group_of(path)
        if group is None:
            continue
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        tally = by_file.setdefault(path, Tally())
        for name, code in sorted(codes.items()):
            state = status(code, name, equivalent)
            tally.counts[state] += 1
            by_group[group].counts[state] += 1
            if state in ("survived", "no tests", "suspicious"):
                tally.survivors.append(name)
                by_group[group].survivors.append(name)
    return by_file, by_group


def load_equivalents(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    out = {}
    for entry in data.get("equivalent", []):
        if not str(entry.get("reason", "")).strip():
            raise SystemExit(f"{path}: {entry.get('mutant')} is listed without a reason")
        out[str(entry["mutant"])] = str(entry["reason"])
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mutants", type=Path, default=Path("mutants"))
    parser.add_argument("--equivalents", type=Path, default=Path("docs/mutation-equivalents.toml"))
    parser.add_argument("--markdown", action="store_true", help="the table as Markdown")
    args = parser.parse_args(argv)
    equivalents = load_equivalents(args.equivalents)
    by_file, by_group = read(args.mutants, set(equivalents))
    if not by_file:
        print(f"no results under {args.mutants}: run `mutmut run` first", file=sys.stderr)
        return 1
    columns = ("killed", "equivalent", "survived", "no tests", "suspicious", "not checked")
    rows = [(group, by_group[group]) for group in GROUPS]
    rows += [(f"  {path}", by_file[path]) for path in STRICT if path in by_file]
    if args.markdown:
        print("| Module | Mutants | " + " | ".join(c.capitalize() for c in columns) + " | Score |")
        print("|---|---:|" + "---:|" * len(columns) + "---:|")
        for name, tally in rows:
            cells = " | ".join(f"{tally.counts[c]:,}" for c in columns)
            total = sum(tally.counts.values())
            print(f"| `{name.strip()}` | {total:,} | {cells} | {tally.shown()} |")
    else:
        heads = " ".join(f"{c:>11}" for c in columns)
        print(f"{'module':<40} {'mutants':>8} {heads}   score")
        for name, tally in rows:
            cells = " ".join(f"{tally.counts[c]:>11,}" for c in columns)
            total = sum(tally.counts.values())
            print(f"{name:<40} {total:>8,} {cells}  {tally.shown():>6}")
    failures = []
    for group in GROUPS:
        tally = by_group[group]
        if tally.counts["not checked"]:
            failures.append(f"{group}: {tally.counts['not checked']} mutants not checked")
        if tally.score < TARGET:
            failures.append(f"{group}: {tally.score:.1%} killed or equivalent, under {TARGET:.0%}")
    for path in STRICT:
        for name in by_file.get(path, Tally()).survivors:
            failures.append(f"{path}: {name} survived and is not listed as equivalent")
    seen = {
        name
        for meta in args.mutants.glob("homeward/**/*.py.meta")
        for name, code in json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"].items()
        if code in SURVIVED | NO_TESTS
    }
    stale = sorted(set(equivalents) - seen)
    for name in stale:
        print(f"listed as equivalent but not surviving (update the list): {name}")
    if failures:
        print("\nTargets missed:")
        for failure in failures:
            print(f"  {failure}")
        return 1
    print("\nEvery target met.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

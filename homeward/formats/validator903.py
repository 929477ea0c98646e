"""Run DfE's SSDA903 validator on a set of 903 tables, from plain Python.

The validator (`csc-validator-be-903`) pins old pandas and numpy, so it lives in its own
virtualenv, `.venv-903`; `scripts/validate_903.py` runs it there. This module writes the
tables (this year's, and last year's when given) into a temporary folder, runs that script
in a subprocess for the collection year asked, and reads back every error by rule code,
table, child and row. Each rule runs on its own copy of the data (docs/returns-ssda903.md
says why: rule 365 writes into the episodes' end dates, which 575 and 577 then read).

`new_errors` separates the errors a merged return has that the case system's own files did
not already have. Pure Python: no Django.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: The validator's own virtualenv and the script run in it.
PYTHON = ROOT / ".venv-903" / "bin" / "python"
SCRIPT = ROOT / "scripts" / "validate_903.py"
#: The Missing table's rules, and the internal checks tying it to the Header.
MISSING_RULES = frozenset(
    {
        "1004", "1005", "1006", "564", "565", "566", "567", "570", "571", "574", "575",
        "576", "577", "578", "580", "581", "586", "INT04", "INT13",
    }
)  # fmt: skip
#: How long one run may take (the full rule set on a large authority takes a minute or two).
TIMEOUT_SECONDS = 900


class ValidatorFailed(RuntimeError):
    """The validator could not run (unreadable files, an unknown year, a rule crashed)."""


@dataclass(frozen=True, order=True)
class RuleError:
    """One error: the rule's code, the table (`Episodes`; last year's: `Episodes_last`),
    the 0-based data row of that table (line `row + 2` of its CSV), the child's id and
    the rule's message."""

    rule: str
    table: str
    row: int
    child: str | None
    message: str = field(compare=False)

    @property
    def line(self) -> int:
        """The line of the CSV file (line 1 is the header)."""
        return self.row + 2

    def key(self) -> tuple[str, str, int, str | None]:
        return (self.rule, self.table, self.row, self.child)

    def describe(self) -> str:
        child = self.child or "no child id"
        return f"{self.rule} {self.table} line {self.line} ({child}): {self.message}"


@dataclass
class ValidationRun:
    """What a run found: every error, and the run's summary (rules run, not run)."""

    errors: list[RuleError]
    summary: dict[str, object]

    def by_rule(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for error in self.errors:
            counts[error.rule] = counts.get(error.rule, 0) + 1
        return dict(sorted(counts.items()))

    def rules(self) -> set[str]:
        return {error.rule for error in self.errors}


def _write(folder: Path, files: Mapping[str, bytes]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        if "/" in name or "\\" in name or not name.endswith(".csv"):
            raise ValueError(f"{name!r}: a 903 table is a CSV file name")
        (folder / name).write_bytes(data)


def run_validator(
    current: Mapping[str, bytes],
    *,
    year: str,
    previous: Mapping[str, bytes] | None = None,
    la: str = "E10000099",
    package_copies: bool = False,
    python: Path = PYTHON,
    script: Path = SCRIPT,
) -> ValidationRun:
    """Run every rule of the collection year `year` ("2026" is 2025-26) on the tables in
    `current` (file name to CSV bytes), with last year's in `previous`.

    Each rule runs on its own deep copy of the tables; `package_copies` runs them the
    package's way instead (shared columns), only to show why that is wrong.
    Raises `ValidatorFailed` when the validator cannot run or a rule crashed.
    """
    if not python.exists():
        raise ValidatorFailed(
            f"the validator's virtualenv is not built ({python.parent.parent.name}): "
            "run make install"
        )
    with tempfile.TemporaryDirectory(prefix="homeward-903-") as temp:
        here = Path(temp) / "this-year"
        _write(here, current)
        command = [str(python), str(script), str(here), "--year", year, "--la", la]
        command += ["--rules", ""]  # exit 1 only for crashes: the errors are read here
        if previous:
            last = Path(temp) / "last-year"
            _write(last, previous)
            command += ["--previous", str(last)]
        if package_copies:
            command.append("--package-copies")
        done = subprocess.run(  # noqa: S603 - our own script, arguments built here
            command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
        )
    lines = done.stderr.strip().splitlines()
    summary_line = next((x for x in reversed(lines) if x.startswith("summary ")), None)
    if summary_line is None:
        reason = lines[-1] if lines else f"exit status {done.returncode}"
        raise ValidatorFailed(f"the 903 validator did not finish: {reason}")
    summary: dict[str, object] = json.loads(summary_line.removeprefix("summary "))
    if summary.get("crashed") or done.returncode not in (0, 1):
        raise ValidatorFailed(f"a validator rule crashed: {summary.get('crashed')}")
    errors = [
        RuleError(
            rule=str(e["rule"]),
            table=str(e["table"]),
            row=int(e["row"]),
            child=None if e["child"] is None else str(e["child"]),
            message=str(e["message"]),
        )
        for e in json.loads(done.stdout)
    ]
    return ValidationRun(errors=sorted(errors), summary=summary)


def new_errors(merged: Iterable[RuleError], baseline: Iterable[RuleError]) -> list[RuleError]:
    """The errors of `merged` that `baseline` did not already have.

    The merge leaves the case system's tables as they are, so an error on the same rule,
    table, row and child is the same error.
    """
    known = {error.key() for error in baseline}
    return [error for error in merged if error.key() not in known]

"""Small builders shared by the indicator tests: CSV text, input files and the CLI.

Rows are dicts keyed by column name; a column left out is an empty cell. Episode rows get
a child, an English authority, `missing` and `home` unless told otherwise, so a test only
spells out what it is about.
"""

from __future__ import annotations

import argparse
import contextlib
import io
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import polars as pl
import pytest

from homeward.indicators import cli
from homeward.indicators.engine import compute_indicators
from homeward.indicators.inputs import CheckedInputs, load_inputs

EPISODE_FIELDS = (
    "episode_id",
    "child_id",
    "authority_code",
    "nation",
    "category",
    "missing_from",
    "started_at",
    "returned_at",
    "notified_at",
    "rhi_id",
)
INTERVIEW_FIELDS = (
    "rhi_id",
    "authority_code",
    "offered_at",
    "outcome",
    "declined_by",
    "completed_at",
)
EPISODE_HEADER = ",".join(EPISODE_FIELDS)
INTERVIEW_HEADER = ",".join(INTERVIEW_FIELDS)

ENGLISH = "E06099001"

EPISODE_DEFAULTS = {
    "child_id": "C1",
    "authority_code": ENGLISH,
    "category": "missing",
    "missing_from": "home",
}
INTERVIEW_DEFAULTS = {"authority_code": ENGLISH}


def ep(
    episode_id: str,
    started: str,
    returned: str | None = None,
    notified: str | None = None,
    rhi: str | None = None,
    **other: str,
) -> dict[str, str]:
    """One episode row with the defaults filled in."""
    row = {**EPISODE_DEFAULTS, "episode_id": episode_id, "started_at": started}
    if returned is not None:
        row["returned_at"] = returned
    if notified is not None:
        row["notified_at"] = notified
    if rhi is not None:
        row["rhi_id"] = rhi
    row.update(other)
    return row


def iv(
    rhi_id: str,
    completed: str | None = None,
    offered: str | None = None,
    outcome: str | None = None,
    **other: str,
) -> dict[str, str]:
    """One interview row with the defaults filled in."""
    row = {**INTERVIEW_DEFAULTS, "rhi_id": rhi_id}
    if completed is not None:
        row["completed_at"] = completed
    if offered is not None:
        row["offered_at"] = offered
    if outcome is not None:
        row["outcome"] = outcome
    row.update(other)
    return row


def csv_text(fields: Sequence[str], rows: Iterable[Mapping[str, str]]) -> str:
    """A CSV file with `fields` as header; no quoting, so values must not hold commas."""
    lines = [",".join(fields)]
    for row in rows:
        unknown = set(row) - set(fields)
        assert not unknown, f"test bug: columns {unknown} not in the header"
        lines.append(",".join(row.get(name, "") for name in fields))
    return "\n".join(lines) + "\n"


def write_inputs(
    folder: Path,
    episodes: Iterable[Mapping[str, str]] | str | bytes,
    interviews: Iterable[Mapping[str, str]] | str | bytes = (),
) -> tuple[Path, Path]:
    """Write episodes.csv and interviews.csv (rows, or the exact text/bytes) into `folder`."""
    paths = folder / "episodes.csv", folder / "interviews.csv"
    for path, content, fields in zip(
        paths, (episodes, interviews), (EPISODE_FIELDS, INTERVIEW_FIELDS), strict=True
    ):
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif isinstance(content, str):
            path.write_bytes(content.encode("utf-8"))
        else:
            path.write_bytes(csv_text(fields, content).encode("utf-8"))
    return paths


def load(
    folder: Path,
    episodes: Iterable[Mapping[str, str]] | str | bytes,
    interviews: Iterable[Mapping[str, str]] | str | bytes = (),
    *,
    skip_bad_rows: bool = False,
) -> CheckedInputs:
    ep_path, iv_path = write_inputs(folder, episodes, interviews)
    return load_inputs(ep_path, iv_path, skip_bad_rows=skip_bad_rows)


def indicators(
    folder: Path,
    episodes: Iterable[Mapping[str, str]] | str | bytes,
    interviews: Iterable[Mapping[str, str]] | str | bytes = (),
    **options: object,
) -> pl.DataFrame:
    """Write the files, load and check them, and compute the indicator table."""
    checked = load(folder, episodes, interviews)
    return compute_indicators(checked.episodes, checked.interviews, **options)  # type: ignore[arg-type]


def only_row(table: pl.DataFrame) -> dict[str, object]:
    assert table.height == 1, table
    return table.row(0, named=True)


def run_cli(
    argv: Sequence[object], capsys: pytest.CaptureFixture[str] | None = None
) -> tuple[int, str, str]:
    """Run `indicators ARGV` through a parser that only has what `cli.register` adds.

    Returns the exit code, stdout and stderr (through `capsys` when given, else by
    redirecting the streams).
    """
    parser = argparse.ArgumentParser(prog="homeward")
    subparsers = parser.add_subparsers(dest="command", required=True)
    cli.register(subparsers)
    args = parser.parse_args(["indicators", *map(str, argv)])
    if capsys is not None:
        capsys.readouterr()  # drop anything printed before
        code = args.handler(args)
        out, err = capsys.readouterr()
        return code, out, err
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = args.handler(args)
    return code, stdout.getvalue(), stderr.getvalue()

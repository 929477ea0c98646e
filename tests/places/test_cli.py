"""`homeward load-postcodes FILE`: the counts printed and the exit status."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from homeward.cli import main
from homeward.places.models import Postcode
from tests.places.helpers import HEADER, directory_row, write_directory

pytestmark = pytest.mark.django_db


def test_the_counts_are_printed_and_a_refused_row_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        directory_row("ZZ1 1AA", 53.8, -1.5),
        directory_row("ZZ1 1AB", 53.8, -1.5, doterm="202001"),
        directory_row("ZZ1 1AD", 53.8, -1.5)[:4],
    ]
    path = write_directory(tmp_path / "onspd.csv", rows)
    assert main(["load-postcodes", str(path)]) == 1
    out = capsys.readouterr().out
    assert "onspd.csv: 1 loaded, 0 updated, 0 unchanged, 1 skipped" in out
    assert "onspd.csv, line 4: has 4 fields where the header has 10" in out
    assert main(["load-postcodes", str(path), "--json"]) == 1
    counts = json.loads(capsys.readouterr().out)["counts"]
    assert (counts["loaded"], counts["unchanged"], counts["refused"]) == (0, 1, 1)
    assert Postcode.objects.count() == 1


def test_a_file_without_the_columns_is_refused_and_nothing_loaded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    header = [name for name in HEADER if name not in ("lat", "long", "east1m", "north1m")]
    path = write_directory(tmp_path / "extract.csv", [["ZZ1 1AA"] * len(header)], header)
    assert main(["load-postcodes", str(path)]) == 2
    out = capsys.readouterr().out
    assert "a location (lat and long, or east1m and north1m)" in out
    assert "nothing was loaded" in out
    assert main(["load-postcodes", str(tmp_path / "missing.csv")]) == 2
    assert Postcode.objects.count() == 0

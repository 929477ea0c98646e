"""Loading the ONS Postcode Directory: counts, idempotence, refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from homeward.formats.onspd import ONSPDError
from homeward.places.models import Postcode
from homeward.places.services import load_postcodes
from tests.places.helpers import HEADER, directory_row, write_directory

pytestmark = pytest.mark.django_db

ROWS = [
    directory_row("ZZ1 1AA", 53.80, -1.55),
    directory_row("ZZ1 1AB", 53.81, -1.56),
    directory_row("ZZ2 2AA", 53.70, -1.40, la="E06000902"),
    directory_row("ZZ3 3AA", 53.60, -1.30, doterm="201912"),  # terminated
    directory_row("ZZ4 4AA", 99.999999, 0.0),  # no grid reference
    ["ZZ5", "ZZ5", "ZZ5 5A", "200001", "", "", "", "E06000901", "53.5", "-1.2"],  # bad
]


def table() -> list[tuple[object, ...]]:
    return list(
        Postcode.objects.order_by("postcode").values_list(
            "postcode", "district", "latitude", "longitude", "la_code"
        )
    )


def test_a_file_is_loaded_with_its_counts(tmp_path: Path) -> None:
    result = load_postcodes(write_directory(tmp_path / "onspd.csv", ROWS))
    assert result.counts() == {
        "loaded": 3,
        "updated": 0,
        "unchanged": 0,
        "skipped": 2,
        "terminated": 1,
        "no_grid": 1,
        "refused": 1,
    }
    assert [(p.line, p.field) for p in result.problems] == [(7, "pcds")]
    assert table() == [
        ("ZZ1 1AA", "ZZ1", 53.8, -1.55, "E06000901"),
        ("ZZ1 1AB", "ZZ1", 53.81, -1.56, "E06000901"),
        ("ZZ2 2AA", "ZZ2", 53.7, -1.4, "E06000902"),
    ]


def test_loading_the_same_file_twice_leaves_the_same_table(tmp_path: Path) -> None:
    path = write_directory(tmp_path / "onspd.csv", ROWS)
    load_postcodes(path, batch_size=2)
    first = table()
    again = load_postcodes(path, batch_size=2)
    assert table() == first
    assert Postcode.objects.count() == 3
    assert (again.loaded, again.updated, again.unchanged) == (0, 0, 3)


def test_a_newer_release_updates_what_moved_and_adds_what_is_new(tmp_path: Path) -> None:
    load_postcodes(write_directory(tmp_path / "old.csv", ROWS))
    newer = [
        directory_row("ZZ1 1AA", 53.80, -1.55),
        directory_row("ZZ1 1AB", 53.81, -1.56, la="E06000903"),  # boundary change
        directory_row("ZZ6 6AA", 53.90, -1.70),
    ]
    result = load_postcodes(write_directory(tmp_path / "new.csv", newer))
    assert (result.loaded, result.updated, result.unchanged) == (1, 1, 1)
    assert Postcode.objects.get(postcode="ZZ1 1AB").la_code == "E06000903"
    # A postcode missing from the newer file is kept: records may still point at it.
    assert Postcode.objects.filter(postcode="ZZ2 2AA").exists()


def test_a_file_without_the_needed_columns_loads_nothing(tmp_path: Path) -> None:
    header = [name for name in HEADER if name != "lad25cd"]
    rows = [row[:7] + row[8:] for row in ROWS[:2]]
    with pytest.raises(ONSPDError, match="local authority"):
        load_postcodes(write_directory(tmp_path / "bad.csv", rows, header))
    assert Postcode.objects.count() == 0


def test_a_file_that_is_not_text_loads_nothing(tmp_path: Path) -> None:
    path = write_directory(tmp_path / "onspd.csv", ROWS)
    path.write_bytes(path.read_bytes() + b"\xff\xfe\x00garbage\n")
    with pytest.raises(ONSPDError, match="not UTF-8"):
        load_postcodes(path, batch_size=1)
    assert Postcode.objects.count() == 0

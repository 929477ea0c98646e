"""`homeward import-ssd`: the command over the import."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from homeward.care.models import Person
from homeward.cases.models import Child
from homeward.cli import main
from tests.care.extract import small_extract
from tests.factories import make_world

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _world() -> None:
    make_world()


def test_import_then_reimport_reports_the_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = small_extract().write(tmp_path / "extract")

    assert main(["import-ssd", str(folder)]) == 0
    first = capsys.readouterr().out
    assert "ssd_person: 3 added, 0 changed, 0 unchanged, 0 removed" in first
    assert "children: 3 added, 0 changed, 0 unchanged" in first

    assert main(["import-ssd", str(folder)]) == 0
    again = capsys.readouterr().out
    assert "ssd_person: 0 added, 0 changed, 3 unchanged, 0 removed" in again
    assert "imported missing episodes: 0 added, 0 changed, 3 unchanged" in again
    assert Child.objects.count() == 3


def test_a_zip_of_the_extract_reads_the_same(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in small_extract().files().items():
            archive.writestr(f"extract-2026-12-06/{name}.csv", data)
    path = tmp_path / "extract.zip"
    path.write_bytes(buffer.getvalue())

    assert main(["import-ssd", str(path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["applied"] is True
    assert report["tables"]["ssd_missing"]["added"] == 3


def test_bad_rows_refuse_the_extract_with_every_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = small_extract()
    bad.tables["ssd_legal_status"][0]["lega_legal_status"] = "C9"
    bad.tables["ssd_missing"][0]["miss_missing_episode_type"] = "R"

    assert main(["import-ssd", str(bad.write(tmp_path / "bad"))]) == 1
    out = capsys.readouterr().out
    assert "The extract was refused: 2 problems; nothing was imported." in out
    assert "ssd_legal_status.csv, line 2, lega_legal_status: C9 is not in the SSDA903" in out
    assert "ssd_missing.csv, line 2, miss_missing_episode_type: R is not in" in out
    assert Person.objects.count() == 0


def test_a_missing_table_refuses_the_whole_extract(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = small_extract().write(tmp_path / "extract")
    (folder / "ssd_missing.csv").unlink()

    assert main(["import-ssd", str(folder)]) == 2
    out = capsys.readouterr().out
    assert "ssd_missing.csv: is missing; the extract needs every table" in out
    assert Person.objects.count() == 0


def test_a_file_that_is_not_a_zip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "extract.zip"
    path.write_bytes(b"not a zip")

    assert main(["import-ssd", str(path)]) == 2
    assert "extract.zip: is not a ZIP file" in capsys.readouterr().out

"""`homeward export`: the page's exports from the command line, with the same checks."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

import openpyxl
import pytest

from homeward.audit.models import AccessEvent
from homeward.cases import clock
from homeward.cli import main
from homeward.formats import annex_a
from tests.cases.test_indicator_tables import build_records
from tests.factories import make_child, make_episode, make_world

pytestmark = pytest.mark.django_db


def test_writes_the_export_as_the_user_with_the_reason(tmp_path, capsys):
    records = build_records()
    manager = records.world.user("manager").username
    status = main(
        ["export", "performance-pack-pdf", "2025-26", "--user", manager,
         "--reason", "Monthly board", "--out", str(tmp_path)]
    )  # fmt: skip
    assert status == 0
    written = tmp_path / "performance-pack-2025-26.pdf"
    assert written.read_bytes()[:5] == b"%PDF-"
    assert "wrote performance-pack-2025-26.pdf" in capsys.readouterr().out
    (event,) = AccessEvent.objects.filter(action="export")
    assert (event.username, event.reason) == (manager, "Monthly board")


@pytest.mark.parametrize(
    ("user", "period", "message"),
    [
        ("nobody", "2025-26", "no active user"),
        ("worker", "2025-26", "may not take the export"),
        ("manager", "2025-11", "financial year"),
    ],
)
def test_refusals_write_nothing(tmp_path, capsys, user, period, message):
    records = build_records()
    username = records.world.user(user).username if user != "nobody" else user
    status = main(
        ["export", "authority-return", period, "--user", username, "--reason", "x",
         "--out", str(tmp_path)]
    )  # fmt: skip
    assert status == 2
    assert message in capsys.readouterr().out
    assert list(tmp_path.iterdir()) == []
    assert not AccessEvent.objects.filter(action="export").exists()


def test_unzip_writes_the_files_of_a_bundle(tmp_path, monkeypatch):
    from homeward.returns import exports
    from tests.returns import test_exports

    records = build_records()
    kind = exports.ExportKind(
        "fake", "Fake", "Test", "tests.returns.test_exports:fake_builder", personal=True
    )
    monkeypatch.setitem(exports.BY_NAME, "fake", kind)
    test_exports.calls.clear()
    manager = records.world.user("manager").username
    arguments = ["export", "fake", "2025-26", "--user", manager, "--reason", "x"]
    assert main([*arguments, "--out", str(tmp_path / "zip")]) == 0
    (bundle,) = (tmp_path / "zip").iterdir()
    assert zipfile.ZipFile(io.BytesIO(bundle.read_bytes())).namelist() == [
        "a.csv", "b.csv", "notes.txt"
    ]  # fmt: skip
    assert main([*arguments, "--out", str(tmp_path / "files"), "--unzip"]) == 0
    assert sorted(p.name for p in (tmp_path / "files").iterdir()) == [
        "a.csv", "b.csv", "notes.txt"
    ]  # fmt: skip


def list8_workbook(path, people):
    """The case system's own list 8: a title row, then the headings, then its children."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "List 8"
    sheet.append(["Annex A list 8 (the case system's report)"])
    columns = [annex_a.CHILD_ID, annex_a.LOOKED_AFTER_SINCE, annex_a.ALLOCATED_WORKER,
               *annex_a.FILLED_COLUMNS]  # fmt: skip
    sheet.append(columns)
    for person, since in people:
        sheet.append([person, since, "Case System Worker", None, None, None, None])
    book.save(path)
    return columns


def test_the_case_systems_list_8_workbook_is_filled_in(tmp_path, capsys):
    world = make_world()
    child = make_child(world)
    child.person_id = "LCS-100"
    child.save(update_fields=["person_id"])
    make_episode(world, child, started=clock.aware(datetime(2025, 9, 1, 18)))
    make_episode(world, child, started=clock.aware(datetime(2025, 10, 1, 18)), category="absent")
    make_episode(world, child, started=clock.aware(datetime(2024, 1, 1, 18)))  # over a year
    source = tmp_path / "list8.xlsx"
    columns = list8_workbook(source, [("LCS-100", "01/06/2024"), ("LCS-200", "01/01/2025")])
    out = tmp_path / "out"
    status = main(
        ["export", "annex-a-list-8", "2025-26", "--user", world.user("manager").username,
         "--reason", "Ofsted inspection", "--workbook", str(source), "--as-of", "2026-01-31",
         "--out", str(out)]
    )  # fmt: skip
    printed = capsys.readouterr().out
    assert status == 0, printed
    assert "1 children filled in" in printed
    sheet = openpyxl.load_workbook(out / "list8.xlsx").active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert rows[0] == columns
    filled = dict(zip(columns, rows[1], strict=True))
    assert filled[annex_a.MISSING] == 1 and filled[annex_a.ABSENT] == 1
    assert filled[annex_a.RHI_OFFERED] == annex_a.NO  # returned, no interview allocated
    assert filled[annex_a.ALLOCATED_WORKER] == "Case System Worker"  # left as it was
    other = dict(zip(columns, rows[2], strict=True))
    assert (other[annex_a.MISSING], other[annex_a.RHI_OFFERED]) == (0, None)
    (event,) = AccessEvent.objects.filter(action="export", child_id=child.pk)
    assert event.reason == "Ofsted inspection"


def test_a_workbook_without_list_8s_headings_is_refused(tmp_path, capsys):
    world = make_world()
    source = tmp_path / "other.xlsx"
    openpyxl.Workbook().save(source)
    status = main(
        ["export", "annex-a-list-8", "2025-26", "--user", world.user("manager").username,
         "--reason", "Ofsted", "--workbook", str(source), "--out", str(tmp_path / "out")]
    )  # fmt: skip
    assert status == 2
    assert "refused: no sheet has a 'Child Unique ID' heading" in capsys.readouterr().out
    assert not (tmp_path / "out").exists()

"""`homeward export`: the page's exports from the command line, with the same checks."""

from __future__ import annotations

import io
import zipfile

import pytest

from homeward.audit.models import AccessEvent
from homeward.cli import main
from tests.cases.test_indicator_tables import build_records

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

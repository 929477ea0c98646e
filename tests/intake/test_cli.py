"""`homeward intake FILE`: the receipt, and the exit status a police drop script checks."""

from __future__ import annotations

import json

import pytest

from homeward.cli import main
from homeward.intake.models import PoliceReport
from tests.factories import make_world
from tests.intake.helpers import notification

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world():
    return make_world()


def test_a_good_file_exits_0_and_prints_the_receipt(world, tmp_path, capsys):
    path = tmp_path / "drop.json"
    path.write_text(json.dumps([notification()]))
    assert main(["intake", str(path)]) == 0
    out = capsys.readouterr().out
    assert "1 accepted, 0 amended, 0 duplicate, 0 rejected" in out
    assert main(["intake", str(path)]) == 0
    assert "0 accepted, 0 amended, 1 duplicate" in capsys.readouterr().out
    assert PoliceReport.objects.count() == 1


def test_a_rejected_record_exits_1_naming_file_line_and_field(world, tmp_path, capsys):
    path = tmp_path / "drop.json"
    path.write_text(json.dumps([notification(), notification(police_reference="X", sex="?")]))
    assert main(["intake", str(path)]) == 1
    out = capsys.readouterr().out
    assert "drop.json, line 2, sex:" in out


def test_an_unreadable_file_exits_2(world, tmp_path, capsys):
    assert main(["intake", str(tmp_path / "missing.csv")]) == 2
    path = tmp_path / "drop.csv"
    path.write_bytes(b"not,a,header\n1,2,3\n")
    assert main(["intake", str(path)]) == 2
    assert "drop.csv" in capsys.readouterr().out
    assert main(["intake", str(path), "--force", "nowhere"]) == 2


def test_json_receipt(world, tmp_path, capsys):
    path = tmp_path / "drop.json"
    path.write_text(json.dumps([notification()]))
    assert main(["intake", str(path), "--json", "--force", "fictional"]) == 0
    receipt = json.loads(capsys.readouterr().out)
    assert receipt["counts"]["accepted"] == 1 and receipt["source"] == "file"


def test_a_big_file_is_taken_in_a_chunk_at_a_time_with_the_same_receipt(
    world, tmp_path, capsys, settings, monkeypatch
):
    from django_tasks_db.models import DBTaskResult

    from homeward.intake import services
    from homeward.intake.models import IntakeBatch, QueuedBody

    settings.HOMEWARD_INTAKE_QUEUE_OVER = 20
    settings.HOMEWARD_INTAKE_CHUNK = 10
    starts = []
    real = services._store_chunk

    def store_chunk(batch_id, start, *args, **kwargs):
        starts.append(start)
        return real(batch_id, start, *args, **kwargs)

    monkeypatch.setattr(services, "_store_chunk", store_chunk)
    records = [notification(police_reference=f"BIG-{n:03d}") for n in range(1, 36)]
    records.append(notification(police_reference="BAD", sex="?"))
    path = tmp_path / "drop.json"
    path.write_text(json.dumps(records))
    assert main(["intake", str(path)]) == 1
    out = capsys.readouterr().out
    assert "35 accepted, 0 amended, 0 duplicate, 1 rejected" in out
    assert "drop.json, line 36, sex:" in out
    # Four transactions of at most 10 records, not one for the whole file.
    assert starts == [0, 10, 20, 30]
    batch = IntakeBatch.objects.get()
    assert (batch.status, batch.processed, batch.total, batch.source) == (
        "done",
        36,
        36,
        "drop.json",
    )
    # Taken in by the command itself: no task for the worker, and the file is not kept.
    assert DBTaskResult.objects.count() == 0 and QueuedBody.objects.count() == 0
    assert main(["intake", str(path)]) == 1
    assert "0 accepted, 0 amended, 35 duplicate, 1 rejected" in capsys.readouterr().out
    assert PoliceReport.objects.count() == 35


def test_a_big_file_that_cannot_be_read_exits_2(world, tmp_path, capsys, settings):
    settings.HOMEWARD_INTAKE_QUEUE_OVER = 20
    path = tmp_path / "drop.csv"
    path.write_text("not,a,header\n" + "1,2,3\n" * 40)
    assert main(["intake", str(path)]) == 2
    out = capsys.readouterr().out
    assert "drop.csv: " in out and "not" in out
    assert PoliceReport.objects.count() == 0

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

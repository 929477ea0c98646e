"""`manage.py partner` and `manage.py exchange`, as an administrator runs them."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from homeward.exchange import services
from homeward.exchange.models import OutboxMessage, Partner
from homeward.formats import exchange as ex
from tests.exchange.partner import CODE, FakePartner
from tests.factories import make_world

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def keyfile(tmp_path: Path) -> tuple[FakePartner, Path]:
    make_world()
    partner = FakePartner()
    path = tmp_path / "keys.json"
    path.write_text(json.dumps(partner.jwks()))
    return partner, path


def test_add_list_rotate_and_remove_a_partner(
    keyfile: tuple[FakePartner, Path], tmp_path: Path
) -> None:
    partner, path = keyfile
    out = run("partner", "add", CODE, "https://neighbour.example/", str(path))
    assert "added Neighbouring County Council (E10000097): https://neighbour.example" in out
    for key in partner.jwks()["keys"]:  # the thumbprints to read out on the telephone
        assert f"{key['use']} {key['kid']}" in out

    new = ex.KeyPair.generate()
    newfile = tmp_path / "new.json"
    newfile.write_text(json.dumps(new.public_jwks()))
    out = run("partner", "rotate-key", CODE, str(newfile), "--overlap-days", "3")
    assert "2 new keys; the others in force for 3 days" in out
    assert out.count(" until ") == 2  # the old two, retiring

    listed = run("partner", "list")
    assert (
        "E10000097  Neighbouring County Council  https://neighbour.example  active  0 waiting"
        in listed
    )

    out = run("partner", "remove", CODE)
    assert "removed Neighbouring County Council (E10000097); 0 messages to it still waiting" in out
    assert not Partner.objects.get().active


def test_bad_input_is_refused_with_its_reason(
    keyfile: tuple[FakePartner, Path], tmp_path: Path
) -> None:
    _, path = keyfile
    with pytest.raises(CommandError, match="https://"):
        run("partner", "add", CODE, "http://neighbour.example", str(path))
    with pytest.raises(CommandError, match="cannot be read"):
        run("partner", "add", CODE, "https://neighbour.example", str(tmp_path / "none.json"))
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    with pytest.raises(CommandError, match="not JSON"):
        run("partner", "add", CODE, "https://neighbour.example", str(bad))
    with pytest.raises(CommandError, match="not a partner"):
        run("partner", "remove", CODE)
    assert Partner.objects.count() == 0


def test_keys_and_a_test_message(
    keyfile: tuple[FakePartner, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    partner, path = keyfile
    published = json.loads(run("exchange", "keys"))
    assert published == services.own_public_jwks()
    run("partner", "add", CODE, "https://neighbour.example", str(path))
    monkeypatch.setattr(services, "_post", partner.post)

    out = run("exchange", "send-test", CODE, "--note", "ring me")
    assert "delivered" in out
    assert partner.received[0].payload == {"note": "ring me"}
    assert OutboxMessage.objects.get().state == "delivered"

    out = run("exchange", "rotate-own-key", "--overlap-days", "1")
    assert out.startswith("new keys: sig ")
    assert len(services.own_public_jwks()["keys"]) == 4


def test_deliver_reports_what_it_did(
    keyfile: tuple[FakePartner, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    partner, path = keyfile
    run("partner", "add", CODE, "https://neighbour.example", str(path))
    partner.answer = OSError("down")
    monkeypatch.setattr(services, "_post", partner.post)
    assert "waiting to be delivered (not reached: down)" in run("exchange", "send-test", CODE)
    message = OutboxMessage.objects.get()
    assert message.state == "pending" and "not reached: down" in message.last_error
    OutboxMessage.objects.update(next_attempt_at=message.created_at)
    partner.answer = None
    assert run("exchange", "deliver") == "tried 1, delivered 1, alerts sent 0\n"

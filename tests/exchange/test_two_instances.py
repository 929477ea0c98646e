"""Two real homeward instances talking over HTTP: this test's live server (Fictional County
Council, E10000099) and a second instance started beside it with its own database
(Neighbouring County Council, E10000097), set up with the documented commands. Each adds the
other as a partner, messages go both ways with signed receipts, and a message to an
instance that is down is delivered, once, when it is back."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction

from homeward.exchange import services
from homeward.exchange.models import InboxMessage, OutboxMessage
from tests.factories import make_world

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
B = "E10000097"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Instance:
    """The second instance: `manage.py` on its own SQLite database, and its web server."""

    def __init__(self, folder: Path) -> None:
        self.env = {
            **os.environ,
            "HOMEWARD_ENV": "development",
            "HOMEWARD_DATABASE_URL": "",
            "HOMEWARD_SQLITE_PATH": str(folder / "neighbour.sqlite3"),
            "HOMEWARD_EXCHANGE_ALLOW_HTTP": "1",
        }
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server: subprocess.Popen[bytes] | None = None

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    def start(self) -> None:
        self.server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{self.port}", "--noreload"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(
                    f"{self.url}/.well-known/homeward/keys.json", timeout=2
                ):
                    return
            except OSError:
                time.sleep(0.2)
        raise AssertionError("the second instance did not start")

    def stop(self) -> None:
        if self.server is not None:
            self.server.terminate()
            self.server.wait(timeout=30)
            self.server = None

    def count(self, model: str) -> int:
        code = f"from homeward.exchange.models import {model}; print({model}.objects.count())"
        # The last line: Django's shell may say first what it imported by itself.
        return int(self.manage("shell", "-c", code).strip().splitlines()[-1])


@pytest.fixture
def neighbour(tmp_path: Path) -> Iterator[Instance]:
    instance = Instance(tmp_path)
    instance.manage("migrate", "--noinput", "--verbosity", "0")
    instance.manage("authority", B, "Neighbouring County Council", "--home")
    instance.manage("authority", "E10000099", "Fictional County Council")
    instance.start()
    yield instance
    instance.stop()


def _send(note: str) -> OutboxMessage:
    with transaction.atomic():
        return services.message_send(
            partner_code=B, kind="exchange.test", payload={"note": note}, reason="a test"
        )


def test_two_instances_exchange_messages_both_ways_and_survive_one_being_down(
    live_server: Any, neighbour: Instance, settings: Any, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    settings.HOMEWARD_EXCHANGE_ALLOW_HTTP = True
    make_world()
    # Deliveries are tried by this test, not by a worker on commit.
    queued: list[int] = []
    monkeypatch.setattr(services, "queue_delivery", lambda pk, when=None: queued.append(pk))

    # Each takes the other's published keys (the administrators compare the thumbprints).
    theirs = json.loads(neighbour.manage("exchange", "keys"))
    services.partner_add(code=B, url=neighbour.url, jwks=theirs)
    ours = tmp_path / "fictional-keys.json"
    ours.write_text(json.dumps(services.own_public_jwks()))
    added = neighbour.manage("partner", "add", "E10000099", live_server.url, str(ours))
    assert "added Fictional County Council (E10000099)" in added

    # This instance to the neighbour: delivered, with its receipt.
    message = services.outbox_deliver(pk=_send("from Fictional").pk)
    assert message.state == OutboxMessage.State.DELIVERED, message.last_error
    assert neighbour.count("InboxMessage") == 1

    # The neighbour to this instance, with its own command.
    out = neighbour.manage("exchange", "send-test", "E10000099", "--note", "from Neighbouring")
    assert "delivered" in out
    received = InboxMessage.objects.get()
    assert received.partner.code == B and json.loads(received.payload) == {
        "note": "from Neighbouring"
    }

    # The neighbour is down: the message waits, with the reason, and is not lost.
    neighbour.stop()
    waiting = services.outbox_deliver(pk=_send("while you were down").pk)
    assert waiting.state == OutboxMessage.State.PENDING
    assert waiting.last_error.startswith("not reached")
    # Back up: the next attempt delivers it, once.
    neighbour.start()
    counts = services.outbox_deliver_due(now=waiting.next_attempt_at)
    assert counts["delivered"] == 1
    assert OutboxMessage.objects.get(pk=waiting.pk).state == OutboxMessage.State.DELIVERED
    assert neighbour.count("InboxMessage") == 2
    assert set(queued) == {m.pk for m in OutboxMessage.objects.all()}


def test_a_stranger_instance_is_refused(
    live_server: Any, neighbour: Instance, tmp_path: Path, settings: Any
) -> None:
    settings.HOMEWARD_EXCHANGE_ALLOW_HTTP = True
    make_world()
    # The neighbour knows this instance, but this instance has not added the neighbour.
    ours = tmp_path / "fictional-keys.json"
    ours.write_text(json.dumps(services.own_public_jwks()))
    neighbour.manage("partner", "add", "E10000099", live_server.url, str(ours))
    out = neighbour.manage("exchange", "send-test", "E10000099")
    assert "waiting to be delivered (HTTP 403, not_trusted" in out
    assert InboxMessage.objects.count() == 0


#: The neighbour's people and the child we placed there, made in its own database.
NEIGHBOUR_SET_UP = """
from datetime import date
from homeward.accounts.models import Role, User
from homeward.cases import services as cs
from homeward.cases.models import Child
from homeward.organisations.models import Authority, Organisation
home = Authority.objects.get(gss_code="E10000097")
team = Organisation.objects.create(name="Neighbouring Team", kind="authority_team", authority=home)
for name, role in (("coordinator", Role.COORDINATOR), ("worker", Role.WORKER),
                   ("manager", Role.MANAGER)):
    User.objects.create_user(username=name, password="x-Long-enough-1", role=role,
                             organisation=team, first_name=name.title(), last_name="Next")
child = cs.child_create(
    by=User.objects.get(username="coordinator"), first_name="Jordan", last_name="Example",
    date_of_birth=date(2011, 5, 14),
    responsible_authority=Authority.objects.get(gss_code="E10000099"))
Child.objects.filter(pk=child.pk).update(nhs_number="9434765919")
"""

#: The neighbour accepts the request (linked at once by NHS number and date of birth).
NEIGHBOUR_ACCEPTS = """
from homeward.accounts.models import User
from homeward.exchange import arrangements
from homeward.exchange.models import InterviewArrangement
from homeward.organisations.models import Organisation
asked = InterviewArrangement.objects.get()
assert asked.child is not None, "not linked"
done = arrangements.request_answer(
    by=User.objects.get(username="coordinator"), arrangement=asked, accept=True,
    organisation=Organisation.objects.get(name="Neighbouring Team"))
print(done.interview.reference)
"""

#: The neighbour holds it, writes it up and signs it off.
NEIGHBOUR_HOLDS = """
from datetime import timedelta
from django.utils import timezone
from homeward.accounts.models import User
from homeward.cases import services as cs
from homeward.cases.models import ReturnInterview
worker = User.objects.get(username="worker")
ReturnInterview.objects.update(allocated_worker=worker)
interview = ReturnInterview.objects.get()
cs.interview_record_offer(by=worker, interview=interview, method="in_person",
                          offered_at=timezone.now() - timedelta(hours=2), offered_to="child")
interview.refresh_from_db()
cs.interview_write_up(by=worker, interview=interview, expected_version=interview.version,
    write_up=cs.WriteUp(held_at=timezone.now() - timedelta(hours=1), held_where="At school",
                        child_words="I stayed at a friend's flat.", harms=("drugs_alcohol",)))
cs.interview_submit_for_sign_off(by=worker, interview=interview)
cs.interview_sign_off(by=User.objects.get(username="manager"), interview=interview)
"""


def test_the_host_holds_our_interview_and_its_outcome_becomes_our_record(
    live_server: Any, neighbour: Instance, settings: Any, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    from homeward.cases import indicator_tables
    from homeward.cases.models import Child, ReturnInterview
    from homeward.exchange import arrangements
    from homeward.organisations.models import Authority
    from tests.factories import make_child, make_episode, make_interview

    settings.HOMEWARD_EXCHANGE_ALLOW_HTTP = True
    world = make_world()
    monkeypatch.setattr(services, "queue_delivery", lambda pk, when=None: None)
    services.partner_add(
        code=B, url=neighbour.url, jwks=json.loads(neighbour.manage("exchange", "keys"))
    )
    ours = tmp_path / "fictional-keys.json"
    ours.write_text(json.dumps(services.own_public_jwks()))
    neighbour.manage("partner", "add", "E10000099", live_server.url, str(ours))
    neighbour.manage("shell", "-c", NEIGHBOUR_SET_UP)

    child = make_child(world, host_authority=Authority.objects.get(gss_code=B))
    Child.objects.filter(pk=child.pk).update(nhs_number="9434765919")
    interview = make_interview(world, [make_episode(world, child)])
    with transaction.atomic():
        arrangement = arrangements.request_send(
            by=world.user("coordinator"), interview=interview, note="Meet at school."
        )
    services.outbox_deliver_due()  # the episode's missing notice, and the request
    asked = OutboxMessage.objects.get(kind="interview.request")
    assert asked.state == OutboxMessage.State.DELIVERED, asked.last_error

    theirs = neighbour.manage("shell", "-c", NEIGHBOUR_ACCEPTS).strip().splitlines()[-1]
    assert "delivered 1" in neighbour.manage("exchange", "deliver")
    arrangement.refresh_from_db()
    assert arrangement.state == "accepted" and arrangement.their_interview_reference == theirs

    neighbour.manage("shell", "-c", NEIGHBOUR_HOLDS)
    assert "delivered 1" in neighbour.manage("exchange", "deliver")
    interview = ReturnInterview.objects.get(pk=interview.pk)
    assert interview.held_by_authority == B and interview.held_at is not None
    assert interview.child_words == "I stayed at a friend's flat."
    assert interview.submitted_for_sign_off_at is not None and interview.signed_off_at is None
    _, interviews = indicator_tables.contract_tables()
    assert interviews["held_by_authority"].to_list() == [B]
    # The neighbour counts none of it.
    script = (
        "from homeward.cases import indicator_tables as t; e, i = t.contract_tables(); "
        "print(e.height, i.height)"
    )
    assert neighbour.manage("shell", "-c", script).strip().splitlines()[-1] == "0 0"


#: The neighbour, as the national body: its analyst's view of what it received.
NATIONAL_LISTS = """
from homeward.returns import national
for one in national.received():
    state = "replaced" if one.replaced_at else "current"
    print(one.period, one.partner.code, one.row["incidents"], state)
"""


def test_an_authority_sends_its_annual_return_to_a_national_body_instance(
    live_server: Any, neighbour: Instance, settings: Any, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """The second instance plays the national body (HOMEWARD_NATIONAL_BODY=1): the return is
    delivered over HTTP, checked there, and a resubmission replaces it with history kept."""
    from datetime import datetime, timedelta

    from django.utils import timezone

    from homeward.returns import national
    from tests.factories import make_child, make_episode

    settings.HOMEWARD_EXCHANGE_ALLOW_HTTP = True
    settings.HOMEWARD_NATIONAL_COLLECTION = B
    world = make_world()
    monkeypatch.setattr(services, "queue_delivery", lambda pk, when=None: None)
    neighbour.stop()
    neighbour.env["HOMEWARD_NATIONAL_BODY"] = "1"
    neighbour.start()
    services.partner_add(
        code=B, url=neighbour.url, jwks=json.loads(neighbour.manage("exchange", "keys"))
    )
    ours = tmp_path / "fictional-keys.json"
    ours.write_text(json.dumps(services.own_public_jwks()))
    neighbour.manage("partner", "add", "E10000099", live_server.url, str(ours))

    today = timezone.localdate()
    first = today.year - 1 if today.month >= 4 else today.year - 2
    period = f"{first}-{(first + 1) % 100:02d}"
    started = timezone.make_aware(datetime(first, 6, 10, 20, 0))
    child = make_child(world)
    make_episode(world, child, started=started)
    with transaction.atomic():
        national.national_send(by=world.user("manager"), period=period)
    make_episode(world, child, started=started + timedelta(days=20))
    with transaction.atomic():
        national.national_send(by=world.user("manager"), period=period)
    assert services.outbox_deliver_due()["delivered"] == 2
    lines = neighbour.manage("shell", "-c", NATIONAL_LISTS).strip().splitlines()[-2:]
    assert sorted(lines) == sorted(
        [f"{period} E10000099 2 current", f"{period} E10000099 1 replaced"]
    )

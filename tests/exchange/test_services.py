"""The exchange's services: partners and keys, the outbox delivered with retries and never
dropped, the inbox taking each message once, and the access log of both."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from homeward.audit.models import AccessEvent
from homeward.exchange import services
from homeward.exchange.models import InboxMessage, OutboxMessage, Partner
from homeward.formats import exchange as ex
from tests.exchange.partner import CODE, FakePartner
from tests.factories import World, make_world

pytestmark = pytest.mark.django_db


def send(note: str = "hello", by: object = None) -> OutboxMessage:
    with transaction.atomic():
        return services.message_send(
            partner_code=CODE,
            kind="exchange.test",
            payload={"note": note},
            reason="checking the link",
            by=by,  # type: ignore[arg-type]
        )


# --- sending -------------------------------------------------------------------------------------


def test_a_message_is_delivered_once_with_the_partners_receipt(
    world: World, partner: FakePartner
) -> None:
    message = send(by=world.user("coordinator"))
    assert message.state == OutboxMessage.State.PENDING

    delivered = services.outbox_deliver(pk=message.pk, post=partner.post)

    assert delivered.state == OutboxMessage.State.DELIVERED
    stored = OutboxMessage.objects.get(pk=message.pk)
    assert stored.state == OutboxMessage.State.DELIVERED and stored.receipt
    assert stored.attempts == 1 and stored.delivered_at is not None
    assert [e.message_id for e in partner.received] == [str(message.message_id)]
    assert partner.received[0].payload == {"note": "hello"}
    assert partner.urls == ["https://partner.example/api/exchange/v1/inbox"]
    # Delivered: not sent again.
    services.outbox_deliver(pk=message.pk, post=partner.post)
    assert len(partner.received) == 1
    # In the access log, with its reason, by whom.
    event = AccessEvent.objects.get(action=AccessEvent.Action.SHARE)
    assert (event.reason, event.username) == ("checking the link", "coordinator")
    assert str(message.message_id) in event.detail and CODE in event.what


def test_the_outbox_is_written_with_the_change_that_causes_it(
    world: World, partner: FakePartner
) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        services.message_send(
            partner_code=CODE, kind="exchange.test", payload={}, reason="a change undone"
        )
        raise RuntimeError("the change failed")
    assert OutboxMessage.objects.count() == 0
    assert AccessEvent.objects.filter(action=AccessEvent.Action.SHARE).count() == 0


def test_a_message_without_a_reason_or_of_a_bad_shape_never_enters_the_outbox(
    world: World, partner: FakePartner
) -> None:
    with pytest.raises(ValidationError, match="reason"):
        services.message_send(partner_code=CODE, kind="exchange.test", payload={}, reason=" ")
    with pytest.raises(ValidationError, match=r"payload\.note"):
        services.message_send(
            partner_code=CODE, kind="exchange.test", payload={"note": 3}, reason="why"
        )
    with pytest.raises(ValidationError, match="not a partner"):
        services.message_send(
            partner_code="E10000001", kind="exchange.test", payload={}, reason="why"
        )
    assert OutboxMessage.objects.count() == 0


def test_a_partner_that_is_down_is_tried_again_later_and_later(
    world: World, partner: FakePartner
) -> None:
    message = send()
    partner.answer = OSError("connection refused")
    now = timezone.now()
    waits = []
    for attempt in range(1, 9):
        tried = services.outbox_deliver(pk=message.pk, now=now, post=partner.post)
        assert tried.state == OutboxMessage.State.PENDING
        assert tried.attempts == attempt
        assert "not reached: connection refused" in tried.last_error
        waits.append((tried.next_attempt_at - now).total_seconds() / 60)
        now = tried.next_attempt_at
    assert waits == [1, 2, 4, 8, 16, 32, 60, 60]
    # Back up: delivered, with the same message id.
    partner.answer, partner.clock = None, now
    assert services.outbox_deliver(pk=message.pk, now=now, post=partner.post).state == "delivered"
    assert partner.received[0].message_id == str(message.message_id)


def test_only_due_messages_are_tried(world: World, partner: FakePartner) -> None:
    first, second = send("one"), send("two")
    OutboxMessage.objects.filter(pk=second.pk).update(
        next_attempt_at=timezone.now() + timedelta(minutes=5)
    )
    counts = services.outbox_deliver_due(post=partner.post)
    assert counts == {"tried": 1, "delivered": 1, "alerted": 0}
    assert [e.payload["note"] for e in partner.received] == ["one"]
    assert OutboxMessage.objects.get(pk=first.pk).state == "delivered"
    assert OutboxMessage.objects.get(pk=second.pk).state == "pending"


def test_a_message_undelivered_for_a_day_alerts_the_coordinators_once(
    world: World, partner: FakePartner
) -> None:
    message = send("the child's words")
    partner.answer = OSError("timed out")
    written = OutboxMessage.objects.get(pk=message.pk).created_at

    services.outbox_deliver_due(now=written + timedelta(hours=23), post=partner.post)
    assert mail.outbox == []

    counts = services.outbox_deliver_due(now=written + timedelta(hours=24), post=partner.post)
    assert counts["alerted"] == 1
    assert [m.to for m in mail.outbox] == [["coordinator@fictional.example"]]
    body = mail.outbox[0].body
    assert str(message.message_id) in body and "timed out" in body
    assert "the child's words" not in body  # references only: never what it says

    services.outbox_deliver_due(now=written + timedelta(hours=30), post=partner.post)
    assert len(mail.outbox) == 1
    # Never dropped: still waiting, still tried.
    assert OutboxMessage.objects.get(pk=message.pk).state == OutboxMessage.State.PENDING


def test_a_final_refusal_stops_the_retries_and_alerts_at_once(
    world: World, partner: FakePartner
) -> None:
    message = send()
    partner.answer = (400, {"problems": [{"code": "schema", "field": "payload", "reason": "x"}]})
    tried = services.outbox_deliver(pk=message.pk, post=partner.post)
    assert tried.state == OutboxMessage.State.REFUSED
    assert tried.last_error == "HTTP 400, schema: x"
    assert len(mail.outbox) == 1 and "was refused" in mail.outbox[0].body
    assert OutboxMessage.objects.filter(pk=message.pk).exists()  # kept


def test_a_partner_that_does_not_know_this_instance_yet_is_tried_again(
    world: World, partner: FakePartner
) -> None:
    message = send()
    partner.answer = (403, {"problems": [{"code": "unknown_sender", "reason": "who?"}]})
    tried = services.outbox_deliver(pk=message.pk, post=partner.post)
    assert tried.state == OutboxMessage.State.PENDING
    assert "unknown_sender" in tried.last_error


def test_a_receipt_not_signed_by_the_partner_is_not_a_delivery(
    world: World, partner: FakePartner
) -> None:
    message = send()
    forger = ex.KeyPair.generate()
    forged = ex.sign_receipt(
        ex.Receipt(str(message.message_id), "E10000099", CODE, timezone.now(), "accepted"),
        signing_key=forger.signing,
    )
    partner.answer = (200, {"status": "accepted", "receipt": forged})
    tried = services.outbox_deliver(pk=message.pk, post=partner.post)
    assert tried.state == OutboxMessage.State.PENDING
    assert "receipt was refused" in tried.last_error


def test_an_answer_nested_too_deeply_is_a_failed_attempt_not_a_crash(
    world: World, partner: FakePartner
) -> None:
    message = send()
    partner.answer = (200, b"[" * 50_000 + b"]" * 50_000)
    tried = services.outbox_deliver(pk=message.pk, post=partner.post)
    assert tried.state == OutboxMessage.State.PENDING and tried.attempts == 1
    assert tried.last_error == "HTTP 200"


def test_messages_to_a_removed_partner_are_kept_not_sent(
    world: World, partner: FakePartner
) -> None:
    message = send()
    services.partner_remove(code=CODE)
    tried = services.outbox_deliver(pk=message.pk, post=partner.post)
    assert tried.state == OutboxMessage.State.PENDING
    assert "removed" in tried.last_error
    assert partner.urls == []
    with pytest.raises(ValidationError, match="no longer a partner"):
        send()


# --- receiving -----------------------------------------------------------------------------------


def _from_partner(partner: FakePartner, **changes: object) -> tuple[ex.Envelope, str]:
    values: dict[str, object] = {
        "message_id": ex.new_message_id(),
        "kind": "exchange.test",
        "sender": CODE,
        "addressee": "E10000099",
        "reason": "checking the link back",
        "payload": {"note": "from the neighbour"},
    }
    values.update(changes)
    envelope = ex.Envelope(**values)  # type: ignore[arg-type]
    return envelope, partner.seal(envelope, to=services.own_public_jwks(), at=timezone.now())


def test_a_message_is_taken_once_and_its_receipt_given_again(
    world: World, partner: FakePartner
) -> None:
    envelope, token = _from_partner(partner)

    status, receipt = services.inbox_receive(token=token.encode())

    assert status == "accepted"
    read = ex.read_receipt(
        receipt,
        receiver_keys=ex.read_jwks(services.own_public_jwks())["sig"],
        message_id=envelope.message_id,
        sender=CODE,
    )
    assert read.receiver == "E10000099"
    stored = InboxMessage.objects.get()
    assert (str(stored.message_id), stored.partner.code, stored.kind) == (
        envelope.message_id, CODE, "exchange.test",
    )  # fmt: skip
    assert json.loads(stored.payload) == {"note": "from the neighbour"}
    event = AccessEvent.objects.get(action=AccessEvent.Action.RECEIVE)
    assert event.reason == "checking the link back" and envelope.message_id in event.detail

    # The same message again (the sender did not hear the answer): the same receipt.
    assert services.inbox_receive(token=token.encode()) == ("duplicate", receipt)
    # Sealed afresh for a retry (a new signature, the same id): still once.
    _, again = _from_partner(partner, message_id=envelope.message_id)
    assert services.inbox_receive(token=again.encode()) == ("duplicate", receipt)
    assert InboxMessage.objects.count() == 1
    assert InboxMessage.objects.get().repeats == 2
    assert AccessEvent.objects.filter(action=AccessEvent.Action.RECEIVE).count() == 1


def test_a_removed_partners_messages_are_refused(world: World, partner: FakePartner) -> None:
    _, token = _from_partner(partner)
    services.partner_remove(code=CODE)
    with pytest.raises(ex.MessageError) as caught:
        services.inbox_receive(token=token.encode())
    assert caught.value.code == "unknown_sender"
    assert InboxMessage.objects.count() == 0


# --- keys ----------------------------------------------------------------------------------------


def test_own_keys_rotate_with_an_overlap(world: World, partner: FakePartner) -> None:
    before = services.own_public_jwks()
    _, token = _from_partner(partner)  # encrypted for the old key
    now = timezone.now()
    services.own_key_rotate(overlap=timedelta(days=7), now=now)

    during = services.own_public_jwks(now=now + timedelta(days=6))
    assert len(during["keys"]) == 4
    old_kids = {key["kid"] for key in before["keys"]}
    assert old_kids < {key["kid"] for key in during["keys"]}
    # A message sealed for the old key before the rotation still opens in the overlap...
    assert services.inbox_receive(token=token.encode())[0] == "accepted"
    # ...and new messages are signed with the new key.
    message = send()
    services.outbox_deliver(pk=message.pk, post=partner.post)
    assert OutboxMessage.objects.get(pk=message.pk).state == "delivered"

    after = services.own_public_jwks(now=now + timedelta(days=7))
    assert len(after["keys"]) == 2 and not old_kids & {key["kid"] for key in after["keys"]}
    late = ex.seal(
        ex.Envelope(ex.new_message_id(), "exchange.test", CODE, "E10000099", "late", {}),
        signing_key=partner.keys.signing,
        recipient_key=ex.read_jwks(before)["enc"][0],
        now=now + timedelta(days=7),
    )
    with pytest.raises(ex.MessageError) as caught:
        services.inbox_receive(token=late.encode(), now=now + timedelta(days=7))
    assert caught.value.code == "not_for_us"


def test_a_partners_old_keys_verify_until_the_overlap_ends(
    world: World, partner: FakePartner
) -> None:
    old = partner.keys
    now = timezone.now()
    new = ex.KeyPair.generate()
    added = services.partner_rotate_key(
        code=CODE, jwks=new.public_jwks(), overlap=timedelta(days=2), now=now
    )
    assert len(added) == 2
    envelope = ex.Envelope(ex.new_message_id(), "exchange.test", CODE, "E10000099", "old key", {})
    published = services.own_public_jwks()
    token = ex.seal(envelope, signing_key=old.signing,
                    recipient_key=ex.read_jwks(published)["enc"][0], now=now)  # fmt: skip
    assert services.inbox_receive(token=token.encode(), now=now)[0] == "accepted"
    later = now + timedelta(days=2)
    stale_key = ex.Envelope(ex.new_message_id(), "exchange.test", CODE, "E10000099", "old", {})
    token = ex.seal(stale_key, signing_key=old.signing,
                    recipient_key=ex.read_jwks(published)["enc"][0], now=later)  # fmt: skip
    with pytest.raises(ex.MessageError) as caught:
        services.inbox_receive(token=token.encode(), now=later)
    assert caught.value.code == "bad_signature"


@pytest.mark.parametrize(
    ("code", "url", "message"),
    [
        ("E10000097", "http://partner.example", "https://"),
        ("E10000097", "https://partner.example/?a=1", "no query"),
        ("nobody", "https://partner.example", "not a GSS code"),
        ("E10000099", "https://partner.example", "its own partner"),
    ],
)
def test_a_partner_is_added_only_with_good_details(
    world: World, code: str, url: str, message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        services.partner_add(code=code, url=url, jwks=ex.KeyPair.generate().public_jwks())
    assert Partner.objects.count() == 0


def test_a_partner_is_added_once_and_named_after_its_authority(
    world: World, partner: FakePartner
) -> None:
    stored = Partner.objects.get()
    assert stored.name == "Neighbouring County Council"
    with pytest.raises(ValidationError, match="partner already"):
        partner.add()
    with pytest.raises(ValidationError, match="holds a private key"):
        services.partner_add(
            code="E10000001", url="https://x.example", jwks=ex.KeyPair.generate().private_jwks()
        )
    # Removed, then added again: the same record, active.
    services.partner_remove(code=CODE)
    partner.add()
    assert Partner.objects.get().active


# --- the worker ----------------------------------------------------------------------------------


@pytest.fixture
def restore_signals() -> object:
    """The worker command sets its own SIGINT/SIGTERM handlers: put pytest's back."""
    import signal

    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for number, handler in saved.items():
        signal.signal(number, handler)


@pytest.mark.django_db(transaction=True)
def test_the_worker_delivers_once_the_change_is_committed_and_queues_its_retry(
    monkeypatch: pytest.MonkeyPatch, restore_signals: object
) -> None:
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    from homeward.exchange import tasks

    make_world()
    partner = FakePartner()
    partner.add()
    monkeypatch.setattr(services, "_post", partner.post)
    partner.answer = OSError("down")

    message = send()
    queued = DBTaskResult.objects.get()
    assert queued.task_path == tasks.deliver_message.module_path
    assert queued.args_kwargs["args"] == [message.pk]

    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    tried = OutboxMessage.objects.get()
    assert (tried.state, tried.attempts) == ("pending", 1)
    retry = DBTaskResult.objects.filter(status="READY").get()
    assert retry.run_after == tried.next_attempt_at  # the back-off, not at once

    partner.answer = None
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    assert OutboxMessage.objects.get().state == "delivered"
    assert len(partner.received) == 1


# --- what a review found (each a test first) ----------------------------------------------------


def test_a_partner_removed_and_added_again_exchanges_again(
    world: World, partner: FakePartner
) -> None:
    services.partner_remove(code=CODE)
    partner.add()  # the same keys
    _, token = _from_partner(partner)
    assert services.inbox_receive(token=token.encode())[0] == "accepted"
    message = send()
    assert services.outbox_deliver(pk=message.pk, post=partner.post).state == "delivered"


def test_after_a_rotation_the_old_key_signs_until_the_overlap_ends(
    world: World, partner: FakePartner
) -> None:
    partner.knows = services.own_public_jwks()  # the partner has not taken the new keys
    now = timezone.now()
    services.own_key_rotate(overlap=timedelta(days=7), now=now)
    message = send()
    assert services.outbox_deliver(pk=message.pk, now=now, post=partner.post).state == "delivered"
    # The receipts this instance gives are signed with the old key too.
    envelope, token = _from_partner(partner)
    _, receipt = services.inbox_receive(token=token.encode(), now=now)
    ex.read_receipt(
        receipt,
        receiver_keys=ex.read_jwks(partner.knows)["sig"],
        message_id=envelope.message_id,
        sender=CODE,
    )
    # Once the overlap is over, the new key signs: a partner still holding only the old
    # keys refuses, and the message waits.
    later = now + timedelta(days=7)
    partner.clock = later
    message = send("after")
    tried = services.outbox_deliver(pk=message.pk, now=later, post=partner.post)
    assert tried.state == "pending" and tried.last_error.startswith("HTTP 403, not_trusted")


def test_a_key_of_one_partner_is_not_taken_for_another(world: World, partner: FakePartner) -> None:
    with pytest.raises(ValidationError, match="Neighbouring County Council's"):
        services.partner_add(code="E10000001", url="https://other.example", jwks=partner.jwks())
    assert Partner.objects.count() == 1


def test_an_answer_cut_short_is_a_failed_attempt(world: World, partner: FakePartner) -> None:
    import http.client

    def cut(url: str, body: bytes) -> tuple[int, bytes]:
        raise http.client.IncompleteRead(b"{")

    message = send()
    tried = services.outbox_deliver(pk=message.pk, post=cut)
    assert tried.state == "pending" and tried.attempts == 1
    assert tried.last_error.startswith("failed: IncompleteRead")

"""The exchange over HTTP: the inbox and the published keys, with no sign-in."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from homeward.exchange import services
from homeward.exchange.models import InboxMessage
from homeward.formats import exchange as ex
from tests.exchange.partner import CODE, FakePartner
from tests.factories import make_world

pytestmark = pytest.mark.django_db

INBOX = "/api/exchange/v1/inbox"


@pytest.fixture
def partner() -> FakePartner:
    make_world()
    partner = FakePartner()
    partner.add()
    return partner


def _token(partner: FakePartner, message_id: str | None = None) -> str:
    envelope = ex.Envelope(
        message_id or ex.new_message_id(), "exchange.test", CODE, "E10000099", "a test", {}
    )
    return partner.seal(envelope, to=services.own_public_jwks(), at=timezone.now())


def _post(body: bytes | str, media: str = ex.MESSAGE_TYPE, **extra: str) -> object:
    data = body.encode() if isinstance(body, str) else body
    return Client().post(INBOX, data=data, content_type=media, **extra)


def test_the_keys_are_published_without_private_parts(partner: FakePartner) -> None:
    response = Client().get("/.well-known/homeward/keys.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/jwk-set+json"
    published = response.json()
    assert published["authority"] == "E10000099"
    assert {key["use"] for key in published["keys"]} == {"sig", "enc"}
    assert all("d" not in key for key in published["keys"])
    ex.read_jwks(published)  # a key set a partner can take


def test_a_message_is_taken_and_answered_with_a_receipt_once(partner: FakePartner) -> None:
    token = _token(partner)
    first = _post(token)
    assert first.status_code == 200  # type: ignore[attr-defined]
    assert first.json()["status"] == "accepted"  # type: ignore[attr-defined]
    again = _post(token)
    assert again.status_code == 200  # type: ignore[attr-defined]
    assert again.json() == {"status": "duplicate", "receipt": first.json()["receipt"]}  # type: ignore[attr-defined]
    assert InboxMessage.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "media", "status", "code"),
    [
        (b"x", "application/json", 415, "media_type"),
        (b"not.a.sealed.message", ex.MESSAGE_TYPE, 400, "unreadable"),
    ],
)
def test_what_is_not_a_message_is_refused_with_its_reason(
    partner: FakePartner, body: bytes, media: str, status: int, code: str
) -> None:
    response = _post(body, media)
    assert response.status_code == status  # type: ignore[attr-defined]
    assert response.json()["problems"][0]["code"] == code  # type: ignore[attr-defined]
    assert InboxMessage.objects.count() == 0


def test_the_size_is_refused_before_the_body_is_read(partner: FakePartner) -> None:
    response = _post(b"x", CONTENT_LENGTH=str(ex.MAX_MESSAGE_BYTES + 1))
    assert response.status_code == 413  # type: ignore[attr-defined]
    assert response.json()["problems"][0]["code"] == "too_large"  # type: ignore[attr-defined]


def test_a_stranger_is_refused(partner: FakePartner) -> None:
    stranger = FakePartner(code="E10000001")
    response = _post(stranger.seal(
        ex.Envelope(ex.new_message_id(), "exchange.test", "E10000001", "E10000099", "hi", {}),
        to=services.own_public_jwks(), at=timezone.now(),
    ))  # fmt: skip
    assert response.status_code == 403  # type: ignore[attr-defined]
    # The same answer as for a partner's code with a signature that does not verify: a
    # stranger learns nothing of who the partners are.
    problem = {
        "code": "not_trusted",
        "field": None,
        "reason": "the message is not signed by a partner of this instance",
    }
    assert response.json()["problems"][0] == problem  # type: ignore[attr-defined]
    forged = FakePartner()  # the partner's code, another key
    response = _post(_token(forged))
    assert response.status_code == 403  # type: ignore[attr-defined]
    assert response.json()["problems"][0] == problem  # type: ignore[attr-defined]


def test_the_inbox_takes_only_post(partner: FakePartner) -> None:
    assert Client().get(INBOX).status_code == 405

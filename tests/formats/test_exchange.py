"""The exchange's messages (pure core): sealed by one authority, opened only by the other,
and every check the receiver makes refusing what it must, with the reason."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest

from homeward.formats import exchange as ex

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
A, B = "E06000023", "E08000012"  # sender and addressee


@pytest.fixture(scope="module")
def keys() -> dict[str, ex.KeyPair]:
    return {"a": ex.KeyPair.generate(), "b": ex.KeyPair.generate(), "x": ex.KeyPair.generate()}


def _public(pair: ex.KeyPair) -> dict[str, list[object]]:
    return ex.read_jwks(pair.public_jwks())


def envelope(**changes: object) -> ex.Envelope:
    values: dict[str, object] = {
        "message_id": ex.new_message_id(),
        "kind": "exchange.test",
        "sender": A,
        "addressee": B,
        "reason": "checking the link",
        "payload": {"note": "hello"},
    }
    values.update(changes)
    return ex.Envelope(**values)  # type: ignore[arg-type]


def sealed(keys: dict[str, ex.KeyPair], one: ex.Envelope | None = None, *, by: str = "a",
           at: datetime = NOW) -> str:  # fmt: skip
    return ex.seal(
        one or envelope(),
        signing_key=keys[by].signing,
        recipient_key=_public(keys["b"])["enc"][0],
        now=at,
    )


def opened(keys: dict[str, ex.KeyPair], token: str | bytes, **changes: object) -> ex.Envelope:
    arguments: dict[str, object] = {
        "own_code": B,
        "own_keys": [keys["b"].encryption],
        "sender_keys": lambda code: _public(keys["a"])["sig"] if code == A else None,
        "now": NOW,
    }
    arguments.update(changes)
    return ex.open_message(token, **arguments)  # type: ignore[arg-type]


def refusal(keys: dict[str, ex.KeyPair], token: str | bytes, **changes: object) -> ex.MessageError:
    with pytest.raises(ex.MessageError) as caught:
        opened(keys, token, **changes)
    return caught.value


def test_a_sealed_message_opens_as_it_was_sent(keys: dict[str, ex.KeyPair]) -> None:
    sent = envelope()
    token = sealed(keys, sent)

    got = opened(keys, token)

    assert (got.message_id, got.kind, got.sender, got.addressee, got.reason, got.payload) == (
        sent.message_id, "exchange.test", A, B, "checking the link", {"note": "hello"},
    )  # fmt: skip
    assert got.signed_at == NOW
    # Encrypted: nothing of what it says is in the token.
    assert "hello" not in token and "checking" not in token
    assert token.count(".") == 4  # a compact JWE


def test_only_the_addressee_can_open_it(keys: dict[str, ex.KeyPair]) -> None:
    error = refusal(keys, sealed(keys), own_keys=[keys["x"].encryption])
    assert error.code == "not_for_us"


def test_a_sender_that_is_not_a_partner_is_refused(keys: dict[str, ex.KeyPair]) -> None:
    error = refusal(keys, sealed(keys), sender_keys=lambda code: None)
    assert (error.code, error.field) == ("unknown_sender", "iss")
    assert A in error.reason


def test_a_message_signed_by_another_key_in_a_partners_name_is_refused(
    keys: dict[str, ex.KeyPair],
) -> None:
    # "x" writes a message claiming to come from A: it can encrypt for B (B's key is
    # public) but cannot sign with A's key.
    error = refusal(keys, sealed(keys, by="x"))
    assert error.code == "bad_signature"


def test_a_message_changed_on_the_way_is_refused(keys: dict[str, ex.KeyPair]) -> None:
    token = sealed(keys)
    head, key, iv, ciphertext, tag = token.split(".")
    flipped = bytearray(base64.urlsafe_b64decode(ciphertext + "=" * (-len(ciphertext) % 4)))
    flipped[0] ^= 1
    changed = base64.urlsafe_b64encode(bytes(flipped)).rstrip(b"=").decode()
    error = refusal(keys, ".".join([head, key, iv, changed, tag]))
    assert error.code in ("unreadable", "not_for_us")
    assert refusal(keys, "not.a.message").code == "unreadable"


def test_a_message_for_another_authority_is_refused(keys: dict[str, ex.KeyPair]) -> None:
    error = refusal(keys, sealed(keys, envelope(addressee="E08000013")))
    assert (error.code, error.field) == ("wrong_addressee", "aud")


@pytest.mark.parametrize(
    ("signed", "taken"),
    [
        (NOW - ex.FRESHNESS, True),  # exactly as old as allowed
        (NOW - ex.FRESHNESS - timedelta(seconds=1), False),
        (NOW + ex.SKEW, True),
        (NOW + ex.SKEW + timedelta(seconds=1), False),
    ],
)
def test_freshness(keys: dict[str, ex.KeyPair], signed: datetime, taken: bool) -> None:
    token = sealed(keys, at=signed)
    if taken:
        assert opened(keys, token).signed_at == signed
    else:
        assert refusal(keys, token).code == "stale"


def test_the_size_is_checked_before_anything_is_parsed(keys: dict[str, ex.KeyPair]) -> None:
    huge = b"a." * (ex.MAX_MESSAGE_BYTES // 2 + 1)
    error = refusal(keys, huge, own_keys=[])  # no key: a parse would fail differently
    assert error.code == "too_large"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"reason": "  "}, "reason"),
        ({"kind": "placement.gossip"}, "kind"),
        ({"payload": {"note": "x" * 501}}, "payload.note"),
        ({"payload": {"child_name": "A child"}}, "payload"),
        ({"payload": {"note": 7}}, "payload.note"),
        ({"sender": "nobody"}, "iss"),
        ({"message_id": "1"}, "jti"),
    ],
)
def test_nothing_malformed_is_sealed(
    keys: dict[str, ex.KeyPair], changes: dict[str, object], field: str
) -> None:
    with pytest.raises(ex.MessageError) as caught:
        sealed(keys, envelope(**changes))
    assert (caught.value.code, caught.value.field) == ("schema", field)


def test_claims_a_partner_signs_are_still_checked_when_opened(keys: dict[str, ex.KeyPair]) -> None:
    # A partner running other code may sign claims this version does not take: the
    # receiver checks them itself rather than trusting the sender's checks.
    from joserfc import jwe, jws

    claims = envelope().claims(NOW) | {"payload": {"note": "x" * 501}}
    signed = jws.serialize_compact(
        {"alg": ex.SIGNING_ALG}, json.dumps(claims).encode(), keys["a"].signing,
        algorithms=[ex.SIGNING_ALG],
    )  # fmt: skip
    token = jwe.encrypt_compact(
        {"alg": ex.KEY_ALG, "enc": ex.CONTENT_ALG}, signed.encode(),
        _public(keys["b"])["enc"][0], algorithms=[ex.KEY_ALG, ex.CONTENT_ALG],
    )  # fmt: skip
    error = refusal(keys, token)
    assert (error.code, error.field) == ("schema", "payload.note")


def test_a_receipt_is_the_receivers_signed_word(keys: dict[str, ex.KeyPair]) -> None:
    one = envelope()
    receipt = ex.sign_receipt(
        ex.Receipt(one.message_id, A, B, NOW, "accepted"), signing_key=keys["b"].signing
    )
    read = ex.read_receipt(
        receipt, receiver_keys=_public(keys["b"])["sig"], message_id=one.message_id, sender=A
    )
    assert (read.status, read.receiver, read.received_at) == ("accepted", B, NOW)
    with pytest.raises(ex.MessageError, match="another message"):
        ex.read_receipt(
            receipt, receiver_keys=_public(keys["b"])["sig"], message_id=ex.new_message_id(),
            sender=A,
        )  # fmt: skip
    with pytest.raises(ex.MessageError) as caught:  # signed by someone else
        ex.read_receipt(
            receipt, receiver_keys=_public(keys["x"])["sig"], message_id=one.message_id, sender=A
        )
    assert caught.value.code == "bad_receipt"


def test_a_key_set_is_checked(keys: dict[str, ex.KeyPair]) -> None:
    public = keys["a"].public_jwks()
    assert {key["use"] for key in public["keys"]} == {"sig", "enc"}
    assert all("d" not in key for key in public["keys"])
    with pytest.raises(ex.MessageError, match="holds a private key"):
        ex.read_jwks(keys["a"].private_jwks())
    with pytest.raises(ex.MessageError, match="needs an Ed25519 key and an X25519 key"):
        ex.read_jwks({"keys": public["keys"][:1]})
    with pytest.raises(ex.MessageError, match="only OKP"):
        ex.read_jwks({"keys": [{"kty": "RSA", "n": "x", "e": "AQAB"}]})
    with pytest.raises(ex.MessageError, match="curve"):
        ex.read_jwks({"keys": [{"kty": "OKP", "crv": "Ed448", "x": "AA"}]})
    # A private set read back gives the same keys.
    again = ex.KeyPair.from_jwks(keys["a"].private_jwks())
    assert ex.thumbprint(again.signing) == ex.thumbprint(keys["a"].signing)


def test_a_deeply_nested_message_is_refused_not_a_crash(keys: dict[str, ex.KeyPair]) -> None:
    # Anyone can encrypt for the receiver (its key is public): the signed part is read
    # (to find the sender) before the signature is checked, so it must not crash the reader.
    from joserfc import jwe, jws

    nested = ("[" * 20_000 + "]" * 20_000).encode()  # 40 kB: within the size limits
    signed = jws.serialize_compact(
        {"alg": ex.SIGNING_ALG}, nested, keys["x"].signing, algorithms=[ex.SIGNING_ALG]
    )
    token = jwe.encrypt_compact(
        {"alg": ex.KEY_ALG, "enc": ex.CONTENT_ALG}, signed.encode(),
        _public(keys["b"])["enc"][0], algorithms=[ex.KEY_ALG, ex.CONTENT_ALG],
    )  # fmt: skip
    error = refusal(keys, token)
    assert error.code == "unreadable" and "nested too deeply" in error.reason


def test_a_compressed_message_is_refused_unopened(keys: dict[str, ex.KeyPair]) -> None:
    # A compressed JWE ("zip": "DEF") could unpack to gigabytes: it is never decompressed.
    from joserfc import jwe

    token = jwe.encrypt_compact(
        {"alg": ex.KEY_ALG, "enc": ex.CONTENT_ALG, "zip": "DEF"}, b"a" * 1_000_000,
        _public(keys["b"])["enc"][0], algorithms=[ex.KEY_ALG, ex.CONTENT_ALG, "DEF"],
    )  # fmt: skip
    assert len(token) < 20_000  # small on the wire
    assert refusal(keys, token).code == "unreadable"


def _jwe_with(keys: dict[str, ex.KeyPair], header: dict[str, object]) -> str:
    """A sealed message for "b" with its protected header changed: what anyone can send."""
    token = sealed(keys)
    head, *rest = token.split(".")
    data = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    data.update(header)
    changed = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    return ".".join([changed, *rest])


@pytest.mark.parametrize(
    "header",
    [
        {"epk": {"kty": "OKP", "crv": "X25519", "x": "A" * 43}},  # all-zero point
        {"epk": {"kty": "EC", "crv": "P-256", "x": "AAAA", "y": "AAAA"}},  # another curve
        {"epk": {"kty": "OKP", "crv": "X25519", "x": "AAAA"}},  # too short
        {"epk": {"kty": "OKP", "crv": "X25519"}},  # no point
        {"enc": "A128GCM"},  # an algorithm not allowed
    ],
)
def test_a_malformed_header_is_refused_not_a_crash(
    keys: dict[str, ex.KeyPair], header: dict[str, object]
) -> None:
    assert refusal(keys, _jwe_with(keys, header)).code in ("unreadable", "not_for_us")


@pytest.mark.parametrize(
    "token",
    ["a.b.c.d.e", "!!.!!.!!.!!.!!", "e30.e30.e30.e30.e30", "...."],
)
def test_garbage_in_five_parts_is_refused(keys: dict[str, ex.KeyPair], token: str) -> None:
    assert refusal(keys, token).code in ("unreadable", "not_for_us")


@pytest.mark.parametrize(
    ("field", "value", "why"),
    [
        ("started_at", "9999-12-31T23:59:59-12:00", "homeward takes"),
        ("started_at", "1066-10-14T09:00:00+00:00", "between 1900 and 2200"),
        ("circumstances", "left\x00home", "NUL"),
        ("category", "Jordan Example", "is not one of"),
    ],
)
def test_odd_values_are_refused_without_repeating_them(field: str, value: str, why: str) -> None:
    episode = {"reference": "E-1", "category": "missing", "missing_from": "care",
               "started_at": NOW.isoformat(), field: value}  # fmt: skip
    payload = {"event": "missing", "responsible_authority": A, "host_authority": B,
               "child": {"reference": "C-1", "given_names": "A", "family_name": "B"},
               "episode": episode}  # fmt: skip
    with pytest.raises(ex.MessageError) as caught:
        ex.check_payload("missing.notice", payload)
    assert caught.value.field == f"payload.episode.{field}"
    assert why in caught.value.reason
    assert "Jordan" not in caught.value.reason and "9999" not in caught.value.reason


def test_a_reason_with_a_nul_and_a_time_out_of_range_are_refused(
    keys: dict[str, ex.KeyPair],
) -> None:
    with pytest.raises(ex.MessageError, match="NUL"):
        sealed(keys, envelope(reason="why\x00"))
    from joserfc import jwe, jws

    claims = envelope().claims(NOW) | {"iat": 10**20}
    signed = jws.serialize_compact(
        {"alg": ex.SIGNING_ALG}, json.dumps(claims).encode(), keys["a"].signing,
        algorithms=[ex.SIGNING_ALG],
    )  # fmt: skip
    token = jwe.encrypt_compact(
        {"alg": ex.KEY_ALG, "enc": ex.CONTENT_ALG}, signed.encode(),
        _public(keys["b"])["enc"][0], algorithms=[ex.KEY_ALG, ex.CONTENT_ALG],
    )  # fmt: skip
    error = refusal(keys, token)
    assert (error.code, error.field) == ("stale", "iat")


@pytest.mark.parametrize("sender", ["\x00", "not a code", "E1000009", 7])
def test_a_sender_that_is_not_a_code_is_refused_before_it_is_looked_up(
    keys: dict[str, ex.KeyPair], sender: object
) -> None:
    from joserfc import jwe, jws

    looked_up: list[object] = []
    claims = envelope().claims(NOW) | {"iss": sender}
    signed = jws.serialize_compact(
        {"alg": ex.SIGNING_ALG}, json.dumps(claims).encode(), keys["a"].signing,
        algorithms=[ex.SIGNING_ALG],
    )  # fmt: skip
    token = jwe.encrypt_compact(
        {"alg": ex.KEY_ALG, "enc": ex.CONTENT_ALG}, signed.encode(),
        _public(keys["b"])["enc"][0], algorithms=[ex.KEY_ALG, ex.CONTENT_ALG],
    )  # fmt: skip
    error = refusal(keys, token, sender_keys=lambda code: looked_up.append(code))
    assert error.code == "unknown_sender" and looked_up == []

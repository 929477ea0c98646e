"""Messages between authorities' homeward instances: the envelope, its kinds and their
checks, sealed and opened with the JOSE standards (docs/exchange.md).

A message is signed by the sending authority, then encrypted for the receiving one:

- the claims (`Envelope`) as JSON, signed as a compact JWS with the sender's Ed25519 key
  (EdDSA, RFC 8037; `Ed25519` is its fully specified name, RFC 9864);
- that JWS encrypted as a compact JWE for the receiver's X25519 key (`ECDH-ES+A256KW`, the
  content with `A256GCM`): only the addressee can read it, and only the sender can have
  written it.

The receiver checks, in this order and before anything is stored: the size (before any
parsing), the encryption (its own key), the sender (a partner it knows, by the signature's
key), the signature, the addressee (itself), freshness (signed within `FRESHNESS`, not
later than `SKEW` ahead of its clock) and the claims' schema for the message's kind. Each
failure is a `MessageError` with a code, the field and a reason in words.

A receipt is the receiver's signed statement that it took the message (or had taken it
already): a compact JWS over its claims, not encrypted (it holds no one's details).

Pure Python over `joserfc` (which builds on `cryptography`): no Django here. Storing keys,
partners, the outbox and the inbox is `homeward.exchange`.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final

from joserfc import jwe, jws
from joserfc.errors import JoseError
from joserfc.jwe import JWERegistry
from joserfc.jwk import KeySet, OKPKey
from joserfc.jws import JWSRegistry

from homeward.benchmark.returns import COLUMNS as RETURN_COLUMNS
from homeward.formats import philomena

#: The signature's algorithm (EdDSA over Ed25519) and the encryption's (key agreement over
#: X25519 wrapping an AES-256 key; the content in AES-256-GCM). Only these are accepted.
SIGNING_ALG: Final = "Ed25519"
KEY_ALG: Final = "ECDH-ES+A256KW"
CONTENT_ALG: Final = "A256GCM"
#: The media types of a sealed message and of a receipt.
MESSAGE_TYPE: Final = "application/jose"
#: The largest sealed message taken, checked before any parsing (the body of the request).
MAX_MESSAGE_BYTES: Final = 1024 * 1024
#: The largest encrypted content (the signed claims, encrypted) and the largest claims
#: themselves: what fits in `MAX_MESSAGE_BYTES` once base64-encoded. joserfc's own defaults
#: (64 kB and 128 kB) are replaced by these, so the limits are homeward's, in one place.
MAX_CIPHERTEXT_BYTES: Final = 768 * 1024
MAX_CLAIMS_BYTES: Final = 512 * 1024
#: A message must have been signed within this long before it arrives (the sender signs
#: each delivery attempt afresh, so a retry is never stale)...
FRESHNESS: Final = timedelta(minutes=10)
#: ...and not further ahead of the receiver's clock than this.
SKEW: Final = timedelta(minutes=2)
#: The version of the envelope this code writes and reads.
VERSION: Final = 1
#: The years a date or time in a message may fall in.
EARLIEST_YEAR: Final = 1900
LATEST_YEAR: Final = 2200

#: An authority's GSS code: its identity in the exchange.
GSS_CODE: Final = re.compile(r"^[EWSN][0-9]{8}$")


class MessageError(ValueError):
    """A message refused: `code` for machines, `field` (or "") and `reason` for people."""

    def __init__(self, code: str, reason: str, field: str = "") -> None:
        super().__init__(f"{code}: {field + ': ' if field else ''}{reason}")
        self.code, self.reason, self.field = code, reason, field


# --- the kinds and their payloads ------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One field of a payload: its JSON type ("text", "date", "datetime", "bool", "int",
    "object", "list"), whether it must be given, the longest text or list, for a code the
    values it takes, and for an object its own fields (checked the same way)."""

    kind: str
    required: bool = True
    most: int = 200
    choices: tuple[str, ...] = ()
    fields: Mapping[str, Field] | None = None


@dataclass(frozen=True)
class Kind:
    """A kind of message: what it is for, in words, and its payload's fields (no other
    field is taken)."""

    title: str
    fields: Mapping[str, Field]


#: The child a notice is about, as the sender knows it: enough for the receiver to find
#: its own record (or make one), nothing more.
NOTICE_CHILD: Final[Mapping[str, Field]] = {
    "reference": Field("text", most=20),  # the sender's own reference for the child
    "given_names": Field("text", most=100),
    "family_name": Field("text", most=100),
    "date_of_birth": Field("date", required=False),
    "sex": Field("text", required=False, choices=("female", "male", "unknown")),
    "nhs_number": Field("text", required=False, most=10),
    # The responsible authority's case system's person id, when the sender knows it.
    "responsible_person_id": Field("text", required=False, most=48),
    "postcode": Field("text", required=False, most=8),
}

#: A missing episode as the sender recorded it, with the police's context.
NOTICE_EPISODE: Final[Mapping[str, Field]] = {
    "reference": Field("text", most=20),  # the sender's own reference for the episode
    "category": Field("text", choices=("missing", "absent")),
    "missing_from": Field("text", choices=("home", "care")),
    "started_at": Field("datetime"),
    "reported_to_police_at": Field("datetime", required=False),
    "returned_at": Field("datetime", required=False),
    "risk_grade": Field(
        "text",
        required=False,
        choices=("very_low", "low", "medium", "high", "no_apparent_risk", "absent"),
    ),
    "police_force": Field("text", required=False, most=200),
    "police_reference": Field("text", required=False, most=50),
    "police_officer": Field("text", required=False, most=400),
    "last_seen_where": Field("text", required=False, most=200),
    "found_where": Field("text", required=False, most=200),
    "circumstances": Field("text", required=False, most=4000),
    "risk_factors": Field("list", required=False, most=50),
}

#: The placement a placement notice is about.
NOTICE_PLACEMENT: Final[Mapping[str, Field]] = {
    "type": Field(
        "text",
        choices=(
            "foster",
            "childrens_home",
            "semi_independent",
            "residential_school",
            "placed_with_parents",
            "secure",
            "other",
        ),
    ),
    "provider": Field("text", required=False, most=200),
    "address": Field("text", required=False, most=500),
    "postcode": Field("text", required=False, most=8),
    "start": Field("date"),
    "end": Field("date", required=False),
}

#: Who to call about the child at the responsible authority.
NOTICE_CONTACTS: Final[Mapping[str, Field]] = {
    "social_worker": Field("text", required=False, most=200),
    "out_of_hours": Field("text", required=False, most=200),
}

#: The children's home of an admission or discharge notice.
NOTICE_HOME: Final[Mapping[str, Field]] = {
    "name": Field("text", most=200),
    "urn": Field("text", required=False, most=10),  # Ofsted's unique reference number
    "postcode": Field("text", required=False, most=8),
}

#: What regulation 41(3) of the Children's Homes (England) Regulations 2015 asks a notice
#: to state beyond the child's name and date of birth.
NOTICE_LEGAL: Final[Mapping[str, Field]] = {
    "accommodated_under": Field("text", required=False, choices=("section_20", "section_21")),
    "care_or_supervision_order": Field("bool", required=False),
    "iro_contact": Field("text", required=False, most=200),
    "placing_authority_contact": Field("text", required=False, most=200),
    "ehc_plan": Field("bool", required=False),
    "ehc_plan_authority": Field("text", required=False, most=200),
}

#: The return interview a responsible authority asks a host authority to hold: its own
#: reference, when it is due on the responsible authority's clock (and by which rule), and
#: the host's own references for the episodes it covers, where the host told of them.
INTERVIEW_ASKED: Final[Mapping[str, Field]] = {
    "reference": Field("text", most=20),
    "due_at": Field("datetime", required=False),
    "due_rule": Field("text", required=False, most=300),
    "host_episodes": Field("list", required=False, most=20),
    "note": Field("text", required=False, most=2000),  # what the interviewer should know
}

#: What the child said, as the host signed it off: the responsible authority's own record
#: of the interview (docs/exchange.md, "Return interview arrangements").
INTERVIEW_WRITE_UP: Final[Mapping[str, Field]] = {
    "push_factors": Field("text", required=False, most=20000),
    "pull_factors": Field("text", required=False, most=20000),
    "whereabouts": Field("text", required=False, most=20000),
    "harms": Field("list", required=False, most=30),
    "child_words": Field("text", required=False, most=20000),
    "child_wishes": Field("text", required=False, most=20000),
    "follow_up_offered": Field("bool", required=False),
    "follow_up_taken_up": Field("bool", required=False),
    "safety_plan_updated": Field("bool", required=False),
    "places": Field("list", required=False, most=50),  # those marked shareable
}

#: The outcome of an interview held by arrangement, from its first offer to its sign-off.
INTERVIEW_OUTCOME: Final[Mapping[str, Field]] = {
    "reference": Field("text", most=20),  # the host's own reference for the interview
    "outcome": Field("text", choices=("held", "declined", "no_contact")),
    "offered_at": Field("datetime", required=False),
    "offered_to": Field("text", required=False, choices=("child", "parent_carer")),
    "offer_method": Field("text", required=False, most=20),
    "held_at": Field("datetime", required=False),
    "held_where": Field("text", required=False, most=200),
    "declined_by": Field("text", required=False, choices=("child", "parent_carer")),
    "decline_reason_code": Field("text", required=False, most=20),
    "interviewer_independent": Field("bool", required=False),
    "late_reason_code": Field("text", required=False, most=20),
    "late_reason": Field("text", required=False, most=4000),
    "conducted_by": Field("text", required=False, most=200),
    "signed_off_at": Field("datetime"),
    # 1 the first outcome; more when the host reopened the interview and signed it off again.
    "revision": Field("int", required=False),
    "write_up": Field("object", required=False, fields=INTERVIEW_WRITE_UP),
}

#: The child's Philomena Protocol profile as it travels with a placement notice
#: (`philomena.structured_copy`, without the child: the notice has the child).
NOTICE_PROFILE: Final[Mapping[str, Field]] = {
    "format": Field("text", most=40),
    "title": Field("text", most=60),
    "version": Field("int"),
    "recorded_at": Field("datetime"),
    "review_on": Field("date"),
    "answers": Field(
        "object",
        fields={q.name: Field("text", required=False, most=q.most) for q in philomena.QUESTIONS},
    ),
    "photo_jpeg_base64": Field("text", required=False, most=philomena.TRAVEL_PHOTO_MOST),
}

#: Every kind of message this version sends and takes. More arrive with what travels
#: (the Philomena profile: docs/exchange.md).
KINDS: Final[Mapping[str, Kind]] = {
    "exchange.test": Kind(
        "A test message an administrator sends to check the link to a partner",
        {"note": Field("text", required=False, most=500)},
    ),
    "missing.notice": Kind(
        "A child placed across the two authorities' boundary went missing, or is back",
        {
            "event": Field("text", choices=("missing", "returned")),
            "responsible_authority": Field("text", most=9),
            "host_authority": Field("text", most=9),
            "child": Field("object", fields=NOTICE_CHILD),
            "episode": Field("object", fields=NOTICE_EPISODE),
        },
    ),
    "placement.notice": Kind(
        "The responsible authority tells the host authority of a placement in its area: its "
        "start (or, for an emergency placement, within five working days of it), a change, "
        "its end",
        {
            "event": Field("text", choices=("start", "change", "end")),
            "emergency": Field("bool"),
            "responsible_authority": Field("text", most=9),
            "host_authority": Field("text", most=9),
            "child": Field("object", fields=NOTICE_CHILD),
            "placement": Field("object", fields=NOTICE_PLACEMENT),
            "contacts": Field("object", fields=NOTICE_CONTACTS),
            "risks": Field("list", required=False, most=20),
            "profile": Field("object", required=False, fields=NOTICE_PROFILE),
        },
    ),
    "home.notice": Kind(
        "A child's admission to, or discharge from, a children's home in the host's area, "
        "told to the child's responsible authority",
        {
            "event": Field("text", choices=("admission", "discharge")),
            "on": Field("date"),
            "responsible_authority": Field("text", most=9),
            "host_authority": Field("text", most=9),
            "child": Field("object", fields=NOTICE_CHILD),
            "home": Field("object", fields=NOTICE_HOME),
            "legal": Field("object", required=False, fields=NOTICE_LEGAL),
            # True: the admission or discharge told before was recorded by mistake.
            "entered_in_error": Field("bool", required=False),
        },
    ),
    "return.annual": Kind(
        "An authority's annual return (shared/spec/authority-returns.md, one row) sent to "
        "a national body's instance for the national benchmark; a later one for the same "
        "period replaces it",
        {
            "period": Field("text", most=7),
            # When the sender made it: the latest made is counted, whatever the order the
            # messages arrive in (a partner that was down takes them newest first).
            "prepared_at": Field("datetime"),
            "row": Field(
                "object",
                fields={name: Field("text", required=False, most=200) for name in RETURN_COLUMNS},
            ),
        },
    ),
    "return.reminder": Kind(
        "A national body's instance asks an authority that has not sent its annual return "
        "for a year to send it by a day",
        {
            "period": Field("text", most=7),
            "due_on": Field("date"),
        },
    ),
    "interview.request": Kind(
        "The responsible authority asks the host authority to hold a child's return "
        'interview ("request"), or no longer asks ("withdraw")',
        {
            "event": Field("text", choices=("request", "withdraw")),
            "arrangement": Field("text", most=36),  # the responsible authority's id for it
            "responsible_authority": Field("text", most=9),
            "host_authority": Field("text", most=9),
            "child": Field("object", fields=NOTICE_CHILD),
            "interview": Field("object", fields=INTERVIEW_ASKED),
        },
    ),
    "interview.answer": Kind(
        "The host authority's answer to a request to hold a return interview: accepted "
        "(by whom it will be held) or declined (and why); or, later, given back",
        {
            "arrangement": Field("text", most=36),
            # given_back: accepted before, the host cannot hold it after all (and says why).
            "answer": Field("text", choices=("accepted", "declined", "given_back")),
            "reason": Field("text", required=False, most=1000),
            "conducted_by": Field("text", required=False, most=200),
            "reference": Field("text", required=False, most=20),  # the host's interview
        },
    ),
    "interview.outcome": Kind(
        "The outcome of a return interview the host authority held by arrangement, and its "
        "write-up as signed off, for the responsible authority's record",
        {
            "arrangement": Field("text", most=36),
            "interview": Field("object", fields=INTERVIEW_OUTCOME),
        },
    ),
}


def _check_fields(where: str, fields: Mapping[str, Field], values: Any) -> None:
    """Every required field of `fields` in `values`, each of its type and within its
    limits, and no other field; `where` names them in a refusal ("payload.child")."""
    if not isinstance(values, dict):
        raise MessageError("schema", "must be an object", where)
    for name in values:
        if name not in fields:
            raise MessageError("schema", f"{str(name)[:40]!r} is not a field of it", where)
    for name, one in fields.items():
        if name not in values or values[name] is None:
            if one.required:
                raise MessageError("schema", "is required", f"{where}.{name}")
            continue
        _check_value(f"{where}.{name}", one, values[name])


def _check_value(name: str, spec: Field, value: Any) -> None:
    def bad(reason: str) -> MessageError:
        return MessageError("schema", reason, name)

    # A refusal never repeats the value: it may be a child's details, and refusals are
    # kept and shown to the sender's administrators.
    if spec.kind == "text":
        if not isinstance(value, str):
            raise bad("must be text")
        if len(value) > spec.most:
            raise bad(f"is {len(value):,} characters long: at most {spec.most:,}")
        if "\x00" in value:
            raise bad("holds a NUL character")
        if spec.choices and value not in spec.choices:
            raise bad(f"is not one of {', '.join(spec.choices)}")
    elif spec.kind in ("date", "datetime"):
        if not isinstance(value, str) or len(value) > 40:
            raise bad(f"must be an ISO 8601 {spec.kind} as text")
        try:
            moment = (date if spec.kind == "date" else datetime).fromisoformat(value)
        except ValueError:
            raise bad(f"is not an ISO 8601 {spec.kind}") from None
        if isinstance(moment, datetime):
            if moment.tzinfo is None:
                raise bad("must give its offset from UTC")
            try:
                moment = moment.astimezone(UTC)
            except OverflowError:
                raise bad(f"is not a {spec.kind} homeward takes") from None
        if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
            raise bad(f"must be between {EARLIEST_YEAR} and {LATEST_YEAR}")
    elif spec.kind == "bool":
        if not isinstance(value, bool):
            raise bad("must be true or false")
    elif spec.kind == "int":
        if not isinstance(value, int) or isinstance(value, bool):
            raise bad("must be a whole number")
    elif spec.kind == "object":
        if not isinstance(value, dict):
            raise bad("must be an object")
        if spec.fields is not None:
            _check_fields(name, spec.fields, value)
    elif spec.kind == "list":
        if not isinstance(value, list):
            raise bad("must be a list")
        if len(value) > spec.most:
            raise bad(f"holds {len(value):,} items: at most {spec.most:,}")
        if not all(isinstance(item, str) and len(item) <= 200 for item in value):
            raise bad("must be a list of texts of at most 200 characters")
    else:  # a kind's table is code: a wrong type there is a bug, not bad input
        raise AssertionError(f"unknown field type {spec.kind!r}")


def check_payload(kind: str, payload: Any) -> None:
    """Raise `MessageError` ("schema") unless `payload` is what `kind` takes: every required
    field, each of its type and within its limits, and no field the kind does not have."""
    spec = KINDS.get(kind)
    if spec is None:
        raise MessageError(
            "schema", f"{kind[:60]!r} is not a kind of message this instance takes", "kind"
        )
    _check_fields("payload", spec.fields, payload)


# --- the envelope ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Envelope:
    """What a message says: its id (the same on every delivery attempt, so the receiver
    takes it once), kind, sender and addressee (authorities' GSS codes), why it is sent
    (nothing leaves without a reason), its payload, and when it was signed."""

    message_id: str
    kind: str
    sender: str
    addressee: str
    reason: str
    payload: dict[str, Any] = field(default_factory=dict)
    signed_at: datetime | None = None

    def claims(self, signed_at: datetime) -> dict[str, Any]:
        return {
            "v": VERSION,
            "jti": self.message_id,
            "kind": self.kind,
            "iss": self.sender,
            "aud": self.addressee,
            "iat": int(signed_at.timestamp()),
            "reason": self.reason,
            "payload": self.payload,
        }


def new_message_id() -> str:
    return str(uuid.uuid4())


def check_envelope(envelope: Envelope) -> None:
    """Raise `MessageError` unless the envelope could be sent: ids and codes well formed,
    a reason given, the payload what its kind takes."""
    try:
        uuid.UUID(envelope.message_id)
    except (ValueError, TypeError, AttributeError):
        raise MessageError("schema", "must be a UUID", "jti") from None
    for name, code in (("iss", envelope.sender), ("aud", envelope.addressee)):
        if not isinstance(code, str) or not GSS_CODE.match(code):
            raise MessageError("schema", f"{str(code)[:20]!r} is not a GSS code", name)
    if not isinstance(envelope.reason, str) or not envelope.reason.strip():
        raise MessageError("schema", "a message needs a reason", "reason")
    if len(envelope.reason) > 500:
        raise MessageError("schema", "is over 500 characters", "reason")
    if "\x00" in envelope.reason:
        raise MessageError("schema", "holds a NUL character", "reason")
    check_payload(envelope.kind, envelope.payload)


# --- keys ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyPair:
    """An instance's two keys: Ed25519 to sign, X25519 to be encrypted for."""

    signing: OKPKey
    encryption: OKPKey

    @classmethod
    def generate(cls) -> KeyPair:
        return cls(OKPKey.generate_key("Ed25519"), OKPKey.generate_key("X25519"))

    def private_jwks(self) -> dict[str, Any]:
        return {"keys": [_jwk(self.signing, private=True), _jwk(self.encryption, private=True)]}

    def public_jwks(self) -> dict[str, Any]:
        return {"keys": [_jwk(self.signing), _jwk(self.encryption)]}

    @classmethod
    def from_jwks(cls, data: Mapping[str, Any]) -> KeyPair:
        keys = read_jwks(data, private=True)
        return cls(keys["sig"][0], keys["enc"][0])


def _jwk(key: OKPKey, *, private: bool = False) -> dict[str, Any]:
    use = "sig" if key.curve_name == "Ed25519" else "enc"
    data: dict[str, Any] = dict(key.as_dict(private=private))
    data.update(kid=key.thumbprint(), use=use, alg=SIGNING_ALG if use == "sig" else KEY_ALG)
    return data


def read_jwks_key(data: Mapping[str, Any]) -> OKPKey:
    """One public key stored as a JWK (by `read_jwks` first)."""
    return OKPKey.import_key({name: data[name] for name in ("kty", "crv", "x") if name in data})


def thumbprint(key: OKPKey) -> str:
    """The key's RFC 7638 thumbprint: its id, and what two administrators compare by
    telephone before trusting a partner's key."""
    return str(key.thumbprint())


def read_jwks(data: Any, *, private: bool = False) -> dict[str, list[OKPKey]]:
    """The keys of a JWKS (`{"keys": [...]}`) by use ("sig": Ed25519, "enc": X25519), each
    checked: OKP keys of those two curves only, with (or, for a public set, without) their
    private part. Raises `MessageError` ("keys") naming the key and the reason."""
    if not isinstance(data, Mapping) or not isinstance(data.get("keys"), list):
        raise MessageError("keys", 'a key set is a JSON object with a "keys" list')
    if len(data["keys"]) > 16:
        raise MessageError("keys", "a key set of more than 16 keys is not taken")
    found: dict[str, list[OKPKey]] = {"sig": [], "enc": []}
    for number, one in enumerate(data["keys"], start=1):
        where = f"keys[{number}]"
        if not isinstance(one, Mapping) or one.get("kty") != "OKP":
            raise MessageError("keys", "only OKP keys (Ed25519, X25519) are taken", where)
        curve = one.get("crv")
        if curve not in ("Ed25519", "X25519"):
            raise MessageError("keys", f"curve {str(curve)[:20]!r}: only Ed25519 and X25519", where)
        if private != ("d" in one):
            raise MessageError(
                "keys", "holds a private key" if "d" in one else "lacks its private part", where
            )
        try:
            key = OKPKey.import_key(
                {name: one[name] for name in ("kty", "crv", "x", "d") if name in one}
            )
        except (JoseError, ValueError, TypeError) as error:
            raise MessageError("keys", f"cannot be read ({error})", where) from None
        found["sig" if curve == "Ed25519" else "enc"].append(key)
    if not found["sig"] or not found["enc"]:
        raise MessageError("keys", "a key set needs an Ed25519 key and an X25519 key")
    return found


# --- sealing and opening ---------------------------------------------------------------------


def _jwe_registry() -> JWERegistry:
    """Only `KEY_ALG` and `CONTENT_ALG` (never compression: a small compressed message could
    unpack to gigabytes), within homeward's size limits."""
    registry = JWERegistry(algorithms=[KEY_ALG, CONTENT_ALG])
    registry.max_ciphertext_length = MAX_CIPHERTEXT_BYTES
    return registry


def _jws_registry() -> JWSRegistry:
    registry = JWSRegistry(algorithms=[SIGNING_ALG])
    registry.max_payload_length = MAX_CLAIMS_BYTES
    return registry


def _json(data: bytes | str) -> Any:
    """JSON read with its nesting bounded: a value nested deeper than Python's recursion
    allows is refused as unreadable rather than crashing the reader."""
    try:
        return json.loads(data)
    except RecursionError:
        raise ValueError("nested too deeply") from None


def seal(envelope: Envelope, *, signing_key: OKPKey, recipient_key: OKPKey, now: datetime) -> str:
    """The envelope signed with the sender's key and encrypted for the recipient's: a
    compact JWE, text. Checked first (`check_envelope`): nothing malformed leaves."""
    check_envelope(envelope)
    body = json.dumps(envelope.claims(now), separators=(",", ":"), ensure_ascii=False)
    signed = jws.serialize_compact(
        {"alg": SIGNING_ALG, "kid": thumbprint(signing_key), "typ": "homeward-message+jws"},
        body.encode(),
        signing_key,
        registry=_jws_registry(),
    )
    return str(
        jwe.encrypt_compact(
            {"alg": KEY_ALG, "enc": CONTENT_ALG, "kid": thumbprint(recipient_key), "cty": "JWS"},
            signed.encode(),
            recipient_key,
            registry=_jwe_registry(),
        )
    )


def _key_set(keys: list[OKPKey]) -> KeySet:
    return KeySet([OKPKey.import_key(dict(_jwk(key, private=key.is_private))) for key in keys])


def open_message(
    token: str | bytes,
    *,
    own_code: str,
    own_keys: list[OKPKey],
    sender_keys: Callable[[str], list[OKPKey] | None],
    now: datetime,
) -> Envelope:
    """Decrypt, verify and check a sealed message addressed to `own_code`, with the
    receiver's X25519 keys `own_keys` (the current one and those still in their overlap)
    and `sender_keys(code)`, a partner's Ed25519 keys in force (None for no such partner).
    Raises `MessageError`: "too_large", "unreadable", "not_for_us", "unknown_sender",
    "bad_signature", "wrong_addressee", "stale", "schema"."""
    raw = token.encode() if isinstance(token, str) else token
    if len(raw) > MAX_MESSAGE_BYTES:
        raise MessageError("too_large", f"over the limit of {MAX_MESSAGE_BYTES:,} bytes")
    if raw.count(b".") != 4:
        raise MessageError("unreadable", "not a compact JWE (five parts separated by dots)")
    try:
        opened = jwe.decrypt_compact(raw, _key_set(own_keys), registry=_jwe_registry())
    except JoseError as error:
        code = "not_for_us" if "key" in str(error).lower() else "unreadable"
        raise MessageError(
            code, f"cannot be decrypted with this instance's keys ({error.error})"
        ) from None
    except (ValueError, KeyError, TypeError, IndexError):
        # A malformed header (an ephemeral key of the wrong curve, length or value, bad
        # base64, a short nonce or tag): the cryptography raises these, not JoseError.
        raise MessageError("unreadable", "cannot be decrypted: it is malformed") from None
    signed = opened.plaintext or b""
    try:
        unverified = _json(jws.extract_compact(signed, registry=_jws_registry()).payload)
    except (JoseError, ValueError, KeyError, TypeError, IndexError) as error:
        raise MessageError("unreadable", f"the signed part cannot be read ({error})") from None
    sender = unverified.get("iss") if isinstance(unverified, dict) else None
    if not isinstance(sender, str) or not GSS_CODE.match(sender):
        # Checked before the code is looked up anywhere (a NUL in a query is an error on
        # PostgreSQL): the same answer as for any sender that is not a partner.
        raise MessageError("unknown_sender", "the sender is not a partner of this instance", "iss")
    keys = sender_keys(sender)
    if not keys:
        raise MessageError(
            "unknown_sender", f"{sender[:20]!r} is not a partner of this instance", "iss"
        )
    try:
        verified = jws.deserialize_compact(signed, _key_set(keys), registry=_jws_registry())
        claims = _json(verified.payload)
    except (JoseError, ValueError, KeyError, TypeError, IndexError):
        raise MessageError("bad_signature", "the signature does not verify") from None
    return _envelope(claims, own_code=own_code, now=now)


def _envelope(claims: Any, *, own_code: str, now: datetime) -> Envelope:
    if not isinstance(claims, dict):
        raise MessageError("schema", "the claims must be an object")
    if claims.get("v") != VERSION:
        raise MessageError(
            "schema", f"version {str(claims.get('v'))[:10]!r}: this instance reads {VERSION}", "v"
        )
    for name in ("jti", "kind", "iss", "aud", "reason"):
        if not isinstance(claims.get(name), str):
            raise MessageError("schema", "is required, as text", name)
    issued = claims.get("iat")
    if not isinstance(issued, int) or isinstance(issued, bool):
        raise MessageError("schema", "is required, as seconds since 1970", "iat")
    if claims["aud"] != own_code:
        raise MessageError(
            "wrong_addressee",
            f"addressed to {claims['aud'][:20]!r}, not to this instance ({own_code})",
            "aud",
        )
    try:
        signed_at = datetime.fromtimestamp(issued, UTC)
    except (OverflowError, OSError, ValueError):
        raise MessageError("stale", "is not a time this instance takes", "iat") from None
    if signed_at < now - FRESHNESS:
        raise MessageError(
            "stale", f"signed at {signed_at:%Y-%m-%d %H:%M:%S}Z, more than {FRESHNESS} ago", "iat"
        )
    if signed_at > now + SKEW:
        raise MessageError(
            "stale",
            f"signed at {signed_at:%Y-%m-%d %H:%M:%S}Z, ahead of this instance's clock",
            "iat",
        )
    extra = set(claims) - {"v", "jti", "kind", "iss", "aud", "iat", "reason", "payload"}
    if extra:
        raise MessageError("schema", f"unknown claims: {', '.join(sorted(extra))[:80]}")
    payload = claims.get("payload")
    if not isinstance(payload, dict):
        raise MessageError("schema", "must be an object", "payload")
    envelope = Envelope(
        message_id=claims["jti"],
        kind=claims["kind"],
        sender=claims["iss"],
        addressee=claims["aud"],
        reason=claims["reason"],
        payload=payload,
        signed_at=signed_at,
    )
    check_envelope(envelope)
    # A field sent as null is one not given (as `check_payload` takes it): the receiver's
    # handlers then read one shape, never a null where a value or nothing is expected.
    return replace(envelope, payload=without_nulls(payload))


def without_nulls(value: Any) -> Any:
    """`value` with every object's null fields left out, at every depth."""
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(v) for v in value]
    return value


# --- receipts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Receipt:
    """The receiver's signed word that it took a message: "accepted" the first time,
    "duplicate" when it had it already (the first receipt's time is kept)."""

    message_id: str
    sender: str
    receiver: str
    received_at: datetime
    status: str


def sign_receipt(receipt: Receipt, *, signing_key: OKPKey) -> str:
    claims = {
        "jti": receipt.message_id,
        "iss": receipt.receiver,
        "aud": receipt.sender,
        "received_at": receipt.received_at.astimezone(UTC).isoformat(),
        "status": receipt.status,
    }
    return str(
        jws.serialize_compact(
            {"alg": SIGNING_ALG, "kid": thumbprint(signing_key), "typ": "homeward-receipt+jws"},
            json.dumps(claims, separators=(",", ":")).encode(),
            signing_key,
            algorithms=[SIGNING_ALG],
        )
    )


def read_receipt(
    token: str, *, receiver_keys: list[OKPKey], message_id: str, sender: str
) -> Receipt:
    """A receipt verified with the receiver's Ed25519 keys and checked to be for this
    message from this sender; `MessageError` ("bad_receipt") otherwise."""
    if len(token) > 10_000:
        raise MessageError("bad_receipt", "over the limit of 10,000 characters")
    try:
        verified = jws.deserialize_compact(token, _key_set(receiver_keys), algorithms=[SIGNING_ALG])
        claims = _json(verified.payload)
        receipt = Receipt(
            message_id=claims["jti"],
            sender=claims["aud"],
            receiver=claims["iss"],
            received_at=datetime.fromisoformat(claims["received_at"]),
            status=claims["status"],
        )
    except (JoseError, ValueError, KeyError, TypeError, IndexError):
        raise MessageError("bad_receipt", "the receipt does not verify") from None
    if not all(isinstance(v, str) for v in (receipt.message_id, receipt.sender, receipt.status)):
        raise MessageError("bad_receipt", "the receipt is malformed")
    if receipt.message_id != message_id or receipt.sender != sender:
        raise MessageError("bad_receipt", "the receipt is for another message")
    if receipt.status not in ("accepted", "duplicate"):
        raise MessageError("bad_receipt", f"status {receipt.status[:20]!r}")
    return receipt

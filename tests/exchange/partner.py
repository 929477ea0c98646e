"""A partner instance for the exchange's tests: its own keys, and an inbox that opens what
this instance sends with them and answers as a real partner would (a signed receipt, or a
refusal), recording what it received."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone

from homeward.exchange import services
from homeward.formats import exchange as ex

CODE = "E10000097"  # the neighbouring authority of `make_world`


@dataclass
class FakePartner:
    code: str = CODE
    keys: ex.KeyPair = field(default_factory=ex.KeyPair.generate)
    received: list[ex.Envelope] = field(default_factory=list)
    #: Set to answer the next POSTs with this (status, body) instead, or an OSError to raise.
    answer: tuple[int, dict[str, Any] | bytes] | OSError | None = None
    urls: list[str] = field(default_factory=list)
    #: The partner's clock, when a test moves this instance's (None: the real time).
    clock: datetime | None = None
    #: This instance's keys as the partner holds them (None: as published now).
    knows: dict[str, Any] | None = None

    def jwks(self) -> dict[str, Any]:
        return self.keys.public_jwks()

    def add(self) -> None:
        services.partner_add(code=self.code, url="https://partner.example", jwks=self.jwks())

    def post(self, url: str, body: bytes) -> tuple[int, bytes]:
        """The partner's inbox: open the message with its key and this instance's
        published signing keys; answer with a receipt signed with its own key."""
        self.urls.append(url)
        if isinstance(self.answer, OSError):
            raise self.answer
        if self.answer is not None:
            status, answer = self.answer
            return status, answer if isinstance(answer, bytes) else json.dumps(answer).encode()
        published = ex.read_jwks(self.knows or services.own_public_jwks())
        try:
            envelope = ex.open_message(
                body,
                own_code=self.code,
                own_keys=[self.keys.encryption],
                sender_keys=lambda code: published["sig"],
                now=self.clock or timezone.now(),
            )
        except ex.MessageError as error:  # answered as the real inbox answers
            trusted = error.code not in ("unknown_sender", "bad_signature")
            code = error.code if trusted else "not_trusted"
            problem = {"code": code, "field": error.field, "reason": error.reason}
            return (400 if trusted else 403), json.dumps({"problems": [problem]}).encode()
        self.received.append(envelope)
        receipt = ex.sign_receipt(
            ex.Receipt(envelope.message_id, envelope.sender, self.code, timezone.now(), "accepted"),
            signing_key=self.keys.signing,
        )
        return 200, json.dumps({"status": "accepted", "receipt": receipt}).encode()

    def seal(self, envelope: ex.Envelope, *, to: dict[str, Any], at: datetime) -> str:
        """A message from this partner to the instance whose published keys are `to`."""
        return ex.seal(
            envelope,
            signing_key=self.keys.signing,
            recipient_key=ex.read_jwks(to)["enc"][0],
            now=at,
        )

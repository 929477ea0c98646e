"""`manage.py exchange keys|rotate-own-key|deliver|send-test`: this instance's side of the
exchange between authorities' instances (docs/exchange.md).

- `keys`: the public key set partners need (as published at
  `/.well-known/homeward/keys.json`), and its thumbprints to read out to them;
- `rotate-own-key`: a new key pair, the old one kept for an overlap;
- `deliver`: try every message due, and alert on those waiting over a day (run it every
  few minutes from the scheduler, beside the task worker that delivers at once);
- `send-test CODE`: a test message to a partner, to check the link both ways.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from homeward.exchange import services


class Command(BaseCommand):
    help = "This instance's keys, delivering the outbox, and a test message to a partner."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("keys", help="Print the public key set and its thumbprints.")
        rotate = actions.add_parser("rotate-own-key", help="Make a new key pair.")
        rotate.add_argument(
            "--overlap-days",
            type=int,
            default=services.OVERLAP.days,
            help="How long the old pair stays published and decrypting (default 7 days).",
        )
        actions.add_parser("deliver", help="Deliver what is due; alert on what is late.")
        test = actions.add_parser("send-test", help="Send a test message to a partner.")
        test.add_argument("code", help="The partner's GSS code.")
        test.add_argument("--note", default="", help="A note for the partner's administrator.")

    def handle(self, *args: object, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "keys":
                published = services.own_public_jwks()
                self.stdout.write(json.dumps(published, indent=2))
                for key in published["keys"]:
                    self.stderr.write(f"{key['use']} {key['kid']}")
            elif action == "rotate-own-key":
                if options["overlap_days"] < 0:
                    raise CommandError("--overlap-days cannot be negative")
                key = services.own_key_rotate(overlap=timedelta(days=options["overlap_days"]))
                self.stdout.write(f"new keys: sig {key.signing_kid}, enc {key.encryption_kid}")
            elif action == "deliver":
                counts = services.outbox_deliver_due()
                self.stdout.write(
                    f"tried {counts['tried']}, delivered {counts['delivered']}, "
                    f"alerts sent {counts['alerted']}"
                )
            else:
                with transaction.atomic():
                    message = services.message_send(
                        partner_code=options["code"],
                        kind="exchange.test",
                        payload={"note": options["note"]} if options["note"] else {},
                        reason="a test of the link between the two instances",
                    )
                message = services.outbox_deliver(pk=message.pk)
                self.stdout.write(
                    f"message {message.message_id}: {message.get_state_display().lower()}"
                    + (f" ({message.last_error})" if message.last_error else "")
                )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None

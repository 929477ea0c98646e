"""`manage.py partner add|rotate-key|remove|list`: the directory of partner instances
(other authorities' homeward) this one exchanges messages with (docs/exchange.md).

KEY is the partner's public key set, as it publishes it at
`/.well-known/homeward/keys.json`: a file, or - for standard input. Compare the keys'
thumbprints, printed here, with the partner's administrator by telephone before trusting
them: the address alone proves nothing.
"""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from homeward.exchange import services
from homeward.exchange.models import Partner

#: The largest key set read (a JWKS of a few keys is under 2 kB).
MAX_KEY_BYTES = 64 * 1024


def _jwks(source: str) -> Any:
    try:
        raw = (
            sys.stdin.buffer.read(MAX_KEY_BYTES + 1) if source == "-" else Path(source).read_bytes()
        )
    except OSError as error:
        raise CommandError(f"{source}: cannot be read: {error.strerror or error}") from None
    if len(raw) > MAX_KEY_BYTES:
        raise CommandError(f"{source}: over {MAX_KEY_BYTES:,} bytes: not a key set")
    try:
        return json.loads(raw)
    except ValueError as error:
        raise CommandError(f"{source}: not JSON ({error})") from None


class Command(BaseCommand):
    help = "Add, rotate the keys of, remove or list the partner instances of other authorities."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser("add", help="Add a partner by its GSS code, address and keys.")
        add.add_argument("code", help="The partner authority's GSS code, e.g. E08000012.")
        add.add_argument("url", help="Its homeward's address, https://...")
        add.add_argument("key", help="Its public key set (JSON file, or - for stdin).")
        add.add_argument("--name", default="", help="Its name (default: the authority's).")
        rotate = actions.add_parser("rotate-key", help="Take a partner's new keys.")
        rotate.add_argument("code")
        rotate.add_argument("key", help="Its new public key set (JSON file, or -).")
        rotate.add_argument(
            "--overlap-days",
            type=int,
            default=services.OVERLAP.days,
            help="How long its old keys stay in force (default 7 days).",
        )
        remove = actions.add_parser("remove", help="Stop exchanging with a partner (kept).")
        remove.add_argument("code")
        actions.add_parser("list", help="The partners, their keys and their outbox.")

    def handle(self, *args: object, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "add":
                partner = services.partner_add(
                    code=options["code"],
                    url=options["url"],
                    jwks=_jwks(options["key"]),
                    name=options["name"],
                )
                self.stdout.write(f"added {partner}: {partner.url}")
                self._keys(partner)
            elif action == "rotate-key":
                if options["overlap_days"] < 0:
                    raise CommandError("--overlap-days cannot be negative")
                added = services.partner_rotate_key(
                    code=options["code"],
                    jwks=_jwks(options["key"]),
                    overlap=timedelta(days=options["overlap_days"]),
                )
                self.stdout.write(
                    f"{len(added)} new keys; the others in force for {options['overlap_days']} days"
                )
                self._keys(Partner.objects.get(code=options["code"].strip().upper()))
            elif action == "remove":
                partner = services.partner_remove(code=options["code"])
                waiting = partner.outbox.filter(state="pending").count()
                self.stdout.write(f"removed {partner}; {waiting} messages to it still waiting")
            else:
                for partner in Partner.objects.all():
                    state = "active" if partner.active else f"removed {partner.removed_at:%Y-%m-%d}"
                    waiting = partner.outbox.filter(state="pending").count()
                    self.stdout.write(
                        f"{partner.code}  {partner.name}  {partner.url}  {state}  {waiting} waiting"
                    )
                    self._keys(partner)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None

    def _keys(self, partner: Partner) -> None:
        for key in partner.keys.all():
            until = f" until {key.retire_at:%Y-%m-%d %H:%M}" if key.retire_at else ""
            self.stdout.write(f"  {key.use} {key.kid}{until}")

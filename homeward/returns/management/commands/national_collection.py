"""`manage.py national_collection send|list|benchmark`: the national collection
(docs/national-collection.md).

- `send PERIOD --user USERNAME`: send this authority's annual return for the financial year
  (`2025-26`) to the national body (`HOMEWARD_NATIONAL_COLLECTION`), as that user;
- `list [PERIOD]`: on the national body's instance, every return received, the current
  first for each authority and period;
- `benchmark PERIOD OUT.zip`: on the national body's instance, the benchmarking report of
  the current returns (`homeward benchmark`'s outputs, without the PDF) as a ZIP.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from homeward.accounts.models import User
from homeward.returns import national


class Command(BaseCommand):
    help = "Send the annual return to the national body, or (there) list and benchmark them."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        send = actions.add_parser("send", help="Send this authority's return for a year.")
        send.add_argument("period", help="the financial year, written like 2025-26")
        send.add_argument("--user", required=True, help="the coordinator or manager sending it")
        listed = actions.add_parser("list", help="The returns received (a national body).")
        listed.add_argument("period", nargs="?", default="")
        bench = actions.add_parser("benchmark", help="The benchmark of the returns received.")
        bench.add_argument("period")
        bench.add_argument("out", help="the ZIP file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "send":
                user = User.objects.filter(username=options["user"], is_active=True).first()
                if user is None:
                    raise CommandError(f"no active user {options['user']!r}")
                with transaction.atomic():
                    sent = national.national_send(by=user, period=options["period"])
                self.stdout.write(
                    f"The return for {sent.period} is sent to {sent.message.partner.name} "
                    f"(message {sent.message.message_id}): {sent.row['incidents'] or 0} "
                    "incidents."
                )
            elif options["action"] == "list":
                for one in national.received(options["period"] or None):
                    state = "replaced" if one.replaced_at else "current"
                    self.stdout.write(
                        f"{one.period}  {one.partner.code}  {one.partner.name}  "
                        f"received {one.received_at:%Y-%m-%d %H:%M}  {state}  "
                        f"incidents {one.row.get('incidents') or '-'}"
                    )
            else:
                data = national.national_benchmark(options["period"])
                Path(options["out"]).write_bytes(data)
                self.stdout.write(f"The benchmark for {options['period']}: {options['out']}")
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        except OSError as error:
            raise CommandError(f"cannot write: {error}") from None

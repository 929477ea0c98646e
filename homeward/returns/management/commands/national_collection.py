"""`manage.py national_collection send|list|benchmark|deadline|remind`: the national collection
(docs/national-collection.md).

- `send PERIOD --user USERNAME`: send this authority's annual return for the financial year
  (`2025-26`) to the national body (`HOMEWARD_NATIONAL_COLLECTION`), as that user;
- `list [PERIOD]`: on the national body's instance, every return received, the current
  first for each authority and period;
- `benchmark PERIOD OUT.zip`: on the national body's instance, the benchmarking report of
  the current returns (`homeward benchmark`'s outputs, without the PDF) as a ZIP;
- `deadline PERIOD YYYY-MM-DD --user USERNAME`: on the national body's instance, the day
  the returns for the year are asked by;
- `remind PERIOD [--user USERNAME]`: on the national body's instance, remind every
  authority on the exchange that has not sent its return for the year (to run from a
  timer, without a user).
"""

from __future__ import annotations

from datetime import date
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
        due = actions.add_parser("deadline", help="Set the day a year's returns are asked by.")
        due.add_argument("period")
        due.add_argument("due_on", help="the day, written like 2026-07-31")
        due.add_argument("--user", required=True, help="the national analyst or manager")
        remind = actions.add_parser("remind", help="Remind the authorities not yet sent.")
        remind.add_argument("period")
        remind.add_argument("--user", default="", help="who reminds (none: the instance)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "deadline":
                try:
                    due_on = date.fromisoformat(options["due_on"])
                except ValueError:
                    raise CommandError("write the day like 2026-07-31") from None
                set_ = national.deadline_set(
                    by=self._user(options["user"]), period=options["period"], due_on=due_on
                )
                self.stdout.write(f"The returns for {set_.period} are asked by {set_.due_on}.")
            elif options["action"] == "remind":
                by = self._user(options["user"]) if options["user"] else None
                sent = national.remind(by=by, period=options["period"])
                names = ", ".join(r.partner.code for r in sent) or "none: every one has sent it"
                self.stdout.write(f"Reminded for {options['period']}: {names}.")
            elif options["action"] == "send":
                user = self._user(options["user"])
                with transaction.atomic():
                    submitted = national.national_send(by=user, period=options["period"])
                self.stdout.write(
                    f"The return for {submitted.period} is sent to "
                    f"{submitted.message.partner.name} (message {submitted.message.message_id}): "
                    f"{submitted.row['incidents'] or 0} incidents."
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

    @staticmethod
    def _user(username: str) -> User:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {username!r}")
        return user

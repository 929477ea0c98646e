"""`manage.py check_clocks [--now ISO]`: the clock job (see `homeward.cases.alerts`)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from homeward.cases import alerts
from homeward.cases.cli import parse_moment


class Command(BaseCommand):
    help = (
        "Email the due-soon and overdue alerts of open return interviews (each once per "
        "threshold and due point) and report unallocated overdue episodes and late "
        "interviews with no reason recorded."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now",
            type=parse_moment,
            default=None,
            metavar="ISO",
            help="check as at this moment (ISO 8601; without an offset, UK time)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = alerts.check_clocks(now=options["now"])
        self.stdout.write(str(report))

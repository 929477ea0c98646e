"""`manage.py intake_resume`: queue again every police batch not yet taken in whose worker
stopped (run before the worker starts: docs/operations.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from homeward.intake import services


class Command(BaseCommand):
    help = (
        "Queue again every big police batch not yet fully taken in that has no task waiting "
        "(its worker stopped part way). Nothing is taken in twice: the worker goes on from "
        "the first record not stored."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        resumed = services.intake_resume()
        for batch in resumed:
            self.stdout.write(
                f"batch {batch.reference}: {batch.processed} of {batch.total} taken in, "
                "queued again"
            )
        if not resumed:
            self.stdout.write("no batch to resume")

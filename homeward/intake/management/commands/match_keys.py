"""`manage.py match_keys`: recompute every child's blocking keys for matching police
notifications (after loading children in bulk, or a change to the matching rules)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from homeward.cases.services import child_match_keys_rebuild


class Command(BaseCommand):
    help = "Recompute every child's blocking keys for matching police notifications."

    def handle(self, *args: object, **options: object) -> None:
        count = child_match_keys_rebuild()
        self.stdout.write(self.style.SUCCESS(f"Stored {count} matching keys."))

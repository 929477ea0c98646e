"""The append-only access log: every view, search, export and share of a child's record.

Changes are recorded by django-auditlog; this table records reads and disclosures, which
auditlog does not. Rows are never updated or deleted by the application (the model refuses).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class AccessEvent(models.Model):
    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        SEARCH = "search", "Searched"
        EXPORT = "export", "Exported"
        SHARE = "share", "Shared"
        SIGN_IN = "sign_in", "Signed in"
        DENIED = "denied", "Refused access"
        MERGE = "merge", "Merged records"
        PASSWORD = "password", "Password changed or reset"
        RECEIVE = "receive", "Received from a partner authority"
        DELETE = "delete", "Deleted for good"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    username = models.CharField(max_length=150, help_text="Kept should the account go.")
    role = models.CharField(max_length=20, blank=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    what = models.CharField(max_length=200, help_text="The record or list, e.g. child 123.")
    child_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    detail = models.TextField(blank=True, help_text="A search's terms, an export's contents.")
    reason = models.TextField(blank=True, help_text="Why, for exports and shares.")
    address = models.GenericIPAddressField(null=True, blank=True)
    path = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.what}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("the access log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("the access log is append-only")

"""The multi-agency panel: the triggers that put a child on its list, its meetings, the
children listed for each, and what the panel decided and who is to do what.

Rules live in `homeward.panelrules` (pure) and `services.py`/`selectors.py`; these models
only hold the records. Decisions and actions are about a child: their words are encrypted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from encrypted_fields.fields import EncryptedTextField

from homeward.cases.models import Child
from homeward.panelrules.triggers import KINDS


class PanelTrigger(models.Model):
    """A rule that puts a child on the panel list (`panelrules.triggers.KINDS`)."""

    kind = models.CharField(
        max_length=40, choices=[(name, kind.label) for name, kind in KINDS.items()]
    )
    parameters = models.JSONField(default=dict, blank=True)
    label = models.CharField(max_length=200)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.label


class PanelMeeting(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        HELD = "held", "Held"

    date = models.DateField()
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["date", "title"], name="one_panel_meeting_per_title")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%d %b %Y})"


class PanelListing(models.Model):
    """A child listed for a meeting, with the reasons as they stood when listed."""

    meeting = models.ForeignKey(PanelMeeting, on_delete=models.CASCADE, related_name="listings")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="panel_listings")
    reasons = models.JSONField(default=list, blank=True, help_text="The reasons, in words.")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["child__last_name", "child__first_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "child"], name="one_listing_per_child")
        ]


class PanelDecision(models.Model):
    listing = models.ForeignKey(PanelListing, on_delete=models.CASCADE, related_name="decisions")
    text = EncryptedTextField()
    decided_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        ordering = ["decided_at", "pk"]


class PanelAction(models.Model):
    """Who is to do what by when, and when it was done."""

    listing = models.ForeignKey(PanelListing, on_delete=models.CASCADE, related_name="actions")
    text = EncryptedTextField()
    owner = models.CharField(max_length=200, help_text="Who is to do it: a person or agency.")
    due_on = models.DateField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_note = EncryptedTextField(blank=True, null=True, default="")
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(
                fields=["due_on"],
                condition=models.Q(done_at__isnull=True),
                name="panel_action_open",
            )
        ]

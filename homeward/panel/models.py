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
from homeward.organisations.models import Authority
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


class PanelSettings(models.Model):
    """An authority's choices about its panel list (one row per authority; none: defaults).

    Care leavers (aged 18 to 25, looked after at 16 or over: `panelrules.eligibility`) are
    on the list only when the authority turns them on; children under 18 always are."""

    authority = models.OneToOneField(
        Authority, on_delete=models.CASCADE, related_name="panel_settings"
    )
    care_leavers = models.BooleanField(
        default=False,
        help_text="List care leavers aged 18 to 25 as well as children under 18.",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "panel settings"

    def __str__(self) -> str:
        return f"Panel settings of {self.authority}"


class PanelPackPdf(models.Model):
    """A meeting's pack as a PDF, asked for with a reason and made by the background worker
    (`tasks.make_pack_pdf`). The file is encrypted at rest, only the person who asked may
    download it, and it is removed `services.PDF_KEPT` after it was made."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to be made"
        MAKING = "making", "Being made"
        READY = "ready", "Ready"
        FAILED = "failed", "Could not be made"
        REMOVED = "removed", "Removed"

    meeting = models.ForeignKey(PanelMeeting, on_delete=models.CASCADE, related_name="pdfs")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(help_text="Why the PDF is needed: kept with each download.")
    degrade = models.BooleanField(
        default=False, help_text="Places known only by a postcode shown by their district."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    started_at = models.DateTimeField(null=True, blank=True)
    made_at = models.DateTimeField(null=True, blank=True)
    child_ids = models.JSONField(
        default=list, blank=True, help_text="The children in the PDF, for the access log."
    )
    # The PDF's bytes, base64, encrypted: it holds what children disclosed.
    data = EncryptedTextField(blank=True, null=True, default="")
    size = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"PDF of {self.meeting} ({self.get_status_display()})"

"""Police intelligence submissions: what one return interview shared with the police.

A submission holds the document exactly as it left (encrypted at rest), its SHA-256, how it
left (a file handed over, or a POST to the police's endpoint), what came of it, and the
reference the police gave it. One interview's unchanged content is one submission: the
constraint on (interview, payload hash) keeps a re-send from making a second.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from encrypted_fields.fields import EncryptedTextField

from homeward.cases.models import ReturnInterview
from homeward.organisations.models import Organisation


class IntelligenceSubmission(models.Model):
    class Method(models.TextChoices):
        FILE = "file", "File"
        ENDPOINT = "endpoint", "Sent to the police endpoint"

    class Status(models.TextChoices):
        DRAFT = "draft", "Prepared, not yet shared"
        SENT = "sent", "Shared"
        FAILED = "failed", "Sending failed"
        ACKNOWLEDGED = "acknowledged", "Acknowledged by the police"

    reference = models.CharField(max_length=20, unique=True)
    interview = models.ForeignKey(
        ReturnInterview, on_delete=models.PROTECT, related_name="intelligence_submissions"
    )
    force = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="intelligence_received",
        null=True,
        blank=True,
        help_text="The police force it is addressed to: the one that reported the latest of "
        "the interview's episodes. Only that force's liaison officers see it.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    method = models.CharField(max_length=10, choices=Method.choices, blank=True)
    degraded = models.BooleanField(
        default=False, help_text="Month of birth and postcode district instead of the full ones."
    )
    payload_sha256 = models.CharField(max_length=64)
    payload = EncryptedTextField(help_text="The JSON document, exactly as it is shared.")
    summary = EncryptedTextField(
        blank=True, null=True, default="", help_text="What was disclosed, written to be shared."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    error = models.TextField(blank=True, help_text="Why the last send failed.")
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0, help_text="POSTs to the endpoint.")
    police_reference = models.CharField(max_length=100, blank=True, db_index=True)
    police_reference_recorded_at = models.DateTimeField(null=True, blank=True)
    police_reference_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text="Blank when the endpoint answered with the reference.",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["interview", "payload_sha256"], name="one_submission_per_content"
            )
        ]

    def __str__(self) -> str:
        return self.reference

"""What the police sent and what became of it.

- `ForceToken`: a force's API token, stored as its SHA-256 digest only.
- `IntakeBatch` and `BatchLine`: one delivery (an API call, an uploaded file, a dropped file)
  and its receipt, line by line, including what was refused and why. A big batch is queued
  and taken in by the background worker in chunks: its status and progress say how far.
- `QueuedBody`: a queued batch's file or body as received (encrypted), until it is taken in.
- `PoliceReport`: one missing-person report (force + police reference), what homeward made of
  it (classification, possible miscoding, suggested children) and what a person decided.
- `ReportNotification`: every distinct notification received for a report, kept as history;
  the report's current content is these folded in the order the police sent them.

Everything naming or describing a person is encrypted at rest.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from encrypted_fields.fields import EncryptedTextField

from homeward.cases import codes
from homeward.cases.models import Child, Episode
from homeward.organisations.models import Organisation


class ForceToken(models.Model):
    force = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="tokens",
        limit_choices_to={"kind": Organisation.Kind.POLICE_FORCE},
    )
    prefix = models.CharField(max_length=12, help_text="The token's first characters, to tell it.")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.force} token {self.prefix}…"


class IntakeBatch(models.Model):
    class Channel(models.TextChoices):
        API = "api", "API"
        UPLOAD = "upload", "Uploaded file"
        FILE = "file", "File on the server"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"

    reference = models.CharField(max_length=20, unique=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    source = models.CharField(max_length=255, help_text="The file's name, or 'request'.")
    force = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="batches", null=True, blank=True
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    accepted = models.PositiveIntegerField(default=0)
    amended = models.PositiveIntegerField(default=0)
    duplicate = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True, help_text="Whole-file problems.")

    # A small batch is taken in at once (done when stored); a big one is queued for the
    # background worker, which takes it in a chunk at a time: `processed` of `total` records.
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.DONE, db_index=True
    )
    total = models.PositiveIntegerField(default=0, help_text="Records in the batch.")
    processed = models.PositiveIntegerField(default=0, help_text="Records taken in so far.")
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name_plural = "intake batches"

    def __str__(self) -> str:
        return self.reference


class QueuedBody(models.Model):
    """A queued batch's file or request body as received, encrypted (it names children),
    kept until the worker has taken the batch in, then deleted: the receipt lines and the
    reports keep what is needed. Apart from the batch so that listing batches never reads
    it."""

    class Encoding(models.TextChoices):
        TEXT = "text", "UTF-8 text"
        BASE64 = "base64", "Base64 of the bytes"

    batch = models.OneToOneField(IntakeBatch, on_delete=models.CASCADE, related_name="body")
    #: The name the parser reads it by (its extension says the format).
    name = models.CharField(max_length=255)
    encoding = models.CharField(max_length=6, choices=Encoding.choices)
    data = EncryptedTextField()
    #: The moment the parser checks times against (when the batch was received).
    parsed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"body of {self.batch}"


class PoliceReport(models.Model):
    """One police missing-person report and what homeward and a person made of it."""

    class State(models.TextChoices):
        WAITING = "waiting", "Waiting for a person"
        LINKED = "linked", "Linked to an episode"
        DISMISSED = "dismissed", "Not for this authority"
        ADULT = "adult", "An adult: not queued"

    class Miscoding(models.TextChoices):
        NONE = "none", "No contradiction"
        OPEN = "open", "Possible miscoding, not yet resolved"
        RESOLVED = "resolved", "Possible miscoding, resolved"

    reference = models.CharField(max_length=20, unique=True)
    force_code = models.CharField(max_length=50)
    force = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="reports", null=True, blank=True
    )
    police_reference = models.CharField(max_length=50)
    # The current content (folded notifications), as the format's text record, encrypted.
    content = EncryptedTextField(default="{}")
    # Plain columns the lists and the reconciliation filter and sort on.
    notification_type = models.CharField(max_length=20)
    reported_at = models.DateTimeField(db_index=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    found_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Classification.
    age_at_report = models.PositiveSmallIntegerField(null=True, blank=True)
    is_child = models.BooleanField(null=True)
    kind = models.CharField(max_length=20)
    missing_from = models.CharField(max_length=10, blank=True)
    authority_role = models.CharField(max_length=20)
    concerns = models.JSONField(default=list, blank=True)
    miscoding = models.CharField(
        max_length=10, choices=Miscoding.choices, default=Miscoding.NONE, db_index=True
    )
    miscoding_resolution = EncryptedTextField(blank=True, null=True, default="")
    miscoding_resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    miscoding_resolved_at = models.DateTimeField(null=True, blank=True)
    # The structured outcome of a resolved miscoding: the police's coding as it was, and the
    # authority's correction, applied to the linked episode (`recode_applied_at`), or held
    # until the report is linked. Blank `recoded_category`: no structured outcome recorded.
    police_category = models.CharField(max_length=10, choices=codes.Category.choices, blank=True)
    police_risk_grade = models.CharField(max_length=20, choices=codes.RiskGrade.choices, blank=True)
    police_missing_from = models.CharField(
        max_length=10, choices=codes.MissingFrom.choices, blank=True
    )
    recoded_category = models.CharField(max_length=10, choices=codes.Category.choices, blank=True)
    recoded_risk_grade = models.CharField(
        max_length=20, choices=codes.RiskGrade.choices, blank=True
    )
    recoded_missing_from = models.CharField(
        max_length=10, choices=codes.MissingFrom.choices, blank=True
    )
    recode_applied_at = models.DateTimeField(null=True, blank=True)

    # Matching: the best candidates when last worked out, with their bands and reasons.
    class KnownAdult(models.TextChoices):
        CARE_LEAVER = "care_leaver", "Care leaver"
        KNOWN_CHILD = "known_child", "Known as a child, now an adult"

    #: A report about an adult of 18 to 24 that matched a child the authority knows: queued
    #: for a person, with what the authority knows them as.
    known_adult = models.CharField(max_length=12, choices=KnownAdult.choices, blank=True)
    suggestions = models.JSONField(default=list, blank=True)
    best_band = models.CharField(max_length=10, blank=True)
    # Episode fields the police's latest details could not be applied to (tried again with
    # the next notification).
    episode_pending = models.JSONField(default=list, blank=True)
    # What a person decided.
    state = models.CharField(max_length=10, choices=State.choices, db_index=True)
    child = models.ForeignKey(
        Child, on_delete=models.PROTECT, related_name="police_reports", null=True, blank=True
    )
    episode = models.OneToOneField(
        Episode,
        on_delete=models.PROTECT,
        related_name="police_report",
        null=True,
        blank=True,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = EncryptedTextField(blank=True, null=True, default="")
    #: Whether linking created the episode (rather than bringing up to date one recorded by
    #: hand): what unlinking does with the episode turns on it.
    created_episode = models.BooleanField(default=False)
    received_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-reported_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["force_code", "police_reference"], name="one_report_per_reference"
            )
        ]
        indexes = [models.Index(fields=["state", "reported_at"], name="report_state_reported")]

    def __str__(self) -> str:
        return f"{self.force_code} {self.police_reference}"


class ReportNotification(models.Model):
    """One distinct notification received for a report (a resend of the same is not kept)."""

    reference = models.CharField(max_length=20, unique=True)
    report = models.ForeignKey(PoliceReport, on_delete=models.CASCADE, related_name="notifications")
    batch = models.ForeignKey(IntakeBatch, on_delete=models.PROTECT, related_name="notifications")
    line = models.PositiveIntegerField()
    content_key = models.CharField(
        max_length=64, help_text="SHA-256 of the content and when the police sent it."
    )
    notification_type = models.CharField(max_length=20)
    sent_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField()
    content = EncryptedTextField(help_text="The notification as the format's text record.")

    class Meta:
        ordering = ["received_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "content_key"], name="one_notification_per_content"
            )
        ]

    def __str__(self) -> str:
        return self.reference


class BatchLine(models.Model):
    """One line of a batch's receipt."""

    class Status(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        AMENDED = "amended", "Amended"
        DUPLICATE = "duplicate", "Duplicate"
        REJECTED = "rejected", "Rejected"

    batch = models.ForeignKey(IntakeBatch, on_delete=models.CASCADE, related_name="lines")
    line = models.PositiveIntegerField()
    police_reference = models.CharField(max_length=50, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    notification = models.ForeignKey(
        ReportNotification, on_delete=models.SET_NULL, related_name="+", null=True, blank=True
    )
    report = models.ForeignKey(
        PoliceReport, on_delete=models.SET_NULL, related_name="+", null=True, blank=True
    )
    problems = models.JSONField(default=list, blank=True)
    raw = EncryptedTextField(
        blank=True, null=True, default="", help_text="A refused record as sent, for a person."
    )

    class Meta:
        ordering = ["batch", "line", "id"]

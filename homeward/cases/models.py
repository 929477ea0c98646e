"""Children, their missing episodes and the return interviews that follow.

Business rules live in `services.py` (writes) and `selectors.py` (reads); these models only
hold the records. Disclosures and free-text notes are encrypted at rest
(django-fernet-encrypted-fields): they can be read by the application and by no one with only
the database. Names, dates of birth and postcodes stay plain, because they are searched.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from encrypted_fields.fields import EncryptedTextField

from homeward.cases import codes
from homeward.organisations.models import Authority, Organisation


class EnteredInError(models.Model):
    """A record entered by mistake is marked, never deleted: when, by whom and why. It stays
    on the pages (tagged) and in the change history, and out of every count (the queries
    filter with `IN_COUNT`; docs/decisions/0007-corrections.md)."""

    entered_in_error_at = models.DateTimeField(null=True, blank=True)
    entered_in_error_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    entered_in_error_reason = EncryptedTextField(blank=True, null=True)

    class Meta:
        abstract = True

    @property
    def entered_in_error(self) -> bool:
        return self.entered_in_error_at is not None


#: The condition of a record that counts (not entered in error), for `filter()`.
IN_COUNT = models.Q(entered_in_error_at__isnull=True)


def in_count(prefix: str = "") -> models.Q:
    """`IN_COUNT` through a relation: `in_count("interview__offers__")`."""
    return models.Q(**{f"{prefix}entered_in_error_at__isnull": True})


class Counter(models.Model):
    """A named, locked sequence for case references (two workers never get the same one)."""

    name = models.CharField(max_length=20, primary_key=True)
    value = models.PositiveBigIntegerField(default=0)


class Child(models.Model):
    reference = models.CharField(max_length=20, unique=True)
    person_id = models.CharField(
        "case system person id",
        max_length=48,
        unique=True,
        null=True,
        blank=True,
        help_text="The authority's case system's id of the child (the SSD's pers_person_id); "
        "blank for a child typed in until a person confirms the match "
        "(docs/decisions/0010-ssd-import.md).",
    )
    nhs_number = models.CharField(
        "NHS number",
        max_length=10,
        blank=True,
        help_text="The child's NHS number (the SSD's pers_common_child_id), as the case "
        "system has it; blank when not known.",
    )
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=10, choices=codes.Sex.choices, default=codes.Sex.UNKNOWN)
    ethnicity = models.CharField(
        max_length=4, choices=codes.Ethnicity.choices, default=codes.Ethnicity.NOBT
    )
    address = EncryptedTextField(blank=True, null=True, default="")
    postcode = models.CharField(max_length=8, blank=True, db_index=True)
    legal_status = models.CharField(
        max_length=30, choices=codes.LegalStatus.choices, default=codes.LegalStatus.NONE
    )
    placement_type = models.CharField(
        max_length=30, choices=codes.PlacementType.choices, blank=True
    )
    responsible_authority = models.ForeignKey(
        Authority, on_delete=models.PROTECT, related_name="children_responsible"
    )
    host_authority = models.ForeignKey(
        Authority,
        on_delete=models.PROTECT,
        related_name="children_hosted",
        null=True,
        blank=True,
        help_text="Where the child lives, when placed out of the responsible authority's area.",
    )
    social_worker = models.CharField(max_length=200, blank=True)
    looked_after_since = models.DateField(
        null=True,
        blank=True,
        help_text="When the current period of care began (the SSDA903 DECOM of its first "
        "episode); blank when not looked after or not known.",
    )
    upn = models.CharField(
        "unique pupil number",
        max_length=13,
        blank=True,
        help_text="The DfE unique pupil number, for the SSDA903 header; blank when not known.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [models.Index(fields=["last_name", "first_name"])]
        verbose_name_plural = "children"

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} ({self.reference})"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class ChildAlias(models.Model):
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "child aliases"

    def __str__(self) -> str:
        return self.name


class ChildMatchKey(models.Model):
    """A blocking key of a child for matching police notifications (`homeward.police.match`).

    Kept by `services.child_match_keys_refresh` whenever a child's names, date of birth or
    postcode change, so a notification finds its candidate children with one indexed query.

    The key's link to its child is not a constraint of the database: the keys are derived
    from the child and written by the hundred thousand when the case system's extract is
    first imported, and checking each against its child at the commit took about 6 s of that
    import's 60 on PostgreSQL (docs/decisions/0010-ssd-import.md). Django still deletes a
    child's keys with it (`on_delete` is Django's, not the database's).
    """

    child = models.ForeignKey(
        Child, on_delete=models.CASCADE, related_name="match_keys", db_constraint=False
    )
    key = models.CharField(max_length=80, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["child", "key"], name="one_match_key_per_child")
        ]


class RiskFlag(models.Model):
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="risk_flags")
    kind = models.CharField(max_length=20, choices=codes.RiskKind.choices)
    noted_on = models.DateField()
    source = models.CharField(max_length=200, help_text="Who raised it: police, school, …")
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-noted_on"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} since {self.noted_on}"


class ReturnInterview(EnteredInError):
    """One return interview, covering one or more episodes of the same child."""

    reference = models.CharField(max_length=20, unique=True)
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="interviews")
    allocated_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="interviews", null=True
    )
    allocated_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="interviews",
        null=True,
        blank=True,
    )
    allocated_at = models.DateTimeField(null=True, blank=True)
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    interviewer_independent = models.BooleanField(
        null=True, help_text="Whether the interviewer is independent of the child's care."
    )
    chosen_by_child = models.BooleanField(null=True)
    outcome = models.CharField(
        max_length=20, choices=codes.Outcome.choices, default=codes.Outcome.PENDING
    )
    declined_by = models.CharField(max_length=20, choices=codes.DeclinedBy.choices, blank=True)
    decline_reason_code = models.CharField(
        max_length=20, choices=codes.DeclineReason.choices, blank=True
    )
    decline_reason = EncryptedTextField(blank=True, null=True, default="")
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)
    held_at = models.DateTimeField(null=True, blank=True, help_text="When it was completed.")
    held_where = models.CharField(max_length=200, blank=True)
    # The write-up. Everything the child said is encrypted at rest.
    push_factors = EncryptedTextField(blank=True, null=True, default="")
    pull_factors = EncryptedTextField(blank=True, null=True, default="")
    whereabouts = EncryptedTextField(
        blank=True, null=True, default="", help_text="Where and with whom the child was."
    )
    harms = models.JSONField(default=list, blank=True, help_text="Codes from codes.Harm.")
    child_words = EncryptedTextField(blank=True, null=True, default="")
    child_wishes = EncryptedTextField(blank=True, null=True, default="")
    follow_up_offered = models.BooleanField(null=True)
    follow_up_taken_up = models.BooleanField(null=True)
    safety_plan_updated = models.BooleanField(null=True)
    written_up_at = models.DateTimeField(null=True, blank=True)
    written_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    sign_off_note = EncryptedTextField(blank=True, null=True, default="")
    # Sign-off: the worker submits the closed interview, a manager signs it off or returns
    # it with comments (`cases.status` derives where the interview is from these).
    submitted_for_sign_off_at = models.DateTimeField(null=True, blank=True)
    submitted_for_sign_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    returned_for_changes_at = models.DateTimeField(
        null=True, blank=True, help_text="When a manager last returned it to the worker."
    )
    returned_for_changes_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    return_comments = EncryptedTextField(
        blank=True, null=True, default="", help_text="What the manager asked to be changed."
    )
    late_reason_code = models.CharField(max_length=20, choices=codes.LateReason.choices, blank=True)
    late_reason = EncryptedTextField(blank=True, null=True, default="")
    # Across the boundary (docs/exchange.md, "Return interview arrangements"): an interview
    # the host authority holds for the responsible one is counted once, by the responsible
    # authority. The host's record names the authority it holds it for (and is left out of
    # the host's indicators); the responsible authority's names the host that held it.
    held_for_authority = models.CharField(
        "held for (GSS code)",
        max_length=9,
        blank=True,
        help_text="Held here for the child's responsible authority, which counts it.",
    )
    held_by_authority = models.CharField(
        "held by (GSS code)",
        max_length=9,
        blank=True,
        help_text="Held for us by the host authority, by arrangement.",
    )
    # The clock: the due point of the earliest episode still waiting, and the rule that set it.
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    due_rule = models.CharField(max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # What is open, by due point: the coordinator's home reads the few open
            # interviews (not held; pending or accepted) from a small index, not the whole
            # table. Two, one for each database: SQLite matches a partial index's condition
            # only to literal terms (Django passes `outcome IN (...)` as parameters), so
            # its index has the outcome as a column; PostgreSQL underestimates how few
            # rows are open (held_at and outcome are correlated) unless the index holds
            # only them.
            models.Index(
                fields=["outcome", "due_at"],
                condition=models.Q(held_at__isnull=True),
                name="interview_open_due",
            ),
            models.Index(
                fields=["due_at"],
                condition=models.Q(held_at__isnull=True, outcome__in=["pending", "accepted"]),
                name="interview_open_only_due",
            ),
            # A caseload: its open interviews (as above, for one worker or provider), and
            # its closed ones, the latest first, a page at a time.
            models.Index(
                fields=["allocated_worker", "outcome", "due_at"],
                condition=models.Q(held_at__isnull=True),
                name="interview_worker_open",
            ),
            models.Index(
                fields=["allocated_organisation", "outcome", "due_at"],
                condition=models.Q(held_at__isnull=True),
                name="interview_org_open",
            ),
            models.Index(fields=["allocated_worker", "created_at"], name="interview_worker_made"),
            models.Index(
                fields=["allocated_organisation", "created_at"], name="interview_org_made"
            ),
            # The indicators' cache key reads the latest change.
            models.Index(fields=["updated_at"], name="interview_updated"),
            # The managers' sign-off queue: what is submitted and not yet signed off, the
            # longest waiting first, with the columns that say whose it is (so the queue is
            # counted from the index alone).
            models.Index(
                fields=[
                    "submitted_for_sign_off_at",
                    "allocated_worker",
                    "written_up_by",
                    "allocated_organisation",
                ],
                condition=models.Q(
                    signed_off_at__isnull=True, submitted_for_sign_off_at__isnull=False
                ),
                name="interview_awaiting_sign_off",
            ),
            # A caseload's interviews not yet signed off (open, to submit, returned, awaiting
            # sign-off): a few of a worker's thousands, without reading the rest.
            models.Index(
                fields=["allocated_worker", "submitted_for_sign_off_at"],
                condition=models.Q(signed_off_at__isnull=True),
                name="interview_worker_unsigned",
            ),
            models.Index(
                fields=["allocated_organisation", "submitted_for_sign_off_at"],
                condition=models.Q(signed_off_at__isnull=True),
                name="interview_org_unsigned",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_completed(self) -> bool:
        return self.held_at is not None

    @property
    def is_closed(self) -> bool:
        """No more is expected: held, declined, or no contact could be made."""
        return self.held_at is not None or self.outcome in (
            codes.Outcome.DECLINED,
            codes.Outcome.NO_CONTACT,
        )


class Episode(EnteredInError):
    class Source(models.TextChoices):
        HOMEWARD = "homeward", "Recorded in homeward"
        SSD = "ssd", "Imported from the case system"

    reference = models.CharField(max_length=20, unique=True)
    source = models.CharField(
        max_length=10,
        choices=Source.choices,
        default=Source.HOMEWARD,
        help_text="Where the episode was recorded: an imported one is the case system's "
        "history, read-only in homeward.",
    )
    source_id = models.CharField(
        max_length=48,
        null=True,
        blank=True,
        help_text="The source's own id of an imported episode (the SSD's miss_table_id).",
    )
    imported_rhi_offered = models.CharField(
        max_length=2,
        blank=True,
        help_text="An imported episode's return interview offered, as the case system says "
        "(Y, N, NA or blank).",
    )
    imported_rhi_accepted = models.CharField(
        max_length=2,
        blank=True,
        help_text="An imported episode's return interview accepted (Y, N, NA or blank).",
    )
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="episodes")
    category = models.CharField(max_length=10, choices=codes.Category.choices)
    missing_from = models.CharField(max_length=10, choices=codes.MissingFrom.choices)
    whereabouts_known = models.BooleanField(
        null=True,
        blank=True,
        help_text="Were the child's whereabouts known while they were away (None: not "
        "recorded)? The SSDA903 writes A (away without authorisation) only when they were.",
    )
    started_at = models.DateTimeField()
    reported_to_police_at = models.DateTimeField(null=True, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True, help_text="Returned or found.")
    notified_at = models.DateTimeField(
        null=True, blank=True, help_text="When the authority was told of the return."
    )
    police_force = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="episodes_reported",
        null=True,
        blank=True,
        limit_choices_to={"kind": Organisation.Kind.POLICE_FORCE},
    )
    police_reference = models.CharField(max_length=50, blank=True, db_index=True)
    risk_grade = models.CharField(max_length=20, choices=codes.RiskGrade.choices, blank=True)
    circumstances = EncryptedTextField(blank=True, null=True, default="")
    last_seen_where = models.CharField(max_length=200, blank=True)
    found_where = models.CharField(max_length=200, blank=True)
    found_by = models.CharField(max_length=200, blank=True)
    risk_factors = models.JSONField(
        default=list, blank=True, help_text="The police's risk flags (codes of the format)."
    )
    prevention_interview_done = models.BooleanField(
        null=True,
        blank=True,
        help_text="Whether the police did a prevention interview (safe and well).",
    )
    police_officer = models.CharField(
        max_length=400, blank=True, help_text="The officer to contact, and how."
    )
    interview = models.ForeignKey(
        ReturnInterview,
        on_delete=models.SET_NULL,
        related_name="episodes",
        null=True,
        blank=True,
    )
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    due_rule = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            # The coordinator's home: still missing, awaiting allocation, new this week.
            models.Index(
                fields=["started_at"],
                condition=models.Q(returned_at__isnull=True),
                name="episode_missing_started",
            ),
            models.Index(
                fields=["due_at"],
                condition=models.Q(returned_at__isnull=False, interview__isnull=True),
                name="episode_awaiting_due",
            ),
            models.Index(fields=["created_at"], name="episode_created"),
            # The indicators' cache key reads the latest change.
            models.Index(fields=["updated_at"], name="episode_updated"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id"],
                condition=models.Q(source_id__isnull=False),
                name="one_episode_per_source_id",
            )
        ]

    @property
    def imported(self) -> bool:
        """Imported history of the case system: shown, counted, never edited here."""
        return self.source != self.Source.HOMEWARD

    def __str__(self) -> str:
        return self.reference


class Offer(EnteredInError):
    interview = models.ForeignKey(ReturnInterview, on_delete=models.CASCADE, related_name="offers")
    offered_at = models.DateTimeField()
    offered_to = models.CharField(max_length=20, choices=codes.OfferedTo.choices)
    method = models.CharField(max_length=20, choices=codes.ContactMethod.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        ordering = ["offered_at"]


class ContactAttempt(EnteredInError):
    interview = models.ForeignKey(
        ReturnInterview, on_delete=models.CASCADE, related_name="attempts"
    )
    attempted_at = models.DateTimeField()
    method = models.CharField(max_length=20, choices=codes.ContactMethod.choices)
    successful = models.BooleanField(default=False)
    note = EncryptedTextField(blank=True, null=True, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        ordering = ["attempted_at"]


class PlaceOfConcern(EnteredInError):
    interview = models.ForeignKey(ReturnInterview, on_delete=models.CASCADE, related_name="places")
    description = models.CharField(max_length=200)
    postcode = models.CharField(max_length=8, blank=True)
    when = models.CharField(
        max_length=200, blank=True, help_text="When the child was there, as the child said."
    )
    shareable = models.BooleanField(
        default=False, help_text="Recorded as shareable with the police as intelligence."
    )


class AdultOfConcern(EnteredInError):
    interview = models.ForeignKey(ReturnInterview, on_delete=models.CASCADE, related_name="adults")
    description = EncryptedTextField(
        help_text="Name, nickname or description, as the child gave it"
    )
    shareable = models.BooleanField(
        default=False, help_text="Recorded as shareable with the police as intelligence."
    )


class VehicleOfConcern(EnteredInError):
    """A vehicle the child mentioned: a car they were driven in, one seen at a place."""

    interview = models.ForeignKey(
        ReturnInterview, on_delete=models.CASCADE, related_name="vehicles"
    )
    description = EncryptedTextField(help_text="Make, model, colour, as the child gave it.")
    registration = EncryptedTextField(blank=True, null=True, default="")
    shareable = models.BooleanField(
        default=False, help_text="Recorded as shareable with the police as intelligence."
    )


class Referral(EnteredInError):
    """An action after the interview: a referral to a service, and what came of it."""

    interview = models.ForeignKey(
        ReturnInterview, on_delete=models.CASCADE, related_name="referrals"
    )
    service = models.CharField(max_length=200)
    made_on = models.DateField()
    outcome = models.CharField(max_length=200, blank=True)


class InformationShare(models.Model):
    interview = models.ForeignKey(ReturnInterview, on_delete=models.CASCADE, related_name="shares")
    recipient = models.CharField(max_length=20, choices=codes.ShareRecipient.choices)
    shared_at = models.DateTimeField()
    basis = models.CharField(max_length=20, choices=codes.ShareBasis.choices)
    detail = EncryptedTextField(blank=True, null=True, default="")
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        ordering = ["shared_at"]


class ClockAlert(models.Model):
    """An alert sent for one interview at one threshold: at most once (the constraint)."""

    interview = models.ForeignKey(ReturnInterview, on_delete=models.CASCADE, related_name="alerts")
    threshold = models.CharField(max_length=20, choices=codes.AlertThreshold.choices)
    due_at = models.DateTimeField(help_text="The due point the alert was about.")
    sent_at = models.DateTimeField(auto_now_add=True)
    recipients = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["interview", "threshold", "due_at"], name="one_alert_per_threshold"
            )
        ]


class ChildMerge(models.Model):
    """Two records of one child made one: who, when, why, and what the duplicate was.

    Everything of the duplicate (episodes, interviews, risk flags, aliases, police reports)
    moves to the kept record, the duplicate's name becomes an alias, and the duplicate goes.
    """

    kept = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="merges")
    duplicate_reference = models.CharField(max_length=20, unique=True)
    duplicate_id = models.BigIntegerField(
        null=True, help_text="The duplicate's id, under which the access log still holds it."
    )
    duplicate_summary = EncryptedTextField(help_text="The duplicate record as it was.")
    moved = models.JSONField(default=dict, help_text="What was moved: counts by record.")
    reason = EncryptedTextField()
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    merged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-merged_at"]


# --- corrections: every change to a saved record, with its reason --------------------------


class Correction(models.Model):
    """One correction of a saved record: who, when, which record, each field from what to
    what, and why (docs/decisions/0007-corrections.md). Append-only, like the access log.

    Kept beside django-auditlog's change history (which records every save, for
    administrators) because a correction carries what auditlog cannot: the reason, the
    action in the domain's words, and the child, so a child's timeline reads its
    corrections with one indexed query. What changed, and why, can name a child or repeat
    what they said: both are encrypted at rest.
    """

    class Action(models.TextChoices):
        CHANGED = "changed", "Changed"
        ENTERED_IN_ERROR = "in_error", "Entered in error"
        RECODED = "recoded", "Recoded after a possible miscoding"
        UNLINKED = "unlinked", "Police report unlinked"
        MOVED = "moved", "Moved to another child"
        REALLOCATED = "reallocated", "Reallocated"
        REOPENED = "reopened", "Reopened after sign-off"

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="corrections")
    #: What was corrected: "child", "episode", "interview", "offer", "attempt", "place",
    #: "adult", "vehicle", "referral" or "report" (a police report's link), and its id.
    kind = models.CharField(max_length=20)
    object_id = models.PositiveBigIntegerField()
    #: The record in words, naming no one: "episode E-000012", "an offer (RI-000003)".
    record = models.CharField(max_length=120)
    #: The episode or interview the record belongs to, so the timeline shows a correction
    #: only to those who may see that episode or interview.
    episode = models.ForeignKey(
        Episode, on_delete=models.SET_NULL, related_name="corrections", null=True, blank=True
    )
    interview = models.ForeignKey(
        ReturnInterview,
        on_delete=models.SET_NULL,
        related_name="corrections",
        null=True,
        blank=True,
    )
    action = models.CharField(max_length=12, choices=Action.choices)
    #: JSON: [{"field", "label", "kind" ("moment", "day" or "text"), "from", "to"}].
    changes = EncryptedTextField(default="[]")
    reason = EncryptedTextField(blank=True, null=True, default="")
    #: Why a reason was asked for ("" when it was not required).
    reason_required_because = models.CharField(max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["child", "at"], name="correction_child"),
            models.Index(fields=["kind", "object_id"], name="correction_record"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.record}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("corrections are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("corrections are append-only")

"""The records of the exchange between authorities' instances (docs/exchange.md): this
instance's own keys, its partners and their keys, the outbox and the inbox."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from encrypted_fields.fields import EncryptedTextField


class InstanceKey(models.Model):
    """One of this instance's key pairs (Ed25519 to sign, X25519 to be encrypted for), its
    private parts encrypted. The newest signs and is the one partners encrypt for; an older
    pair is still published, and still decrypts, until its `retire_at` (the overlap a
    rotation gives partners to fetch the new keys)."""

    private_jwks = EncryptedTextField()
    signing_kid = models.CharField(max_length=64, unique=True)
    encryption_kid = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    retire_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]


class Partner(models.Model):
    """Another authority's homeward instance this one exchanges messages with, by the
    authority's GSS code. A partner removed is kept (its messages refer to it), inactive."""

    code = models.CharField("GSS code", max_length=9, unique=True)
    name = models.CharField(max_length=200)
    url = models.URLField(max_length=500, help_text="The partner instance's address.")
    active = models.BooleanField(default=True)
    added_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class PartnerKey(models.Model):
    """A partner's public key ("sig": Ed25519, its signatures; "enc": X25519, what is
    encrypted for it), as a JWK. In force until `retire_at` (a rotation's overlap)."""

    class Use(models.TextChoices):
        SIGNING = "sig", "Signing"
        ENCRYPTION = "enc", "Encryption"

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="keys")
    use = models.CharField(max_length=3, choices=Use.choices)
    kid = models.CharField("key id (RFC 7638 thumbprint)", max_length=64)
    jwk = models.JSONField()
    added_at = models.DateTimeField(auto_now_add=True)
    retire_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-added_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "kid"], name="one_key_per_partner_kid")
        ]


class OutboxMessage(models.Model):
    """A message to a partner, written in the same transaction as the change that causes
    it and delivered by the task worker with retries. Never dropped: a message not
    delivered stays pending (or refused, with the partner's reason) until a person acts."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to be delivered"
        DELIVERED = "delivered", "Delivered"
        REFUSED = "refused", "Refused by the partner"

    message_id = models.UUIDField(unique=True)
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="outbox")
    kind = models.CharField(max_length=60)
    reason = models.CharField(max_length=500)
    payload = EncryptedTextField(help_text="The payload as JSON.")
    child = models.ForeignKey(
        "cases.Child", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    receipt = models.TextField(blank=True, help_text="The partner's signed receipt (a JWS).")
    alerted_at = models.DateTimeField(
        null=True, blank=True, help_text="When the coordinators were told it was not delivered."
    )

    class Meta:
        ordering = ["-created_at", "-pk"]


class InboxMessage(models.Model):
    """A message taken from a partner: once only, by its message id, with the signed
    receipt this instance gave (given again, unchanged, when the message comes again)."""

    message_id = models.UUIDField(unique=True)
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="inbox")
    kind = models.CharField(max_length=60)
    reason = models.CharField(max_length=500)
    payload = EncryptedTextField(help_text="The payload as JSON.")
    signed_at = models.DateTimeField()
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    receipt = models.TextField(help_text="The signed receipt this instance gave (a JWS).")
    repeats = models.PositiveIntegerField(
        default=0, help_text="How many times the same message came again."
    )

    class Meta:
        ordering = ["-received_at", "-pk"]


class PartnerNotice(models.Model):
    """A notice about a child that a partner sent (a missing or a placement notice): kept
    until a person says which child it is about and records what it says (docs/exchange.md,
    "Missing notices", "Placement notices"). Linked at once only by identifiers that cannot
    be confused (the same NHS number and date of birth, the responsible authority's own
    person id, or an earlier notice about the same child that a person linked); otherwise
    the matcher's suggestions wait for a person, as with a police report."""

    class State(models.TextChoices):
        WAITING = "waiting", "Waiting for a person"
        RECORDED = "recorded", "Recorded"

    message = models.OneToOneField(InboxMessage, on_delete=models.PROTECT, related_name="notice")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField(max_length=60, default="missing.notice")
    event = models.CharField(max_length=20)
    child_reference = models.CharField(max_length=20, help_text="The partner's reference.")
    episode_reference = models.CharField(
        max_length=20, blank=True, help_text="The partner's reference (a missing notice)."
    )
    started_at = models.DateTimeField(
        null=True, blank=True, help_text="When the episode began (a missing notice)."
    )
    returned_at = models.DateTimeField(null=True, blank=True)
    placement_start = models.DateField(null=True, blank=True)
    placement_end = models.DateField(null=True, blank=True)
    emergency = models.BooleanField(null=True, blank=True)
    child = models.ForeignKey(
        "cases.Child", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    linked_by = models.CharField(
        max_length=200, blank=True, help_text="Why the child was linked at once, in words."
    )
    episode = models.ForeignKey(
        "cases.Episode", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    suggestions = models.JSONField(default=list, help_text="The matcher's, when received.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-received_at", "-pk"]


class PlacementNotice(models.Model):
    """A placement notice this authority (the responsible one) sent to the host authority,
    with the day the regulations want it by: the placement's start, or for an emergency
    placement the fifth working day after it (Care Planning, Placement and Case Review
    (England) Regulations 2010, reg 13(4))."""

    child = models.ForeignKey("cases.Child", on_delete=models.PROTECT, related_name="+")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="placements")
    event = models.CharField(max_length=10)
    emergency = models.BooleanField(default=False)
    placement_start = models.DateField()
    placement_end = models.DateField(null=True, blank=True)
    due_on = models.DateField(
        null=True, blank=True, help_text="The last day the notice is on time (None: no day)."
    )
    message = models.OneToOneField(OutboxMessage, on_delete=models.PROTECT, related_name="+")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]

    @property
    def on_time(self) -> bool | None:
        """Sent by its day (None: no day applies)."""
        from django.utils import timezone

        return None if self.due_on is None else timezone.localdate(self.sent_at) <= self.due_on


class HomeMovement(models.Model):
    """A child's admission to, or discharge from, a children's home in this authority's
    area, recorded here (the host) and told to the child's responsible authority when it is
    a partner (Children's Homes (England) Regulations 2015, reg 41).

    A coordinator records it for a child homeward knows; the home's own staff record it by
    the child's name, date of birth and responsible authority (`reported`), and until
    homeward is sure which child that is (`child` is None) it waits for a coordinator to
    say, and nothing is sent."""

    class Event(models.TextChoices):
        ADMISSION = "admission", "Admitted"
        DISCHARGE = "discharge", "Discharged"

    child = models.ForeignKey(
        "cases.Child", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    home = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The children's home whose staff recorded it (None: a coordinator did).",
    )
    responsible_authority = models.ForeignKey(
        "organisations.Authority",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The responsible authority the home named, for a child not yet known.",
    )
    reported = models.JSONField(
        default=dict,
        blank=True,
        help_text="What the home's staff gave: the child's names and date of birth, and the "
        "home's and legal parts of the notice (sent once the child is known).",
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    linked_at = models.DateTimeField(null=True, blank=True)
    event = models.CharField(max_length=10, choices=Event.choices)
    on = models.DateField()
    home_name = models.CharField(max_length=200)
    urn = models.CharField("Ofsted URN", max_length=10, blank=True)
    message = models.OneToOneField(
        OutboxMessage, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    # Recorded by mistake: kept, marked, and (when it was told) told again as a mistake.
    entered_in_error_at = models.DateTimeField(null=True, blank=True)
    entered_in_error_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    entered_in_error_reason = models.CharField(max_length=500, blank=True)
    correction = models.OneToOneField(
        OutboxMessage, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-on", "-pk"]


class InterviewArrangement(models.Model):
    """Who holds a child's return interview when the child is placed across the boundary
    (docs/exchange.md, "Return interview arrangements"). The responsible authority stays
    responsible for it and counts it; by agreement the host authority's service holds it.

    Each side keeps its own record of one arrangement, under the responsible authority's id
    for it (`arrangement`): the responsible authority's `ASKED` (it asked the partner), the
    host's `ASKED_OF_US`. `interview` is this side's interview: the responsible authority's
    own, or the one the host opened to hold it."""

    class Role(models.TextChoices):
        ASKED = "asked", "We asked them to hold it"
        ASKED_OF_US = "asked_of_us", "They asked us to hold it"

    class State(models.TextChoices):
        REQUESTED = "requested", "Waiting for an answer"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"
        GIVEN_BACK = "given_back", "Given back: the host cannot hold it after all"
        DONE = "done", "Outcome sent"

    arrangement = models.UUIDField()
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="arrangements")
    role = models.CharField(max_length=12, choices=Role.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.REQUESTED)
    child = models.ForeignKey(
        "cases.Child", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    interview = models.ForeignKey(
        "cases.ReturnInterview",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="arrangements",
    )
    notice = models.OneToOneField(
        PartnerNotice,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="arrangement",
        help_text="The host's: the request, kept until a person says which child it is about.",
    )
    their_interview_reference = models.CharField(max_length=20, blank=True)
    due_at = models.DateTimeField(
        null=True, blank=True, help_text="When it is due, on the responsible authority's clock."
    )
    due_rule = models.CharField(max_length=300, blank=True)
    host_episodes = models.JSONField(
        default=list, blank=True, help_text="The host's references for the episodes covered."
    )
    note = EncryptedTextField(blank=True, null=True, default="")
    answer_reason = EncryptedTextField(blank=True, null=True, default="")
    conducted_by = models.CharField(max_length=200, blank=True)
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(
        null=True, blank=True, help_text="When the responsible authority withdrew the request."
    )
    outcome_at = models.DateTimeField(
        null=True, blank=True, help_text="When the outcome was sent (host) or received."
    )
    outcome_revision = models.PositiveIntegerField(
        default=0,
        help_text="The latest outcome sent (host) or taken (responsible authority): 1 the "
        "first, more when the host reopened and signed it off again.",
    )
    outcome_applied = models.BooleanField(
        default=False,
        help_text="The responsible authority's: the outcome was written to its interview "
        "(False: it was closed here already, and a person is told).",
    )

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "arrangement", "role"], name="arrangement_once_per_side"
            ),
            # One live arrangement per interview on the responsible authority's side.
            models.UniqueConstraint(
                fields=["interview"],
                condition=models.Q(role="asked", state__in=["requested", "accepted"]),
                name="arrangement_one_live_per_interview",
            ),
        ]

    @property
    def open(self) -> bool:
        return self.state in (self.State.REQUESTED, self.State.ACCEPTED)


class NoticeCorrection(models.Model):
    """A partner's notice that was recorded against the wrong child, put back to wait for a
    person (docs/exchange.md, "Correcting a notice"): who it had been recorded for, the
    episode it had made, who put it back, when and why."""

    notice = models.ForeignKey(PartnerNotice, on_delete=models.PROTECT, related_name="corrections")
    child = models.ForeignKey("cases.Child", on_delete=models.PROTECT, related_name="+")
    episode = models.ForeignKey(
        "cases.Episode", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=500)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    corrected_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-corrected_at", "-pk"]

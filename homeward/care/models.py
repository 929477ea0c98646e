"""What the authority's case system knows about its children, imported from its Standard
Safeguarding Dataset extract (`homeward.care.ssd_import`; docs/decisions/0010-ssd-import.md).

Every row is keyed by the SSD's own id (`ssd_id`, the table's primary key in the spec), so a
re-import updates it in place. These tables are the case system's copy: only the import
writes them, and homeward's own records (`cases`) are never overwritten from them except
for the fields the decision record lists as the case system's.
"""

from __future__ import annotations

import json
import zlib

from django.conf import settings
from django.db import models
from encrypted_fields.fields import EncryptedTextField

from homeward.cases.models import Child

ROW_HASH = (
    "A digest of the row's values as the import last wrote them: a re-import compares it "
    "and leaves an unchanged row unread and unwritten (never decrypted)."
)
CHILD_HASH = (
    "A digest of the linked child's case-system fields as the import last wrote them (with "
    "the child's id and last change): an unchanged child is neither read nor written."
)


class Person(models.Model):
    """A person of the extract's `ssd_person`, with the identifiers of
    `ssd_linked_identifiers`. The child homeward knows them as is the `Child` whose
    `person_id` is theirs (none while a proposed match waits for a person to confirm it)."""

    person_id = models.CharField(max_length=48, unique=True, help_text="pers_person_id")
    forename = models.CharField(max_length=100, blank=True)
    surname = models.CharField(max_length=100, blank=True)
    sex = models.CharField(max_length=1, help_text="F, M or U")
    ethnicity = models.CharField(max_length=4)
    date_of_birth = models.DateField(null=True, blank=True)
    death_date = models.DateField(null=True, blank=True)
    nhs_number = models.CharField(max_length=10, blank=True)
    upn = models.CharField(max_length=13, blank=True)
    upn_unknown = models.CharField(max_length=3, blank=True)
    social_worker = models.CharField(
        max_length=200, blank=True, help_text="The allocated worker: the latest open involvement."
    )
    first_imported_at = models.DateTimeField(auto_now_add=True)
    gone_since = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When an import first found them no longer in the extract (never deleted).",
    )
    row_hash = models.BigIntegerField(null=True, blank=True, editable=False, help_text=ROW_HASH)
    child_hash = models.BigIntegerField(null=True, blank=True, editable=False, help_text=CHILD_HASH)

    class Meta:
        ordering = ["person_id"]

    def __str__(self) -> str:
        return self.person_id


class LinkedIdentifier(models.Model):
    """Another identifier of the person (`ssd_linked_identifiers`): UPN, NHS number, ..."""

    ssd_id = models.CharField(max_length=48, unique=True, help_text="link_table_id")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(max_length=50, help_text="The spec's identifier type.")
    value = models.CharField(max_length=100)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    row_hash = models.BigIntegerField(null=True, blank=True, editable=False, help_text=ROW_HASH)


class Address(models.Model):
    ssd_id = models.CharField(max_length=48, unique=True, help_text="addr_table_id")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="addresses")
    address = EncryptedTextField(blank=True, default="")
    address_type = models.CharField(max_length=50, blank=True)
    start = models.DateField(null=True, blank=True)
    end = models.DateField(null=True, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    row_hash = models.BigIntegerField(null=True, blank=True, editable=False, help_text=ROW_HASH)

    class Meta:
        ordering = ["start"]


class LegalStatus(models.Model):
    ssd_id = models.CharField(max_length=48, unique=True, help_text="lega_legal_status_id")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="legal_statuses")
    code = models.CharField(max_length=2, help_text="The SSDA903 LS code.")
    start = models.DateField(null=True, blank=True)
    end = models.DateField(null=True, blank=True)
    row_hash = models.BigIntegerField(null=True, blank=True, editable=False, help_text=ROW_HASH)

    class Meta:
        ordering = ["start"]
        verbose_name_plural = "legal statuses"


class CareEpisode(models.Model):
    """An episode of care (SSDA903 Episodes row); the episodes sharing a `period_id` make
    one period of care."""

    ssd_id = models.CharField(max_length=48, unique=True, help_text="clae_cla_episode_id")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="care_episodes")
    period_id = models.CharField(max_length=48, blank=True, help_text="clae_cla_id")
    start = models.DateField(help_text="DECOM")
    end = models.DateField(null=True, blank=True, help_text="DEC")
    rne = models.CharField(max_length=1, help_text="RNE: reason for new episode")
    legal_status = models.CharField(
        max_length=2, blank=True, help_text="LS: from ssd_legal_status on the start date"
    )
    cin = models.CharField(max_length=2, blank=True, help_text="CIN: category of need")
    rec = models.CharField(max_length=3, blank=True, help_text="REC: reason episode ceased")
    placement_ssd_id = models.CharField(max_length=48, blank=True)
    row_hash = models.BigIntegerField(null=True, blank=True, editable=False, help_text=ROW_HASH)

    class Meta:
        ordering = ["start"]
        indexes = [models.Index(fields=["start", "end"], name="care_episode_dates")]


class Placement(models.Model):
    ssd_id = models.CharField(max_length=48, unique=True, help_text="clap_cla_placement_id")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="placements")
    period_id = models.CharField(max_length=48, blank=True, help_text="clap_cla_id")
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    place = models.CharField(max_length=3, help_text="The SSDA903 PLACE code.")
    provider = models.CharField(max_length=3, blank=True, help_text="PLACE_PROVIDER")
    urn = models.CharField(max_length=10, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    change_reason = models.CharField(max_length=6, blank=True)
    host_la_code = models.CharField(
        max_length=9,
        blank=True,
        help_text="GSS code of the authority the placement is in, from its postcode (ONSPD).",
    )
    row_hash = models.BigIntegerField(null=True, blank=True, editable=False, help_text=ROW_HASH)

    class Meta:
        ordering = ["start"]


class Involvement(models.Model):
    """A professional's involvement with the person (`ssd_involvements`, with the name from
    `ssd_professionals`)."""

    ssd_id = models.CharField(max_length=48, unique=True, help_text="invo_involvements_id")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="involvements")
    professional_id = models.CharField(max_length=48, blank=True)
    professional_name = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=100, blank=True)
    team = models.CharField(max_length=200, blank=True)
    start = models.DateField(null=True, blank=True)
    end = models.DateField(null=True, blank=True)
    row_hash = models.BigIntegerField(null=True, blank=True, editable=False, help_text=ROW_HASH)

    class Meta:
        ordering = ["start"]


class MissingRecord(models.Model):
    """A row of the extract's `ssd_missing`, as the case system has it. The child's record
    holds it as an imported `cases.Episode` (source "ssd", the same `ssd_id`) once the
    person is a child homeward knows."""

    ssd_id = models.CharField(max_length=48, unique=True, help_text="miss_table_id")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="missing")
    start = models.DateTimeField()
    kind = models.CharField(max_length=1, help_text="M missing, A away without authorisation")
    end = models.DateTimeField(null=True, blank=True)
    rhi_offered = models.CharField(max_length=2, blank=True, help_text="Y, N, NA or blank")
    rhi_accepted = models.CharField(max_length=2, blank=True, help_text="Y, N, NA or blank")
    row_hash = models.BigIntegerField(null=True, blank=True, editable=False, help_text=ROW_HASH)

    class Meta:
        ordering = ["start"]


class ProposedMatch(models.Model):
    """A person of the extract who may be a child homeward already had (typed in, or made
    from a police report): never merged until a person confirms it."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Waiting for a decision"
        CONFIRMED = "confirmed", "Confirmed: the same child"
        REJECTED = "rejected", "Not the same child"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="proposals")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="proposals")
    score = models.FloatField()
    band = models.CharField(max_length=10, help_text="match or possible (the matcher's band)")
    reasons = models.JSONField(default=list, help_text="[[points, text], ...] from the matcher")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        ordering = ["-score"]
        constraints = [
            models.UniqueConstraint(fields=["person", "child"], name="one_proposal_per_pair")
        ]


class ImportRun(models.Model):
    """One import of an extract: when, by whom (blank for the command), and what changed."""

    started_at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    source = models.CharField(max_length=200, blank=True, help_text="command or upload")
    report = models.JSONField(default=dict)
    #: The ids of what it added, changed and removed, per table (`trace_ids`): JSON,
    #: compressed with zlib. A first import of 100,000 persons lists 800,000 ids, 10 MB as
    #: JSON; written as such it took 40 MB more memory at the end of the import.
    trace = models.BinaryField(default=b"", editable=False)

    class Meta:
        ordering = ["-started_at"]

    def trace_ids(self) -> dict[str, dict[str, list[str]]]:
        """{table: {"added" | "changed" | "removed": [id, ...]}}, only what it touched."""
        if not self.trace:
            return {}
        return json.loads(zlib.decompress(bytes(self.trace)))  # type: ignore[no-any-return]

"""The Philomena Protocol profile of a child (docs/profile.md): every version kept, each
answer and the photo encrypted at rest."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from encrypted_fields.fields import EncryptedTextField


class ProfilePhoto(models.Model):
    """A photo of the child, as taken in: re-encoded as a JPEG without its metadata, kept
    encrypted (base64 in an encrypted field, so `manage.py reencrypt` rotates it with every
    other encrypted value). Versions of the profile share a photo until a new one is given."""

    child = models.ForeignKey("cases.Child", on_delete=models.PROTECT, related_name="+")
    jpeg = EncryptedTextField(
        null=True, blank=True, help_text="The JPEG, base64 (none once deleted)."
    )
    sha256 = models.CharField(max_length=64)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # A photo that should never have been kept (the wrong child, taken without consent) is
    # deleted for good by a manager: its pixels go, the record of it and why stays.
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    deleted_reason = models.CharField(max_length=500, blank=True)


class ProfileVersion(models.Model):
    """One version of a child's profile. A change is a new version (with its reason); the
    earlier ones are kept and shown, never changed."""

    child = models.ForeignKey("cases.Child", on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField()
    description = EncryptedTextField(blank=True, null=True, default="")
    clothing = EncryptedTextField(blank=True, null=True, default="")
    phones = EncryptedTextField(blank=True, null=True, default="")
    associates = EncryptedTextField(blank=True, null=True, default="")
    places = EncryptedTextField(blank=True, null=True, default="")
    medical = EncryptedTextField(blank=True, null=True, default="")
    transport = EncryptedTextField(blank=True, null=True, default="")
    risks = EncryptedTextField(blank=True, null=True, default="")
    what_worked = EncryptedTextField(blank=True, null=True, default="")
    communication = EncryptedTextField(blank=True, null=True, default="")
    photo = models.ForeignKey(
        ProfilePhoto, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_on = models.DateField(help_text="When it is next reviewed with the child's carers.")
    reason = models.CharField(
        max_length=500, blank=True, help_text="Why it changed (every version after the first)."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["child", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["child", "version"], name="profile_version_once")
        ]

    def answers(self) -> dict[str, str]:
        from homeward.formats import philomena

        return {name: getattr(self, name) or "" for name in philomena.NAMES}


class ProfileShare(models.Model):
    """A copy of the profile sent to a police force (docs/profile.md, "To the police"):
    which version, to which force, why, and what came of it."""

    version = models.ForeignKey(ProfileVersion, on_delete=models.PROTECT, related_name="shares")
    force = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    police_reference = models.CharField(
        max_length=50, blank=True, help_text="The missing person report it is for, if known."
    )
    reason = models.CharField(max_length=1000)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)
    taken = models.BooleanField(default=False)
    their_reference = models.CharField(max_length=100, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]

"""Writing a child's Philomena Protocol profile (docs/profile.md): every change a new
version with its reason, the photo checked and re-encoded without its metadata."""

from __future__ import annotations

import base64
import hashlib
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from homeward.accounts import permissions
from homeward.formats import philomena
from homeward.profiles.models import ProfilePhoto, ProfileVersion

if TYPE_CHECKING:
    from homeward.accounts.models import User
    from homeward.cases.models import Child


def current(child: Child) -> ProfileVersion | None:
    return (
        ProfileVersion.objects.filter(child=child)
        .select_related("photo", "recorded_by")
        .order_by("-version")
        .first()
    )


@transaction.atomic
def profile_save(
    *,
    by: User,
    child: Child,
    answers: dict[str, str],
    review_on: date | None,
    photo: bytes | None = None,
    remove_photo: bool = False,
    reason: str = "",
    expected_version: int = 0,
) -> ProfileVersion:
    """A new version of the child's profile. `expected_version` is the version the writer
    read (0: none): when someone saved one since, nothing is saved, so no one's work is
    lost. Every version after the first says why it changed."""
    from homeward.cases.models import Child

    if not (permissions.can_record_episode(by) and permissions.can_view_child(by, child)):
        raise PermissionDenied("only a coordinator or manager keeps the profile")
    Child.objects.select_for_update().filter(pk=child.pk).first()  # one writer at a time
    latest = current(child)
    at = latest.version if latest is not None else 0
    if at != expected_version:
        raise ValidationError(
            f"Someone saved the profile since you opened it (version {at}): open it again "
            "and make your change to their version"
        )
    answers = {name: (answers.get(name) or "").strip() for name in philomena.NAMES}
    errors = philomena.check_answers(answers)
    review = philomena.check_review(review_on, today=timezone.localdate())
    if review:
        errors["review_on"] = review
    reason = reason.strip()
    if latest is not None and not reason:
        errors["reason"] = "Say why the profile changed"
    elif len(reason) > 500:
        errors["reason"] = "The reason must be 500 characters or fewer"
    kept_photo = None if remove_photo or latest is None else latest.photo
    new_photo = None
    if photo is not None:
        try:
            jpeg, width, height = philomena.clean_photo(photo)
        except philomena.PhotoError as error:
            errors["photo"] = str(error)
        else:
            new_photo = (jpeg, width, height)
    if errors:
        raise ValidationError(errors)
    if new_photo is not None:
        jpeg, width, height = new_photo
        kept_photo = ProfilePhoto.objects.create(
            child=child,
            jpeg=base64.b64encode(jpeg).decode("ascii"),
            sha256=hashlib.sha256(jpeg).hexdigest(),
            width=width,
            height=height,
            uploaded_by=by,
        )
    if (
        latest is not None
        and latest.answers() == answers
        and latest.review_on == review_on
        and latest.photo_id == (kept_photo.pk if kept_photo is not None else None)
    ):
        raise ValidationError("Nothing has changed: change an answer, the photo or the review date")
    assert review_on is not None
    return ProfileVersion.objects.create(
        child=child,
        version=at + 1,
        photo=kept_photo,
        review_on=review_on,
        reason=reason,
        recorded_by=by,
        **answers,
    )


def photo_bytes(photo: ProfilePhoto) -> bytes:
    return base64.b64decode(photo.jpeg)

"""Writing a child's Philomena Protocol profile (docs/profile.md): every change a new
version with its reason, the photo checked and re-encoded without its metadata."""

from __future__ import annotations

import base64
import hashlib
import json
import urllib.parse
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from homeward.accounts import permissions
from homeward.formats import philomena
from homeward.profiles.models import ProfilePhoto, ProfileShare, ProfileVersion

if TYPE_CHECKING:
    from django.http import HttpRequest

    from homeward.accounts.models import User
    from homeward.cases.models import Child, Episode
    from homeward.organisations.models import Organisation


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
    if kept_photo is not None and kept_photo.deleted_at is not None:
        kept_photo = None
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
    return base64.b64decode(photo.jpeg or "")


def usable_photo(version: ProfileVersion) -> bytes | None:
    """The version's photo, unless it has none or it was deleted."""
    photo = version.photo
    if photo is None or photo.deleted_at is not None:
        return None
    return photo_bytes(photo)


@transaction.atomic
def photo_delete(*, by: User, photo: ProfilePhoto, reason: str) -> ProfilePhoto:
    """Delete a photo for good, from every version that shows it: its pixels go; who
    deleted it, when and why stay (a manager's decision, in the access log too)."""
    from homeward.audit.models import AccessEvent
    from homeward.audit.services import access_record

    child = photo.child
    if not (permissions.can_delete_profile_photo(by) and permissions.can_view_child(by, child)):
        raise PermissionDenied("only a manager deletes a photo")
    photo = ProfilePhoto.objects.select_for_update().get(pk=photo.pk)
    if photo.deleted_at is not None:
        raise ValidationError({"reason": "This photo is deleted already"})
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the photo is deleted"})
    if len(reason) > 500:
        raise ValidationError({"reason": "The reason must be 500 characters or fewer"})
    photo.jpeg, photo.sha256 = "", ""
    photo.deleted_at, photo.deleted_by, photo.deleted_reason = timezone.now(), by, reason
    photo.save()
    access_record(
        user=by,
        action=AccessEvent.Action.DELETE,
        what=f"profile photo {photo.pk} of child {child.reference}",
        child_id=child.pk,
        detail=f"deleted: {reason}",
    )
    return photo


#: Why the copy goes (kept with it in the access log, before the person's own reason).
POLICE_REASON = "The child's Philomena Protocol profile, for the police search"


def travelling_copy(
    version: ProfileVersion, *, child: dict[str, object] | None = None
) -> dict[str, object]:
    """The version as it travels (the core's `structured_copy`, the photo made small), with
    the child when the copy does not go beside them (a placement notice carries its own)."""
    jpeg = usable_photo(version)
    return philomena.structured_copy(
        child=child,
        answers=version.answers(),
        version=version.version,
        recorded_at=version.recorded_at.isoformat(),
        review_on=version.review_on,
        nation=version.child.responsible_authority.nation,
        photo_jpeg_base64=philomena.travel_photo(jpeg) if jpeg is not None else None,
    )


def police_copy(
    *, version: ProfileVersion, force_code: str, police_reference: str
) -> dict[str, object]:
    """The structured copy as the police receive it: the profile, the child, and the force
    and report it is for."""
    child = version.child
    copy = travelling_copy(
        version,
        child={
            "reference": child.reference,
            "given_names": child.first_name,
            "family_name": child.last_name,
            "date_of_birth": child.date_of_birth.isoformat() if child.date_of_birth else None,
            "sex": child.sex,
            "responsible_authority": child.responsible_authority.gss_code,
            "responsible_authority_name": child.responsible_authority.name,
            "social_worker": child.social_worker or None,
        },
    )
    copy["force"] = force_code
    if police_reference:
        copy["police_reference"] = police_reference
    return copy


def profile_send_to_police(
    *,
    by: User,
    child: Child,
    force: Organisation,
    reason: str,
    police_reference: str = "",
    request: HttpRequest | None = None,
) -> ProfileShare:
    """Send the current profile to a police force's endpoint (the one intelligence goes
    to), logged as a share with the reason; what came of it is kept (`ProfileShare`)."""
    from homeward.audit.models import AccessEvent
    from homeward.audit.services import access_record
    from homeward.intelligence import services as intelligence
    from homeward.organisations.models import Organisation

    if not (permissions.can_record_episode(by) and permissions.can_view_child(by, child)):
        raise PermissionDenied("only a coordinator or manager sends the profile")
    errors: dict[str, str] = {}
    if force.kind != Organisation.Kind.POLICE_FORCE:
        errors["force"] = "Choose a police force"
    reason, police_reference = reason.strip(), police_reference.strip()
    if not reason:
        errors["reason"] = "Enter why the profile is sent"
    if len(police_reference) > 50:
        errors["police_reference"] = "The police reference must be 50 characters or fewer"
    latest = current(child)
    if latest is None:
        errors["force"] = "The child has no profile to send"
    if errors:
        raise ValidationError(errors)
    assert latest is not None
    url = intelligence.endpoint()  # refused in words when none is configured
    body = json.dumps(
        police_copy(version=latest, force_code=force.code, police_reference=police_reference),
        ensure_ascii=False,
    ).encode("utf-8")
    taken, theirs, error = intelligence.post_json(
        url, body, idempotency_key=hashlib.sha256(body).hexdigest()
    )
    access_record(
        user=by,
        action=AccessEvent.Action.SHARE,
        what=f"profile of child {child.reference}, version {latest.version}, for "
        f"{force.name}, to {urllib.parse.urlsplit(url).hostname}",
        child_id=child.pk,
        detail="taken" if taken else f"not taken: {error}"[:500],
        reason=f"{POLICE_REASON}: {reason}",
        request=request,
    )
    return ProfileShare.objects.create(
        version=latest,
        force=force,
        police_reference=police_reference,
        reason=reason[:1000],
        sent_by=by,
        taken=taken,
        their_reference=theirs,
        error=error[:500],
    )


def police_copy_enqueue(*, episode: Episode, by: User) -> bool:
    """When a child with a profile is recorded missing from care with the force that took
    the report, send the profile to that force once the episode is kept (the task worker
    sends it: the police's endpoint never holds up the recording). True when queued."""
    from homeward.cases import codes
    from homeward.intelligence import services as intelligence
    from homeward.profiles import tasks

    if (
        episode.missing_from != codes.MissingFrom.CARE
        or episode.police_force_id is None
        or episode.returned_at is not None
        or not intelligence.endpoint_configured()
        or not ProfileVersion.objects.filter(child_id=episode.child_id).exists()
    ):
        return False
    episode_id, user_id = episode.pk, by.pk
    transaction.on_commit(
        lambda: tasks.send_profile_for_episode.enqueue(episode_id=episode_id, user_id=user_id)
    )
    return True

"""Writing police intelligence submissions: prepare, download, send, and the police's reference.

Only what the interview records as shareable leaves: places, adults and vehicles marked
shareable, and the summary of what was disclosed that the worker writes for the police
(never the write-up's own fields). Every file and every send is an export or share row in
the access log, for the child, with the reason.

An interview's unchanged content is one submission (the same payload hash): preparing it
again returns the submission already made, and sending it again after the police endpoint
took it is refused rather than repeated.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from homeward.accounts import permissions
from homeward.audit.models import AccessEvent
from homeward.audit.services import access_record
from homeward.cases import codes
from homeward.cases.models import IN_COUNT, Episode, InformationShare, ReturnInterview
from homeward.cases.services import next_reference
from homeward.formats import intelligence as fmt
from homeward.intelligence.models import IntelligenceSubmission
from homeward.organisations.models import Authority, Organisation

if TYPE_CHECKING:
    from django.http import HttpRequest

    from homeward.accounts.models import User

#: The prefix of a submission's reference (`PI-000001`).
REFERENCE_PREFIX = "PI"
#: How much of an endpoint's answer is kept when it fails.
ERROR_BODY_CHARS = 300
FORMATS = ("json", "csv")


@dataclass(frozen=True)
class SubmissionFile:
    name: str
    content_type: str
    data: bytes


def _require(allowed: bool, what: str) -> None:
    if not allowed:
        raise PermissionDenied(what)


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why you are sharing this with the police"})
    return reason


def addressed_force(episodes: list[Episode]) -> Organisation | None:
    """The force intelligence goes to: the one that reported the latest of the interview's
    episodes (`episodes` in the order they started); None when no force reported any."""
    forces = [e.police_force for e in episodes if e.police_force is not None]
    return forces[-1] if forces else None


def build_submission(
    *, interview: ReturnInterview, summary: str = "", degrade: bool = False
) -> fmt.Submission:
    """What the interview would share with the police now: the child, the episodes' times
    and police references, and only the places, adults and vehicles recorded as shareable,
    with `summary` as what was disclosed. No reference yet (see `intelligence_prepare`)."""
    child = interview.child
    episodes = list(interview.episodes.select_related("police_force").order_by("started_at"))
    force = addressed_force(episodes)
    authority = Authority.objects.filter(is_home=True).first() or child.responsible_authority
    details = fmt.ChildDetails(
        reference=child.reference,
        first_name=child.first_name,
        last_name=child.last_name,
        date_of_birth=child.date_of_birth,
        postcode=child.postcode,
    )
    return fmt.Submission(
        reference="",
        interview_reference=interview.reference,
        authority_code=authority.gss_code,
        authority_name=authority.name,
        police_force=fmt.Force(code=force.code or "", name=force.name) if force else None,
        child=fmt.degrade_child(details) if degrade else details,
        episodes=tuple(
            fmt.EpisodeTimes(
                reference=e.reference,
                police_reference=e.police_reference,
                police_force=e.police_force.code or "" if e.police_force else "",
                missing_from=e.missing_from,
                started_at=e.started_at,
                returned_at=e.returned_at,
            )
            for e in episodes
        ),
        places=tuple(
            fmt.Place(description=p.description, postcode=p.postcode, when=p.when)
            for p in interview.places.filter(IN_COUNT, shareable=True).order_by("pk")
        ),
        people=tuple(
            fmt.Person(description=a.description)
            for a in interview.adults.filter(IN_COUNT, shareable=True).order_by("pk")
        ),
        vehicles=tuple(
            fmt.Vehicle(description=v.description, registration=v.registration or "")
            for v in interview.vehicles.filter(IN_COUNT, shareable=True).order_by("pk")
        ),
        disclosed=(summary or "").strip(),
    )


@transaction.atomic
def intelligence_prepare(
    *, by: User, interview: ReturnInterview, summary: str = "", degrade: bool = False
) -> tuple[IntelligenceSubmission, bool]:
    """The submission of the interview's shareable content: the one already made when the
    content is unchanged (False), else a new one with its own reference (True)."""
    _require(permissions.can_submit_intelligence(by, interview), "not your interview")
    # One preparation of an interview at a time: two clicks never make two submissions.
    interview = ReturnInterview.objects.select_for_update().get(pk=interview.pk)
    draft = build_submission(interview=interview, summary=summary, degrade=degrade)
    if not draft.episodes:
        raise ValidationError("The interview covers no episode: there is nothing to share")
    if not (draft.places or draft.people or draft.vehicles or draft.disclosed):
        raise ValidationError(
            {
                "summary": "Nothing is recorded as shareable: mark a place, adult or vehicle "
                "shareable, or write a summary for the police"
            }
        )
    digest = fmt.content_hash(draft)
    existing = IntelligenceSubmission.objects.filter(
        interview=interview, payload_sha256=digest
    ).first()
    if existing is not None:
        return existing, False
    final = replace(draft, reference=next_reference(REFERENCE_PREFIX), prepared_at=timezone.now())
    submission = IntelligenceSubmission(
        reference=final.reference,
        interview=interview,
        force=addressed_force(
            list(interview.episodes.select_related("police_force").order_by("started_at"))
        ),
        created_by=by,
        degraded=degrade,
        payload_sha256=digest,
        payload=fmt.write_json(final).decode("utf-8"),
        summary=draft.disclosed,
    )
    try:
        with transaction.atomic():
            submission.save()
    except IntegrityError:
        # Prepared at the same moment elsewhere: that one stands. Anything else is raised.
        same = IntelligenceSubmission.objects.filter(
            interview=interview, payload_sha256=digest
        ).first()
        if same is None:
            raise
        return same, False
    return submission, True


def submission_document(submission: IntelligenceSubmission) -> fmt.Submission:
    """The submission as it was prepared (from the stored document, not today's records)."""
    return fmt.read_json(submission.payload)


def _log(
    *,
    by: User,
    submission: IntelligenceSubmission,
    action: str,
    detail: str,
    reason: str,
    request: HttpRequest | None,
) -> None:
    access_record(
        user=by,
        action=action,
        what=f"intelligence {submission.reference}",
        child_id=submission.interview.child_id,
        detail=f"{detail}; sha256 {submission.payload_sha256}",
        reason=reason,
        request=request,
    )


@transaction.atomic
def intelligence_download(
    *,
    by: User,
    submission: IntelligenceSubmission,
    file_format: str,
    reason: str,
    request: HttpRequest | None = None,
) -> SubmissionFile:
    """The submission as a file to hand to the police (JSON or CSV), logged as an export
    with the reason. A submission not yet shared is marked shared as a file."""
    _require(permissions.can_submit_intelligence(by, submission.interview), "not your interview")
    reason = _reason(reason)
    if file_format not in FORMATS:
        raise ValidationError({"file_format": "Choose JSON or CSV"})
    document = submission_document(submission)
    if file_format == "json":
        data, content_type = submission.payload.encode("utf-8"), fmt.JSON_CONTENT_TYPE
    else:
        data, content_type = fmt.write_csv(document), fmt.CSV_CONTENT_TYPE
    current = IntelligenceSubmission.objects.select_for_update().get(pk=submission.pk)
    unshared = (IntelligenceSubmission.Status.DRAFT, IntelligenceSubmission.Status.FAILED)
    if current.status in unshared:
        first = current.sent_at is None
        current.status = IntelligenceSubmission.Status.SENT
        current.method = IntelligenceSubmission.Method.FILE
        current.sent_at = current.sent_at or timezone.now()
        current.save(update_fields=["status", "method", "sent_at"])
        if first:
            _record_share(
                by=by,
                submission=current,
                how=f"downloaded as a {file_format.upper()} file",
                reason=reason,
            )
    _log(
        by=by,
        submission=current,
        action=AccessEvent.Action.EXPORT,
        detail=f"police intelligence as {file_format.upper()} ({len(data)} bytes)",
        reason=reason,
        request=request,
    )
    return SubmissionFile(f"{submission.reference}.{file_format}", content_type, data)


def _record_share(
    *, by: User, submission: IntelligenceSubmission, how: str, reason: str
) -> InformationShare:
    """The first time a submission leaves, it is recorded as information shared with the
    police from its interview (the interview's "Information shared", the child's timeline,
    the pseudonymised list's `shared_with_police`), on the basis of the prevention or
    detection of crime, with the reason given; later copies of the same content are not
    new shares."""
    return InformationShare.objects.create(
        interview_id=submission.interview_id,
        recipient=codes.ShareRecipient.POLICE,
        shared_at=timezone.now(),
        basis=codes.ShareBasis.CRIME,
        detail=f"Police intelligence {submission.reference}, {how}. Reason: {reason}",
        shared_by=by,
    )


def endpoint() -> str:
    """The police's endpoint (refused in words when none is configured, or not https)."""
    return _endpoint()


def _endpoint() -> str:
    url = str(getattr(settings, "HOMEWARD_INTELLIGENCE_ENDPOINT", "") or "")
    if not url:
        raise ValidationError("No police intelligence endpoint is configured: download the file")
    if urllib.parse.urlsplit(url).scheme not in ("https", "http"):
        raise ValidationError("The police intelligence endpoint must be an https:// address")
    return url


def endpoint_configured() -> bool:
    return bool(getattr(settings, "HOMEWARD_INTELLIGENCE_ENDPOINT", ""))


def _post(url: str, submission: IntelligenceSubmission) -> tuple[bool, str, str]:
    """POST the document: (taken, the police's reference if they gave one, error)."""
    return post_json(
        url,
        submission.payload.encode("utf-8"),
        idempotency_key=submission.payload_sha256,
        content_type=fmt.JSON_CONTENT_TYPE,
    )


def post_json(
    url: str, body: bytes, *, idempotency_key: str, content_type: str = "application/json"
) -> tuple[bool, str, str]:
    """POST `body` to the police's endpoint with its bearer token: (taken, the police's
    reference if they gave one, what went wrong in words). Also used for the Philomena
    profile's copy (docs/profile.md)."""
    headers = {
        "Content-Type": content_type,
        "Accept": "application/json",
        # The police side may use it to recognise a repeat of the same content.
        "Idempotency-Key": idempotency_key,
    }
    token = str(getattr(settings, "HOMEWARD_INTELLIGENCE_TOKEN", "") or "")
    if token:
        headers["Authorization"] = f"Bearer {token}"
    timeout = float(getattr(settings, "HOMEWARD_INTELLIGENCE_TIMEOUT", 10))
    request = urllib.request.Request(  # noqa: S310 (the scheme is checked in _endpoint)
        url, data=body, headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            body = response.read(64 * 1024)
    except urllib.error.HTTPError as error:
        text = error.read(ERROR_BODY_CHARS).decode("utf-8", "replace").strip()
        return False, "", f"The police endpoint answered {error.code} {error.reason}: {text}"
    except TimeoutError:
        return False, "", f"The police endpoint did not answer within {timeout:g} seconds"
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            return False, "", f"The police endpoint did not answer within {timeout:g} seconds"
        return False, "", f"The police endpoint could not be reached: {error.reason}"
    except OSError as error:
        return False, "", f"The police endpoint could not be reached: {error}"
    reference = ""
    try:
        answer = json.loads(body or b"null")
    except ValueError:
        answer = None
    if isinstance(answer, dict) and isinstance(answer.get("reference"), str | int):
        reference = str(answer["reference"]).strip()[:100]
    return True, reference, ""


def intelligence_send(
    *,
    by: User,
    submission: IntelligenceSubmission,
    reason: str,
    request: HttpRequest | None = None,
) -> IntelligenceSubmission:
    """POST the submission to the police's endpoint with its bearer token, and record what
    came of it: shared (and acknowledged, when the answer carries `{"reference": ...}`), or
    failed with why. Every attempt is logged as a share with the reason. A submission the
    endpoint already took is not sent again."""
    _require(permissions.can_submit_intelligence(by, submission.interview), "not your interview")
    reason = _reason(reason)
    url = _endpoint()
    taken = (IntelligenceSubmission.Status.SENT, IntelligenceSubmission.Status.ACKNOWLEDGED)
    if submission.method == IntelligenceSubmission.Method.ENDPOINT and submission.status in taken:
        raise ValidationError(
            f"{submission.reference} was already sent to the police: it is not sent twice"
        )
    # The network call is outside any transaction: a slow endpoint holds no lock.
    ok, police_reference, error = _post(url, submission)
    now = timezone.now()
    with transaction.atomic():
        current = IntelligenceSubmission.objects.select_for_update().get(pk=submission.pk)
        first = current.sent_at is None
        current.attempts += 1
        current.method = IntelligenceSubmission.Method.ENDPOINT
        if ok and first:
            _record_share(
                by=by, submission=current, how="sent to the police's endpoint", reason=reason
            )
        if ok:
            current.status = IntelligenceSubmission.Status.SENT
            current.sent_at = now
            current.error = ""
            if police_reference:
                current.status = IntelligenceSubmission.Status.ACKNOWLEDGED
                current.police_reference = police_reference
                current.police_reference_recorded_at = now
                current.police_reference_recorded_by = None
        else:
            current.status = IntelligenceSubmission.Status.FAILED
            current.error = error
        current.save()
        host = urllib.parse.urlsplit(url).netloc
        outcome = (
            f"taken, police reference {police_reference}"
            if police_reference
            else "taken"
            if ok
            else f"failed: {error}"
        )
        _log(
            by=by,
            submission=current,
            action=AccessEvent.Action.SHARE,
            detail=f"police intelligence sent to {host}, attempt {current.attempts}: {outcome}",
            reason=reason,
            request=request,
        )
    return current


@transaction.atomic
def intelligence_record_police_reference(
    *, by: User, submission: IntelligenceSubmission, police_reference: str
) -> IntelligenceSubmission:
    """The reference the police gave the intelligence, typed in when it came back another
    way (an email, a call): the submission is then acknowledged."""
    _require(
        permissions.can_record_police_reference(by, submission),
        "you cannot record this submission's police reference",
    )
    value = (police_reference or "").strip()
    if not value:
        raise ValidationError({"police_reference": "Enter the police's reference"})
    if len(value) > 100:
        raise ValidationError({"police_reference": "A police reference is at most 100 characters"})
    current = IntelligenceSubmission.objects.select_for_update().get(pk=submission.pk)
    if current.status == IntelligenceSubmission.Status.DRAFT:
        raise ValidationError("The submission has not been shared yet: share it first")
    current.police_reference = value
    current.police_reference_recorded_at = timezone.now()
    current.police_reference_recorded_by = by
    current.status = IntelligenceSubmission.Status.ACKNOWLEDGED
    current.save()
    return current

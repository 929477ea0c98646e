"""Reads of police intelligence submissions: checked and logged as reads of the child's record."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from homeward.accounts import permissions
from homeward.audit.models import AccessEvent
from homeward.audit.services import access_record
from homeward.intelligence.models import IntelligenceSubmission

if TYPE_CHECKING:
    from django.http import HttpRequest

    from homeward.accounts.models import User
    from homeward.cases.models import ReturnInterview

#: Shared with the police, and not yet acknowledged with their reference.
AWAITING_ACKNOWLEDGEMENT = IntelligenceSubmission.Status.SENT


def submission_for(
    *, user: User, reference: str, request: HttpRequest | None = None
) -> IntelligenceSubmission:
    """A submission as it was shared, for `user`, logged; refused (and logged) otherwise."""
    submission = IntelligenceSubmission.objects.select_related(
        "interview", "interview__child", "created_by", "police_reference_recorded_by"
    ).get(reference=reference)
    allowed = permissions.can_view_intelligence(user, submission)
    access_record(
        user=user,
        action=AccessEvent.Action.VIEW if allowed else AccessEvent.Action.DENIED,
        what=f"intelligence {submission.reference}",
        child_id=submission.interview.child_id,
        request=request,
    )
    if not allowed:
        raise PermissionDenied(submission.reference)
    return submission


def interview_submissions(*, interview: ReturnInterview) -> list[IntelligenceSubmission]:
    """An interview's submissions, the latest first (the caller has read the interview)."""
    return list(
        interview.intelligence_submissions.select_related("created_by").defer("payload", "summary")
    )


def awaiting_acknowledgement(*, user: User) -> QuerySet[IntelligenceSubmission]:
    """Intelligence shared with the police (by file or to their endpoint) that they have
    not acknowledged with a reference yet, the longest waiting first: for a force's liaison
    officer, only what was addressed to their force; for the authority's coordinators and
    managers, every force's. No child's name or disclosure is read (references only). The
    navigation's figure is this queryset's count; the page lists it."""
    if not permissions.can_view_intelligence_queue(user):
        raise PermissionDenied("intelligence awaiting acknowledgement")
    submissions = IntelligenceSubmission.objects.filter(status=AWAITING_ACKNOWLEDGEMENT)
    force = permissions.force_of(user)
    if force is not None:
        submissions = submissions.filter(force=force)
    return (
        submissions.select_related("force", "interview", "interview__child")
        .only(
            "reference",
            "status",
            "method",
            "sent_at",
            "created_at",
            "force__name",
            "interview__reference",
            "interview__child__reference",
        )
        .order_by("sent_at", "pk")
    )

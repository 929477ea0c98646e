"""Reads of police intelligence submissions: checked and logged as reads of the child's record."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

from homeward.accounts import permissions
from homeward.audit.models import AccessEvent
from homeward.audit.services import access_record
from homeward.intelligence.models import IntelligenceSubmission

if TYPE_CHECKING:
    from django.http import HttpRequest

    from homeward.accounts.models import User
    from homeward.cases.models import ReturnInterview


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

"""Reads of what the case system knows: the proposed matches waiting for a decision, and
the latest import's report."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from homeward.accounts import permissions
from homeward.care.models import ImportRun, ProposedMatch

if TYPE_CHECKING:
    from homeward.accounts.models import User


def proposals_waiting(*, user: User) -> QuerySet[ProposedMatch]:
    """Proposed matches nobody has decided, the strongest first (a list: it names children
    as the intake queue does, to those who see the authority's children)."""
    if not permissions.can_decide_case_system_match(user):
        raise PermissionDenied("the case system's proposed matches")
    return (
        ProposedMatch.objects.filter(status=ProposedMatch.Status.PROPOSED)
        .select_related("person", "child")
        .order_by("-score", "pk")
    )


def proposal_for(*, user: User, pk: int) -> ProposedMatch:
    """One proposed match (decided or not), for its page."""
    if not permissions.can_decide_case_system_match(user):
        raise PermissionDenied("the case system's proposed matches")
    return ProposedMatch.objects.select_related("person", "child", "decided_by").get(pk=pk)


def latest_import(*, user: User) -> ImportRun | None:
    if not permissions.can_import_case_system(user):
        raise PermissionDenied("the case system's import")
    return ImportRun.objects.select_related("by").first()

"""Reads of organisations: who an interview may be allocated to."""

from __future__ import annotations

from django.db.models import QuerySet

from homeward.accounts.models import Role, User
from homeward.organisations.models import Organisation

#: The kinds of organisation that hold return interviews (never a police force).
INTERVIEWING = (Organisation.Kind.AUTHORITY_TEAM, Organisation.Kind.PROVIDER)


def allocatable_organisations() -> QuerySet[Organisation]:
    """This authority's own teams and the providers it commissions: an interview goes to
    nobody else (not another authority's team, not a police force)."""
    return Organisation.objects.filter(authority__is_home=True, kind__in=INTERVIEWING)


def allocatable_workers() -> QuerySet[User]:
    """The active return interview workers of `allocatable_organisations`."""
    return User.objects.filter(
        role=Role.WORKER, is_active=True, organisation__in=allocatable_organisations()
    ).select_related("organisation")

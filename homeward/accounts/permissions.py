"""Who may do what: named checks used by selectors and views alike (never inline `if`s).

Access follows the job:

- coordinators and managers of an authority team see the authority's children;
- return interview workers, and everyone in a commissioned provider, see only the children
  whose interviews are allocated to them (a provider's manager: to the provider);
- police liaison officers see episodes and what was shared with the police, never what a
  child disclosed in an interview;
- analysts see aggregates and pseudonymised lists only; administrators see the audit log
  and manage accounts, not children's records.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeward.accounts.models import Role
from homeward.organisations.models import Organisation

if TYPE_CHECKING:
    from homeward.accounts.models import User
    from homeward.cases.models import Child, ReturnInterview

AUTHORITY_WIDE = (Role.COORDINATOR, Role.MANAGER)


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role)


def in_provider(user: User) -> bool:
    organisation = user.organisation
    return organisation is not None and organisation.kind == Organisation.Kind.PROVIDER


def sees_whole_authority(user: User) -> bool:
    """Coordinators and managers of an authority team (not of a provider)."""
    return _active(user) and user.role in AUTHORITY_WIDE and not in_provider(user)


def can_view_child(user: User, child: Child) -> bool:
    if not _active(user):
        return False
    if sees_whole_authority(user) or user.role == Role.POLICE_LIAISON:
        return True
    if user.role == Role.WORKER or (user.role == Role.MANAGER and in_provider(user)):
        return child.interviews.filter(**allocation_filter(user)).exists()
    return False


def allocation_filter(user: User) -> dict[str, object]:
    """The interviews a worker, or a provider's manager, is allocated."""
    if user.role == Role.MANAGER and in_provider(user):
        return {"allocated_organisation": user.organisation}
    return {"allocated_worker": user}


def can_view_disclosures(user: User, child: Child) -> bool:
    """What the child said in interviews: not for police liaison (they see what was shared)."""
    return can_view_child(user, child) and user.role != Role.POLICE_LIAISON


def can_search_children(user: User) -> bool:
    return _active(user) and user.role in (
        Role.COORDINATOR,
        Role.MANAGER,
        Role.WORKER,
        Role.POLICE_LIAISON,
    )


def can_record_episode(user: User) -> bool:
    return sees_whole_authority(user)


def can_allocate(user: User) -> bool:
    return sees_whole_authority(user)


def can_work_interview(user: User, interview: ReturnInterview) -> bool:
    """Record offers, attempts, declines and the write-up."""
    if not _active(user):
        return False
    if user.role == Role.COORDINATOR and not in_provider(user):
        return True
    return user.role == Role.WORKER and interview.allocated_worker_id == user.pk


def can_sign_off(user: User, interview: ReturnInterview) -> bool:
    """A manager signs off, never their own interview, and a provider's only its own."""
    if not _active(user) or user.role != Role.MANAGER:
        return False
    if interview.allocated_worker_id == user.pk or interview.written_up_by_id == user.pk:
        return False
    if in_provider(user):
        return interview.allocated_organisation_id == user.organisation_id
    return True


def can_view_indicators(user: User) -> bool:
    """The authority's performance figures: its managers, analysts and coordinators (not a
    commissioned provider's staff, who see only their own caseload)."""
    return (
        _active(user)
        and user.role in (Role.MANAGER, Role.ANALYST, Role.COORDINATOR)
        and not in_provider(user)
    )


def can_view_pseudonymised(user: User) -> bool:
    """The pseudonymised episode list (one row per episode, no names, dates of birth,
    addresses or free text): the authority's analysts, managers and coordinators; not a
    commissioned provider's staff, the police or administrators."""
    return (
        _active(user)
        and user.role in (Role.ANALYST, Role.MANAGER, Role.COORDINATOR)
        and not in_provider(user)
    )


def can_view_coordinator_home(user: User) -> bool:
    return sees_whole_authority(user)


def can_view_caseload(user: User) -> bool:
    return _active(user) and user.role in (Role.WORKER, Role.MANAGER, Role.COORDINATOR)


def can_view_audit(user: User) -> bool:
    return _active(user) and user.role == Role.ADMINISTRATOR


def can_take_in_notifications(user: User) -> bool:
    """Upload police notifications, match them to children, resolve miscodings, merge."""
    return sees_whole_authority(user)


def can_view_reconciliation(user: User) -> bool:
    """The police feed against the authority's records (references and dates, no names):
    the coordinators and managers, the police liaison officer and the analyst."""
    return sees_whole_authority(user) or (
        _active(user) and user.role in (Role.POLICE_LIAISON, Role.ANALYST)
    )


def can_export_personal(user: User) -> bool:
    """Statutory returns and lists with a row per child (SSDA903, Annex A, the Standard
    Safeguarding Dataset): the authority's coordinators and managers, who hold its records."""
    return sees_whole_authority(user)


def can_export_aggregate(user: User) -> bool:
    """Counts that leave the authority (its return, FOI answer, performance pack): those who
    may see its performance figures."""
    return can_view_indicators(user)


def can_edit_foi_settings(user: User) -> bool:
    """The authority's own answers to the FOI request (who delivers interviews, follow-up,
    comments): the authority's managers (not a commissioned provider's)."""
    return _active(user) and user.role == Role.MANAGER and not in_provider(user)


def can_submit_intelligence(user: User, interview: ReturnInterview) -> bool:
    """Prepare, download and send police intelligence from an interview: the interview's own
    worker, and the authority's coordinators and managers."""
    if not _active(user):
        return False
    if sees_whole_authority(user):
        return True
    return user.role == Role.WORKER and interview.allocated_worker_id == user.pk


def can_record_police_reference(user: User) -> bool:
    """Record the reference the police gave a submission of intelligence: the police liaison
    officer, and the authority's coordinators and managers (who may be told it by phone)."""
    return sees_whole_authority(user) or (_active(user) and user.role == Role.POLICE_LIAISON)


def can_view_intelligence(user: User, interview: ReturnInterview) -> bool:
    """A submission as it was shared (only what was shareable): those who may submit it,
    and the police liaison officer."""
    return can_submit_intelligence(user, interview) or (
        _active(user) and user.role == Role.POLICE_LIAISON
    )


def can_view_panel(user: User) -> bool:
    """The multi-agency panel's list, meeting packs and actions: the authority's
    coordinators and managers (the packs hold what children disclosed)."""
    return sees_whole_authority(user)


def can_manage_panel(user: User) -> bool:
    """Hold panel meetings (list children, record decisions and actions) and set the
    panel's triggers: the authority's coordinators and managers."""
    return sees_whole_authority(user)


def can_view_hotspots(user: User) -> bool:
    """The hotspot map (places of concern counted by postcode district, small numbers
    hidden): the authority's coordinators, managers and analysts; not a commissioned
    provider's staff."""
    return (
        _active(user)
        and user.role in (Role.COORDINATOR, Role.MANAGER, Role.ANALYST)
        and not in_provider(user)
    )

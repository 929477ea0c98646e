"""Who may do what: named checks used by selectors and views alike (never inline `if`s).

Access follows the job, the organisation and the force (docs/security.md, "Roles"):

- only people of this instance's own authority (`Authority.is_home`) see anything: their
  organisation is the authority's team, a provider it commissions, or a police force it
  works with; a user of another authority's organisation, or of none, sees nothing;
- coordinators and managers of an authority team see the authority's children;
- a return interview worker of the authority's team sees the children whose interviews are
  allocated to them, the whole child;
- a commissioned provider's staff see only the interviews allocated to the provider (a
  worker: to themselves), and of the child only those interviews and their episodes;
- police liaison officers see what belongs to their own force: the children and episodes it
  reported, its reports in the reconciliation, and intelligence addressed to it; never
  what a child disclosed in an interview;
- analysts see aggregates and pseudonymised lists only; administrators see the audit log
  and manage accounts, not children's records;
- a children's home's staff record the home's admissions and discharges of children other
  authorities placed there, and see only what they recorded themselves;
- a national body's analysts (on the national body's own instance) read the annual returns
  authorities sent it, set the year's deadline and remind those that have not sent one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from homeward.accounts.models import Role
from homeward.organisations.models import Organisation

if TYPE_CHECKING:
    from homeward.accounts.models import User
    from homeward.cases.models import Child, ReturnInterview
    from homeward.exchange.models import HomeMovement
    from homeward.intelligence.models import IntelligenceSubmission

AUTHORITY_WIDE = (Role.COORDINATOR, Role.MANAGER)


def home_organisation(user: User) -> Organisation | None:
    """The user's organisation when it belongs to this instance's authority (its team, a
    provider it commissions, a force it works with), else None."""
    if not getattr(user, "organisation_id", None):
        return None
    organisation = user.organisation
    if organisation is None or not organisation.authority.is_home:
        return None
    return organisation


def _active(user: User) -> bool:
    """Signed in, active, with a role, and working for this instance's authority."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.role
        and home_organisation(user) is not None
    )


def in_provider(user: User) -> bool:
    organisation = user.organisation
    return organisation is not None and organisation.kind == Organisation.Kind.PROVIDER


def in_authority_team(user: User) -> bool:
    """Working in one of the authority's own teams (not a provider it commissions, nor a
    police force)."""
    organisation = user.organisation
    return organisation is not None and organisation.kind == Organisation.Kind.AUTHORITY_TEAM


def sees_whole_authority(user: User) -> bool:
    """Coordinators and managers of an authority team (not of a provider or a force)."""
    return _active(user) and user.role in AUTHORITY_WIDE and in_authority_team(user)


def force_of(user: User) -> Organisation | None:
    """The police force a police liaison officer works for (None for everyone else, and for
    a liaison officer whose organisation is not a force: they see nothing of the police's)."""
    if not _active(user) or user.role != Role.POLICE_LIAISON:
        return None
    organisation = user.organisation
    return organisation if organisation.kind == Organisation.Kind.POLICE_FORCE else None


def home_of(user: User) -> Organisation | None:
    """The children's home a member of its staff works at (None for everyone else, and for
    children's home staff whose organisation is not a children's home: they see nothing)."""
    if not _active(user) or user.role != Role.HOME_STAFF:
        return None
    organisation = user.organisation
    return organisation if organisation.kind == Organisation.Kind.CHILDRENS_HOME else None


def can_record_home_movement(user: User) -> bool:
    """Record a children's home's admission or discharge: the authority's coordinators and
    managers, for a child homeward knows; a home's staff, for their own home."""
    return sees_whole_authority(user) or home_of(user) is not None


def can_correct_home_movement(user: User, movement: HomeMovement) -> bool:
    """Mark an admission or discharge recorded by mistake: the authority's coordinators and
    managers, and the staff of the home that recorded it."""
    if sees_whole_authority(user):
        return True
    home = home_of(user)
    return home is not None and movement.home_id == home.pk


def sees_whole_child(user: User) -> bool:
    """Whether what `user` may see of a child is all of it: the authority's coordinators and
    managers, and its own team's workers (for the children they work with). A provider's
    staff and the police see only their part (`can_view_interview`, `force_of`)."""
    return sees_whole_authority(user) or (
        _active(user) and user.role == Role.WORKER and in_authority_team(user)
    )


def allocation_filter(user: User) -> dict[str, object]:
    """The interviews a worker, or a provider's manager, is allocated."""
    if user.role == Role.MANAGER and in_provider(user):
        return {"allocated_organisation": user.organisation}
    return {"allocated_worker": user}


def _holds_allocation(user: User) -> bool:
    """Workers, and a provider's managers: they see children through their allocations."""
    return _active(user) and (
        user.role == Role.WORKER or (user.role == Role.MANAGER and in_provider(user))
    )


def can_view_child(user: User, child: Child) -> bool:
    if not _active(user):
        return False
    if sees_whole_authority(user):
        return True
    force = force_of(user)
    if force is not None:
        return child.episodes.filter(police_force=force).exists()
    if _holds_allocation(user):
        return child.interviews.filter(**allocation_filter(user)).exists()
    return False


def can_view_disclosures(user: User, child: Child) -> bool:
    """Whether `user` may see anything the child said in interviews (the police never: they
    see what was shared). For a provider's staff, only their own interviews' (see
    `can_view_interview`)."""
    return can_view_child(user, child) and user.role != Role.POLICE_LIAISON


def can_view_interview(user: User, interview: ReturnInterview) -> bool:
    """An interview with what the child disclosed: the authority's coordinators and
    managers; the authority team's workers for a child they work with; a provider's
    worker only their own interview and its manager only the provider's. Never the police."""
    if not _active(user) or user.role == Role.POLICE_LIAISON:
        return False
    if sees_whole_authority(user):
        return True
    if in_provider(user):
        if user.role == Role.MANAGER:
            return interview.allocated_organisation_id == user.organisation_id
        return user.role == Role.WORKER and interview.allocated_worker_id == user.pk
    return sees_whole_child(user) and can_view_child(user, interview.child)


def can_search_children(user: User) -> bool:
    """Search finds only the children the user may see (`cases.selectors.child_search`)."""
    return _active(user) and (
        user.role in (Role.COORDINATOR, Role.MANAGER, Role.WORKER) or force_of(user) is not None
    )


def can_record_episode(user: User) -> bool:
    return sees_whole_authority(user)


def can_allocate(user: User) -> bool:
    return sees_whole_authority(user)


def can_delete_profile_photo(user: User) -> bool:
    """Delete a Philomena profile's photo for good: a manager of an authority team."""
    return sees_whole_authority(user) and user.role == Role.MANAGER


def can_work_interview(user: User, interview: ReturnInterview) -> bool:
    """Record offers, attempts, declines and the write-up."""
    if not _active(user):
        return False
    if sees_whole_authority(user) and user.role == Role.COORDINATOR:
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
    # A manager of the authority's own team (not of a police force or a children's home).
    return in_authority_team(user)


def can_view_indicators(user: User) -> bool:
    """The authority's performance figures: its managers, analysts and coordinators (not a
    commissioned provider's staff, who see only their own caseload)."""
    return (
        _active(user)
        and user.role in (Role.MANAGER, Role.ANALYST, Role.COORDINATOR)
        and in_authority_team(user)
    )


def is_national_analyst(user: User) -> bool:
    """A national body's analyst, in its own team: the national collection, nothing else."""
    return _active(user) and user.role == Role.NATIONAL_ANALYST and in_authority_team(user)


def can_read_national_returns(user: User) -> bool:
    """The returns a national body's instance received, and its benchmark: its analysts,
    and those who read an authority's indicators (counts only, no child's record)."""
    return is_national_analyst(user) or can_view_indicators(user)


def can_chase_national_returns(user: User) -> bool:
    """Set the year's deadline for the returns and remind the authorities that have not
    sent one: the national body's analysts and managers."""
    return is_national_analyst(user) or (
        _active(user) and user.role == Role.MANAGER and in_authority_team(user)
    )


def can_view_pseudonymised(user: User) -> bool:
    """The pseudonymised episode list (one row per episode, no names, dates of birth,
    addresses or free text): the authority's analysts, managers and coordinators; not a
    commissioned provider's staff, the police or administrators."""
    return (
        _active(user)
        and user.role in (Role.ANALYST, Role.MANAGER, Role.COORDINATOR)
        and in_authority_team(user)
    )


def can_view_coordinator_home(user: User) -> bool:
    return sees_whole_authority(user)


def can_view_caseload(user: User) -> bool:
    return _active(user) and user.role in (Role.WORKER, Role.MANAGER, Role.COORDINATOR)


def can_view_audit(user: User) -> bool:
    return _active(user) and user.role == Role.ADMINISTRATOR


def can_import_case_system(user: User) -> bool:
    """Upload the case system's Standard Safeguarding Dataset extract (docs/ssd-import.md):
    the administrators, who run the daily import; the report names no child."""
    return _active(user) and user.role == Role.ADMINISTRATOR and in_authority_team(user)


def can_view_exchange(user: User) -> bool:
    """See the partner instances and how messages to and from them fare (docs/exchange.md):
    the administrators, who set the exchange up, and the coordinators and managers, who are
    alerted when a message is not delivered. The page names no child."""
    return can_manage_exchange(user) or sees_whole_authority(user)


def can_manage_exchange(user: User) -> bool:
    """Add, re-key or remove a partner instance and send it a test message: the authority's
    administrators."""
    return _active(user) and user.role == Role.ADMINISTRATOR and in_authority_team(user)


def can_decide_case_system_match(user: User) -> bool:
    """Confirm or reject that a person of the case system's extract is a child homeward
    already had: the coordinators and managers, who see the authority's children."""
    return sees_whole_authority(user)


def can_take_in_notifications(user: User) -> bool:
    """Upload police notifications, match them to children, resolve miscodings, merge."""
    return sees_whole_authority(user)


def can_view_reconciliation(user: User) -> bool:
    """The police feed against the authority's records (references and dates, no names):
    the coordinators and managers and the analyst (every force), and a force's liaison
    officer (their own force's part: `force_of`)."""
    return (
        sees_whole_authority(user)
        or force_of(user) is not None
        or (_active(user) and user.role == Role.ANALYST and in_authority_team(user))
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
    return _active(user) and user.role == Role.MANAGER and in_authority_team(user)


def can_submit_intelligence(user: User, interview: ReturnInterview) -> bool:
    """Prepare, download and send police intelligence from an interview: the interview's own
    worker, and the authority's coordinators and managers."""
    if not _active(user):
        return False
    if sees_whole_authority(user):
        return True
    return user.role == Role.WORKER and interview.allocated_worker_id == user.pk


def _addressed_to(user: User, submission: IntelligenceSubmission) -> bool:
    """A police liaison officer of the force the submission was addressed to."""
    force = force_of(user)
    return force is not None and submission.force_id == force.pk


def can_record_police_reference(user: User, submission: IntelligenceSubmission) -> bool:
    """Record the reference the police gave a submission of intelligence: the liaison
    officer of the force it went to, and the authority's coordinators and managers (who may
    be told it by phone)."""
    return sees_whole_authority(user) or _addressed_to(user, submission)


def can_view_intelligence(user: User, submission: IntelligenceSubmission) -> bool:
    """A submission as it was shared (only what was shareable): those who may submit it,
    and the liaison officer of the force it was addressed to."""
    return can_submit_intelligence(user, submission.interview) or _addressed_to(user, submission)


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
        and in_authority_team(user)
    )


# --- corrections: who may change a saved record (docs/decisions/0007-corrections.md) -------


def can_change_child(user: User, child: Child) -> bool:
    """Correct a child's details (names, date of birth, sex, ethnicity, address, care):
    the authority's coordinators and managers, who keep its records."""
    return sees_whole_authority(user)


def can_change_episode(user: User) -> bool:
    """Correct an episode (its category, risk grade, times, where from), or mark it entered
    in error: the authority's coordinators and managers, who record episodes."""
    return sees_whole_authority(user)


def can_change_interview_part(user: User, interview: ReturnInterview) -> bool:
    """Correct an offer, attempt, place, adult, vehicle or referral of an interview, or mark
    it entered in error: whoever works the interview (its worker, a coordinator), until it
    is signed off; after sign-off a manager reopens it first (`can_reopen_interview`)."""
    return can_work_interview(user, interview) and interview.signed_off_at is None


def can_reallocate(user: User, interview: ReturnInterview) -> bool:
    """Give an interview to another organisation or worker: those who allocate, until it
    is signed off."""
    return can_allocate(user) and interview.signed_off_at is None


def can_reopen_interview(user: User, interview: ReturnInterview) -> bool:
    """Reopen a signed-off interview (clear its sign-off, with a reason): a manager, as for
    sign-off, never of their own interview, and a provider's manager only the provider's."""
    if not _active(user) or user.role != Role.MANAGER:
        return False
    if interview.allocated_worker_id == user.pk or interview.written_up_by_id == user.pk:
        return False
    if in_provider(user):
        return interview.allocated_organisation_id == user.organisation_id
    # A manager of the authority's own team (not of a police force or a children's home).
    return in_authority_team(user)


def can_change_report_link(user: User) -> bool:
    """Unlink a police report from the wrong child or episode and link it again, or record
    the outcome of a possible miscoding: those who take notifications in."""
    return can_take_in_notifications(user)


# --- queues and lists: sign-off, workload, the operational lists, intelligence -------------


def can_submit_for_sign_off(user: User, interview: ReturnInterview) -> bool:
    """Submit a closed interview for a manager's sign-off: whoever may work it (its worker,
    or a coordinator of the authority's team)."""
    return can_work_interview(user, interview)


def can_return_interview(user: User, interview: ReturnInterview) -> bool:
    """Send an interview awaiting sign-off back to its worker with comments: whoever may
    sign it off (a manager, never of their own work; a provider's only its own)."""
    return can_sign_off(user, interview)


def can_view_sign_off_queue(user: User) -> bool:
    """The interviews waiting for sign-off: the authority's managers and a provider's."""
    return (
        _active(user)
        and user.role == Role.MANAGER
        and (in_authority_team(user) or in_provider(user))
    )


def sign_off_filter(user: User) -> Q:
    """What `user` may sign off, as a query condition (`can_sign_off` for many interviews):
    for a manager, never what they were allocated or wrote up; for a provider's manager,
    only the provider's interviews. Nothing for anyone else."""
    if not can_view_sign_off_queue(user):
        return Q(pk__in=[])
    mine = Q(allocated_worker=user) | Q(written_up_by=user)
    allowed = ~mine
    if in_provider(user):
        allowed &= Q(allocated_organisation=user.organisation)
    return allowed


def can_view_team_work(user: User) -> bool:
    """The team's workload and the operational lists of episodes and interviews (names,
    not disclosures): the authority's coordinators and managers (every team and provider),
    and a provider's manager (the provider's own)."""
    return sees_whole_authority(user) or (
        _active(user) and user.role == Role.MANAGER and in_provider(user)
    )


def team_work_filter(user: User) -> dict[str, object]:
    """The interviews `user` sees on the workload and the operational lists: every one for
    the authority's coordinators and managers; the provider's for its manager."""
    if sees_whole_authority(user):
        return {}
    if can_view_team_work(user):
        return {"allocated_organisation": user.organisation}
    return {"pk__in": []}


def can_view_intelligence_queue(user: User) -> bool:
    """Intelligence shared and waiting for the police's acknowledgement: a force's liaison
    officers (what was addressed to their force) and the authority's coordinators and
    managers (every force's, to chase)."""
    return force_of(user) is not None or sees_whole_authority(user)

"""The named permission checks, rule by rule from their own words (homeward/accounts/
permissions.py; docs/security.md, "Roles"): each allowed case and each refusal, so that a
check that allowed one person too many (or one too few) fails here."""

from __future__ import annotations

import pytest

from homeward.accounts import permissions
from homeward.accounts.models import Role
from homeward.cases.models import ReturnInterview
from homeward.organisations.models import Organisation
from tests.factories import World, make_user, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return make_world()


def interview(world: World, **fields: object) -> ReturnInterview:
    """An interview allocated to the authority's worker, written up by nobody yet."""
    values: dict[str, object] = {
        "allocated_worker_id": world.user("worker").pk,
        "allocated_organisation_id": world.team.pk,
        "written_up_by_id": None,
    }
    values.update(fields)
    return ReturnInterview(**values)


def test_a_manager_signs_off_an_interview_of_their_authority(world: World) -> None:
    assert permissions.can_sign_off(world.user("manager"), interview(world))


def test_a_manager_never_signs_off_an_interview_they_hold_or_wrote_up(world: World) -> None:
    manager = world.user("manager")
    # Allocated to the manager (they did the interview): someone else signs it off.
    assert not permissions.can_sign_off(manager, interview(world, allocated_worker_id=manager.pk))
    # Written up by the manager, though allocated to a worker: not their own sign-off either.
    assert not permissions.can_sign_off(manager, interview(world, written_up_by_id=manager.pk))
    # Written up by the worker: the manager may.
    written = interview(world, written_up_by_id=world.user("worker").pk)
    assert permissions.can_sign_off(manager, written)


@pytest.mark.parametrize(
    "who", ["coordinator", "worker", "analyst", "police", "admin", "provider_worker", "national"]
)
def test_only_managers_sign_off(world: World, who: str) -> None:
    assert not permissions.can_sign_off(world.user(who), interview(world))


def test_an_inactive_manager_signs_off_nothing(world: World) -> None:
    manager = world.user("manager")
    manager.is_active = False
    assert not permissions.can_sign_off(manager, interview(world))


def test_a_providers_manager_signs_off_only_the_providers_interviews(world: World) -> None:
    manager = world.user("provider_manager")
    assert permissions.can_sign_off(
        manager, interview(world, allocated_organisation_id=world.provider.pk)
    )
    assert not permissions.can_sign_off(manager, interview(world))


@pytest.mark.parametrize("kind", ["police_force", "childrens_home"])
def test_a_manager_outside_the_authoritys_teams_signs_off_nothing(world: World, kind: str) -> None:
    organisation = Organisation.objects.create(
        name=f"Elsewhere {kind}", kind=kind, authority=world.authority, code=f"X{kind[:4]}"
    )
    manager = make_user(f"manager_{kind}", Role.MANAGER, organisation)
    assert not permissions.can_sign_off(manager, interview(world))
    # Nor one of another authority's team.
    other = make_user("other_manager", Role.MANAGER, world.user("other_authority").organisation)
    assert not permissions.can_sign_off(other, interview(world))


# --- who may, by role and organisation: each check's own words, as the set of the world's
# users it allows (make_world: the authority's team, a provider, two forces, a children's
# home, another authority's coordinator, a national analyst) -------------------------------

EVERYONE = (
    "coordinator", "worker", "worker2", "manager", "analyst", "police", "admin",
    "provider_worker", "provider_manager", "other_authority", "police2", "home_staff",
    "national",
)  # fmt: skip
WHOLE_AUTHORITY = {"coordinator", "manager"}
INDICATORS = {"coordinator", "manager", "analyst"}

ALLOWED: dict[str, set[str]] = {
    "sees_whole_authority": WHOLE_AUTHORITY,
    "can_record_home_movement": WHOLE_AUTHORITY | {"home_staff"},
    "sees_whole_child": WHOLE_AUTHORITY | {"worker", "worker2"},
    "can_search_children": WHOLE_AUTHORITY
    | {"worker", "worker2", "provider_worker", "provider_manager", "police", "police2"},
    "can_record_episode": WHOLE_AUTHORITY,
    "can_allocate": WHOLE_AUTHORITY,
    "can_delete_profile_photo": {"manager"},
    "can_view_indicators": INDICATORS,
    "is_national_analyst": {"national"},
    "can_read_national_returns": INDICATORS | {"national"},
    "can_chase_national_returns": {"manager", "national"},
    "can_view_pseudonymised": INDICATORS,
    "can_view_coordinator_home": WHOLE_AUTHORITY,
    "can_view_caseload": WHOLE_AUTHORITY
    | {"worker", "worker2", "provider_worker", "provider_manager"},
    "can_view_audit": {"admin"},
    "can_import_case_system": {"admin"},
    "can_view_exchange": WHOLE_AUTHORITY | {"admin"},
    "can_manage_exchange": {"admin"},
    "can_decide_case_system_match": WHOLE_AUTHORITY,
    "can_take_in_notifications": WHOLE_AUTHORITY,
    "can_view_reconciliation": WHOLE_AUTHORITY | {"analyst", "police", "police2"},
    "can_export_personal": WHOLE_AUTHORITY,
    "can_export_aggregate": INDICATORS,
    "can_edit_foi_settings": {"manager"},
    "can_view_panel": WHOLE_AUTHORITY,
    "can_manage_panel": WHOLE_AUTHORITY,
    "can_view_hotspots": INDICATORS,
    "can_change_episode": WHOLE_AUTHORITY,
    "can_change_report_link": WHOLE_AUTHORITY,
    "can_view_sign_off_queue": {"manager", "provider_manager"},
    "can_view_team_work": WHOLE_AUTHORITY | {"provider_manager"},
    "can_view_intelligence_queue": WHOLE_AUTHORITY | {"police", "police2"},
}


@pytest.mark.parametrize("check", sorted(ALLOWED))
def test_who_may(world: World, check: str) -> None:
    allowed = {name for name in EVERYONE if getattr(permissions, check)(world.user(name))}
    assert allowed == ALLOWED[check]
    # Nobody who has left: an inactive account may do nothing, whatever its role.
    for name in ALLOWED[check]:
        user = world.user(name)
        user.is_active = False
        assert not getattr(permissions, check)(user), name
        user.is_active = True


def test_the_force_and_the_home_of_a_user(world: World) -> None:
    police, police2, staff = world.user("police"), world.user("police2"), world.user("home_staff")
    assert permissions.force_of(police) == world.police
    assert permissions.force_of(police2) == police2.organisation != world.police
    assert permissions.home_of(staff) == staff.organisation
    assert staff.organisation.kind == Organisation.Kind.CHILDRENS_HOME
    for name in EVERYONE:
        if name not in ("police", "police2"):
            assert permissions.force_of(world.user(name)) is None, name
        if name != "home_staff":
            assert permissions.home_of(world.user(name)) is None, name
    # A liaison officer, or a home's staff, placed in an organisation of another kind sees
    # nothing of a force's or a home's.
    misplaced_police = make_user("misplaced_police", Role.POLICE_LIAISON, world.team)
    misplaced_staff = make_user("misplaced_staff", Role.HOME_STAFF, world.team)
    assert permissions.force_of(misplaced_police) is None
    assert permissions.home_of(misplaced_staff) is None
    staff.is_active = False
    assert permissions.home_of(staff) is None


def test_what_a_worker_and_a_providers_manager_are_allocated(world: World) -> None:
    worker, manager = world.user("worker"), world.user("provider_manager")
    assert permissions.allocation_filter(worker) == {"allocated_worker": worker}
    assert permissions.allocation_filter(manager) == {"allocated_organisation": world.provider}
    authority_manager = world.user("manager")
    assert permissions.allocation_filter(authority_manager) == {
        "allocated_worker": authority_manager
    }
    assert permissions.team_work_filter(world.user("coordinator")) == {}
    assert permissions.team_work_filter(manager) == {"allocated_organisation": world.provider}
    assert permissions.team_work_filter(worker) == {"pk__in": []}


# --- checks about one record ------------------------------------------------------------------


@pytest.fixture
def records(world: World) -> dict[str, object]:
    """A child the first force reported, with an interview allocated to the authority's
    worker and one to the provider's worker; a second child no one is allocated."""
    from tests.factories import make_child, make_episode, make_interview

    child = make_child(world)
    episode = make_episode(world, child, police_force=world.police)
    mine = make_interview(world, [episode])
    provided = make_interview(
        world, [make_episode(world, child, police_force=world.police)], worker="provider_worker"
    )
    other = make_child(world, first_name="Riley", last_name="Other")
    make_episode(world, other)
    return {"child": child, "mine": mine, "provided": provided, "other": other}


def allowed_for(world: World, check: object, *args: object) -> set[str]:
    return {name for name in EVERYONE if check(world.user(name), *args)}  # type: ignore[operator]


def test_who_sees_a_child_and_what_they_said(world: World, records: dict[str, object]) -> None:
    child, other = records["child"], records["other"]
    seeing = WHOLE_AUTHORITY | {"worker", "provider_worker", "provider_manager", "police"}
    assert allowed_for(world, permissions.can_view_child, child) == seeing
    # The police never see what the child said; the rest who see the child may.
    assert allowed_for(world, permissions.can_view_disclosures, child) == seeing - {"police"}
    # The other child: only the authority's coordinators and managers (no allocation, and
    # not reported by a force).
    assert allowed_for(world, permissions.can_view_child, other) == WHOLE_AUTHORITY


def test_who_sees_and_works_an_interview(world: World, records: dict[str, object]) -> None:
    mine, provided = records["mine"], records["provided"]
    assert allowed_for(world, permissions.can_view_interview, mine) == WHOLE_AUTHORITY | {"worker"}
    assert allowed_for(world, permissions.can_view_interview, provided) == WHOLE_AUTHORITY | {
        "provider_worker",
        "provider_manager",
        "worker",  # the authority's worker works with the child (their own interview)
    }
    # Working it: its own worker and the authority's coordinators (not managers: they sign off).
    assert allowed_for(world, permissions.can_work_interview, mine) == {"coordinator", "worker"}
    assert allowed_for(world, permissions.can_work_interview, provided) == {
        "coordinator",
        "provider_worker",
    }
    assert allowed_for(world, permissions.can_submit_for_sign_off, mine) == {
        "coordinator",
        "worker",
    }
    assert allowed_for(world, permissions.can_change_interview_part, mine) == {
        "coordinator",
        "worker",
    }
    assert allowed_for(world, permissions.can_reallocate, mine) == WHOLE_AUTHORITY
    assert allowed_for(world, permissions.can_submit_intelligence, mine) == WHOLE_AUTHORITY | {
        "worker"
    }
    assert allowed_for(world, permissions.can_sign_off, provided) == {"manager", "provider_manager"}
    assert allowed_for(world, permissions.can_return_interview, provided) == {
        "manager",
        "provider_manager",
    }
    # Once signed off: no one changes a part or reallocates; a manager reopens it first.
    from django.utils import timezone

    mine.signed_off_at = timezone.now()
    assert allowed_for(world, permissions.can_change_interview_part, mine) == set()
    assert allowed_for(world, permissions.can_reallocate, mine) == set()
    assert allowed_for(world, permissions.can_reopen_interview, mine) == {"manager"}
    assert allowed_for(world, permissions.can_reopen_interview, provided) == {
        "manager",
        "provider_manager",
    }


def test_a_manager_never_reopens_their_own_interview(world: World) -> None:
    manager = world.user("manager")
    assert permissions.can_reopen_interview(manager, interview(world))
    assert not permissions.can_reopen_interview(
        manager, interview(world, allocated_worker_id=manager.pk)
    )
    assert not permissions.can_reopen_interview(
        manager, interview(world, written_up_by_id=manager.pk)
    )
    provider_manager = world.user("provider_manager")
    assert not permissions.can_reopen_interview(provider_manager, interview(world))
    assert permissions.can_reopen_interview(
        provider_manager, interview(world, allocated_organisation_id=world.provider.pk)
    )
    outside = Organisation.objects.create(
        name="Elsewhere home", kind="childrens_home", authority=world.authority, code="SC777"
    )
    assert not permissions.can_reopen_interview(
        make_user("home_manager", Role.MANAGER, outside), interview(world)
    )


def test_what_a_manager_may_sign_off_among_many(world: World, records: dict[str, object]) -> None:
    from homeward.cases.models import ReturnInterview as Interviews

    mine, provided = records["mine"], records["provided"]
    manager, provider_manager = world.user("manager"), world.user("provider_manager")
    own = Interviews.objects.filter(pk=mine.pk)
    own.update(written_up_by=manager)

    def visible(user: object) -> set[int]:
        return set(
            Interviews.objects.filter(permissions.sign_off_filter(user)).values_list(
                "pk", flat=True
            )
        )  # type: ignore[arg-type]

    assert visible(manager) == {provided.pk}  # not the one they wrote up
    assert visible(provider_manager) == {provided.pk}  # the provider's only
    Interviews.objects.filter(pk=provided.pk).update(allocated_worker=manager)
    assert visible(manager) == set()  # nor one allocated to them
    assert visible(world.user("coordinator")) == set()
    assert visible(world.user("worker")) == set()


def test_who_reads_and_answers_shared_intelligence(
    world: World, records: dict[str, object]
) -> None:
    from homeward.intelligence.models import IntelligenceSubmission

    submission = IntelligenceSubmission(interview=records["mine"], force=world.police)
    assert allowed_for(world, permissions.can_view_intelligence, submission) == WHOLE_AUTHORITY | {
        "worker",
        "police",
    }
    assert allowed_for(world, permissions.can_record_police_reference, submission) == (
        WHOLE_AUTHORITY | {"police"}
    )


def test_who_corrects_a_childrens_homes_record(world: World) -> None:
    from homeward.exchange.models import HomeMovement

    staff = world.user("home_staff")
    theirs = HomeMovement(home=staff.organisation)
    elsewhere = Organisation.objects.create(
        name="Another home", kind="childrens_home", authority=world.authority, code="SC888"
    )
    other = HomeMovement(home=elsewhere)
    assert allowed_for(world, permissions.can_correct_home_movement, theirs) == WHOLE_AUTHORITY | {
        "home_staff"
    }
    assert allowed_for(world, permissions.can_correct_home_movement, other) == WHOLE_AUTHORITY


def test_left_overs_of_the_mutation_run(world: World, records: dict[str, object]) -> None:
    """The last survivors of `make mutation` on this file (docs/mutation-testing.md), each
    from the rule's words."""
    from django.contrib.auth.models import AnonymousUser

    from homeward.cases.models import ReturnInterview as Interviews

    # Someone not signed in has no organisation (and asking does not fail).
    assert permissions.home_organisation(AnonymousUser()) is None  # type: ignore[arg-type]
    # Allocations are how workers and a provider's managers see children; no one else's,
    # and not once they have left.
    holds = {n for n in EVERYONE if permissions._holds_allocation(world.user(n))}
    assert holds == {"worker", "worker2", "provider_worker", "provider_manager"}
    gone = world.user("provider_worker")
    gone.is_active = False
    assert not permissions._holds_allocation(gone)
    # A provider's worker who has left no longer sees their own interview.
    assert not permissions.can_view_interview(gone, records["provided"])
    gone.is_active = True
    # Correcting a child's details: the authority's coordinators and managers.
    assert allowed_for(world, permissions.can_change_child, records["child"]) == WHOLE_AUTHORITY
    # A provider's manager never signs off what they wrote up, even of the provider's own.
    manager = world.user("provider_manager")
    provided = records["provided"]
    Interviews.objects.filter(pk=provided.pk).update(written_up_by=manager)
    visible = Interviews.objects.filter(permissions.sign_off_filter(manager))
    assert not visible.filter(pk=provided.pk).exists()

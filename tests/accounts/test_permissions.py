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

"""Test data built by code (never stored dumps): an authority, its teams and one user per role.

Generated names only. Use inside a test with database access (pytest-django `db`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from homeward.accounts.models import Role, User
from homeward.cases import services
from homeward.cases.models import Child, Episode, ReturnInterview
from homeward.organisations.models import Authority, Organisation

PASSWORD = "correct-horse-battery-staple-42"


@dataclass
class World:
    authority: Authority
    team: Organisation
    provider: Organisation
    police: Organisation
    users: dict[str, User]

    def user(self, name: str) -> User:
        return self.users[name]


def make_user(username: str, role: str, organisation: Organisation, **extra: Any) -> User:
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        role=role,
        organisation=organisation,
        first_name=extra.pop("first_name", username.split("_")[0].title()),
        last_name=extra.pop("last_name", "Tester"),
        **extra,
    )
    return user


def make_world(*, unit: str = "hours", basis: str = "return", bunching: str = "each") -> World:
    """One home authority (England) with a team, a provider, a police force and a user per
    role: coordinator, worker, manager, analyst, police, admin, plus a provider worker
    (`provider_worker`), a provider manager (`provider_manager`) and a second worker.

    Beside them, people who must see nothing of the home authority's children but what
    is theirs: a coordinator of another authority's team set up on the same instance
    (`other_authority`), a second police force's liaison officer (`police2`), and a member
    of a children's home's staff (`home_staff`), who records the home's admissions and
    discharges and sees nothing else, and a national body's analyst (`national`), who reads
    the annual returns the instance received and chases those not sent."""
    authority = Authority.objects.create(
        gss_code="E10000099",
        name="Fictional County Council",
        nation="england",
        is_home=True,
        clock_basis=basis,
        clock_unit=unit,
        clock_length=72 if unit == "hours" else 3,
        clock_bunching=bunching,
    )
    team = Organisation.objects.create(
        name="Missing Children Team", kind=Organisation.Kind.AUTHORITY_TEAM, authority=authority
    )
    provider = Organisation.objects.create(
        name="Safe Steps (fictional charity)", kind=Organisation.Kind.PROVIDER, authority=authority
    )
    police = Organisation.objects.create(
        name="Fictional Constabulary",
        kind=Organisation.Kind.POLICE_FORCE,
        authority=authority,
        code="fictional",
    )
    other = Authority.objects.create(
        gss_code="E10000097", name="Neighbouring County Council", nation="england"
    )
    other_team = Organisation.objects.create(
        name="Neighbouring Missing Team", kind=Organisation.Kind.AUTHORITY_TEAM, authority=other
    )
    second_force = Organisation.objects.create(
        name="Second Constabulary",
        kind=Organisation.Kind.POLICE_FORCE,
        authority=authority,
        code="second",
    )
    childrens_home = Organisation.objects.create(
        name="Birchwood Children's Home (fictional)",
        kind=Organisation.Kind.CHILDRENS_HOME,
        authority=authority,
        code="SC000001",
    )
    users = {
        "coordinator": make_user("coordinator", Role.COORDINATOR, team),
        "worker": make_user("worker", Role.WORKER, team),
        "worker2": make_user("worker2", Role.WORKER, team),
        "manager": make_user("manager", Role.MANAGER, team),
        "analyst": make_user("analyst", Role.ANALYST, team),
        "police": make_user("police", Role.POLICE_LIAISON, police),
        "admin": make_user("admin", Role.ADMINISTRATOR, team),
        "provider_worker": make_user("provider_worker", Role.WORKER, provider),
        "provider_manager": make_user("provider_manager", Role.MANAGER, provider),
        "other_authority": make_user("other_authority", Role.COORDINATOR, other_team),
        "police2": make_user("police2", Role.POLICE_LIAISON, second_force),
        "home_staff": make_user("home_staff", Role.HOME_STAFF, childrens_home),
        "national": make_user("national", Role.NATIONAL_ANALYST, team),
    }
    return World(authority, team, provider, police, users)


def make_child(world: World, **fields: Any) -> Child:
    values: dict[str, Any] = {
        "first_name": "Jordan",
        "last_name": "Example",
        "date_of_birth": date(2011, 5, 14),
        "postcode": "ZZ1 1AA",
    }
    values.update(fields)
    return services.child_create(by=world.user("coordinator"), **values)


def make_episode(
    world: World,
    child: Child,
    *,
    started: datetime | None = None,
    returned_after: timedelta | None = timedelta(hours=10),
    **fields: Any,
) -> Episode:
    started = started or timezone.now() - timedelta(days=2)
    returned = started + returned_after if returned_after is not None else None
    values: dict[str, Any] = {
        "category": "missing",
        "missing_from": "home",
        "started_at": started,
        "returned_at": returned,
        "notified_at": returned + timedelta(hours=1) if returned else None,
        "risk_grade": "medium",
    }
    values.update(fields)
    return services.episode_record(by=world.user("coordinator"), child=child, **values)


def make_interview(
    world: World, episodes: list[Episode], *, worker: str = "worker"
) -> ReturnInterview:
    user = world.user(worker)
    return services.interview_allocate(
        by=world.user("coordinator"),
        episodes=episodes,
        organisation=user.organisation,
        worker=user,
    )

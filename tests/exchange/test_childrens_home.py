"""A children's home's own staff record its admissions and discharges (Children's Homes
(England) Regulations 2015, reg 41): the child named as the home knows them, recorded for
a child homeward knows only when there is no doubt, told to the responsible authority then
(or once a coordinator says which child it is), and corrected by the home's staff too."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from homeward.accounts import permissions
from homeward.accounts.models import Role
from homeward.accounts.services import user_create
from homeward.cases.models import Child
from homeward.exchange import notices, services
from homeward.exchange.models import HomeMovement, OutboxMessage
from homeward.organisations.models import Authority, Organisation
from homeward.organisations.services import organisation_set_up
from tests.exchange.partner import CODE, FakePartner
from tests.factories import World, make_child, make_user

pytestmark = pytest.mark.django_db

HOME = "E10000099"
BORN = date(2011, 5, 14)


def placed_here(world: World, **fields: object) -> Child:
    """A child the neighbouring authority (a partner) placed in this one's area."""
    neighbour = Authority.objects.get(gss_code=CODE)
    return make_child(
        world, responsible_authority=neighbour, host_authority=world.authority, **fields
    )


def report(world: World, user: str = "home_staff", **changes: object) -> HomeMovement:
    answers: dict[str, object] = {
        "given_names": "jordan lee",
        "family_name": " EXAMPLE ",
        "date_of_birth": BORN,
        "responsible_gss_code": CODE.lower(),
        "event": "admission",
        "on": date(2026, 12, 1),
        "postcode": "zz1 9hh",
        "accommodated_under": "section_20",
    }
    answers.update(changes)
    return notices.home_report_record(by=world.user(user), **answers)  # type: ignore[arg-type]


def test_a_known_child_is_recorded_at_once_and_told_to_the_responsible_authority(
    world: World, partner: FakePartner, django_capture_on_commit_callbacks
) -> None:
    child = placed_here(world)
    placed_here(world, first_name="Jordan", date_of_birth=date(2012, 5, 14))  # another birthday
    with django_capture_on_commit_callbacks(execute=True):
        movement = report(world)
    assert movement.child_id == child.pk
    assert movement.home == world.user("home_staff").organisation
    assert movement.message is not None
    services.outbox_deliver(pk=movement.message.pk, post=partner.post)
    payload = partner.received[0].payload
    # The home is the one its staff work at, as Ofsted knows it: not typed in.
    assert payload["home"] == {
        "name": "Birchwood Children's Home (fictional)", "urn": "SC000001", "postcode": "ZZ1 9HH",
    }  # fmt: skip
    assert payload["legal"] == {"accommodated_under": "section_20"}
    assert payload["child"]["reference"] == child.reference
    assert (payload["event"], payload["on"]) == ("admission", "2026-12-01")
    # The coordinators are told, by reference only.
    [email] = mail.outbox
    assert "Birchwood Children's Home (fictional) recorded an admission" in email.subject
    assert child.reference in email.body
    assert "Jordan" not in email.body and "Example" not in email.body


def test_a_child_homeward_cannot_be_sure_of_waits_for_a_coordinator_and_nothing_is_sent(
    world: World, partner: FakePartner, django_capture_on_commit_callbacks
) -> None:
    # Two children of that name and birthday placed here by the neighbour: no guess.
    first, second = placed_here(world), placed_here(world)
    with django_capture_on_commit_callbacks(execute=True):
        movement = report(world)
    assert movement.child is None and movement.message is None
    assert OutboxMessage.objects.count() == 0
    assert "could not tell which child" in mail.outbox[0].body
    # A child of another name is not offered first; both namesakes are.
    other = placed_here(world, first_name="Ali", date_of_birth=date(2010, 1, 1))
    candidates = notices.home_report_candidates(movement)
    assert set(candidates[:2]) == {first, second} and candidates[2] == other
    # The coordinator says which: recorded for them, and their authority told then.
    linked = notices.home_report_link(by=world.user("coordinator"), movement=movement, child=second)
    assert linked.child == second and linked.linked_by == world.user("coordinator")
    assert linked.message is not None
    assert json.loads(linked.message.payload)["home"]["urn"] == "SC000001"
    assert json.loads(linked.message.payload)["legal"] == {"accommodated_under": "section_20"}
    with pytest.raises(ValidationError, match="recorded for a child already"):
        notices.home_report_link(by=world.user("coordinator"), movement=movement, child=first)


def test_a_coordinator_links_only_a_child_that_authority_placed_here(
    world: World, partner: FakePartner
) -> None:
    movement = report(world)  # no such child known
    assert movement.child is None
    ours = make_child(world)  # this authority's own child, not the neighbour's
    with pytest.raises(ValidationError, match="Select a child that authority placed"):
        notices.home_report_link(by=world.user("coordinator"), movement=movement, child=ours)
    with pytest.raises(PermissionDenied):
        notices.home_report_link(
            by=world.user("home_staff"), movement=movement, child=placed_here(world)
        )
    assert HomeMovement.objects.get(pk=movement.pk).child is None


def test_a_child_this_authority_placed_in_the_home_is_recorded_without_a_message(
    world: World, partner: FakePartner
) -> None:
    child = make_child(world)
    movement = report(world, responsible_gss_code=HOME, event="discharge")
    assert movement.child == child and movement.message is None
    assert OutboxMessage.objects.count() == 0


def test_each_answer_is_checked_with_its_own_message(world: World) -> None:
    cases = [
        ({"given_names": "  "}, "given_names", "Enter the child's given names"),
        ({"family_name": ""}, "family_name", "Enter the child's family name"),
        ({"responsible_gss_code": "E99999999"}, "responsible", "Select the authority"),
        ({"event": "moved"}, "event", "Select whether the child was admitted or discharged"),
        ({"on": timezone.localdate() + timedelta(days=1)}, "on", "today or in the past"),
        ({"on": date(1899, 1, 1)}, "on", "or later"),
        ({"on": date(2010, 1, 1)}, "on", "after the child's date of birth"),
        ({"date_of_birth": timezone.localdate() + timedelta(days=1)}, "date_of_birth", "past"),
    ]
    for changes, field, message in cases:
        with pytest.raises(ValidationError) as raised:
            report(world, **changes)
        assert field in raised.value.message_dict, changes
        assert message in raised.value.message_dict[field][0], changes
    assert HomeMovement.objects.count() == 0


def test_only_a_homes_staff_record_by_name_and_they_nothing_else(world: World) -> None:
    for name in ("coordinator", "manager", "provider_manager", "police", "admin"):
        with pytest.raises(PermissionDenied):
            report(world, user=name)
    staff = world.user("home_staff")
    with pytest.raises(PermissionDenied):
        notices.home_movement_record(
            by=staff, child=placed_here(world), event="admission", on=date(2026, 12, 1),
            home_name="Birchwood",
        )  # fmt: skip
    child = placed_here(world)
    assert not permissions.can_view_child(staff, child)
    assert not permissions.can_search_children(staff)
    assert not permissions.can_record_episode(staff)
    assert not permissions.can_view_indicators(staff)
    # A home's staff with an organisation that is not a children's home: nothing at all.
    misfiled = make_user("misfiled", Role.HOME_STAFF, world.team)
    assert permissions.home_of(misfiled) is None
    with pytest.raises(PermissionDenied):
        report(world, user="coordinator")


def test_a_homes_staff_correct_their_homes_records_and_no_other_homes(
    world: World, partner: FakePartner
) -> None:
    placed_here(world)
    told = report(world)
    waiting = report(world, given_names="Sky", family_name="Unknown")
    other_home = Organisation.objects.create(
        name="Oak House (fictional)", kind=Organisation.Kind.CHILDRENS_HOME,
        authority=world.authority, code="SC000002",
    )  # fmt: skip
    stranger = make_user("oak_staff", Role.HOME_STAFF, other_home)
    with pytest.raises(PermissionDenied):
        notices.home_movement_mark_in_error(by=stranger, movement=told, reason="Not ours")
    # Never told to anyone: marked, nothing sent.
    marked = notices.home_movement_mark_in_error(
        by=world.user("home_staff"), movement=waiting, reason="Wrong child's name typed"
    )
    assert marked.entered_in_error_at is not None and marked.correction is None
    with pytest.raises(ValidationError, match="recorded by mistake"):
        notices.home_report_link(
            by=world.user("coordinator"), movement=waiting, child=placed_here(world)
        )
    # Told: the responsible authority is told it was a mistake.
    corrected = notices.home_movement_mark_in_error(
        by=world.user("home_staff"), movement=told, reason="It was Oak House"
    )
    assert corrected.correction is not None
    assert json.loads(corrected.correction.payload)["entered_in_error"] is True


def test_home_staff_belong_to_a_childrens_home_and_only_they_do(world: World) -> None:
    with pytest.raises(ValidationError, match="home_staff"):
        user_create(username="x1", role="home_staff", organisation_name=world.team.name)
    with pytest.raises(ValidationError, match="home_staff"):
        user_create(
            username="x2", role="coordinator",
            organisation_name="Birchwood Children's Home (fictional)",
        )  # fmt: skip
    user, _ = user_create(
        username="x3", role="home_staff", organisation_name="Birchwood Children's Home (fictional)"
    )
    assert permissions.home_of(user) == world.user("home_staff").organisation


def test_a_manager_outside_the_authoritys_teams_signs_off_nothing(world: World) -> None:
    from tests.factories import make_episode, make_interview

    interview = make_interview(world, [make_episode(world, make_child(world))])
    assert permissions.can_sign_off(world.user("manager"), interview)
    for organisation in (world.police, world.user("home_staff").organisation):
        manager = make_user(f"m{organisation.pk}", Role.MANAGER, organisation)
        assert not permissions.can_sign_off(manager, interview)


def test_organisations_keep_the_code_they_are_given(world: World) -> None:
    # The set-up once wrote the authority's GSS code over the code: the second force failed.
    first = organisation_set_up(
        name="Fenmoor Police", kind="police_force", authority_gss_code=HOME, code="Fenmoor"
    )
    second = organisation_set_up(
        name="Marsh Police", kind="police_force", authority_gss_code=HOME, code="marsh"
    )
    home = organisation_set_up(
        name="Elm House", kind="childrens_home", authority_gss_code=HOME, code="sc123456"
    )
    assert (first.code, second.code, home.code) == ("fenmoor", "marsh", "SC123456")

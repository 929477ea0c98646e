"""The children's home's own pages: its staff land on their admissions and discharges,
record one with an error message written for each answer, and see only what their home
recorded; a coordinator says which child a waiting one is about."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client

from homeward.audit.models import AccessEvent
from homeward.exchange.models import HomeMovement
from homeward.organisations.models import Authority
from tests.exchange.partner import CODE, FakePartner
from tests.factories import World, make_child
from tests.web.dates import day_boxes

pytestmark = pytest.mark.django_db

RECORD = "/childrens-home/record"


def answers(**changes: str) -> dict[str, str]:
    values = {
        "given_names": "Jordan",
        "family_name": "Example",
        **day_boxes("date_of_birth", date(2011, 5, 14)),
        "responsible": CODE,
        "event": "admission",
        **day_boxes("on", date(2026, 12, 1)),
    }
    values.update(changes)
    return values


def test_the_homes_staff_land_on_their_page_and_see_nothing_else(
    client_for: Callable[[str], Client],
) -> None:
    staff = client_for("home_staff")
    landing = staff.get("/")
    assert landing.status_code == 302 and landing["Location"] == "/childrens-home/"
    page = staff.get("/childrens-home/").content.decode()
    assert "Birchwood Children&#x27;s Home (fictional)" in page
    assert "Ofsted URN SC000001" in page
    assert "Nothing is recorded by this home yet." in page
    nav = page.split("<nav", 1)[1].split("</nav>", 1)[0]
    assert "Admissions and discharges" in nav
    assert "Caseload" not in nav and "Search" not in nav


def test_an_admission_of_a_known_child_is_recorded_and_listed(
    world: World, client_for: Callable[[str], Client]
) -> None:
    FakePartner().add()
    neighbour = Authority.objects.get(gss_code=CODE)
    child = make_child(world, responsible_authority=neighbour, host_authority=world.authority)
    staff = client_for("home_staff")
    done = staff.post(RECORD, answers())
    assert done.status_code == 302 and done["Location"] == "/childrens-home/"
    movement = HomeMovement.objects.get()
    assert movement.child == child and movement.message is not None
    page = staff.get("/childrens-home/").content.decode()
    assert "Jordan Example" in page and "With the authority" in page
    assert "Neighbouring County Council is told" in page
    assert AccessEvent.objects.filter(
        what="admissions and discharges recorded by Birchwood Children's Home (fictional)"
    ).exists()


def test_each_answer_left_out_has_its_own_message(client_for: Callable[[str], Client]) -> None:
    staff = client_for("home_staff")
    page = staff.post(RECORD, {})
    assert page.status_code == 400
    text = page.content.decode()
    for message in (
        "Enter the child&#x27;s given names",
        "Enter the child&#x27;s family name",
        "Enter the child&#x27;s date of birth",
        "Select the authority that placed the child",
        "Select whether the child was admitted or discharged",
        "Enter the date of the admission or discharge",
    ):
        assert message in text, message
    future = staff.post(RECORD, answers(**day_boxes("on", date(2099, 1, 1))))
    assert future.status_code == 400
    assert "The date must be today or in the past" in future.content.decode()
    assert HomeMovement.objects.count() == 0


def test_a_coordinator_says_which_child_a_waiting_record_is_about(
    world: World, client_for: Callable[[str], Client]
) -> None:
    FakePartner().add()
    neighbour = Authority.objects.get(gss_code=CODE)
    staff = client_for("home_staff")
    assert staff.post(RECORD, answers(given_names="Jo")).status_code == 302
    movement = HomeMovement.objects.get()
    assert movement.child is None
    assert "Being checked" in staff.get("/childrens-home/").content.decode()
    coordinator = client_for("coordinator")
    register = coordinator.get("/placed-here/").content.decode()
    url = f"/childrens-home-movements/{movement.pk}/which-child"
    assert url in register
    # No child of that authority known yet: the page says what to do, and offers no form.
    empty = coordinator.get(url).content.decode()
    assert "add the child" in empty and "Record it for this child" not in empty
    child = make_child(world, responsible_authority=neighbour, host_authority=world.authority)
    page = coordinator.get(url).content.decode()
    assert "Jo Example, born 14 May 2011" in page and child.reference in page
    assert coordinator.post(url, {}).status_code == 400
    done = coordinator.post(url, {"child": str(child.pk)})
    assert done.status_code == 302
    movement.refresh_from_db()
    assert movement.child == child and movement.message is not None
    assert coordinator.get(url).status_code == 404  # no longer waiting
    assert "With the authority" in staff.get("/childrens-home/").content.decode()


def test_the_homes_staff_mark_their_own_record_as_a_mistake(
    client_for: Callable[[str], Client],
) -> None:
    staff = client_for("home_staff")
    staff.post(RECORD, answers(given_names="Jo"))
    movement = HomeMovement.objects.get()
    url = f"/childrens-home-movements/{movement.pk}/recorded-by-mistake"
    assert "Jo Example" in staff.get(url).content.decode()
    done = staff.post(url, {"reason": "Typed the wrong name"})
    assert done.status_code == 302 and done["Location"] == "/childrens-home/"
    assert "Recorded by mistake" in staff.get("/childrens-home/").content.decode()
    movement.refresh_from_db()
    assert movement.entered_in_error_reason == "Typed the wrong name"

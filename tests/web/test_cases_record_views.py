"""The pages for the rest of the interview's record through HTTP: places and adults of
concern, referrals and their outcomes on the interview page, and risk flags on the child's
page. Each form renders, saves, refuses with a 400 and an error summary, and is refused (403)
to anyone whose job it is not."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from homeward.cases import services
from homeward.cases.models import (
    AdultOfConcern,
    PlaceOfConcern,
    Referral,
    ReturnInterview,
    RiskFlag,
)
from tests.factories import World, make_child, make_episode, make_interview
from tests.web.dates import day_boxes

pytestmark = pytest.mark.django_db


def page(client: Client, name: str, *args: object, status: int = 200) -> str:
    response = client.get(reverse(f"web:{name}", args=args))
    assert response.status_code == status, response.content[:2000]
    return response.content.decode()


def iso(day) -> str:
    return day.strftime("%Y-%m-%d")


def today():
    return timezone.localdate()


@pytest.fixture
def interview(world: World) -> ReturnInterview:
    """An interview of an episode the world's police force reported (so its liaison officer
    sees the child, without the disclosures)."""
    episode = make_episode(world, make_child(world), police_force=world.police)
    return make_interview(world, [episode])


def sign_off(world: World, interview: ReturnInterview) -> None:
    services.interview_write_up(
        by=world.user("worker"),
        interview=interview,
        write_up=services.WriteUp(held_at=timezone.now() - timedelta(hours=1)),
        expected_version=ReturnInterview.objects.get(pk=interview.pk).version,
    )
    services.interview_submit_for_sign_off(by=world.user("worker"), interview=interview)
    services.interview_sign_off(by=world.user("manager"), interview=interview)


def assert_accessible_form(html: str) -> None:
    assert html.count("<h1") == 1
    for input_id in re.findall(r'<(?:input|select|textarea)[^>]*\sid="([^"]+)"', html):
        assert f'for="{input_id}"' in html, input_id
    inline = [tag for tag in re.findall(r"<script\b[^>]*>", html) if "src=" not in tag]
    assert len(inline) == 1 and "nonce=" in inline[0]
    assert not re.search(r"\sstyle\s*=", html)
    assert 'name="csrfmiddlewaretoken"' in html


# --- the interview page --------------------------------------------------------------------


def test_interview_page_offers_the_links_to_those_who_work_it(world, client_for, interview):
    html = page(client_for("worker"), "interview", interview.pk)
    for heading in ("Places of concern", "Adults of concern", "Referrals"):
        assert f'<h2 class="govuk-heading-m">{heading}</h2>' in html
    assert "No place of concern is recorded." in html
    assert "No adult of concern is recorded." in html
    assert f'href="{reverse("web:place-new", args=[interview.pk])}"' in html
    assert f'href="{reverse("web:adult-new", args=[interview.pk])}"' in html
    assert f'href="{reverse("web:referral-new", args=[interview.pk])}"' in html
    assert "Add a place of concern" in html and "Add an adult of concern" in html
    assert "Add a referral" in html

    manager = page(client_for("manager"), "interview", interview.pk)
    assert "Places of concern" in manager
    for name in ("place-new", "adult-new", "referral-new"):
        assert reverse(f"web:{name}", args=[interview.pk]) not in manager


def test_a_place_is_added_and_shown(world, client_for, interview):
    client = client_for("worker")
    url = reverse("web:place-new", args=[interview.pk])
    assert_accessible_form(page(client, "place-new", interview.pk))
    response = client.post(url, {"description": "Flat above the takeaway", "postcode": "zz1 1aa"})
    assert response.status_code == 302
    assert response["Location"] == reverse("web:interview", args=[interview.pk])
    place = PlaceOfConcern.objects.get()
    assert (place.interview_id, place.postcode) == (interview.pk, "ZZ1 1AA")
    html = client.get(response["Location"]).content.decode()
    assert "Place of concern added" in html
    places = html.split("Places of concern</h2>")[1].split("<h2")[0]
    assert "Flat above the takeaway" in places and "ZZ1 1AA" in places


def test_a_place_with_errors_is_refused_with_a_summary(world, client_for, interview):
    client = client_for("worker")
    url = reverse("web:place-new", args=[interview.pk])
    response = client.post(url, {"description": "", "postcode": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and "<title>Error: " in html
    assert 'href="#id_description"' in html

    response = client.post(url, {"description": "Park", "postcode": "not a postcode"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'href="#id_postcode"' in html and "like ZZ1 1AA" in html
    assert 'value="Park"' in html  # what was typed is kept
    assert not PlaceOfConcern.objects.exists()


def test_an_adult_is_added_encrypted_and_shown_only_with_disclosures(world, client_for, interview):
    client = client_for("coordinator")
    assert_accessible_form(page(client, "adult-new", interview.pk))
    response = client.post(
        reverse("web:adult-new", args=[interview.pk]),
        {"description": "Known as Sparrow, drives a blue van"},
    )
    assert response.status_code == 302
    assert AdultOfConcern.objects.get().interview_id == interview.pk
    html = page(client, "interview", interview.pk)
    adults = html.split("Adults of concern</h2>")[1].split("<h2")[0]
    assert "Known as Sparrow, drives a blue van" in adults

    # Police liaison see the child's record, never what the child disclosed.
    police = client_for("police")
    assert "Sparrow" not in page(police, "child", interview.child_id)
    page(police, "interview", interview.pk, status=403)


def test_an_empty_adult_is_refused(world, client_for, interview):
    response = client_for("worker").post(
        reverse("web:adult-new", args=[interview.pk]), {"description": "  "}
    )
    assert response.status_code == 400
    assert 'href="#id_description"' in response.content.decode()
    assert not AdultOfConcern.objects.exists()


def test_a_referral_is_added_and_its_outcome_recorded(world, client_for, interview):
    client = client_for("worker")
    assert_accessible_form(page(client, "referral-new", interview.pk))
    response = client.post(
        reverse("web:referral-new", args=[interview.pk]),
        {"service": "Exploitation team", **day_boxes("made_on", today()), "outcome": ""},
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert (referral.service, referral.made_on, referral.outcome) == (
        "Exploitation team",
        today(),
        "",
    )
    html = page(client, "interview", interview.pk)
    referrals = html.split("Referrals</h2>")[1].split("<h2")[0]
    assert "Exploitation team" in referrals and "Not yet known" in referrals
    outcome_url = reverse("web:referral-outcome", args=[referral.pk])
    assert f'href="{outcome_url}"' in referrals and "Record the outcome" in referrals

    assert_accessible_form(page(client, "referral-outcome", referral.pk))
    response = client.post(outcome_url, {"outcome": "Accepted: first meeting booked"})
    assert response.status_code == 302
    assert Referral.objects.get().outcome == "Accepted: first meeting booked"
    html = page(client, "interview", interview.pk)
    assert "Accepted: first meeting booked" in html and "Change the outcome" in html
    assert 'value="Accepted: first meeting booked"' in page(client, "referral-outcome", referral.pk)


def test_a_referral_in_the_future_or_without_a_service_is_refused(world, client_for, interview):
    response = client_for("worker").post(
        reverse("web:referral-new", args=[interview.pk]),
        {"service": "", **day_boxes("made_on", today() + timedelta(days=2))},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'href="#id_service"' in html
    response = client_for("worker").post(
        reverse("web:referral-new", args=[interview.pk]),
        {"service": "CAMHS", **day_boxes("made_on", today() + timedelta(days=2))},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'href="#id_made_on"' in html
    assert "The date the referral was made must be today or in the past" in html
    assert not Referral.objects.exists()


def test_an_empty_outcome_is_refused(world, client_for, interview):
    referral = services.interview_add_referral(
        by=world.user("worker"), interview=interview, service="CAMHS", made_on=today()
    )
    response = client_for("worker").post(
        reverse("web:referral-outcome", args=[referral.pk]), {"outcome": ""}
    )
    assert response.status_code == 400
    assert 'href="#id_outcome"' in response.content.decode()


def test_after_sign_off_only_outcomes_can_be_recorded(world, client_for, interview):
    referral = services.interview_add_referral(
        by=world.user("worker"), interview=interview, service="CAMHS", made_on=today()
    )
    sign_off(world, interview)
    client = client_for("worker")
    html = page(client, "interview", interview.pk)
    assert reverse("web:place-new", args=[interview.pk]) not in html
    assert reverse("web:referral-new", args=[interview.pk]) not in html
    assert reverse("web:referral-outcome", args=[referral.pk]) in html

    response = client.post(
        reverse("web:place-new", args=[interview.pk]), {"description": "Park", "postcode": ""}
    )
    assert response.status_code == 400
    assert "signed off" in response.content.decode()
    assert not PlaceOfConcern.objects.exists()

    response = client.post(
        reverse("web:referral-outcome", args=[referral.pk]), {"outcome": "Closed: no concerns"}
    )
    assert response.status_code == 302
    assert Referral.objects.get().outcome == "Closed: no concerns"


@pytest.mark.parametrize("role", ["worker2", "manager", "police", "provider_worker"])
def test_others_are_refused_the_interview_forms(world, client_for, interview, role):
    referral = services.interview_add_referral(
        by=world.user("worker"), interview=interview, service="CAMHS", made_on=today()
    )
    client = client_for(role)
    posts = [
        ("place-new", interview.pk, {"description": "Park"}),
        ("adult-new", interview.pk, {"description": "Older man"}),
        ("referral-new", interview.pk, {"service": "CAMHS", **day_boxes("made_on", today())}),
        ("referral-outcome", referral.pk, {"outcome": "Closed"}),
    ]
    for name, pk, data in posts:
        assert client.post(reverse(f"web:{name}", args=[pk]), data).status_code == 403, name
    assert not PlaceOfConcern.objects.exists() and not AdultOfConcern.objects.exists()
    assert Referral.objects.get().outcome == ""


def test_missing_records_are_404(client_for):
    client = client_for("coordinator")
    assert client.get(reverse("web:referral-outcome", args=[999])).status_code == 404
    assert client.get(reverse("web:risk-end", args=[999])).status_code == 404
    assert client.get(reverse("web:place-new", args=[999])).status_code == 404


# --- risk flags on the child's page ----------------------------------------------------------


def test_coordinator_flags_a_risk_and_ends_it(world, client_for):
    child = make_child(world)
    client = client_for("coordinator")
    html = page(client, "child", child.pk)
    assert "No risk is flagged." in html
    assert f'href="{reverse("web:risk-new", args=[child.pk])}"' in html

    form = page(client, "risk-new", child.pk)
    assert_accessible_form(form)
    assert "<fieldset" in form and "<legend" in form  # the radios of the kind of risk
    response = client.post(
        reverse("web:risk-new", args=[child.pk]),
        {"kind": "cce", **day_boxes("noted_on", today() - timedelta(days=10)), "source": "Police"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("web:child", args=[child.pk])
    flag = RiskFlag.objects.get()
    assert (flag.child_id, flag.kind, flag.source) == (child.pk, "cce", "Police")

    html = client.get(response["Location"]).content.decode()
    assert "Risk flagged: Child criminal exploitation" in html
    risks = html.split("Risk flags</h2>")[1].split("<h2")[0]
    assert "Child criminal exploitation" in risks and "Police" in risks and "Current" in risks
    end_url = reverse("web:risk-end", args=[flag.pk])
    assert f'href="{end_url}"' in risks

    assert_accessible_form(page(client, "risk-end", flag.pk))
    response = client.post(end_url, {**day_boxes("ended_on", today())})
    assert response.status_code == 302
    assert RiskFlag.objects.get().ended_on == today()
    risks = page(client, "child", child.pk).split("Risk flags</h2>")[1].split("<h2")[0]
    assert "Current" not in risks and end_url not in risks


def test_risk_forms_refuse_bad_dates_with_a_summary(world, client_for):
    child = make_child(world)
    client = client_for("manager")
    response = client.post(
        reverse("web:risk-new", args=[child.pk]),
        {"kind": "", **day_boxes("noted_on", today() + timedelta(days=1)), "source": "School"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and 'href="#id_kind_0"' in html
    response = client.post(
        reverse("web:risk-new", args=[child.pk]),
        {"kind": "cse", **day_boxes("noted_on", today() + timedelta(days=1)), "source": "School"},
    )
    assert response.status_code == 400
    assert 'href="#id_noted_on"' in response.content.decode()
    assert not RiskFlag.objects.exists()

    flag = services.child_flag_risk(
        by=world.user("manager"), child=child, kind="cse", noted_on=today(), source="School"
    )
    response = client.post(
        reverse("web:risk-end", args=[flag.pk]),
        {**day_boxes("ended_on", today() - timedelta(days=1))},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'href="#id_ended_on"' in html and "cannot end before it was noted" in html
    assert RiskFlag.objects.get().ended_on is None


@pytest.mark.parametrize("role", ["worker", "police", "analyst", "provider_manager"])
def test_others_cannot_flag_or_end_risks_and_see_no_links(world, client_for, role):
    child = make_child(world)
    make_interview(world, [make_episode(world, child)])  # so "worker" may see the child
    flag = services.child_flag_risk(
        by=world.user("coordinator"), child=child, kind="trafficking", noted_on=today(), source="X"
    )
    client = client_for(role)
    response = client.post(
        reverse("web:risk-new", args=[child.pk]),
        {"kind": "cse", **day_boxes("noted_on", today()), "source": "School"},
    )
    assert response.status_code == 403
    response = client.post(
        reverse("web:risk-end", args=[flag.pk]), {**day_boxes("ended_on", today())}
    )
    assert response.status_code == 403
    assert RiskFlag.objects.count() == 1 and RiskFlag.objects.get().ended_on is None
    child_page = client.get(reverse("web:child", args=[child.pk]))
    if child_page.status_code == 200:
        html = child_page.content.decode()
        assert "Trafficking" in html
        assert reverse("web:risk-new", args=[child.pk]) not in html
        assert reverse("web:risk-end", args=[flag.pk]) not in html

"""The correction pages through HTTP: Change links on the summary lists, a page per group of
fields with its own error messages, the reason asked for when it is required, check your
answers before a change with consequences, and the history on the timeline."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from homeward.cases import corrections
from homeward.cases.models import Child, Correction
from tests.factories import make_child, make_episode

pytestmark = pytest.mark.django_db
UK = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def _a_day_three_days_ago(monkeypatch):
    """Recent episodes (the last two days) never fall in a reporting year that has ended."""
    day = (timezone.now() - timedelta(days=3)).astimezone(UK).date()
    monkeypatch.setattr(corrections, "_today", lambda: day)


def local(moment: datetime) -> str:
    """A moment as a datetime-local input sends it (UK wall clock, to the minute)."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def html_of(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status
    return response.content.decode()


def errors_of(html: str) -> list[str]:
    """The error summary's messages, in order."""
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', html, re.S)
    assert summary, "an error summary"
    found = re.findall(r"<li>(.*?)</li>", summary[0], re.S)
    return [unescape(re.sub(r"<[^>]+>", "", m)).strip() for m in found]


# --- the child's details -------------------------------------------------------------------


def test_the_childs_summary_list_has_a_change_link_for_each_group(world, client_for):
    child = make_child(world)
    html = html_of(client_for("coordinator"), reverse("web:child", args=[child.pk]))
    for group in ("name", "birth", "identity", "address", "authorities"):
        assert reverse(f"web:child-change-{group}", args=[child.pk]) in html
    assert reverse("web:child-care", args=[child.pk]) in html
    assert 'Change<span class="govuk-visually-hidden"> date of birth</span>' in html
    assert "govuk-summary-list__actions" in html
    # Those who cannot change a child see no Change link.
    police = make_child(world, first_name="Casey")
    make_episode(world, police, police_force=world.police, police_reference="FC-9")
    seen = html_of(client_for("police"), reverse("web:child", args=[police.pk]))
    assert "govuk-summary-list__actions" not in seen
    assert "/change/" not in seen


def test_information_not_yet_obtained_is_filled_in(world, client_for):
    child = make_child(world)
    assert child.get_ethnicity_display() == "Information not yet obtained"
    client = client_for("coordinator")
    url = reverse("web:child-change-identity", args=[child.pk])
    form = html_of(client, url)
    assert 'value="NOBT" selected' in form
    assert "Why you are making this change (optional)" in form
    response = client.post(url, {"sex": "female", "ethnicity": "BAFR", "reason": ""})
    assert response.status_code == 302
    child.refresh_from_db()
    assert (child.sex, child.ethnicity) == ("female", "BAFR")
    page = html_of(client, reverse("web:child", args=[child.pk]))
    assert "Sex and ethnicity changed" in page
    assert f"Child {child.reference} changed" in page
    assert "Ethnicity: from Information not yet obtained to African" in page


def test_each_field_says_what_is_wrong_with_it(world, client_for):
    child = make_child(world)
    client = client_for("coordinator")
    response = client.post(
        reverse("web:child-change-name", args=[child.pk]),
        {"first_name": "", "last_name": "x" * 101, "aliases": ""},
    )
    assert response.status_code == 400
    assert errors_of(response.content.decode()) == [
        "Enter the child's first name",
        "The child's last name must be 100 characters or fewer",
    ]
    response = client.post(
        reverse("web:child-change-birth", args=[child.pk]), {"date_of_birth": "31/02/2012"}
    )
    assert errors_of(response.content.decode()) == [
        "Enter the date of birth as a real date, for example 2012-03-27"
    ]
    response = client.post(
        reverse("web:child-change-address", args=[child.pk]),
        {"address": "", "postcode": "not one"},
    )
    assert errors_of(response.content.decode()) == [
        "Enter a postcode in the right shape, like ZZ1 1AA, or leave it blank"
    ]
    unchanged = client.post(
        reverse("web:child-change-identity", args=[child.pk]),
        {"sex": child.sex, "ethnicity": child.ethnicity},
    )
    assert unchanged.status_code == 400
    assert errors_of(unchanged.content.decode()) == [corrections.NOTHING_CHANGED]


def test_the_reason_is_asked_for_and_says_why_once_the_record_has_left(world, client_for):
    child = make_child(world, aliases=["JJ"])
    make_episode(world, child, started=timezone.now() - timedelta(days=800))
    client = client_for("manager")
    url = reverse("web:child-change-name", args=[child.pk])
    form = html_of(client, url)
    assert 'value="JJ"' in form
    assert "Required because episode E-000001 belongs to" in form
    refused = client.post(url, {"first_name": "Jordan", "last_name": "Exampel", "aliases": "JJ"})
    assert refused.status_code == 400
    assert errors_of(refused.content.decode()) == ["Enter why you are making this change"]
    assert Child.objects.get(pk=child.pk).last_name == "Example"
    saved = client.post(
        url,
        {
            "first_name": "Jordan",
            "last_name": "Exampel",
            "aliases": "JJ, Jordy",
            "reason": "Birth certificate seen",
        },
    )
    assert saved.status_code == 302
    correction = Correction.objects.get()
    assert correction.reason == "Birth certificate seen"
    assert correction.reason_required_because.startswith("episode E-000001 belongs to")
    page = html_of(client, reverse("web:child", args=[child.pk]))
    assert "Last name: from Example to Exampel" in page
    assert "Reason: Birth certificate seen" in page


def test_care_is_changed_with_its_reason(world, client_for):
    child = make_child(world)
    client = client_for("coordinator")
    url = reverse("web:child-care", args=[child.pk])
    response = client.post(
        url,
        {
            "legal_status": "looked_after",
            "placement_type": "foster",
            "looked_after_since": "2024-02-01",
            "upn": "",
            "reason": "Came into care",
        },
    )
    assert response.status_code == 302
    assert Correction.objects.get().reason == "Came into care"
    page = html_of(client, reverse("web:child", args=[child.pk]))
    assert "Looked after since: from nothing recorded to 1 February 2024" in page


@pytest.mark.parametrize("group", ["name", "birth", "identity", "address", "authorities"])
def test_only_coordinators_and_managers_open_a_change_page(world, client_for, group):
    child = make_child(world)
    url = reverse(f"web:child-change-{group}", args=[child.pk])
    assert client_for("worker").post(url, {"reason": "x"}).status_code == 403
    assert client_for("manager").get(url).status_code == 200

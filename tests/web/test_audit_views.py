"""The audit log page: administrators only, the access log with filters and pages, and the
change history with disclosures hidden."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from homeward.audit.models import AccessEvent
from homeward.audit.services import access_record
from homeward.cases import services
from homeward.cases.models import ReturnInterview
from tests.factories import World, make_child, make_episode, make_interview

pytestmark = pytest.mark.django_db

AUDIT = reverse("web:audit")
DISCLOSURE = "Stayed at a flat above the chip shop with two older lads"


def rows(response) -> list[str]:
    """The access log table's body rows, as text."""
    page = response.content.decode()
    table = page.split('id="access"', 1)[1].split('id="changes"', 1)[0]
    body = table.split('<tbody class="govuk-table__body">', 1)[-1].split("</tbody>", 1)[0]
    return [
        " ".join(html.unescape(re.sub(r"<[^>]+>", " ", row)).split())
        for row in body.split("</tr>")
        if "<td" in row
    ]


@pytest.fixture
def events(world: World) -> dict[str, int]:
    coordinator, worker = world.user("coordinator"), world.user("worker")
    access_record(user=coordinator, action=AccessEvent.Action.VIEW, what="child C-1", child_id=11)
    access_record(user=worker, action=AccessEvent.Action.VIEW, what="child C-2", child_id=12)
    access_record(
        user=worker, action=AccessEvent.Action.SEARCH, what="children", detail="name='Jo'"
    )
    access_record(
        user=coordinator,
        action=AccessEvent.Action.SHARE,
        what="interview RI-1",
        child_id=11,
        reason="Strategy meeting with the police",
    )
    return {"coordinator": 11, "worker": 12}


def test_admin_sees_the_access_log(client_for: Callable[[str], Client], events) -> None:
    response = client_for("admin").get(AUDIT)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<h1") == 1
    assert '<th scope="col" class="govuk-table__header">Reason</th>' in page
    found = rows(response)
    assert len(found) == 4
    # Newest first: who (with role), action, what, reason.
    assert "coordinator" in found[0] and "Missing children coordinator" in found[0]
    assert "Shared" in found[0] and "Strategy meeting with the police" in found[0]
    assert any("Searched" in row and "name='Jo'" in row for row in found)


def test_filters(client_for: Callable[[str], Client], events) -> None:
    client = client_for("admin")
    by_user = rows(client.get(AUDIT, {"username": "work"}))
    assert len(by_user) == 2 and all("worker Return interview worker" in row for row in by_user)

    by_action = rows(client.get(AUDIT, {"action": "share"}))
    assert len(by_action) == 1 and "interview RI-1" in by_action[0]

    by_child = rows(client.get(AUDIT, {"child_id": "11"}))
    assert len(by_child) == 2 and all("Child record 11" in row for row in by_child)

    combined = client.get(AUDIT, {"username": "coordinator", "action": "view"})
    assert len(rows(combined)) == 1
    assert "Clear filters" in combined.content.decode()

    nothing = client.get(AUDIT, {"username": "nobody"})
    assert "No events match the filters." in nothing.content.decode()


def test_a_bad_filter_is_an_error(client_for: Callable[[str], Client], events) -> None:
    response = client_for("admin").get(AUDIT, {"child_id": "eleven"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert '<a href="#id_child_id">Enter the child' in page


def test_pages_of_fifty_keep_the_filters(world: World, client_for: Callable[[str], Client]) -> None:
    worker = world.user("worker")
    for n in range(60):
        access_record(user=worker, action=AccessEvent.Action.VIEW, what=f"child C-{n}", child_id=n)
    client = client_for("admin")
    first = client.get(AUDIT, {"username": "worker"})
    assert len(rows(first)) == 50
    page = first.content.decode()
    assert 'class="govuk-pagination"' in page
    assert "page 1 of 2" in page
    assert 'href="?username=worker&amp;page=2" rel="next"' in page

    second = client.get(AUDIT, {"username": "worker", "page": "2"})
    assert len(rows(second)) == 10
    assert "child C-0" in second.content.decode()  # the oldest, last


@pytest.mark.parametrize("role", ["worker", "coordinator", "manager", "analyst", "police"])
def test_others_are_refused(client_for: Callable[[str], Client], role: str) -> None:
    response = client_for(role).get(AUDIT)
    assert response.status_code == 403
    assert "You cannot see this page" in response.content.decode()


def test_signed_out_visitor_is_sent_to_sign_in(client: Client) -> None:
    response = client.get(AUDIT)
    assert response.status_code == 302
    assert response.url.startswith(reverse("web:sign-in"))


def test_changes_are_listed_with_disclosures_hidden(
    world: World, client_for: Callable[[str], Client]
) -> None:
    child = make_child(world)
    interview = make_interview(world, [make_episode(world, child)])
    services.interview_write_up(
        by=world.user("worker"),
        interview=interview,
        write_up=services.WriteUp(
            held_at=timezone.now() - timedelta(hours=1),
            held_where="School",
            whereabouts=DISCLOSURE,
        ),
        expected_version=ReturnInterview.objects.get(pk=interview.pk).version,
    )
    # The stored history holds nothing of the disclosure, not even half of it.
    stored = " ".join(str(entry.changes) for entry in LogEntry.objects.all())
    assert "chip shop" not in stored and DISCLOSURE[-20:] not in stored

    response = client_for("admin").get(AUDIT)
    page = response.content.decode()
    changes = page.split('id="changes"', 1)[1]
    assert "Return interview" in changes and interview.reference in changes
    assert "Whereabouts" in changes and "(hidden)" in changes
    assert "chip shop" not in page
    # Who was allocated is named; what is not identifying is shown as it was set.
    assert (
        "Allocated worker" in changes
        and '→</span><span class="govuk-visually-hidden">changed to</span> worker' in changes
    )
    assert "Due rule" in changes and "within 72 hours" in changes


def test_changes_do_not_identify_children(
    world: World, client_for: Callable[[str], Client]
) -> None:
    child = make_child(world, first_name="Zebedee", last_name="Quillfeather", postcode="ZZ9 9ZZ")
    page = client_for("admin").get(AUDIT).content.decode()
    changes = page.split('id="changes"', 1)[1]
    assert f"record {child.pk}" in changes
    assert "First name" in changes and "Date of birth" in changes
    for detail in ("Zebedee", "Quillfeather", "ZZ9 9ZZ", "2011-05-14"):
        assert detail not in page


def test_old_history_entries_are_masked_on_display(
    world: World, client_for: Callable[[str], Client]
) -> None:
    """An entry written under auditlog's half mask still shows nothing of the value."""
    child = make_child(world)
    interview = make_interview(world, [make_episode(world, child)])
    entry = LogEntry.objects.filter(object_pk=str(interview.pk)).first()
    entry.changes = {"child_words": ["", "******************lder lads"]}
    entry.save()
    page = client_for("admin").get(AUDIT).content.decode()
    assert "lder lads" not in page

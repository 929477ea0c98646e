"""A child's chronology (`/children/<id>/chronology/`, and its PDF): everything in date
order, the earliest first; scoped as the child's record is (a provider's staff their own
interviews' part, the police their own episodes and never what the child said); every view
and every download in the access log, a download only with a reason."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from homeward.audit.models import AccessEvent
from homeward.cases import services
from homeward.cases.models import Child, Episode, ReturnInterview
from tests.factories import World, make_child, make_episode, make_interview

pytestmark = pytest.mark.django_db

CIRCUMSTANCES = "Left the placement after an argument; believed to be with older males."
WORDS = "I stayed at a flat above the chip shop with people I met online."
SECRET_NOTE = "Spoke to the foster carer, child asleep."


@dataclass
class Story:
    child: Child
    reported: Episode  # the first force's report, covered by the team's interview
    team_interview: ReturnInterview
    unreported: Episode  # no force's, covered by the provider's interview
    provider_interview: ReturnInterview


def story(world: World) -> Story:
    """Two episodes a year apart: the first reported by the police, interviewed by the
    team (offer, attempt, write-up, referral, shares, sign-off); the second interviewed by
    the provider (the child's words again); a risk flag between them."""
    worker, coordinator = world.user("worker"), world.user("coordinator")
    child = make_child(world, first_name="Robin", last_name="Chronicle")
    # 08:00 UK time, 400 days ago: that day's entries stay on that day.
    first = timezone.localtime(timezone.now() - timedelta(days=400)).replace(
        hour=8, minute=0, second=0, microsecond=0
    )
    reported = make_episode(
        world,
        child,
        started=first,
        police_force=world.police,
        police_reference="FC-CHRON-1",
        circumstances=CIRCUMSTANCES,
        last_seen_where="Bus station",
        risk_factors=["cce", "county_lines"],
        reported_to_police_at=first + timedelta(hours=2),
    )
    team = make_interview(world, [reported])
    # Allocated an hour after the return (the service notes the time it is called).
    ReturnInterview.objects.filter(pk=team.pk).update(allocated_at=first + timedelta(hours=11))
    services.interview_record_offer(
        by=worker,
        interview=team,
        offered_at=first + timedelta(hours=12),
        offered_to="child",
        method="phone",
    )
    services.interview_record_attempt(
        by=worker,
        interview=team,
        attempted_at=first + timedelta(hours=14),
        method="in_person",
        successful=False,
        note=SECRET_NOTE,
    )
    team = services.interview_write_up(
        by=worker,
        interview=team,
        expected_version=ReturnInterview.objects.get(pk=team.pk).version,
        write_up=services.WriteUp(
            held_at=first + timedelta(hours=20),
            held_where="School",
            child_words=WORDS,
            child_wishes="To see my sister more",
            harms=("criminal_exploitation",),
            follow_up_offered=True,
        ),
    )
    services.interview_add_referral(
        by=worker, interview=team, service="Exploitation team", made_on=first.date()
    )
    for recipient in ("police", "school"):
        services.interview_record_share(
            by=worker,
            interview=team,
            recipient=recipient,
            shared_at=first + timedelta(hours=22),
            basis="safeguarding",
            detail=f"Places of concern, told to the {recipient}.",
        )
    services.interview_submit_for_sign_off(by=worker, interview=team)
    services.interview_sign_off(by=world.user("manager"), interview=team, note="Good work.")
    services.child_flag_risk(
        by=coordinator,
        child=child,
        kind="cce",
        noted_on=(first + timedelta(days=100)).date(),
        source="School",
    )
    second = timezone.now() - timedelta(days=3)
    unreported = make_episode(world, child, started=second)
    provider = make_interview(world, [unreported], worker="provider_worker")
    ReturnInterview.objects.filter(pk=provider.pk).update(allocated_at=second + timedelta(hours=11))
    services.interview_write_up(
        by=world.user("provider_worker"),
        interview=provider,
        expected_version=provider.version,
        write_up=services.WriteUp(
            held_at=timezone.now() - timedelta(days=2), child_words="Provider-only words."
        ),
    )
    return Story(child, reported, team, unreported, provider)


def page(client, child: Child) -> str:  # type: ignore[no-untyped-def]
    response = client.get(reverse("web:chronology", args=[child.pk]))
    assert response.status_code == 200
    return response.content.decode()


def main(html: str) -> str:
    return html.split('id="main-content"')[1]


def titles(html: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", t)
        for t in re.findall(r'<h3 class="govuk-heading-s[^"]*">(.*?)</h3>', html)
    ]


def test_everything_in_date_order_the_earliest_first(world, client_for):
    s = story(world)
    html = main(page(client_for("coordinator"), s.child))
    ref, team, provider = s.reported.reference, s.team_interview.reference, s.provider_interview
    assert titles(html) == [
        f"Missing from home ({ref})",
        f"Returned or found ({ref})",
        f"Interview {team} allocated",
        "Interview offered to the child",
        "Contact attempted",
        "Referral to Exploitation team",  # made that day, no time: after that day's times
        f"Interview held ({team})",  # 04:00 the next day
        "Shared with police (intelligence)",
        "Shared with school",
        "Risk flagged: Child criminal exploitation",
        f"Missing from home ({s.unreported.reference})",
        f"Returned or found ({s.unreported.reference})",
        f"Interview {provider.reference} allocated",
        f"Interview held ({provider.reference})",
        "Signed off by Manager Tester",  # today
    ]
    # The police's account of the episode, and what the child said, for those who may.
    for text in (
        CIRCUMSTANCES,
        "Bus station",
        "Child criminal exploitation, County lines",
        f"{world.police.name}, FC-CHRON-1",
        WORDS,
        "To see my sister more",
        "Criminal exploitation (including county lines)",
        SECRET_NOTE,
        "Places of concern, told to the school.",
        "Good work.",
        "Provider-only words.",
    ):
        assert text in html, text
    # Grouped by year; a day without a time is written as a day.
    years = re.findall(r'<h2 class="govuk-heading-m">(\d{4})</h2>', html)
    assert years == sorted(set(years)) and len(years) >= 2
    noted = (timezone.now() - timedelta(days=300)).date()
    assert f'<time datetime="{noted.isoformat()}">' in html
    # Links to the interviews; a link to the PDF.
    assert reverse("web:interview", args=[s.team_interview.pk]) in html
    assert reverse("web:chronology-pdf", args=[s.child.pk]) in html


def test_the_childs_page_links_to_the_chronology_and_keeps_its_timeline(world, client_for):
    s = story(world)
    response = client_for("coordinator").get(reverse("web:child", args=[s.child.pk]))
    html = response.content.decode()
    assert f'href="{reverse("web:chronology", args=[s.child.pk])}"' in html
    timeline = html.split(">Timeline</h2>")[1]
    # The child's page: the latest first, without the chronology's detail.
    assert titles(timeline)[0] == "Signed off by Manager Tester"
    assert titles(timeline)[-1] == f"Missing from home ({s.reported.reference})"
    assert CIRCUMSTANCES not in timeline and WORDS not in timeline


def test_the_police_see_their_own_episodes_and_never_what_the_child_said(world, client_for):
    s = story(world)
    html = main(page(client_for("police"), s.child))
    assert f"Missing from home ({s.reported.reference})" in html
    assert CIRCUMSTANCES in html  # their own account
    assert f"Interview held ({s.team_interview.reference})" in html  # the outcome
    for text in (
        s.unreported.reference,
        s.provider_interview.reference,
        WORDS,
        SECRET_NOTE,
        "Criminal exploitation (including county lines)",
        "Shared with school",
        "Places of concern, told to the police.",  # what was shared: on the submission
        "Good work.",
        "Provider-only words.",
        reverse("web:interview", args=[s.team_interview.pk]),
    ):
        assert text not in html, text
    assert "Shared with police" in html
    assert "What the child said in interviews is not shown to the police" in html
    # A second force sees nothing of it.
    response = client_for("police2").get(reverse("web:chronology", args=[s.child.pk]))
    assert response.status_code == 403


def test_a_providers_worker_sees_only_their_interviews_part(world, client_for):
    s = story(world)
    html = main(page(client_for("provider_worker"), s.child))
    assert f"Interview held ({s.provider_interview.reference})" in html
    assert "Provider-only words." in html
    assert s.unreported.reference in html
    for text in (s.reported.reference, s.team_interview.reference, WORDS, CIRCUMSTANCES):
        assert text not in html, text
    assert "the interviews allocated to you and the episodes they cover" in html


def test_every_view_is_logged_and_a_refusal_too(world, client_for):
    s = story(world)
    page(client_for("coordinator"), s.child)
    event = AccessEvent.objects.filter(child_id=s.child.pk, what__startswith="chronology").get()
    assert (event.action, event.username) == (AccessEvent.Action.VIEW, "coordinator")
    assert event.what == f"chronology of child {s.child.reference}"
    assert event.path == reverse("web:chronology", args=[s.child.pk])
    for role in ("analyst", "admin", "other_authority", "worker2"):
        response = client_for(role).get(reverse("web:chronology", args=[s.child.pk]))
        assert response.status_code == 403, role
    denied = AccessEvent.objects.filter(child_id=s.child.pk, action=AccessEvent.Action.DENIED)
    assert sorted(denied.values_list("username", flat=True)) == [
        "admin",
        "analyst",
        "other_authority",
        "worker2",
    ]
    missing = client_for("coordinator").get(reverse("web:chronology", args=[999999]))
    assert missing.status_code == 404


def pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def test_the_pdf_needs_a_reason_and_its_download_is_logged(world, client_for):
    s = story(world)
    client = client_for("coordinator")
    url = reverse("web:chronology-pdf", args=[s.child.pk])
    form = client.get(url)
    assert form.status_code == 200
    assert "Why you need this PDF" in form.content.decode()
    empty = client.post(url, {"reason": "   "})
    assert empty.status_code == 400
    assert "Enter why you need this PDF" in empty.content.decode()
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.EXPORT).exists()

    response = client.post(url, {"reason": "Strategy meeting on Monday"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="chronology-{s.child.reference}-'
    )
    assert "no-store" in response["Cache-Control"]
    text = " ".join(pdf_text(response.content).split())
    for words in (
        "Chronology: Robin Chronicle",
        s.reported.reference,
        "Interview held",
        "I stayed at a flat above the chip shop",
        "OFFICIAL-SENSITIVE",
    ):
        assert words in text, words
    assert text.index(s.reported.reference) < text.index(s.unreported.reference)
    export = AccessEvent.objects.get(action=AccessEvent.Action.EXPORT)
    assert (export.username, export.child_id, export.reason) == (
        "coordinator",
        s.child.pk,
        "Strategy meeting on Monday",
    )
    assert export.what == f"chronology of child {s.child.reference}"


def test_the_police_pdf_holds_nothing_the_child_said(world, client_for):
    s = story(world)
    response = client_for("police").post(
        reverse("web:chronology-pdf", args=[s.child.pk]), {"reason": "Return home interview"}
    )
    assert response.status_code == 200
    text = " ".join(pdf_text(response.content).split())
    assert s.reported.reference in text and CIRCUMSTANCES[:30] in text
    assert "chip shop" not in text and s.unreported.reference not in text
    refused = client_for("analyst").post(
        reverse("web:chronology-pdf", args=[s.child.pk]), {"reason": "Curious"}
    )
    assert refused.status_code == 403
    assert AccessEvent.objects.filter(action=AccessEvent.Action.EXPORT).count() == 1


def test_a_long_chronology_takes_the_same_queries(world, client_for):
    """One query per kind of record, however many episodes and interviews."""
    child = make_child(world)
    start = timezone.now() - timedelta(days=200)

    def more(count: int, offset: int) -> None:
        for number in range(count):
            at: datetime = start + timedelta(days=offset + 3 * number)
            episode = make_episode(world, child, started=at, circumstances="Seen in town.")
            interview = make_interview(world, [episode])
            services.interview_record_offer(
                by=world.user("worker"),
                interview=interview,
                offered_at=at + timedelta(hours=12),
                offered_to="child",
                method="phone",
            )

    client = client_for("coordinator")
    more(2, 0)
    url = reverse("web:chronology", args=[child.pk])
    client.get(url)  # the session's first save
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    more(12, 20)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(titles(main(response.content.decode()))) == 14 * 4
    assert len(many.captured_queries) == len(few.captured_queries)

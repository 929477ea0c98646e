"""The panel's decision in a real browser: with JavaScript it is recorded without reloading
the page (the record's part replaced, the success message or the errors taking the focus);
without it the form posts and the page comes back at the same child. No WCAG 2.2 AA
violations (axe-core) on the meeting's pages and the PDF's page (being made, then ready)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from homeward.panel import services
from homeward.panel.models import PanelDecision
from tests.browser import axe_violations, chromium_page
from tests.factories import make_world
from tests.panel.helpers import held_interview, repeat_child
from tests.web.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("javascript", [True, False])
def test_a_panel_decision_with_and_without_javascript(live_server, monkeypatch, javascript):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "1")  # the ORM beside Playwright's loop
    world = make_world()
    ava = repeat_child(world, first_name="Ava", last_name="Linked")
    bo = repeat_child(world, first_name="Bo", last_name="Linked")
    held_interview(world, ava, places=(("Flat above the takeaway", "ZZ1 2BB"),))
    held_interview(world, bo, places=(("Flat above the takeaway", "ZZ1 2BB"),))
    coordinator = world.user("coordinator")
    meeting = services.meeting_create(by=coordinator, date=timezone.localdate(), title="Panel")
    listing = services.meeting_add_child(by=coordinator, meeting=meeting, child=ava)
    services.meeting_add_child(by=coordinator, meeting=meeting, child=bo)
    session = sign_in(Client(), coordinator).cookies["sessionid"].value
    child_path = f"/panel/listings/{listing.pk}/"
    decision = f'textarea[name="decision-{listing.pk}-text"]'
    with chromium_page(javascript=javascript, allow_origin=live_server.url) as page:
        page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
        if javascript:  # axe-core runs in the page: it needs script
            pdf = services.pack_pdf_request(by=coordinator, meeting=meeting, reason="Partners")
            for path in (
                f"/panel/meetings/{meeting.pk}/",
                f"/panel/meetings/{meeting.pk}/links/",
                f"/panel/pdfs/{pdf.pk}/",  # being made
            ):
                page.goto(f"{live_server.url}{path}")
                assert axe_violations(page) == [], path
            services.pack_pdf_make(pdf_id=pdf.pk)
            page.goto(f"{live_server.url}/panel/pdfs/{pdf.pk}/")  # ready to download
            expect(page.get_by_role("button", name="Download the PDF")).to_have_count(1)
            assert axe_violations(page) == []
        page.goto(f"{live_server.url}{child_path}")
        page.evaluate("window.panelMarker = 'not reloaded'")
        record = page.locator("#panel-record")
        page_button = record.get_by_role("button", name="Record the decision")

        # Sent empty: the errors, written for the field.
        page_button.click()
        expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the decision")
        if javascript:
            assert page.evaluate("window.panelMarker") == "not reloaded"
            assert page.evaluate("document.activeElement.hasAttribute('data-panel-focus')")
            assert axe_violations(page) == []

        # Put right: recorded, and shown in place.
        page.locator(decision).fill("Refer to the exploitation team")
        record.get_by_role("button", name="Record the decision").click()
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
            "Decision recorded for Ava Linked"
        )
        expect(page.locator("#panel-decisions")).to_contain_text("Refer to the exploitation team")
        expect(page.locator(".govuk-error-summary")).to_have_count(0)
        assert page.url.split("#")[0] == f"{live_server.url}{child_path}"
        if javascript:
            assert page.evaluate("window.panelMarker") == "not reloaded"
            assert page.evaluate("document.activeElement.hasAttribute('data-panel-focus')")
            assert page.locator(decision).input_value() == ""
            assert axe_violations(page) == []
        else:
            assert page.url.endswith("#panel-record")
            assert page.evaluate("window.panelMarker") is None  # a new page
    assert list(PanelDecision.objects.values_list("text", flat=True)) == [
        "Refer to the exploitation team"
    ]


def test_the_panels_pages_fit_a_phone(live_server, monkeypatch):
    """At 390 px wide no panel page is wider than the screen: wide tables and the drawing
    scroll inside their own region."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "1")
    world = make_world()
    ava = repeat_child(world, first_name="Ava", last_name="Linked")
    bo = repeat_child(world, first_name="Bo", last_name="Linked")
    place = (("Flat above the takeaway on the long high street", "ZZ1 2BB"),)
    held_interview(world, ava, places=place, adults=("Big Mike",))
    held_interview(world, bo, places=place, adults=("big mike",))
    coordinator = world.user("coordinator")
    meeting = services.meeting_create(by=coordinator, date=timezone.localdate(), title="Panel")
    listing = services.meeting_add_child(by=coordinator, meeting=meeting, child=ava)
    services.meeting_add_child(by=coordinator, meeting=meeting, child=bo)
    services.action_add(
        by=coordinator,
        listing=listing,
        text="Call the school about the days missed",
        owner="Missing children coordinator",
        due_on=meeting.date,
    )
    pdf = services.pack_pdf_request(by=coordinator, meeting=meeting, reason="Partners")
    session = sign_in(Client(), coordinator).cookies["sessionid"].value
    paths = [
        "/panel/",
        f"/panel/meetings/{meeting.pk}/",
        f"/panel/listings/{listing.pk}/",
        f"/panel/meetings/{meeting.pk}/links/",
        f"/panel/pdfs/{pdf.pk}/",
        "/panel/triggers/",
    ]
    widths = {}
    with chromium_page(allow_origin=live_server.url) as page:
        page.set_viewport_size({"width": 390, "height": 844})
        page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
        for path in paths:
            page.goto(f"{live_server.url}{path}")
            widths[path] = page.evaluate("document.documentElement.scrollWidth")
    assert widths == dict.fromkeys(paths, 390)

"""The daily-work pages in a real browser: no WCAG 2.2 AA violations (axe-core), and the
pages and a form (its errors, then put right) work with and without JavaScript."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from homeward.cases import services
from homeward.cases.models import ReturnInterview
from tests.browser import axe_violations, chromium_page
from tests.factories import make_child, make_episode, make_interview, make_world
from tests.web.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("javascript", [True, False])
def test_daily_work_pages_have_no_accessibility_violations(live_server, javascript):
    world = make_world()
    child = make_child(world, aliases=["JJ"], address="1 Fictional Road")
    late = make_interview(
        world, [make_episode(world, child, started=timezone.now() - timedelta(days=6))]
    )
    services.interview_record_offer(
        by=world.user("coordinator"),
        interview=late,
        offered_at=timezone.now() - timedelta(days=1),
        offered_to="child",
        method="phone",
    )
    make_episode(world, child)  # awaiting allocation
    make_episode(world, child, returned_after=None)  # still missing
    client = sign_in(Client(), world.user("coordinator"))
    session = client.cookies["sessionid"].value
    paths = [
        "/",
        f"/children/{child.pk}/",
        f"/interviews/{late.pk}/",
        f"/interviews/{late.pk}/write-up/",
        f"/interviews/{late.pk}/decline/",
        f"/children/{child.pk}/allocate/",
        f"/children/{child.pk}/episodes/new/",
        "/children/new/",
        "/children/find/?name=Jordon+Exampel",
    ]
    with chromium_page(javascript=javascript, allow_origin=live_server.url) as page:
        page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
        for path in paths:
            page.goto(f"{live_server.url}{path}")
            assert page.locator("h1").count() == 1, path
            if javascript:  # axe-core runs in the page: it needs script
                assert axe_violations(page) == [], path

        # A form sent with its errors (the error summary), then put right.
        page.goto(f"{live_server.url}/interviews/{late.pk}/decline/")
        page.get_by_role("button", name="Record the decline").click()
        expect(page.locator(".govuk-error-summary")).to_have_count(1)
        expect(page.locator(".govuk-error-summary a")).to_have_count(3)
        if javascript:
            assert axe_violations(page) == []
        page.get_by_label("The child", exact=True).check()
        page.get_by_label("Did not see the episode as a problem").check()
        page.get_by_label("Their reason, in their words").fill("Does not want to talk about it")
        page.get_by_role("button", name="Record the decline").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text("Decline recorded")
        assert page.url.endswith(f"/interviews/{late.pk}/")
    assert ReturnInterview.objects.get(pk=late.pk).outcome == "declined"

"""The refusal page of an imported episode in a real browser (Chromium): no form, the case
system's record in words, and axe-core (WCAG 2.2 AA) finds nothing on it or on the child's
page that lists the episode."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from homeward.cases.models import Episode
from tests.browser import axe_violations, chromium_page
from tests.factories import make_child, make_episode, make_world
from tests.web.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def browser(live_server: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Page]:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "1")  # Playwright's loop in this thread
    with chromium_page(allow_origin=live_server.url) as page:
        yield page


def test_an_imported_episodes_change_page_is_a_plain_refusal(
    browser: Page, live_server: Any
) -> None:
    page = browser
    world = make_world()
    child = make_child(world)
    episode = make_episode(world, child)
    Episode.objects.filter(pk=episode.pk).update(
        source=Episode.Source.SSD,
        source_id="MISS-9",
        imported_rhi_offered="Y",
        imported_rhi_accepted="NA",
    )
    session = sign_in(Client(), world.user("coordinator")).cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])

    page.goto(f"{live_server.url}/children/{child.pk}/")
    expect(page.locator("main")).to_contain_text("The case system’s record: offered yes")
    assert axe_violations(page) == []

    response = page.goto(f"{live_server.url}/episodes/{episode.pk}/change/")
    assert response is not None and response.status == 403
    expect(page.locator("h1")).to_have_text(
        f"Episode {episode.reference} cannot be changed in homeward"
    )
    expect(page.locator("main form")).to_have_count(0)
    expect(page.locator(".govuk-summary-list")).to_contain_text("MISS-9")
    assert axe_violations(page) == []

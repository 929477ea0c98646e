"""Phones and paper: what the phone walk (`test_browser_pages.py`) measures can fail, wide
tables scroll inside their own region, the pages fit a phone without JavaScript too, and
the print stylesheet prints the record and nothing around it (no menu, footer, buttons,
forms or link addresses; disclosures open)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Page

from tests.browser import PHONE, chromium_page, page_overflow
from tests.factories import World, make_world
from tests.web.conftest import sign_in
from tests.web.pages import LONG_WORD, build_objects, lengthen

pytestmark = pytest.mark.django_db(transaction=True)

CSS = Path(__file__).resolve().parents[2] / "homeward/web/static/homeward/homeward.css"


@pytest.fixture
def records(live_server: Any, monkeypatch: pytest.MonkeyPatch) -> tuple[World, dict[str, Any]]:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "1")  # Playwright's loop in this thread
    world = make_world()
    objects = build_objects(world)
    lengthen(world, objects)
    return world, objects


def _signed_in(page: Page, live_server: Any, world: World, role: str) -> None:
    session = sign_in(Client(), world.user(role)).cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])


@pytest.fixture
def phone(live_server: Any, records: tuple[World, dict[str, Any]]) -> Iterator[Page]:
    """A coordinator's browser on a phone's screen."""
    with chromium_page(allow_origin=live_server.url) as page:
        page.set_viewport_size(PHONE)
        _signed_in(page, live_server, records[0], "coordinator")
        yield page


def test_the_measure_finds_a_page_wider_than_a_phone(live_server, records, phone):
    _world, objects = records
    phone.goto(f"{live_server.url}{reverse('web:child', args=[objects['child']])}")
    assert LONG_WORD in phone.content()
    assert page_overflow(phone) is None
    # A table wider than the screen inside a scrolling region: the page still fits...
    phone.evaluate(
        """() => {
        const region = document.createElement('div');
        region.className = 'hw-scroll';
        region.setAttribute('role', 'region');
        region.tabIndex = 0;
        const table = document.createElement('table');
        table.innerHTML = '<tr><td>' + 'wide '.repeat(10) + '</td></tr>';
        table.style.width = '900px';
        table.id = 'wide';
        region.appendChild(table);
        document.querySelector('main').appendChild(region);
    }"""
    )
    assert page_overflow(phone) is None
    # ...the same table outside one does not,
    phone.evaluate(
        "() => document.querySelector('main').appendChild("
        "document.getElementById('wide').cloneNode(true))"
    )
    found = page_overflow(phone)
    assert found is not None and found["width"] >= 900 and found["screen"] == PHONE["width"]
    assert any(w.startswith("table") for w in found["wide"])
    # ...and hiding the page's overflow is not fitting it.
    phone.reload()
    phone.evaluate("() => { document.body.style.overflowX = 'hidden'; }")
    hidden = page_overflow(phone)
    assert hidden is not None and hidden["clipped"] == ["body"]


def test_a_wide_table_scrolls_inside_its_own_named_region(live_server, records, phone):
    _world, objects = records
    phone.goto(f"{live_server.url}{reverse('web:interview', args=[objects['interview']])}")
    regions = phone.evaluate(
        """() => [...document.querySelectorAll('main table')].map(t => {
        const r = t.closest('.hw-scroll');
        return r && {role: r.getAttribute('role'), tabindex: r.getAttribute('tabindex'),
                     name: r.getAttribute('aria-label') || r.getAttribute('aria-labelledby'),
                     scrolls: r.scrollWidth > r.clientWidth};
    })"""
    )
    assert regions and all(regions), "every table is in a scrolling region"
    assert {(r["role"], r["tabindex"]) for r in regions} == {("region", "0")}
    assert all(r["name"] for r in regions)
    assert any(r["scrolls"] for r in regions), "the long references make one scroll"
    assert page_overflow(phone) is None


def test_without_javascript_the_pages_fit_a_phone(live_server, records):
    world, objects = records
    with chromium_page(javascript=False, allow_origin=live_server.url) as page:
        page.set_viewport_size(PHONE)
        _signed_in(page, live_server, world, "coordinator")
        for path in (
            reverse("web:home"),
            reverse("web:child", args=[objects["child"]]),
            reverse("web:chronology", args=[objects["child"]]),
            reverse("web:intake-report", args=[objects["report"]]),
        ):
            page.goto(f"{live_server.url}{path}")
            # Without JavaScript the menu is a list, every item shown.
            assert page.locator("#navigation").is_visible()
            assert page_overflow(page) is None, path


def _shown(page: Page, selector: str) -> list[bool]:
    return [
        page.locator(selector).nth(i).is_visible() for i in range(page.locator(selector).count())
    ]


def test_printing_a_childs_record_prints_the_record_and_nothing_around_it(live_server, records):
    world, objects = records
    with chromium_page(allow_origin=live_server.url) as page:
        _signed_in(page, live_server, world, "coordinator")
        page.goto(f"{live_server.url}{reverse('web:child', args=[objects['child']])}")
        around = (
            ".govuk-service-navigation",
            ".govuk-footer",
            ".govuk-phase-banner",
            ".govuk-button",
        )
        # On the screen: the menu, the footer, the buttons; the police's words folded away.
        for selector in around:
            assert any(_shown(page, selector)), selector
        assert not page.locator(".hw-print-only").is_visible()
        police = page.locator("details .govuk-details__text").first
        assert not police.is_visible()
        link = page.locator("main a.govuk-link").first
        assert page.evaluate(
            "a => getComputedStyle(a, '::after').content", link.element_handle()
        ) in ("none", "normal")

        page.emulate_media(media="print")
        for selector in (*around, ".govuk-skip-link", "form"):
            assert not any(_shown(page, selector)), selector
        assert page.locator("h1").is_visible()
        assert page.locator(".hw-print-only").is_visible()
        assert "OFFICIAL-SENSITIVE" in page.locator(".hw-print-only").inner_text()
        # GOV.UK Frontend prints a link's address after it; here no address is printed.
        contents = page.evaluate(
            "() => [...document.querySelectorAll('main a[href]')].map("
            "a => getComputedStyle(a, '::after').content)"
        )
        assert contents and set(contents) <= {"none", "normal"}
        # The police's words (a <details>) printed open; tables printed whole.
        assert police.is_visible()
        assert LONG_WORD in police.inner_text()
        overflow = page.evaluate(
            "() => [...document.querySelectorAll('.hw-scroll')].map("
            "r => getComputedStyle(r).overflowX)"
        )
        assert overflow and set(overflow) == {"visible"}


def test_the_print_stylesheet_is_the_sites_own(live_server, records):
    """The rules above come from homeward.css, served to every page."""
    world, objects = records
    css = CSS.read_text()
    assert "@media print" in css and ".govuk-link::after" in css
    client = sign_in(Client(), world.user("coordinator"))
    html = client.get(reverse("web:child", args=[objects["child"]])).content.decode()
    assert 'href="/static/homeward/homeward.css"' in html


def test_printing_the_chronology_prints_its_entries_without_the_download_link(live_server, records):
    world, objects = records
    with chromium_page(allow_origin=live_server.url) as page:
        _signed_in(page, live_server, world, "coordinator")
        page.goto(f"{live_server.url}{reverse('web:chronology', args=[objects['child']])}")
        download = page.locator("main .hw-no-print")
        assert download.is_visible() and "PDF" in download.inner_text()
        page.emulate_media(media="print")
        assert not download.is_visible()
        assert not any(_shown(page, ".govuk-back-link"))
        entries = page.locator(".hw-timeline__item")
        assert entries.count() > 0 and all(_shown(page, ".hw-timeline__item"))
        breaks = page.evaluate(
            "() => [...document.querySelectorAll('.hw-timeline__item')].map("
            "e => getComputedStyle(e).breakInside)"
        )
        assert set(breaks) == {"avoid"}
        contents = page.evaluate(
            "() => [...document.querySelectorAll('main a[href]')].map("
            "a => getComputedStyle(a, '::after').content)"
        )
        assert set(contents) <= {"none", "normal"}

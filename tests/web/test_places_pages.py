"""The hotspot map page and its download: who may see it, the filter, the map drawn on the
server (no JavaScript needed), and the download audited as an export."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import datetime

import pytest
from django.test import Client
from django.urls import reverse

from homeward.audit.models import AccessEvent
from homeward.cases import clock
from homeward.web.views.places import svg_circles
from tests.factories import World
from tests.places.helpers import add_postcodes, interview_places, police_reports

URL = reverse("web:hotspots")
DOWNLOAD = reverse("web:hotspots-download")
PERIOD = {"start": "2026-01-01", "end": "2026-02-28", "by": "district"}


@pytest.fixture
def places(world: World) -> World:
    add_postcodes(
        ("ZZ1 1AA", 53.80, -1.56, "E06000901"),
        ("ZZ2 2AA", 53.70, -1.40, "E06000901"),
        ("ZZ3 3AA", 53.60, -1.30, "E06000902"),
        ("ZZ4 4AA", 53.50, -1.20, "E06000902"),
    )
    january = clock.aware(datetime(2026, 1, 20, 10, 0))
    interview_places(
        world, january, *["ZZ1 1AA"] * 6, *["ZZ2 2AA"] * 8, "ZZ3 3AA", *["ZZ4 4AA"] * 3
    )
    police_reports(world, january, "ZZ3 3AA", "ZZ9 9ZZ")
    return world


def test_only_coordinators_managers_and_analysts_see_the_map(
    places: World, client_for: Callable[[str], Client]
) -> None:
    for role in ("coordinator", "manager", "analyst"):
        assert client_for(role).get(URL, PERIOD).status_code == 200, role
    for role in ("worker", "police", "admin", "provider_manager"):
        assert client_for(role).get(URL, PERIOD).status_code == 403, role
        assert client_for(role).post(DOWNLOAD, {**PERIOD, "reason": "x"}).status_code == 403


def test_the_page_draws_the_map_without_javascript_and_shows_areas_and_counts_only(
    places: World, client_for: Callable[[str], Client]
) -> None:
    response = client_for("analyst").get(URL, PERIOD)
    page = response.content.decode()
    svg = page[page.index("<svg") : page.index("</svg>")]
    # ZZ2 (8) and ZZ1 (6) are drawn and labelled; ZZ3 (2) and ZZ4 (3) are hidden: not drawn.
    assert svg.count("<circle") == 2
    assert "ZZ2 (8)" in svg and "ZZ1 (6)" in svg and "ZZ3" not in svg and "ZZ4" not in svg
    assert re.search(r"<desc[^>]*>ZZ2: 8 places; ZZ1: 6 places\.", svg)
    assert 'role="img"' in svg
    # The table hides the small count; no full postcode is anywhere in the page.
    assert re.search(r">ZZ3</th>\s*<td[^>]*>\[c\]</td>", page)
    assert not re.search(r"ZZ\d \d[A-Z]{2}", page)
    # The script's data: areas, counts and where to draw them, nothing else.
    data = response.context["map_data"]
    assert [(a["area"], a["count"]) for a in data["areas"]] == [("ZZ2", 8), ("ZZ1", 6)]
    assert set(data["areas"][0]) == {"area", "count", "lat", "lon"}
    assert data["tiles"] == ""
    assert 'id="hotspot-data"' in page


def test_a_look_at_the_map_is_logged_as_a_list_not_a_childs_record(
    places: World, client_for: Callable[[str], Client]
) -> None:
    client_for("manager").get(URL, PERIOD)
    event = AccessEvent.objects.get(what="hotspot map")
    assert event.action == AccessEvent.Action.VIEW and event.child_id is None
    assert event.username == "manager"
    assert "2026-01-01 to 2026-02-28" in event.detail and "20 places" in event.detail


def test_the_filter_chooses_the_period_and_the_grouping(
    places: World, client_for: Callable[[str], Client]
) -> None:
    client = client_for("coordinator")
    later = client.get(URL, {**PERIOD, "start": "2026-02-01"})
    assert later.context["result"].places == 0
    assert b"nothing to draw" in later.content
    by_authority = client.get(URL, {**PERIOD, "by": "authority"})
    assert [(r.area, r.count) for r in by_authority.context["result"].areas] == [
        ("E06000901", 14),
        ("E06000902", 5),
    ]
    wrong = client.get(URL, {**PERIOD, "start": "2026-03-01"})
    assert wrong.status_code == 400
    assert b"must be the same as or after" in wrong.content
    assert not AccessEvent.objects.filter(what="hotspot map", detail__contains="03-01").exists()


def test_the_download_needs_a_reason_and_is_an_audited_export(
    places: World, client_for: Callable[[str], Client]
) -> None:
    client = client_for("analyst")
    assert client.get(DOWNLOAD, PERIOD).status_code == 200  # the form, asking why
    refused = client.post(DOWNLOAD, {**PERIOD, "reason": "  "})
    assert refused.status_code == 400
    assert b"Enter why you need this download" in refused.content
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.EXPORT).exists()
    response = client.post(DOWNLOAD, {**PERIOD, "reason": "=HYPERLINK(planning)"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "hotspots-by-district-2026-01-01-to-2026-02-28.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1:5] == [
        ["ZZ2", "", "8", "8", "0"],
        ["ZZ1", "", "6", "6", "0"],
        ["ZZ3", "", "[c]", "[c]", "[c]"],
        ["ZZ4", "", "[c]", "[c]", "[c]"],
    ]
    assert rows[-1][:3] == ["not found", "", "1"]
    export = AccessEvent.objects.get(action=AccessEvent.Action.EXPORT)
    assert export.reason == "=HYPERLINK(planning)" and export.what == "hotspot table"


def test_circles_are_placed_by_longitude_and_latitude_inside_the_box() -> None:
    from homeward.places.selectors import AreaRow

    west = AreaRow("ZZ1", "", 10, [], 53.0, -2.0)
    east = AreaRow("ZZ2", "", 40, [], 53.0, -1.0)
    north = AreaRow("ZZ3", "", 10, [], 54.0, -1.5)
    hidden = AreaRow("ZZ4", "", None, [], 53.5, -1.5)
    circles = {c.area: c for c in svg_circles([west, east, north, hidden])}
    assert set(circles) == {"ZZ1", "ZZ2", "ZZ3"}
    assert circles["ZZ1"].x < circles["ZZ3"].x < circles["ZZ2"].x
    assert circles["ZZ3"].y < circles["ZZ1"].y == circles["ZZ2"].y
    assert circles["ZZ2"].r == 2 * circles["ZZ1"].r  # area proportional to the count
    for c in circles.values():
        assert c.x - c.r >= 0 and c.x + c.r <= 640 and c.y - c.r >= 0 and c.y + c.r <= 480

"""Hotspots: places counted by area and month, geocoded, small numbers hidden."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from django.core.exceptions import PermissionDenied

from homeward.audit.models import AccessEvent
from homeward.cases import clock
from homeward.cases.models import PlaceOfConcern
from homeward.places import selectors
from homeward.places.selectors import By, NotFound, suppress
from tests.factories import World, make_world
from tests.places.helpers import add_postcodes, interview_places, police_reports

pytestmark = pytest.mark.django_db

JANUARY = clock.aware(datetime(2026, 1, 15, 12, 0))
FEBRUARY = clock.aware(datetime(2026, 2, 10, 9, 0))
MARCH = clock.aware(datetime(2026, 3, 3, 9, 0))


@pytest.fixture
def world() -> World:
    return make_world()


@pytest.fixture
def places(world: World) -> World:
    add_postcodes(
        ("ZZ1 1AA", 53.80, -1.56, "E06000901"),
        ("ZZ1 1AB", 53.82, -1.54, "E06000901"),
        ("ZZ2 2AA", 53.70, -1.40, "E06000901"),
        ("ZZ3 3AA", 53.60, -1.30, "E06000902"),
        ("ZZ4 4AA", 53.50, -1.20, "E06000902"),
    )
    interview_places(world, JANUARY, "zz1 1aa", "ZZ1 1AB", "ZZ11AA", "ZZ1 1AB")
    interview_places(world, JANUARY, *["ZZ4 4AA"] * 7)
    february = interview_places(world, FEBRUARY, *["ZZ2 2AA"] * 5, "ZZ3 3AA", "ZZ9 9ZZ")
    # Recorded before postcodes were checked for their shape.
    PlaceOfConcern.objects.create(interview=february, description="Old", postcode="nowhere")
    interview_places(world, MARCH, *["ZZ3 3AA"] * 9)  # after the period
    police_reports(world, FEBRUARY, "ZZ1 1AA", "ZZ1 1AB", "ZZ3 3AA")
    return world


def period(by: By = By.DISTRICT) -> selectors.Hotspots:
    return selectors.hotspots(start=date(2026, 1, 1), end=date(2026, 2, 28), by=by)


def test_places_are_counted_by_district_and_month_with_small_numbers_hidden(
    places: World,
) -> None:
    result = period()
    assert result.months == [date(2026, 1, 1), date(2026, 2, 1)]
    rows = {row.area: (row.count, row.months) for row in result.areas}
    assert rows == {
        "ZZ4": (7, [7, 0]),
        "ZZ1": (6, [None, None]),  # 4 in January and 2 in February: both hidden
        # ZZ3 has 2: hidden. Alone it could be worked out from the total, so the next
        # smallest area (ZZ2, 5) is hidden too.
        "ZZ2": (None, [None, None]),
        "ZZ3": (None, [None, None]),
    }
    assert [row.area for row in result.areas] == ["ZZ4", "ZZ1", "ZZ2", "ZZ3"]
    assert result.suppressed_areas == 2
    assert (result.places, result.found, result.not_found_count) == (22, 20, 2)
    assert result.by_source == {"interview": 19, "police": 3}


def test_postcodes_not_in_the_directory_are_counted_as_not_found(places: World) -> None:
    result = period()
    assert result.not_found == [NotFound("ZZ9", 1), NotFound("not a postcode", 1)]
    assert result.not_found_postcodes == {"NOWHERE": 1, "ZZ9 9ZZ": 1}


def test_only_areas_shown_are_drawn_where_their_postcodes_are(places: World) -> None:
    drawn = {row.area: (row.latitude, row.longitude) for row in period().drawn()}
    assert set(drawn) == {"ZZ4", "ZZ1"}
    # A district is drawn at the middle of the directory's postcodes in it.
    assert drawn["ZZ1"] == pytest.approx((53.81, -1.55))


def test_places_are_counted_by_local_authority(places: World) -> None:
    places.authority.gss_code = "E06000901"
    places.authority.save()
    result = period(By.AUTHORITY)
    rows = {row.area: (row.count, row.name) for row in result.areas}
    assert rows == {
        "E06000901": (11, "Fictional County Council"),
        "E06000902": (9, ""),
    }


def test_the_period_takes_places_by_their_date(places: World) -> None:
    march = selectors.hotspots(start=date(2026, 3, 1), end=date(2026, 3, 31), by="district")
    assert [(row.area, row.count) for row in march.areas] == [("ZZ3", 9)]
    assert march.places == 9


def test_suppression_hides_small_counts_and_a_lone_hidden_ones_neighbour() -> None:
    assert suppress({"a": 0, "b": 5, "c": 12}) == {"a": 0, "b": 5, "c": 12}
    assert suppress({"a": 3, "b": 7, "c": 6}) == {"a": None, "b": 7, "c": None}
    assert suppress({"a": 1, "b": 4, "c": 6}) == {"a": None, "b": None, "c": 6}
    assert suppress({"a": 2, "b": 0}) == {"a": None, "b": 0}


def test_a_look_is_logged_and_a_download_is_an_audited_export(places: World) -> None:
    analyst = places.user("analyst")
    selectors.hotspots_for(user=analyst, start=date(2026, 1, 1), end=date(2026, 2, 28))
    look = AccessEvent.objects.get(action=AccessEvent.Action.VIEW, what="hotspot map")
    assert look.child_id is None and "22 places" in look.detail
    file = selectors.hotspots_csv(
        user=analyst,
        start=date(2026, 1, 1),
        end=date(2026, 2, 28),
        by="district",
        reason="Planning outreach",
    )
    rows = list(csv.reader(io.StringIO(file.data.decode())))
    assert rows[0] == ["district", "name", "places", "2026-01", "2026-02"]
    assert rows[1] == ["ZZ4", "", "7", "7", "0"]
    assert rows[2] == ["ZZ1", "", "6", "[c]", "[c]"]
    assert rows[-1][:3] == ["not found", "", "2"]
    export = AccessEvent.objects.get(action=AccessEvent.Action.EXPORT)
    assert export.reason == "Planning outreach" and file.name in export.detail
    with pytest.raises(PermissionDenied):
        selectors.hotspots_for(
            user=places.user("worker"), start=date(2026, 1, 1), end=date(2026, 2, 28)
        )


def test_the_export_builder_gives_the_table_by_district(places: World) -> None:
    export = selectors.build_hotspots(start=date(2026, 1, 1), end=date(2026, 2, 28), degrade=True)
    (file,) = export.files
    assert file.name == "hotspots-by-district-2026-01-01-to-2026-02-28.csv"
    assert export.children == [] and export.rows == 4

"""The demo's made-up postcode directory: every demo postcode on the map, loaded through
the ONSPD reader, the same every time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from homeward.places import demo_data
from homeward.places.models import Postcode
from homeward.places.selectors import hotspots
from tests.factories import make_child, make_world
from tests.places.helpers import interview_places

pytestmark = pytest.mark.django_db


def test_every_demo_postcode_is_placed_the_same_way_each_time():
    world = make_world()
    make_child(world, postcode="ZZ1 1AB")
    interview_places(world, timezone.now() - timedelta(days=3), "ZZ2 3CD", "ZZ1 4EF")
    first = demo_data.directory_csv(demo_data.demo_postcodes(), seed=7, la_code="E10000099")
    assert first == demo_data.directory_csv(demo_data.demo_postcodes(), seed=7, la_code="E10000099")

    wanted = demo_data.demo_postcodes()
    assert {"ZZ1 1AB", "ZZ2 3CD", "ZZ1 4EF"} <= wanted
    result = demo_data.seed_postcodes(seed=7, la_code="E10000099")
    assert (result.loaded, result.refused) == (len(wanted), 0)
    assert set(Postcode.objects.values_list("postcode", flat=True)) == wanted
    assert demo_data.seed_postcodes(seed=7, la_code="E10000099").loaded == 0  # no duplicates
    today = timezone.localdate()
    found = hotspots(start=today - timedelta(days=30), end=today)
    assert (found.places, found.found, found.not_found_count) == (2, 2, 0)

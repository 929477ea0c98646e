from __future__ import annotations

import pytest

from tests.factories import World, make_world
from tests.returns.records import Records, make_records


@pytest.fixture
def world(db: None) -> World:
    return make_world()


@pytest.fixture
def records(world: World) -> Records:
    return make_records(world)

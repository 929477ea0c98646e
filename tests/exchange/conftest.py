"""The exchange tests' shared fixtures: this instance's world, its coordinator with an
email address (to be told), and a partner instance added to the directory."""

from __future__ import annotations

import pytest

from tests.exchange.partner import FakePartner
from tests.factories import World, make_world


@pytest.fixture
def world() -> World:
    world = make_world()
    world.user("coordinator").email = "coordinator@fictional.example"
    world.user("coordinator").save()
    return world


@pytest.fixture
def partner(world: World) -> FakePartner:
    partner = FakePartner()
    partner.add()
    return partner

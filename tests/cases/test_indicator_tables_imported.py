"""Imported history in the indicators from the database: the case system's answers on
imported episodes reach the engine (docs/indicators.md, "Imported history"), the tables
say how many episodes are imported, and an import moves the cache's key."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from homeward.care.models import ImportRun
from homeward.cases.indicator_tables import (
    contract_tables,
    data_fingerprint,
    home_authority,
    indicators_for,
)
from homeward.cases.models import Episode
from homeward.indicators.schema import EPISODE_COLUMNS, IMPORTED_COLUMNS, OUTPUT_COLUMNS
from tests.cases.test_indicator_tables import hold, offer
from tests.factories import World, make_child, make_episode, make_interview, make_world

pytestmark = pytest.mark.django_db
UK = ZoneInfo("Europe/London")


def at(month: int, day: int, hour: int = 0) -> datetime:
    return datetime(2025, month, day, hour, tzinfo=UK)


def imported(world: World, child, day: int, offered: str, accepted: str) -> Episode:  # type: ignore[no-untyped-def]
    episode = make_episode(world, child, started=at(9, day, 8))
    Episode.objects.filter(pk=episode.pk).update(
        source=Episode.Source.SSD,
        source_id=f"MISS-{day}",
        imported_rhi_offered=offered,
        imported_rhi_accepted=accepted,
    )
    return episode


@pytest.fixture
def world() -> World:
    return make_world()


def test_the_case_systems_answers_count_by_the_convention(world: World) -> None:
    child = make_child(world)
    own = make_episode(world, child, started=at(5, 1, 8))
    interview = make_interview(world, [own])
    offer(world, interview, at(5, 1, 20), "worker")
    hold(world, interview, at(5, 2, 12), "worker")
    make_episode(world, child, started=at(6, 1, 8))  # recorded here, no interview
    imported(world, child, 1, "Y", "Y")
    imported(world, child, 2, "Y", "N")
    imported(world, child, 3, "NA", "NA")
    imported(world, child, 4, "", "")

    row = indicators_for(by="year").row(0, named=True)

    assert (row["incidents"], row["imported"]) == (6, 4)
    assert (row["offered"], row["imported_offered"]) == (3, 2)
    assert (row["accepted"], row["imported_accepted"]) == (2, 1)
    assert (row["imported_not_due"], row["imported_offer_not_recorded"]) == (1, 1)
    assert (row["offer_known"], row["acceptance_known"], row["recorded_here"]) == (4, 4, 2)
    assert row["offered_percent"] == 75  # 3 / 4
    assert row["accepted_percent"] == 50  # 2 / 4
    assert row["completed"] == 1
    assert row["completed_percent"] == 50  # 1 / 2: the episodes recorded here
    assert row["within_return_hours_each_percent"] == 50


def test_records_without_imported_history_give_the_contracts_columns_only(world: World) -> None:
    make_episode(world, make_child(world), started=at(5, 1, 8))
    assert indicators_for(by="year", rates=False).columns == list(OUTPUT_COLUMNS)


def test_the_breakdown_by_organisation_has_the_imported_columns_in_every_group(
    world: World,
) -> None:
    child = make_child(world)
    make_interview(world, [make_episode(world, child, started=at(5, 1, 8))])
    imported(world, child, 1, "Y", "Y")

    table = indicators_for(by="year", group="organisation", rates=False)

    assert table.columns == ["organisation", *OUTPUT_COLUMNS, *IMPORTED_COLUMNS]
    assert dict(zip(table["organisation"], table["imported"], strict=True)) == {
        world.users["worker"].organisation.name: 0,
        "Not allocated": 1,
    }


def test_the_contract_tables_are_the_contracts_columns(world: World) -> None:
    imported(world, make_child(world), 1, "Y", "Y")
    episodes, _interviews = contract_tables()
    assert episodes.columns == [c.name for c in EPISODE_COLUMNS]


def test_an_import_moves_the_cache_key_even_when_no_episode_row_says_it_changed(
    world: World,
) -> None:
    episode = imported(world, make_child(world), 1, "", "")
    before = data_fingerprint(home_authority())
    # The import's bulk update does not move `updated_at`; it always records its run.
    Episode.objects.filter(pk=episode.pk).update(imported_rhi_offered="Y")
    ImportRun.objects.create(source="command")
    assert data_fingerprint(home_authority()) != before

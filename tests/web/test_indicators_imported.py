"""The indicators page and download with imported history: how many episodes are the case
system's, and beside each figure they touched, how many and which were left out."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import datetime
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from homeward.cases.models import Episode
from homeward.indicators.schema import IMPORTED_COLUMNS, OUTPUT_COLUMNS
from tests.cases.test_indicator_tables import hold, offer
from tests.factories import World, make_child, make_episode, make_interview

pytestmark = pytest.mark.django_db
PAGE = reverse("web:indicators")
UK = ZoneInfo("Europe/London")


def at(month: int, day: int, hour: int = 0) -> datetime:
    return datetime(2025, month, day, hour, tzinfo=UK)


def records(world: World) -> None:
    """2025-26: two episodes recorded here (one interview held in time), four imported with
    the answers Y/Y, Y/N, NA/NA and blank."""
    child = make_child(world)
    own = make_episode(world, child, started=at(5, 1, 8))
    interview = make_interview(world, [own])
    offer(world, interview, at(5, 1, 20), "worker")
    hold(world, interview, at(5, 2, 12), "worker")
    make_episode(world, child, started=at(6, 1, 8))
    for day, (offered, accepted) in enumerate(
        [("Y", "Y"), ("Y", "N"), ("NA", "NA"), ("", "")], start=1
    ):
        episode = make_episode(world, child, started=at(9, day, 8))
        Episode.objects.filter(pk=episode.pk).update(
            source=Episode.Source.SSD,
            source_id=f"MISS-{day}",
            imported_rhi_offered=offered,
            imported_rhi_accepted=accepted,
        )


def summary(html: str) -> dict[str, str]:
    found = re.findall(
        r'<dt class="govuk-summary-list__key">(.*?)</dt>\s*<dd class="govuk-summary-list__value">'
        r"(.*?)</dd>",
        html,
        re.S,
    )
    return {unescape(k).strip(): " ".join(unescape(v).split()) for k, v in found}


def test_the_summary_says_how_many_are_imported_beside_each_figure_they_touched(
    world: World, client_for: Callable[[str], Client]
) -> None:
    records(world)

    html = client_for("manager").get(PAGE, {"basis": "return", "unit": "hours"}).content.decode()
    figures = summary(html)

    assert figures["Missing episodes"] == "6"
    assert figures["Imported from the case system"] == "4 of the 6 episodes"
    assert figures["Interviews offered"] == (
        "3 (75% of 4 episodes). 2 from the case system's records; imported episodes left out: "
        "1 with no interview due and 1 with no answer recorded"
    )
    assert figures["Interviews accepted"] == (
        "2 (50% of 4 episodes). 1 from the case system's records"
    )
    assert figures["Interviews completed"] == (
        "1 (50% of 2 episodes). Imported episodes left out: the case system does not say "
        "whether the interview was held"
    )
    assert figures["Completed within the timescale"].startswith("1 (50% of episodes, 100% of")
    assert figures["Completed within the timescale"].endswith("when the interview was held")
    assert 'id="imported-history"' in html


def test_the_counts_table_has_the_imported_episodes_by_period(
    world: World, client_for: Callable[[str], Client]
) -> None:
    records(world)

    response = client_for("manager").get(PAGE)

    table = response.context["count_table"]
    headers = [text for text, _numeric in table.headers]
    row = dict(zip(headers, [cell for cell, _numeric in table.rows[0]], strict=True))
    assert row["Imported from the case system"] == "4"
    assert row["Offered, from the case system's records"] == "2"
    assert row["Accepted, from the case system's records"] == "1"


def test_the_download_has_the_imported_counts_and_denominators(
    world: World, client_for: Callable[[str], Client]
) -> None:
    records(world)

    response = client_for("analyst").get(reverse("web:indicators-download", args=["csv"]))

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    header = list(rows[0])
    assert header[: len(OUTPUT_COLUMNS) + len(IMPORTED_COLUMNS)] == [
        *OUTPUT_COLUMNS,
        *IMPORTED_COLUMNS,
    ]
    # An analyst's download hides small numbers by default: 4 is one, 6 is not.
    assert rows[0]["incidents"] == "6"
    assert rows[0]["imported"] == ""


def test_without_imported_history_the_page_says_nothing_of_it(
    world: World, client_for: Callable[[str], Client]
) -> None:
    make_episode(world, make_child(world), started=at(5, 1, 8))

    html = client_for("manager").get(PAGE).content.decode()

    assert "Imported from the case system" not in html
    assert 'id="imported-history"' not in html

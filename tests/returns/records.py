"""A small, hand-counted set of records for the returns builders' tests.

Financial year 2024-25 (1 April 2024 to 31 March 2025), home authority E10000099, clock
from the return, 72 hours, each episode on its own:

| episode | child | in care | category | interview |
|---|---|---|---|---|
| A1 | A | yes, since 01/01/2024, placed out | missing | offered, held 6 h after return |
| A2 | A | | absent | none |
| A3 | A | | missing | offered, declined |
| B1 | B | yes, since 01/08/2024 (B1 came before) | missing | none |
| B2 | B | | missing | none |
| C1 | C | no | missing | offered, held 5 days after the return |
| C2 | C | | missing | (2025-26: outside the year) |
| D1 | D | yes, but another authority's child | missing | none |

So in 2024-25: 7 incidents of 4 children; 3 offered, 2 accepted, 1 declined, 2 completed,
1 completed within 72 hours of the return.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from homeward.cases import clock
from homeward.cases.models import Child, Episode, Offer, ReturnInterview
from homeward.organisations.models import Authority
from tests.factories import World, make_child, make_episode, make_interview

START, END = date(2024, 4, 1), date(2025, 3, 31)


def at(year: int, month: int, day: int, hour: int = 20) -> datetime:
    return clock.aware(datetime(year, month, day, hour, 0))


@dataclass
class Records:
    children: dict[str, Child]
    episodes: dict[str, Episode]
    other: Authority


def _offer(interview: ReturnInterview, when: datetime) -> None:
    Offer.objects.create(interview=interview, offered_at=when, offered_to="child", method="phone")


def _held(interview: ReturnInterview, when: datetime) -> None:
    ReturnInterview.objects.filter(pk=interview.pk).update(held_at=when, outcome="accepted")


def make_records(world: World) -> Records:
    other = Authority.objects.create(gss_code="E09000098", name="Other Borough", nation="england")
    a = make_child(
        world,
        first_name="Alex",
        sex="female",
        ethnicity="WBRI",
        date_of_birth=date(2009, 7, 19),
        postcode="ZZ3 7PQ",
        legal_status="looked_after",
        placement_type="childrens_home",
        looked_after_since=date(2024, 1, 1),
        host_authority=other,
        social_worker="Sam Worker",
    )
    b = make_child(
        world,
        first_name="Billie",
        sex="male",
        ethnicity="BAFR",
        date_of_birth=date(2011, 2, 3),
        legal_status="looked_after",
        placement_type="foster",
        looked_after_since=date(2024, 8, 1),
    )
    c = make_child(world, first_name="Casey")
    d = make_child(
        world,
        first_name="Devon",
        legal_status="looked_after",
        looked_after_since=date(2023, 1, 1),
        responsible_authority=other,
    )
    hours = timedelta(hours=10)
    episodes = {
        "A1": make_episode(world, a, started=at(2024, 5, 10), returned_after=hours),
        "A2": make_episode(world, a, started=at(2024, 7, 1), category="absent"),
        "A3": make_episode(world, a, started=at(2024, 9, 1), returned_after=hours),
        "B1": make_episode(world, b, started=at(2024, 6, 1)),
        "B2": make_episode(world, b, started=at(2024, 10, 1)),
        "C1": make_episode(world, c, started=at(2024, 11, 5), returned_after=hours),
        "C2": make_episode(world, c, started=at(2025, 4, 2)),
        "D1": make_episode(world, d, started=at(2024, 12, 1)),
    }
    # Returns at 06:00 the next morning (10 hours after 20:00).
    i1 = make_interview(world, [episodes["A1"]])
    _offer(i1, at(2024, 5, 11, 9))
    _held(i1, at(2024, 5, 11, 12))
    i3 = make_interview(world, [episodes["A3"]])
    _offer(i3, at(2024, 9, 2, 9))
    ReturnInterview.objects.filter(pk=i3.pk).update(outcome="declined", declined_by="child")
    i4 = make_interview(world, [episodes["C1"]])
    _offer(i4, at(2024, 11, 6, 9))
    _held(i4, at(2024, 11, 11, 12))
    children = {"A": a, "B": b, "C": c, "D": d}
    for name, episode in episodes.items():
        episode.refresh_from_db()
        episodes[name] = episode
    return Records(children, episodes, other)

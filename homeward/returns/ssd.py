"""The Standard Safeguarding Dataset's `ssd_missing` table from the records: one row per
missing or absent episode that started in the period, for every child (at home and in
care). The format is `homeward.formats.ssd`; this module only reads the records.

`degrade` changes nothing here: `ssd_missing` holds no date of birth or postcode (the
dataset keeps those in `ssd_person`, which homeward does not write).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.db.models import Count, QuerySet

from homeward.cases import clock
from homeward.cases.models import IN_COUNT, Episode, in_count
from homeward.formats.ssd import EpisodeFacts, InterviewFacts, ssd_missing_csv
from homeward.returns.files import CSV, Export, ExportFile

FILE_NAME = "ssd_missing.csv"


def uk_day_start(day: date) -> datetime:
    """The first moment of a UK calendar day, as an aware datetime."""
    return clock.aware(datetime.combine(day, time.min))


def episodes_started(start: date, end: date) -> QuerySet[Episode]:
    """Episodes that started on the UK days `start` to `end`, both included."""
    return Episode.objects.filter(
        IN_COUNT,  # nothing entered in error is returned
        started_at__gte=uk_day_start(start),
        started_at__lt=uk_day_start(end + timedelta(days=1)),
    )


def episode_facts(episodes: QuerySet[Episode]) -> list[tuple[int, EpisodeFacts]]:
    """(child pk, facts) of each episode, by start time: what the statutory lists need,
    read in one query (times as UK wall-clock time)."""
    rows = (
        episodes.annotate(
            offers=Count("interview__offers", filter=in_count("interview__offers__"), distinct=True)
        )
        .order_by("started_at", "pk")
        .values_list(
            "child_id",
            "reference",
            "child__reference",
            "category",
            "started_at",
            "returned_at",
            "interview_id",
            "offers",
            "interview__held_at",
            "interview__outcome",
        )
    )
    return [
        (
            child_pk,
            EpisodeFacts(
                episode_id=reference,
                child_id=child_reference,
                category=category,
                started_at=clock.wall_clock(started),
                returned_at=clock.wall_clock(returned) if returned else None,
                interview=(
                    InterviewFacts(offered=offers > 0, held=held is not None, outcome=outcome)
                    if interview_id is not None
                    else None
                ),
            ),
        )
        for (
            child_pk,
            reference,
            child_reference,
            category,
            started,
            returned,
            interview_id,
            offers,
            held,
            outcome,
        ) in rows
    ]


def _unique(values: Iterable[int]) -> list[int]:
    return list(dict.fromkeys(values))


def build_ssd_missing(*, start: date, end: date, degrade: bool) -> Export:
    """`ssd_missing.csv`: every episode that started from `start` to `end` (both included)."""
    facts = episode_facts(episodes_started(start, end))
    data = ssd_missing_csv(fact for _child, fact in facts)
    notes = [f"{len(facts)} episodes that started from {start:%d/%m/%Y} to {end:%d/%m/%Y}."]
    if degrade:
        notes.append("ssd_missing holds no date of birth or postcode: nothing to degrade.")
    return Export(
        files=[ExportFile(FILE_NAME, CSV, data)],
        children=_unique(child for child, _fact in facts),
        rows=len(facts),
        notes=notes,
    )

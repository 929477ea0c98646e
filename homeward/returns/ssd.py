"""The Standard Safeguarding Dataset's `ssd_missing` table from the records: one row per
missing or absent episode, for every child (at home and in care), keyed by the case
system's person id, over the dataset's six-year window. The format is
`homeward.formats.ssd`; this module only reads the records.

`degrade` changes nothing here: `ssd_missing` holds no date of birth or postcode (the
dataset keeps those in `ssd_person`, which homeward does not write).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime, time, timedelta

from django.db.models import Count, QuerySet

from homeward.cases import clock
from homeward.cases.models import IN_COUNT, Episode, in_count
from homeward.formats.ssd import (
    EpisodeFacts,
    InterviewFacts,
    SsdMissingRow,
    in_ssd_window,
    ssd_missing_extract,
    ssd_row,
    ssd_window_start,
)
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
            "source",
            "imported_rhi_offered",
            "imported_rhi_accepted",
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
                imported_rhi=(offered, accepted) if source == Episode.Source.SSD else None,
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
            source,
            offered,
            accepted,
        ) in rows
    ]


def _unique(values: Iterable[int]) -> list[int]:
    return list(dict.fromkeys(values))


def ssd_rows(*, run_at: datetime) -> tuple[list[SsdMissingRow], list[int], int]:
    """Every episode begun by `run_at` (UK wall-clock) as an `ssd_missing` row, keyed by the
    case system's person id: an imported episode as the case system gave it (its table id,
    times, type and RHI codes), homeward's own coded from its records (`A` only when the
    whereabouts were known). Returns the rows, their children (pks) and how many rows are
    of children with no person id (keyed by homeward's reference instead)."""
    episodes = Episode.objects.filter(IN_COUNT, started_at__lt=clock.aware(run_at))
    facts = episode_facts(episodes)
    extra = {
        pk: (source, source_id, known, person_id, reference)
        for pk, source, source_id, known, person_id, reference in episodes.values_list(
            "pk", "source", "source_id", "whereabouts_known", "child__person_id", "reference"
        )
    }
    by_reference = {reference: pk for pk, (*_rest, reference) in extra.items()}
    rows: list[SsdMissingRow] = []
    children: list[int] = []
    unkeyed = 0
    for child, fact in facts:
        source, source_id, known, person_id, _reference = extra[by_reference[fact.episode_id]]
        who = person_id or fact.child_id
        unkeyed += not person_id
        row = ssd_row(fact, person_id=who, whereabouts_known=known is True)
        if source == Episode.Source.SSD and source_id:
            assert fact.imported_rhi is not None
            row = replace(
                row,
                table_id=source_id,
                rhi_offered=fact.imported_rhi[0],
                rhi_accepted=fact.imported_rhi[1],
            )
        rows.append(row)
        children.append(child)
    return rows, children, unkeyed


def build_ssd_missing(*, start: date, end: date, degrade: bool) -> Export:
    """`ssd_missing.csv` as the dataset's extract made at the end of `end` would give it:
    every episode still open then, or ended in the six years before (`start` is not used:
    the window is the dataset's own), keyed by the case system's person id."""
    run_at = datetime.combine(end, time(23, 59, 59))
    rows, children, unkeyed = ssd_rows(run_at=run_at)
    kept = [
        (row, child)
        for row, child in zip(rows, children, strict=True)
        if in_ssd_window(row, run_at)
    ]
    data = ssd_missing_extract((row for row, _child in kept), run_at=run_at)
    notes = [
        f"{len(kept)} episodes open at the end of {end:%d/%m/%Y} or ended in the six years "
        f"before (from {ssd_window_start(run_at):%d/%m/%Y}), the dataset's window.",
        "Episodes imported from the case system are given back as it gave them; "
        "homeward's own are M, or A when the child's whereabouts were known.",
    ]
    if unkeyed:
        notes.append(
            f"{unkeyed} episodes are of children with no case-system person id (typed in, "
            "or a match not yet confirmed): their miss_person_id is homeward's reference."
        )
    if degrade:
        notes.append("ssd_missing holds no date of birth or postcode: nothing to degrade.")
    return Export(
        files=[ExportFile(FILE_NAME, CSV, data)],
        children=_unique(child for _row, child in kept),
        rows=len(kept),
        notes=notes,
    )

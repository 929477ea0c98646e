"""Ofsted Annex A list 8 (children in care) from the records, as CSV and XLSX.

The list: the authority's looked-after children (it is their responsible authority) with a
missing or absent episode in the 12 months to `end`. Only episodes of the current period of
care count (on or after `looked_after_since`, where recorded). The format, and which
columns are blank because homeward does not hold them, is `homeward.formats.annex_a`.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from homeward.cases import codes
from homeward.cases.models import Child
from homeward.formats.annex_a import (
    BLANK_COLUMNS,
    List8Child,
    Placement,
    list8_csv,
    list8_frame,
    list8_xlsx,
)
from homeward.formats.ssd import EpisodeFacts
from homeward.organisations.models import Authority
from homeward.returns.files import CSV, XLSX, Export, ExportFile
from homeward.returns.ssd import episode_facts, episodes_started

FILE_STEM = "annex-a-list-8"


def twelve_months_to(end: date) -> date:
    """The first day of the 12 months that end on `end` (29 February counts from 1 March)."""
    try:
        return end.replace(year=end.year - 1) + timedelta(days=1)
    except ValueError:  # 29 February: a year before has none
        return date(end.year - 1, 3, 1)


def _placement(child: Child) -> Placement:
    responsible = child.responsible_authority
    host = child.host_authority
    if host is None or host.pk == responsible.pk:
        return Placement(False, responsible.name, responsible.nation)
    return Placement(True, host.name, host.nation)


def build_annex_a_list8(*, start: date, end: date, degrade: bool) -> Export:
    """List 8 for the 12 months to `end` (`start` is not used: the list's window is Annex
    A's own), one row per child in care with an episode in them, by child reference."""
    first = twelve_months_to(end)
    home = Authority.objects.get(is_home=True)
    in_care = Child.objects.filter(
        legal_status=codes.LegalStatus.LOOKED_AFTER, responsible_authority=home
    )
    episodes = episodes_started(first, end).filter(child__in=in_care)
    by_child: dict[int, list[EpisodeFacts]] = defaultdict(list)
    for child_pk, fact in episode_facts(episodes):
        by_child[child_pk].append(fact)
    children = (
        Child.objects.filter(pk__in=list(by_child))
        .select_related("responsible_authority", "host_authority")
        .order_by("reference")
    )
    listed: list[List8Child] = []
    for child in children:
        since = child.looked_after_since
        facts = [f for f in by_child[child.pk] if since is None or f.started_at.date() >= since]
        if not facts:
            continue  # every episode came before this period of care
        listed.append(
            List8Child(
                child_id=child.reference,
                sex=child.sex,
                ethnicity=child.ethnicity,
                date_of_birth=child.date_of_birth,
                looked_after_since=since,
                placement_type=child.placement_type,
                postcode=child.postcode,
                placement=_placement(child),
                allocated_worker=child.social_worker,
                episodes=tuple(facts),
            )
        )
    frame = list8_frame(listed, as_of=end, degrade=degrade)
    pks = {child.reference: child.pk for child in children}
    notes = [
        f"{len(listed)} children in care with a missing or absent episode from "
        f"{first:%d/%m/%Y} to {end:%d/%m/%Y}.",
        "Blank because homeward does not hold them: " + "; ".join(BLANK_COLUMNS) + ".",
    ]
    if degrade:
        notes.append("Dates of birth are given as the month of birth, postcodes as districts.")
    return Export(
        files=[
            ExportFile(f"{FILE_STEM}.csv", CSV, list8_csv(frame)),
            ExportFile(f"{FILE_STEM}.xlsx", XLSX, list8_xlsx(frame)),
        ],
        children=[pks[c.child_id] for c in listed],
        rows=len(listed),
        notes=notes,
    )

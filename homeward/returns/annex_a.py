"""Ofsted Annex A list 8 (children in care), as CSV and XLSX.

Where the authority imports its case system's Standard Safeguarding Dataset extract
(`homeward import-ssd`), list 8 is made from the imported care data: every child in care on
the list's date and every child who left care in the six months before it, with every
column the care data holds, and the missing, absent and return interview columns computed
by homeward from the episodes (imported and its own) (`build_list8_from_care`).

Without an import (an authority whose case system gives no extract), the list is the one
homeward can make alone: the looked-after children it records with a missing or absent
episode in the 12 months to `end`, the columns it does not hold left blank.

`fill_workbook` fills homeward's columns into the case system's own list 8 workbook.
The formats are `homeward.formats.annex_a`.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.db.models import Q

from homeward.care.models import CareEpisode, Involvement, Person
from homeward.cases import codes
from homeward.cases.models import Child
from homeward.formats import ssda903
from homeward.formats.annex_a import (
    BLANK_COLUMNS,
    CEASED,
    CHILD_ID,
    LEFT_CARE_MONTHS,
    CarePeriod,
    CarePlacement,
    CareRecord,
    List8Child,
    Placement,
    fill_list8_workbook,
    list8_care_frame,
    list8_csv,
    list8_frame,
    list8_from_care,
    list8_xlsx,
    months_before,
)
from homeward.formats.annex_a import LegalStatus as CareLegalStatus
from homeward.formats.ssd import EpisodeFacts
from homeward.organisations.models import Authority
from homeward.returns.files import CSV, XLSX, Export, ExportFile
from homeward.returns.ssd import episode_facts, episodes_started
from homeward.standards.nations import nation_from_gss_code

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
    """List 8 on `end` (`start` is not used: the list's windows are Annex A's own): from the
    imported care data when there is any, else from homeward's own records."""
    if CareEpisode.objects.exists():
        return build_list8_from_care(as_of=end, degrade=degrade)
    return build_list8_own(end=end, degrade=degrade)


def build_list8_own(*, end: date, degrade: bool) -> Export:
    """List 8 for the 12 months to `end` from homeward's own records, one row per child in
    care with an episode in them, by child reference."""
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
        "Made from homeward's own records: no case system's extract has been imported "
        "(docs/ssd-import.md); with one, list 8 has every child in care and every column.",
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


# --- from the imported care data -------------------------------------------------------------


def _nation(gss_code: str) -> str:
    nation = nation_from_gss_code(gss_code) if gss_code else None
    return nation.value if nation is not None else "england"


def _periods(rows: list[CareEpisode]) -> list[CarePeriod]:
    """The person's periods of care: episodes joined where one ends the day the next begins
    (as the 903's validator reads them), with the reason the last one ended (REC) and the
    category of need (CIN) of the first."""
    spells = ssda903.periods_of_care(
        ssda903.CareEpisode(child="", decom=r.start, dec=r.end) for r in rows
    ).get("", [])
    out = []
    for spell in spells:
        inside = sorted(
            (r for r in rows if spell.holds(r.start)), key=lambda r: (r.start, r.end or date.max)
        )
        out.append(
            CarePeriod(
                start=spell.start,
                end=spell.end,
                reason_ceased=inside[-1].rec if spell.end is not None else "",
                category_of_need=inside[0].cin,
            )
        )
    return out


def _allocated(involvements: list[Involvement], as_of: date) -> Involvement | None:
    """The allocated worker's involvement on `as_of`: the latest one open then, or, for a
    child who has left care, the latest before it. An involvement whose role says
    "allocated" is preferred to others (an independent reviewing officer's, say)."""
    allocated = [i for i in involvements if "allocated" in i.role.casefold()] or involvements
    started = [i for i in allocated if i.start is None or i.start <= as_of]
    open_then = [i for i in started if i.end is None or i.end >= as_of] or started
    return max(open_then, key=lambda i: (i.start or date.min, i.ssd_id), default=None)


def care_records(*, as_of: date) -> tuple[list[CareRecord], dict[str, int]]:
    """The imported persons in care on `as_of` or who left care in the six months before,
    as list 8 reads them, with the episodes of the child homeward knows them as; and each
    person id's child (pk), where linked."""
    since = months_before(as_of, LEFT_CARE_MONTHS)
    listed = set(
        CareEpisode.objects.filter(Q(end__isnull=True) | Q(end__gte=since), start__lte=as_of)
        .values_list("person_id", flat=True)
        .distinct()
    )
    persons = (
        Person.objects.filter(pk__in=listed)
        .prefetch_related("care_episodes", "placements", "legal_statuses", "involvements")
        .order_by("person_id")
    )
    home = Authority.objects.filter(is_home=True).first()
    home_code = home.gss_code if home is not None else ""
    names = dict(Authority.objects.values_list("gss_code", "name"))
    children = dict(
        Child.objects.filter(
            person_id__in=Person.objects.filter(pk__in=listed).values("person_id")
        ).values_list("person_id", "pk")
    )
    episodes: dict[int, list[EpisodeFacts]] = defaultdict(list)
    first = months_before(as_of, 12)
    for child_pk, fact in episode_facts(
        episodes_started(first, as_of).filter(child_id__in=list(children.values()))
    ):
        episodes[child_pk].append(fact)
    records = []
    for person in persons:
        allocated = _allocated(list(person.involvements.all()), as_of)
        placements = [
            CarePlacement(
                start=p.start,
                end=p.end,
                place=p.place,
                provider=p.provider,
                postcode=p.postcode,
                urn=p.urn,
                out_of_area=None if not p.host_la_code else p.host_la_code != home_code,
                host_authority=names.get(p.host_la_code, p.host_la_code),
                nation=_nation(p.host_la_code),
            )
            for p in person.placements.all()
        ]
        records.append(
            CareRecord(
                person_id=person.person_id,
                sex=person.sex,
                ethnicity=person.ethnicity,
                date_of_birth=person.date_of_birth,
                periods=_periods(list(person.care_episodes.all())),
                placements=placements,
                legal_statuses=[
                    CareLegalStatus(start=s.start, end=s.end, code=s.code)
                    for s in person.legal_statuses.all()
                    if s.start is not None
                ],
                allocated_team=allocated.team if allocated is not None else "",
                allocated_worker=(
                    allocated.professional_name
                    if allocated is not None and allocated.professional_name
                    else person.social_worker
                ),
                episodes=episodes.get(children.get(person.person_id, 0), ()),
            )
        )
    return records, children


def build_list8_from_care(*, as_of: date, degrade: bool) -> Export:
    """List 8 on `as_of` from the imported care data, by person id (the case system's)."""
    records, children = care_records(as_of=as_of)
    result = list8_from_care(records, as_of=as_of, degrade=degrade)
    frame = list8_care_frame(result)
    since = months_before(as_of, LEFT_CARE_MONTHS)
    left = sum(1 for row in result.rows if row[CEASED])
    notes = [
        f"{len(result.rows)} children from the case system's care data: in care on "
        f"{as_of:%d/%m/%Y}, or left care from {since:%d/%m/%Y} ({left} left care).",
        "Every column is from the imported care data; the missing, absent and return "
        "interview columns are homeward's, from the episodes (imported and its own) of the "
        "12 months to the date.",
        *result.notes,
    ]
    if degrade:
        notes.append("Dates of birth are given as the month of birth, postcodes as districts.")
    listed = [str(row[CHILD_ID]) for row in result.rows]
    return Export(
        files=[
            ExportFile(f"{FILE_STEM}.csv", CSV, list8_csv(frame)),
            ExportFile(f"{FILE_STEM}.xlsx", XLSX, list8_xlsx(frame)),
        ],
        children=[children[p] for p in listed if p in children],
        rows=len(result.rows),
        notes=notes,
    )


def fill_workbook(*, data: bytes, as_of: date) -> tuple[bytes, list[str], list[int]]:
    """The case system's own list 8 workbook with homeward's missing, absent and return
    interview columns filled in, by Child Unique ID (the person id): the workbook, its
    notes and the children (pks) whose rows were filled from homeward's episodes."""
    children = dict(Child.objects.filter(person_id__isnull=False).values_list("pk", "person_id"))
    episodes: dict[str, list[EpisodeFacts]] = defaultdict(list)
    first = months_before(as_of, 12)
    for child_pk, fact in episode_facts(
        episodes_started(first, as_of).filter(child_id__in=list(children))
    ):
        episodes[children[child_pk]].append(fact)
    book, notes = fill_list8_workbook(data, episodes, as_of=as_of)
    return book, notes, [pk for pk, person in children.items() if person in episodes]

"""The SSDA903 Missing table, with its Header and Episodes rows, from homeward's records.

Reads the looked-after children the authority is responsible for (legal status "looked
after", or a start of care recorded) and their episodes missing from care, and hands them
to `homeward.formats.ssda903`, which decides what belongs in the collection year and writes
the files. DfE's validator checks them: `scripts/validate_903.py`, docs/returns-ssda903.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Prefetch, Q
from django.utils import timezone

from homeward.care.models import Person
from homeward.cases import codes
from homeward.cases.models import IN_COUNT, Child, Episode
from homeward.formats import ssda903, ssda903_merge
from homeward.organisations.models import Authority
from homeward.returns.files import CSV, Export, ExportFile

#: The first note of homeward's own 903 tables: what they are for.
OWN_TABLES_NOTE = (
    "These Header and Episodes rows are homeward's own, for an authority without a "
    "case-system 903 export: one Episodes row per child, with defaults where homeward "
    "records nothing, and CHILD is homeward's reference. Where the case system exports its "
    "903, merge homeward's Missing table with the case system's Header and Episodes instead."
)


def _day(moment: datetime | None) -> date | None:
    """The local (UK) calendar day of a stored moment."""
    return None if moment is None else timezone.localtime(moment).date()


def build_ssda903(*, start: date, end: date, degrade: bool) -> Export:
    """header.csv, episodes.csv and missing.csv for the collection year `start`..`end`.

    The 903 is the responsible authority's return: children placed here by another
    authority are left out (noted). `degrade` is refused: the 903 goes to DfE in full.
    """
    if degrade:
        raise ValueError(ssda903.DEGRADE_REFUSED)
    ssda903.collection_year(start, end)
    after_end = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))
    episodes = Episode.objects.filter(
        IN_COUNT,  # nothing entered in error is returned
        # from home or from care: a looked-after child missing from home is the 903's too
        category__in=[codes.Category.MISSING, codes.Category.ABSENT],
        started_at__lt=after_end,
    ).only("reference", "child_id", "category", "started_at", "returned_at", "whereabouts_known")
    imported = imported_tables(start=start, end=end)
    children = (
        Child.objects.filter(
            Q(legal_status=codes.LegalStatus.LOOKED_AFTER) | Q(looked_after_since__isnull=False)
        )
        .exclude(person_id__in=imported.people)
        .select_related("responsible_authority")
        .prefetch_related(Prefetch("episodes", queryset=episodes, to_attr="care_episodes"))
        .order_by("reference")
    )
    home = Authority.objects.filter(is_home=True).first()
    records: list[ssda903.LookedAfterChild] = []
    by_reference: dict[str, int] = {}
    notes: list[str] = []
    for child in children:
        found = [
            ssda903.MissingEpisode(
                # the 903's A is "whereabouts known" (homeward's "absent" does not say
                # so): A only when recorded as known, M otherwise
                kind=ssda903.AWAY if e.whereabouts_known else ssda903.MISSING_CODE,
                start=timezone.localtime(e.started_at).date(),
                end=_day(e.returned_at),
                reference=e.reference,
                started_at=timezone.localtime(e.started_at).replace(tzinfo=None),
                returned_at=None
                if e.returned_at is None
                else timezone.localtime(e.returned_at).replace(tzinfo=None),
            )
            for e in child.care_episodes  # type: ignore[attr-defined]
        ]
        if home is not None and child.responsible_authority_id != home.pk:
            if any(e.end is None or e.end >= start for e in found):
                notes.append(
                    f"{child.reference}: left out, the responsible authority is "
                    f"{child.responsible_authority.name}: the 903 is theirs to make."
                )
            continue
        by_reference[child.reference] = child.pk
        records.append(
            ssda903.LookedAfterChild(
                child_id=child.reference,
                sex=child.sex,
                dob=child.date_of_birth,
                ethnicity=child.ethnicity,
                upn=child.upn,
                period_start=child.looked_after_since,
                placement=child.placement_type,
                placement_postcode=child.postcode,
                episodes=tuple(found),
            )
        )
    tables = ssda903.ssda903_tables(records, start=start, end=end, degrade=False)
    own_children = len(tables.children)
    if own_children:
        notes.append(
            f"{own_children} children have no imported care data (typed in, or no case "
            "system's extract imported): their Header and Episodes rows are from homeward's "
            "own fields, with the defaults docs/returns-ssda903.md lists, and CHILD is "
            "homeward's reference."
        )
    pks = [by_reference[reference] for reference in tables.children]
    tables.header += imported.header
    tables.episodes += imported.episodes
    tables.missing += imported.missing.rows
    pks += [pk for who in imported.missing.children for pk in imported.children.get(who, [])]
    files = [ExportFile(name, CSV, data) for name, data in ssda903.ssda903_files(tables).items()]
    return Export(
        files=files,
        children=pks,
        rows=len(tables.missing),
        notes=[OWN_TABLES_NOTE, *notes, *tables.notes, *imported.missing.notes],
    )


@dataclass
class ImportedTables:
    """The 903 rows of the children whose care data was imported from the case system:
    CHILD is their person id, the periods of care are the imported episodes of care."""

    people: list[str]
    header: list[tuple[str, ...]]
    episodes: list[tuple[str, ...]]
    missing: ssda903.MissingTable
    children: dict[str, list[int]]


def imported_tables(*, start: date, end: date) -> ImportedTables:
    """Header, Episodes and Missing rows, for the collection year, of the children with
    imported care data (a linked child, `Child.person_id`, whose person has episodes of
    care): the Missing table by the same rules as the merge (`ssda903.missing_table`),
    with the imported episodes of care as the periods; a Header row and the year's
    Episodes rows (as the case system recorded them) for each child in it."""
    linked = dict(
        Child.objects.filter(person_id__isnull=False)
        .exclude(person_id="")
        .values_list("person_id", "pk")
    )
    persons = {
        p.person_id: p
        for p in Person.objects.filter(person_id__in=list(linked), care_episodes__isnull=False)
        .distinct()
        .prefetch_related("care_episodes", "placements")
    }
    care: list[ssda903.CareEpisode] = []
    for who, person in persons.items():
        care += [
            ssda903.CareEpisode(who, e.start, e.end, ls=e.legal_status, rne=e.rne, rec=e.rec)
            for e in person.care_episodes.all()
        ]
    births = {who: p.date_of_birth for who, p in persons.items() if p.date_of_birth is not None}
    keyed = lambda child: child.person_id if child.person_id in persons else ""  # noqa: E731
    found, children, _unkeyed = homeward_episodes(end=end, key=keyed)
    missing = ssda903.missing_table(care, births, found, start=start, end=end)
    header: list[tuple[str, ...]] = []
    episodes: list[tuple[str, ...]] = []
    for who in missing.children:
        person = persons[who]
        header.append(
            (
                who,
                person.sex or "U",
                ssda903.fmt(person.date_of_birth),
                ssda903.ETHNIC.get(person.ethnicity, "NOBT"),
                (person.upn or person.upn_unknown or ssda903.UPN_NOT_OBTAINED).upper(),
                ssda903.MOTHER_DEFAULT if person.sex == "F" else "",
                "",
            )
        )
        placements = {p.ssd_id: p for p in person.placements.all()}
        for e in person.care_episodes.all():
            if e.start > end or (e.end is not None and e.end < start):
                continue
            placement = placements.get(e.placement_ssd_id)
            closed = e.end is not None and e.end <= end
            episodes.append(
                (
                    who,
                    ssda903.fmt(e.start),
                    e.rne,
                    e.legal_status,
                    e.cin,
                    placement.place if placement else "",
                    placement.provider if placement else "",
                    ssda903.fmt(e.end) if closed else "",
                    e.rec if closed else "",
                    placement.change_reason if placement and closed else "",
                    "",
                    placement.postcode if placement else "",
                    placement.urn if placement else "",
                )
            )
    return ImportedTables(
        people=list(persons), header=header, episodes=episodes, missing=missing, children=children
    )


# --- the Missing table merged with the case system's own 903 ----------------------------------


def person_id(child: Child) -> str:
    """The case system's person id of a child: the key of the merged 903's CHILD column.

    The SSD import (issue 13) records it on the child (`Child.person_id`); a child without
    one (typed in, not yet matched to a case-system person) cannot join the case system's
    Header and Episodes, and is left out of the merged Missing table with a count.
    """
    return str(getattr(child, "person_id", "") or "").strip()


def homeward_episodes(
    *, end: date, key: Callable[[Child], str] = person_id
) -> tuple[list[ssda903.HomewardEpisode], dict[str, list[int]], int]:
    """homeward's missing and absent episodes begun by `end` (all of them: from home or from
    care; the case system's periods of care decide which are the 903's), keyed by `key`.

    Returns the episodes, the child (pk) of each key, and how many children with episodes
    have no key. Times are UK wall-clock; nothing entered in error is read.
    """
    after_end = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))
    episodes = (
        Episode.objects.filter(
            IN_COUNT,
            category__in=[codes.Category.MISSING, codes.Category.ABSENT],
            started_at__lt=after_end,
        )
        .select_related("child")
        .order_by("started_at", "reference")
    )
    out: list[ssda903.HomewardEpisode] = []
    children: dict[str, list[int]] = {}
    unkeyed: set[int] = set()
    for episode in episodes:
        who = key(episode.child)
        if not who:
            unkeyed.add(episode.child_id)
            continue
        pks = children.setdefault(who, [])
        if episode.child_id not in pks:
            pks.append(episode.child_id)
        out.append(
            ssda903.HomewardEpisode(
                person_id=who,
                category=episode.category,
                start=timezone.localtime(episode.started_at).replace(tzinfo=None),
                end=None
                if episode.returned_at is None
                else timezone.localtime(episode.returned_at).replace(tzinfo=None),
                missing_from=episode.missing_from,
                # the 903's A is "whereabouts known": only when recorded so
                whereabouts_known=episode.whereabouts_known is True,
                reference=episode.reference,
            )
        )
    return out, children, len(unkeyed)


def build_ssda903_merged(
    *,
    start: date,
    end: date,
    header: tuple[str, bytes],
    episodes: tuple[str, bytes],
    previous: dict[str, bytes] | None = None,
    key: Callable[[Child], str] = person_id,
) -> tuple[Export, ssda903_merge.MergedReturn]:
    """The case system's Header and Episodes with homeward's Missing table for their
    children (`homeward.formats.ssda903_merge`). Raises `CaseFilesError` for files that
    cannot be read."""
    found, children, unkeyed = homeward_episodes(end=end, key=key)
    merged = ssda903_merge.merge_ssda903(
        header=header, episodes=episodes, homeward=found, start=start, end=end, previous=previous
    )
    notes = list(merged.notes)
    if unkeyed:
        notes.append(
            f"{unkeyed} children with episodes have no case-system person id yet (typed in "
            "or not yet matched to the import): they cannot be in the merged return."
        )
    files = [ExportFile(name, CSV, data) for name, data in merged.files.items()]
    in_it = [pk for who in merged.missing.children for pk in children.get(who, [])]
    export = Export(files=files, children=in_it, rows=len(merged.missing.rows), notes=notes)
    return export, merged

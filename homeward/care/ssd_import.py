"""Apply an extract of the Standard Safeguarding Dataset to the database
(docs/ssd-import.md; docs/decisions/0010-ssd-import.md).

`import_extract` runs in one transaction: an extract with any problem is refused whole and
nothing is written; otherwise every table is brought to what the extract says, keyed by
the SSD's own ids, with bulk reads and writes (a few queries per table, not per row):

1. the case system's copy (`care` models): rows added, changed or unchanged; a row gone from
   the extract is removed, except that a person gone from the extract is kept (marked
   `gone_since`) with everything of theirs, and reported;
2. the children: each person becomes a child keyed by `Child.person_id`, unless a child
   homeward already had without one looks like them to the explainable matcher
   (`homeward.police.match`): then a `ProposedMatch` waits for a person to confirm it
   (`proposal_confirm`), and the child is neither made nor merged meanwhile;
3. each linked child's case-system fields (`CASE_SYSTEM_FIELDS`) are brought to the
   extract's; no other field of the child is ever written;
4. the missing episodes of linked children are `cases.Episode` rows with source "ssd" and
   the SSD's id: imported history, read-only in homeward. One gone from the extract is
   marked entered in error (out of every count), not deleted.

Run again on the same extract, it writes nothing and reports every row unchanged.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.db import connection, models, transaction
from django.utils import timezone
from encrypted_fields.fields import EncryptedTextField

from homeward.accounts import permissions
from homeward.care.models import (
    Address,
    CareEpisode,
    ImportRun,
    Involvement,
    LegalStatus,
    LinkedIdentifier,
    MissingRecord,
    Person,
    Placement,
    ProposedMatch,
)
from homeward.cases import codes
from homeward.cases.models import Child, ChildAlias, ChildMatchKey, Episode
from homeward.cases.services import home_authority, match_person, references_reserve
from homeward.formats import ssd_extract as ssd
from homeward.organisations.models import Authority
from homeward.places.models import Postcode
from homeward.police import match

if TYPE_CHECKING:
    from homeward.accounts.models import User

UK = ZoneInfo("Europe/London")
BATCH = 2000

#: The child's fields that are the case system's: an import writes these, and only these, of
#: a linked child. Everything else (the reference, aliases, risk flags, responsible
#: authority, episodes recorded in homeward, interviews) is homeward's and never written.
CASE_SYSTEM_FIELDS: tuple[str, ...] = (
    "first_name",
    "last_name",
    "date_of_birth",
    "sex",
    "ethnicity",
    "nhs_number",
    "upn",
    "address",
    "postcode",
    "legal_status",
    "looked_after_since",
    "placement_type",
    "host_authority_id",
    "social_worker",
)

SEX = {"F": codes.Sex.FEMALE, "M": codes.Sex.MALE, "U": codes.Sex.UNKNOWN}

#: The SSDA903 PLACE code to homeward's kind of placement.
PLACEMENT_TYPE = {
    **dict.fromkeys(("U1", "U2", "U3", "U4", "U5", "U6", "A3", "A4", "A5", "A6"), "foster"),
    "K1": codes.PlacementType.SECURE,
    "K2": codes.PlacementType.CHILDRENS_HOME,
    "K3": codes.PlacementType.SEMI_INDEPENDENT,
    "S1": codes.PlacementType.RESIDENTIAL_SCHOOL,
    "P1": codes.PlacementType.PLACED_WITH_PARENTS,
}


@dataclass
class TableCounts:
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0


@dataclass
class Proposal:
    person_id: str
    child_reference: str
    score: float
    band: str


@dataclass
class ImportReport:
    """What an import read and changed (or, refused, why)."""

    applied: bool = False
    rows_read: dict[str, int] = field(default_factory=dict)
    tables: dict[str, TableCounts] = field(default_factory=dict)
    children_added: int = 0
    children_changed: int = 0
    children_unchanged: int = 0
    episodes: TableCounts = field(default_factory=TableCounts)
    proposals: list[Proposal] = field(default_factory=list)
    waiting: int = 0
    gone: list[str] = field(default_factory=list)
    back: list[str] = field(default_factory=list)
    problems: list[ssd.Problem] = field(default_factory=list)
    problem_count: int = 0

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["problems"] = [asdict(p) for p in self.problems]
        return out


# --- the whole import --------------------------------------------------------------------------


def import_extract(
    extract: ssd.Extract, *, by: User | None = None, source: str = "command"
) -> ImportReport:
    """Apply `extract` whole, or nothing of it when it has a problem. `by` is the
    administrator who uploaded it (None for the command, which only those who run the
    server can run)."""
    if by is not None and not permissions.can_import_case_system(by):
        raise PermissionDenied("only an administrator imports the case system's extract")
    report = ImportReport(rows_read=extract.counts())
    if extract.problem_count:
        report.problems = list(extract.problems)
        report.problem_count = extract.problem_count
        return report
    with transaction.atomic():
        now = timezone.now()
        persons = _persons(extract, report, now)
        written = _children_tables(extract, persons, report)
        _children(report, rows=written)
        _missing_episodes(report, now)
        report.applied = True
        ImportRun.objects.create(by=by, source=source, report=report.as_dict())
    return report


def _values(model: type[models.Model], fields: Sequence[str]) -> dict[str, tuple[Any, ...]]:
    """Each stored row by its SSD id: (pk, *fields)."""
    return {
        row[1]: (row[0], *row[2:])
        for row in model.objects.values_list("pk", "ssd_id", *fields).iterator(chunk_size=BATCH)
    }


def _insert(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """INSERT the rows with one prepared statement per batch (executemany). Django's
    `bulk_create` builds every row as a model instance and prepares each value through
    its field in Python: for the hundreds of thousands of plain rows of an extract, that
    is most of the import's time. Here only dates and times are adapted (by the database
    backend's own functions) and encrypted fields encrypted; every column of the table
    must be given (no defaults are filled in)."""
    fields = [model._meta.get_field(name) for name in columns]
    ops = connection.ops
    adapt: list[Any] = []
    for one in fields:
        if isinstance(one, EncryptedTextField | models.JSONField):
            adapt.append(lambda value, one=one: one.get_db_prep_save(value, connection))
        elif isinstance(one, models.DateTimeField):
            adapt.append(ops.adapt_datetimefield_value)
        elif isinstance(one, models.DateField):
            adapt.append(ops.adapt_datefield_value)
        else:
            adapt.append(None)
    # Names from the model's own metadata, quoted; every value a parameter.
    table = ops.quote_name(model._meta.db_table)
    names = ", ".join(ops.quote_name(one.column) for one in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
    count = 0
    batch: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(
                tuple(
                    value if how is None else how(value)
                    for value, how in zip(row, adapt, strict=True)
                )
            )
            if len(batch) >= 5000:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def _insert_records(
    model: type[models.Model], records: Iterable[dict[str, Any]], now: datetime
) -> int:
    """`_insert` of whole rows given as dictionaries (by attribute name): every column the
    record does not give takes the field's default, and "now" for its `auto_now` and
    `auto_now_add` times, as `bulk_create` would."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = [f.attname for f in fields]
    fill: dict[str, Any] = {}
    for one in fields:
        if getattr(one, "auto_now", False) or getattr(one, "auto_now_add", False):
            fill[one.attname] = now
        else:  # the default, else None when nullable, else "" for text (Django's rule)
            fill[one.attname] = one.get_default()
    fresh = {name for name, value in fill.items() if isinstance(value, list | dict)}

    def rows() -> Iterable[tuple[Any, ...]]:
        for record in records:
            values = []
            for name in columns:
                if name in record:
                    values.append(record[name])
                elif name in fresh:
                    values.append(type(fill[name])())
                else:
                    values.append(fill[name])
            yield tuple(values)

    return _insert(model, columns, rows())


def _blank_none(values: Sequence[Any]) -> tuple[Any, ...]:
    """Values to compare, a blank encrypted text (stored as NULL) counted as ""."""
    return tuple("" if value is None else value for value in values)


def _sync(
    model: type[models.Model],
    rows: dict[str, tuple[Any, ...]],
    fields: Sequence[str],
    present_persons: set[int],
) -> TableCounts:
    """Bring `model` to `rows` (SSD id -> field values, `person_id` first of the fields):
    add, change, remove what was removed for a person still in the extract."""
    counts = TableCounts()
    stored = _values(model, fields)
    added: list[tuple[Any, ...]] = []
    changed: list[models.Model] = []
    for key, values in rows.items():
        old = stored.get(key)
        if old is None:
            added.append((key, *values))
        elif _blank_none(old[1:]) != _blank_none(values):
            changed.append(model(pk=old[0], ssd_id=key, **dict(zip(fields, values, strict=True))))
        else:
            counts.unchanged += 1
    gone = [old[0] for key, old in stored.items() if key not in rows and old[1] in present_persons]
    _insert(model, ("ssd_id", *fields), added)
    if changed:
        model.objects.bulk_update(changed, list(fields), batch_size=500)
    for start in range(0, len(gone), BATCH):
        model.objects.filter(pk__in=gone[start : start + BATCH]).delete()
    counts.added, counts.changed, counts.removed = len(added), len(changed), len(gone)
    return counts


PERSON_FIELDS = (
    "forename",
    "surname",
    "sex",
    "ethnicity",
    "date_of_birth",
    "death_date",
    "nhs_number",
    "upn",
    "upn_unknown",
    "social_worker",
)


@dataclass(frozen=True)
class _Row:
    start: date | None
    end: date | None
    value: Any


def _current(rows: Iterable[Any], today: date) -> Any | None:
    """The row in force today (no end, or ending after today), the latest started."""
    best = None
    for row in rows:
        if row.end is not None and row.end <= today:
            continue
        if best is None or (row.start or date.min) >= (best.start or date.min):
            best = row
    return best


def _persons(extract: ssd.Extract, report: ImportReport, now: datetime) -> dict[str, int]:
    """Bring `care.Person` to the extract; returns person id -> pk of everyone in it."""
    today = timezone.localdate(now)
    upns: dict[str, list[ssd.IdentifierRow]] = defaultdict(list)
    nhs: dict[str, list[ssd.IdentifierRow]] = defaultdict(list)
    for row in extract.identifiers:
        if row.kind == "Unique Pupil Number":
            upns[row.person_id].append(row)
        elif row.kind == "NHS Number":
            nhs[row.person_id].append(row)
    names = {p.ssd_id: p.name for p in extract.professionals}
    involvements: dict[str, list[ssd.InvolvementRow]] = defaultdict(list)
    for involvement in extract.involvements:
        involvements[involvement.person_id].append(involvement)

    def identifier(rows: list[ssd.IdentifierRow]) -> str:
        in_force = [r for r in rows if r.valid_to is None or r.valid_to > today]
        chosen = max(in_force or rows, key=lambda r: r.valid_from or date.min, default=None)
        return chosen.value if chosen is not None else ""

    incoming: dict[str, tuple[Any, ...]] = {}
    for p in extract.persons:
        worker = _current(
            (
                _Row(i.start, i.end, names.get(i.professional_id, ""))
                for i in involvements.get(p.person_id, ())
            ),
            today,
        )
        incoming[p.person_id] = (
            p.forename[:100],
            p.surname[:100],
            p.sex,
            p.ethnicity,
            p.dob,
            p.death_date,
            p.nhs_number or identifier(nhs.get(p.person_id, [])),
            identifier(upns.get(p.person_id, [])),
            p.upn_unknown[:3],
            worker.value[:200] if worker is not None else "",
        )
    stored = {
        row[1]: row
        for row in Person.objects.values_list(
            "pk", "person_id", "gone_since", *PERSON_FIELDS
        ).iterator(chunk_size=BATCH)
    }
    counts = TableCounts()
    added, changed = [], []
    for key, values in incoming.items():
        old = stored.get(key)
        if old is None:
            added.append({"person_id": key, **dict(zip(PERSON_FIELDS, values, strict=True))})
            continue
        if old[2] is not None:
            report.back.append(key)
        if tuple(old[3:]) != values or old[2] is not None:
            changed.append(
                Person(
                    pk=old[0],
                    person_id=key,
                    gone_since=None,
                    **dict(zip(PERSON_FIELDS, values, strict=True)),
                )
            )
            if tuple(old[3:]) != values:
                counts.changed += 1
            else:
                counts.unchanged += 1
        else:
            counts.unchanged += 1
    _insert_records(Person, added, now)
    if changed:
        Person.objects.bulk_update(changed, [*PERSON_FIELDS, "gone_since"], batch_size=500)
    counts.added = len(added)
    report.gone = sorted(
        key for key, old in stored.items() if key not in incoming and old[2] is None
    )
    for start in range(0, len(report.gone), BATCH):
        Person.objects.filter(person_id__in=report.gone[start : start + BATCH]).update(
            gone_since=now
        )
    report.tables["ssd_person"] = counts
    return {
        key: pk
        for key, pk in Person.objects.values_list("person_id", "pk").iterator(chunk_size=BATCH)
        if key in incoming
    }


def _host_authorities(postcodes: set[str]) -> dict[str, str]:
    """Each placement postcode's local authority (GSS code), from the ONS Postcode
    Directory loaded with `homeward load-postcodes`."""
    found: dict[str, str] = {}
    listed = sorted(code for code in postcodes if code)
    for start in range(0, len(listed), 900):
        found.update(
            Postcode.objects.filter(postcode__in=listed[start : start + 900]).values_list(
                "postcode", "la_code"
            )
        )
    return found


def _legal_status_on(statuses: list[ssd.LegalStatusRow], day: date) -> str:
    """The LS code in force on `day` (the latest started on or before it)."""
    best: ssd.LegalStatusRow | None = None
    for status in statuses:
        if status.start is None or status.start > day:
            continue
        if status.end is not None and status.end < day:
            continue
        if best is None or status.start >= (best.start or date.min):
            best = status
    return best.code if best is not None else ""


def _children_tables(
    extract: ssd.Extract, persons: dict[str, int], report: ImportReport
) -> dict[str, Iterable[tuple[Any, ...]]]:
    """Bring each table but `ssd_person` to the extract; returns the rows written, by
    table (the person's pk first), for the children's fields."""
    present = set(persons.values())
    statuses: dict[str, list[ssd.LegalStatusRow]] = defaultdict(list)
    for status in extract.legal_statuses:
        statuses[status.person_id].append(status)
    hosts = _host_authorities({p.postcode for p in extract.placements})
    names = {p.ssd_id: p.name for p in extract.professionals}
    tables: list[tuple[str, type[models.Model], dict[str, tuple[Any, ...]], tuple[str, ...]]] = [
        (
            "ssd_linked_identifiers",
            LinkedIdentifier,
            {
                r.ssd_id: (
                    persons[r.person_id],
                    r.kind[:50],
                    r.value[:100],
                    r.valid_from,
                    r.valid_to,
                )
                for r in extract.identifiers
            },
            ("person_id", "kind", "value", "valid_from", "valid_to"),
        ),
        (
            "ssd_address",
            Address,
            {
                r.ssd_id: (
                    persons[r.person_id],
                    r.address,
                    r.address_type[:50],
                    r.start,
                    r.end,
                    r.postcode[:8],
                )
                for r in extract.addresses
            },
            ("person_id", "address", "address_type", "start", "end", "postcode"),
        ),
        (
            "ssd_legal_status",
            LegalStatus,
            {
                r.ssd_id: (persons[r.person_id], r.code, r.start, r.end)
                for r in extract.legal_statuses
            },
            ("person_id", "code", "start", "end"),
        ),
        (
            "ssd_cla_episodes",
            CareEpisode,
            {
                r.ssd_id: (
                    persons[r.person_id],
                    r.period_id[:48],
                    r.start,
                    r.end,
                    r.rne,
                    _legal_status_on(statuses.get(r.person_id, []), r.start),
                    r.cin,
                    r.rec,
                    r.placement_id[:48],
                )
                for r in extract.care_episodes
            },
            (
                "person_id",
                "period_id",
                "start",
                "end",
                "rne",
                "legal_status",
                "cin",
                "rec",
                "placement_ssd_id",
            ),
        ),
        (
            "ssd_cla_placement",
            Placement,
            {
                r.ssd_id: (
                    persons[r.person_id],
                    r.period_id[:48],
                    r.start,
                    r.end,
                    r.place,
                    r.provider,
                    r.urn[:10],
                    r.postcode[:8],
                    r.change_reason[:6],
                    hosts.get(r.postcode, ""),
                )
                for r in extract.placements
            },
            (
                "person_id",
                "period_id",
                "start",
                "end",
                "place",
                "provider",
                "urn",
                "postcode",
                "change_reason",
                "host_la_code",
            ),
        ),
        (
            "ssd_involvements",
            Involvement,
            {
                r.ssd_id: (
                    persons[r.person_id],
                    r.professional_id[:48],
                    names.get(r.professional_id, "")[:200],
                    r.role[:100],
                    r.team[:200],
                    r.start,
                    r.end,
                )
                for r in extract.involvements
            },
            ("person_id", "professional_id", "professional_name", "role", "team", "start", "end"),
        ),
        (
            "ssd_missing",
            MissingRecord,
            {
                r.ssd_id: (
                    persons[r.person_id],
                    _aware(r.start),
                    r.kind,
                    _aware(r.end),
                    r.rhi_offered,
                    r.rhi_accepted,
                )
                for r in extract.missing
            },
            ("person_id", "start", "kind", "end", "rhi_offered", "rhi_accepted"),
        ),
    ]
    for name, model, rows, fields in tables:
        report.tables[name] = _sync(model, rows, fields, present)
    return {name: rows.values() for name, _model, rows, _fields in tables}


def _aware(moment: datetime | None) -> datetime | None:
    """A UK wall-clock time of the extract as an aware datetime."""
    # In UTC: an aware time in the hour the clocks go back compares unequal to any time in
    # another zone (Python's rule for ambiguous times), so it would count as changed on
    # every re-import.
    return None if moment is None else moment.replace(tzinfo=UK).astimezone(UTC)


# --- children ----------------------------------------------------------------------------------


@dataclass
class _CareFacts:
    """What the case system says of one person today, for the child's fields."""

    address: str = ""
    postcode: str = ""
    looked_after_since: date | None = None
    place: str = ""
    host_la_code: str = ""
    left_care: date | None = None


def _care_facts(
    person_pks: Iterable[int], today: date, rows: dict[str, Iterable[tuple[Any, ...]]] | None
) -> dict[int, _CareFacts]:
    """Each person's current address, period of care and placement: from the rows just
    imported (`rows`, by table, as `_children_tables` wrote them), or read in bulk."""
    if rows is None:
        rows = {
            "ssd_address": Address.objects.values_list(
                "person_id", "address", "address_type", "start", "end", "postcode"
            ).iterator(chunk_size=BATCH),
            "ssd_cla_episodes": CareEpisode.objects.values_list(
                "person_id", "period_id", "start", "end"
            ).iterator(chunk_size=BATCH),
            "ssd_cla_placement": Placement.objects.values_list(
                "person_id", "period_id", "start", "end", "place", "provider", "urn",
                "postcode", "change_reason", "host_la_code",
            ).iterator(chunk_size=BATCH),
        }  # fmt: skip
    wanted = set(person_pks)
    facts: dict[int, _CareFacts] = defaultdict(_CareFacts)
    addresses: dict[int, list[Any]] = defaultdict(list)
    for person, text, _kind, start, end, postcode in rows["ssd_address"]:
        if person in wanted:
            addresses[person].append(_Row(start, end, (text or "", postcode)))
    for person, dated in addresses.items():
        current = _current(dated, today)
        if current is not None:
            facts[person].address, facts[person].postcode = current.value
    episodes: dict[int, list[Any]] = defaultdict(list)
    for person, period, start, end, *_rest in rows["ssd_cla_episodes"]:
        if person in wanted:
            episodes[person].append(_Row(start, end, period))
    for person, dated in episodes.items():
        open_episode = next((row for row in dated if row.end is None or row.end > today), None)
        if open_episode is None:
            facts[person].left_care = max((row.end for row in dated if row.end), default=None)
            continue
        period = open_episode.value
        facts[person].looked_after_since = min(
            row.start for row in dated if row.value == period or row is open_episode
        )
    placements: dict[int, list[Any]] = defaultdict(list)
    for person, _period, start, end, place, *_rest, host in rows["ssd_cla_placement"]:
        if person in wanted:
            placements[person].append(_Row(start, end, (place, host)))
    for person, dated in placements.items():
        current = _current(dated, today)
        if current is not None and facts[person].looked_after_since is not None:
            facts[person].place, facts[person].host_la_code = current.value
    return facts


def _child_values(
    person: dict[str, Any],
    facts: _CareFacts,
    existing_status: str,
    authorities: dict[str, int],
    home_gss: str,
) -> dict[str, Any]:
    """The case system's fields of a child (`CASE_SYSTEM_FIELDS`), from its person."""
    if facts.looked_after_since is not None:
        status = codes.LegalStatus.LOOKED_AFTER
    elif existing_status == codes.LegalStatus.LOOKED_AFTER:
        born = person["date_of_birth"]
        left = facts.left_care
        sixteen = (
            born is not None
            and left is not None
            and (left.year - born.year) * 12 + (left.month - born.month) - (left.day < born.day)
            >= 16 * 12
        )
        status = codes.LegalStatus.CARE_LEAVER if sixteen else codes.LegalStatus.NONE
    else:
        status = existing_status
    host = facts.host_la_code
    return {
        "first_name": person["forename"] or "Not known",
        "last_name": person["surname"] or "Not known",
        "date_of_birth": person["date_of_birth"],
        "sex": SEX.get(person["sex"], codes.Sex.UNKNOWN),
        "ethnicity": person["ethnicity"],
        "nhs_number": person["nhs_number"],
        "upn": person["upn"],
        "address": facts.address,
        "postcode": facts.postcode,
        "legal_status": status,
        "looked_after_since": facts.looked_after_since,
        "placement_type": PLACEMENT_TYPE.get(facts.place, codes.PlacementType.OTHER)
        if facts.place
        else "",
        "host_authority_id": authorities.get(host) if host and host != home_gss else None,
        "social_worker": person["social_worker"],
    }


def _children(
    report: ImportReport,
    only: int | None = None,
    rows: dict[str, Iterable[tuple[Any, ...]]] | None = None,
) -> None:
    """Link, make or update the children of the persons in the extract (of the one person
    `only`, when a match is confirmed)."""
    today = timezone.localdate()
    home = home_authority()
    authorities = dict(Authority.objects.values_list("gss_code", "pk"))
    persons = Person.objects.filter(gone_since__isnull=True)
    if only is not None:
        persons = persons.filter(pk=only)
    person_rows = {
        row["pk"]: row
        for row in persons.values("pk", "person_id", *PERSON_FIELDS).iterator(chunk_size=BATCH)
    }
    linked = {
        row["person_id"]: row
        for row in Child.objects.filter(person_id__isnull=False)
        .values("pk", "person_id", *CASE_SYSTEM_FIELDS)
        .iterator(chunk_size=BATCH)
    }
    facts = _care_facts(person_rows.keys(), today, rows)
    # 1. Linked children: their case-system fields, where the extract changed them.
    changed: list[Child] = []
    for pk, person in person_rows.items():
        child = linked.get(person["person_id"])
        if child is None:
            continue
        values = _child_values(person, facts[pk], child["legal_status"], authorities, home.gss_code)
        if any(not _same(child[name], value) for name, value in values.items()):
            changed.append(Child(pk=child["pk"], **values))
        else:
            report.children_unchanged += 1
    if changed:
        Child.objects.bulk_update(changed, list(CASE_SYSTEM_FIELDS), batch_size=500)
        _refresh_keys([child.pk for child in changed])
    report.children_changed = len(changed)
    # 2. Persons without a child: a proposal to decide, or a new child.
    unlinked = [p for p in person_rows.values() if p["person_id"] not in linked]
    if not unlinked:
        return
    proposals: dict[int, dict[int, str]] = defaultdict(dict)
    for person, child, status in ProposedMatch.objects.values_list(
        "person_id", "child_id", "status"
    ):
        proposals[person][child] = status
    index = _unlinked_children_index()
    new_children: list[dict[str, Any]] = []
    new_proposals: list[ProposedMatch] = []
    for person in unlinked:
        decided = proposals.get(person["pk"], {})
        if any(status == ProposedMatch.Status.PROPOSED for status in decided.values()):
            report.waiting += 1
            continue
        ranked: list[match.Scored] = []
        if index is not None:
            candidate = _match_person(person, facts[person["pk"]])
            ranked = [
                scored
                for scored in match.rank(candidate, index.candidates(candidate))
                if scored.key not in decided
            ]
        if ranked:
            for scored in ranked:
                new_proposals.append(
                    ProposedMatch(
                        person_id=person["pk"],
                        child_id=scored.key,
                        score=scored.score,
                        band=scored.band.value,
                        reasons=[[r.points, r.text] for r in scored.reasons],
                    )
                )
            continue
        values = _child_values(
            person, facts[person["pk"]], codes.LegalStatus.NONE, authorities, home.gss_code
        )
        new_children.append(
            {"person_id": person["person_id"], "responsible_authority_id": home.pk, **values}
        )
    ProposedMatch.objects.bulk_create(new_proposals, batch_size=BATCH)
    references = dict(
        Child.objects.filter(pk__in={p.child_id for p in new_proposals}).values_list(
            "pk", "reference"
        )
    )
    by_pk = {person["pk"]: person["person_id"] for person in unlinked}
    report.proposals = [
        Proposal(by_pk[p.person_id], references[p.child_id], p.score, p.band) for p in new_proposals
    ]
    for child, reference in zip(
        new_children, references_reserve("C", len(new_children)), strict=True
    ):
        child["reference"] = reference
    _insert_records(Child, new_children, timezone.now())
    report.children_added = len(new_children)
    made = {child["person_id"] for child in new_children}
    _keys_for(
        [
            pk
            for pk, person_id in Child.objects.filter(person_id__isnull=False)
            .values_list("pk", "person_id")
            .iterator(chunk_size=BATCH)
            if person_id in made
        ]
    )


def _same(stored: Any, value: Any) -> bool:
    """Equal, counting a blank encrypted text (stored as NULL) and "" the same."""
    return bool(stored == value or (stored in (None, "") and value in (None, "")))


def _match_person(person: dict[str, Any], facts: _CareFacts) -> match.Person:
    return match.Person(
        given_names=person["forename"],
        family_name=person["surname"],
        date_of_birth=person["date_of_birth"],
        sex=SEX.get(person["sex"], codes.Sex.UNKNOWN),
        postcode=facts.postcode,
    )


def _unlinked_children_index() -> match.CandidateIndex | None:
    """The children homeward has without a person id, for the matcher (None when none)."""
    children = list(Child.objects.filter(person_id__isnull=True))
    if not children:
        return None
    aliases: dict[int, list[str]] = defaultdict(list)
    for child_id, name in ChildAlias.objects.filter(child__in=children).values_list(
        "child_id", "name"
    ):
        aliases[child_id].append(name)
    return match.CandidateIndex(
        match.Candidate(child.pk, match_person(child, aliases.get(child.pk, [])))
        for child in children
    )


def _refresh_keys(pks: list[int]) -> None:
    """The matcher's blocking keys of children whose names, birth or postcode changed."""
    for start in range(0, len(pks), BATCH):
        chunk = pks[start : start + BATCH]
        ChildMatchKey.objects.filter(child_id__in=chunk).delete()
        _keys_for(chunk)


def _keys_for(pks: list[int]) -> None:
    """Make the matcher's blocking keys of these children (they have none)."""
    aliases: dict[int, list[str]] = defaultdict(list)
    keys: list[tuple[int, str]] = []
    for start in range(0, len(pks), BATCH):
        chunk = pks[start : start + BATCH]
        for child_id, name in ChildAlias.objects.filter(child_id__in=chunk).values_list(
            "child_id", "name"
        ):
            aliases[child_id].append(name)
        for pk, first, last, born, sex, postcode in Child.objects.filter(pk__in=chunk).values_list(
            "pk", "first_name", "last_name", "date_of_birth", "sex", "postcode"
        ):
            person = match.Person(
                given_names=first,
                family_name=last,
                aliases=tuple(aliases.get(pk, [])),
                date_of_birth=born,
                sex=sex,
                postcode=postcode,
            )
            keys.extend((pk, key) for key in sorted(match.candidate_keys(person)))
    _insert(ChildMatchKey, ("child_id", "key"), keys)


# --- missing episodes --------------------------------------------------------------------------

EPISODE_FIELDS = (
    "child_id",
    "category",
    "missing_from",
    "started_at",
    "returned_at",
    "imported_rhi_offered",
    "imported_rhi_accepted",
    "whereabouts_known",
    "entered_in_error_at",
)
CATEGORY = {"M": codes.Category.MISSING, "A": codes.Category.ABSENT}
GONE_REASON = "No longer in the case system's extract"


def _missing_episodes(report: ImportReport, now: datetime) -> None:
    """The missing episodes of linked children as imported `cases.Episode` rows."""
    children = dict(Child.objects.filter(person_id__isnull=False).values_list("person_id", "pk"))
    person_child = {
        pk: children[person_id]
        for pk, person_id in Person.objects.values_list("pk", "person_id").iterator(
            chunk_size=BATCH
        )
        if person_id in children
    }
    in_care: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
    for person, start, end in CareEpisode.objects.values_list("person_id", "start", "end").iterator(
        chunk_size=BATCH
    ):
        if person in person_child:
            in_care[person].append((start, end))
    stored = {
        row[1]: row
        for row in Episode.objects.filter(source=Episode.Source.SSD)
        .values_list("pk", "source_id", *EPISODE_FIELDS)
        .iterator(chunk_size=BATCH)
    }
    incoming: dict[str, tuple[Any, ...]] = {}
    for ssd_id, person, start, kind, end, offered, accepted in MissingRecord.objects.values_list(
        "ssd_id", "person_id", "start", "kind", "end", "rhi_offered", "rhi_accepted"
    ).iterator(chunk_size=BATCH):
        child = person_child.get(person)
        if child is None:
            continue
        day = timezone.localtime(start).date()
        cared = any(s <= day and (e is None or day < e) for s, e in in_care.get(person, ()))
        incoming[ssd_id] = (
            child,
            CATEGORY[kind],
            codes.MissingFrom.CARE if cared else codes.MissingFrom.HOME,
            start,
            end,
            offered,
            accepted,
            kind == "A",  # the SSD's A is away with whereabouts known; M, not known
            None,
        )
    counts = report.episodes
    added: list[tuple[str, tuple[Any, ...]]] = []
    changed: list[Episode] = []
    for key, values in incoming.items():
        old = stored.get(key)
        if old is None:
            added.append((key, values))
        elif tuple(old[2:]) != values:
            changed.append(
                Episode(
                    pk=old[0],
                    entered_in_error_reason="",
                    **dict(zip(EPISODE_FIELDS, values, strict=True)),
                )
            )
        else:
            counts.unchanged += 1
    for key, old in stored.items():
        if key not in incoming and old[-1] is None and old[2] in person_child.values():
            changed.append(
                Episode(
                    pk=old[0],
                    entered_in_error_reason=GONE_REASON,
                    **dict(zip(EPISODE_FIELDS, (*old[2:-1], now), strict=True)),
                )
            )
            counts.removed += 1
    references = references_reserve("E", len(added))
    _insert_records(
        Episode,
        (
            {
                "reference": reference,
                "source": Episode.Source.SSD,
                "source_id": key,
                **dict(zip(EPISODE_FIELDS, values, strict=True)),
            }
            for reference, (key, values) in zip(references, added, strict=True)
        ),
        now,
    )
    if changed:
        Episode.objects.bulk_update(
            changed, [*EPISODE_FIELDS, "entered_in_error_reason"], batch_size=500
        )
    counts.added = len(added)
    counts.changed = len(changed) - counts.removed


# --- proposals ---------------------------------------------------------------------------------


@transaction.atomic
def proposal_confirm(*, by: User, proposal: ProposedMatch) -> Child:
    """A person confirms that the extract's person is the child homeward had: the child
    takes the person id (and the case system's fields at the next import, or now), the
    other proposals for either of them are closed."""
    if not permissions.can_decide_case_system_match(by):
        raise PermissionDenied("only a coordinator or manager confirms a match")
    proposal = ProposedMatch.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != ProposedMatch.Status.PROPOSED:
        raise PermissionDenied("this proposal has been decided already")
    child = Child.objects.select_for_update().get(pk=proposal.child_id)
    if child.person_id:
        raise PermissionDenied("this child is already linked to a case system person")
    now = timezone.now()
    child.person_id = proposal.person.person_id
    child.save(update_fields=["person_id", "updated_at"])
    proposal.status = ProposedMatch.Status.CONFIRMED
    proposal.decided_at, proposal.decided_by = now, by
    proposal.save(update_fields=["status", "decided_at", "decided_by"])
    ProposedMatch.objects.filter(status=ProposedMatch.Status.PROPOSED).filter(
        models.Q(person_id=proposal.person_id) | models.Q(child_id=child.pk)
    ).update(status=ProposedMatch.Status.REJECTED, decided_at=now, decided_by=by)
    report = ImportReport()
    _children(report, only=proposal.person_id)
    _missing_episodes(report, now)
    return child


@transaction.atomic
def proposal_reject(*, by: User, proposal: ProposedMatch) -> None:
    """Not the same child: the next import makes the person a child of their own, unless
    another child homeward has looks like them."""
    if not permissions.can_decide_case_system_match(by):
        raise PermissionDenied("only a coordinator or manager decides a match")
    updated = ProposedMatch.objects.filter(
        pk=proposal.pk, status=ProposedMatch.Status.PROPOSED
    ).update(status=ProposedMatch.Status.REJECTED, decided_at=timezone.now(), decided_by=by)
    if not updated:
        raise PermissionDenied("this proposal has been decided already")

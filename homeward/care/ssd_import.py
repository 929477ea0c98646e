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

import contextlib
import functools
import hashlib
import itertools
import json
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, tzinfo
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
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
    #: What was written, by table ("ssd_person", ..., "children" by person id, "episodes"
    #: by miss_table_id): the SSD ids "added", "changed" and "removed" (ids only, no names),
    #: so an administrator can trace which records an import changed (the bulk writes
    #: bypass django-auditlog). Kept in `ImportRun.report`; the upload page shows counts.
    trace: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    def traced(self, table: str, how: str, ids: Iterable[str]) -> None:
        self.trace.setdefault(table, {}).setdefault(how, []).extend(ids)

    def as_dict(self) -> dict[str, Any]:
        trace, self.trace = self.trace, {}
        try:
            out = asdict(self)
        finally:
            self.trace = trace
        out["problems"] = [asdict(p) for p in self.problems]
        out["trace"] = {
            table: {how: sorted(ids) for how, ids in hows.items() if ids}
            for table, hows in trace.items()
            if any(hows.values())
        }
        return out


# --- the whole import --------------------------------------------------------------------------


def import_extract(
    extract: ssd.Extract, *, by: User | None = None, source: str = "command"
) -> ImportReport:
    """Apply `extract` whole, or nothing of it when it has a problem. `by` is the
    administrator who uploaded it (None for the command, which only those who run the
    server can run). An extract that is applied is consumed: its lists of rows are emptied
    as each table is written, so that a large one is held in memory once, not twice."""
    if by is not None and not permissions.can_import_case_system(by):
        raise PermissionDenied("only an administrator imports the case system's extract")
    report = ImportReport(rows_read=extract.counts())
    if extract.problem_count:
        report.problems = list(extract.problems)
        report.problem_count = extract.problem_count
        return report
    with transaction.atomic(), _page_cache():
        now = timezone.now()
        persons, incoming = _persons(extract, report, now)
        extract.persons.clear()  # one copy of the rows at a time
        sealed: dict[tuple[int, str], Sealed] = {}
        written = _children_tables(extract, persons, report, sealed)
        _children(report, rows=written, incoming=incoming, now=now, sealed=sealed)
        del persons, incoming, sealed  # not needed again: their memory is reused below
        _missing_episodes(report, now, rows=written)
        del written
        report.applied = True
        summary = report.as_dict()
        ImportRun.objects.create(
            by=by, source=source, trace=_compressed(summary.pop("trace")), report=summary
        )
    return report


def _compressed(trace: dict[str, dict[str, list[str]]]) -> bytes:
    """The trace as zlib-compressed JSON, one list of ids at a time (never whole as text)."""
    packer = zlib.compressobj()
    parts = []
    for number, (table, hows) in enumerate(trace.items()):
        for place, (how, ids) in enumerate(hows.items()):
            head = ("{" if number == 0 else ",") + json.dumps(table) + ":{" if place == 0 else ","
            parts.append(packer.compress(f"{head}{json.dumps(how)}:{json.dumps(ids)}".encode()))
        parts.append(packer.compress(b"}"))
    parts.append(packer.compress(b"}" if trace else b"{}"))
    return b"".join(parts) + packer.flush()


@contextlib.contextmanager
def _page_cache() -> Iterator[None]:
    """On SQLite, a page cache of 32 MB while the import runs (the default is 2 MB): the
    inserts into the indexes of tables of 100,000 rows and more otherwise read the same
    pages back from the operating system again and again. Set back afterwards."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA cache_size = -32768")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {before:d}")


@functools.cache
def _digester() -> Any:
    """The keyed hash the digests start from, its key from the site's secret key: a plain
    digest of a row with an encrypted address would let anyone who reads the database try
    every address of the row's postcode against it. Copied for each row (keying it anew
    each time was a third of the digest's cost)."""
    key = hashlib.sha256(b"homeward.care.row_hash\x00" + settings.SECRET_KEY.encode()).digest()
    return hashlib.blake2b(digest_size=8, key=key)


def _digest(values: Iterable[Any]) -> int:
    """A keyed 64-bit digest of a row's values (a signed integer, for a BigIntegerField):
    the same values give the same digest in any process (unlike `hash`). The values are
    strings, numbers, dates and UTC datetimes of the extract (a time read back from the
    database is given as its timestamp, as its time zone object differs by backend), each
    as its text (a code list member as its code), separated by the unit separator (U+001F,
    which no field of an SSD extract is expected to hold), None marked apart from a blank."""
    one = _digester().copy()
    one.update("\x1f".join(["\x00" if v is None else str(v) for v in values]).encode())
    return int.from_bytes(one.digest(), "big", signed=True)


def _update_column(
    model: type[models.Model], column: str, pairs: Sequence[tuple[Any, int]]
) -> None:
    """Set an integer column (a digest) of many rows by primary key, from (value, pk)
    pairs: on PostgreSQL one UPDATE joined to the two arrays, elsewhere one prepared
    statement run for every pair (executemany)."""
    if not pairs:
        return
    ops = connection.ops
    table = ops.quote_name(model._meta.db_table)
    name = ops.quote_name(model._meta.get_field(column).column)
    pk = ops.quote_name(model._meta.pk.column)
    with connection.cursor() as cursor:
        for start in range(0, len(pairs), 50_000):
            chunk = pairs[start : start + 50_000]
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"UPDATE {table} SET {name} = data.value FROM unnest(%s::bigint[], "  # noqa: S608
                    f"%s::bigint[]) AS data(value, key) WHERE {table}.{pk} = data.key",
                    [[value for value, _ in chunk], [key for _, key in chunk]],
                )
            else:
                cursor.executemany(
                    f"UPDATE {table} SET {name} = %s WHERE {pk} = %s",  # noqa: S608
                    chunk,
                )


def _insert(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """INSERT the rows: on PostgreSQL with COPY, elsewhere one prepared statement per
    batch (executemany). Django's `bulk_create` builds every row as a model instance and
    prepares each value through its field in Python: for the hundreds of thousands of
    plain rows of an extract, that is most of the import's time. Here only encrypted and
    JSON fields are prepared by their field, and on SQLite dates and times by the backend's
    own functions (psycopg adapts them itself); every column of the table must be given (no
    defaults are filled in). A value of an encrypted field given as `Sealed` is already
    encrypted."""
    fields = [model._meta.get_field(name) for name in columns]
    # The connection itself, not the thread-local proxy `connection` (looked up per use).
    database = connections[DEFAULT_DB_ALIAS]
    ops = database.ops
    postgres = database.vendor == "postgresql"
    adapt: list[tuple[int, Any]] = []
    for position, one in enumerate(fields):
        if isinstance(one, EncryptedTextField):
            adapt.append((position, _sealer(one, database)))
        elif isinstance(one, models.JSONField):
            adapt.append((position, lambda value, one=one: one.get_db_prep_save(value, database)))
        elif postgres:
            continue
        elif isinstance(one, models.DateTimeField):
            adapt.append((position, _sqlite_moments(database.timezone)))
        elif isinstance(one, models.DateField):
            adapt.append((position, ops.adapt_datefield_value))

    def prepared() -> Iterable[Sequence[Any]]:
        if not adapt:
            yield from rows
            return
        for row in rows:
            values = list(row)
            for position, how in adapt:
                values[position] = how(values[position])
            yield values

    # Names from the model's own metadata, quoted; every value a parameter.
    table = ops.quote_name(model._meta.db_table)
    names = ", ".join(ops.quote_name(one.column) for one in fields)
    count = 0
    with connection.cursor() as cursor:
        if postgres:
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for values in prepared():
                    copy.write_row(values)
                    count += 1
            return count
        marks = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
        batch: list[Sequence[Any]] = []
        for values in prepared():
            batch.append(values)
            if len(batch) >= 5000:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def _sqlite_moments(zone: tzinfo) -> Callable[[datetime | None], str | None]:
    """A datetime as Django's SQLite backend stores it (`adapt_datetimefield_value`:
    naive, in the connection's time zone `zone`, `str`), without its per-value checks; the
    import's own "now", on every row, is converted once."""
    known: dict[datetime, str] = {}

    def adapt(value: datetime | None) -> str | None:
        if value is None:
            return None
        text = known.get(value)
        if text is None:
            if value.tzinfo is not None:
                value = value.astimezone(zone).replace(tzinfo=None)
            text = str(value)
            if len(known) < 1000:
                known[value] = text
        return text

    return adapt


class Sealed(str):
    """The value of an encrypted field already encrypted (by `seal`), written as it is."""

    __slots__ = ()


def _sealer(one: EncryptedTextField, database: Any) -> Any:
    def seal(value: Any) -> Any:
        if isinstance(value, Sealed):
            return str(value)
        if value is None or value == "":
            return None  # as the field stores a blank
        return one.get_db_prep_save(value, database)

    return seal


def seal(model: type[models.Model], name: str, text: str) -> Sealed | None:
    """`text` encrypted as the field `name` of `model` stores it (None for blank, as the
    field does)."""
    value = model._meta.get_field(name).get_db_prep_save(text, connections[DEFAULT_DB_ALIAS])
    return None if value is None else Sealed(value)


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
    report: ImportReport,
    table: str,
    sealed: dict[tuple[int, str], Sealed] | None = None,
) -> TableCounts:
    """Bring `model` to `rows` (SSD id -> field values, `person_id` first of the fields):
    add, change, remove what was removed for a person still in the extract.

    Each row is compared by the digest of its values (`row_hash`), so an unchanged row is
    neither read (its encrypted values never decrypted) nor written. A row whose digest
    differs is read and compared value by value: only a real difference is a change (a row
    stored before digests were kept, or digested under another key, is given its digest)."""
    counts = TableCounts()
    stored = {
        key: (pk, person, digest)
        for key, pk, person, digest in model.objects.values_list(
            "ssd_id", "pk", "person_id", "row_hash"
        ).iterator(chunk_size=BATCH)
    }
    added: list[tuple[Any, ...]] = []
    changed: dict[str, int] = {}
    differ: dict[str, int] = {}
    digests: dict[str, int] = {}
    for key, values in rows.items():
        digest = _digest(values)
        old = stored.get(key)
        if old is None:
            added.append((key, *values, digest))
        elif old[2] == digest:
            counts.unchanged += 1
        else:
            digests[key], differ[key] = digest, old[0]
    suspects = list(differ)
    for start in range(0, len(suspects), BATCH):
        for key, *old_values in model.objects.filter(
            ssd_id__in=suspects[start : start + BATCH]
        ).values_list("ssd_id", *fields):
            if _blank_none(old_values) != _blank_none(rows[key]):
                changed[key] = differ.pop(key)
    counts.unchanged += len(differ)
    _update_column(model, "row_hash", [(digests[key], pk) for key, pk in differ.items()])
    gone = [
        (key, old[0])
        for key, old in stored.items()
        if key not in rows and old[1] in present_persons
    ]
    if sealed is not None:  # (ssd_id, person, address, ...): encrypt each address once
        for position, row in enumerate(added):
            if row[2]:
                token = sealed.setdefault((row[1], row[2]), seal(model, "address", row[2]))
                added[position] = (*row[:2], token, *row[3:])
    _insert(model, ("ssd_id", *fields, "row_hash"), added)
    if changed:
        model.objects.bulk_update(
            [
                model(
                    pk=pk,
                    ssd_id=key,
                    row_hash=digests[key],
                    **dict(zip(fields, rows[key], strict=True)),
                )
                for key, pk in changed.items()
            ],
            [*fields, "row_hash"],
            batch_size=500,
        )
    gone_pks = [pk for _key, pk in gone]
    for start in range(0, len(gone_pks), BATCH):
        model.objects.filter(pk__in=gone_pks[start : start + BATCH]).delete()
    counts.added, counts.changed, counts.removed = len(added), len(changed), len(gone)
    report.traced(table, "added", (row[0] for row in added))
    report.traced(table, "changed", changed)
    report.traced(table, "removed", (key for key, _pk in gone))
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


def _persons(
    extract: ssd.Extract, report: ImportReport, now: datetime
) -> tuple[dict[str, int], dict[str, tuple[Any, ...]]]:
    """Bring `care.Person` to the extract; returns person id -> pk of everyone in it, and
    the values of `PERSON_FIELDS` of each, by person id."""
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
        key: (pk, digest)
        for key, pk, digest in Person.objects.values_list("person_id", "pk", "row_hash").iterator(
            chunk_size=BATCH
        )
    }
    gone_before = set(
        Person.objects.filter(gone_since__isnull=False).values_list("person_id", flat=True)
    )
    counts = TableCounts()
    added: list[dict[str, Any]] = []
    differ: dict[str, int] = {}
    digests: dict[str, int] = {}
    for key, values in incoming.items():
        digest = _digest(values)
        old = stored.get(key)
        if old is None:
            added.append(
                {
                    "person_id": key,
                    "row_hash": digest,
                    **dict(zip(PERSON_FIELDS, values, strict=True)),
                }
            )
        elif old[1] == digest:
            counts.unchanged += 1
        else:
            digests[key], differ[key] = digest, old[0]
    changed: list[Person] = []
    suspects = list(differ)
    for start in range(0, len(suspects), BATCH):
        for key, *old_values in Person.objects.filter(
            person_id__in=suspects[start : start + BATCH]
        ).values_list("person_id", *PERSON_FIELDS):
            values = incoming[key]
            if tuple(old_values) != values:
                changed.append(
                    Person(
                        pk=differ.pop(key),
                        person_id=key,
                        row_hash=digests[key],
                        **dict(zip(PERSON_FIELDS, values, strict=True)),
                    )
                )
    counts.unchanged += len(differ)
    counts.changed = len(changed)
    _update_column(Person, "row_hash", [(digests[key], pk) for key, pk in differ.items()])
    _insert_records(Person, added, now)
    if changed:
        Person.objects.bulk_update(changed, [*PERSON_FIELDS, "row_hash"], batch_size=500)
    counts.added = len(added)
    report.back = sorted(key for key in gone_before if key in incoming)
    for start in range(0, len(report.back), BATCH):
        Person.objects.filter(person_id__in=report.back[start : start + BATCH]).update(
            gone_since=None
        )
    report.gone = sorted(key for key in stored if key not in incoming and key not in gone_before)
    for start in range(0, len(report.gone), BATCH):
        Person.objects.filter(person_id__in=report.gone[start : start + BATCH]).update(
            gone_since=now
        )
    report.tables["ssd_person"] = counts
    report.traced("ssd_person", "added", (row["person_id"] for row in added))
    report.traced("ssd_person", "changed", (person.person_id for person in changed))
    persons = {key: old[0] for key, old in stored.items() if key in incoming}
    if added:
        persons.update(
            (key, pk)
            for key, pk in Person.objects.values_list("person_id", "pk").iterator(chunk_size=BATCH)
            if key in incoming
        )
    return persons, incoming


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
    extract: ssd.Extract,
    persons: dict[str, int],
    report: ImportReport,
    sealed: dict[tuple[int, str], Sealed],
) -> dict[str, dict[str, tuple[Any, ...]]]:
    """Bring each table but `ssd_person` to the extract; returns the rows of the tables
    the children's fields and episodes come from (by SSD id, the person's pk first).
    The addresses added are encrypted once, and kept in `sealed` by (person, address) for
    their child's address."""
    present = set(persons.values())
    statuses: dict[str, list[ssd.LegalStatusRow]] = defaultdict(list)
    for status in extract.legal_statuses:
        statuses[status.person_id].append(status)
    hosts = _host_authorities({p.postcode for p in extract.placements})
    names = {p.ssd_id: p.name for p in extract.professionals}
    # Each table's rows are made when it is synced (not all at once), and kept only when
    # later steps need them.
    tables: list[
        tuple[str, type[models.Model], Callable[[], dict[str, tuple[Any, ...]]], tuple[str, ...]]
    ] = [
        (
            "ssd_linked_identifiers",
            LinkedIdentifier,
            lambda: {
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
            lambda: {
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
            lambda: {
                r.ssd_id: (persons[r.person_id], r.code, r.start, r.end)
                for r in extract.legal_statuses
            },
            ("person_id", "code", "start", "end"),
        ),
        (
            "ssd_cla_episodes",
            CareEpisode,
            lambda: {
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
            lambda: {
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
            lambda: {
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
            lambda: {
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
    kept = ("ssd_address", "ssd_cla_episodes", "ssd_cla_placement", "ssd_missing")
    written: dict[str, dict[str, tuple[Any, ...]]] = {}
    for name, model, make, fields in tables:
        rows = make()
        getattr(extract, ssd.TABLES[name]).clear()  # one copy of the rows at a time
        report.tables[name] = _sync(
            model, rows, fields, present, report, name, sealed if model is Address else None
        )
        if name in kept:
            written[name] = rows
    return written


def _aware(moment: datetime | None) -> datetime | None:
    """A UK wall-clock time of the extract as an aware datetime."""
    # In UTC: an aware time in the hour the clocks go back compares unequal to any time in
    # another zone (Python's rule for ambiguous times), so it would count as changed on
    # every re-import.
    return None if moment is None else moment.replace(tzinfo=UK).astimezone(UTC)


# --- children ----------------------------------------------------------------------------------


@dataclass(slots=True)
class _CareFacts:
    """What the case system says of one person today, for the child's fields."""

    address: str = ""
    postcode: str = ""
    looked_after_since: date | None = None
    place: str = ""
    host_la_code: str = ""
    left_care: date | None = None


def _care_facts(
    person_pks: Iterable[int], today: date, written: dict[str, dict[str, tuple[Any, ...]]] | None
) -> dict[int, _CareFacts]:
    """Each person's current address, period of care and placement: from the rows just
    imported (`rows`, by table, as `_children_tables` wrote them), or read in bulk."""
    rows: dict[str, Iterable[tuple[Any, ...]]]
    if written is not None:
        rows = {name: table.values() for name, table in written.items()}
    else:
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
    rows: dict[str, dict[str, tuple[Any, ...]]] | None = None,
    incoming: dict[str, tuple[Any, ...]] | None = None,
    now: datetime | None = None,
    sealed: dict[tuple[int, str], Sealed] | None = None,
) -> None:
    """Link, make or update the children of the persons in the extract (of the one person
    `only`, when a match is confirmed). `rows` and `incoming` are the extract's rows as
    `_children_tables` and `_persons` wrote them (read from the database when not given);
    `incoming` is consumed (its rows become the persons' own dictionaries).

    A linked child whose case-system fields, as they would be written now, have the
    digest kept with its person (`Person.child_hash`, with the child's id, its last change
    and its legal status) is unchanged, and is not read: nothing else writes those fields
    (docs/decisions/0010-ssd-import.md), and any other change to the child moves its
    `updated_at`. The others are read and compared field by field."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    home = home_authority()
    authorities = dict(Authority.objects.values_list("gss_code", "pk"))
    persons = Person.objects.filter(gone_since__isnull=True)
    if only is not None:
        persons = persons.filter(pk=only)
    person_rows: dict[int, dict[str, Any]] = {}
    hashes: dict[int, int | None] = {}
    if incoming is not None:
        for pk, key, child_hash in persons.values_list("pk", "person_id", "child_hash").iterator(
            chunk_size=BATCH
        ):
            person = dict(zip(PERSON_FIELDS, incoming.pop(key), strict=True))
            person["pk"], person["person_id"] = pk, key
            person_rows[pk] = person
            hashes[pk] = child_hash
    else:
        for row in persons.values("pk", "person_id", "child_hash", *PERSON_FIELDS).iterator(
            chunk_size=BATCH
        ):
            hashes[row["pk"]] = row.pop("child_hash")
            person_rows[row["pk"]] = row
    linked = {
        key: (pk, updated, status)
        for pk, key, status, updated in Child.objects.filter(person_id__isnull=False)
        .values_list("pk", "person_id", "legal_status", "updated_at")
        .iterator(chunk_size=BATCH)
    }
    facts = _care_facts(person_rows.keys(), today, rows)

    def values_of(person: dict[str, Any], status: str) -> dict[str, Any]:
        return _child_values(person, facts[person["pk"]], status, authorities, home.gss_code)

    def digest(person: dict[str, Any], pk: int, updated: datetime, status: str) -> int:
        # As text: a code is a choices member when made, a plain string when read back.
        return _digest(
            (pk, updated.timestamp(), str(status), *map(str, values_of(person, status).values()))
        )

    # 1. Linked children: their case-system fields, where the extract changed them.
    suspects: dict[int, tuple[int, dict[str, Any], datetime]] = {}  # child pk -> person
    for pk, person in person_rows.items():
        child = linked.get(person["person_id"])
        if child is None:
            continue
        if digest(person, *child) == hashes[pk]:
            report.children_unchanged += 1
        else:
            suspects[child[0]] = (pk, person, child[1])
    changed: list[Child] = []
    new_hashes: list[tuple[int, int]] = []
    keys = list(suspects)
    for start in range(0, len(keys), BATCH):
        for child in Child.objects.filter(pk__in=keys[start : start + BATCH]).values(
            "pk", *CASE_SYSTEM_FIELDS
        ):
            person_pk, person, updated = suspects[child["pk"]]
            values = values_of(person, child["legal_status"])
            if any(not _same(child[name], value) for name, value in values.items()):
                changed.append(Child(pk=child["pk"], **values))
                report.traced("children", "changed", [person["person_id"]])
            else:
                report.children_unchanged += 1
            new_hashes.append(
                (digest(person, child["pk"], updated, values["legal_status"]), person_pk)
            )
    if changed:
        Child.objects.bulk_update(changed, list(CASE_SYSTEM_FIELDS), batch_size=500)
        _refresh_keys([child.pk for child in changed])
    report.children_changed = len(changed)
    _update_column(Person, "child_hash", new_hashes)
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
    # Each new child as its person id and the values of CASE_SYSTEM_FIELDS (a tuple, not a
    # dictionary: 100,000 of them at the first import).
    new_children: list[tuple[str, tuple[Any, ...]]] = []
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
        if sealed and values["address"]:  # the address's own encryption, made just before
            values["address"] = sealed.get((person["pk"], values["address"]), values["address"])
        new_children.append((person["person_id"], tuple(values.values())))
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
    made_at = timezone.now()
    _insert_records(
        Child,
        (
            {
                "person_id": person_id,
                "responsible_authority_id": home.pk,
                "reference": reference,
                **dict(zip(CASE_SYSTEM_FIELDS, values, strict=True)),
            }
            for (person_id, values), reference in zip(
                new_children, references_reserve("C", len(new_children)), strict=True
            )
        ),
        made_at,
    )
    report.children_added = len(new_children)
    report.traced("children", "added", (person_id for person_id, _values in new_children))
    # What the matching keys and digests below need of each new child: not its encrypted
    # address, let go of here with the others the import made (about 50 MB at 100,000).
    if sealed is not None:
        sealed.clear()
    at = CASE_SYSTEM_FIELDS.index("address")
    made = {
        person_id: (*values[:at], None, *values[at + 1 :]) for person_id, values in new_children
    }
    del new_children
    by_person = {person["person_id"]: person for person in unlinked}
    new_hashes = []
    match_keys: list[tuple[int, str]] = []
    for pk, person_id in (
        Child.objects.filter(person_id__isnull=False)
        .values_list("pk", "person_id")
        .iterator(chunk_size=BATCH)
    ):
        made_values = made.pop(person_id, None)
        if made_values is None:
            continue
        made_child = dict(zip(CASE_SYSTEM_FIELDS, made_values, strict=True))
        person = by_person[person_id]
        new_hashes.append((digest(person, pk, made_at, made_child["legal_status"]), person["pk"]))
        # A new child has no aliases: its matching keys come from what was just written.
        match_keys.extend(
            (pk, key) for key in sorted(match.candidate_keys(_key_person(made_child)))
        )
        if len(match_keys) >= BATCH * 10:  # written as they come: several per child
            _insert(ChildMatchKey, ("child_id", "key"), match_keys)
            match_keys.clear()
    _update_column(Person, "child_hash", new_hashes)
    _insert(ChildMatchKey, ("child_id", "key"), match_keys)


def _key_person(child: dict[str, Any], aliases: Sequence[str] = ()) -> match.Person:
    """The matcher's view of a child (from its fields), for its blocking keys."""
    return match.Person(
        given_names=child["first_name"],
        family_name=child["last_name"],
        aliases=tuple(aliases),
        date_of_birth=child["date_of_birth"],
        sex=child["sex"],
        postcode=child["postcode"],
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


def _missing_episodes(
    report: ImportReport, now: datetime, rows: dict[str, dict[str, tuple[Any, ...]]] | None = None
) -> None:
    """The missing episodes of linked children as imported `cases.Episode` rows, from the
    extract's rows as `_children_tables` wrote them (read from the database when not
    given)."""
    children = dict(Child.objects.filter(person_id__isnull=False).values_list("person_id", "pk"))
    person_child = {
        pk: children[person_id]
        for pk, person_id in Person.objects.values_list("pk", "person_id").iterator(
            chunk_size=BATCH
        )
        if person_id in children
    }
    in_care: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
    episodes: Iterable[tuple[Any, ...]] = (
        (
            (person, start, end)
            for person, _period, start, end, *_rest in rows["ssd_cla_episodes"].values()
        )
        if rows is not None
        else CareEpisode.objects.values_list("person_id", "start", "end").iterator(chunk_size=BATCH)
    )
    for person, start, end in episodes:
        if person in person_child:
            in_care[person].append((start, end))
    stored = {
        row[1]: row
        for row in Episode.objects.filter(source=Episode.Source.SSD)
        .values_list("pk", "source_id", *EPISODE_FIELDS)
        .iterator(chunk_size=BATCH)
    }
    incoming: dict[str, tuple[Any, ...]] = {}
    fields = ("ssd_id", "person_id", "start", "kind", "end", "rhi_offered", "rhi_accepted")
    records: Iterable[tuple[Any, ...]]
    if rows is not None:  # the extract's, and those kept of persons gone from it
        records = itertools.chain(
            ((key, *values) for key, values in rows["ssd_missing"].items()),
            MissingRecord.objects.filter(person__gone_since__isnull=False).values_list(*fields),
        )
    else:
        records = MissingRecord.objects.values_list(*fields).iterator(chunk_size=BATCH)
    for ssd_id, person, start, kind, end, offered, accepted in records:
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
            report.traced("episodes", "changed", [key])
            changed.append(
                Episode(
                    pk=old[0],
                    entered_in_error_reason="",
                    **dict(zip(EPISODE_FIELDS, values, strict=True)),
                )
            )
        else:
            counts.unchanged += 1
    linked_children = set(person_child.values())
    for key, old in stored.items():
        if key not in incoming and old[-1] is None and old[2] in linked_children:
            report.traced("episodes", "removed", [key])
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
    report.traced("episodes", "added", (key for key, _values in added))


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

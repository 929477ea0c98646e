"""Writes for police notifications: taking a batch in, issuing force tokens, and what a
coordinator decides about a report (link it to a child, make a new child, dismiss it, resolve
a possible miscoding).

A batch is taken in one transaction: every valid notification is stored, every malformed one
is refused with its reasons in the receipt, and an unexpected failure keeps nothing. The same
notification sent again is a duplicate (nothing stored twice); a different one for the same
report (force + police reference) amends it, and the report's content is all its
notifications folded in the order the police sent them.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import multiprocessing
import re
import secrets
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from homeward.accounts import permissions
from homeward.accounts import services as accounts_services
from homeward.cases import codes, corrections
from homeward.cases import services as case_services
from homeward.cases.models import Child, ChildAlias, ChildMatchKey, Correction, Episode
from homeward.intake import activity
from homeward.intake.models import (
    BatchLine,
    ForceToken,
    IntakeBatch,
    PoliceReport,
    QueuedBody,
    ReportNotification,
)
from homeward.organisations.models import Authority, Organisation
from homeward.police import classify as police_classify
from homeward.police import limits, match, parse
from homeward.police.format import (
    CARE_PLACEMENTS,
    Category,
    MissingFrom,
    Notification,
    NotificationType,
    PlacementType,
    RiskFactor,
    RiskGrade,
    Sex,
)

if TYPE_CHECKING:
    from multiprocessing.pool import AsyncResult, Pool

    from homeward.accounts.models import User

T = TypeVar("T")
CHUNK = 500
TOKEN_PREFIX = "hwpol_"  # noqa: S105 - a prefix to tell tokens by, not a secret
SUGGESTIONS = 5


def _chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- force tokens --------------------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def force_token_issue(*, force: Organisation) -> str:
    """A new API token for a police force. Only its digest is kept: the token is shown once."""
    if force.kind != Organisation.Kind.POLICE_FORCE:
        raise ValidationError(f"{force} is not a police force")
    if not force.code:
        raise ValidationError(
            f"{force} has no code: set one with `manage.py organisation ... --code CODE`"
        )
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    ForceToken.objects.create(force=force, prefix=token[:12], digest=_digest(token))
    return token


@transaction.atomic
def force_token_revoke(*, force: Organisation) -> int:
    """Revoke every live token of the force; returns how many."""
    return ForceToken.objects.filter(force=force, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def force_token_use(*, token: str) -> Organisation | None:
    """The force a live token belongs to (noting its use), or None."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    found = (
        ForceToken.objects.select_related("force")
        .filter(digest=_digest(token), revoked_at__isnull=True)
        .first()
    )
    if found is None:
        return None
    ForceToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
    return found.force


# --- stored content ------------------------------------------------------------------------

_ENUMS: dict[str, type[StrEnum]] = {
    "notification_type": NotificationType,
    "category": Category,
    "risk_grade": RiskGrade,
    "missing_from": MissingFrom,
    "sex": Sex,
    "placement_type": PlacementType,
}
_DATETIMES = {"sent_at", "reported_at", "last_seen_at", "found_at"}


def content_dump(notification: Notification) -> str:
    """A notification as JSON text for storage (encrypted by the field)."""
    out: dict[str, Any] = {}
    for f in fields(Notification):
        value = getattr(notification, f.name)
        if isinstance(value, (date, datetime)):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = [str(v) for v in value]
        elif isinstance(value, StrEnum):
            value = value.value
        out[f.name] = value
    return json.dumps(out, sort_keys=True)


def content_load(text: str) -> Notification:
    """The notification `content_dump` stored (it was valid when stored: not checked again)."""
    data: dict[str, Any] = json.loads(text)
    values: dict[str, Any] = {}
    for name, value in data.items():
        if value is None:
            values[name] = None
        elif name in _ENUMS:
            values[name] = _ENUMS[name](value)
        elif name in _DATETIMES:
            values[name] = datetime.fromisoformat(value)
        elif name == "date_of_birth":
            values[name] = date.fromisoformat(value)
        elif name == "risk_factors":
            values[name] = tuple(RiskFactor(v) for v in value)
        elif name == "aliases":
            values[name] = tuple(value)
        else:
            values[name] = value
    return Notification(**values)


def _empty(value: object) -> bool:
    return value is None or value == "" or value == ()


@dataclass
class _Version:
    notification: Notification
    received_at: datetime
    #: Ties are broken by this: a stored notification's primary key, and for one new in the
    #: batch NEW + its place in the batch (stored later, so later).
    order: int


NEW = 2**62


def fold(versions: Iterable[_Version]) -> tuple[Notification, datetime | None]:
    """The report's content: its notifications in the order the police sent them (sent_at,
    else when received), each later one's non-empty values replacing earlier ones. Also when
    the authority was first told of the return (the first notification with a found time)."""
    ordered = sorted(
        versions, key=lambda v: (v.notification.sent_at or v.received_at, v.received_at, v.order)
    )
    state = ordered[0].notification
    for version in ordered[1:]:
        changes = {
            f.name: getattr(version.notification, f.name)
            for f in fields(Notification)
            if not _empty(getattr(version.notification, f.name))
        }
        state = replace(state, **changes)
    told = [v.received_at for v in ordered if v.notification.found_at is not None]
    return state, (min(told) if told else None)


# --- taking a batch in ---------------------------------------------------------------------


#: What PostgreSQL refuses in text and JSON (NUL, lone surrogates) and other control characters.
_UNSTORABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")


def storable(text: str) -> str:
    """Text as sent, made safe to store in any database: a NUL, another control character
    or a lone surrogate is written as its escape (`\\x00`, `\\udc80`), so a refused
    record's reference and reasons can be kept as evidence."""
    return _UNSTORABLE.sub(
        lambda hit: f"\\x{ord(hit[0]):02x}" if ord(hit[0]) < 0x100 else f"\\u{ord(hit[0]):04x}",
        text,
    )


def _problem(problem: parse.Problem) -> dict[str, Any]:
    return {
        "line": problem.line,
        "field": None if problem.field is None else storable(problem.field),
        "reason": storable(problem.reason),
    }


@dataclass
class _Pending:
    """One report touched by the batch, and the versions it gains."""

    key: tuple[str, str]
    report: PoliceReport | None
    versions: list[_Version] = field(default_factory=list)
    #: The keys (content and sent_at) of its notifications, and their content keys alone.
    seen: set[str] = field(default_factory=set)
    contents: set[str] = field(default_factory=set)
    new: list[tuple[parse.Parsed, str, BatchLine]] = field(default_factory=list)


def intake_file(
    *,
    name: str,
    data: bytes,
    channel: str,
    by: User | None = None,
    force: Organisation | None = None,
    now: datetime | None = None,
    workers: int = 1,
) -> IntakeBatch:
    """Take in a CSV, XLSX or JSON file (an upload, a dropped file, an API body).
    `workers`: processes to rank a big batch's candidates in (`homeward intake` only: a
    web server's process is not forked)."""
    now = now or timezone.now()
    if by is not None and not permissions.can_take_in_notifications(by):
        raise PermissionDenied("only a coordinator or manager takes in police notifications")
    return intake_batch(
        parsed=parse.parse_file(name, data, now=now),
        channel=channel,
        by=by,
        force=force,
        now=now,
        workers=workers,
    )


# --- big batches: queued, and taken in by the background worker a chunk at a time --------


def records_in(name: str, data: bytes) -> int | None:
    """About how many records a file holds, read quickly (the file's structure only, no
    record checked): a JSON array or batch's items, a CSV file's non-blank rows after the
    header, an XLSX sheet's rows after the header. None when that cannot be told quickly (the
    file is then parsed in full, which says what is wrong with it)."""
    if parse.refusal(name, data) is not None:
        return None  # over a limit (issue 11): never handed to openpyxl or json.loads
    extension = name[name.rfind(".") :].lower() if "." in name else ""
    try:
        if extension == ".json":
            # What the parser refuses a whole file for before reading it (nesting too deep,
            # a workbook named .json) is refused in the request, not after queueing.
            limits.check_text_file(data, "JSON")
            limits.check_json_depth(data)
            document = json.loads(data.decode("utf-8-sig"), parse_constant=_refuse_constant)
            if isinstance(document, list):
                return len(document)
            if isinstance(document, dict) and list(document) == ["notifications"]:
                items = document["notifications"]
                return len(items) if isinstance(items, list) else None
            return None  # one notification, or not a batch at all (the parser says why)
        if extension == ".csv":
            rows = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
            return max(0, sum(1 for row in rows if any(cell.strip() for cell in row)) - 1)
        if extension == ".xlsx":
            import openpyxl

            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                names = workbook.sheetnames
                sheet = workbook[parse.SHEET_NAME if parse.SHEET_NAME in names else names[0]]
                rows = sheet.max_row
                return None if rows is None else max(0, rows - 1)
            finally:
                workbook.close()
    except (ValueError, RecursionError, UnicodeDecodeError, csv.Error, IndexError, KeyError):
        return None
    except limits.Refused:
        return None
    except Exception:  # openpyxl raises many kinds for a damaged workbook
        return None
    return None


def _refuse_constant(name: str) -> object:
    raise ValueError(f"{name} is not allowed")


def queue_from() -> int:
    """A batch of more than this many records is queued for the worker."""
    return int(settings.HOMEWARD_INTAKE_QUEUE_OVER)


def to_queue(name: str, data: bytes) -> int | None:
    """How many records the file holds if it is to be queued for the worker (more than
    `HOMEWARD_INTAKE_QUEUE_OVER`, and no more than the parser takes); None if it is to be
    taken in at once (small, or unreadable: the parser then says why)."""
    if len(data) <= queue_from() * MIN_RECORD_BYTES:
        return None  # too small to hold that many records: not worth counting
    count = records_in(name, data)
    if count is None or count <= queue_from() or count > parse.MAX_RECORDS:
        return None
    return count


def intake_received(
    *,
    name: str,
    data: bytes,
    channel: str,
    source: str | None = None,
    by: User | None = None,
    force: Organisation | None = None,
    now: datetime | None = None,
) -> IntakeBatch:
    """Take in a file or request body: at once when small (`intake_file`), or, with more
    than `HOMEWARD_INTAKE_QUEUE_OVER` records, queued for the background worker, which
    takes it in a chunk at a time (`intake_continue`). A queued batch's receipt says how far
    it has got. `name` says the format by its extension; `source` is what the receipt calls
    it (the file's name, or "request")."""
    now = now or timezone.now()
    if by is not None and not permissions.can_take_in_notifications(by):
        raise PermissionDenied("only a coordinator or manager takes in police notifications")
    count = to_queue(name, data)
    if count is None:
        batch = intake_file(name=name, data=data, channel=channel, by=by, force=force, now=now)
        if source is not None and batch.source != source:
            batch.source = source
            batch.save(update_fields=["source"])
        return batch
    return intake_queue(
        name=name,
        data=data,
        channel=channel,
        source=source if source is not None else name,
        by=by,
        force=force,
        now=now,
        total=count,
    )


#: Fewer bytes than this a record cannot take (the required fields alone take more): a
#: body smaller than the queueing threshold times this is never counted, only parsed.
MIN_RECORD_BYTES = 64


@transaction.atomic
def intake_queue(
    *,
    name: str,
    data: bytes,
    channel: str,
    source: str,
    by: User | None = None,
    force: Organisation | None = None,
    now: datetime | None = None,
    total: int = 0,
    enqueue: bool = True,
) -> IntakeBatch:
    """Queue a batch for the worker: the batch (its receipt so far: nothing), its body as
    received (encrypted), and the task, in one transaction, so the worker finds all three or
    none. Nothing else is stored until the worker runs. `enqueue` False: no task (the caller
    takes it in itself with `intake_continue`, as `homeward intake` does)."""
    from homeward.intake import tasks

    now = now or timezone.now()
    batch = IntakeBatch.objects.create(
        reference=case_services.references_reserve("B", 1)[0],
        channel=channel,
        source=storable(source)[:255],
        force=force,
        received_by=by,
        status=IntakeBatch.Status.QUEUED,
        total=total,
    )
    try:
        text, encoding = data.decode("utf-8"), QueuedBody.Encoding.TEXT
    except UnicodeDecodeError:
        text, encoding = base64.b64encode(data).decode("ascii"), QueuedBody.Encoding.BASE64
    QueuedBody.objects.create(batch=batch, name=name, encoding=encoding, data=text, parsed_at=now)
    if enqueue:
        tasks.take_in_batch.enqueue(batch_id=batch.pk)
    return batch


def _body_bytes(body: QueuedBody) -> bytes:
    if body.encoding == QueuedBody.Encoding.BASE64:
        return base64.b64decode(body.data)
    return str(body.data).encode("utf-8")


def chunk_size() -> int:
    """Records taken in by one transaction of a queued batch."""
    return max(1, int(settings.HOMEWARD_INTAKE_CHUNK))


def intake_continue(
    *, batch_id: int, workers: int = 1, chunk: int | None = None, stop_after: int | None = None
) -> IntakeBatch:
    """Take in a queued batch (the worker's task; `homeward intake` for a big file), from
    where it got to: each chunk of `HOMEWARD_INTAKE_CHUNK` records in a transaction of its
    own, which stores the chunk's reports, notifications and receipt lines and moves the
    batch's progress on, all or nothing. So no write lock is held for long, the receipt
    shows the counts so far, and a worker that stops (or dies) mid-batch goes on, at its
    next run, from the first record not stored: nothing is taken in twice. Two workers on
    one batch take turns chunk by chunk (the batch's row is locked by each chunk's
    transaction, which checks the progress first).

    Matching, the costly part, is done before each chunk's transaction, not in it.
    `stop_after`: stop after this many chunks (tests: a worker that stops part way)."""
    batch = IntakeBatch.objects.get(pk=batch_id)
    body = QueuedBody.objects.filter(batch_id=batch_id).first()
    if batch.status == IntakeBatch.Status.DONE or body is None:
        return _finish(batch_id)
    now = body.parsed_at
    if batch.channel == IntakeBatch.Channel.API:
        # As the API reads a small batch: its own size limit (HOMEWARD_API_MAX_BYTES) was
        # checked by the request, not the limit of a file.
        parsed = parse.parse_json(_body_bytes(body), source=batch.source, now=now)
    else:
        parsed = parse.parse_file(body.name, _body_bytes(body), now=now)
    del body
    if parsed.problems:
        with transaction.atomic():
            IntakeBatch.objects.filter(pk=batch_id).update(
                problems=[_problem(p) for p in parsed.problems], total=0
            )
        return _finish(batch_id)
    records = parsed.records
    IntakeBatch.objects.filter(pk=batch_id).exclude(status=IntakeBatch.Status.DONE).update(
        status=IntakeBatch.Status.IN_PROGRESS, total=len(records)
    )
    forces = _forces()
    size = chunk or chunk_size()
    start = batch.processed
    matcher = Matcher(in_memory=len(records) - start >= IN_MEMORY_FROM, workers=workers)
    force = batch.force
    done = 0
    yields = connection.vendor == "sqlite"
    # The stretches of the batch looked ahead at (`_look_ahead`), each with its first record:
    # two in hand, one being stored while the next is matched (in the background, with
    # workers).
    window = max(size, LOOK_AHEAD)
    looked = start
    ahead: list[tuple[int, list[match.Person]]] = []
    try:
        while start < len(records):
            if stop_after is not None and done >= stop_after:
                return IntakeBatch.objects.get(pk=batch_id)
            while looked < min(len(records), start + 2 * window):
                people = _look_ahead(
                    records[looked : looked + window], force=force, forces=forces, now=now
                )
                matcher.prefetch(people)
                ahead.append((looked, people))
                looked += window
            part = records[start : start + size]
            while ahead and ahead[0][0] < start + len(part):
                matcher.wait(ahead.pop(0)[1])
            began = time.monotonic()
            start = _store_chunk(
                batch_id, start, part, force=force, forces=forces, now=now, matcher=matcher
            )
            matcher.forget()
            done += 1
            if yields and activity.pages_active():
                # SQLite has one writer at a time and no queue: a page waiting to write
                # polls for the lock. Leaving it free for as long as the chunk held it lets
                # every waiting page in between two chunks; only while pages are in use.
                time.sleep(min(time.monotonic() - began, MAX_YIELD))
    finally:
        matcher.close()
    return _finish(batch_id)


#: The longest a worker waits between two chunks to let pages write (SQLite).
MAX_YIELD = 0.5
#: Records of a big batch looked ahead at (and matched) at a time, before their chunks are
#: stored: with workers, the next stretch is matched while this one is stored.
LOOK_AHEAD = 1000


def _look_ahead(
    records: Sequence[parse.Parsed],
    *,
    force: Organisation | None,
    forces: dict[str, Organisation],
    now: datetime,
) -> list[match.Person]:
    """The people these records' reports will describe once they are stored (each report's
    stored notifications folded with the records'): matched outside any transaction, so a
    chunk's transaction only looks their suggestions up. A report that changes before then
    is matched in the transaction, as a small batch's are."""
    valid = [
        r.notification
        for r in records
        if r.notification is not None
        and _force_problem(r.notification, line=r.line, force=force, forces=forces) is None
    ]
    pending = _pending_reports(valid, lock=False)
    touched: dict[tuple[str, str], _Pending] = {}
    for order, notification in enumerate(valid, start=1):
        item = pending[(notification.force, notification.police_reference)]
        if item.report is not None and item.report.state in (
            PoliceReport.State.LINKED,
            PoliceReport.State.DISMISSED,
        ):
            continue  # a person has decided: no suggestions kept
        key = version_key(notification)
        if key in item.seen:
            continue  # the very notification was stored before: nothing changes
        item.seen.add(key)
        item.versions.append(_Version(notification, now, NEW + order))
        touched[item.key] = item
    return [match.person_from(fold(item.versions)[0]) for item in touched.values()]


def _store_chunk(
    batch_id: int,
    start: int,
    part: Sequence[parse.Parsed],
    *,
    force: Organisation | None,
    forces: dict[str, Organisation],
    now: datetime,
    matcher: Matcher,
) -> int:
    """Store one chunk and move the batch's progress on, in one transaction (tried again
    when another request stored one of its reports first); where the batch has got to."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with transaction.atomic():
                batch = IntakeBatch.objects.select_for_update().get(pk=batch_id)
                if batch.processed != start or batch.status == IntakeBatch.Status.DONE:
                    return batch.processed  # another worker has taken this chunk in
                counts = _take_in(batch, part, force=force, forces=forces, now=now, suggest=matcher)
                IntakeBatch.objects.filter(pk=batch_id).update(
                    processed=F("processed") + len(part),
                    **{status: F(status) + count for status, count in counts.items() if count},
                )
                return start + len(part)
        except IntegrityError:
            if attempt == ATTEMPTS:
                raise
    raise AssertionError("unreachable")


@transaction.atomic
def _finish(batch_id: int) -> IntakeBatch:
    """The batch is done: its body as received is deleted (the reports and the receipt keep
    what is needed)."""
    batch = IntakeBatch.objects.select_for_update().get(pk=batch_id)
    QueuedBody.objects.filter(batch_id=batch_id).delete()
    if batch.status != IntakeBatch.Status.DONE:
        batch.status = IntakeBatch.Status.DONE
        batch.finished_at = timezone.now()
        batch.save(update_fields=["status", "finished_at"])
    return batch


def intake_resume() -> list[IntakeBatch]:
    """Queue a task again for every batch not done that has none waiting (its worker died,
    or the task failed): run before the worker starts. Safe to run at any time: two tasks on
    one batch take turns (`intake_continue`)."""
    from django_tasks_db.models import DBTaskResult

    from homeward.intake import tasks

    waiting = {
        (row or {}).get("kwargs", {}).get("batch_id")
        for row in DBTaskResult.objects.ready()
        .filter(task_path=tasks.take_in_batch.module_path)
        .values_list("args_kwargs", flat=True)
    }
    resumed = []
    for batch in IntakeBatch.objects.exclude(status=IntakeBatch.Status.DONE).order_by("pk"):
        if batch.pk not in waiting:
            tasks.take_in_batch.enqueue(batch_id=batch.pk)
            resumed.append(batch)
    return resumed


#: How many times a batch is tried when another request stored the same report first.
ATTEMPTS = 3


def intake_batch(
    *,
    parsed: parse.Batch,
    channel: str,
    by: User | None = None,
    force: Organisation | None = None,
    now: datetime | None = None,
    workers: int = 1,
) -> IntakeBatch:
    """Store a parsed batch and its receipt. `force`: the token's force (API); otherwise
    each notification's force must be a police force set up here.

    Two requests carrying the same new report at the same moment (a force's retry racing its
    first attempt) can both find no report and both insert one: the database's unique
    constraints refuse the second, its transaction keeps nothing, and it is tried again,
    when it finds the first's report (a duplicate, or an amendment)."""
    now = now or timezone.now()
    arguments = {"parsed": parsed, "channel": channel, "by": by, "force": force, "now": now}
    if transaction.get_connection().in_atomic_block:
        return _intake_batch(**arguments, workers=workers)
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return _intake_batch(**arguments, workers=workers)
        except IntegrityError:
            if attempt == ATTEMPTS:
                raise
    raise AssertionError("unreachable")


@transaction.atomic
def _intake_batch(
    *,
    parsed: parse.Batch,
    channel: str,
    by: User | None,
    force: Organisation | None,
    now: datetime,
    workers: int,
) -> IntakeBatch:
    batch = IntakeBatch.objects.create(
        reference=case_services.references_reserve("B", 1)[0],
        channel=channel,
        source=storable(parsed.source)[:255],
        force=force,
        received_by=by,
        total=len(parsed.records),
        processed=len(parsed.records),
        finished_at=now,
    )
    if parsed.problems:
        batch.problems = [_problem(p) for p in parsed.problems]
        batch.save(update_fields=["problems"])
        return batch
    counts = _take_in(
        batch,
        parsed.records,
        force=force,
        forces=_forces(),
        now=now,
        suggest=lambda people: suggest_many(people, workers=workers),
    )
    for status, count in counts.items():
        setattr(batch, status, count)
    batch.save(update_fields=list(counts))
    return batch


def _forces() -> dict[str, Organisation]:
    """The police forces set up here, by their code."""
    return {
        o.code: o
        for o in Organisation.objects.filter(kind=Organisation.Kind.POLICE_FORCE).exclude(code="")
    }


def _force_problem(
    notification: Notification, *, line: int, force: Organisation | None, forces: dict[str, Any]
) -> dict[str, Any] | None:
    """Why a notification's force refuses it: not the token's force, or not set up here."""
    if force is not None and notification.force != force.code:
        return {
            "line": line,
            "field": "force",
            "reason": f"this token is for force {force.code!r}, not {notification.force!r}",
        }
    if force is None and notification.force not in forces:
        return {
            "line": line,
            "field": "force",
            "reason": f"no police force with code {notification.force!r} is set up "
            "here: an administrator sets up each force",
        }
    return None


def _take_in(
    batch: IntakeBatch,
    records: Sequence[parse.Parsed],
    *,
    force: Organisation | None,
    forces: dict[str, Organisation],
    now: datetime,
    suggest: Suggest,
) -> dict[str, int]:
    """Store these records of the batch (all of a small batch, or one chunk of a big one)
    and their receipt lines, in the caller's transaction; the count of each line status."""
    lines: list[BatchLine] = []
    valid: list[tuple[parse.Parsed, Notification, str, BatchLine]] = []
    for record in records:
        line = BatchLine(
            batch=batch,
            raw=None,  # kept (encrypted) for a refused record only
            line=record.line,
            police_reference=storable(str(record.raw.get("police_reference", "")))[:50],
        )
        lines.append(line)
        problems = [_problem(p) for p in record.problems]
        notification = record.notification
        if notification is not None:
            refused = _force_problem(notification, line=record.line, force=force, forces=forces)
            if refused is not None:
                problems.append(refused)
        if problems or notification is None:
            line.status = BatchLine.Status.REJECTED
            line.problems = problems
            line.raw = json.dumps(record.raw, default=str)
            continue
        valid.append((record, notification, parse.content_key(notification), line))

    pending = _pending_reports([n for _, n, _, _ in valid])
    duplicates: list[tuple[BatchLine, _Pending]] = []
    order = 0
    for record, notification, content, line in valid:
        item = pending[(notification.force, notification.police_reference)]
        order += 1
        version = _Version(notification, now, NEW + order)
        key = version_key(notification, content)
        if _duplicate(item, key, content, version):
            line.status = BatchLine.Status.DUPLICATE
            duplicates.append((line, item))
            continue
        item.seen.add(key)
        item.contents.add(content)
        first = item.report is None and not item.new
        line.status = BatchLine.Status.ACCEPTED if first else BatchLine.Status.AMENDED
        item.versions.append(version)
        item.new.append((record, key, line))

    _store_reports(
        [item for item in pending.values() if item.new], forces=forces, now=now, suggest=suggest
    )
    for line, item in duplicates:
        line.report = item.report
    BatchLine.objects.bulk_create(lines, batch_size=CHUNK)
    counts = dict.fromkeys(BatchLine.Status.values, 0)
    for line in lines:
        counts[line.status] += 1
    return counts


def version_key(n: Notification, content: str | None = None) -> str:
    """A notification's key: its content (`parse.content_key`, given when already known) and
    when the police sent it."""
    sent = n.sent_at.isoformat() if n.sent_at is not None else ""
    content = content if content is not None else parse.content_key(n)
    return hashlib.sha256(f"{content}|{sent}".encode()).hexdigest()


def _duplicate(item: _Pending, key: str, content: str, version: _Version) -> bool:
    """Whether a notification adds nothing: the very one was received before, or one with the
    same content was and this one gives no sent_at, or taking it in would leave the report as
    it is. (The police going back to an earlier state, a risk grade raised again, sent
    later, is not a duplicate.)"""
    if key in item.seen:
        return True
    if content not in item.contents:
        return False
    if version.notification.sent_at is None:
        return True  # a resend that says nothing of when it was sent cannot be placed later
    after, told_after = fold([*item.versions, version])
    before, told_before = fold(item.versions)
    return (replace(after, sent_at=None), told_after) == (
        replace(before, sent_at=None),
        told_before,
    )


def _pending_reports(
    notifications: Sequence[Notification], *, lock: bool = True
) -> dict[tuple[str, str], _Pending]:
    """The reports the batch touches, with what is stored of each already (locked, unless
    `lock` is False: a look ahead, outside the writing transaction)."""
    keys = dict.fromkeys((n.force, n.police_reference) for n in notifications)
    pending = {key: _Pending(key=key, report=None) for key in keys}
    references = sorted({reference for _, reference in keys})
    # The force codes too, so the lookup uses the (force_code, police_reference) index rather
    # than reading every report (SQLite scanned the whole table for each batch or chunk).
    forces = sorted({force for force, _ in keys})
    existing: dict[int, _Pending] = {}
    for chunk in _chunks(references):
        # Locked (PostgreSQL; SQLite's writer lock does the same): two batches amending one
        # report fold one after the other, each with the other's notification.
        reports = PoliceReport.objects.filter(force_code__in=forces, police_reference__in=chunk)
        if lock:
            reports = reports.select_for_update()
        for report in reports.order_by("pk"):
            item = pending.get((report.force_code, report.police_reference))
            if item is not None:
                item.report = report
                existing[report.pk] = item
    ids = sorted(existing)
    for chunk in _chunks(ids):
        for report_id, key, content, received_at, pk in ReportNotification.objects.filter(
            report_id__in=chunk
        ).values_list("report_id", "content_key", "content", "received_at", "pk"):
            item = existing[report_id]
            stored = content_load(content)
            item.seen.add(key)
            item.contents.add(parse.content_key(stored))
            item.versions.append(_Version(stored, received_at, pk))
    return pending


def _store_reports(
    items: Sequence[_Pending], *, forces: dict[str, Organisation], now: datetime, suggest: Suggest
) -> None:
    """Fold, classify and match each touched report, then store reports and notifications."""
    if not items:
        return
    home = case_services.home_authority()
    states: list[tuple[_Pending, Notification, datetime | None]] = [
        (item, *fold(item.versions)) for item in items
    ]
    care = _care_addresses([p for _, n, _ in states for p in _notification_postcodes(n)])
    classifications = [_classify(n, home=home, care=care) for _, n, _ in states]
    to_match = []
    for (item, n, _), cls in zip(states, classifications, strict=True):
        # Reports a person has not decided on; a young adult's too: one about a care leaver,
        # or a child the authority knew, goes to a person (`_routes`).
        undecided = item.report is None or item.report.state in (
            PoliceReport.State.WAITING,
            PoliceReport.State.ADULT,
        )
        if undecided and (cls.for_a_person or cls.young_adult):
            to_match.append((item.key, match.person_from(n)))
    suggestions = suggest(to_match)
    routes = _routes(
        [
            (item.key, cls, police_classify.uk_date(n.reported_at), suggestions.get(item.key, []))
            for (item, n, _), cls in zip(states, classifications, strict=True)
        ]
    )

    new_refs = iter(case_services.references_reserve("P", sum(1 for i in items if not i.report)))
    creating: list[PoliceReport] = []
    updating: list[PoliceReport] = []
    newly_cared: list[PoliceReport] = []
    linked: list[tuple[PoliceReport, dict[str, Any]]] = []
    dumps: dict[int, str] = {}
    for (item, n, told), cls in zip(states, classifications, strict=True):
        report = item.report
        if report is None:
            report = PoliceReport(
                reference=next(new_refs),
                force_code=n.force,
                force=forces.get(n.force),
                police_reference=n.police_reference,
                state=_next_state(None, routes[item.key]),
                known_adult=_known_as(routes[item.key]),
                # Nothing to encrypt yet (an empty text would still cost an encryption).
                miscoding_resolution=None,
                decision_note=None,
            )
            item.report = report
            creating.append(report)
        else:
            report.state = _next_state(report, routes[item.key])
            if item.key in suggestions:
                if report.known_adult != PoliceReport.KnownAdult.CARE_LEAVER:
                    newly_cared.append(report)
                report.known_adult = _known_as(routes[item.key])
            updating.append(report)
        _describe(report, n, cls, suggestions.get(item.key))
        dumps[id(n)] = report.content  # a report of one notification: the same text
        if report.state == PoliceReport.State.LINKED and report.episode_id:
            linked.append((report, _changed_values(item, n, told, cls, report, home, care)))
    PoliceReport.objects.bulk_create(creating, batch_size=CHUNK)
    PoliceReport.objects.bulk_update(updating, REPORT_FIELDS, batch_size=CHUNK)
    tell_leaving_care(
        [
            r.reference
            for r in (*creating, *newly_cared)
            if r.known_adult == PoliceReport.KnownAdult.CARE_LEAVER
        ]
    )

    new = [(item, record, key, line) for item in items for record, key, line in item.new]
    refs = iter(case_services.references_reserve("N", len(new)))
    notifications = []
    for item, record, key, line in new:
        assert record.notification is not None and item.report is not None
        notification = ReportNotification(
            reference=next(refs),
            report=item.report,
            batch_id=line.batch_id,
            line=record.line,
            content_key=key,
            notification_type=record.notification.notification_type.value,
            sent_at=record.notification.sent_at,
            received_at=now,
            content=dumps.get(id(record.notification)) or content_dump(record.notification),
        )
        notifications.append(notification)
        line.notification = notification
        line.report = item.report
    ReportNotification.objects.bulk_create(notifications, batch_size=CHUNK)
    for report, values in linked:
        _apply_to_episode(report, values)
    PoliceReport.objects.bulk_update(
        [report for report, _ in linked], ["concerns", "miscoding", "episode_pending"]
    )


def _apply_to_episode(report: PoliceReport, values: dict[str, Any]) -> None:
    """Bring the report's episode up to date, in a savepoint. If the episode cannot take the
    values (someone corrected it by hand in a way the police's times contradict), the
    notification is kept, the episode is left as it is, the fields are kept to try again
    with the next notification, and a person is asked (the possible-miscoding list)."""
    if report.recode_applied_at is not None:
        values = {k: v for k, v in values.items() if k not in RECODED}
    if not values:
        return
    try:
        with transaction.atomic():
            case_services.episode_apply_police(episode=report.episode, values=values)
    except ValidationError as error:
        report.episode_pending = sorted(values)
        report.concerns = [
            *report.concerns,
            {
                "code": EPISODE_CONFLICT,
                "message": f"The police's latest details could not be applied to episode "
                f"{report.episode}: {'; '.join(error.messages)}. Check the episode against "
                "the report with the force, and correct the episode by hand.",
            },
        ]
        report.miscoding = PoliceReport.Miscoding.OPEN
    else:
        report.episode_pending = []


def _changed_values(
    item: _Pending,
    n: Notification,
    told: datetime | None,
    cls: police_classify.Classification,
    report: PoliceReport,
    home: Authority,
    care: dict[str, list[str]],
) -> dict[str, Any]:
    """The episode fields the amendment changes: those whose police value differs from what
    the report said before it. What the authority corrected by hand in a field the police did
    not change stays as the authority has it (the reconciliation shows any disagreement)."""
    new = episode_values(n, cls, report.child, told)
    before = [v for v in item.versions if v.order < NEW]
    if not before:
        return new
    old_n, old_told = fold(before)
    old_cls = _classify(old_n, home=home, care=care)
    old = episode_values(old_n, old_cls, report.child, old_told)
    # Fields the episode could not take last time are tried again.
    return {
        name: value
        for name, value in new.items()
        if old.get(name) != value or name in report.episode_pending
    }


#: The concern raised when a linked episode cannot take the police's amended details.
EPISODE_CONFLICT = "episode_conflict"


REPORT_FIELDS = [
    "content",
    "known_adult",
    "notification_type",
    "reported_at",
    "last_seen_at",
    "found_at",
    "sent_at",
    "age_at_report",
    "is_child",
    "kind",
    "missing_from",
    "authority_role",
    "concerns",
    "miscoding",
    "suggestions",
    "best_band",
    "state",
    "updated_at",
]


def _routes(
    reports: Sequence[tuple[T, police_classify.Classification, date, list[dict[str, Any]]]],
) -> dict[T, police_classify.Route]:
    """Each report's route (`police_classify.route`), from its classification, the UK date it
    was reported on and its suggestions (the best, in the match or possible band, as the
    authority records that child)."""
    best = {
        key: found[0]
        for key, _, _, found in reports
        if found and found[0]["band"] in (match.Band.MATCH, match.Band.POSSIBLE)
    }
    records = {
        pk: (born, status in CARED)
        for pk, born, status in Child.objects.filter(
            pk__in={found["child"] for found in best.values()}
        ).values_list("pk", "date_of_birth", "legal_status")
    }
    out: dict[T, police_classify.Route] = {}
    for key, cls, reported_on, _ in reports:
        found = best.get(key)
        record = records.get(found["child"]) if found else None
        known = (
            police_classify.KnownPerson(
                date_of_birth=record[0],
                cared=record[1],
                certain=found["band"] == match.Band.MATCH,
            )
            if found and record
            else None
        )
        out[key] = police_classify.route(cls, reported_on, known)
    return out


#: The legal statuses that make a young adult a care leaver to the authority.
CARED: Final = frozenset({codes.LegalStatus.LOOKED_AFTER, codes.LegalStatus.CARE_LEAVER})
#: The routes of a report about an adult the authority knows: what its `known_adult` says.
KNOWN_ADULT_ROUTES: Final = frozenset(
    {police_classify.Route.CARE_LEAVER, police_classify.Route.KNOWN_CHILD}
)


def _next_state(report: PoliceReport | None, route: police_classify.Route) -> str:
    """New reports wait for a person unless about an adult the authority does not know
    (`_routes`: a young adult matched to a care leaver or a child it knew waits too); an
    amendment that makes an adult's report concern a child puts it back in front of a
    person."""
    queued = (
        PoliceReport.State.ADULT
        if route == police_classify.Route.ADULT
        else PoliceReport.State.WAITING
    )
    if report is None or report.state == PoliceReport.State.ADULT:
        return queued
    return report.state


def leaving_care_emails() -> list[str]:
    """The email addresses of the people in the home authority's leaving-care teams."""
    from homeward.accounts.models import User

    return accounts_services.active_emails(
        User.objects.filter(
            organisation__leaving_care=True,
            organisation__kind=Organisation.Kind.AUTHORITY_TEAM,
            organisation__authority__is_home=True,
        )
    )


def tell_leaving_care(references: Sequence[str]) -> None:
    """Email the leaving-care team (when the authority has one) the references of police
    reports newly found to be about its care leavers: references only, never a name. Without
    such a team they reach the coordinators' queue only, marked "Care leaver"."""
    if not references:
        return
    count = len(references)
    accounts_services.email_on_commit(
        leaving_care_emails(),
        f"{count} police report{'s' if count != 1 else ''} about a care leaver",
        [
            "The police have reported missing someone the authority looked after as a child: "
            "a care leaver, to whom it owes duties to 25. Open each report in homeward "
            "(Police reports):",
            "",
            *references,
        ],
    )


def _known_as(route: police_classify.Route) -> str:
    """A report's `known_adult`: what the authority knows an adult as, from the route."""
    return route.value if route in KNOWN_ADULT_ROUTES else ""


def _describe(
    report: PoliceReport,
    n: Notification,
    cls: police_classify.Classification,
    suggestions: list[dict[str, Any]] | None,
) -> None:
    report.content = content_dump(n)
    report.notification_type = n.notification_type.value
    report.reported_at = n.reported_at
    report.last_seen_at = n.last_seen_at
    report.found_at = n.found_at
    report.sent_at = n.sent_at
    report.age_at_report = cls.age_at_report
    report.is_child = cls.is_child
    report.kind = cls.kind.value
    report.missing_from = cls.missing_from.value if cls.missing_from else ""
    report.authority_role = cls.authority_role.value
    old = {c["code"] for c in report.concerns or []}
    report.concerns = [{"code": c.code, "message": c.message} for c in cls.concerns]
    new = {c.code for c in cls.concerns}
    if new - old or (new and report.miscoding == PoliceReport.Miscoding.NONE):
        report.miscoding = PoliceReport.Miscoding.OPEN
    if report.state == PoliceReport.State.WAITING:
        report.suggestions = _summary(suggestions or [])
        report.best_band = report.suggestions[0]["band"] if report.suggestions else "none"
    report.updated_at = timezone.now()


def _squeeze(postcode: str) -> str:
    return "".join(postcode.split()).upper()


def _summary(suggestions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What a report keeps of its suggestions when taken in: each child, band and score (the
    reasons are worked out afresh, with the children as they are, when the report is read)."""
    return [{k: s[k] for k in ("child", "reference", "score", "band")} for s in suggestions]


def _classify(
    n: Notification, *, home: Authority, care: dict[str, list[str]]
) -> police_classify.Classification:
    """Classify a notification as this authority does: with the care addresses at its
    postcodes (of `care`, a batch's) and the risk families it leaves out."""
    return police_classify.classify(
        n,
        home_authority=home.gss_code,
        care_addresses=_own_care_addresses(n, care),
        risk_ignore=settings.HOMEWARD_RISK_FAMILIES_IGNORED,
    )


def _notification_postcodes(n: Notification) -> list[str]:
    """The postcodes a notification's addresses are at: the fields', or one written in the
    address itself."""
    return [
        p
        for p in (
            police_classify.postcode_of(n.address, n.postcode),
            police_classify.postcode_of(n.placement_address, n.placement_postcode),
        )
        if p
    ]


def _care_addresses(postcodes: Sequence[str]) -> dict[str, list[str]]:
    """Of these postcodes, those where the authority has looked-after children placed, with
    their addresses (postcodes upper case without spaces: a child's may be stored either
    way)."""
    found: dict[str, list[str]] = {}
    variants = sorted({v for p in postcodes for v in (p, _squeeze(p), p.upper())})
    for chunk in _chunks(variants):
        for postcode, address in Child.objects.filter(
            legal_status=codes.LegalStatus.LOOKED_AFTER, postcode__in=chunk
        ).values_list("postcode", "address"):
            if address:
                found.setdefault(_squeeze(postcode), []).append(address)
    return found


def _own_care_addresses(n: Notification, care: dict[str, list[str]]) -> frozenset[tuple[str, str]]:
    """Of the batch's care addresses, those at this notification's postcodes (classify reads
    each one it is given, so it is given only those that can matter)."""
    return frozenset(
        (postcode, address)
        for postcode in _notification_postcodes(n)
        for address in care.get(postcode, ())
    )


#: From this many people on, every child is read once into an in-memory index (`match.
#: CandidateIndex`, the same blocks as the stored keys) instead of looking up stored keys a
#: few hundred people at a time: for a big batch, one read of 50,000 children is cheaper.
IN_MEMORY_FROM = 1000


#: Works out the best candidate children of each (key, person): `suggest_many`, a `Matcher`.
Suggest = Callable[[Sequence[tuple[Any, match.Person]]], dict[Any, list[dict[str, Any]]]]


def suggest_many(
    people: Sequence[tuple[T, match.Person]], *, workers: int = 1
) -> dict[T, list[dict[str, Any]]]:
    """For each reported person, the best candidate children (bands and reasons): through
    the children's stored blocking keys, one query per few hundred people; or, for a big
    batch, through an in-memory index of every child."""
    if len(people) >= IN_MEMORY_FROM:
        return _suggest_in_memory(people, workers)
    return _suggest_by_keys(people)


class Matcher:
    """`suggest_many` for a batch taken in a chunk at a time. With `in_memory`, the index of
    every child is read once, at the first chunk, and kept for the others (children added
    while the batch is taken in are found when a person opens the report: its suggestions
    are worked out afresh then).

    `prefetch` starts working out the suggestions of the people a stretch of the batch will
    describe, outside any transaction: with `workers` above 1 (and the index in memory), in
    that many forked processes, in the background, while this process stores the chunks
    before; otherwise at once. `wait` (before a chunk's transaction) collects what a chunk
    needs, so its transaction only looks suggestions up. A person not prefetched (a report
    amended again later in the batch, folded otherwise than the look ahead saw it) is
    matched when asked for. `close` stops the processes."""

    def __init__(self, *, in_memory: bool, workers: int = 1) -> None:
        self.in_memory = in_memory
        self.workers = workers
        self._index: tuple[match.CandidateIndex, dict[int, tuple[match.Candidate, str]]] | None
        self._index = None
        self._known: dict[match.Person, list[dict[str, Any]]] = {}
        self._used: set[match.Person] = set()
        self._coming: dict[match.Person, AsyncResult[list[tuple[Any, Any]]]] = {}
        self._pool: Pool | None = None

    def _children(self) -> tuple[match.CandidateIndex, dict[int, tuple[match.Candidate, str]]]:
        if self._index is None:
            self._index = _index_of_children()
        return self._index

    def _rank(self, people: Sequence[tuple[T, match.Person]]) -> dict[T, list[dict[str, Any]]]:
        if not people:
            return {}
        if not self.in_memory:
            return _suggest_by_keys(people)
        return dict(_rank_part(*self._children(), people))

    def _background(self) -> Pool:
        global _FORKED
        if self._pool is None:
            # Forked once the index is read: the processes share it (copy on write) and
            # touch no database; they send back only the suggestions.
            _FORKED = self._children()
            self._pool = multiprocessing.get_context("fork").Pool(self.workers)
        return self._pool

    def prefetch(self, people: Sequence[match.Person]) -> None:
        """Start working out these people's suggestions (see the class)."""
        wanted = [
            p for p in dict.fromkeys(people) if p not in self._known and p not in self._coming
        ]
        if not wanted:
            return
        if not (self.in_memory and self.workers > 1):
            self._known.update(self._rank([(p, p) for p in wanted]))
            return
        pool = self._background()
        for start in range(self.workers):
            part = wanted[start :: self.workers]
            if part:
                result = pool.apply_async(_rank_forked, ([(p, p) for p in part],))
                self._coming.update(dict.fromkeys(part, result))

    def wait(self, people: Iterable[match.Person]) -> None:
        """Collect the prefetched suggestions of these people (waiting for them)."""
        for person in people:
            result = self._coming.get(person)
            if result is None:
                continue
            for found, suggestions in result.get():
                self._coming.pop(found, None)
                self._known[found] = suggestions

    def __call__(self, people: Sequence[tuple[T, match.Person]]) -> dict[T, list[dict[str, Any]]]:
        self.wait(p for _, p in people)
        out = {key: self._known[p] for key, p in people if p in self._known}
        self._used.update(p for _, p in people if p in self._known)
        out.update(self._rank([(key, p) for key, p in people if p not in self._known]))
        return out

    def forget(self) -> None:
        """Drop the suggestions used (after their chunk is stored)."""
        for person in self._used:
            self._known.pop(person, None)
        self._used.clear()

    def close(self) -> None:
        global _FORKED
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None
            _FORKED = None
        self._coming.clear()


def _suggest_by_keys(
    people: Sequence[tuple[T, match.Person]],
) -> dict[T, list[dict[str, Any]]]:
    out: dict[T, list[dict[str, Any]]] = {}
    candidates: dict[int, tuple[match.Candidate, str]] = {}
    for chunk in _chunks(people):
        wanted = {key: match.query_keys(person) for key, person in chunk}
        all_keys = sorted(set().union(*wanted.values())) if wanted else []
        by_key: dict[str, list[int]] = {}
        for block in _chunks(all_keys, 2000):
            for key, child_id in ChildMatchKey.objects.filter(key__in=block).values_list(
                "key", "child_id"
            ):
                by_key.setdefault(key, []).append(child_id)
        ids = {c for keys in wanted.values() for k in keys for c in by_key.get(k, [])}
        candidates.update(_candidates(sorted(ids - set(candidates))))
        for key, person in chunk:
            mine = {c for k in wanted[key] for c in by_key.get(k, [])}
            ranked = match.rank(person, [candidates[c][0] for c in sorted(mine)], limit=SUGGESTIONS)
            out[key] = [suggestion_json(s, candidates[s.key][1]) for s in ranked]
    return out


def _index_of_children() -> tuple[match.CandidateIndex, dict[int, tuple[match.Candidate, str]]]:
    """Every child, in an in-memory index of the stored blocking keys."""
    children = _candidates(None)
    keys: dict[int, list[str]] = {}
    for key, child_id in ChildMatchKey.objects.values_list("key", "child_id").iterator(20_000):
        keys.setdefault(child_id, []).append(key)
    index = match.CandidateIndex(())
    for child_id, (candidate, _) in children.items():
        # The stored keys, as the single-notification path uses them (worked out for a child
        # with none stored).
        index.add(candidate, keys.get(child_id))
    return index, children


def _suggest_in_memory(
    people: Sequence[tuple[T, match.Person]], workers: int = 1
) -> dict[T, list[dict[str, Any]]]:
    index, children = _index_of_children()
    if workers > 1 and len(people) >= 2 * IN_MEMORY_FROM:
        return _rank_in_processes(index, children, people, workers)
    return dict(_rank_part(index, children, people))


def _rank_part(
    index: match.CandidateIndex,
    children: dict[int, tuple[match.Candidate, str]],
    people: Sequence[tuple[T, match.Person]],
) -> list[tuple[T, list[dict[str, Any]]]]:
    out = []
    for key, person in people:
        found = sorted(index.candidates(person), key=lambda c: c.key)
        ranked = match.rank(person, found, limit=SUGGESTIONS)
        out.append((key, [suggestion_json(s, children[s.key][1]) for s in ranked]))
    return out


#: The index and the children a forked ranking process reads (set only while it forks).
_FORKED: tuple[match.CandidateIndex, dict[int, tuple[match.Candidate, str]]] | None = None


def _rank_forked(people: Sequence[tuple[Any, match.Person]]) -> list[tuple[Any, Any]]:
    assert _FORKED is not None
    return _rank_part(*_FORKED, people)


def _rank_in_processes(
    index: match.CandidateIndex,
    children: dict[int, tuple[match.Candidate, str]],
    people: Sequence[tuple[T, match.Person]],
    workers: int,
) -> dict[T, list[dict[str, Any]]]:
    """Rank in `workers` forked processes, which share the index with this one (copy on
    write) and touch no database: they send back only the suggestions."""
    global _FORKED
    _FORKED = (index, children)
    try:
        parts = [list(people[start::workers]) for start in range(workers)]
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            results = pool.map(_rank_forked, parts)
    finally:
        _FORKED = None
    return {key: found for part in results for key, found in part}


def _candidates(ids: Sequence[int] | None) -> dict[int, tuple[match.Candidate, str]]:
    """The children with these ids (None: every child) as the matcher sees them, with their
    references."""
    rows: dict[int, tuple[Any, ...]] = {}
    aliases: dict[int, list[str]] = {}
    fields = ("pk", "reference", "first_name", "last_name", "date_of_birth", "sex", "postcode")
    if ids is None:
        rows = {row[0]: row for row in Child.objects.values_list(*fields).iterator(5000)}
        for child_id, name in ChildAlias.objects.values_list("child_id", "name"):
            aliases.setdefault(child_id, []).append(name)
    for chunk in _chunks(ids or [], 2000):
        for row in Child.objects.filter(pk__in=chunk).values_list(*fields):
            rows[row[0]] = row
        for child_id, name in ChildAlias.objects.filter(child_id__in=chunk).values_list(
            "child_id", "name"
        ):
            aliases.setdefault(child_id, []).append(name)
    return {
        pk: (
            match.Candidate(
                key=pk,
                person=match.Person(
                    given_names=row[2],
                    family_name=row[3],
                    aliases=tuple(aliases.get(pk, [])),
                    date_of_birth=row[4],
                    sex=row[5],
                    postcode=row[6],
                ),
            ),
            row[1],
        )
        for pk, row in rows.items()
    }


def suggestion_json(scored: match.Scored, reference: str) -> dict[str, Any]:
    return {
        "child": scored.key,
        "reference": reference,
        "score": round(scored.score, 1),
        "band": scored.band.value,
        "reasons": [[round(r.points, 1), r.text] for r in scored.reasons],
    }


def episode_values(
    n: Notification,
    cls: police_classify.Classification,
    child: Child | None,
    told: datetime | None,
) -> dict[str, Any]:
    """The episode fields a report sets: its full context, as the police gave it."""
    if cls.missing_from is not None:
        missing_from = cls.missing_from.value
    elif child is not None and child.legal_status == codes.LegalStatus.LOOKED_AFTER:
        missing_from = codes.MissingFrom.CARE
    else:
        missing_from = codes.MissingFrom.HOME
    officer = " — ".join(p for p in (n.officer_name, n.officer_contact) if p)
    # The episode starts at the earliest of the police's times (a report made after the
    # child was found gives a found time before the report), and no time is after now (a
    # force's clock a little fast): the episode's own checks then always hold.
    now = timezone.now()
    start = min(t for t in (n.last_seen_at, n.reported_at, n.found_at) if t is not None)
    return {
        "category": codes.Category.ABSENT
        if n.category == Category.ABSENT
        else codes.Category.MISSING,
        "missing_from": missing_from,
        "started_at": min(start, now),
        "reported_to_police_at": min(n.reported_at, now),
        "returned_at": None if n.found_at is None else min(n.found_at, now),
        "notified_at": None if n.found_at is None or told is None else min(told, now),
        "risk_grade": n.risk_grade.value if n.risk_grade else "",
        "circumstances": n.circumstances,
        "last_seen_where": n.last_seen_where[:200],
        "found_where": n.found_where[:200],
        "found_by": n.found_by[:200],
        "risk_factors": [f.value for f in n.risk_factors],
        "prevention_interview_done": n.prevention_interview_done,
        "police_officer": officer[:400],
    }


# --- what a person decides -----------------------------------------------------------------


def _waiting(by: User, report: PoliceReport) -> PoliceReport:
    if not permissions.can_take_in_notifications(by):
        raise PermissionDenied("only a coordinator or manager decides about police reports")
    report = PoliceReport.objects.select_for_update().get(pk=report.pk)
    if report.state == PoliceReport.State.LINKED:
        raise ValidationError(f"Report {report} is already linked to episode {report.episode}")
    return report


def report_state(report: PoliceReport) -> tuple[Notification, datetime | None]:
    """The report's folded content and when the authority was first told of the return."""
    versions = [
        _Version(content_load(content), received_at, pk)
        for content, received_at, pk in report.notifications.values_list(
            "content", "received_at", "pk"
        )
    ]
    if not versions:
        return content_load(report.content), None
    return fold(versions)


@transaction.atomic
def report_link(
    *,
    by: User,
    report: PoliceReport,
    child: Child,
    episode: Episode | None = None,
    note: str = "",
) -> Episode:
    """A person confirms the report is about `child`: the report's episode is created with
    its full context (or, given `episode`, the child's episode already recorded is brought up
    to date and linked)."""
    report = _waiting(by, report)
    n, told = report_state(report)
    home = case_services.home_authority()
    cls = _classify(n, home=home, care=_care_addresses(_notification_postcodes(n)))
    values = episode_values(n, cls, child, told)
    if episode is None and report.force is not None:
        episode = Episode.objects.filter(
            child=child, police_force=report.force, police_reference=report.police_reference
        ).first()
    if episode is not None:
        if episode.child_id != child.pk:
            raise ValidationError({"episode": f"Episode {episode} is not {child.full_name}'s"})
        if episode.imported:
            raise ValidationError(
                {"episode": f"Episode {episode} is the case system's history: link a new one"}
            )
        if PoliceReport.objects.filter(episode=episode).exclude(pk=report.pk).exists():
            raise ValidationError({"episode": f"Episode {episode} has its own police report"})
        Episode.objects.filter(pk=episode.pk).update(
            police_force=report.force, police_reference=report.police_reference
        )
        case_services.episode_apply_police(episode=episode, values=values)
        episode.refresh_from_db()
        report.created_episode = False
    else:
        episode = case_services.episode_record(
            by=by,
            child=child,
            police_force=report.force,
            police_reference=report.police_reference,
            **{k: v for k, v in values.items()},
        )
        report.created_episode = True
    report.child = child
    report.episode = episode
    if report.age_at_report is None and child.date_of_birth is not None:
        # A report with no date of birth takes its age from the child it is about.
        age = police_classify.age_on(child.date_of_birth, police_classify.uk_date(n.reported_at))
        report.age_at_report, report.is_child = age, age < police_classify.ADULT_AGE
    report.state = PoliceReport.State.LINKED
    report.decided_by = by
    report.decided_at = timezone.now()
    report.decision_note = note.strip()
    _apply_recode(by, report)
    report.save()
    return episode


def child_values(report: PoliceReport) -> dict[str, Any]:
    """What the report says of the person, as a new child's details (a form's initial)."""
    n, _ = report_state(report)
    home = case_services.home_authority()
    responsible = (
        Authority.objects.filter(gss_code=n.responsible_authority).first()
        if n.responsible_authority
        else None
    )
    looked_after = n.placement_type in CARE_PLACEMENTS or n.missing_from == MissingFrom.CARE
    placement = (
        n.placement_type.value
        if looked_after and n.placement_type is not None and n.placement_type in CARE_PLACEMENTS
        else ""
    )
    given, family = match.name_fields(match.person_from(n))
    return {
        "first_name": given.strip(),
        "last_name": family.strip(),
        "date_of_birth": n.date_of_birth,
        "sex": n.sex.value,
        "address": n.address,
        "postcode": n.postcode,
        "legal_status": codes.LegalStatus.LOOKED_AFTER if looked_after else codes.LegalStatus.NONE,
        "placement_type": placement,
        "aliases": list(n.aliases),
        "responsible_authority": responsible,
        "host_authority": home if responsible is not None and responsible != home else None,
    }


@transaction.atomic
def report_new_child(*, by: User, report: PoliceReport, note: str = "", **details: Any) -> Child:
    """A person confirms the report is about a child not yet known: the child is created
    (from the report's details, as the person corrected them) and the report linked."""
    _waiting(by, report)
    values = child_values(report)  # a child placed here by another authority: hosted here
    values.update(details)  # what the person chose wins, "not placed out of area" included
    child = case_services.child_create(by=by, **values)
    report_link(by=by, report=report, child=child, note=note)
    return child


@transaction.atomic
def report_dismiss(*, by: User, report: PoliceReport, note: str) -> PoliceReport:
    """A person decides the report is not for this authority (or not a child), and says why."""
    report = _waiting(by, report)
    if not note.strip():
        raise ValidationError({"note": "Say why this report is not for the authority"})
    report.state = PoliceReport.State.DISMISSED
    report.decided_by = by
    report.decided_at = timezone.now()
    report.decision_note = note.strip()
    report.save()
    return report


@transaction.atomic
def report_reopen(*, by: User, report: PoliceReport) -> PoliceReport:
    """Put a dismissed (or adult) report back in the queue."""
    if not permissions.can_take_in_notifications(by):
        raise PermissionDenied("only a coordinator or manager decides about police reports")
    report = PoliceReport.objects.select_for_update().get(pk=report.pk)
    if report.state not in (PoliceReport.State.DISMISSED, PoliceReport.State.ADULT):
        raise ValidationError("Only a dismissed or adult's report can go back in the queue")
    report.state = PoliceReport.State.WAITING
    state, _ = report_state(report)
    found = suggest_many([(report.pk, match.person_from(state))]).get(report.pk, [])
    report.suggestions = _summary(found)
    report.best_band = found[0]["band"] if found else "none"
    report.save(update_fields=["state", "suggestions", "best_band", "updated_at"])
    return report


#: The episode fields a resolved possible miscoding sets: later notifications from the police
#: no longer overwrite them.
RECODED = ("category", "risk_grade", "missing_from")


def police_coding(report: PoliceReport) -> dict[str, str]:
    """How the police coded the report: its category, risk grade and where from."""
    n, _ = report_state(report)
    missing_from = report.missing_from if report.missing_from in codes.MissingFrom.values else ""
    return {
        "category": codes.Category.ABSENT
        if n.category == Category.ABSENT
        else codes.Category.MISSING,
        "risk_grade": n.risk_grade.value if n.risk_grade else "",
        "missing_from": missing_from,
    }


def _apply_recode(by: User, report: PoliceReport) -> None:
    """Apply the report's recorded outcome to its linked episode (once)."""
    if report.episode is None or not report.recoded_category or report.recode_applied_at:
        return
    corrections.episode_recode(
        by=by,
        episode=report.episode,
        category=report.recoded_category,
        risk_grade=report.recoded_risk_grade,
        missing_from=report.recoded_missing_from,
        reason=f"Possible miscoding of police report {report.reference} resolved: "
        + (report.miscoding_resolution or ""),
    )
    report.recode_applied_at = timezone.now()


@transaction.atomic
def report_resolve_miscoding(
    *,
    by: User,
    report: PoliceReport,
    resolution: str,
    category: str = "",
    risk_grade: str = "",
    missing_from: str = "",
) -> PoliceReport:
    """Record how a possible miscoding was resolved (for the reconciliation meeting) and its
    structured outcome: the category, risk grade and where from the episode should carry.
    The police's own coding is kept beside it; the outcome is applied to the linked episode
    at once (kept as a recode on the child's record), or when the report is linked. Later
    notifications from the police no longer overwrite those three fields."""
    if not permissions.can_take_in_notifications(by):
        raise PermissionDenied("only a coordinator or manager resolves a possible miscoding")
    report = (
        PoliceReport.objects.select_for_update(of=("self",))
        .select_related("episode")
        .get(pk=report.pk)
    )
    if report.miscoding != PoliceReport.Miscoding.OPEN:
        raise ValidationError("This report has no open possible miscoding")
    errors: dict[str, str] = {}
    if not resolution.strip():
        errors["resolution"] = "Say how the miscoding was resolved"
    outcome = {"category": category, "risk_grade": risk_grade, "missing_from": missing_from}
    if any(outcome.values()):
        if category not in codes.Category.values:
            errors["category"] = "Select missing or absent"
        if risk_grade not in ("", *codes.RiskGrade.values):
            errors["risk_grade"] = "Select the risk grade it should have"
        if missing_from not in codes.MissingFrom.values:
            errors["missing_from"] = "Select where the child was missing from"
    if errors:
        raise ValidationError(errors)
    report.miscoding = PoliceReport.Miscoding.RESOLVED
    report.miscoding_resolution = resolution.strip()
    report.miscoding_resolved_by = by
    report.miscoding_resolved_at = timezone.now()
    if any(outcome.values()):
        police = police_coding(report)
        report.police_category = police["category"]
        report.police_risk_grade = police["risk_grade"]
        report.police_missing_from = police["missing_from"]
        report.recoded_category = category
        report.recoded_risk_grade = risk_grade
        report.recoded_missing_from = missing_from
        _apply_recode(by, report)
    report.save()
    return report


@transaction.atomic
def report_unlink(*, by: User, report: PoliceReport, reason: str) -> PoliceReport:
    """The report was linked to the wrong child or episode: it goes back in the queue, to be
    linked again. What becomes of its episode turns on how the link made it: an episode the
    link created is marked entered in error (kept, out of every count; an interview that
    covered only it with it); one recorded by hand stays the child's, without the report's
    force and reference. Kept on the child's record with the reason; a coding agreed after a
    possible miscoding is applied again when the report is linked again."""
    if not permissions.can_change_report_link(by):
        raise PermissionDenied("only a coordinator or manager unlinks a police report")
    report = (
        PoliceReport.objects.select_for_update(of=("self",))
        .select_related("episode")
        .get(pk=report.pk)
    )
    if report.state != PoliceReport.State.LINKED or report.episode is None:
        raise ValidationError("This report is not linked to an episode")
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the report is unlinked"})
    episode = report.episode
    child_id = report.child_id or episode.child_id
    why = f"Police report {report.reference} unlinked: {reason.strip()}"
    report.state = PoliceReport.State.WAITING
    report.child = None
    report.episode = None
    report.decided_by = None
    report.decided_at = None
    report.decision_note = ""
    report.recode_applied_at = None
    created = report.created_episode
    report.created_episode = False
    state, _ = report_state(report)
    found = suggest_many([(report.pk, match.person_from(state))]).get(report.pk, [])
    report.suggestions = _summary(found)
    report.best_band = found[0]["band"] if found else "none"
    report.save()
    # The episode no longer carries the report's force and reference (the report does), so
    # the report can be linked again, to a new episode if need be.
    changes = corrections.episode_clear_police(episode=episode)
    if created and episode.entered_in_error_at is None:
        corrections.episode_mark_in_error(by=by, episode=episode, reason=why, unlinking=True)
    corrections.correction_record(
        by=by,
        child=child_id,
        kind="report",
        object_id=report.pk,
        record=f"police report {report.reference} (episode {episode.reference})",
        action=Correction.Action.UNLINKED,
        changes=changes,
        reason=reason,
        episode=episode,
    )
    return report

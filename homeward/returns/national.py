"""The national collection (docs/national-collection.md): an authority sends its annual
return (`shared/spec/authority-returns.md`, one row per financial year) through the exchange
to a national body's homeward, which keeps every submission, replaces an authority's return
for a period with its latest, and builds the national benchmark (`homeward benchmark`) from
the returns it holds."""

from __future__ import annotations

import io
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Min
from django.utils import timezone

from homeward.accounts import permissions
from homeward.benchmark.returns import (
    COLUMNS,
    COUNT_COLUMNS,
    ReturnsError,
    parse_period,
    returns_frame,
)
from homeward.exchange import services as exchange
from homeward.exchange.models import InboxMessage, Partner
from homeward.formats import exchange as fmt
from homeward.returns.authority_return import authority_return_frame
from homeward.returns.models import (
    NationalSubmission,
    ReceivedReturn,
    ReturnAsked,
    ReturnDeadline,
    ReturnReminder,
)

if TYPE_CHECKING:
    from homeward.accounts.models import User

#: Why it is sent (kept with the message in both access logs).
REASON = (
    "Our annual return on missing children and return interviews (counts only, no child's "
    "record), for the national benchmark"
)
REMINDER_REASON = (
    "The national collection asks for your annual return on missing children and return "
    "interviews (counts only), for the national benchmark"
)


def national_code() -> str:
    """The national body's GSS code this instance sends its returns to ("" when none)."""
    return str(getattr(settings, "HOMEWARD_NATIONAL_COLLECTION", "") or "").strip().upper()


def national_partner() -> Partner | None:
    code = national_code()
    return Partner.objects.filter(code=code, active=True).first() if code else None


def _year_bounds(period: str) -> tuple[date, date]:
    first = int(period[:4])
    return date(first, 4, 1), date(first + 1, 3, 31)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def return_row(period: str) -> dict[str, str | None]:
    """This authority's return for `period`, as the row it sends (every value as text, as
    in the returns file)."""
    try:
        period = parse_period(period)
    except ValueError as error:
        raise ValidationError({"period": str(error)}) from None
    start, end = _year_bounds(period)
    frame, _notes = authority_return_frame(start=start, end=end)
    rows = frame.filter(pl.col("period") == period).to_dicts()
    if not rows:
        raise ValidationError(
            {"period": f"There is nothing to return for {period}: no episodes and no provider"}
        )
    return {name: _text(rows[0].get(name)) for name in COLUMNS}


@transaction.atomic
def national_send(*, by: User, period: str) -> NationalSubmission:
    """Send the authority's return for `period` to the national body (a resubmission
    replaces the one sent before there; both are kept here)."""
    if not permissions.can_allocate(by):
        raise PermissionDenied("only a coordinator or manager sends the annual return")
    partner = national_partner()
    if partner is None:
        raise ValidationError(
            {"period": "No national collection is set up: see docs/national-collection.md"}
        )
    row = return_row(period)
    payload = {
        "period": row["period"],
        "prepared_at": timezone.now().isoformat(),
        "row": {k: v for k, v in row.items() if v is not None},
    }
    message = exchange.message_send(
        partner_code=partner.code, kind="return.annual", payload=payload, reason=REASON, by=by
    )
    return NationalSubmission.objects.create(
        period=str(row["period"]), row=row, message=message, sent_by=by
    )


def reminder_receive(message: InboxMessage, envelope: fmt.Envelope) -> None:
    """The national body asks for this authority's return for a year, by a day: kept, and
    the coordinators told (only from the national collection this instance sends to)."""
    if message.partner.code != national_code():
        raise fmt.MessageError(
            "schema", "this instance does not send its annual return to you", "kind"
        )
    period = envelope.payload["period"]
    try:
        parse_period(period)
    except ValueError:
        raise fmt.MessageError("schema", "is not a financial year", "payload.period") from None
    due_on = date.fromisoformat(envelope.payload["due_on"])
    ReturnAsked.objects.create(period=period, due_on=due_on, message=message)
    sent = NationalSubmission.objects.filter(period=period).exists()
    exchange.tell_coordinators(
        f"the national collection asks for the return for {period}",
        [
            f"{message.partner.name} asks for this authority's annual return for {period} "
            f"by {due_on:%d %B %Y}."
            + (" One was sent before: send it again only if it has changed." if sent else ""),
            "",
            'Send it from "Returns and exports", "The national collection", in homeward.',
        ],
    )


def returns_asked() -> list[ReturnAsked]:
    """What the national body asked this authority for, the latest first."""
    return list(ReturnAsked.objects.select_related("message__partner")[:50])


# --- the national body's instance ---------------------------------------------------------------


#: The largest count taken in a return (more children than the country has is not one).
MOST_COUNT = 10**9


def collects_returns() -> bool:
    """Whether this instance is a national body's, taking authorities' annual returns."""
    return bool(getattr(settings, "HOMEWARD_NATIONAL_BODY", False))


def annual_return_receive(message: InboxMessage, envelope: fmt.Envelope) -> None:
    """An authority's return: checked as any returns file is (the benchmark's own rules),
    its own, for a year begun, kept. The latest made (`prepared_at`) is the one counted,
    whatever order the messages arrive in; every other is kept, marked replaced."""
    if not collects_returns():
        raise fmt.MessageError("schema", "this instance does not collect annual returns", "kind")
    payload = envelope.payload
    partner = Partner.objects.select_for_update().get(pk=message.partner_id)  # one at a time
    row = {name: payload["row"].get(name) for name in COLUMNS}
    if row["authority_code"] != partner.code:
        raise fmt.MessageError(
            "schema", "an authority sends only its own return", "payload.row.authority_code"
        )
    if row["period"] != payload["period"]:
        raise fmt.MessageError("schema", "is not the payload's period", "payload.row.period")
    for name in COUNT_COLUMNS:
        value = (row[name] or "").strip()
        if (
            value.lstrip("+-").isascii()
            and value.lstrip("+-").isdigit()
            and (len(value) > 12 or abs(int(value)) > MOST_COUNT)
        ):
            raise fmt.MessageError(
                "schema", f"is over {MOST_COUNT:,}: not a count", f"payload.row.{name}"
            )
    try:
        returns_frame(pl.DataFrame([row], schema=dict.fromkeys(COLUMNS, pl.String)))
    except ReturnsError as error:
        first = error.problems[0]
        raise fmt.MessageError(
            "schema", str(first.reason)[:200], f"payload.row.{first.column}"
        ) from None
    except Exception:  # anything else the checks raise on a row is a refusal, not a 500
        raise fmt.MessageError(
            "schema", "is not a return homeward can read", "payload.row"
        ) from None
    if int(payload["period"][:4]) > timezone.localdate().year:
        raise fmt.MessageError("schema", "is a year not yet begun", "payload.period")
    prepared = datetime.fromisoformat(payload["prepared_at"])
    current = ReceivedReturn.objects.filter(
        partner=partner, period=payload["period"], replaced_at__isnull=True
    ).first()
    now = timezone.now()
    if current is not None and current.prepared_at > prepared:  # an older one, arriving late
        ReceivedReturn.objects.create(
            partner=partner, period=payload["period"], row=row, message=message,
            prepared_at=prepared, replaced_at=now,
        )  # fmt: skip
        return
    if current is not None:
        ReceivedReturn.objects.filter(pk=current.pk).update(replaced_at=now)
    ReceivedReturn.objects.create(
        partner=partner, period=payload["period"], row=row, message=message, prepared_at=prepared
    )


def received(period: str | None = None) -> list[ReceivedReturn]:
    """Every return received (the current and the replaced), for one period or all."""
    rows = ReceivedReturn.objects.select_related("partner")
    if period:
        rows = rows.filter(period=period)
    # The one counted first (no replaced_at: NULLs first on every database), then the
    # latest made.
    return list(
        rows.order_by(
            "period", "partner__code", F("replaced_at").asc(nulls_first=True), "-prepared_at", "-pk"
        )
    )


def current_returns_frame(period: str | None = None) -> pl.DataFrame:
    """The current return of every authority (all periods, or one), in the returns
    file's columns, as the benchmark reads them."""
    rows = ReceivedReturn.objects.filter(replaced_at__isnull=True)
    if period:
        rows = rows.filter(period=period)
    records = [r.row for r in rows.order_by("partner__code", "period")]
    return pl.DataFrame(records, schema=dict.fromkeys(COLUMNS, pl.String))


def national_benchmark(period: str) -> bytes:
    """The benchmarking report (`homeward benchmark`'s outputs, without its PDF) of the
    current returns for `period`, as a ZIP. Raises ValidationError when it cannot be made."""
    from homeward.benchmark.outputs import write_outputs
    from homeward.benchmark.tables import PeriodNotFoundError, build_report

    frame = current_returns_frame()  # earlier periods answer "provider" for this one too
    try:
        checked = returns_frame(frame, source="returns received")
        report = build_report(checked, period, source="the national collection")
    except ReturnsError as error:
        raise ValidationError("; ".join(str(p) for p in error.problems[:5])) from None
    except PeriodNotFoundError as error:
        raise ValidationError(str(error)) from None
    with tempfile.TemporaryDirectory() as folder:
        written = write_outputs(report, Path(folder), pdf=False)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in written.paths:
                archive.write(path, arcname=Path(path).name)
    return buffer.getvalue()


# --- deadlines and reminders (the national body) ---------------------------------------------


def _chaser(by: User) -> None:
    if not permissions.can_chase_national_returns(by):
        raise PermissionDenied("only the national body's analysts and managers chase returns")
    if not collects_returns():
        raise ValidationError("This instance does not collect annual returns")


def deadline_set(*, by: User, period: str, due_on: date) -> ReturnDeadline:
    """The day the returns for `period` are asked by (after the year has ended, within
    two years of its start). Setting it again keeps the earlier, as its history."""
    _chaser(by)
    try:
        period = parse_period(period)
    except ValueError as error:
        raise ValidationError({"period": str(error)}) from None
    start, end = _year_bounds(period)
    if due_on <= end:
        raise ValidationError(
            {"due_on": f"The deadline must be after the year ends ({end:%d %B %Y})"}
        )
    if due_on > date(start.year + 2, 12, 31):
        raise ValidationError({"due_on": f"The deadline must be by the end of {start.year + 2}"})
    return ReturnDeadline.objects.create(period=period, due_on=due_on, set_by=by)


def deadlines() -> dict[str, ReturnDeadline]:
    """The deadline of each period that has one (the latest set)."""
    latest: dict[str, ReturnDeadline] = {}
    for deadline in ReturnDeadline.objects.select_related("set_by").order_by(
        "period", "set_at", "pk"
    ):
        latest[deadline.period] = deadline
    return latest


@dataclass(frozen=True)
class Awaited:
    """A partner authority's return for a period, as the national body sees it."""

    partner: Partner
    received: ReceivedReturn | None
    reminded: ReturnReminder | None
    late: bool  # the deadline has passed with no return, or the return came after it


def awaited(period: str) -> list[Awaited]:
    """Every authority on the exchange with this instance, and whether its return for
    `period` came (by the deadline), with the last reminder sent it."""
    deadline = deadlines().get(period)
    today = timezone.localdate()
    current = {
        r.partner_id: r
        for r in ReceivedReturn.objects.filter(period=period, replaced_at__isnull=True)
    }
    reminded: dict[int, ReturnReminder] = {}
    for reminder in ReturnReminder.objects.filter(period=period).order_by("sent_at", "pk"):
        reminded[reminder.partner_id] = reminder
    firsts = dict(
        ReceivedReturn.objects.filter(period=period)
        .values("partner_id")
        .annotate(first=Min("received_at"))
        .values_list("partner_id", "first")
    )
    rows = []
    for partner in Partner.objects.filter(active=True).order_by("name"):
        got = current.get(partner.pk)
        first = firsts.get(partner.pk)
        if deadline is None:
            late = False
        elif first is None:
            late = today > deadline.due_on
        else:
            late = timezone.localdate(first) > deadline.due_on
        rows.append(Awaited(partner, got, reminded.get(partner.pk), late))
    return rows


@transaction.atomic
def remind(*, by: User | None, period: str) -> list[ReturnReminder]:
    """Ask each authority on the exchange that has not sent its return for `period` to send
    it by the deadline (which must be set). Returns the reminders sent."""
    if by is not None:
        _chaser(by)
    elif not collects_returns():
        raise ValidationError("This instance does not collect annual returns")
    deadline = deadlines().get(period)
    if deadline is None:
        raise ValidationError({"period": f"Set the deadline for {period} first"})
    sent = []
    for row in awaited(period):
        if row.received is not None:
            continue
        message = exchange.message_send(
            partner_code=row.partner.code,
            kind="return.reminder",
            payload={"period": period, "due_on": deadline.due_on.isoformat()},
            reason=REMINDER_REASON,
            by=by,
        )
        sent.append(
            ReturnReminder.objects.create(
                partner=row.partner, period=period, due_on=deadline.due_on, message=message,
                sent_by=by,
            )
        )  # fmt: skip
    return sent

"""The clock job: alert the people responsible before and when an interview's timescale is
missed, once per threshold and due point.

`check_clocks` is run every 15 minutes by a scheduler (`homeward check-clocks`, see
docs/operations.md). For each open interview with a due point it decides the threshold
reached (`due_soon`: due within 24 hours; `overdue`: the due point has passed) and, the first
time that threshold is reached for that due point, emails the allocated worker and the
coordinators and managers of the authority's teams. The `ClockAlert` row claims the alert
(its unique constraint means two runs can never both send it); when the email cannot be sent
the claim is released, so the next run tries again.

Emails leave the system, so they carry references (child, interview, episodes) and never a
child's name or anything the child said.

The report also lists what needs a person rather than an email: returned episodes whose due
point passed without an interview being allocated (the coordinator's home lists them under
"awaiting allocation"; no email, which every run would repeat), and interviews completed
after their due point with no reason recorded for the delay.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone

from homeward.accounts.models import Role, User
from homeward.cases import clock, codes, selectors
from homeward.cases.models import IN_COUNT, ClockAlert, Episode, ReturnInterview
from homeward.organisations.models import Organisation

logger = logging.getLogger(__name__)

#: How long before the due point the `due_soon` alert goes.
DUE_SOON_WINDOW = timedelta(hours=24)


@dataclass
class CheckReport:
    """What one run of the clock job found and did."""

    now: datetime
    checked: int = 0
    due_soon_sent: int = 0
    overdue_sent: int = 0
    already_sent: int = 0
    no_recipients: int = 0
    failed: int = 0
    unallocated_overdue: int = 0
    late_reason_missing: int = 0
    #: References of the returned episodes overdue with no interview allocated.
    unallocated_episodes: list[str] = field(default_factory=list)
    #: References of the interviews completed late with no reason recorded.
    late_interviews: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        when = clock.wall_clock(self.now).strftime("%d %b %Y %H:%M")
        lines = [
            f"homeward check-clocks at {when} (UK time)",
            f"  open interviews checked       {self.checked}",
            f"  due within 24 hours: alerted  {self.due_soon_sent}",
            f"  overdue: alerted              {self.overdue_sent}",
            f"  alerted on an earlier run     {self.already_sent}",
        ]
        if self.no_recipients:
            lines.append(f"  alerts with no one to email   {self.no_recipients}")
        if self.failed:
            lines.append(f"  emails that failed (retried)  {self.failed}")
        lines.append(f"  unallocated overdue episodes  {self.unallocated_overdue}")
        lines.extend(_listed(self.unallocated_episodes))
        lines.append(f"  late, reason missing          {self.late_reason_missing}")
        lines.extend(_listed(self.late_interviews))
        return lines

    def __str__(self) -> str:
        return "\n".join(self.lines())


def _listed(references: list[str], limit: int = 20) -> list[str]:
    if not references:
        return []
    shown = ", ".join(references[:limit])
    more = f" and {len(references) - limit} more" if len(references) > limit else ""
    return [f"    {shown}{more}"]


def threshold_for(due_at: datetime, now: datetime) -> str | None:
    """The threshold an interview due at `due_at` has reached at `now`, if any."""
    if now >= due_at:
        return codes.AlertThreshold.OVERDUE
    if due_at - now <= DUE_SOON_WINDOW:
        return codes.AlertThreshold.DUE_SOON
    return None


def check_clocks(*, now: datetime | None = None) -> CheckReport:
    """Send the due-soon and overdue alerts not yet sent, and report what needs a person."""
    now = now or timezone.now()
    report = CheckReport(now=now)
    staff = _StaffDirectory()
    connection = get_connection(fail_silently=False)
    for interview in _alertable().order_by("due_at", "pk"):
        _check_one(interview, now, staff, connection, report)
    _unallocated_overdue(report, now)
    _late_reason_missing(report)
    return report


def _alertable() -> QuerySet[ReturnInterview]:
    """Open interviews with a due point, not entered in error."""
    return (
        selectors.open_interviews()
        .filter(IN_COUNT, due_at__isnull=False)
        .select_related("child", "allocated_worker", "allocated_organisation__authority")
        .prefetch_related("episodes")
    )


def _check_one(
    interview: ReturnInterview,
    now: datetime,
    staff: _StaffDirectory,
    connection: BaseEmailBackend,
    report: CheckReport,
) -> None:
    """The alert this interview has reached at `now`, sent unless sent before."""
    report.checked += 1
    assert interview.due_at is not None  # filtered by `_alertable`
    threshold = threshold_for(interview.due_at, now)
    if threshold is None:
        return
    recipients = staff.recipients_for(interview)
    alert = _claim(interview, threshold, recipients)
    if alert is None:
        report.already_sent += 1
        return
    if recipients:
        try:
            _message(interview, threshold, recipients, connection).send()
        except Exception:  # any transport failure: release the claim, retry next run
            logger.exception("clock alert for %s could not be sent", interview.reference)
            alert.delete()
            report.failed += 1
            return
    else:
        report.no_recipients += 1
    if threshold == codes.AlertThreshold.OVERDUE:
        report.overdue_sent += 1
    else:
        report.due_soon_sent += 1


def check_interview(*, interview_id: int, now: datetime | None = None) -> CheckReport:
    """The clock job for one interview, at once: after a correction moved its due point
    (`homeward.cases.corrections`), the alert the new due point has reached goes now rather
    than at the next run. Alerts are claimed per due point, so one already sent for the new
    due point is not sent again, and one sent for the old due point does not stop it."""
    now = now or timezone.now()
    report = CheckReport(now=now)
    found = _alertable().filter(pk=interview_id).first()
    if found is not None:
        _check_one(found, now, _StaffDirectory(), get_connection(fail_silently=False), report)
    return report


def _claim(interview: ReturnInterview, threshold: str, recipients: list[str]) -> ClockAlert | None:
    """The new alert row, or None when this threshold and due point were alerted before."""
    try:
        with transaction.atomic():
            alert, created = ClockAlert.objects.get_or_create(
                interview=interview,
                threshold=threshold,
                due_at=interview.due_at,
                defaults={"recipients": ", ".join(recipients)},
            )
    except IntegrityError:  # another run claimed it between the read and the write
        return None
    return alert if created else None


class _StaffDirectory:
    """Who is told about an interview: its worker, the coordinators and managers of the
    teams of the allocated organisation's authority, and a provider's own managers."""

    def __init__(self) -> None:
        self._team_leads: dict[int | None, list[str]] = {}
        self._provider_managers: dict[int, list[str]] = {}

    def recipients_for(self, interview: ReturnInterview) -> list[str]:
        emails: list[str] = []
        worker = interview.allocated_worker
        if worker is not None and worker.is_active and worker.email:
            emails.append(worker.email)
        organisation = interview.allocated_organisation
        authority_id = organisation.authority_id if organisation is not None else None
        emails.extend(self._leads_of(authority_id))
        if organisation is not None and organisation.kind == Organisation.Kind.PROVIDER:
            emails.extend(self._managers_of(organisation.pk))
        return list(dict.fromkeys(emails))  # unique, in order

    def _leads_of(self, authority_id: int | None) -> list[str]:
        """Coordinators and managers in the teams of the authority (None: the home one)."""
        if authority_id not in self._team_leads:
            teams = Organisation.objects.filter(kind=Organisation.Kind.AUTHORITY_TEAM)
            teams = (
                teams.filter(authority_id=authority_id)
                if authority_id is not None
                else teams.filter(authority__is_home=True)
            )
            self._team_leads[authority_id] = _emails(
                User.objects.filter(
                    role__in=(Role.COORDINATOR, Role.MANAGER), organisation__in=teams
                )
            )
        return self._team_leads[authority_id]

    def _managers_of(self, organisation_id: int) -> list[str]:
        if organisation_id not in self._provider_managers:
            self._provider_managers[organisation_id] = _emails(
                User.objects.filter(role=Role.MANAGER, organisation_id=organisation_id)
            )
        return self._provider_managers[organisation_id]


def _emails(users: QuerySet[User]) -> list[str]:
    active = users.filter(is_active=True).exclude(email="").order_by("username")
    return [user.email for user in active]


def due_in_words(due_at: datetime) -> str:
    """A due point on the UK wall clock: "14:30 on Tuesday 3 March 2026"."""
    wall = clock.wall_clock(due_at)
    return f"{wall:%H:%M} on {wall:%A} {wall.day} {wall:%B %Y}"


def _message(
    interview: ReturnInterview,
    threshold: str,
    recipients: list[str],
    connection: BaseEmailBackend,
) -> EmailMessage:
    assert interview.due_at is not None
    overdue = threshold == codes.AlertThreshold.OVERDUE
    state = "is overdue" if overdue else "is due within 24 hours"
    subject = f"Return interview {interview.reference} {state.removeprefix('is ')}"
    episodes = ", ".join(sorted(e.reference for e in interview.episodes.all())) or "none"
    worker, organisation = interview.allocated_worker, interview.allocated_organisation
    allocated = f"{worker} ({organisation})" if worker else str(organisation or "no one")
    body = [
        f"Return interview {interview.reference} for child {interview.child.reference} {state}.",
        "",
        f"Due by:      {due_in_words(interview.due_at)} (UK time)",
        f"Rule:        {interview.due_rule or 'not recorded'}",
        f"Episodes:    {episodes}",
        f"Allocated:   {allocated}",
        "",
    ]
    if overdue:
        body += [
            "The timescale has been missed: a reason for missing the timescale must be recorded",
            "on the interview's late-reason page:",
            f"  {reverse('web:late-reason', args=[interview.pk])}",
            "",
        ]
    body += [
        "Open the interview in homeward:",
        f"  {reverse('web:interview', args=[interview.pk])}",
        "",
        "This email gives references only. Sign in to homeward to see the child's record.",
    ]
    return EmailMessage(
        subject=subject,
        body="\n".join(body),
        to=recipients,
        connection=connection,
    )


def _unallocated_overdue(report: CheckReport, now: datetime) -> None:
    episodes = Episode.objects.filter(
        IN_COUNT, returned_at__isnull=False, interview__isnull=True, due_at__lte=now
    ).order_by("due_at", "pk")
    report.unallocated_episodes = list(episodes.values_list("reference", flat=True))
    report.unallocated_overdue = len(report.unallocated_episodes)


def _late_reason_missing(report: CheckReport) -> None:
    """Interviews completed after their due point with no reason recorded: no coded reason,
    or no words (the encrypted reason is read, so blank text counts as missing too)."""
    late = (
        ReturnInterview.objects.filter(IN_COUNT, held_at__isnull=False, due_at__isnull=False)
        .filter(held_at__gt=F("due_at"))
        .only("pk", "reference", "late_reason", "late_reason_code")
        .order_by("held_at", "pk")
    )
    report.late_interviews = [
        i.reference for i in late if not ((i.late_reason or "").strip() and i.late_reason_code)
    ]
    report.late_reason_missing = len(report.late_interviews)

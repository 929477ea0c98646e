"""Telling a worker they were allocated return interviews: one email per worker, through
Django's email settings (the clock alerts' settings: docs/operations.md).

Emails leave the system, so they carry references (interview, child) and the due point,
never a child's name or anything the child said, like the clock alerts (`cases.alerts`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.core.mail import EmailMessage, get_connection
from django.urls import reverse

from homeward.cases.alerts import due_in_words
from homeward.cases.models import Child, ReturnInterview
from homeward.cases.selectors import encrypted_fields

logger = logging.getLogger(__name__)


@dataclass
class NoticeReport:
    sent: int = 0
    #: Interviews whose worker has no email address or is no longer active: not emailed.
    skipped: int = 0


def allocation_message(interviews: list[ReturnInterview], to: str) -> EmailMessage:
    """The email telling one worker of their new interviews (references only)."""
    first = interviews[0]
    if len(interviews) == 1:
        subject = f"Return interview {first.reference} allocated to you"
        opening = "A return interview has been allocated to you in homeward:"
    else:
        subject = f"{len(interviews)} return interviews allocated to you"
        opening = f"{len(interviews)} return interviews have been allocated to you in homeward:"
    body = [opening, ""]
    for interview in interviews:
        due = (
            f"due by {due_in_words(interview.due_at)} (UK time)"
            if interview.due_at
            else "clock not started"
        )
        body += [
            f"  {interview.reference} for child {interview.child.reference}, {due}",
            f"    {reverse('web:interview', args=[interview.pk])}",
        ]
    body += [
        "",
        "Your caseload lists them under New allocations.",
        "This email gives references only. Sign in to homeward to see the child's record.",
    ]
    return EmailMessage(subject=subject, body="\n".join(body), to=[to])


def send_allocation_notices(*, interview_ids: list[int]) -> NoticeReport:
    """Email each allocated worker the interviews of `interview_ids` allocated to them, one
    email per worker. A failure to send is raised (the task is then recorded as failed:
    the allocation itself stands)."""
    report = NoticeReport()
    interviews = (
        ReturnInterview.objects.filter(pk__in=interview_ids, allocated_worker__isnull=False)
        .select_related("allocated_worker", "child")
        .defer(*encrypted_fields(ReturnInterview), *encrypted_fields(Child, "child__"))
        .order_by("allocated_worker", "due_at", "pk")
    )
    by_worker: dict[int, list[ReturnInterview]] = {}
    for interview in interviews:
        by_worker.setdefault(interview.allocated_worker_id, []).append(interview)  # type: ignore[arg-type]
    connection = get_connection(fail_silently=False)
    for group in by_worker.values():
        worker = group[0].allocated_worker
        if worker is None or not worker.is_active or not worker.email:
            report.skipped += len(group)
            continue
        message = allocation_message(group, worker.email)
        message.connection = connection
        message.send()
        report.sent += 1
    return report

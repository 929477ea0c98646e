"""Background work of case management, run by the task worker (`manage.py db_worker`,
Django's tasks framework with its database backend: docs/operations.md)."""

from __future__ import annotations

from typing import Any

from django_tasks import task


@task()
def send_allocation_notices(interview_ids: list[int]) -> dict[str, Any]:
    """Email the workers of newly allocated interviews (`cases.notices`). When the mail
    server fails, the task fails and is kept as failed (`manage.py db_worker` logs it); the
    allocation stands, and the worker's caseload lists it under New allocations anyway."""
    from homeward.cases import notices

    report = notices.send_allocation_notices(interview_ids=interview_ids)
    return {"sent": report.sent, "skipped": report.skipped}

"""Background work of police intake, run by the task worker (`manage.py db_worker`, Django's
tasks framework with its database backend: docs/operations.md).

A big batch is queued by the request that brought it (`services.intake_queue`) and taken in
here, a chunk at a time (`services.intake_continue`).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import DatabaseError
from django.utils import timezone
from django_tasks import task

#: A batch whose chunk failed on the database (a lock held too long, a lost connection) is
#: tried again this much later, this many times; `manage.py intake_resume` queues it again
#: after that.
RETRY_AFTER = timedelta(seconds=30)
RETRIES = 5


@task()
def take_in_batch(batch_id: int, attempt: int = 1) -> dict[str, Any]:
    """Take in a queued batch from where it got to; its receipt shows the progress."""
    from homeward.intake import services

    try:
        batch = services.intake_continue(batch_id=batch_id)
    except DatabaseError:
        if attempt < RETRIES:
            take_in_batch.using(run_after=timezone.now() + RETRY_AFTER).enqueue(
                batch_id=batch_id, attempt=attempt + 1
            )
        raise
    return {"batch": batch.reference, "processed": batch.processed, "total": batch.total}

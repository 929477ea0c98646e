"""Background work of the panel, run by the task worker (`manage.py db_worker`, Django's
tasks framework with its database backend: docs/operations.md).

A pack's PDF takes seconds for a big meeting: the request that asks for it queues it
(`services.pack_pdf_request`) and answers at once with a page that says it is being made.
"""

from __future__ import annotations

from typing import Any

from django_tasks import task


@task()
def make_pack_pdf(pdf_id: int) -> dict[str, Any]:
    """Make the pack's PDF asked for; its page shows when it is ready."""
    from homeward.panel import services

    record = services.pack_pdf_make(pdf_id=pdf_id)
    services.pack_pdfs_remove_old()
    return {"pdf": record.pk, "status": record.status, "bytes": record.size}

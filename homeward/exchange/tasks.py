"""Background work of the exchange, run by the task worker (`manage.py db_worker`: Django's
tasks framework with its database backend; docs/exchange.md)."""

from __future__ import annotations

from typing import Any

from django_tasks import task


@task()
def deliver_message(pk: int) -> dict[str, Any]:
    """One delivery attempt of an outbox message; when it is still waiting, the next
    attempt is queued for its time (the back-off). `manage.py exchange deliver`, run on a
    schedule, catches any message whose task was lost."""
    from homeward.exchange import services
    from homeward.exchange.models import OutboxMessage

    message = services.outbox_deliver(pk=pk)
    if message.state == OutboxMessage.State.PENDING:
        services.queue_delivery(pk, when=message.next_attempt_at)
    return {
        "message": str(message.message_id),
        "state": message.state,
        "attempts": message.attempts,
    }

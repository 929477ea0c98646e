"""Writing the access log. Selectors and views call `access_record` for every read of a
child's record, every search, export and share."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeward.audit.models import AccessEvent

if TYPE_CHECKING:
    from django.http import HttpRequest

    from homeward.accounts.models import User


def _address(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def access_record(
    *,
    user: User | None,
    action: str,
    what: str,
    child_id: int | None = None,
    detail: str = "",
    reason: str = "",
    request: HttpRequest | None = None,
) -> AccessEvent:
    """Append one event: who, what, when, from where (and for exports and shares, why)."""
    if action in (AccessEvent.Action.EXPORT, AccessEvent.Action.SHARE) and not reason.strip():
        raise ValueError(f"an {action} needs a reason")
    return AccessEvent.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        username=getattr(user, "username", "") or "",
        role=getattr(user, "role", "") or "",
        action=action,
        what=what,
        child_id=child_id,
        detail=detail,
        reason=reason,
        address=_address(request),
        path=request.get_full_path()[:500] if request is not None else "",
    )


def access_record_children(
    *,
    user: User | None,
    action: str,
    what: str,
    child_ids: list[int],
    detail: str = "",
    reason: str = "",
    request: HttpRequest | None = None,
) -> int:
    """One event per child (an export that holds many children's records), in one insert."""
    if action in (AccessEvent.Action.EXPORT, AccessEvent.Action.SHARE) and not reason.strip():
        raise ValueError(f"an {action} needs a reason")
    address = _address(request)
    path = request.get_full_path()[:500] if request is not None else ""
    events = [
        AccessEvent(
            user=user if user is not None and user.is_authenticated else None,
            username=getattr(user, "username", "") or "",
            role=getattr(user, "role", "") or "",
            action=action,
            what=what,
            child_id=child_id,
            detail=detail,
            reason=reason,
            address=address,
            path=path,
        )
        for child_id in dict.fromkeys(child_ids)
    ]
    AccessEvent.objects.bulk_create(events, batch_size=500)
    return len(events)

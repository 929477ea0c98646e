"""Background work of the profiles (docs/profile.md), run by the task worker: the profile
sent to the police when a child in care is recorded missing."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django_tasks import task


@task()
def send_profile_for_episode(episode_id: int, user_id: int) -> dict[str, Any]:
    """Send the child's current profile to the police force of a missing-from-care episode
    (by the person who recorded it). Nothing when the episode is back, entered in error, or
    has no force, the child has no profile, or no police endpoint is configured."""
    from homeward.accounts.models import User
    from homeward.cases.models import Episode
    from homeward.intelligence import services as intelligence
    from homeward.profiles import services

    episode = Episode.objects.select_related("child", "police_force").get(pk=episode_id)
    user = User.objects.get(pk=user_id)
    force = episode.police_force
    if (
        force is None
        or episode.returned_at is not None
        or episode.entered_in_error_at is not None
        or services.current(episode.child) is None
        or not intelligence.endpoint_configured()
    ):
        return {"sent": False}
    try:
        share = services.profile_send_to_police(
            by=user,
            child=episode.child,
            force=force,
            reason=f"Reported missing from care: episode {episode.reference}",
            police_reference=episode.police_reference[:50],
        )
    except (PermissionDenied, ValidationError) as error:  # the page says how to send it
        return {"sent": False, "why": str(error)[:200]}
    return {"sent": True, "taken": share.taken}

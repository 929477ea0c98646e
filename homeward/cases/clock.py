"""The statutory clock applied to stored episodes: `homeward.standards` on database rows.

Django stores aware datetimes; the standards clock works on naive UK wall-clock time. The
conversion is here, once.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from homeward.standards.clock import Basis, Bunching
from homeward.standards.rules import AuthoritySettings

UK = ZoneInfo("Europe/London")


def wall_clock(moment: datetime) -> datetime:
    """An aware datetime as the naive time on a UK wall clock."""
    return moment.astimezone(UK).replace(tzinfo=None)


def aware(wall: datetime) -> datetime:
    """A naive UK wall-clock time as an aware datetime."""
    return wall.replace(tzinfo=UK)


def clock_start(
    settings: AuthoritySettings, returned_at: datetime | None, notified_at: datetime | None
) -> datetime | None:
    """Where the clock starts under the authority's basis (None: not started yet)."""
    return returned_at if settings.basis is Basis.RETURN else notified_at


def due_point(settings: AuthoritySettings, start: datetime) -> datetime:
    """The last moment still within the authority's timescale, as an aware datetime."""
    return aware(settings.clock().due(wall_clock(start)).last_moment)


def rule_text(settings: AuthoritySettings) -> str:
    return settings.description


def interview_due(
    settings: AuthoritySettings, starts: Iterable[datetime | None]
) -> datetime | None:
    """The due point of an interview covering episodes with these clock starts.

    `each`: every episode is measured from its own start, so the interview is due at the
    earliest of their due points. `latest`: all are measured from the latest start.
    """
    known = [s for s in starts if s is not None]
    if not known:
        return None
    if settings.bunching is Bunching.LATEST:
        return due_point(settings, max(known))
    return min(due_point(settings, s) for s in known)

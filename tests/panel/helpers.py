"""Children on (and off) the panel list, built through the case services."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from homeward.cases import services as case_services
from homeward.cases.models import Child, ReturnInterview
from tests.factories import World, make_child, make_episode, make_interview


def born_aged(years: int, *, days: int = 100) -> date:
    """A date of birth of someone `years` old today (and `days` more)."""
    today = timezone.localdate()
    return date(today.year - years, today.month, min(today.day, 28)) - timedelta(days=days)


def repeat_child(
    world: World, *, days_ago: tuple[int, ...] = (20, 10, 3), **fields: object
) -> Child:
    """A child (15 today, unless told) with an episode started each of `days_ago` days ago
    (3 in 30 by default)."""
    fields.setdefault("date_of_birth", born_aged(15))
    child = make_child(world, **fields)
    for days in days_ago:
        make_episode(world, child, started=_days_ago(days))
    return child


def _days_ago(days: int) -> datetime:
    """Midday (UK time) of the day `days` days ago, or a minute ago if that is later: the
    panel's windows count days, and a time near midnight falls on another UK day when the
    day `days` ago was in summer time (a test run between 23:00 and midnight)."""
    now = timezone.now()
    day = timezone.localdate(now) - timedelta(days=days)
    noon = timezone.make_aware(datetime.combine(day, time(12)))
    return min(noon, now - timedelta(minutes=1))


def held_interview(
    world: World,
    child: Child,
    *,
    harms: tuple[str, ...] = (),
    push: str = "",
    pull: str = "",
    places: tuple[tuple[str, str], ...] = (),
    adults: tuple[str, ...] = (),
) -> ReturnInterview:
    """An interview of a new episode of the child (two days ago), held an hour ago, with
    what it found."""
    episode = make_episode(world, child, started=timezone.now() - timedelta(days=2))
    interview = make_interview(world, [episode])
    worker = world.user("worker")
    for description, postcode in places:
        case_services.interview_add_place(
            by=worker, interview=interview, description=description, postcode=postcode
        )
    for description in adults:
        case_services.interview_add_adult(by=worker, interview=interview, description=description)
    interview.refresh_from_db()
    return case_services.interview_write_up(
        by=worker,
        interview=interview,
        write_up=case_services.WriteUp(
            held_at=timezone.now() - timedelta(hours=1),
            harms=harms,
            push_factors=push,
            pull_factors=pull,
        ),
        expected_version=interview.version,
    )

"""Dates and times as the pages' GOV.UK date inputs send them, for tests.

`moment_boxes("held_at", moment)` is what a person typing `moment` (in UK time) into the
"held at" boxes sends: `held_at_day`, `held_at_month`, `held_at_year` and `held_at_time`;
`day_boxes` the same for a day. The forms also take one ISO value in the field's own name
(`{"held_at": "2026-11-05T09:30"}`), for scripts and older tests.

In the browser, `fill_moment(page, "When the interview was held", moment)` types into the
boxes of the date input with that legend.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.utils import timezone

from homeward.formats.dates import time_text


def moment_boxes(name: str, moment: datetime, *, time: str | None = None) -> dict[str, str]:
    """The boxes of the date input `name` for `moment`, in UK time; `time` as typed (else
    the page's own style, "2:50pm")."""
    wall = timezone.localtime(moment)
    return {
        **day_boxes(name, wall.date()),
        f"{name}_time": time if time is not None else time_text(wall.hour, wall.minute),
    }


def day_boxes(name: str, day: date) -> dict[str, str]:
    """The day, month and year boxes of the date input `name` for `day`."""
    return {
        f"{name}_day": str(day.day),
        f"{name}_month": str(day.month),
        f"{name}_year": str(day.year),
    }


def blank_boxes(name: str, *, time: bool = True) -> dict[str, str]:
    """A date input left empty."""
    parts = ("day", "month", "year", "time") if time else ("day", "month", "year")
    return {f"{name}_{part}": "" for part in parts}


def fill_day(page: Any, legend: str, day: date) -> Any:
    """Type `day` into the date input whose legend is `legend`; the group, for more."""
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))
    return group


def fill_moment(page: Any, legend: str, moment: datetime) -> Any:
    """Type `moment` (in UK time) into the date input and time box with this legend."""
    wall = timezone.localtime(moment)
    group = fill_day(page, legend, wall.date())
    group.get_by_label("Time").fill(time_text(wall.hour, wall.minute))
    return group

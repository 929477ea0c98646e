"""Dates and times as people read and type them on homeward's pages (pure Python).

Shown in the GOV.UK style: "6 December 2026" for a day, "2:50pm", "10am", "midday" and
"midnight" for a time, "6 December 2026 at 2:50pm" for a moment. Files keep their own formats
(the SSDA903's dd/mm/YYYY and so on); this is only for what a person reads on a page.

Typed in the boxes of the GOV.UK date input (day, month and year) with, for a moment, one box
for the time: `parse_time` takes "14:50", "2:50pm", "2.50 pm", "9am", "midday" or "midnight",
and `parse_month` takes "12", "Dec" or "December", so a person may type what they see on a
letter or a police report.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MONTH_NUMBERS = {name.lower(): number for number, name in enumerate(MONTHS, start=1)}
_MONTH_NUMBERS.update({name[:3].lower(): number for number, name in enumerate(MONTHS, start=1)})
_MONTH_NUMBERS["sept"] = 9


def time_text(hour: int, minute: int) -> str:
    """A time of day in the GOV.UK style: "2:50pm", "10am", "midday", "midnight"."""
    if minute == 0:
        if hour == 0:
            return "midnight"
        if hour == 12:
            return "midday"
        return f"{hour % 12 or 12}{'am' if hour < 12 else 'pm'}"
    return f"{hour % 12 or 12}:{minute:02d}{'am' if hour < 12 else 'pm'}"


def day_text(day: date) -> str:
    """A day in the GOV.UK style: "6 December 2026"."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def month_text(day: date) -> str:
    """A month in the GOV.UK style: "December 2026"."""
    return f"{MONTHS[day.month - 1]} {day.year}"


def moment_text(local: datetime) -> str:
    """A moment, already on the local wall clock: "6 December 2026 at 2:50pm"."""
    return (
        f"{local.day} {MONTHS[local.month - 1]} {local.year} at "
        f"{time_text(local.hour, local.minute)}"
    )


def parse_month(text: str) -> int | None:
    """A month as typed: "3", "03", "Mar", "March" (any case). None if it is none of these."""
    text = text.strip().rstrip(".").lower()
    if text.isdigit():
        number = int(text)
        return number if 1 <= number <= 12 else None
    return _MONTH_NUMBERS.get(text)


_TIME = re.compile(r"^(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?\s*(?:(?P<half>[ap])\.?\s*m\.?)?$")
_HHMM = re.compile(r"^(?P<hour>\d{2})(?P<minute>\d{2})$")
_WORDS = {"midday": time(12, 0), "noon": time(12, 0), "midnight": time(0, 0)}


def parse_time(text: str) -> time | None:
    """A time as typed: "14:50", "14.50", "1450", "2:50pm", "2.50 p.m.", "9am", "12pm"
    (midday), "12am" (midnight), "midday", "noon" or "midnight". None when it is not a real
    time, or is only an hour without am or pm ("9" could be morning or evening)."""
    text = " ".join(text.strip().lower().split())
    if text in _WORDS:
        return _WORDS[text]
    found = _TIME.match(text) or _HHMM.match(text)
    if found is None:
        return None
    hour = int(found["hour"])
    minute = int(found["minute"] or 0)
    half = found.groupdict().get("half")
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "p" else 0)
    elif found["minute"] is None:
        return None  # an hour alone: morning or evening?
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)

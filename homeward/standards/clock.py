"""The statutory clock: when a return interview is due, and whether it was held in time.

The definitions are those of `indicators.md` ("The timescale variants"), generalised from
72 hours / 3 days to any length:

- ``hours``: within when ``completed <= start + length hours``;
- ``calendar_days``: within when ``completed.date() <= start.date() + length days``;
- ``working_days``: within when ``completed.date() <= the length-th working day after
  start.date()``, working days being Monday to Friday except the nation's bank holidays.

Timestamps are naive UK local wall-clock datetimes and every sum is done on that wall clock:
no time zones and no adjustment for the clocks changing, because the records carry none.
There is no lower bound (a completion before the clock start is within; the data-quality
report, not the clock, flags it) and a missing clock start is never within.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import TypeVar

from homeward.standards.calendar import working_days_after
from homeward.standards.nations import Nation, parse_nation

__all__ = [
    "Basis",
    "Bunching",
    "Clock",
    "Due",
    "Unit",
    "seventy_two_hours",
]


class Unit(StrEnum):
    """How the timescale is counted: in hours, calendar days or working days."""

    HOURS = "hours"
    CALENDAR_DAYS = "calendar_days"
    WORKING_DAYS = "working_days"

    @property
    def is_days(self) -> bool:
        """True for the two day units, whose due point is a whole date."""
        return self is not Unit.HOURS

    def describe(self, length: int) -> str:
        """`length` of this unit in words: "72 hours", "1 working day"."""
        word = {
            Unit.HOURS: "hour",
            Unit.CALENDAR_DAYS: "calendar day",
            Unit.WORKING_DAYS: "working day",
        }[self]
        return f"{length} {word}" if length == 1 else f"{length} {word}s"


class Basis(StrEnum):
    """Where the clock starts: the child's return, or the police notification of it."""

    RETURN = "return"
    REFERRAL = "referral"


class Bunching(StrEnum):
    """How episodes that share one interview are measured.

    ``each``: every episode from its own clock start. ``latest``: every episode covered by
    one interview from the latest clock start among that interview's episodes (a child who
    went missing again before being seen is measured from the last return).
    """

    EACH = "each"
    LATEST = "latest"


_E = TypeVar("_E", bound=StrEnum)

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
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
# The last moment of a due date, as the brief and the reports show it. Timestamps in the
# contract have whole seconds, so nothing real falls between 23:59:59 and midnight.
_END_OF_DAY = time(23, 59, 59)


def _long_date(day: date) -> str:
    # Spelt out by hand rather than with strftime("%A %B") so the words do not depend on
    # the process locale.
    return f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def _require_naive(moment: datetime, what: str) -> None:
    if not isinstance(moment, datetime):
        raise TypeError(f"{what} must be a datetime, got {type(moment).__name__}")
    if moment.tzinfo is not None:
        # Mixing aware and naive values would either fail deep inside a comparison or
        # silently shift by an hour in summer; the contract is wall-clock time.
        raise ValueError(f"{what} must be a naive UK wall-clock datetime, got {moment!r}")


def _coerce_enum(enum: type[_E], value: str, what: str) -> _E:
    # Settings often arrive as text ("working_days"); refuse anything else in plain words.
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(member.value for member in enum)
        raise ValueError(f"unknown {what} {value!r}; expected one of {allowed}") from None


def _coerce_unit(value: str) -> Unit:
    return _coerce_enum(Unit, value, "unit")


def _require_length(length: object) -> int:
    # bool is an int in Python; a length of True is a mistake, not 1.
    if isinstance(length, bool) or not isinstance(length, int):
        raise TypeError(f"length must be a whole number, got {length!r}")
    if length <= 0:
        raise ValueError(f"length must be positive, got {length}")
    return length


@dataclass(frozen=True, slots=True)
class Due:
    """The due point of one clock: an exact moment for hours, a last date for days.

    Exactly one of `at` (unit ``hours``) and `by_date` (``calendar_days`` or
    ``working_days``) is set.
    """

    unit: Unit
    at: datetime | None = None
    by_date: date | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "unit", _coerce_unit(self.unit))
        if self.unit is Unit.HOURS:
            if self.at is None or self.by_date is not None:
                raise ValueError("a due point in hours has `at` and no `by_date`")
            _require_naive(self.at, "at")
        else:
            if self.by_date is None or self.at is not None:
                raise ValueError(f"a due point in {self.unit} has `by_date` and no `at`")
            if isinstance(self.by_date, datetime) or not isinstance(self.by_date, date):
                raise TypeError(f"by_date must be a date, got {self.by_date!r}")

    @property
    def last_moment(self) -> datetime:
        """The last moment that is still in time: `at`, or 23:59:59 on `by_date`."""
        if self.at is not None:
            return self.at
        assert self.by_date is not None  # guaranteed by __post_init__
        return datetime.combine(self.by_date, _END_OF_DAY)

    @property
    def last_date(self) -> date:
        """The last calendar date on which a completion is in time."""
        return self.last_moment.date()

    def is_met_by(self, completed: datetime) -> bool:
        """Whether an interview completed at `completed` is within the timescale.

        Hours: ``completed <= at``. Days: ``completed.date() <= by_date``, so any time on the
        due date counts. There is no lower bound: a completion before the start is within.
        """
        _require_naive(completed, "completed")
        if self.at is not None:
            return completed <= self.at
        assert self.by_date is not None
        return completed.date() <= self.by_date

    @property
    def description(self) -> str:
        """In words: "by 17:30 on Wednesday 25 November 2026" or
        "by the end of Wednesday 25 November 2026"."""
        if self.at is not None:
            clock_time = f"{self.at:%H:%M:%S}" if self.at.second else f"{self.at:%H:%M}"
            return f"by {clock_time} on {_long_date(self.at.date())}"
        assert self.by_date is not None
        return f"by the end of {_long_date(self.by_date)}"

    def __str__(self) -> str:
        return self.description


@dataclass(frozen=True, slots=True)
class Clock:
    """A timescale of `length` `unit`s, with `nation`'s bank holidays for working days.

    For example ``Clock(Unit.HOURS, 72, Nation.ENGLAND)`` is the DfE statutory guidance's
    "within 72 hours of the child returning", and ``Clock(Unit.WORKING_DAYS, 3,
    Nation.WALES)`` the All Wales Protocol's "at least within 3 working days".
    """

    unit: Unit
    length: int
    nation: Nation

    def __post_init__(self) -> None:
        object.__setattr__(self, "unit", _coerce_unit(self.unit))
        _require_length(self.length)
        if not isinstance(self.nation, Nation):
            # Accept the contract's spelling ("england") so settings read from text work.
            object.__setattr__(self, "nation", parse_nation(self.nation))

    def due(self, start: datetime) -> Due:
        """The due point of a clock started at `start` (naive UK wall-clock time).

        - hours: the moment `length` hours after `start`, on the wall clock;
        - calendar days: the date `length` days after the date of `start`;
        - working days: the `length`-th working day strictly after the date of `start`,
          counting Monday to Friday except the nation's bank holidays. A start on a weekend
          or holiday still counts `length` working days after it: for 3 working days a
          return on Saturday is due by Wednesday.
        """
        _require_naive(start, "start")
        if self.unit is Unit.HOURS:
            return Due(self.unit, at=start + timedelta(hours=self.length))
        if self.unit is Unit.CALENDAR_DAYS:
            return Due(self.unit, by_date=start.date() + timedelta(days=self.length))
        return Due(self.unit, by_date=working_days_after(start.date(), self.length, self.nation))

    def is_within(self, start: datetime | None, completed: datetime) -> bool:
        """Whether an interview completed at `completed` is within the timescale of a clock
        started at `start`.

        No clock start (for example no police notification recorded, on the referral
        basis) is never within; a completion before the start is within.
        """
        if start is None:
            return False
        return self.due(start).is_met_by(completed)

    @property
    def description(self) -> str:
        """In words, e.g. "72 hours" or "3 working days (Wales bank holidays)"."""
        text = self.unit.describe(self.length)
        if self.unit is Unit.WORKING_DAYS:
            text += f" ({self.nation.title} bank holidays)"
        return text

    def __str__(self) -> str:
        return self.description


def seventy_two_hours(unit: Unit, nation: Nation) -> Clock:
    """The "72 hours" of the DfE statutory guidance, read in `unit`.

    The guidance says a return interview should be held "within 72 hours" of the child's
    return; authorities count that as 72 hours, 3 calendar days or 3 working days. These are
    the three clocks behind the indicators' ``within_{basis}_{unit}_{bunching}`` columns.
    """
    unit = _coerce_unit(unit)
    return Clock(unit, 72 if unit is Unit.HOURS else 3, nation)

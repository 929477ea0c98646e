"""Working days and bank holidays per nation, from the `holidays` package.

Working days are Monday to Friday except the bank holidays of the nation
(United Kingdom, subdivision ENG, WLS, SCT or NIR), as `indicators.md` defines them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache

import holidays

from homeward.standards.nations import Nation


@lru_cache(maxsize=512)
def _holidays_of_year(nation: Nation, year: int) -> frozenset[date]:
    if (nation, year) in _FETCHED:
        return _FETCHED[(nation, year)]
    table = holidays.country_holidays("GB", subdiv=nation.subdivision, years=year)
    return frozenset(table.keys())


def bank_holidays(nation: Nation, years: Iterable[int]) -> frozenset[date]:
    """Every bank holiday of `nation` in the given calendar years."""
    wanted = list(years)
    missing = [y for y in wanted if (nation, y) not in _FETCHED]
    if len(missing) > 1:
        # One call for many years is much quicker than one per year.
        table = holidays.country_holidays("GB", subdiv=nation.subdivision, years=missing)
        for year in missing:
            _FETCHED[(nation, year)] = frozenset(d for d in table if d.year == year)
    found: set[date] = set()
    for year in wanted:
        found |= _holidays_of_year(nation, year)
    return frozenset(found)


#: Years fetched together by `bank_holidays`, so `_holidays_of_year` need not ask again.
_FETCHED: dict[tuple[Nation, int], frozenset[date]] = {}


def is_bank_holiday(day: date, nation: Nation) -> bool:
    return day in _holidays_of_year(nation, day.year)


def is_working_day(day: date, nation: Nation) -> bool:
    """Monday to Friday and not a bank holiday of `nation`."""
    return day.weekday() < 5 and not is_bank_holiday(day, nation)


def working_days_after(day: date, count: int, nation: Nation) -> date:
    """The `count`-th working day strictly after `day`.

    The start day itself never counts, whether or not it is a working day: a clock that
    starts on a Saturday counts Monday, Tuesday, Wednesday and is due by Wednesday.
    """
    if count < 0:
        raise ValueError("count must be zero or more")
    current = day
    remaining = count
    while remaining:
        current += timedelta(days=1)
        if is_working_day(current, nation):
            remaining -= 1
    return current

"""Who may be on the panel list at all: children under 18, and care leavers aged 18 to 25
when the authority has turned that on.

A care leaver, for the list, is someone who was looked after at 16 or over and is now 18 to
25 (up to the day before their 26th birthday). The records hold a legal status, the day the
current period of care began (`looked_after_since`) and the date of birth, so a person of
18 to 25 counts as a care leaver when

- their legal status is "care leaver" (the authority's own records say so), or
- a period of care began before their 18th birthday and is still recorded
  (`looked_after_since` set): they were looked after when they turned 18, so at 16 or over,
  and the record has not caught up with their leaving care.

The records do not hold when earlier periods of care ended, so someone who left care before
16 and was never looked after again is not a care leaver here, as the law has it.

Someone whose date of birth is not known stays on the list as a child: the record is of a
child unless it says otherwise, and the panel can see the date is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

#: Under this age on the day, a child.
ADULT_AGE = 18
#: A care leaver is on the list up to the day before this birthday (aged 18 to 25).
CARE_LEAVER_UNTIL = 26
#: The legal statuses (`cases.codes.LegalStatus`) the rule reads.
CARE_LEAVER = "care_leaver"

CHILD = "child"
CARE_LEAVER_GROUP = "care_leaver"


@dataclass(frozen=True)
class Person:
    """What the rule needs of a child's record."""

    date_of_birth: date | None
    legal_status: str = "none"
    looked_after_since: date | None = None


def birthday(born: date, years: int) -> date:
    """The day `born` turns `years`: someone born on 29 February turns a year older on 1 March
    in other years (as `age_on` counts)."""
    try:
        return born.replace(year=born.year + years)
    except ValueError:
        return date(born.year + years, 3, 1)


def age_on(born: date, day: date) -> int:
    """Whole years from `born` to `day`."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def is_care_leaver(person: Person, day: date) -> bool:
    """Aged 18 to 25 on `day`, and a care leaver by the rule of this module."""
    born = person.date_of_birth
    if born is None or not ADULT_AGE <= age_on(born, day) < CARE_LEAVER_UNTIL:
        return False
    if person.legal_status == CARE_LEAVER:
        return True
    since = person.looked_after_since
    return since is not None and since < birthday(born, ADULT_AGE)


def group(person: Person, day: date, *, care_leavers: bool) -> str | None:
    """`CHILD` (under 18 on `day`, or date of birth not known), `CARE_LEAVER_GROUP` (when
    `care_leavers` is on and the person is one), or None: not for the panel list."""
    born = person.date_of_birth
    if born is None or age_on(born, day) < ADULT_AGE:
        return CHILD
    if care_leavers and is_care_leaver(person, day):
        return CARE_LEAVER_GROUP
    return None

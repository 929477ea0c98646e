"""Who may be on the panel list: under 18 on the day; care leavers aged 18 to 25 only when
the authority turns them on."""

from __future__ import annotations

from datetime import date

import pytest

from homeward.panelrules.eligibility import (
    CARE_LEAVER_GROUP,
    CHILD,
    Person,
    age_on,
    birthday,
    group,
    is_care_leaver,
)

DAY = date(2026, 12, 7)


def test_under_18_on_the_day_is_a_child_and_18_is_not():
    assert group(Person(date(2008, 12, 8)), DAY, care_leavers=False) == CHILD  # 17 today
    assert group(Person(date(2008, 12, 7)), DAY, care_leavers=False) is None  # 18 today
    assert group(Person(date(2008, 12, 7)), DAY, care_leavers=True) is None  # not in care


def test_a_date_of_birth_not_known_stays_a_child():
    assert group(Person(None), DAY, care_leavers=False) == CHILD


@pytest.mark.parametrize(
    ("person", "leaver"),
    [
        (Person(date(2006, 1, 1), "care_leaver"), True),  # 20, recorded as a care leaver
        # Looked after since 15, the record still says so at 19: left care at 18.
        (Person(date(2007, 6, 1), "looked_after", date(2022, 9, 1)), True),
        # A period of care that began after the 18th birthday is not care as a child.
        (Person(date(2007, 6, 1), "none", date(2025, 7, 1)), False),
        (Person(date(2007, 6, 1), "child_in_need"), False),
        # 26 on the day: too old; the day before the 26th birthday: 25, still one.
        (Person(date(2000, 12, 7), "care_leaver"), False),
        (Person(date(2000, 12, 8), "care_leaver"), True),
        (Person(None, "care_leaver"), False),
        (Person(date(2010, 1, 1), "care_leaver"), False),  # 16: a child, not a leaver
    ],
)
def test_care_leavers_are_18_to_25_and_were_looked_after_as_children(person, leaver):
    assert is_care_leaver(person, DAY) is leaver


def test_care_leavers_are_listed_only_when_turned_on():
    leaver = Person(date(2006, 1, 1), "care_leaver")
    assert group(leaver, DAY, care_leavers=False) is None
    assert group(leaver, DAY, care_leavers=True) == CARE_LEAVER_GROUP


def test_ages_and_birthdays():
    assert age_on(date(2008, 2, 29), date(2026, 2, 28)) == 17
    assert birthday(date(2008, 2, 29), 18) == date(2026, 3, 1)
    assert age_on(date(2008, 2, 29), date(2026, 3, 1)) == 18
    assert age_on(date(2008, 12, 7), DAY) == 18

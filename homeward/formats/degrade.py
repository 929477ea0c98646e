"""Coarser personal details for anything that leaves the authority (the "degrade" option).

A full postcode points at a house and a date of birth at a person; the postcode district
(the outward code, "LS6" of "LS6 2AB") and the month of birth (the first of the month) are
enough for most analysis and much harder to trace back to a child.
"""

from __future__ import annotations

from datetime import date


def postcode_district(postcode: str | None) -> str:
    """The outward code of a UK postcode ("LS6 2AB" and "ls62ab" → "LS6"); "" if blank.

    A postcode's inward code is always a digit and two letters, so the district is
    whatever comes before the last three characters, spaces removed.
    """
    compact = "".join((postcode or "").split()).upper()
    if len(compact) <= 3:
        return compact if len(compact) in (2, 3) and not compact[-1].isalpha() else ""
    return compact[:-3]


def month_of_birth(born: date | None) -> date | None:
    """The first day of the month of `born` (None stays None)."""
    return None if born is None else born.replace(day=1)

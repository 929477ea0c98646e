"""The anomaly rules of the authority-returns contract.

"An answer is excluded when it cannot be true; the exclusion is per answer (the part is
excluded, the whole stays)." Each rule below is the contract's, in its order; an
excluded answer is reported with the first rule that excluded it.

A *valid* answer is one that was given and is not itself excluded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

from homeward.benchmark.returns import COUNT_COLUMNS

#: The rule texts, as listed in the exclusions file and the report.
NEGATIVE = "negative count"
INDIVIDUALS_OVER_INCIDENTS = "individuals > incidents"
OFFERED_OVER_INCIDENTS = "offered > incidents"
DECLINED_OVER_INCIDENTS = "declined > incidents"
DECLINED_OVER_OFFERED = "declined > offered"
ACCEPTED_OVER_OFFERED = "accepted > offered"
ACCEPTED_PLUS_DECLINED_OVER_OFFERED = "accepted + declined > offered"
COMPLETED_OVER_INCIDENTS = "completed > incidents"
WITHIN_OVER_INCIDENTS = "completed_within_72h > incidents"
WITHIN_OVER_COMPLETED = "completed_within_72h > completed"
WITHIN_COMPLETED_NOT_ANSWERED = "completed not answered, so completed_within_72h cannot be rated"
WITHIN_COMPLETED_EXCLUDED = "completed excluded, so completed_within_72h cannot be rated"
WITHIN_COMPLETED_ZERO = "completed is 0, so completed_within_72h cannot be rated"

#: Every rule, in the order they are applied (for documentation and the report).
RULES: tuple[str, ...] = (
    NEGATIVE,
    INDIVIDUALS_OVER_INCIDENTS,
    OFFERED_OVER_INCIDENTS,
    DECLINED_OVER_INCIDENTS,
    DECLINED_OVER_OFFERED,
    ACCEPTED_OVER_OFFERED,
    ACCEPTED_PLUS_DECLINED_OVER_OFFERED,
    COMPLETED_OVER_INCIDENTS,
    WITHIN_OVER_INCIDENTS,
    WITHIN_OVER_COMPLETED,
    WITHIN_COMPLETED_NOT_ANSWERED,
    WITHIN_COMPLETED_EXCLUDED,
    WITHIN_COMPLETED_ZERO,
)


class Status(Enum):
    """Where one authority falls in one rate table."""

    BASE = "base"
    NOT_ANSWERED = "not_answered"
    EXCLUDED = "excluded"


@dataclass(frozen=True)
class Assessment:
    """One authority's count answers after the anomaly rules.

    `given` holds every count that was answered (blank ones are absent); `rules` names,
    for each excluded answer, the rule that excluded it.
    """

    given: Mapping[str, int]
    rules: Mapping[str, str]

    def valid(self, column: str) -> int | None:
        """The answer if it was given and not excluded, else None."""
        if column in self.rules:
            return None
        return self.given.get(column)

    @property
    def rate_possible(self) -> bool:
        """False when the authority has no valid, non-zero incidents.

        "With no valid incidents no rate of that authority can be formed and its answers
        count as not answered"; with 0 incidents no rate can be formed either.
        """
        incidents = self.valid("incidents")
        return incidents is not None and incidents > 0

    def status(self, *answers: str) -> Status:
        """The status of a rate table built on `answers` (besides incidents).

        Not answered when no rate can be formed or one of the answers is blank; excluded
        when one of them was excluded; otherwise the authority is in the table's base.
        """
        if not self.rate_possible or any(a not in self.given for a in answers):
            return Status.NOT_ANSWERED
        if any(a in self.rules for a in answers):
            return Status.EXCLUDED
        return Status.BASE


def assess(counts: Mapping[str, int | None]) -> Assessment:
    """Apply the contract's anomaly rules to one authority's counts (None = blank)."""
    given = {c: v for c in COUNT_COLUMNS if (v := counts.get(c)) is not None}
    rules: dict[str, str] = {}

    def exclude(column: str, rule: str) -> None:
        rules.setdefault(column, rule)

    def valid(column: str) -> int | None:
        return None if column in rules else given.get(column)

    for column, value in given.items():
        if value < 0:
            exclude(column, NEGATIVE)

    incidents = valid("incidents")

    def over(column: str, limit: int | None) -> bool:
        value = valid(column)
        return value is not None and limit is not None and value > limit

    if over("individuals", incidents):
        exclude("individuals", INDIVIDUALS_OVER_INCIDENTS)
    if over("offered", incidents):
        exclude("offered", OFFERED_OVER_INCIDENTS)
    offered = valid("offered")
    if over("declined", incidents):
        exclude("declined", DECLINED_OVER_INCIDENTS)
    elif over("declined", offered):
        exclude("declined", DECLINED_OVER_OFFERED)
    declined = valid("declined")
    if over("accepted", offered):
        exclude("accepted", ACCEPTED_OVER_OFFERED)
    elif declined is not None and offered is not None and over("accepted", offered - declined):
        exclude("accepted", ACCEPTED_PLUS_DECLINED_OVER_OFFERED)
    if over("completed", incidents):
        exclude("completed", COMPLETED_OVER_INCIDENTS)
    completed = valid("completed")
    within = "completed_within_72h"
    if valid(within) is not None:
        if over(within, incidents):
            exclude(within, WITHIN_OVER_INCIDENTS)
        elif over(within, completed):
            exclude(within, WITHIN_OVER_COMPLETED)
        elif "completed" not in given:
            exclude(within, WITHIN_COMPLETED_NOT_ANSWERED)
        elif completed is None:
            exclude(within, WITHIN_COMPLETED_EXCLUDED)
        elif completed == 0:
            exclude(within, WITHIN_COMPLETED_ZERO)
    return Assessment(given=given, rules=rules)

"""Where a return interview is: one status, derived from its fields (never stored).

    allocated -> offered -> held / declined / no contact -> awaiting sign-off -> signed off
                                                                 |                ^
                                                                 v                |
                                                             returned ------------+
                                                          (resubmitted: awaiting again)

- **allocated**: open, no offer recorded yet;
- **offered**: open, an offer is recorded;
- **held**, **declined**, **no contact**: closed by the worker, not yet submitted;
- **awaiting sign-off**: submitted by the worker (`services.interview_submit_for_sign_off`);
- **returned**: a manager sent it back with comments (`services.interview_return`), not yet
  submitted again;
- **signed off**: a manager signed it off (`services.interview_sign_off`).

The statuses are one partition of the interviews: each has exactly one. `CONDITIONS` holds
each status as a query condition (for lists and filters), `annotate_status` puts the same
conditions on a queryset as a `status` column (one CASE, the conditions in order), and
`interview_status` answers for one interview already read. Tests check all three agree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Value, When

from homeward.cases import codes
from homeward.cases.models import Offer, ReturnInterview

if TYPE_CHECKING:
    from django.db.models.expressions import Combinable


class InterviewStatus(models.TextChoices):
    ALLOCATED = "allocated", "Allocated"
    OFFERED = "offered", "Offered"
    HELD = "held", "Held"
    DECLINED = "declined", "Declined"
    NO_CONTACT = "no_contact", "No contact"
    AWAITING_SIGN_OFF = "awaiting_sign_off", "Awaiting sign-off"
    RETURNED = "returned", "Returned"
    SIGNED_OFF = "signed_off", "Signed off"


S = InterviewStatus
OPEN_OUTCOMES = (codes.Outcome.PENDING, codes.Outcome.ACCEPTED)

_UNSIGNED = Q(signed_off_at__isnull=True)
#: Still with the worker: not signed off, not submitted, not returned.
_WITH_WORKER = _UNSIGNED & Q(
    submitted_for_sign_off_at__isnull=True, returned_for_changes_at__isnull=True
)
_NOT_HELD = _WITH_WORKER & Q(held_at__isnull=True)


def _offered() -> Exists:
    return Exists(Offer.objects.filter(interview=OuterRef("pk")))


#: Open: still expected (allocated or offered). The condition of the open-interview indexes
#: (`held_at` null, the outcome pending or accepted) and that the interview is with the worker.
STILL_OPEN = _NOT_HELD & Q(outcome__in=OPEN_OUTCOMES)
#: Closed by the worker and not yet submitted: held, declined or no contact.
TO_SUBMIT = _WITH_WORKER & (
    Q(held_at__isnull=False) | Q(outcome__in=(codes.Outcome.DECLINED, codes.Outcome.NO_CONTACT))
)
AWAITING_SIGN_OFF = _UNSIGNED & Q(submitted_for_sign_off_at__isnull=False)
RETURNED = _UNSIGNED & Q(
    submitted_for_sign_off_at__isnull=True, returned_for_changes_at__isnull=False
)
SIGNED_OFF = Q(signed_off_at__isnull=False)


def conditions() -> dict[str, Q | Combinable]:
    """Each status as a query condition; together they split the interviews, none shared."""
    return {
        S.SIGNED_OFF: SIGNED_OFF,
        S.AWAITING_SIGN_OFF: AWAITING_SIGN_OFF,
        S.RETURNED: RETURNED,
        S.HELD: _WITH_WORKER & Q(held_at__isnull=False),
        S.DECLINED: _NOT_HELD & Q(outcome=codes.Outcome.DECLINED),
        S.NO_CONTACT: _NOT_HELD & Q(outcome=codes.Outcome.NO_CONTACT),
        S.OFFERED: STILL_OPEN & _offered(),
        S.ALLOCATED: STILL_OPEN & ~_offered(),
    }


def condition(status: str) -> Q | Combinable:
    return conditions()[status]


def annotate_status(interviews: QuerySet[ReturnInterview]) -> QuerySet[ReturnInterview]:
    """The queryset with a `status` column (an `InterviewStatus` value). The conditions are
    tried in order, so the last (allocated: open, no offer) is the default and asks the
    database about offers once a row, not twice."""
    whens = [
        When(cond, then=Value(str(status)))
        for status, cond in conditions().items()
        if status != S.ALLOCATED
    ]
    return interviews.annotate(
        status=Case(*whens, default=Value(str(S.ALLOCATED)), output_field=models.CharField())
    )


def interview_status(interview: ReturnInterview, *, offered: bool | None = None) -> S:
    """The status of one interview read already (its `status` column when the queryset had
    one; else from its fields, asking the database whether an offer exists only if needed
    and `offered` is not given)."""
    annotated = getattr(interview, "status", None)
    if annotated:
        return S(annotated)
    if interview.signed_off_at is not None:
        return S.SIGNED_OFF
    if interview.submitted_for_sign_off_at is not None:
        return S.AWAITING_SIGN_OFF
    if interview.returned_for_changes_at is not None:
        return S.RETURNED
    if interview.held_at is not None:
        return S.HELD
    if interview.outcome == codes.Outcome.DECLINED:
        return S.DECLINED
    if interview.outcome == codes.Outcome.NO_CONTACT:
        return S.NO_CONTACT
    if offered is None:
        offered = interview.offers.exists()
    return S.OFFERED if offered else S.ALLOCATED


def label(status: str) -> str:
    return str(S(status).label)

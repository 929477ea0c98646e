"""Demo profiles: a few children in care with a Philomena Protocol profile (made-up words,
no photo: the demo holds no one's picture)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from homeward.cases.models import Child
from homeward.profiles import services

if TYPE_CHECKING:
    from homeward.accounts.models import User

ANSWERS = (
    {
        "description": "About 5 ft 4, slim, short brown hair, a small scar on the chin.",
        "clothing": "A grey hooded top, black joggers, white trainers, a small black bag.",
        "phones": "One phone; uses Snapchat and TikTok under a nickname the carers know.",
        "places": "The retail park, the bus station, an aunt's street on the estate.",
        "transport": "Buses into town; has a bus pass. No money of their own usually.",
        "risks": "Older young people have been seen giving lifts; possible criminal exploitation.",
        "what_worked": "Found last time at the retail park by the police; talks to the "
        "residential key worker.",
    },
    {
        "description": "Tall for their age, curly dark hair, wears glasses.",
        "clothing": "A green parka and a football shirt.",
        "medical": "Asthma: needs the blue inhaler, which they do not always take with them.",
        "associates": "A friend from the previous placement, in the next town.",
        "what_worked": "Came back by themselves after a phone call from the social worker.",
        "communication": "Prefers short messages; does not like phone calls from numbers "
        "they do not know.",
    },
)


def seed_profiles(*, by: User) -> int:
    """Profiles for the first few children in care (as many as there are answers)."""
    children = Child.objects.filter(legal_status="looked_after").order_by("pk")[: len(ANSWERS)]
    review = timezone.localdate() + timedelta(days=90)
    for child, answers in zip(children, ANSWERS, strict=False):
        services.profile_save(by=by, child=child, answers=dict(answers), review_on=review)
    return len(children)

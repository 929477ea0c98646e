"""A planned panel meeting for the demo: the first children the triggers list, one decision
and two actions, so the pack, its network and the actions list have something to show."""

from __future__ import annotations

from datetime import date, timedelta

from homeward.accounts.models import User
from homeward.cases.models import Child
from homeward.panel import selectors, services
from homeward.panel.models import PanelMeeting

#: How many of the listed children the demo meeting takes.
CHILDREN = 8


def seed_meeting(*, by: User, today: date) -> PanelMeeting:
    """The exploitation panel three days from `today`, with the children listed today."""
    meeting = services.meeting_create(
        by=by, date=today + timedelta(days=3), title="Exploitation and missing panel"
    )
    listed = list(selectors.listed(today))[:CHILDREN]
    for child in Child.objects.filter(pk__in=listed).order_by("pk"):
        listing = services.meeting_add_child(by=by, meeting=meeting, child=child)
        if child.pk == listed[0]:
            services.decision_record(
                by=by,
                listing=listing,
                text="Made up for the demo: share the places named with the police's "
                "exploitation team and review at the next panel.",
            )
            services.action_add(
                by=by,
                listing=listing,
                text="Send the places of concern to the exploitation team",
                owner="Missing children coordinator",
                due_on=today + timedelta(days=7),
            )
            services.action_add(
                by=by,
                listing=listing,
                text="Disruption visit to the address named",
                owner="Police exploitation team",
                due_on=today - timedelta(days=2),
            )
    return meeting

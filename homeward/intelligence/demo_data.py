"""Police intelligence for the demo: a few recent interviews' shareable findings shared
with the demo force, most waiting for the police's acknowledgement and one acknowledged,
so the liaison officer's list and the interviews' "Information shared" have something."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from homeward.accounts.models import User
from homeward.cases.models import PlaceOfConcern, ReturnInterview
from homeward.intelligence import services

#: How many interviews' intelligence the demo shares (the last one is acknowledged).
SHARED = 3


@dataclass
class DemoIntelligence:
    shared: int = 0
    awaiting: int = 0


def seed_submissions(*, by: User) -> DemoIntelligence:
    """The latest held interviews with a shareable place, reported by a police force:
    each prepared and downloaded as a file by `by` (a coordinator), the last acknowledged
    with a made-up police reference."""
    shareable = PlaceOfConcern.objects.filter(interview=OuterRef("pk"), shareable=True)
    candidates = (
        ReturnInterview.objects.filter(held_at__isnull=False, episodes__police_force__isnull=False)
        .filter(Exists(shareable))
        .distinct()
        .order_by("-held_at", "-pk")[:SHARED]
    )
    result = DemoIntelligence()
    made = []
    for interview in candidates:
        submission, _ = services.intelligence_prepare(
            by=by,
            interview=interview,
            summary="Made up for the demo: the child named a flat where older males gave them "
            "drugs to carry.",
        )
        services.intelligence_download(
            by=by,
            submission=submission,
            file_format="json",
            reason="Made up for the demo: agreed with the force's exploitation team",
        )
        made.append(submission)
    result.shared = len(made)
    if len(made) > 1:
        services.intelligence_record_police_reference(
            by=by, submission=made[-1], police_reference="DEMO-INT-0001"
        )
    result.awaiting = len(made) - (1 if len(made) > 1 else 0)
    return result

"""The demo's police notifications: a few days of the force's feed, taken in as a file is, so
the coordinator's queue, the possible-miscoding list and the reconciliation have something
to show. Generated people only.

About the demo's own children (some with the slips real reports carry: a short form of the
name, a typo, day and month swapped), children the authority does not know, reports whose
codes contradict their content, an adult's report, and a found notification amending an
earlier report.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, timedelta

from django.utils import timezone

from homeward.accounts.models import Role, User
from homeward.cases import codes
from homeward.cases.demo_data import POLICE_CODE
from homeward.cases.models import Child
from homeward.intake import services
from homeward.intake.models import IntakeBatch
from homeward.police import nicknames, parse
from homeward.police.format import (
    Category,
    MissingFrom,
    Notification,
    NotificationType,
    PlacementType,
    RiskFactor,
    RiskGrade,
    Sex,
)

CIRCUMSTANCES = (
    "Left home after an argument about coming in late; phone switched off.",
    "Did not return to the placement after school; friends say she went to Castleton.",
    "Last seen getting into a car with two older males near the retail park.",
    "Went out to see friends and did not come back; has done this before.",
    "Believed to be staying with an older boyfriend; carers worried about drugs.",
)


def _short_form(given: str) -> str:
    """Another name of the same group (Jay for Jayden), or the name itself."""
    groups = nicknames.groups_of(given)
    for number in sorted(groups):
        for name in sorted(nicknames.GROUPS[number]):
            if name != given.casefold():
                return name.title()
    return given


def _typo(word: str) -> str:
    if len(word) < 4:
        return word
    return word[:1] + word[2] + word[1] + word[3:]


def seed_notifications(*, seed: int = 1, now: datetime | None = None) -> IntakeBatch:
    """Take in one batch of the force's notifications of the last few days."""
    rng = random.Random(seed)  # noqa: S311 (generated data, not secrets)
    now = now or timezone.now()
    coordinator = User.objects.filter(role=Role.COORDINATOR).order_by("pk").first()
    seventeen_years_ago = now.date().replace(year=now.year - 17, day=1)
    ten_years_ago = now.date().replace(year=now.year - 10, day=1)
    children = list(
        Child.objects.filter(date_of_birth__gt=seventeen_years_ago)
        .exclude(date_of_birth__gt=ten_years_ago)
        .order_by("reference")[:400]
    )
    rng.shuffle(children)
    reports: list[Notification] = []
    serial = 0

    def report(**values: object) -> Notification:
        nonlocal serial
        serial += 1
        reported = now - timedelta(hours=6 + rng.random() * 72)
        base = Notification(
            force=POLICE_CODE,
            police_reference=f"FEN-MP-{now:%y}-{9000 + serial}",
            notification_type=NotificationType.REPORTED_MISSING,
            reported_at=reported,
            last_seen_at=reported - timedelta(hours=1 + rng.random() * 4),
            last_seen_where=rng.choice(("Fenmoor bus station", "Castleton Road", "School gates")),
            category=Category.MISSING,
            risk_grade=rng.choice((RiskGrade.LOW, RiskGrade.MEDIUM, RiskGrade.MEDIUM)),
            missing_from=MissingFrom.HOME,
            placement_type=PlacementType.HOME,
            circumstances=rng.choice(CIRCUMSTANCES),
            child_flag=True,
            officer_name=f"PC {rng.randint(1000, 9999)} Sam Reid",
            officer_contact="01632 960123",
            sent_at=reported + timedelta(minutes=20),
        )
        return replace(base, **values)  # type: ignore[arg-type]

    def about(child: Child, **values: object) -> Notification:
        person: dict[str, object] = {
            "given_names": child.first_name,
            "family_name": child.last_name,
            "date_of_birth": child.date_of_birth,
            "sex": Sex(child.sex) if child.sex in Sex._value2member_map_ else Sex.UNKNOWN,
            "postcode": child.postcode,
        }
        if child.legal_status == codes.LegalStatus.LOOKED_AFTER:
            person["missing_from"] = MissingFrom.CARE
            person["placement_type"] = PlacementType(child.placement_type or "other")
        return report(**(person | values))

    known = iter(children)
    reports.append(about(next(known)))
    reports.append(about(next(known)))
    child = next(known)
    reports.append(about(child, given_names=_short_form(child.first_name)))
    child = next(known)
    reports.append(about(child, family_name=_typo(child.last_name)))
    child = next(c for c in known if c.date_of_birth and c.date_of_birth.day <= 12)
    assert child.date_of_birth is not None
    swapped = child.date_of_birth.replace(
        month=child.date_of_birth.day, day=child.date_of_birth.month
    )
    reports.append(about(child, date_of_birth=swapped))
    # Children the authority does not know.
    for given, family, sex in (("Kacper", "Nowak", Sex.MALE), ("Maisie", "Thornbury", Sex.FEMALE)):
        reports.append(
            report(
                given_names=given,
                family_name=family,
                sex=sex,
                date_of_birth=(now - timedelta(days=365 * 14 + rng.randint(0, 700))).date(),
                postcode=f"ZZ{rng.randint(1, 9)} {rng.randint(1, 9)}AB",
            )
        )
    # Codes that contradict the content: the miscoding queue.
    reports.append(about(next(known), child_flag=False))
    reports.append(
        about(
            next(known),
            category=Category.ABSENT,
            risk_grade=RiskGrade.NO_APPARENT_RISK,
            circumstances="Absent from home overnight; believed to be running drugs for an "
            "older man in Castleton (county lines).",
            risk_factors=(RiskFactor.COUNTY_LINES, RiskFactor.CCE),
        )
    )
    reports.append(
        about(
            next(c for c in known if c.legal_status != codes.LegalStatus.LOOKED_AFTER),
            missing_from=MissingFrom.HOME,
            placement_type=PlacementType.CHILDRENS_HOME,
            placement_name="Oakfield House children's home",
            placement_address="Oakfield House children's home, Mere Lane, Fenmoor",
        )
    )
    # An adult's report (not queued).
    reports.append(
        report(
            given_names="Daniel",
            family_name="Ashworth",
            sex=Sex.MALE,
            date_of_birth=(now - timedelta(days=365 * 34)).date(),
            child_flag=False,
        )
    )
    # The first report's child is found: an amendment.
    first = reports[0]
    found_at = max(first.reported_at, min(first.reported_at + timedelta(hours=20), now))
    reports.append(
        replace(
            first,
            notification_type=NotificationType.FOUND,
            found_at=found_at - timedelta(minutes=30),
            found_where="A friend's flat in Sedgeby",
            found_by="Returned by themselves",
            prevention_interview_done=True,
            sent_at=found_at,
        )
    )
    data = parse.write_csv(reports)
    return services.intake_file(
        name="fenmoor-police-daily.csv",
        data=data,
        channel=IntakeBatch.Channel.FILE,
        by=coordinator,
        now=now,
    )

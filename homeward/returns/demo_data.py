"""The demo authority's FOI answers that are not in the records (who delivers interviews,
follow-up support, what happens to the information): made up, as everything in the demo."""

from __future__ import annotations

from datetime import date

from homeward.cases.demo_data import PROVIDER, TEAM
from homeward.indicators.engine import financial_year_label, financial_year_start
from homeward.organisations.models import Authority
from homeward.returns.models import FoiDelivery, FoiSettings


def seed_foi_settings(authority: Authority, *, today: date) -> FoiSettings:
    """The demo's answers: a charity commissioned for the last three years, an in-house
    team before and beside it."""
    settings, _ = FoiSettings.objects.update_or_create(
        authority=authority,
        defaults={
            "follow_up_support": FoiSettings.FollowUp.YES,
            "follow_up_details": "Up to six weeks of one-to-one support from the same worker "
            "who held the interview, and a group for young people missing repeatedly.",
            "information_use": "Written up on the child's record within two working days, "
            "shared with the social worker, and with the police when the child agrees or "
            "there is a risk of harm.",
            "vulnerability_steps": "Referral to the exploitation panel, a strategy "
            "discussion, or a child protection referral, as the risk calls for.",
            "service_comments": "Made up for the demo: no real authority's answer.",
        },
    )
    current = financial_year_start(today)
    for first in range(current - 5, current + 1):
        commissioned = first >= current - 2
        FoiDelivery.objects.update_or_create(
            settings=settings,
            period=financial_year_label(first),
            defaults={
                "third_sector": commissioned,
                "third_sector_agency": PROVIDER if commissioned else "",
                "in_house": True,
                "in_house_team": TEAM,
            },
        )
    return settings

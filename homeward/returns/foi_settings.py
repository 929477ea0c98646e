"""Reading and saving the authority's FOI settings (`models.FoiSettings`, `FoiDelivery`).

Kept in one small module (a selector and a service) beside the models: the returns app is
shared by several export builders, and these are the only writes it has.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction

from homeward.accounts import permissions
from homeward.formats import foi
from homeward.returns.models import FoiDelivery, FoiSettings

if TYPE_CHECKING:
    from homeward.accounts.models import User
    from homeward.organisations.models import Authority

ANSWER_FIELDS = (
    "follow_up_support",
    "follow_up_details",
    "information_use",
    "vulnerability_steps",
    "service_comments",
    "suppress_below",
)


def foi_settings_of(authority: Authority) -> FoiSettings:
    """The authority's settings; an unsaved blank one when none are recorded (a read never
    writes)."""
    found = FoiSettings.objects.filter(authority=authority).first()
    return found if found is not None else FoiSettings(authority=authority)


def foi_deliveries_of(authority: Authority) -> list[FoiDelivery]:
    """Every recorded year of who delivered interviews, the latest first."""
    return list(FoiDelivery.objects.filter(settings__authority=authority).order_by("-period"))


def foi_settings_data(authority: Authority) -> foi.FoiSettings:
    """The settings as the pure FOI answer reads them."""
    saved = foi_settings_of(authority)
    deliveries = {
        d.period: foi.Delivery(
            period=d.period,
            third_sector=d.third_sector,
            third_sector_agency=d.third_sector_agency,
            in_house=d.in_house,
            in_house_team=d.in_house_team,
        )
        for d in foi_deliveries_of(authority)
    }
    return foi.FoiSettings(
        deliveries=deliveries,
        follow_up_support=saved.follow_up_support,
        follow_up_details=saved.follow_up_details,
        information_use=saved.information_use,
        vulnerability_steps=saved.vulnerability_steps,
        service_comments=saved.service_comments,
        suppress_below=saved.suppress_below,
    )


@dataclass(frozen=True)
class DeliveryAnswer:
    """Who delivered interviews in `period` (None: not recorded)."""

    period: str
    third_sector: bool | None
    third_sector_agency: str
    in_house: bool | None
    in_house_team: str


def foi_settings_save(
    *,
    by: User,
    authority: Authority,
    answers: dict[str, object],
    delivery: DeliveryAnswer | None = None,
) -> FoiSettings:
    """Save the authority's answers and (if given) one year's delivery, together or not at
    all. Saving the same answers again changes nothing and never adds a second row."""
    if not permissions.can_edit_foi_settings(by):
        raise PermissionDenied("the FOI settings")
    unknown = set(answers) - set(ANSWER_FIELDS)
    if unknown:
        raise ValueError(f"unknown FOI setting(s): {', '.join(sorted(unknown))}")
    with transaction.atomic():
        saved, _created = FoiSettings.objects.select_for_update().get_or_create(authority=authority)
        for name, value in answers.items():
            setattr(saved, name, value)
        saved.updated_by = by
        saved.full_clean()
        saved.save()
        if delivery is not None:
            year, _ = FoiDelivery.objects.get_or_create(settings=saved, period=delivery.period)
            year.third_sector = delivery.third_sector
            year.third_sector_agency = delivery.third_sector_agency if delivery.third_sector else ""
            year.in_house = delivery.in_house
            year.in_house_team = delivery.in_house_team if delivery.in_house else ""
            year.full_clean()
            year.save()
    return saved

"""The authority's own answers to the ECRC FOI request (who delivers interviews each year,
follow-up support, what happens to the information, comments): one page for the
authority's managers. The answer itself is an export (`homeward.returns.foi`).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from homeward.accounts import permissions
from homeward.benchmark.returns import parse_period
from homeward.cases.indicator_tables import home_authority
from homeward.returns.foi import financial_year_of
from homeward.returns.foi_settings import (
    ANSWER_FIELDS,
    DeliveryAnswer,
    foi_deliveries_of,
    foi_settings_of,
    foi_settings_save,
)
from homeward.returns.models import FoiSettings
from homeward.web.case_forms import text_area, yes_no_field, yes_no_value
from homeward.web.forms import GovukForm

TEMPLATE = "web/returns/foi_settings.html"

FOLLOW_UP_CHOICES = [*FoiSettings.FollowUp.choices, ("", "Not answered")]


class FoiSettingsForm(GovukForm):
    period = forms.CharField(
        label="Financial year",
        max_length=7,
        help_text="The year these delivery answers are for, for example 2017-18",
        error_messages={"required": "Enter the financial year, for example 2017-18"},
    )
    third_sector = yes_no_field("Were interviews delivered by a third sector agency?", unknown=True)
    third_sector_agency = forms.CharField(label="Which agency", max_length=200, required=False)
    in_house = yes_no_field(
        "Were interviews delivered by a team based within the authority?", unknown=True
    )
    in_house_team = forms.CharField(
        label="Which team, and/or the role of the professional", max_length=200, required=False
    )
    follow_up_support = forms.ChoiceField(
        label="Do you provide or commission follow-up support after an interview?",
        choices=FOLLOW_UP_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )
    follow_up_details = text_area("Details of the follow-up support")
    information_use = text_area("What happens to the information collected in an interview?")
    vulnerability_steps = text_area("What steps are available when vulnerability is identified?")
    service_comments = text_area(
        "More about your return interview service",
        help_text="Question 8: changes you would like in national guidance, barriers to "
        "effective provision, what is working well.",
    )
    suppress_below = forms.IntegerField(
        label="Give counts below this number as ‘Fewer than’",
        min_value=0,
        max_value=100,
        help_text="0 gives every count exactly, as FOI answers usually do; 5 gives counts "
        "from 1 to 4 as ‘Fewer than 5’.",
        error_messages={
            "required": "Enter a whole number from 0 to 100 (0: no counts are withheld)",
            "invalid": "Enter a whole number from 0 to 100",
            "min_value": "Enter a whole number from 0 to 100",
            "max_value": "Enter a whole number from 0 to 100",
        },
    )

    def clean_period(self) -> str:
        try:
            return parse_period(self.cleaned_data["period"])
        except ValueError:
            raise ValidationError(
                "Enter the financial year as two consecutive years, for example 2017-18"
            ) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("third_sector") and not (data.get("third_sector_agency") or "").strip():
            self.add_error("third_sector_agency", "Enter which agency delivered the interviews")
        if data.get("in_house") and not (data.get("in_house_team") or "").strip():
            self.add_error("in_house_team", "Enter which team, or the role of the professional")
        return data


def _year(request: HttpRequest) -> str:
    """The year asked for in the query string, else the current financial year."""
    try:
        return parse_period(request.GET.get("year", ""))
    except ValueError:
        return financial_year_of(timezone.localdate())


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def foi_settings(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not permissions.can_edit_foi_settings(user):  # type: ignore[arg-type]
        raise PermissionDenied("the FOI settings")
    authority = home_authority()
    deliveries = foi_deliveries_of(authority)
    if request.method == "POST":
        form = FoiSettingsForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            foi_settings_save(
                by=user,  # type: ignore[arg-type]
                authority=authority,
                answers={name: data[name] for name in ANSWER_FIELDS},
                delivery=DeliveryAnswer(
                    period=data["period"],
                    third_sector=data["third_sector"],
                    third_sector_agency=data["third_sector_agency"].strip(),
                    in_house=data["in_house"],
                    in_house_team=data["in_house_team"].strip(),
                ),
            )
            messages.success(request, f"FOI settings saved, with delivery in {data['period']}")
            return redirect(f"{reverse('web:foi-settings')}?year={data['period']}")
    else:
        year = _year(request)
        saved = foi_settings_of(authority)
        delivery = next((d for d in deliveries if d.period == year), None)
        initial: dict[str, Any] = {name: getattr(saved, name) for name in ANSWER_FIELDS}
        initial.update(
            period=year,
            third_sector=yes_no_value(delivery.third_sector if delivery else None),
            third_sector_agency=delivery.third_sector_agency if delivery else "",
            in_house=yes_no_value(delivery.in_house if delivery else None),
            in_house_team=delivery.in_house_team if delivery else "",
        )
        form = FoiSettingsForm(initial=initial)
    status = 400 if form.is_bound and form.errors else 200
    context = {"form": form, "deliveries": deliveries, "authority": authority}
    return render(request, TEMPLATE, context, status=status)

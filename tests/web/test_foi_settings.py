"""The FOI settings page: managers only, clear errors, saved answers in the FOI answer."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from homeward.returns.foi import build_foi_answer
from homeward.returns.models import FoiDelivery, FoiSettings

URL = reverse("web:foi-settings")

VALID = {
    "period": "2023-24",
    "third_sector": "yes",
    "third_sector_agency": "Safe Steps (fictional charity)",
    "in_house": "no",
    "in_house_team": "",
    "follow_up_support": "sometimes",
    "follow_up_details": "Mentoring after the interview",
    "information_use": "Recorded on the child's file and shared with the social worker",
    "vulnerability_steps": "Referral to the exploitation panel",
    "service_comments": "A single national timescale would help",
    "suppress_below": "0",
}


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("manager", 200),
        ("coordinator", 403),
        ("analyst", 403),
        ("provider_manager", 403),
        ("worker", 403),
        ("admin", 403),
    ],
)
def test_only_the_authoritys_managers_see_the_page(
    role: str, status: int, client_for: Callable[[str], Client]
) -> None:
    assert client_for(role).get(URL).status_code == status
    assert client_for(role).post(URL, VALID).status_code == (302 if status == 200 else 403)


def test_saved_values_appear_in_the_answer(client_for: Callable[[str], Client]) -> None:
    client = client_for("manager")
    response = client.post(URL, VALID)
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?year=2023-24"
    # Sending the same form again changes nothing and adds no row.
    assert client.post(URL, VALID).status_code == 302
    assert FoiSettings.objects.count() == 1 and FoiDelivery.objects.count() == 1
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Safe Steps (fictional charity)" in page.content.decode()
    # The 2024-25 answer's question 2 is about 2023-24.
    export = build_foi_answer(start=date(2024, 4, 1), end=date(2025, 3, 31), degrade=False)
    csv_file = next(f for f in export.files if f.name.endswith(".csv"))
    rows = {
        (r["question"], r["part"]): r["answer"]
        for r in csv.DictReader(io.StringIO(csv_file.data.decode("utf-8")))
    }
    assert rows[("2", "a")] == "Yes"
    assert rows[("2", "a(i)")] == "Safe Steps (fictional charity)"
    assert rows[("2", "b")] == "No"
    assert rows[("7", "a")] == "Sometimes. Mentoring after the interview"
    assert rows[("8", "")] == "A single national timescale would help"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"period": "2023-25"}, "period", "two consecutive years"),
        ({"period": ""}, "period", "Enter the financial year"),
        ({"third_sector_agency": ""}, "third_sector_agency", "Enter which agency"),
        ({"in_house": "yes"}, "in_house_team", "Enter which team"),
        ({"suppress_below": "-1"}, "suppress_below", "from 0 to 100"),
        ({"suppress_below": "five"}, "suppress_below", "whole number"),
        ({"follow_up_support": "often"}, "follow_up_support", "Select one of the choices given"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_saved(
    change: dict[str, str], field: str, message: str, client_for: Callable[[str], Client]
) -> None:
    response = client_for("manager").post(URL, {**VALID, **change})
    assert response.status_code == 400
    form = response.context["form"]
    assert field in form.errors
    assert message in " ".join(form.errors[field])
    assert "There is a problem" in response.content.decode()
    assert not FoiSettings.objects.exists() and not FoiDelivery.objects.exists()


def test_a_year_is_shown_for_editing(client_for: Callable[[str], Client]) -> None:
    client = client_for("manager")
    client.post(URL, VALID)
    client.post(
        URL,
        {
            **VALID,
            "period": "2019-20",
            "third_sector": "no",
            "in_house": "yes",
            "in_house_team": "Youth service",
        },
    )
    form = client.get(f"{URL}?year=2019-20").context["form"]
    assert form.initial["period"] == "2019-20"
    assert (form.initial["third_sector"], form.initial["in_house"]) == ("no", "yes")
    assert form.initial["in_house_team"] == "Youth service"
    assert form.initial["follow_up_support"] == "sometimes"
    # A year not recorded starts blank; a year that is not one falls back to the current.
    blank = client.get(f"{URL}?year=2010-11").context["form"]
    assert blank.initial["third_sector"] == "" and blank.initial["third_sector_agency"] == ""
    assert client.get(f"{URL}?year=nonsense").status_code == 200

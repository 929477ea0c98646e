"""The police report page shows what the police sent in words: times and days in the pages'
one format, codes by their labels, true and false as Yes and No, never the format's raw
values (`2026-12-05T13:57:41+00:00`, `reported_missing`, `true`)."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from homeward.intake import services as intake_services
from homeward.intake.models import PoliceReport
from homeward.police.classify import CONCERN_CODES, CONCERN_LABELS
from homeward.police.format import FIELDS, Notification, NotificationType
from homeward.web import police_words

UK = ZoneInfo("Europe/London")
COLUMNS = (
    "force,police_reference,notification_type,sent_at,reported_at,last_seen_at,category,"
    "risk_grade,missing_from,given_names,family_name,date_of_birth,child_flag,sex,"
    "risk_factors,placement_type,prevention_interview_done,responsible_authority"
)


def test_every_field_of_the_format_has_a_name_in_words():
    assert {f.name for f in FIELDS} <= set(police_words.FIELD_LABELS)
    for field in FIELDS:
        for code in field.choices:
            label = police_words.code_label(field.name, code)
            assert "_" not in label and label != code, (field.name, code)


def test_values_are_words():
    moment = datetime(2026, 12, 5, 13, 57, 41, 458010, tzinfo=ZoneInfo("UTC"))
    assert police_words.value_text("reported_at", moment) == "5 December 2026 at 1:57pm"
    assert police_words.value_text("date_of_birth", date(2011, 5, 14)) == "14 May 2011"
    assert police_words.value_text("child_flag", True) == "Yes"
    assert police_words.value_text("child_flag", False) == "No"
    assert police_words.value_text("child_flag", None) == ""
    assert (
        police_words.value_text("notification_type", NotificationType.REPORTED_MISSING)
        == "Reported missing"
    )
    assert police_words.value_text("risk_factors", ("cse", "county_lines")) == (
        "Child sexual exploitation, County lines"
    )
    assert police_words.value_text("aliases", ("JJ", "Jay")) == "JJ, Jay"
    assert police_words.code_label("risk_grade", "something_new") == "Something new"


@pytest.mark.django_db
def test_the_report_page_shows_what_the_police_sent_in_words(world, client_for):
    code = world.police.code
    row = (
        f"{code},FW-1,reported_missing,2026-12-05T13:57:41+00:00,2026-12-05T13:50:00+00:00,"
        "2026-07-04T21:15:00+01:00,missing,no_apparent_risk,care,Jordan,Example,2011-05-14,"
        f"true,male,cse;county_lines,childrens_home,false,{world.authority.gss_code}"
    )
    intake_services.intake_file(
        name="notifications.csv",
        data=f"{COLUMNS}\n{row}\n".encode(),
        channel="upload",
        by=world.user("coordinator"),
    )
    report = PoliceReport.objects.get(police_reference="FW-1")
    page = client_for("coordinator").get(reverse("web:intake-report", args=[report.reference]))
    assert page.status_code == 200
    rows = dict((label, value) for label, _description, value in page.context["fields"])
    assert rows["Notification"] == "Reported missing"
    assert rows["Sent by the police"] == "5 December 2026 at 1:57pm"
    assert rows["Last seen"] == "4 July 2026 at 9:15pm"
    assert rows["Date of birth"] == "14 May 2011"
    assert rows["A child, as the police recorded it"] == "Yes"
    assert rows["Prevention interview done"] == "No"
    assert rows["Risk grade"] == "No apparent risk (an earlier grade)"
    assert rows["Missing from"] == "Care"
    assert rows["Sex"] == "Male"
    assert rows["Risk factors"] == "Child sexual exploitation, County lines"
    assert rows["Placement type"] == "Children's home"
    assert rows["Responsible authority"] == (f"{world.authority.name} ({world.authority.gss_code})")
    # What a person reads (a <time> element's machine-readable datetime is not shown).
    text = re.sub(r"<[^>]+>", "|", page.content.decode())
    for raw in (
        "2026-12-05T13:57",
        "reported_missing",
        "no_apparent_risk",
        "county_lines",
        "childrens_home",
        "Child flag",
        "|true|",
        "|false|",
    ):
        assert raw not in text, raw
    # The history names the notification's type in words too.
    assert page.context["history"][0]["type"] == "Reported missing"


def test_a_notification_read_back_gives_only_the_fields_sent():
    n = Notification(
        force="fenmoor",
        police_reference="FM-1",
        notification_type=NotificationType.UPDATE,
        reported_at=datetime(2026, 3, 1, 9, 0, tzinfo=UK),
        category="missing",  # type: ignore[arg-type]
    )
    labels = [label for label, _d, _v in police_words.report_rows(n)]
    assert labels == [
        "Police force",
        "Police reference",
        "Notification",
        "Sex",
        "Reported missing",
        "Category",
    ]


@pytest.mark.django_db
def test_the_reconciliation_page_shows_times_and_concerns_in_words(world, client_for):
    code = world.police.code
    columns = (
        "force,police_reference,notification_type,reported_at,category,risk_factors,given_names"
    )
    row = f"{code},FW-2,reported_missing,2026-03-10T14:50:00+00:00,absent,cse,Sam"
    intake_services.intake_file(
        name="notifications.csv",
        data=f"{columns}\n{row}\n".encode(),
        channel="upload",
        by=world.user("coordinator"),
    )
    page = client_for("coordinator").get(
        reverse("web:reconciliation"), {"start": "2026-03-01", "end": "2026-03-31"}
    )
    assert page.status_code == 200
    cells = [cell for section in page.context["sections"] for r in section["rows"] for cell in r]
    assert "10 March 2026 at 2:50pm" in cells
    assert not any("10/03/2026" in cell for cell in cells)
    status = next(cell for cell in cells if cell.startswith("Possible miscoding"))
    assert "absent_with_risk" not in status
    assert "Coded absent or no apparent risk, with signs of risk" in status


def test_every_concern_has_words():
    assert set(CONCERN_LABELS) == set(CONCERN_CODES)
    assert all("_" not in label for label in CONCERN_LABELS.values())

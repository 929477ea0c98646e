"""The indicators page and its downloads: who sees them, the defaults, the figures shown."""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from homeward.audit.models import AccessEvent
from homeward.cases.indicator_tables import EXPORT_REASON, NOT_ALLOCATED
from homeward.indicators.engine import rate_definitions
from homeward.indicators.schema import OUTPUT_COLUMNS
from homeward.organisations.models import Organisation
from tests.cases.test_indicator_tables import build_records
from tests.factories import make_world
from tests.web.conftest import sign_in

pytestmark = pytest.mark.django_db
PAGE = reverse("web:indicators")


def download_url(fmt: str) -> str:
    return reverse("web:indicators-download", args=[fmt])


def text(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def checked(html: str, name: str) -> list[str]:
    """The values of the checked radios (or checkbox: `on`) called `name`."""
    inputs = re.findall(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert inputs, f"no input {name}"
    values = [re.search(r'value="([^"]*)"', i) for i in inputs if " checked" in i]
    return [value.group(1) if value else "on" for value in values]


def chart_row(response, period: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The cells of a period's row in the chart's data table."""
    rows = response.context["chart_table"].rows
    return [cell for cell, _numeric in next(r for r in rows if r[0][0] == period)]


@pytest.mark.parametrize("role", ["manager", "analyst", "coordinator"])
def test_the_page_shows_for_managers_analysts_and_coordinators(world, client_for, role):
    build_records(world)
    response = client_for(role).get(PAGE)
    assert response.status_code == 200
    html = text(response)
    assert html.count("<h1") == 1
    assert "Return interview indicators" in html
    assert "Latest period with episodes: 2025-26" in html
    assert ' style="' not in html  # the Content-Security-Policy forbids inline styles


@pytest.mark.parametrize(
    "role", ["worker", "admin", "police", "provider_worker", "provider_manager"]
)
def test_the_page_and_downloads_are_refused_to_other_roles(world, client_for, role):
    client = client_for(role)
    assert client.get(PAGE).status_code == 403
    assert client.get(download_url("csv")).status_code == 403
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.EXPORT).exists()


def test_signed_out_visitors_are_sent_to_sign_in(world):
    for url in (PAGE, download_url("csv")):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("web:sign-in"))
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.EXPORT).exists()


def test_an_empty_database_says_there_is_nothing_to_count(client_for):
    response = client_for("manager").get(PAGE)
    assert response.status_code == 200
    assert "No missing episodes are recorded yet" in text(response)


def test_the_default_convention_is_the_authoritys_own(db):
    world = make_world(unit="working_days", basis="referral", bunching="latest")
    build_records(world)
    response = sign_in(Client(), world.user("manager")).get(PAGE)
    html = text(response)
    assert checked(html, "basis") == ["referral"]
    assert checked(html, "unit") == ["working_days"]
    assert checked(html, "bunching") == ["latest"]
    assert checked(html, "by") == ["year"] and checked(html, "group") == ["authority"]
    assert checked(html, "suppress") == []  # shown to a manager
    # The authority's own choices are named as such, once each.
    assert html.count("(your authority&#x27;s setting)") == 3
    assert "3 working days from the police notification" in html
    choice = response.context["page"].choice
    assert choice.convention.column == "within_referral_working_days_latest"


def test_changing_the_convention_changes_the_figures(world, client_for):
    build_records(world)
    client = client_for("manager")
    own = client.get(PAGE)
    # 72 hours from each return: E1 and E3 of 7 episodes (29%), 2 of 3 completed (67%).
    assert chart_row(own, "2025-26") == ["2025-26", "7", "3", "2", "29%", "67%"]
    latest = client.get(PAGE, {"bunching": "latest"})
    # From the latest return of the interview's episodes E2 is in time too: 3 of 7 (43%).
    assert chart_row(latest, "2025-26") == ["2025-26", "7", "3", "3", "43%", "100%"]
    assert checked(text(latest), "bunching") == ["latest"]
    assert "43%" in text(latest) and "Chosen above" in text(latest)


def test_the_chart_is_an_accessible_svg_with_its_data_table(world, client_for):
    build_records(world)
    html = text(client_for("manager").get(PAGE, {"by": "quarter"}))
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert 'role="img"' in svg
    assert 'aria-labelledby="within-chart-title within-chart-desc"' in svg
    assert '<title id="within-chart-title">Bar chart: percentage of episodes' in svg
    # Text labels for every period and value: meaning is never carried by colour alone.
    for period in ("2025-26 Q1", "2025-26 Q3", "2025-26 Q4"):
        assert f">{period}</text>" in svg
    assert ">100%</text>" in svg  # Q1: E1 within 72 hours
    assert "The chart&#x27;s figures, whole authority</caption>" in html


def test_the_sensitivity_table_marks_the_chosen_and_the_authoritys_convention(world, client_for):
    build_records(world)
    response = client_for("manager").get(PAGE, {"unit": "working_days"})
    rows = response.context["sensitivity"]
    assert len(rows) == 12
    notes = {row.convention.column: row.notes for row in rows}
    assert notes["within_return_working_days_each"] == ["Chosen above"]
    assert notes["within_return_hours_each"] == ["Your authority's setting"]
    assert sum(1 for n in notes.values() if n) == 2
    html = text(response)
    assert "under each of the 12 conventions" in html
    assert "in 2025-26, whole authority" in html


def test_the_breakdown_lists_each_team_and_provider(world, client_for):
    build_records(world)
    response = client_for("coordinator").get(PAGE, {"group": "organisation"})
    assert response.status_code == 200
    rows = response.context["count_table"].rows
    assert [row[0][0] for row in rows] == [world.team.name, world.provider.name, NOT_ALLOCATED]
    html = text(response)
    assert world.team.name in html and world.provider.name in html
    # Team: E1, E4, E5, E6 of three children; one completed, within 72 hours.
    team = [cell for cell, _ in rows[0]]
    assert team[:4] == [world.team.name, "2025-26", "4", "3"]
    assert team[-2:] == ["1", "1"]


def test_small_numbers_are_hidden_for_analysts_by_default_and_on_request(world, client_for):
    build_records(world)
    analyst = client_for("analyst").get(PAGE)
    assert checked(text(analyst), "suppress") == ["on"]
    assert chart_row(analyst, "2025-26") == ["2025-26", "7", "[c]", "[c]", "[c]", "[c]"]
    # Sending the form without the box ticked shows them.
    shown = client_for("analyst").get(PAGE, {"by": "year"})
    assert chart_row(shown, "2025-26")[2] == "3"
    manager = client_for("manager").get(PAGE, {"by": "year", "suppress": "on"})
    assert chart_row(manager, "2025-26")[2] == "[c]"


def test_an_unknown_choice_is_an_error_on_the_form(world, client_for):
    response = client_for("manager").get(PAGE, {"by": "fortnight"})
    assert response.status_code == 400
    html = text(response)
    assert "There is a problem" in html
    assert 'href="#id_by_0"' in html


def test_csv_download_is_the_table_logged_as_an_export(world, client_for):
    build_records(world)
    response = client_for("manager").get(download_url("csv"), {"by": "quarter"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="indicators-E10000099-by-quarter-')
    assert disposition.endswith('.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [*OUTPUT_COLUMNS, *rate_definitions()]
    assert [row[1] for row in rows[1:]] == ["2025-26 Q1", "2025-26 Q3", "2025-26 Q4"]
    event = AccessEvent.objects.get(action=AccessEvent.Action.EXPORT)
    assert event.username == "manager"
    assert event.reason == EXPORT_REASON == "performance indicators download"
    assert event.what.startswith("indicators by quarter")
    assert event.child_id is None


def test_xlsx_download_by_organisation(world, client_for):
    build_records(world)
    response = client_for("analyst").get(
        download_url("xlsx"), {"group": "organisation", "suppress": "on"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "by-organisation-suppressed" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0][:3]) == ["organisation", "authority_code", "period"]
    assert [row[0] for row in values[1:]] == [world.team.name, world.provider.name, NOT_ALLOCATED]
    # Suppressed: the team's 4 episodes are hidden.
    assert values[1][values[0].index("incidents")] is None
    assert AccessEvent.objects.filter(
        action=AccessEvent.Action.EXPORT, username="analyst", reason=EXPORT_REASON
    ).exists()


def test_an_unknown_download_format_is_not_found(world, client_for):
    client = client_for("manager")
    assert client.get(download_url("pdf")).status_code == 404
    assert client.get(download_url("json")).status_code == 404
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.EXPORT).exists()


def test_a_download_never_carries_a_spreadsheet_formula(world, client_for):
    records = build_records(world)
    Organisation.objects.filter(pk=records.world.provider.pk).update(name="=HYPERLINK(1)")
    client = client_for("manager")
    response = client.get(download_url("csv"), {"group": "organisation"})
    names = [row[0] for row in csv.reader(io.StringIO(response.content.decode()))]
    assert "'=HYPERLINK(1)" in names
    workbook = client.get(download_url("xlsx"), {"group": "organisation"})
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.content)).active
    cells = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert "=HYPERLINK(1)" in cells  # stored as text, not a formula
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_an_analysts_download_hides_small_numbers_unless_asked(world, client_for):
    build_records(world)
    client = client_for("analyst")
    hidden = client.get(download_url("csv"))
    assert "-suppressed-" in hidden["Content-Disposition"]
    row = next(csv.DictReader(io.StringIO(hidden.content.decode())))
    assert (row["incidents"], row["completed"]) == ("7", "")
    shown = client.get(download_url("csv"), {"by": "year"})
    row = next(csv.DictReader(io.StringIO(shown.content.decode())))
    assert (row["incidents"], row["completed"]) == ("7", "3")
    assert AccessEvent.objects.filter(action=AccessEvent.Action.EXPORT).count() == 2

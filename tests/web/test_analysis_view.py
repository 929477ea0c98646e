"""The pseudonymised episode list page and its CSV download: what it shows, the reason a
download needs, formula-safe cells, the access log, and the method the download takes."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from homeward.audit.models import AccessEvent
from homeward.cases import analysis, services
from homeward.cases.models import Child
from tests.factories import World, make_child, make_episode, make_interview

pytestmark = pytest.mark.django_db
UK = ZoneInfo("Europe/London")
PAGE = reverse("web:analysis")
DOWNLOAD = reverse("web:analysis-download")


def some_episodes(world: World) -> list[Child]:
    now = timezone.now()
    jordan = make_child(world, first_name="Quillon", last_name="Fakename", postcode="ZZ7 3QX")
    riley = make_child(world, first_name="Riley", last_name="Sample")
    make_episode(world, jordan, started=now - timedelta(days=20))
    make_episode(world, jordan, started=now - timedelta(days=10))
    make_interview(world, [make_episode(world, riley, started=now - timedelta(days=5))])
    return [jordan, riley]


def test_the_page_lists_the_period_for_an_analyst(world, client_for):
    jordan, _riley = some_episodes(world)

    response = client_for("analyst").get(PAGE)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1" in html and html.count("<h1") == 1
    assert response.context["page"].paginator.count == 3
    assert response.context["children"] == 2
    assert len(response.context["rows"]) == 3
    assert analysis.child_pseudonym(jordan.pk) in html
    for identifying in ("Quillon", "Fakename", jordan.reference, "ZZ7"):
        assert identifying not in html
    assert 'name="reason"' in html and "Download CSV" in html
    start, end = analysis.default_period()
    assert f'value="{start.isoformat()}"' in html and f'value="{end.isoformat()}"' in html
    event = AccessEvent.objects.get(action="view")
    assert (event.what, event.username) == ("pseudonymised episode list", "analyst")


def test_the_navigation_has_the_list_for_those_who_may_see_it(world, client_for):
    label = "Pseudonymised episodes (for analysis)"
    assert label in client_for("analyst").get(reverse("web:indicators")).content.decode()
    assert label not in client_for("worker").get(reverse("web:caseload")).content.decode()


def test_the_period_filters_and_pages_keep_it(world, client_for):
    child = make_child(world)
    first = datetime(2025, 1, 1, 8, tzinfo=UK)
    for hours in range(105):
        make_episode(world, child, started=first + timedelta(hours=hours))
    make_episode(world, child, started=datetime(2025, 3, 1, 8, tzinfo=UK))
    client = client_for("analyst")

    response = client.get(PAGE, {"start": "2025-01-01", "end": "2025-01-31"})

    assert response.context["page"].paginator.count == 105
    assert len(response.context["rows"]) == 100
    html = response.content.decode()
    assert "govuk-pagination" in html
    assert "?start=2025-01-01&amp;end=2025-01-31&amp;page=2" in html
    second = client.get(PAGE, {"start": "2025-01-01", "end": "2025-01-31", "page": "2"})
    assert len(second.context["rows"]) == 5


def test_a_period_the_wrong_way_round_is_an_error(world, client_for):
    response = client_for("analyst").get(PAGE, {"start": "2025-02-01", "end": "2025-01-01"})
    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()
    assert "rows" not in response.context


def test_the_download_needs_a_reason(world, client_for):
    some_episodes(world)
    response = client_for("analyst").post(
        DOWNLOAD, {"start": "2020-01-01", "end": "", "reason": "   "}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert 'href="#download_reason"' in html
    assert "Enter why you need this download" in html
    assert not AccessEvent.objects.filter(action="export").exists()


def test_the_download_has_every_row_and_logs_the_export(world, client_for):
    jordan, riley = some_episodes(world)
    today = timezone.localdate()
    start = (today - timedelta(days=30)).isoformat()

    response = client_for("analyst").post(
        DOWNLOAD,
        {"start": start, "end": today.isoformat(), "reason": "Repeat episodes for the MACE"},
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == list(analysis.KEYS)
    assert len(rows) == 4
    children = [row[0] for row in rows[1:]]
    assert children.count(analysis.child_pseudonym(jordan.pk)) == 2
    assert children.count(analysis.child_pseudonym(riley.pk)) == 1
    text = response.content.decode()
    assert jordan.reference not in text and "Quillon" not in text
    event = AccessEvent.objects.get(action="export")
    assert event.reason == "Repeat episodes for the MACE"
    assert event.what == f"pseudonymised episodes {start}–{today.isoformat()}"
    assert event.username == "analyst"


def test_the_download_is_formula_safe(world, client_for, monkeypatch):
    """A cell that would start a spreadsheet formula is written with a leading quote."""
    episode = make_episode(world, make_child(world))
    interview = make_interview(world, [episode])
    services.interview_write_up(
        by=world.user("worker"),
        interview=interview,
        write_up=services.WriteUp(held_at=timezone.now()),
        expected_version=interview.version,
    )
    # Codes are checked on the way in; the harms are stored as JSON, so put a hostile one in
    # the way a broken import might.
    type(interview).objects.filter(pk=interview.pk).update(harms=["=HYPERLINK(1)"])

    response = client_for("analyst").post(DOWNLOAD, {"start": "", "end": "", "reason": "Test"})

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    harms = rows[1][analysis.KEYS.index("harms")]
    assert harms == "'=HYPERLINK(1)"


@pytest.mark.parametrize("role", ["analyst", "manager", "coordinator"])
def test_a_get_of_the_download_is_not_allowed(world, client_for, role):
    response = client_for(role).get(DOWNLOAD)
    assert response.status_code == 405
    assert not AccessEvent.objects.filter(action="export").exists()


@pytest.mark.parametrize("role", ["worker", "police", "admin", "provider_manager"])
def test_others_are_refused_the_page_and_the_download(world, client_for, role):
    client = client_for(role)
    assert client.get(PAGE).status_code == 403
    assert client.get(DOWNLOAD).status_code == 403
    assert client.post(DOWNLOAD, {"reason": "Curious"}).status_code == 403
    assert not AccessEvent.objects.filter(action__in=["view", "export"]).exists()


def test_an_empty_period_says_so(world, client_for):
    response = client_for("manager").get(PAGE, {"start": "2001-01-01", "end": "2001-12-31"})
    assert response.status_code == 200
    assert "No episode started in this period." in response.content.decode()
    assert response.context["children"] == 0
    assert date(2001, 1, 1) == response.context["start"]

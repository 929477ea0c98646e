"""The police notification pages: uploading a file and its receipt, the queue, a report and
what a coordinator decides about it, the reconciliation and its download, and merging two
records of one child. Outcomes are checked in the records, not only in the pages."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from homeward.audit.models import AccessEvent
from homeward.cases.models import Child, ChildAlias, Episode
from homeward.intake import services as intake_services
from homeward.intake.models import PoliceReport
from homeward.web import intake_forms
from tests.factories import make_child, make_episode

pytestmark = pytest.mark.django_db

QUEUE = reverse("web:intake-queue")
UPLOAD = reverse("web:intake-upload")
RECONCILIATION = reverse("web:reconciliation")
EXPORT = reverse("web:reconciliation-export")
COLUMNS = "force,police_reference,notification_type,reported_at,category,given_names,family_name,date_of_birth,sex,postcode,circumstances"  # noqa: E501


def _when(days: float = 2) -> str:
    return (timezone.now() - timedelta(days=days)).replace(microsecond=0).isoformat()


def csv_file(world, *, bad: bool = True) -> bytes:
    """Two good notifications (Jordan Example as `make_child` makes him, and Riley Stone) and,
    with `bad`, one with no police reference and a date that is not one."""
    code = world.police.code
    rows = [
        COLUMNS,
        f"{code},FC-1,reported_missing,{_when(2)},missing,Jordan,Example,2011-05-14,male,"
        "ZZ1 1AA,Left after an argument; believed to be in Castleton.",
        f"{code},FC-2,reported_missing,{_when(3)},missing,Riley,Stone,2012-08-02,female,"
        "ZZ9 9ZZ,Did not come home from school.",
    ]
    if bad:
        rows.append(f"{code},,reported_missing,yesterday,missing,Sam,Other,2012-02-01,,,")
    return ("\n".join(rows) + "\n").encode()


def upload(client, data: bytes, name: str = "notifications.csv"):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, data, content_type="text/csv")})


def take_in(world, data: bytes | None = None, name: str = "notifications.csv"):
    return intake_services.intake_file(
        name=name,
        data=data if data is not None else csv_file(world, bad=False),
        channel="upload",
        by=world.user("coordinator"),
    )


def report_of(police_reference: str) -> PoliceReport:
    return PoliceReport.objects.get(police_reference=police_reference)


# --- uploading a file and the queue ---------------------------------------------------------


def test_an_upload_takes_in_the_good_rows_and_refuses_the_bad_one_with_reasons(world, client_for):
    client = client_for("coordinator")

    response = upload(client, csv_file(world))

    assert response.status_code == 302
    batch_page = client.get(response["Location"])
    assert batch_page.status_code == 200
    html = batch_page.content.decode()
    assert batch_page.context["batch"].accepted == 2
    assert batch_page.context["batch"].rejected == 1
    rejected = [item for item in batch_page.context["lines"] if item["rejected"]]
    assert len(rejected) == 1
    assert any(p.startswith("police_reference: missing") for p in rejected[0]["problems"])
    assert any(p.startswith("reported_at: not a date") for p in rejected[0]["problems"])
    assert "police_reference: missing" in html
    assert "NOT taken in" in html
    assert "correct this notification and send it again" in html
    for reference in ("FC-1", "FC-2"):
        assert (
            f'href="{reverse("web:intake-report", args=[report_of(reference).reference])}"' in html
        )

    queue = client.get(QUEUE)
    assert queue.status_code == 200
    listed = [row["report"].police_reference for row in queue.context["waiting_rows"]]
    assert listed == ["FC-2", "FC-1"]  # the oldest report first
    text = queue.content.decode()
    assert "Riley Stone" in text and "Jordan Example" in text
    assert "Upload a file of notifications" in text
    assert queue.context["batches"][0].accepted == 2


def test_an_unreadable_file_shows_its_whole_file_problem(world, client_for):
    client = client_for("coordinator")

    response = upload(client, b"\xff\xfe not text", name="broken.csv")

    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.context["problems"]
    assert "The file could not be read" in page.content.decode()
    assert not PoliceReport.objects.exists()


def test_an_upload_needs_a_file_no_bigger_than_the_limit(world, client_for, monkeypatch):
    client = client_for("coordinator")
    assert client.post(UPLOAD, {}).status_code == 400

    monkeypatch.setattr(intake_forms, "MAX_UPLOAD_BYTES", 100)
    response = upload(client, csv_file(world))

    assert response.status_code == 400
    assert "must be smaller than 20 MB" in response.content.decode()
    assert not PoliceReport.objects.exists()


@pytest.mark.parametrize("role", ["worker", "analyst", "police", "provider_manager"])
def test_only_coordinators_and_managers_take_in_notifications(world, client_for, role):
    client = client_for(role)
    take_in(world)
    report = report_of("FC-1")
    assert client.get(QUEUE).status_code == 403
    assert upload(client, csv_file(world)).status_code == 403
    assert client.get(reverse("web:intake-report", args=[report.reference])).status_code == 403
    link = reverse("web:intake-link", args=[report.reference])
    assert client.post(link, {"child": "1"}).status_code == 403
    assert AccessEvent.objects.filter(action="denied", what__contains=report.reference).exists()


def test_the_navigation_offers_the_pages_by_job(world, client_for):
    take_in(world)
    coordinator = client_for("coordinator").get(reverse("web:home")).content.decode()
    assert "Police notifications (2)" in coordinator
    police = client_for("police").get(reverse("web:search")).content.decode()
    assert "Reconciliation" in police and "Police notifications" not in police
    worker = client_for("worker").get(reverse("web:caseload")).content.decode()
    assert "Reconciliation" not in worker and "Police notifications" not in worker


# --- a report and the decisions --------------------------------------------------------------


def test_the_report_suggests_the_child_with_the_same_name_and_date_of_birth(world, client_for):
    child = make_child(world)
    take_in(world)
    report = report_of("FC-1")
    client = client_for("coordinator")

    page = client.get(reverse("web:intake-report", args=[report.reference]))

    assert page.status_code == 200
    suggestions = page.context["suggestions"]
    assert suggestions[0]["child"] == child
    assert suggestions[0]["band"]["text"] == "Match"
    assert any("date of birth" in r["text"] for r in suggestions[0]["reasons"])
    html = page.content.decode()
    assert "This is the child" in html and "+40" in html
    assert "None of these: create a new child" in html
    assert AccessEvent.objects.filter(
        action="view", what=f"police report {report.reference}", username="coordinator"
    ).exists()


def test_this_is_the_child_makes_an_episode_with_the_circumstances(world, client_for):
    child = make_child(world)
    take_in(world)
    report = report_of("FC-1")
    client = client_for("coordinator")

    response = client.post(
        reverse("web:intake-link", args=[report.reference]),
        {"child": str(child.pk), "episode": "", "note": "Same name, date of birth and address"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("web:child", args=[child.pk])
    report.refresh_from_db()
    assert report.state == PoliceReport.State.LINKED and report.child == child
    episode = report.episode
    assert episode.child == child
    assert episode.circumstances == "Left after an argument; believed to be in Castleton."
    assert episode.police_reference == "FC-1"
    assert "linked to Jordan Example" in client.get(response["Location"]).content.decode()
    page = client.get(reverse("web:intake-report", args=[report.reference])).content.decode()
    assert episode.reference in page and "This is the child" not in page


def test_this_is_the_child_can_bring_an_episode_recorded_by_hand_up_to_date(world, client_for):
    child = make_child(world)
    by_hand = make_episode(world, child, started=timezone.now() - timedelta(days=2, hours=3))
    take_in(world)
    report = report_of("FC-1")
    client = client_for("coordinator")

    page = client.get(reverse("web:intake-report", args=[report.reference]))
    assert by_hand.reference in page.content.decode()  # offered as a choice
    response = client.post(
        reverse("web:intake-link", args=[report.reference]),
        {"child": str(child.pk), "episode": str(by_hand.pk)},
    )

    assert response.status_code == 302
    report.refresh_from_db()
    assert report.episode == by_hand
    by_hand.refresh_from_db()
    assert by_hand.circumstances.startswith("Left after an argument")
    assert child.episodes.count() == 1


def test_linking_a_report_already_linked_shows_the_error_on_the_report(world, client_for):
    child = make_child(world)
    take_in(world)
    report = report_of("FC-1")
    client = client_for("coordinator")
    link = reverse("web:intake-link", args=[report.reference])
    client.post(link, {"child": str(child.pk)})

    again = client.post(link, {"child": str(child.pk)})

    assert again.status_code == 400
    html = again.content.decode()
    assert "There is a problem" in html and "already linked" in html
    assert Episode.objects.count() == 1


def test_none_of_these_creates_the_child_from_the_report_and_its_episode(world, client_for):
    take_in(world)
    report = report_of("FC-2")
    client = client_for("coordinator")
    url = reverse("web:intake-new-child", args=[report.reference])

    form = client.get(url)
    assert form.status_code == 200
    html = form.content.decode()
    assert 'value="Riley"' in html and 'name="date_of_birth_year"' in html
    assert 'value="2012"' in html
    response = client.post(
        url,
        {
            "first_name": "Riley",
            "last_name": "Stone",
            "aliases": "Ri\nRiley Stone-Hart",
            "date_of_birth_day": "2",
            "date_of_birth_month": "8",
            "date_of_birth_year": "2012",
            "sex": "female",
            "address": "",
            "postcode": "zz9 9zz",
            "legal_status": "none",
            "placement_type": "",
            "responsible_authority": str(world.authority.pk),
            "note": "Not known to the authority",
        },
    )

    assert response.status_code == 302
    child = Child.objects.get(first_name="Riley")
    assert response["Location"] == reverse("web:child", args=[child.pk])
    assert child.date_of_birth.isoformat() == "2012-08-02"
    assert sorted(a.name for a in child.aliases.all()) == ["Ri", "Riley Stone-Hart"]
    report.refresh_from_db()
    assert report.child == child and report.episode.child == child
    assert report.decision_note == "Not known to the authority"


def test_a_new_child_needs_a_real_date_of_birth(world, client_for):
    take_in(world)
    report = report_of("FC-2")
    response = client_for("coordinator").post(
        reverse("web:intake-new-child", args=[report.reference]),
        {
            "first_name": "Riley",
            "last_name": "Stone",
            "date_of_birth_day": "31",
            "date_of_birth_month": "2",
            "date_of_birth_year": "2012",
            "sex": "female",
            "legal_status": "none",
        },
    )
    assert response.status_code == 400
    assert "Date of birth must be a real date" in response.content.decode()
    assert 'href="#id_date_of_birth"' in response.content.decode()
    assert not Child.objects.exists()


def test_not_for_this_authority_needs_a_reason_and_can_be_undone(world, client_for):
    take_in(world)
    report = report_of("FC-2")
    client = client_for("coordinator")
    dismiss = reverse("web:intake-dismiss", args=[report.reference])

    refused = client.post(dismiss, {"note": "  "})

    assert refused.status_code == 400
    assert "Enter why this report is not for the authority" in refused.content.decode()
    report.refresh_from_db()
    assert report.state == PoliceReport.State.WAITING

    done = client.post(dismiss, {"note": "Lives in the next county, not placed here"})
    assert done.status_code == 302
    report.refresh_from_db()
    assert report.state == PoliceReport.State.DISMISSED
    assert report.decision_note == "Lives in the next county, not placed here"
    page = client.get(reverse("web:intake-report", args=[report.reference])).content.decode()
    assert "Put back in the queue" in page and "Lives in the next county" in page
    assert "FC-2" not in client.get(QUEUE).content.decode()

    assert client.post(reverse("web:intake-reopen", args=[report.reference])).status_code == 302
    report.refresh_from_db()
    assert report.state == PoliceReport.State.WAITING


def test_a_possible_miscoding_needs_a_resolution_and_then_leaves_the_queue(world, client_for):
    code = world.police.code
    data = (
        f"{COLUMNS}\n{code},FC-9,reported_missing,{_when(1)},absent,Casey,Jones,2010-01-01,"
        "male,ZZ1 1AA,Thought to be with older males; drugs\n"
    ).encode()
    take_in(world, data)
    report = report_of("FC-9")
    assert report.miscoding == PoliceReport.Miscoding.OPEN
    client = client_for("coordinator")
    assert client.get(QUEUE).context["miscoding_rows"][0]["report"] == report
    page = client.get(reverse("web:intake-report", args=[report.reference])).content.decode()
    assert "govuk-warning-text" in page and "Coded absent" in page
    resolve = reverse("web:intake-resolve", args=[report.reference])

    refused = client.post(resolve, {"resolution": ""})

    assert refused.status_code == 400
    assert "Enter how the possible miscoding was resolved" in refused.content.decode()
    form = client.get(resolve).content.decode()
    assert 'value="absent" checked' in form
    outcome = {"category": "missing", "risk_grade": "high", "missing_from": "home"}
    resolved = client.post(resolve, {"resolution": "Force agrees: missing", **outcome})
    assert resolved.status_code == 302
    report.refresh_from_db()
    assert report.miscoding == PoliceReport.Miscoding.RESOLVED
    assert report.miscoding_resolution == "Force agrees: missing"
    assert (report.police_category, report.recoded_category) == ("absent", "missing")
    assert client.get(QUEUE).context["miscoding_rows"] == []
    page = client.get(reverse("web:intake-report", args=[report.reference])).content.decode()
    assert "Coded by the police" in page and "applied to the episode when the report" in page


def test_a_resolved_miscoding_recodes_the_episode_shown_beside_the_police_coding(world, client_for):
    code = world.police.code
    data = (
        f"{COLUMNS}\n{code},FC-9,reported_missing,{_when(1)},absent,Casey,Jones,2010-01-01,"
        "male,ZZ1 1AA,Thought to be with older males; drugs\n"
    ).encode()
    take_in(world, data)
    report = report_of("FC-9")
    child = make_child(world, first_name="Casey", last_name="Jones")
    client = client_for("coordinator")
    episode = intake_services.report_link(by=world.user("coordinator"), report=report, child=child)
    resolve = reverse("web:intake-resolve", args=[report.reference])
    refused = client.post(resolve, {"resolution": "Agreed", "category": ""})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "Select whether the episode should be coded missing or absent" in page
    assert "Select the risk grade the episode should have" in page
    outcome = {"category": "missing", "risk_grade": "high", "missing_from": "home"}
    response = client.post(resolve, {"resolution": "Agreed with the force", **outcome})
    assert response.status_code == 302
    episode.refresh_from_db()
    assert (episode.category, episode.risk_grade) == ("missing", "high")
    record = client.get(reverse("web:child", args=[child.pk])).content.decode()
    assert "Recoded after a possible miscoding of police report" in record
    assert "the police coded it Absent" in record


# --- the reconciliation ---------------------------------------------------------------------


def _period() -> dict[str, str]:
    today = timezone.localdate()
    return {"start": (today - timedelta(days=10)).isoformat(), "end": today.isoformat()}


def test_the_reconciliation_shows_what_each_side_alone_knows(world, client_for):
    child = make_child(world, first_name="Alex", last_name="Hand")
    by_hand = make_episode(world, child, started=timezone.now() - timedelta(days=4))
    take_in(world)
    client = client_for("police")

    page = client.get(RECONCILIATION, _period())

    assert page.status_code == 200
    sections = {s["name"]: s for s in page.context["sections"]}
    assert [row[2] for row in sections["authority_only"]["rows"]] == [by_hand.reference]
    assert sorted(row[0] for row in sections["police_only"]["rows"]) == ["FC-1", "FC-2"]
    html = page.content.decode()
    assert by_hand.reference in html and "Alex" not in html and "Jordan" not in html


def test_each_reconciliation_section_is_paged_on_its_own(world, client_for, monkeypatch):
    """A busy month holds thousands of rows: each section shows a page of them, with its own
    page number, and paging one section keeps the period and the other's page."""
    from homeward.web.views import intake as views

    monkeypatch.setattr(views, "RECONCILIATION_PAGE_SIZE", 2)
    child = make_child(world, first_name="Alex", last_name="Hand")
    episodes = [
        make_episode(world, child, started=timezone.now() - timedelta(days=day))
        for day in (3, 4, 5, 6, 7)
    ]
    client = client_for("coordinator")
    first = client.get(RECONCILIATION, _period())
    section = {s["name"]: s for s in first.context["sections"]}["authority_only"]
    assert section["count"] == 5 and len(section["rows"]) == 2
    html = first.content.decode()
    assert "Showing 1 to 2 of 5" in html
    assert "authority_only_page=2" in html and "#authority-only" in html
    third = client.get(RECONCILIATION, {**_period(), "authority_only_page": "3"})
    section = {s["name"]: s for s in third.context["sections"]}["authority_only"]
    shown = [row[2] for row in section["rows"]]
    assert len(shown) == 1 and shown[0] in {e.reference for e in episodes}
    everything = set()
    for number in ("1", "2", "3"):
        page = client.get(RECONCILIATION, {**_period(), "authority_only_page": number})
        rows = {s["name"]: s for s in page.context["sections"]}["authority_only"]["rows"]
        everything |= {row[2] for row in rows}
    assert everything == {e.reference for e in episodes}


def test_the_reconciliation_defaults_to_the_last_full_month(world, client_for):
    page = client_for("analyst").get(RECONCILIATION)
    assert page.status_code == 200
    assert page.context["rec"].start.day == 1


def test_the_reconciliation_download_needs_a_reason_is_logged_and_formula_safe(world, client_for):
    take_in(world)
    report = report_of("FC-2")
    intake_services.report_dismiss(
        by=world.user("coordinator"), report=report, note='=HYPERLINK("http://x")'
    )
    client = client_for("manager")

    refused = client.post(EXPORT, {**_period(), "format": "csv", "reason": " "})

    assert refused.status_code == 400
    assert "Enter why you need this download" in refused.content.decode()
    assert not AccessEvent.objects.filter(action="export").exists()

    response = client.post(EXPORT, {**_period(), "format": "csv", "reason": "Monthly meeting"})

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["section", "police_reference", "report"]
    assert len(rows) == 3  # the header and the two reports the authority has no episode for
    dismissed = next(row for row in rows if row[1] == "FC-2")
    assert dismissed[-1] == '\'=HYPERLINK("http://x")'
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    event = AccessEvent.objects.get(action="export")
    assert (event.reason, event.username, event.what) == (
        "Monthly meeting",
        "manager",
        "police reconciliation",
    )
    assert "police_only 2" in event.detail


def test_the_reconciliation_download_as_a_workbook(world, client_for):
    from openpyxl import load_workbook

    take_in(world)
    response = client_for("analyst").post(
        EXPORT, {**_period(), "format": "xlsx", "reason": "Checking the feed"}
    )

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "section" and len(values) == 3


def test_the_download_page_and_the_reconciliation_are_refused_to_others(world, client_for):
    for role in ("worker", "admin", "provider_manager"):
        client = client_for(role)
        assert client.get(RECONCILIATION).status_code == 403
        assert client.post(EXPORT, {**_period(), "format": "csv", "reason": "x"}).status_code == 403


# --- merging two records ----------------------------------------------------------------------


def test_a_merge_moves_the_duplicates_episodes_and_removes_it(world, client_for):
    keep = make_child(world)
    duplicate = make_child(world, first_name="Jordon", last_name="Example")
    moved = make_episode(world, duplicate)
    make_episode(world, keep)
    client = client_for("coordinator")
    url = reverse("web:child-merge", args=[keep.pk])

    assert (
        "Merge with another record"
        in client.get(reverse("web:child", args=[keep.pk])).content.decode()
    )
    compare = client.post(url, {"other": duplicate.reference.lower()})
    assert compare.status_code == 200
    html = compare.content.decode()
    assert duplicate.reference in html and "cannot be undone" in html
    assert AccessEvent.objects.filter(
        action="view", what=f"child {duplicate.reference}", username="coordinator"
    ).exists()

    no_reason = client.post(
        url, {"other": duplicate.reference, "confirm": "yes", "keep": str(keep.pk), "reason": ""}
    )
    assert no_reason.status_code == 400
    assert Child.objects.filter(pk=duplicate.pk).exists()

    response = client.post(
        url,
        {
            "other": duplicate.reference,
            "confirm": "yes",
            "keep": str(keep.pk),
            "reason": "Same child: name misspelt by the police",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("web:child", args=[keep.pk])
    assert not Child.objects.filter(pk=duplicate.pk).exists()
    moved.refresh_from_db()
    assert moved.child_id == keep.pk
    assert keep.episodes.count() == 2
    assert ChildAlias.objects.filter(child=keep, name="Jordon Example").exists()
    event = AccessEvent.objects.get(action="merge")
    assert event.reason == "Same child: name misspelt by the police"
    assert duplicate.reference in event.detail


def test_a_merge_refuses_the_same_record_and_an_unknown_reference(world, client_for):
    child = make_child(world)
    client = client_for("manager")
    url = reverse("web:child-merge", args=[child.pk])
    assert client.post(url, {"other": child.reference}).status_code == 400
    assert "No child has this reference" in client.post(url, {"other": "C-999999"}).content.decode()
    assert client_for("police").get(url).status_code == 403


# --- in a real browser ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("javascript", [True, False])
def test_the_intake_journey_in_a_browser(live_server, monkeypatch, javascript):
    """Upload, receipt, queue, a refused and a made decision, a new child's form with an
    error, a merge's comparison and the reconciliation: they work with and without
    JavaScript, and (with it, for axe-core) have no WCAG 2.2 AA violations."""
    from django.test import Client
    from playwright.sync_api import expect

    from tests.browser import axe_violations, chromium_page
    from tests.factories import make_world
    from tests.web.conftest import sign_in

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "1")  # Playwright's loop in this thread
    world = make_world()
    child = make_child(world)
    make_episode(world, child, started=timezone.now() - timedelta(days=2, hours=3))
    other = make_child(world, first_name="Jordon", date_of_birth=None)
    session = sign_in(Client(), world.user("coordinator")).cookies["sessionid"].value
    found: dict[str, list[object]] = {}
    with chromium_page(javascript=javascript, allow_origin=live_server.url) as page:
        page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])

        def check(where: str) -> None:
            assert page.locator("h1").count() == 1, where
            if javascript:
                found[where] = axe_violations(page)

        page.goto(f"{live_server.url}{UPLOAD}")
        page.get_by_role("button", name="Upload the file").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text("Select a file")
        check("upload with an error")
        page.set_input_files(
            "#id_file",
            files=[{"name": "n.csv", "mimeType": "text/csv", "buffer": csv_file(world)}],
        )
        page.get_by_role("button", name="Upload the file").click()
        expect(page.locator("h1")).to_contain_text("Batch")
        check("batch")
        page.goto(f"{live_server.url}{QUEUE}")
        check("queue")

        riley = report_of("FC-2").reference
        page.goto(f"{live_server.url}{reverse('web:intake-report', args=[riley])}")
        page.get_by_role("button", name="Mark as not for this authority").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why")
        check("report with an error")
        page.goto(f"{live_server.url}{reverse('web:intake-new-child', args=[riley])}")
        page.locator("#id_date_of_birth").fill("31")
        page.locator("#id_date_of_birth-month").fill("2")
        page.get_by_role("button", name="Create the child and link the report").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text("real date")
        check("new child with an error")

        jordan = report_of("FC-1").reference
        page.goto(f"{live_server.url}{reverse('web:intake-report', args=[jordan])}")
        check("report with suggestions")
        page.get_by_label("A new episode").first.check()
        page.get_by_role("button", name="This is the child").first.click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text("linked to")
        check("child after linking")
        page.goto(f"{live_server.url}{reverse('web:intake-report', args=[jordan])}")
        check("linked report")

        page.goto(f"{live_server.url}{reverse('web:child-merge', args=[child.pk])}")
        page.get_by_label("The other record's child reference").fill(other.reference)
        page.get_by_role("button", name="Compare the records").click()
        expect(page.locator(".govuk-warning-text")).to_contain_text("cannot be undone")
        check("merge comparison")

        period = _period()
        page.goto(f"{live_server.url}{RECONCILIATION}?start={period['start']}&end={period['end']}")
        expect(page.locator("#police-only")).to_contain_text("FC-2")
        check("reconciliation")
        page.goto(f"{live_server.url}{EXPORT}?start={period['start']}&end={period['end']}")
        check("export")
    assert report_of("FC-1").state == PoliceReport.State.LINKED
    assert {where: v for where, v in found.items() if v} == {}


def test_the_child_record_shows_what_the_police_said_about_an_episode(world, client_for):
    from tests.factories import make_child, make_episode

    child = make_child(world)
    make_episode(
        world,
        child,
        circumstances="Seen getting into a car with older males.",
        risk_factors=["cce"],
        found_where="Castleton station",
        prevention_interview_done=True,
    )
    page = client_for("coordinator").get(f"/children/{child.pk}/").content.decode()
    assert "What the police said about episode" in page
    assert "Seen getting into a car with older males." in page
    assert "Castleton station" in page and "Done" in page


def test_each_child_suggested_on_a_report_is_a_logged_view(world, client_for):
    import json

    from homeward.audit.models import AccessEvent
    from homeward.intake import services
    from homeward.intake.models import PoliceReport
    from tests.factories import make_child
    from tests.intake.helpers import notification

    child = make_child(world)
    services.intake_file(
        name="n.json",
        data=json.dumps([notification()]).encode(),
        channel="upload",
        by=world.user("coordinator"),
    )
    report = PoliceReport.objects.get()
    page = client_for("coordinator").get(f"/notifications/reports/{report.reference}")
    assert page.status_code == 200
    event = AccessEvent.objects.get(child_id=child.pk, action=AccessEvent.Action.VIEW)
    assert report.reference in event.detail and event.what == f"child {child.reference}"


def test_a_new_child_from_a_report_naming_an_unknown_authority_asks_for_it(world, client_for):
    import json

    from homeward.intake import services
    from homeward.intake.models import PoliceReport
    from tests.intake.helpers import notification

    services.intake_file(
        name="n.json",
        data=json.dumps(
            [notification(responsible_authority="E10000042", placement_type="foster")]
        ).encode(),
        channel="upload",
        by=world.user("coordinator"),
    )
    report = PoliceReport.objects.get()
    page = client_for("coordinator").get(f"/notifications/reports/{report.reference}/new-child")
    text = page.content.decode()
    assert "E10000042, which is not set up in homeward" in text
    assert 'name="responsible_authority"' in text and 'name="host_authority"' in text

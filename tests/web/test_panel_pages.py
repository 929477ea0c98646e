"""The multi-agency panel's pages: the list, planning a meeting, the meeting's summary, each
child's page (decisions and actions, as a whole page without JavaScript and as the record's
part with it), what links the children (drawn, with its table), the PDF (asked for with a
reason, made by the worker, downloaded by a POST logged for each child), marking actions
done and the triggers."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from homeward.audit.models import AccessEvent
from homeward.panel import services, tasks
from homeward.panel.models import (
    PanelAction,
    PanelDecision,
    PanelMeeting,
    PanelPackPdf,
    PanelTrigger,
)
from tests.factories import make_child
from tests.panel.helpers import held_interview, repeat_child
from tests.web.dates import day_boxes


@pytest.fixture
def linked(world):
    """Two children on the panel list who mentioned the same adult and place."""
    ava = repeat_child(world, first_name="Ava", last_name="Linked")
    bo = repeat_child(world, first_name="Bo", last_name="Linked")
    held_interview(
        world, ava, places=(("Flat above the takeaway", "ZZ1 2BB"),), adults=("Big Mike",)
    )
    held_interview(world, bo, places=(("takeaway flat", "ZZ12BB"),), adults=("big mike",))
    return ava, bo


def _plan(client, title="December panel"):
    return client.post(
        reverse("web:panel-meeting-new"),
        {**day_boxes("date", timezone.localdate()), "title": title, "list_children": "on"},
    )


def test_the_panel_page_lists_children_with_reasons(client_for, linked):
    response = client_for("coordinator").get(reverse("web:panel"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Ava Linked" in text and "Bo Linked" in text
    assert "4 episodes in 30 days: " in text  # three repeats and the interviewed episode
    assert AccessEvent.objects.filter(what__startswith="panel list", action="view").count() == 2


def test_planning_a_meeting_lists_the_children_once(client_for, linked):
    client = client_for("coordinator")
    response = _plan(client)
    meeting = PanelMeeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("web:panel-meeting", args=[meeting.pk])
    assert _plan(client).status_code == 302
    assert PanelMeeting.objects.count() == 1
    assert meeting.listings.count() == 2


def test_planning_without_a_title_says_so_and_keeps_nothing(client_for):
    response = client_for("manager").post(
        reverse("web:panel-meeting-new"), {"date": "not a date", "title": ""}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Enter a title for the meeting" in text
    assert "The date of the meeting must be a real date" in text
    assert not PanelMeeting.objects.exists()


def _meeting_with(client):
    _plan(client)
    meeting = PanelMeeting.objects.get()
    return meeting, list(meeting.listings.order_by("pk"))


def _main(text):
    return text.split("<main", 1)[1].split("</main>", 1)[0]


def test_the_meeting_summary_links_each_child_to_their_own_page(client_for, linked):
    client = client_for("coordinator")
    meeting, listings = _meeting_with(client)
    before = AccessEvent.objects.filter(what=f"panel meeting {meeting.pk} pack").count()
    response = client.get(reverse("web:panel-meeting", args=[meeting.pk]))
    assert response.status_code == 200
    main = _main(response.content.decode())
    for listing in listings:
        assert reverse("web:panel-meeting-child", args=[listing.pk]) in main
    assert "2 children listed for this meeting" in main
    assert "<svg" not in main and "decision-" not in main  # no drawing, no per-child forms
    assert reverse("web:panel-meeting-links", args=[meeting.pk]) in main
    after = AccessEvent.objects.filter(what=f"panel meeting {meeting.pk} pack").count()
    assert after - before == 2


def test_the_links_page_draws_each_place_and_adult_once_beside_a_table(client_for, linked):
    client = client_for("coordinator")
    meeting, _listings = _meeting_with(client)
    response = client.get(reverse("web:panel-meeting-links", args=[meeting.pk]))
    assert response.status_code == 200
    main = _main(response.content.decode())
    drawing, table = main.split("</svg>", 1)
    assert drawing.count("<line ") == 4  # two children to the place and to the adult
    assert drawing.count("<rect ") == 1 and drawing.count("<polygon ") == 1
    assert "…" not in drawing  # labels whole, wrapped into lines
    assert "Flat above the takeaway" in table.replace("\n", " ")
    assert 'id="network-table"' in table
    assert "2 places and adults that link two or more children" in table
    assert table.count("Adult: Big Mike") == 1
    assert table.count("Place: Flat above the takeaway") == 1
    assert "<script" not in main


def test_a_childs_page_shows_their_part_of_the_pack_and_the_next_child(client_for, linked):
    client = client_for("coordinator")
    meeting, (first, second) = _meeting_with(client)
    response = client.get(reverse("web:panel-meeting-child", args=[first.pk]))
    assert response.status_code == 200
    main = _main(response.content.decode())
    assert first.child.full_name in main and "child 1 of 2" in main
    assert "Why listed" in main and "Episodes in the last year" in main
    assert reverse("web:panel-meeting-child", args=[second.pk]) in main  # next child
    assert f'name="decision-{first.pk}-text"' in main
    assert f'name="decision-{second.pk}-text"' not in main
    assert '<script type="module" src="/static/homeward/panel.mjs">' in main
    assert "<script>" not in main and "style=" not in main
    seen = AccessEvent.objects.filter(what=f"panel meeting {meeting.pk} pack", action="view")
    assert list(seen.values_list("child_id", flat=True).distinct()) == [first.child_id]


def test_a_decision_without_javascript_comes_back_to_the_same_child(client_for, linked):
    client = client_for("coordinator")
    _meeting, (listing, _second) = _meeting_with(client)
    url = reverse("web:panel-meeting-child", args=[listing.pk])
    decision = {"intent": "decision", f"decision-{listing.pk}-text": "Refer to the CE team"}
    response = client.post(url, decision)
    assert response.status_code == 302
    assert response["Location"] == f"{url}#panel-record"
    assert client.post(url, decision).status_code == 302
    assert PanelDecision.objects.count() == 1
    bad = {
        "intent": "action",
        f"action-{listing.pk}-text": "Disruption visit",
        f"action-{listing.pk}-owner": "",
        f"action-{listing.pk}-due_on_day": "40",
        f"action-{listing.pk}-due_on_month": "13",
        f"action-{listing.pk}-due_on_year": "2026",
    }
    response = client.post(url, bad)
    assert response.status_code == 400
    text = response.content.decode()
    assert "Enter who is to do it" in text
    assert "The date the action is due must be a real date" in text
    assert "This field is required" not in text
    assert not PanelAction.objects.exists()
    due = day_boxes(f"action-{listing.pk}-due_on", timezone.localdate() + timedelta(days=7))
    good = {**bad, f"action-{listing.pk}-owner": "Police", **due}
    assert client.post(url, good).status_code == 302
    assert PanelAction.objects.get().owner == "Police"
    page = client.get(url).content.decode()
    assert "Refer to the CE team" in page and "Disruption visit" in page
    assert f"Action added for {listing.child.full_name}" in page


def test_a_decision_with_javascript_gets_back_only_the_record_part(client_for, linked):
    client = client_for("manager")
    _meeting, (listing, _second) = _meeting_with(client)
    url = reverse("web:panel-meeting-child", args=[listing.pk])
    header = {"X-Homeward-Fragment": "panel-record"}
    sent = {"intent": "decision", f"decision-{listing.pk}-text": "Strategy meeting"}
    response = client.post(url, sent, headers=header)
    assert response.status_code == 200
    text = response.content.decode()
    assert text.lstrip().startswith('<section id="panel-record"') and "<html" not in text
    assert f"Decision recorded for {listing.child.full_name}" in text
    assert 'role="alert"' in text and "data-panel-focus" in text
    assert "Strategy meeting" in text
    assert PanelDecision.objects.get().text == "Strategy meeting"
    refused = client.post(url, {"intent": "decision"}, headers=header)
    assert refused.status_code == 400
    refused_text = refused.content.decode()
    assert "govuk-error-summary" in refused_text and "Enter the decision" in refused_text
    assert PanelDecision.objects.count() == 1


def test_a_child_is_taken_off_the_list_from_their_page(client_for, linked):
    client = client_for("coordinator")
    meeting, (listing, _second) = _meeting_with(client)
    url = reverse("web:panel-meeting-child", args=[listing.pk])
    response = client.post(url, {"intent": "remove"})
    assert response.status_code == 302
    assert response["Location"] == reverse("web:panel-meeting", args=[meeting.pk])
    assert meeting.listings.count() == 1
    assert client.get(url).status_code == 404


def test_the_pdf_is_made_by_the_worker_and_downloaded_with_a_reason(client_for, linked):
    client = client_for("manager")
    meeting, _listings = _meeting_with(client)
    url = reverse("web:panel-meeting-pdf", args=[meeting.pk])
    assert client.get(url).status_code == 200  # the reason form
    refused = client.post(url, {"reason": "  "})
    assert refused.status_code == 400
    assert "Enter why you need this PDF" in refused.content.decode()
    response = client.post(url, {"reason": "Shared with the panel's partners"})
    assert response.status_code == 302
    record = PanelPackPdf.objects.get()
    page_url = reverse("web:panel-pdf", args=[record.pk])
    assert response["Location"] == page_url
    waiting = client.get(page_url).content.decode()
    assert "waiting to be made" in waiting and "Check again whether the PDF is ready" in waiting
    download = reverse("web:panel-pdf-download", args=[record.pk])
    assert client.post(download).status_code == 302  # not made yet: back to its page
    assert not AccessEvent.objects.filter(action="export").exists()
    # The worker's task makes it.
    tasks.make_pack_pdf.call(pdf_id=record.pk)
    ready = client.get(page_url).content.decode()
    assert "The PDF is ready" in ready and "2 children" in ready
    assert client.get(download).status_code == 405
    assert client_for("coordinator").get(page_url).status_code == 403  # not theirs
    response = client.post(download)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Ava Linked" in text and "Bo Linked" in text and "Big Mike" in text
    exports = AccessEvent.objects.filter(action="export")
    assert exports.count() == 2
    assert set(exports.values_list("reason", flat=True)) == {"Shared with the panel's partners"}


def test_an_action_is_marked_done_once(client_for, world, linked):
    by = world.user("coordinator")
    meeting = services.meeting_create(by=by, date=timezone.localdate(), title="Panel")
    listing = services.meeting_add_child(by=by, meeting=meeting, child=linked[0])
    action = services.action_add(
        by=by, listing=listing, text="Call school", owner="Coordinator", due_on=meeting.date
    )
    client = client_for("manager")
    url = reverse("web:panel-action-done", args=[action.pk])
    assert "Call school" in client.get(url).content.decode()
    response = client.post(url, {"note": "Called on Tuesday"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.done_at is not None and action.done_note == "Called on Tuesday"
    assert "Call school" not in client.get(reverse("web:panel")).content.decode()


def test_the_triggers_are_edited_all_or_nothing(client_for):
    client = client_for("coordinator")
    url = reverse("web:panel-triggers")
    page = client.get(url)
    assert page.status_code == 200
    triggers = list(PanelTrigger.objects.order_by("pk"))
    data = {"intent": "save"}
    for t in triggers:
        prefix = f"trigger-{t.pk}"
        data[f"{prefix}-label"] = t.label
        data[f"{prefix}-active"] = "on"
        for name, value in t.parameters.items():
            data[f"{prefix}-{name}"] = value
    repeat = triggers[0]
    data[f"trigger-{repeat.pk}-episodes"] = "4"
    data[f"trigger-{triggers[1].pk}-days"] = "0"
    response = client.post(url, data)
    assert response.status_code == 400
    assert "The days in the window must be 1 or more" in response.content.decode()
    repeat.refresh_from_db()
    assert repeat.parameters["episodes"] == 3
    data[f"trigger-{triggers[1].pk}-days"] = "60"
    del data[f"trigger-{triggers[3].pk}-active"]
    assert client.post(url, data).status_code == 302
    repeat.refresh_from_db()
    assert repeat.parameters == {"episodes": 4, "days": 30}
    assert PanelTrigger.objects.get(pk=triggers[1].pk).parameters["days"] == 60
    assert PanelTrigger.objects.get(pk=triggers[3].pk).active is False


def test_a_trigger_is_added_from_the_page(client_for):
    client = client_for("manager")
    url = reverse("web:panel-triggers")
    bad = client.post(url, {"intent": "add", "new-kind": "harm_disclosed", "new-label": ""})
    assert bad.status_code == 400
    assert "Enter a label for the trigger" in bad.content.decode()
    good = {"intent": "add", "new-kind": "harm_disclosed", "new-label": "Exploitation disclosed"}
    assert client.post(url, good).status_code == 302
    assert PanelTrigger.objects.filter(kind="harm_disclosed").count() == 1


@pytest.mark.parametrize("role", ["worker", "analyst", "police", "provider_manager"])
def test_others_cannot_post_to_the_panel(client_for, world, role):
    by = world.user("coordinator")
    meeting = services.meeting_create(by=by, date=timezone.localdate(), title="Panel")
    client = client_for(role)
    url = reverse("web:panel-meeting", args=[meeting.pk])
    assert client.post(url, {"intent": "status", "status-status": "held"}).status_code == 403
    pdf = reverse("web:panel-meeting-pdf", args=[meeting.pk])
    assert client.post(pdf, {"reason": "Curious"}).status_code == 403
    listing = services.meeting_add_child(by=by, meeting=meeting, child=make_child(world))
    child_url = reverse("web:panel-meeting-child", args=[listing.pk])
    decision = {"intent": "decision", f"decision-{listing.pk}-text": "Nothing"}
    assert client.post(child_url, decision).status_code == 403
    assert not PanelDecision.objects.exists() and not PanelPackPdf.objects.exists()
    meeting.refresh_from_db()
    assert meeting.status == "planned"
    assert not AccessEvent.objects.filter(action="export").exists()

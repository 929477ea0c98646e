"""The "Other authorities" pages: an administrator adds a partner through a check of its
keys' thumbprints, sends it a test message, takes its new keys and removes it; coordinators
see what was not delivered; no one else sees any of it."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from homeward.audit.models import AccessEvent
from homeward.cases.models import Child, Episode
from homeward.exchange import services
from homeward.exchange.models import OutboxMessage, Partner, PartnerNotice
from homeward.formats import exchange as ex
from homeward.organisations.models import Authority
from tests.exchange.partner import CODE, FakePartner
from tests.factories import World, make_child

ADD = "/other-authorities/add"


@pytest.fixture
def admin(client_for: Callable[[str], Client]) -> Client:
    return client_for("admin")


def _answers(partner: FakePartner, **changes: str) -> dict[str, str]:
    answers = {
        "code": CODE,
        "url": "https://homeward.lowmarsh.example",
        "keys": json.dumps(partner.jwks()),
    }
    answers.update(changes)
    return answers


def test_a_partner_is_added_only_after_its_thumbprints_are_checked(admin: Client) -> None:
    partner = FakePartner()
    check = admin.post(ADD, {"step": "check", **_answers(partner)})
    assert check.status_code == 200
    page = check.content.decode()
    assert '<h1 class="govuk-heading-l">Check the partner' in page
    assert "Neighbouring County Council (E10000097)" in page
    for key in partner.jwks()["keys"]:
        assert key["kid"] in page  # the thumbprints to read out
    assert Partner.objects.count() == 0  # nothing yet

    refused = admin.post(ADD, {"step": "confirm", **_answers(partner)})
    assert refused.status_code == 400
    assert "Confirm you have compared the thumbprints" in refused.content.decode()
    assert Partner.objects.count() == 0

    done = admin.post(ADD, {"step": "confirm", "compared": "on", **_answers(partner)})
    assert done.status_code == 302 and done["Location"] == f"/other-authorities/{CODE}/"
    stored = Partner.objects.get()
    assert (stored.code, stored.url, stored.active) == (
        CODE,
        "https://homeward.lowmarsh.example",
        True,
    )
    assert set(stored.keys.values_list("kid", flat=True)) == {
        key["kid"] for key in partner.jwks()["keys"]
    }


def test_change_your_answers_brings_back_what_was_typed(admin: Client) -> None:
    partner = FakePartner()
    back = admin.post(ADD, {"step": "change", **_answers(partner)})
    assert back.status_code == 200
    page = back.content.decode()
    assert 'value="E10000097"' in page and "homeward.lowmarsh.example" in page
    assert Partner.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"code": ""}, "code", "Enter the partner authority&#x27;s GSS code"),
        ({"code": "12345"}, "code", "The GSS code must be a letter and eight digits"),
        ({"code": "E10000099"}, "code", "an instance is not its own partner"),
        ({"url": "http://homeward.lowmarsh.example"}, "url", "is not an https:// address"),
        ({"keys": "{"}, "keys", "The key set must be JSON"),
        ({"keys": '{"keys": []}'}, "keys", "needs an Ed25519 key and an X25519 key"),
    ],
)
def test_each_answer_is_checked_with_its_own_message(
    admin: Client, changes: dict[str, str], field: str, message: str
) -> None:
    response = admin.post(ADD, {"step": "check", **_answers(FakePartner(), **changes)})
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert f'id="id_{field}-error"' in page or f'href="#id_{field}"' in page
    assert Partner.objects.count() == 0


def test_the_partner_page_sends_a_test_message_and_says_how_it_went(
    world: World, admin: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    partner = FakePartner()
    partner.add()
    monkeypatch.setattr(services, "_post", partner.post)

    answer = admin.post(f"/other-authorities/{CODE}/test", follow=True)
    page = answer.content.decode()
    assert "The test message reached Neighbouring County Council" in page
    assert partner.received and partner.received[0].kind == "exchange.test"
    assert "Delivered" in page  # listed among the messages sent

    partner.answer = OSError("connection refused")
    page = admin.post(f"/other-authorities/{CODE}/test", follow=True).content.decode()
    assert "has not reached Neighbouring County Council: not reached: connection refused" in page
    assert "Important" in page and "Success" not in page
    assert OutboxMessage.objects.filter(state="pending").count() == 1


def test_new_keys_are_taken_with_an_overlap(world: World, admin: Client) -> None:
    partner = FakePartner()
    partner.add()
    new = ex.KeyPair.generate()
    url = f"/other-authorities/{CODE}/keys"
    bad = admin.post(url, {"keys": json.dumps(new.public_jwks()), "overlap_days": "100"})
    assert bad.status_code == 400 and "The days must be 90 or fewer" in bad.content.decode()
    done = admin.post(url, {"keys": json.dumps(new.public_jwks()), "overlap_days": "3"})
    assert done.status_code == 302
    stored = Partner.objects.get()
    retiring = stored.keys.filter(retire_at__isnull=False)
    assert {key.kid for key in retiring} == {key["kid"] for key in partner.jwks()["keys"]}
    assert all(
        timedelta(days=2, hours=23) < key.retire_at - timezone.now() <= timedelta(days=3)
        for key in retiring
    )


def test_removing_a_partner_asks_first_and_keeps_its_messages(world: World, admin: Client) -> None:
    partner = FakePartner()
    partner.add()
    services.message_send(partner_code=CODE, kind="exchange.test", payload={}, reason="why")
    url = f"/other-authorities/{CODE}/remove"
    page = admin.get(url).content.decode()
    assert "1 message to it is still waiting" in page
    refused = admin.post(url, {})
    assert refused.status_code == 400
    assert Partner.objects.get().active
    assert admin.post(url, {"confirm": "on"}).status_code == 302
    assert not Partner.objects.get().active
    assert OutboxMessage.objects.count() == 1


def test_coordinators_see_what_was_not_delivered_but_change_nothing(
    world: World, client_for: Callable[[str], Client]
) -> None:
    partner = FakePartner()
    partner.add()
    message = services.message_send(
        partner_code=CODE, kind="exchange.test", payload={}, reason="why"
    )
    OutboxMessage.objects.filter(pk=message.pk).update(
        created_at=timezone.now() - timedelta(hours=1), last_error="not reached: timed out"
    )
    coordinator = client_for("coordinator")
    home = coordinator.get("/").content.decode()
    assert "Other authorities (1)" in home  # the menu says so while it lasts
    page = coordinator.get("/other-authorities/").content.decode()
    assert "not reached: timed out" in page
    assert "Add a partner" not in page
    assert coordinator.get(ADD).status_code == 403
    assert coordinator.post(f"/other-authorities/{CODE}/test").status_code == 403
    assert (
        coordinator.post(f"/other-authorities/{CODE}/remove", {"confirm": "on"}).status_code == 403
    )
    assert Partner.objects.get().active

    OutboxMessage.objects.update(state="delivered")
    assert "Other authorities" not in coordinator.get("/").content.decode()


# --- notices from other authorities ---------------------------------------------------------


def _notice(partner: FakePartner, *, responsible: str, host: str, **child: str) -> PartnerNotice:
    started = timezone.now() - timedelta(hours=3)
    payload = {
        "event": "missing",
        "responsible_authority": responsible,
        "host_authority": host,
        "child": {"reference": "LM-C-9", "given_names": "Jordan", "family_name": "Example",
                  "date_of_birth": "2011-05-14", **child},
        "episode": {"reference": "LM-E-9", "category": "missing", "missing_from": "care",
                    "started_at": started.isoformat(), "police_force": "Lowmarsh Police",
                    "circumstances": "Seen near the station."},
    }  # fmt: skip
    envelope = ex.Envelope(ex.new_message_id(), "missing.notice", CODE, "E10000099", "why", payload)
    services.inbox_receive(
        token=partner.seal(envelope, to=services.own_public_jwks(), at=timezone.now()).encode()
    )
    return PartnerNotice.objects.order_by("-pk").first()  # type: ignore[return-value]


def test_a_coordinator_records_a_notice_for_the_suggested_child(
    world: World, client_for: Callable[[str], Client]
) -> None:
    partner = FakePartner()
    partner.add()
    child = make_child(world, host_authority=Authority.objects.get(gss_code=CODE))
    notice = _notice(partner, responsible="E10000099", host=CODE)
    coordinator = client_for("coordinator")

    assert "Notices from other authorities (1)" in coordinator.get("/").content.decode()
    listing = coordinator.get("/partner-notices/").content.decode()
    assert "Neighbouring County Council" in listing and "Missing since" in listing
    page = coordinator.get(f"/partner-notices/{notice.pk}").content.decode()
    assert "Seen near the station." in page and "Lowmarsh Police" in page
    assert f"Jordan Example ({child.reference}): Likely the same child" in page
    assert AccessEvent.objects.filter(action="view", what__startswith="notice ").exists()
    # The suggested child's name is on the page: its record was seen.
    assert AccessEvent.objects.filter(
        action="view", what__startswith="suggested for notice", child_id=child.pk
    ).exists()

    done = coordinator.post(f"/partner-notices/{notice.pk}", {"child": str(child.pk)})
    assert done.status_code == 302
    notice.refresh_from_db()
    assert notice.state == "recorded" and notice.episode is not None
    assert notice.episode.child_id == child.pk
    assert Episode.objects.filter(child=child).count() == 1
    assert "Notices from other authorities" not in coordinator.get("/").content.decode()


def test_another_child_needs_a_reference_that_exists(
    world: World, client_for: Callable[[str], Client]
) -> None:
    partner = FakePartner()
    partner.add()
    notice = _notice(partner, responsible="E10000099", host=CODE)
    coordinator = client_for("coordinator")
    url = f"/partner-notices/{notice.pk}"
    blank = coordinator.post(url, {"child": "other", "reference": ""})
    assert blank.status_code == 400
    assert "Enter the reference of the child this notice is about" in blank.content.decode()
    wrong = coordinator.post(url, {"child": "other", "reference": "C-999999"})
    assert wrong.status_code == 400
    assert "There is no child with the reference C-999999" in wrong.content.decode()
    nothing = coordinator.post(url, {})
    assert "Select which child this notice is about" in nothing.content.decode()
    assert Episode.objects.count() == 0


def test_a_child_placed_here_and_not_yet_known_gets_a_record(
    world: World, client_for: Callable[[str], Client]
) -> None:
    partner = FakePartner()
    partner.add()
    notice = _notice(partner, responsible=CODE, host="E10000099", given_names="Sky")
    coordinator = client_for("coordinator")
    done = coordinator.post(f"/partner-notices/{notice.pk}", {"child": "new"})
    assert done.status_code == 302
    child = Child.objects.get(first_name="Sky")
    assert child.responsible_authority.gss_code == CODE and child.host_authority is None
    assert Episode.objects.get().child_id == child.pk
    # Recorded: the partner's episode is not sent back to it.
    assert not OutboxMessage.objects.filter(kind="missing.notice").exists()


def test_workers_do_not_see_notices(world: World, client_for: Callable[[str], Client]) -> None:
    partner = FakePartner()
    partner.add()
    notice = _notice(partner, responsible="E10000099", host=CODE)
    worker = client_for("worker")
    assert worker.get("/partner-notices/").status_code == 403
    assert worker.post(f"/partner-notices/{notice.pk}", {"child": "new"}).status_code == 403
    assert Child.objects.count() == 0


# --- children placed across the boundary ---------------------------------------------------


def test_a_coordinator_sends_a_placement_notice_and_sees_whether_it_was_on_time(
    world: World, client_for: Callable[[str], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    partner = FakePartner()
    partner.add()
    neighbour = Authority.objects.get(gss_code=CODE)
    child = make_child(world, first_name="Casey", host_authority=neighbour)
    coordinator = client_for("coordinator")

    listing = coordinator.get("/placed-elsewhere/").content.decode()
    assert "Casey Example" in listing and "None sent" in listing
    url = f"/children/{child.pk}/placement-notice"
    assert coordinator.get(url).status_code == 200

    today = timezone.localdate()
    form = {
        "event": "start", "emergency": "no", "start_day": str(today.day),
        "start_month": str(today.month), "start_year": str(today.year),
        "placement_type": "foster", "provider": "Lowmarsh Fostering",
    }  # fmt: skip
    blank = coordinator.post(url, {**form, "event": "end"})
    assert blank.status_code == 400
    assert "Enter the date the placement ended" in blank.content.decode()
    done = coordinator.post(url, form)
    assert done.status_code == 302 and done["Location"] == "/placed-elsewhere/"
    message = OutboxMessage.objects.get(kind="placement.notice")
    assert message.child_id == child.pk
    listing = coordinator.get("/placed-elsewhere/").content.decode()
    assert "On time" in listing  # planned, sent on the day it starts


def test_the_host_register_lists_children_placed_here_with_their_latest_notice(
    world: World, client_for: Callable[[str], Client]
) -> None:
    partner = FakePartner()
    partner.add()
    neighbour = Authority.objects.get(gss_code=CODE)
    hosted = make_child(world, first_name="Robin", responsible_authority=neighbour)
    notice = _notice(partner, responsible=CODE, host="E10000099", given_names="Robin")
    coordinator = client_for("coordinator")
    coordinator.post(f"/partner-notices/{notice.pk}", {"child": str(hosted.pk)})

    page = coordinator.get("/placed-here/").content.decode()
    assert "Robin Example" in page and "Neighbouring County Council" in page
    assert "Missing since" in page
    assert AccessEvent.objects.filter(
        what="children placed here by other authorities", child_id=hosted.pk
    ).exists()


def test_no_placement_notice_page_for_a_child_not_placed_with_a_partner(
    world: World, client_for: Callable[[str], Client]
) -> None:
    child = make_child(world)  # at home
    coordinator = client_for("coordinator")
    today = timezone.localdate()
    answer = coordinator.post(
        f"/children/{child.pk}/placement-notice",
        {"event": "start", "emergency": "no", "start_day": str(today.day),
         "start_month": str(today.month), "start_year": str(today.year),
         "placement_type": "foster"},
    )  # fmt: skip
    assert answer.status_code == 400
    assert "The child is not placed in another authority" in answer.content.decode()
    assert OutboxMessage.objects.count() == 0
    assert client_for("worker").get(f"/children/{child.pk}/placement-notice").status_code == 403


def test_a_coordinator_records_an_admission_from_the_register(
    world: World, client_for: Callable[[str], Client]
) -> None:
    partner = FakePartner()
    partner.add()
    hosted = make_child(
        world, first_name="Robin", responsible_authority=Authority.objects.get(gss_code=CODE)
    )
    coordinator = client_for("coordinator")
    page = coordinator.get("/placed-here/").content.decode()
    assert f"/children/{hosted.pk}/childrens-home" in page
    url = f"/children/{hosted.pk}/childrens-home"
    blank = coordinator.post(url, {})
    assert blank.status_code == 400
    body = blank.content.decode()
    assert "Select whether the child was admitted or discharged" in body
    assert "Enter the name of the children&#x27;s home" in body
    done = coordinator.post(
        url,
        {"event": "admission", "on_day": "1", "on_month": "12", "on_year": "2026",
         "home_name": "Birchwood", "accommodated_under": "section_20", "care_order": "no",
         "ehc_plan": ""},
    )  # fmt: skip
    assert done.status_code == 302
    assert OutboxMessage.objects.filter(kind="home.notice", child=hosted).exists()
    assert "Admitted to Birchwood" in coordinator.get("/placed-here/").content.decode()


def _placement_with_profile(partner: FakePartner, photo: str) -> PartnerNotice:
    payload = {
        "event": "start",
        "emergency": False,
        "responsible_authority": CODE,
        "host_authority": "E10000099",
        "child": {"reference": "LM-C-5", "given_names": "Robin", "family_name": "Hosted"},
        "placement": {"type": "foster", "start": "2026-12-20"},
        "contacts": {},
        "profile": {
            "format": "homeward.missing-profile/1",
            "title": "Philomena Protocol profile",
            "version": 4,
            "recorded_at": timezone.now().isoformat(),
            "review_on": "2027-02-01",
            "answers": {"medical": "Needs an inhaler <b>daily</b>"},
            "photo_jpeg_base64": photo,
        },
    }
    envelope = ex.Envelope(ex.new_message_id(), "placement.notice", CODE, "E10000099", "w", payload)
    services.inbox_receive(
        token=partner.seal(envelope, to=services.own_public_jwks(), at=timezone.now()).encode()
    )
    return PartnerNotice.objects.order_by("-pk").first()  # type: ignore[return-value]


def test_the_host_reads_the_profile_a_placement_notice_carried_with_its_photo(
    world: World, client_for: Callable[[str], Client]
) -> None:
    import base64
    import io

    from PIL import Image

    partner = FakePartner()
    partner.add()
    out = io.BytesIO()
    Image.new("RGB", (60, 80), (5, 5, 5)).save(out, "JPEG", comment=b"secret comment")
    notice = _placement_with_profile(partner, base64.b64encode(out.getvalue()).decode())
    coordinator = client_for("coordinator")
    page = coordinator.get(f"/partner-notices/{notice.pk}").content.decode()
    assert "The Philomena Protocol profile they sent" in page
    assert "Needs an inhaler &lt;b&gt;daily&lt;/b&gt;" in page  # escaped, as any text
    assert f"/partner-notices/{notice.pk}/photo" in page
    photo = coordinator.get(f"/partner-notices/{notice.pk}/photo")
    assert photo["Content-Type"] == "image/jpeg" and photo["Cache-Control"] == "no-store"
    assert b"secret comment" not in photo.content  # checked and re-encoded, as any photo
    assert client_for("worker").get(f"/partner-notices/{notice.pk}/photo").status_code == 403

    # A photo that is not one is never served.
    bad = _placement_with_profile(partner, base64.b64encode(b"<svg onload=alert(1)>").decode())
    assert coordinator.get(f"/partner-notices/{bad.pk}/photo").status_code == 404


def test_the_host_register_says_whether_a_placement_start_notice_came_in_time(
    world: World, client_for: Callable[[str], Client]
) -> None:
    from datetime import date

    from homeward.exchange import notices

    partner = FakePartner()
    partner.add()
    neighbour = Authority.objects.get(gss_code=CODE)
    late = make_child(world, first_name="Robin", last_name="Late", responsible_authority=neighbour)
    timely = make_child(
        world, first_name="Sam", last_name="Timely", responsible_authority=neighbour
    )
    today = timezone.localdate()
    for child, start, emergency in (
        (late, date(2026, 11, 2), True),  # an emergency: due five working days after
        (timely, today + timedelta(days=7), False),  # planned: due by its start
    ):
        payload = {
            "event": "start", "emergency": emergency, "responsible_authority": CODE,
            "host_authority": "E10000099",
            "child": {"reference": f"LM-{child.pk}", "given_names": child.first_name,
                      "family_name": child.last_name},
            "placement": {"type": "foster", "start": start.isoformat()}, "contacts": {},
        }  # fmt: skip
        envelope = ex.Envelope(
            ex.new_message_id(), "placement.notice", CODE, "E10000099", "w", payload
        )
        services.inbox_receive(
            token=partner.seal(envelope, to=services.own_public_jwks(), at=timezone.now()).encode()
        )
        notice = PartnerNotice.objects.order_by("-pk").first()
        assert notice is not None
        notices.notice_record(by=world.user("coordinator"), notice=notice, child=child)
    page = client_for("coordinator").get("/placed-here/").content.decode()
    assert "Late: due by 9 November 2026" in page
    assert page.count("On time") == 1


def test_an_admission_recorded_by_mistake_is_marked_from_the_register_with_its_own_message(
    world: World, client_for: Callable[[str], Client]
) -> None:
    from datetime import date

    from homeward.exchange import notices
    from homeward.exchange.models import HomeMovement

    neighbour = Authority.objects.get(gss_code=CODE)
    child = make_child(world, first_name="Robin", responsible_authority=neighbour)
    movement = notices.home_movement_record(
        by=world.user("coordinator"), child=child, event="admission", on=date(2026, 12, 1),
        home_name="Oak House",
    )  # fmt: skip
    coordinator = client_for("coordinator")
    assert "Recorded by mistake?" in coordinator.get("/placed-here/").content.decode()
    url = f"/childrens-home-movements/{movement.pk}/recorded-by-mistake"
    empty = coordinator.post(url, {"reason": ""})
    assert empty.status_code == 400
    assert "Say why it was recorded by mistake" in empty.content.decode()
    assert coordinator.post(url, {"reason": "Another child"}).status_code == 302
    assert HomeMovement.objects.get().entered_in_error_reason == "Another child"

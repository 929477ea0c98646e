"""Missing notices between the responsible and the host authority: sent with the episode
that causes them, taken by the partner, kept for a person, recorded once, never echoed."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from homeward.cases import services as case_services
from homeward.cases.models import Child, Episode
from homeward.exchange import notices, services
from homeward.exchange.models import InboxMessage, OutboxMessage, PartnerNotice
from homeward.formats import exchange as ex
from homeward.organisations.models import Authority
from tests.exchange.partner import CODE, FakePartner
from tests.factories import World, make_child, make_episode

pytestmark = pytest.mark.django_db

HOME = "E10000099"


def neighbour() -> Authority:
    return Authority.objects.get(gss_code=CODE)


def placed_here(world: World, **fields: Any) -> Child:
    """A child the neighbouring authority placed in this one's area."""
    return make_child(
        world, responsible_authority=neighbour(), host_authority=world.authority, **fields
    )


def placed_there(world: World, **fields: Any) -> Child:
    """A child this authority placed in the neighbour's area."""
    return make_child(world, host_authority=neighbour(), **fields)


def sent() -> list[dict[str, Any]]:
    return [
        json.loads(m.payload)
        for m in OutboxMessage.objects.filter(kind="missing.notice").order_by("pk")
    ]


# --- sending -------------------------------------------------------------------------------------


def test_the_host_tells_the_responsible_authority_at_once(
    world: World, partner: FakePartner
) -> None:
    child = placed_here(world)
    episode = make_episode(
        world, child, returned_after=None, police_force=world.police, police_reference="FC-9",
        circumstances="Left the placement after a phone call.",
    )  # fmt: skip

    (payload,) = sent()
    message = OutboxMessage.objects.get(kind="missing.notice")
    assert message.reason == notices.TO_RESPONSIBLE
    assert message.child_id == child.pk
    assert payload["event"] == "missing"
    assert (payload["responsible_authority"], payload["host_authority"]) == (CODE, HOME)
    assert payload["child"]["reference"] == child.reference
    assert payload["child"]["given_names"] == "Jordan"
    assert payload["episode"]["reference"] == episode.reference
    assert payload["episode"]["police_force"] == "Fictional Constabulary"
    assert payload["episode"]["police_reference"] == "FC-9"
    assert "returned_at" not in payload["episode"]
    # The partner takes it: it is what the kind allows.
    services.outbox_deliver(pk=message.pk, post=partner.post)
    assert partner.received[0].payload == payload

    case_services.episode_record_return(
        by=world.user("coordinator"), episode=episode, returned_at=timezone.now()
    )
    returned = sent()[1]
    assert returned["event"] == "returned" and returned["episode"]["returned_at"]


def test_the_responsible_authority_tells_the_host_with_its_person_id(
    world: World, partner: FakePartner
) -> None:
    child = placed_there(world)
    Child.objects.filter(pk=child.pk).update(person_id="LCS-1234", nhs_number="9434765919")
    make_episode(world, Child.objects.get(pk=child.pk))
    (payload,) = sent()
    assert OutboxMessage.objects.get().reason == notices.TO_HOST
    assert (payload["responsible_authority"], payload["host_authority"]) == (HOME, CODE)
    assert payload["child"]["responsible_person_id"] == "LCS-1234"
    assert payload["child"]["nhs_number"] == "9434765919"


def test_nothing_is_sent_when_no_boundary_is_crossed_or_no_partner_is_across(
    world: World, partner: FakePartner
) -> None:
    make_episode(world, make_child(world))  # placed at home
    third = Authority.objects.create(gss_code="E10000001", name="Far County", nation="england")
    make_episode(world, make_child(world, host_authority=third, last_name="Faraway"))
    assert sent() == []


def test_no_notice_without_its_episode(world: World, partner: FakePartner) -> None:
    child = placed_here(world)
    with pytest.raises(RuntimeError), transaction.atomic():
        make_episode(world, child)
        raise RuntimeError("the episode is not kept")
    assert Episode.objects.count() == 0 and sent() == []


# --- receiving -----------------------------------------------------------------------------------


def notice_from(
    partner: FakePartner, *, child: dict[str, Any], event: str = "missing",
    episode_ref: str = "E-777", returned: bool = False, responsible: str = HOME, host: str = CODE,
) -> str:  # fmt: skip
    started = timezone.now() - timedelta(hours=5)
    episode = {
        "reference": episode_ref,
        "category": "missing",
        "missing_from": "care",
        "started_at": started.isoformat(),
        "risk_grade": "high",
        "police_force": "Lowmarsh Police",
        "police_reference": "LP-2026-1",
        "circumstances": "Seen getting into a car near the station.",
    }
    if returned:
        episode["returned_at"] = (started + timedelta(hours=4)).isoformat()
    payload = {
        "event": event,
        "responsible_authority": responsible,
        "host_authority": host,
        "child": {"reference": "LM-C-1", **child},
        "episode": episode,
    }
    envelope = ex.Envelope(
        ex.new_message_id(), "missing.notice", CODE, HOME, notices.TO_RESPONSIBLE, payload
    )
    return partner.seal(envelope, to=services.own_public_jwks(), at=timezone.now())


def test_a_notice_about_our_child_is_linked_by_its_person_id_and_the_coordinators_told(
    world: World, partner: FakePartner, django_capture_on_commit_callbacks: Any
) -> None:
    child = placed_there(world)
    Child.objects.filter(pk=child.pk).update(person_id="LCS-1234")
    token = notice_from(
        partner,
        child={
            "given_names": "Jordan",
            "family_name": "Example",
            "responsible_person_id": "LCS-1234",
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.inbox_receive(token=token.encode())[0] == "accepted"

    notice = PartnerNotice.objects.get()
    assert (notice.child_id, notice.linked_by) == (child.pk, "the same case system person id")
    assert notice.state == PartnerNotice.State.WAITING  # a person records it
    assert Episode.objects.count() == 0
    (email,) = mail.outbox
    assert email.to == ["coordinator@fictional.example"]
    assert "LM-C-1" in email.body and "E-777" in email.body
    assert "Jordan" not in email.body and "Jordan" not in email.subject


def test_an_unknown_child_waits_with_the_matchers_suggestions(
    world: World, partner: FakePartner
) -> None:
    child = placed_there(world)
    token = notice_from(
        partner,
        child={"given_names": "Jordan", "family_name": "Example", "date_of_birth": "2011-05-14"},
    )
    services.inbox_receive(token=token.encode())
    notice = PartnerNotice.objects.get()
    assert notice.child is None and notice.linked_by == ""
    assert [s["child"] for s in notice.suggestions] == [child.pk]
    assert notice.suggestions[0]["band"] == "match"


def test_a_notice_is_recorded_once_its_return_applied_and_nothing_echoed_back(
    world: World, partner: FakePartner
) -> None:
    child = placed_there(world)
    about = {"given_names": "Jordan", "family_name": "Example", "date_of_birth": "2011-05-14"}
    services.inbox_receive(token=notice_from(partner, child=about).encode())
    first = PartnerNotice.objects.get()
    OutboxMessage.objects.all().delete()

    recorded = notices.notice_record(by=world.user("coordinator"), notice=first, child=child)

    episode = recorded.episode
    assert episode is not None and episode.child_id == child.pk
    assert (episode.category, episode.missing_from, episode.risk_grade) == (
        "missing",
        "care",
        "high",
    )
    assert episode.police_reference == "LP-2026-1"
    assert episode.circumstances == "Seen getting into a car near the station."
    assert episode.returned_at is None
    assert sent() == []  # the partner told us: not told back
    with pytest.raises(Exception, match="recorded already"):
        notices.notice_record(by=world.user("coordinator"), notice=first, child=child)

    # The partner says the child is back: the same child, linked at once by the earlier one.
    token = notice_from(partner, child=about, event="returned", returned=True)
    services.inbox_receive(token=token.encode())
    second = PartnerNotice.objects.exclude(pk=first.pk).get()
    assert second.child_id == child.pk and "earlier notice" in second.linked_by
    notices.notice_record(by=world.user("coordinator"), notice=second, child=child)
    episode.refresh_from_db()
    assert episode.returned_at is not None and episode.due_at is not None  # the clock runs
    assert Episode.objects.count() == 1
    assert sent() == []


def test_only_a_coordinator_or_manager_records_a_notice(world: World, partner: FakePartner) -> None:
    child = placed_there(world)
    token = notice_from(partner, child={"given_names": "Jordan", "family_name": "Example"})
    services.inbox_receive(token=token.encode())
    with pytest.raises(PermissionDenied):
        notices.notice_record(
            by=world.user("worker"), notice=PartnerNotice.objects.get(), child=child
        )
    assert Episode.objects.count() == 0


@pytest.mark.parametrize(
    ("responsible", "host", "reason"),
    [
        ("E10000001", CODE, "neither the responsible nor the host"),
        (HOME, "E10000001", "the sender is neither"),
    ],
)
def test_a_notice_between_other_authorities_is_refused(
    world: World, partner: FakePartner, responsible: str, host: str, reason: str
) -> None:
    token = notice_from(
        partner, child={"given_names": "A", "family_name": "B"}, responsible=responsible, host=host
    )
    with pytest.raises(ex.MessageError, match=reason):
        services.inbox_receive(token=token.encode())
    assert InboxMessage.objects.count() == 0 and PartnerNotice.objects.count() == 0


def test_a_notice_of_a_bad_shape_is_refused_with_the_field(
    world: World, partner: FakePartner
) -> None:
    payload = {
        "event": "missing",
        "responsible_authority": HOME,
        "host_authority": CODE,
        "child": {"reference": "X", "given_names": "A", "family_name": "B"},
        "episode": {"reference": "E-1", "category": "lost", "missing_from": "care",
                    "started_at": timezone.now().isoformat()},
    }  # fmt: skip
    with pytest.raises(ex.MessageError) as caught:
        ex.check_payload("missing.notice", payload)
    assert caught.value.field == "payload.episode.category"


# --- placement notices ---------------------------------------------------------------------------


def test_an_emergency_placement_is_due_five_working_days_after_it_started() -> None:
    # Christmas: Friday 25 and Monday 28 December 2026 (the Boxing Day holiday) are not
    # working days in England; 29, 30, 31 December, 4 and 5 January are.
    start = date(2026, 12, 24)

    def due(
        event: str, emergency: bool, nation: str = "england", end: date | None = None,
        at_once: bool = False,
    ) -> Any:  # fmt: skip
        return notices.placement_due(
            event=event, start=start, end=end, emergency=emergency, nation=nation,
            ended_at_once=at_once,
        )  # fmt: skip

    assert due("start", True) == date(2027, 1, 5)
    # Scotland's 2 January holiday falls on a Saturday in 2027: its substitute is Monday 4.
    assert due("start", True, "scotland") == date(2027, 1, 6)
    # Planned: before it starts.
    assert due("start", False) == start
    # Its end: by the day it ends; ended at once to protect the child, ten working days
    # after (Monday 4 January 2027 onwards: 4-8 and 11-15 January).
    assert due("end", False, end=date(2026, 12, 31)) == date(2026, 12, 31)
    assert due("end", False, end=date(2027, 1, 1), at_once=True) == date(2027, 1, 15)
    # An emergency placement that ends as planned: told before it ends, as any other.
    assert due("end", True, end=date(2027, 1, 1)) == date(2027, 1, 1)
    # A change: no day.
    assert due("change", True) is None


def test_the_responsible_authority_sends_a_placement_notice_kept_with_its_due_day(
    world: World, partner: FakePartner
) -> None:
    child = placed_there(
        world,
        placement_type="foster",
        legal_status="looked_after",
        looked_after_since=date(2026, 11, 20),
        social_worker="Sam Worker",
    )
    case_services.child_flag_risk(
        by=world.user("coordinator"), child=child, kind="cce", noted_on=date(2026, 11, 1),
        source="Police",
    )  # fmt: skip
    sent_notice = notices.placement_notice_send(
        by=world.user("coordinator"), child=child, event="start", emergency=True,
        start=date(2026, 11, 20), placement_type="foster", provider="Lowmarsh Fostering",
        postcode="zz9 9zz", out_of_hours="Emergency duty team 01234 000000",
    )  # fmt: skip
    assert sent_notice.due_on == date(2026, 11, 27)  # five working days after a Friday
    assert not sent_notice.on_time  # sent on 7 December
    message = sent_notice.message
    assert message.reason.startswith("Notification of a placement in your area: Care Planning")
    services.outbox_deliver(pk=message.pk, post=partner.post)
    payload = partner.received[0].payload
    assert payload["event"] == "start" and payload["emergency"] is True
    assert payload["placement"] == {
        "type": "foster", "provider": "Lowmarsh Fostering", "postcode": "ZZ9 9ZZ",
        "start": "2026-11-20",
    }  # fmt: skip
    assert payload["contacts"] == {
        "social_worker": "Sam Worker", "out_of_hours": "Emergency duty team 01234 000000"
    }  # fmt: skip
    assert payload["risks"] == ["Child criminal exploitation"]


def test_a_placement_notice_only_for_our_child_placed_with_a_partner(
    world: World, partner: FakePartner
) -> None:
    coordinator = world.user("coordinator")
    arguments: dict[str, Any] = {
        "by": coordinator,
        "event": "start",
        "emergency": False,
        "start": date(2026, 12, 1),
        "placement_type": "foster",
    }
    with pytest.raises(ValidationError, match="not placed in another authority"):
        notices.placement_notice_send(child=make_child(world), **arguments)
    with pytest.raises(ValidationError, match="Only the responsible authority"):
        notices.placement_notice_send(child=placed_here(world, last_name="Here"), **arguments)
    third = Authority.objects.create(gss_code="E10000001", name="Far County", nation="england")
    with pytest.raises(ValidationError, match="Far County is not a partner"):
        notices.placement_notice_send(
            child=make_child(world, host_authority=third, last_name="Far"), **arguments
        )
    with pytest.raises(ValidationError, match="Enter the date the placement ended"):
        notices.placement_notice_send(
            child=placed_there(world, last_name="Ended"), **{**arguments, "event": "end"}
        )
    with pytest.raises(PermissionDenied):
        notices.placement_notice_send(
            child=placed_there(world, last_name="Worker"),
            **{**arguments, "by": world.user("worker")},
        )
    assert OutboxMessage.objects.count() == 0


def test_the_host_keeps_a_placement_notice_for_a_person_to_record(
    world: World, partner: FakePartner, django_capture_on_commit_callbacks: Any
) -> None:
    payload = {
        "event": "start",
        "emergency": False,
        "responsible_authority": CODE,
        "host_authority": HOME,
        "child": {"reference": "LM-C-5", "given_names": "Robin", "family_name": "Hosted",
                  "date_of_birth": "2012-02-02", "nhs_number": "9434765919"},
        "placement": {"type": "childrens_home", "start": "2026-12-01"},
        "contacts": {},
    }  # fmt: skip
    envelope = ex.Envelope(ex.new_message_id(), "placement.notice", CODE, HOME, "why", payload)
    token = partner.seal(envelope, to=services.own_public_jwks(), at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        services.inbox_receive(token=token.encode())
    notice = PartnerNotice.objects.get()
    assert (notice.kind, notice.event, notice.placement_start) == (
        "placement.notice", "start", date(2026, 12, 1),
    )  # fmt: skip
    assert "it has placed a child in your area" in mail.outbox[0].body
    child = notices.notice_new_child(by=world.user("coordinator"), notice=notice)
    recorded = notices.notice_record(by=world.user("coordinator"), notice=notice, child=child)
    assert recorded.state == "recorded" and recorded.episode is None
    assert child.responsible_authority.gss_code == CODE and child.date_of_birth == date(2012, 2, 2)
    # The same child's next notice is linked to it at once.
    envelope = ex.Envelope(
        ex.new_message_id(), "placement.notice", CODE, HOME, "why",
        {**payload, "event": "end", "placement": {**payload["placement"], "end": "2026-12-05"}},
    )  # fmt: skip
    services.inbox_receive(
        token=partner.seal(envelope, to=services.own_public_jwks(), at=timezone.now()).encode()
    )
    later = PartnerNotice.objects.exclude(pk=notice.pk).get()
    assert later.child_id == child.pk and later.placement_end == date(2026, 12, 5)


def test_only_the_responsible_authority_sends_a_placement_notice_to_its_host(
    world: World, partner: FakePartner
) -> None:
    payload = {
        "event": "start", "emergency": False, "responsible_authority": HOME,
        "host_authority": CODE, "child": {"reference": "X", "given_names": "A",
        "family_name": "B"}, "placement": {"type": "foster", "start": "2026-12-01"},
        "contacts": {},
    }  # fmt: skip
    envelope = ex.Envelope(ex.new_message_id(), "placement.notice", CODE, HOME, "why", payload)
    token = partner.seal(envelope, to=services.own_public_jwks(), at=timezone.now())
    with pytest.raises(ex.MessageError, match="not the host authority"):
        services.inbox_receive(token=token.encode())
    assert PartnerNotice.objects.count() == 0


def test_a_partner_cannot_link_its_notice_to_a_child_not_placed_across(
    world: World, partner: FakePartner
) -> None:
    at_home = make_child(world)  # not placed across the boundary with this partner
    Child.objects.filter(pk=at_home.pk).update(nhs_number="9434765919", person_id="LCS-9")
    token = notice_from(
        partner,
        child={"given_names": "X", "family_name": "Y", "date_of_birth": "2011-05-14",
               "nhs_number": "9434765919", "responsible_person_id": "LCS-9"},
    )  # fmt: skip
    services.inbox_receive(token=token.encode())
    notice = PartnerNotice.objects.get()
    assert notice.child is None and notice.linked_by == ""


# --- children's home admissions and discharges -------------------------------------------------


def test_an_admission_here_is_told_to_the_responsible_authority(
    world: World, partner: FakePartner
) -> None:
    child = placed_here(world)
    movement = notices.home_movement_record(
        by=world.user("coordinator"), child=child, event="admission", on=date(2026, 12, 1),
        home_name="Birchwood Children's Home", urn="SC000001", accommodated_under="section_20",
        care_or_supervision_order=False, ehc_plan=True, iro_contact="IRO team 01234 000000",
    )  # fmt: skip
    assert movement.message is not None
    assert movement.message.reason.endswith(
        "Children's Homes (England) Regulations 2015, regulation 41"
    )
    services.outbox_deliver(pk=movement.message.pk, post=partner.post)
    payload = partner.received[0].payload
    assert (payload["event"], payload["on"]) == ("admission", "2026-12-01")
    assert payload["home"] == {"name": "Birchwood Children's Home", "urn": "SC000001"}
    assert payload["legal"] == {
        "accommodated_under": "section_20", "care_or_supervision_order": False,
        "iro_contact": "IRO team 01234 000000", "ehc_plan": True,
    }  # fmt: skip
    assert (payload["responsible_authority"], payload["host_authority"]) == (CODE, HOME)


def test_an_admission_is_recorded_even_when_the_responsible_authority_is_not_a_partner(
    world: World,
) -> None:
    third = Authority.objects.create(gss_code="E10000001", name="Far County", nation="england")
    child = make_child(world, responsible_authority=third, host_authority=world.authority)
    movement = notices.home_movement_record(
        by=world.user("coordinator"), child=child, event="discharge", on=date(2026, 12, 1),
        home_name="Oak House",
    )  # fmt: skip
    assert movement.message is None and OutboxMessage.objects.count() == 0


def test_no_admission_notice_for_a_child_this_authority_placed(
    world: World, partner: FakePartner
) -> None:
    with pytest.raises(ValidationError, match="This authority placed the child"):
        notices.home_movement_record(
            by=world.user("coordinator"), child=make_child(world), event="admission",
            on=date(2026, 12, 1), home_name="Oak House",
        )  # fmt: skip
    with pytest.raises(ValidationError, match="today or in the past"):
        notices.home_movement_record(
            by=world.user("coordinator"), child=placed_here(world), event="admission",
            on=timezone.localdate() + timedelta(days=1), home_name="Oak House",
        )  # fmt: skip


def test_the_responsible_authority_keeps_a_home_notice_for_a_person(
    world: World, partner: FakePartner
) -> None:
    child = placed_there(world)
    payload = {
        "event": "discharge", "on": "2026-12-02", "responsible_authority": HOME,
        "host_authority": CODE,
        "child": {"reference": "LM-C-7", "given_names": "Jordan", "family_name": "Example",
                  "date_of_birth": "2011-05-14"},
        "home": {"name": "Lowmarsh House"},
    }  # fmt: skip
    envelope = ex.Envelope(ex.new_message_id(), "home.notice", CODE, HOME, "reg 41", payload)
    services.inbox_receive(
        token=partner.seal(envelope, to=services.own_public_jwks(), at=timezone.now()).encode()
    )
    notice = PartnerNotice.objects.get()
    assert (notice.kind, notice.event, notice.placement_start) == (
        "home.notice", "discharge", date(2026, 12, 2),
    )  # fmt: skip
    assert [s["child"] for s in notice.suggestions] == [child.pk]
    recorded = notices.notice_record(by=world.user("coordinator"), notice=notice, child=child)
    assert recorded.state == "recorded" and recorded.child_id == child.pk
    # Not about a child of this authority (it is not the responsible one): refused.
    swapped = {**payload, "responsible_authority": CODE, "host_authority": HOME}
    wrong = ex.Envelope(ex.new_message_id(), "home.notice", CODE, HOME, "reg 41", swapped)
    with pytest.raises(ex.MessageError, match="not the child's responsible authority"):
        services.inbox_receive(
            token=partner.seal(wrong, to=services.own_public_jwks(), at=timezone.now()).encode()
        )


def test_a_home_notice_only_for_a_child_hosted_here(world: World, partner: FakePartner) -> None:
    third = Authority.objects.create(gss_code="E10000001", name="Far County", nation="england")
    elsewhere = make_child(world, responsible_authority=neighbour(), host_authority=third)
    with pytest.raises(ValidationError, match="placed in Far County's area"):
        notices.home_movement_record(
            by=world.user("coordinator"), child=elsewhere, event="admission",
            on=date(2026, 12, 1), home_name="Oak House",
        )  # fmt: skip
    with pytest.raises(ValidationError, match="admitted or discharged"):
        notices.home_movement_record(
            by=world.user("coordinator"), child=placed_here(world), event="nonsense",
            on=date(2026, 12, 1), home_name="Oak House",
        )  # fmt: skip
    assert OutboxMessage.objects.count() == 0


def test_a_duplicate_with_exchange_records_merges_and_they_move(
    world: World, partner: FakePartner
) -> None:
    """Records pointing at a child without a reverse name (placement notices, the outbox)
    used to stop a merge: the duplicate could not be deleted."""
    keep = placed_there(world)
    duplicate = placed_there(world, first_name="Jordon")
    placement = notices.placement_notice_send(
        by=world.user("coordinator"), child=duplicate, event="start", emergency=False,
        start=date(2026, 12, 20), placement_type="foster",
    )  # fmt: skip
    case_services.children_merge(
        by=world.user("coordinator"), keep=keep, duplicate=duplicate, reason="Same child"
    )
    placement.refresh_from_db()
    assert placement.child_id == keep.pk
    assert OutboxMessage.objects.get(kind="placement.notice").child_id == keep.pk


def _profile(world: World, child: Child) -> None:
    import io

    from PIL import Image

    from homeward.profiles import services as profile_services

    out = io.BytesIO()
    Image.new("RGB", (1000, 1200), (40, 40, 40)).save(out, "JPEG")
    profile_services.profile_save(
        by=world.user("coordinator"), child=child,
        answers={"description": "Tall", "medical": "Inhaler"},
        review_on=date.today() + timedelta(days=30), photo=out.getvalue(),
    )  # fmt: skip


def test_a_placement_notice_carries_the_profile_with_a_small_photo_but_not_its_end(
    world: World, partner: FakePartner
) -> None:
    import base64
    import io

    from PIL import Image

    child = placed_there(world)
    _profile(world, child)
    start = notices.placement_notice_send(
        by=world.user("coordinator"), child=child, event="start", emergency=False,
        start=date(2026, 12, 20), placement_type="foster",
    )  # fmt: skip
    profile = json.loads(start.message.payload)["profile"]
    assert profile["format"] == "homeward.missing-profile/1" and profile["version"] == 1
    assert profile["answers"] == {"description": "Tall", "medical": "Inhaler"}
    with Image.open(io.BytesIO(base64.b64decode(profile["photo_jpeg_base64"]))) as photo:
        assert max(photo.size) == 600
    services.outbox_deliver(pk=start.message.pk, post=partner.post)
    assert partner.received[0].payload["profile"]["answers"]["medical"] == "Inhaler"
    end = notices.placement_notice_send(
        by=world.user("coordinator"), child=child, event="end", emergency=False,
        start=date(2026, 12, 20), end=date(2026, 12, 30), placement_type="foster",
    )  # fmt: skip
    assert "profile" not in json.loads(end.message.payload)


def test_a_notice_recorded_against_the_wrong_child_is_put_back_with_its_history(
    world: World, partner: FakePartner
) -> None:
    from homeward.cases import corrections
    from homeward.exchange.models import NoticeCorrection

    right = placed_there(world)
    wrong = placed_there(world, first_name="Jordon", last_name="Sample")
    about = {"given_names": "Jordan", "family_name": "Example", "date_of_birth": "2011-05-14"}
    services.inbox_receive(token=notice_from(partner, child=about).encode())
    notice = PartnerNotice.objects.get()
    by = world.user("coordinator")
    notices.notice_record(by=by, notice=notice, child=wrong)
    notice.refresh_from_db()
    episode = notice.episode
    assert episode is not None and episode.child_id == wrong.pk
    with pytest.raises(ValidationError, match=f"First mark episode {episode.reference}"):
        notices.notice_reopen(by=by, notice=notice, reason="Wrong Jordan")
    with pytest.raises(PermissionDenied):
        notices.notice_reopen(by=world.user("worker"), notice=notice, reason="x")
    corrections.episode_mark_in_error(by=by, episode=episode, reason="Recorded for the wrong child")
    notices.notice_reopen(by=by, notice=notice, reason="Wrong Jordan")
    notice.refresh_from_db()
    assert notice.state == PartnerNotice.State.WAITING and notice.child is None
    (kept,) = NoticeCorrection.objects.all()
    assert (kept.child_id, kept.episode_id, kept.reason) == (wrong.pk, episode.pk, "Wrong Jordan")

    recorded = notices.notice_record(by=by, notice=notice, child=right)
    assert recorded.episode is not None and recorded.episode.child_id == right.pk
    # A later notice about the same child of theirs is never linked to the wrong one again.
    services.inbox_receive(
        token=notice_from(partner, child=about, event="returned", returned=True).encode()
    )
    later = PartnerNotice.objects.exclude(pk=notice.pk).get()
    assert later.child_id == right.pk


def test_an_admission_recorded_by_mistake_is_marked_and_told_as_a_mistake(
    world: World, partner: FakePartner
) -> None:
    child = placed_here(world)
    by = world.user("coordinator")
    movement = notices.home_movement_record(
        by=by, child=child, event="admission", on=date(2026, 12, 1), home_name="Oak House",
    )  # fmt: skip
    with pytest.raises(ValidationError, match="Say why"):
        notices.home_movement_mark_in_error(by=by, movement=movement, reason=" ")
    marked = notices.home_movement_mark_in_error(by=by, movement=movement, reason="Wrong child")
    assert marked.entered_in_error_at is not None and marked.correction is not None
    first, second = (
        json.loads(m.payload)
        for m in OutboxMessage.objects.filter(kind="home.notice").order_by("pk")
    )
    assert second == {**first, "entered_in_error": True}
    with pytest.raises(ValidationError, match="already"):
        notices.home_movement_mark_in_error(by=by, movement=movement, reason="again")


def test_the_responsible_authority_keeps_a_mistake_as_its_own_notice(
    world: World, partner: FakePartner
) -> None:
    placed_there(world)
    payload = {
        "event": "admission", "on": "2026-12-01", "responsible_authority": HOME,
        "host_authority": CODE, "entered_in_error": True,
        "child": {"reference": "LM-C-3", "given_names": "Jordan", "family_name": "Example"},
        "home": {"name": "Oak House"},
    }  # fmt: skip
    envelope = ex.Envelope(ex.new_message_id(), "home.notice", CODE, HOME, "why", payload)
    token = partner.seal(envelope, to=services.own_public_jwks(), at=timezone.now())
    services.inbox_receive(token=token.encode())
    notice = PartnerNotice.objects.get()
    assert notice.event == "admission_in_error"
    assert notices.HEADINGS[("home.notice", notice.event)].endswith("told by mistake")

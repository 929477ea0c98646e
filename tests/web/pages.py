"""Every page of the web application: its URL name, what its URL needs, and who may see it.

Shared by the role walk (`test_url_roles.py`) and the accessibility walk
(`test_browser_pages.py`), so a new page is checked by both once it has a row here.
"""

from __future__ import annotations

import json
from datetime import timedelta

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from homeward.cases import services
from homeward.cases.models import Child, ReturnInterview
from homeward.intake import services as intake_services
from homeward.intelligence import services as intelligence_services
from tests.factories import World, make_child, make_episode, make_interview

ROLES = (
    "coordinator",
    "worker",
    "worker2",
    "manager",
    "analyst",
    "police",
    "admin",
    "provider_worker",
    "provider_manager",
    # People who must see nothing of the authority's children but what is theirs: another
    # authority's team on the same instance, and a second police force's officer.
    "other_authority",
    "police2",
    # A children's home's staff: the home's admissions and discharges, nothing else.
    "home_staff",
    # A national body's analyst: the annual returns received, nothing else.
    "national",
)
OK, DENIED, REDIRECT, NOT_ALLOWED = 200, 403, 302, 405

# Who may: each set lists the roles with 200; every other role gets 403 unless stated.
AUTHORITY_WIDE = {"coordinator", "manager"}
CASE_WORKERS = {"coordinator", "worker"}  # the allocated worker ("worker") and coordinators
DISCLOSURES = {"coordinator", "manager", "worker"}
# The child has an interview of the authority's team ("worker") and one of the provider's
# ("provider_worker"), and an episode the first force ("police") reported.
CHILD_RECORD = {"coordinator", "manager", "worker", "police", "provider_worker", "provider_manager"}
CASELOAD = {"coordinator", "manager", "worker", "worker2", "provider_worker", "provider_manager"}
SEARCH = CASELOAD | {"police", "police2"}
INDICATORS = {"coordinator", "manager", "analyst"}
PSEUDONYMISED = {"coordinator", "manager", "analyst"}
SIGN_OFF = {"manager"}
SIGN_OFF_QUEUE = {"manager", "provider_manager"}
TEAM_WORK = {"coordinator", "manager", "provider_manager"}
AUDIT = {"admin"}
RECONCILIATION = {"coordinator", "manager", "police", "police2", "analyst"}  # a force: its own
PANEL = {"coordinator", "manager"}
INTELLIGENCE = {"coordinator", "manager", "worker"}
HOTSPOTS = {"coordinator", "manager", "analyst"}
RETURNS = {"coordinator", "manager", "analyst"}  # analysts: the counts only


def _expect(allowed: set[str], otherwise: int = DENIED) -> dict[str, int]:
    return {role: OK if role in allowed else otherwise for role in ROLES}


#: URL name -> (how to build its arguments, expected status per role) for GET requests.
MATRIX: dict[str, tuple[str, dict[str, int]]] = {
    "home": (
        "",
        {
            r: OK if r in AUTHORITY_WIDE else DENIED if r == "other_authority" else REDIRECT
            for r in ROLES
        },
    ),
    "caseload": ("", _expect(CASELOAD)),
    "search": ("", _expect(SEARCH)),
    "child-new": ("", _expect(AUTHORITY_WIDE)),
    "child": ("child", _expect(CHILD_RECORD)),
    # The child's chronology: whoever may see the record, scoped as the record is. The
    # PDF's GET asks for the reason; the file comes only from a POST.
    "chronology": ("child", _expect(CHILD_RECORD)),
    "chronology-pdf": ("child", _expect(CHILD_RECORD)),
    "episode-new": ("child", _expect(AUTHORITY_WIDE)),
    "episode-return": ("open_episode", _expect(AUTHORITY_WIDE)),
    "allocate": ("child", _expect(AUTHORITY_WIDE)),
    "interview": ("interview", _expect(DISCLOSURES)),
    "offer": ("interview", _expect(CASE_WORKERS)),
    "attempt": ("interview", _expect(CASE_WORKERS)),
    "decline": ("interview", _expect(CASE_WORKERS)),
    "no-contact": ("interview", _expect(CASE_WORKERS)),
    "write-up": ("interview", _expect(CASE_WORKERS)),
    "share": ("interview", _expect(CASE_WORKERS)),
    "late-reason": ("interview", _expect(CASE_WORKERS)),
    # Sign-off (queues.py): the worker submits, a manager signs off or returns with comments.
    "submit": ("held_interview", _expect(CASE_WORKERS)),
    "sign-off": ("held_interview", _expect(SIGN_OFF)),
    "return-for-changes": ("held_interview", _expect(SIGN_OFF)),
    "sign-off-queue": ("", _expect(SIGN_OFF_QUEUE)),
    # The team's workload and the operational lists: the authority's coordinators and
    # managers, and a provider's manager (the provider's own).
    "workload": ("", _expect(TEAM_WORK)),
    "interview-list": ("", _expect(TEAM_WORK)),
    "episode-list": ("", _expect(TEAM_WORK)),
    "allocate-many": ("", _expect(AUTHORITY_WIDE)),
    "place-new": ("interview", _expect(CASE_WORKERS)),
    "adult-new": ("interview", _expect(CASE_WORKERS)),
    "vehicle-new": ("interview", _expect(CASE_WORKERS)),
    "referral-new": ("interview", _expect(CASE_WORKERS)),
    "referral-outcome": ("referral", _expect(CASE_WORKERS)),
    "risk-new": ("child", _expect(AUTHORITY_WIDE)),
    "child-care": ("child", _expect(AUTHORITY_WIDE)),
    "risk-end": ("risk_flag", _expect(AUTHORITY_WIDE)),
    "indicators": ("", _expect(INDICATORS)),
    "indicators-download": ("csv", _expect(INDICATORS)),
    "analysis": ("", _expect(PSEUDONYMISED)),
    # The download is a POST: a GET is refused, 405 for those who may download, 403 otherwise.
    "analysis-download": (
        "",
        {r: NOT_ALLOWED if r in PSEUDONYMISED else DENIED for r in ROLES},
    ),
    "returns": ("", _expect(RETURNS)),
    "returns-download": ("", {r: NOT_ALLOWED if r in RETURNS else DENIED for r in ROLES}),
    # The case system's 903 files merged with homeward's Missing table: personal, no analyst.
    "returns-ssda903-merge": ("", _expect(AUTHORITY_WIDE)),
    "audit": ("", _expect(AUDIT)),
    # The authority's own FOI answers: its managers only (not a provider's).
    "foi-settings": ("", _expect({"manager"})),
    "child-merge": ("child", _expect(AUTHORITY_WIDE)),
    "intake-queue": ("", _expect(AUTHORITY_WIDE)),
    "intake-upload": ("", _expect(AUTHORITY_WIDE)),
    "intake-batch": ("batch", _expect(AUTHORITY_WIDE)),
    "intake-report": ("report", _expect(AUTHORITY_WIDE)),
    # The decisions are POSTed from the report page; a GET shows each on a page of its own.
    "intake-link": ("report", _expect(AUTHORITY_WIDE)),
    "intake-new-child": ("report", _expect(AUTHORITY_WIDE)),
    "intake-dismiss": ("report", _expect(AUTHORITY_WIDE)),
    "intake-reopen": ("report", _expect(AUTHORITY_WIDE)),
    "intake-resolve": ("report", _expect(AUTHORITY_WIDE)),
    "intake-unlink": ("report", _expect(AUTHORITY_WIDE)),
    "reconciliation": ("", _expect(RECONCILIATION)),
    "reconciliation-export": ("", _expect(RECONCILIATION)),
    # Multi-agency panel (panel.py): the authority's coordinators and managers. The PDF's
    # GET asks for the reason; the file comes only from a POST.
    "panel": ("", _expect(PANEL)),
    "panel-meeting-new": ("", _expect(PANEL)),
    "panel-meeting": ("panel_meeting", _expect(PANEL)),
    "panel-meeting-child": ("panel_listing", _expect(PANEL)),
    "panel-meeting-links": ("panel_meeting", _expect(PANEL)),
    "panel-meeting-pdf": ("panel_meeting", _expect(PANEL)),
    # A PDF asked for is seen only by the person who asked (its reason is theirs); its file
    # comes only from a POST.
    "panel-pdf": ("panel_pdf", _expect({"coordinator"})),
    "panel-pdf-download": ("panel_pdf", {r: NOT_ALLOWED if r in PANEL else DENIED for r in ROLES}),
    "panel-action-done": ("panel_action", _expect(PANEL)),
    "panel-triggers": ("", _expect(PANEL)),
    # Police intelligence: the interview's worker, coordinators and managers prepare, send and
    # download; the police liaison officer sees what was shared and records its reference.
    "intelligence-new": ("interview", _expect(INTELLIGENCE)),
    "intelligence-submission": ("submission", _expect(INTELLIGENCE | {"police"})),
    # A GET shows the format and reason; the file comes only from a POST.
    "intelligence-download": ("submission", _expect(INTELLIGENCE)),
    # The file made ready comes only from a POST; a GET goes back to the download's form.
    "intelligence-file": (
        "submission",
        {r: REDIRECT if r in INTELLIGENCE else DENIED for r in ROLES},
    ),
    # Intelligence awaiting the police's acknowledgement: a force's officers (their own
    # force's) and the authority's coordinators and managers.
    "intelligence-queue": ("", _expect(AUTHORITY_WIDE | {"police", "police2"})),
    "hotspots": ("", _expect(HOTSPOTS)),
    # A GET shows the download's form (the reason); the file is POSTed.
    "hotspots-download": ("", _expect(HOTSPOTS)),
    # Changing one's own password: everyone signed in (tests/security/test_passwords.py).
    "change-password": ("", {r: OK for r in ROLES}),
    # Correcting saved records (corrections.py): a child's details, by the authority's
    # coordinators and managers.
    "child-change-name": ("child", _expect(AUTHORITY_WIDE)),
    "child-change-birth": ("child", _expect(AUTHORITY_WIDE)),
    "child-change-identity": ("child", _expect(AUTHORITY_WIDE)),
    "child-change-address": ("child", _expect(AUTHORITY_WIDE)),
    "child-change-authorities": ("child", _expect(AUTHORITY_WIDE)),
    "episode-change": ("open_episode", _expect(AUTHORITY_WIDE)),
    "episode-in-error": ("open_episode", _expect(AUTHORITY_WIDE)),
    "interview-reallocate": ("interview", _expect(AUTHORITY_WIDE)),
    "interview-reopen": ("held_interview", _expect(SIGN_OFF)),
    "part-change": ("referral_part", _expect(CASE_WORKERS)),
    "part-in-error": ("referral_part", _expect(CASE_WORKERS)),
    # The case system's import (care.py): administrators upload the extract; coordinators
    # and managers decide the matches it proposes.
    "case-system-import": ("", _expect(AUDIT)),
    "case-system-matches": ("", _expect(AUTHORITY_WIDE)),
    "case-system-match": ("proposal", _expect(AUTHORITY_WIDE)),
    # The exchange with other authorities (exchange.py): administrators change it;
    # coordinators and managers, who are alerted when a message is not delivered, see it.
    "exchange-partners": ("", _expect(AUDIT | AUTHORITY_WIDE)),
    "exchange-partner-add": ("", _expect(AUDIT)),
    "exchange-partner": ("partner", _expect(AUDIT | AUTHORITY_WIDE)),
    "exchange-partner-rotate": ("partner", _expect(AUDIT)),
    "exchange-partner-remove": ("partner", _expect(AUDIT)),
    "exchange-partner-test": ("partner", {r: NOT_ALLOWED if r in AUDIT else DENIED for r in ROLES}),
    "exchange-notices": ("", _expect(AUTHORITY_WIDE)),
    "exchange-notice": ("notice", _expect(AUTHORITY_WIDE)),
    "exchange-notice-photo": ("placement_notice", _expect(AUTHORITY_WIDE)),
    "exchange-notice-reopen": ("placement_notice", _expect(AUTHORITY_WIDE)),
    "exchange-home-movement-error": ("home_movement", _expect(AUTHORITY_WIDE)),
    # A children's home's own staff record its admissions and discharges (childrens_home.py);
    # a coordinator says which child one is about when homeward could not tell.
    "childrens-home": ("", _expect({"home_staff"})),
    "childrens-home-record": ("", _expect({"home_staff"})),
    "exchange-home-report-link": ("home_report", _expect(AUTHORITY_WIDE)),
    "exchange-placed-elsewhere": ("", _expect(AUTHORITY_WIDE)),
    "exchange-placed-here": ("", _expect(AUTHORITY_WIDE)),
    "exchange-placement-notice": ("placed_child", _expect(AUTHORITY_WIDE)),
    "exchange-home-movement": ("hosted_child", _expect(AUTHORITY_WIDE)),
    "exchange-asked-of-us": ("", _expect(AUTHORITY_WIDE)),
    # The Philomena Protocol profile (profiles.py): whoever sees the child reads it and
    # takes its grab pack; coordinators and managers keep it.
    "profile": ("child", _expect(CHILD_RECORD)),
    "profile-change": ("child", _expect(AUTHORITY_WIDE)),
    "profile-photo": ("profile_photo", _expect(CHILD_RECORD)),
    "profile-photo-delete": ("profile_photo", _expect(SIGN_OFF)),
    "profile-grab-pack": ("child", _expect(CHILD_RECORD)),
    "profile-send": ("child", _expect(AUTHORITY_WIDE)),
    # The national collection (national.py): coordinators and managers send the return;
    # on the national body's instance, those who read indicators read what it received.
    "national-send": ("", _expect(AUTHORITY_WIDE)),
    "national-received": ("", _expect(INDICATORS | {"national"})),
    "national-received-csv": ("national_period", _expect(INDICATORS | {"national"})),
    "national-benchmark": ("national_period", _expect(INDICATORS | {"national"})),
    # The national body's analysts and managers set a year's deadline and remind.
    "national-deadline": ("", _expect({"manager", "national"})),
    "national-remind": ("national_deadline", _expect({"manager", "national"})),
    "exchange-asked-one": ("asked", _expect(AUTHORITY_WIDE)),
    "interview-ask-host": ("placed_interview", _expect(AUTHORITY_WIDE)),
}
#: The same pages on other records, where who may see them turns on whose the record is:
#: (URL name, argument, expected status per role).
SCOPED: list[tuple[str, str, dict[str, int]]] = [
    # The provider's interview of the same child: the provider's worker and manager, the
    # authority's coordinators and managers, and the team's worker (the whole child).
    (
        "interview",
        "provider_interview",
        _expect({"coordinator", "manager", "worker", "provider_worker", "provider_manager"}),
    ),
    ("write-up", "provider_interview", _expect({"coordinator", "provider_worker"})),
    ("offer", "provider_interview", _expect({"coordinator", "provider_worker"})),
    # A child only the second force reported: its officer, not the first force's.
    ("child", "second_force_child", _expect(AUTHORITY_WIDE | {"police2"})),
    ("chronology", "second_force_child", _expect(AUTHORITY_WIDE | {"police2"})),
]
#: Pages for signing in and out, which every visitor reaches: not part of the role matrix.
ACCOUNT_PAGES = {"sign-in", "sign-out", "two-factor", "two-factor-setup"}


def build_objects(world: World) -> dict[str, object]:
    """One of each record the URLs need, by the name MATRIX uses for it."""
    child = make_child(world)
    reported = make_episode(world, child, police_force=world.police, police_reference="FC-1")
    interview = make_interview(world, [reported])
    held = make_interview(world, [make_episode(world, child)])
    services.interview_write_up(
        by=world.user("worker"),
        interview=held,
        write_up=services.WriteUp(held_at=timezone.now()),
        expected_version=held.version,
    )
    services.interview_submit_for_sign_off(by=world.user("worker"), interview=held)
    open_episode = make_episode(world, child, returned_after=None)
    referral = services.interview_add_referral(
        by=world.user("worker"),
        interview=interview,
        service="Exploitation team",
        made_on=timezone.localdate(),
    )
    flag = services.child_flag_risk(
        by=world.user("coordinator"),
        child=child,
        kind="cce",
        noted_on=timezone.localdate(),
        source="Police",
    )
    # A police report about `child`, coded absent with risks described (a possible
    # miscoding), a day before the child's episodes (so they are offered to link it to).
    reported = timezone.now() - timedelta(days=2, hours=1)
    notification = {
        "force": world.police.code,
        "police_reference": "FC-2026-000001",
        "notification_type": "reported_missing",
        "reported_at": reported.isoformat(),
        "category": "absent",
        "given_names": child.first_name,
        "family_name": child.last_name,
        "date_of_birth": child.date_of_birth.isoformat() if child.date_of_birth else "",
        "postcode": child.postcode,
        "circumstances": "Believed to be with older males; drugs found in the bedroom.",
    }
    batch = intake_services.intake_file(
        name="notifications.json",
        data=json.dumps([notification]).encode(),
        channel="upload",
        by=world.user("coordinator"),
    )
    report = batch.lines.get().report
    assert report is not None
    shared = services.interview_add_place(
        by=world.user("worker"),
        interview=interview,
        description="Flat above the takeaway",
        postcode="ZZ1 2BB",
        shareable=True,
    )
    submission, _ = intelligence_services.intelligence_prepare(
        by=world.user("worker"), interview=shared.interview, summary="Taken there by car."
    )
    panel = _panel_objects(world, child, interview)
    provider_interview = make_interview(
        world,
        [make_episode(world, child, started=timezone.now() - timedelta(days=3))],
        worker="provider_worker",
    )
    second_force_child = make_child(world, first_name="Casey", last_name="Sample")
    make_episode(
        world,
        second_force_child,
        police_force=world.users["police2"].organisation,
        police_reference="SC-1",
    )
    return {
        "profile_photo": _profile(world, child),
        "partner": _partner(),
        "national_period": _national_return(),
        "national_deadline": _national_deadline(world),
        "notice": _notice(child),
        "placed_child": _placed_child(world),
        "hosted_child": _hosted_child(world),
        "placement_notice": _placement_notice(),
        "home_movement": _home_movement(),
        "home_report": _home_report(world),
        "asked": _asked(),
        "placed_interview": _placed_interview(world),
        "proposal": _proposal(child).pk,
        "child": child.pk,
        "batch": batch.reference,
        "report": report.reference,
        "interview": interview.pk,
        "held_interview": held.pk,
        "open_episode": open_episode.pk,
        "referral": referral.pk,
        "referral_part": f"referral-{referral.pk}",
        "risk_flag": flag.pk,
        "csv": "csv",
        **panel,
        "submission": submission.reference,
        "provider_interview": provider_interview.pk,
        "second_force_child": second_force_child.pk,
    }


#: The partner's private keys, kept by `_partner` for `_notice` to sign with.
_PARTNER_KEYS: list[dict[str, object]] = []


def _partner() -> str:
    """A partner instance (the neighbouring authority's) with a message delivered to it, one
    waiting for two hours (listed as not delivered) and one received from it, so its pages
    list each."""
    from homeward.exchange import services as exchange_services
    from homeward.exchange.models import OutboxMessage
    from homeward.formats import exchange as ex
    from tests.exchange.partner import FakePartner

    partner = FakePartner()
    partner.add()
    _PARTNER_KEYS[:] = [partner.keys.private_jwks()]
    sent = [
        exchange_services.message_send(
            partner_code=partner.code,
            kind="exchange.test",
            payload={"note": note},
            reason="a test of the link",
        )
        for note in ("first", "second")
    ]
    exchange_services.outbox_deliver(pk=sent[0].pk, post=partner.post)
    OutboxMessage.objects.filter(pk=sent[1].pk).update(
        created_at=timezone.now() - timedelta(hours=2), last_error="not reached: timed out"
    )
    envelope = ex.Envelope(
        ex.new_message_id(), "exchange.test", partner.code, "E10000099", "a test back", {}
    )
    token = partner.seal(envelope, to=exchange_services.own_public_jwks(), at=timezone.now())
    exchange_services.inbox_receive(token=token.encode())
    return partner.code


def _placed_child(world: World) -> int:
    """A child this authority placed in the partner's area, with a placement notice sent
    (late) and one a partner placed here, with its placement notice recorded."""
    from datetime import date

    from homeward.exchange import notices
    from homeward.exchange import services as exchange_services
    from homeward.exchange.models import PartnerNotice
    from homeward.formats import exchange as ex
    from homeward.organisations.models import Authority
    from tests.exchange.partner import CODE, FakePartner

    neighbour = Authority.objects.get(gss_code=CODE)
    placed = make_child(
        world, first_name="Casey", last_name="Placed", host_authority=neighbour,
        placement_type="childrens_home", legal_status="looked_after",
        looked_after_since=date(2026, 1, 5),
    )  # fmt: skip
    notices.placement_notice_send(
        by=world.user("coordinator"), child=placed, event="start", emergency=True,
        start=date(2026, 1, 5), placement_type="childrens_home", provider="Oak House",
    )  # fmt: skip
    hosted = make_child(
        world, first_name="Robin", last_name="Hosted", responsible_authority=neighbour
    )
    partner = FakePartner(keys=ex.KeyPair.from_jwks(_PARTNER_KEYS[0]))
    payload = {
        "event": "start",
        "emergency": False,
        "responsible_authority": CODE,
        "host_authority": "E10000099",
        "child": {"reference": "LM-C-000077", "given_names": "Robin", "family_name": "Hosted"},
        "placement": {"type": "foster", "start": "2026-11-02", "provider": "Lowmarsh Fostering"},
        "contacts": {"social_worker": "Sam Worker", "out_of_hours": "Emergency duty team"},
        "risks": ["Child criminal exploitation"],
        "profile": {
            "format": "homeward.missing-profile/1",
            "title": "Philomena Protocol profile",
            "version": 2,
            "recorded_at": timezone.now().isoformat(),
            "review_on": "2027-02-01",
            "answers": {"description": "Tall, long dark hair.", "places": "The bus station."},
            "photo_jpeg_base64": _small_jpeg_base64(),
        },
    }
    envelope = ex.Envelope(
        ex.new_message_id(), "placement.notice", CODE, "E10000099", "a placement", payload
    )
    token = partner.seal(envelope, to=exchange_services.own_public_jwks(), at=timezone.now())
    exchange_services.inbox_receive(token=token.encode())
    notice = PartnerNotice.objects.get(kind="placement.notice")
    notices.notice_record(by=world.user("coordinator"), notice=notice, child=hosted)
    return placed.pk


def _small_jpeg_base64() -> str:
    import base64
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (60, 80), (30, 60, 90)).save(out, "JPEG")
    return base64.b64encode(out.getvalue()).decode("ascii")


def _placement_notice() -> int:
    """The placement notice (with a profile and its photo) `_placed_child` received."""
    from homeward.exchange.models import PartnerNotice

    return PartnerNotice.objects.get(kind="placement.notice").pk


def _home_movement() -> int:
    from homeward.exchange.models import HomeMovement

    return HomeMovement.objects.get(home__isnull=True).pk


def _home_report(world: World) -> int:
    """An admission the children's home's staff recorded of a child homeward could not
    tell (no child of that name placed here): waiting for a coordinator."""
    from datetime import date

    from homeward.exchange import notices

    movement = notices.home_report_record(
        by=world.user("home_staff"), given_names="Sky", family_name="Unknown",
        date_of_birth=date(2012, 3, 4), responsible_gss_code="E10000097",
        event="admission", on=date(2026, 11, 3),
    )  # fmt: skip
    return movement.pk


def _hosted_child(world: World) -> int:
    """The child the partner placed here (made by `_placed_child`), admitted to a
    children's home here, which its responsible authority was told of."""
    from datetime import date

    from homeward.exchange import notices

    hosted = Child.objects.get(first_name="Robin", last_name="Hosted")
    notices.home_movement_record(
        by=world.user("coordinator"), child=hosted, event="admission", on=date(2026, 11, 2),
        home_name="Birchwood Children's Home (fictional)", urn="SC000001",
    )  # fmt: skip
    return hosted.pk


def _profile(world: World, child: Child) -> tuple[int, int]:
    """The child's Philomena Protocol profile, with a photo: (child, photo) for its URL."""
    import io

    from PIL import Image

    from homeward.profiles import services as profile_services

    photo = io.BytesIO()
    Image.new("RGB", (300, 400), (90, 110, 140)).save(photo, "JPEG")
    version = profile_services.profile_save(
        by=world.user("coordinator"),
        child=child,
        answers={
            "description": "Slim, about 5 ft 2, short dark hair, a scar over the left eyebrow.",
            "clothing": "A black puffer jacket and white trainers.",
            "places": "The bus station; a friend's flat on Mill Road (fictional).",
        },
        review_on=timezone.localdate() + timedelta(days=90),
        photo=photo.getvalue(),
    )
    assert version.photo_id is not None
    return child.pk, version.photo_id


def _national_return() -> str:
    """The partner's annual return for 2025-26, as a national body's instance receives it."""
    from homeward.exchange import services as exchange_services
    from homeward.formats import exchange as ex
    from tests.exchange.partner import CODE, FakePartner

    partner = FakePartner(keys=ex.KeyPair.from_jwks(_PARTNER_KEYS[0]))
    row = {
        "authority_code": CODE, "authority_name": "Neighbouring County Council",
        "nation": "England", "period": "2025-26", "provider": "independent",
        "incidents": "120", "individuals": "60", "offered": "110", "accepted": "70",
        "declined": "30", "completed": "70", "completed_within_72h": "50",
        "clock_start": "return", "clock_unit": "hours", "follow_up_support": "yes",
    }  # fmt: skip
    envelope = ex.Envelope(
        ex.new_message_id(), "return.annual", CODE, "E10000099", "the return",
        {"period": "2025-26", "prepared_at": timezone.now().isoformat(), "row": row},
    )  # fmt: skip
    token = partner.seal(envelope, to=exchange_services.own_public_jwks(), at=timezone.now())
    with override_settings(HOMEWARD_NATIONAL_BODY=True):
        exchange_services.inbox_receive(token=token.encode())
    return "2025-26"


def _national_deadline(world: World) -> str:
    """A deadline for the returns for 2025-26 (the national body's)."""
    from datetime import date

    from homeward.returns.models import ReturnDeadline

    ReturnDeadline.objects.create(
        period="2025-26", due_on=date(2026, 7, 31), set_by=world.user("national")
    )
    return "2025-26"


def _asked() -> int:
    """The partner asks this authority to hold the return interview of the child it placed
    here (made by `_placed_child`): linked at once by the earlier notice about them."""
    from homeward.exchange import services as exchange_services
    from homeward.exchange.models import InterviewArrangement
    from homeward.formats import exchange as ex
    from tests.exchange.partner import CODE, FakePartner

    partner = FakePartner(keys=ex.KeyPair.from_jwks(_PARTNER_KEYS[0]))
    payload = {
        "event": "request",
        "arrangement": "2f1d0c1e-8d4a-4c1b-9a55-7b0f6f3f9e21",
        "responsible_authority": CODE,
        "host_authority": "E10000099",
        "child": {"reference": "LM-C-000077", "given_names": "Robin", "family_name": "Hosted"},
        "interview": {
            "reference": "LM-RI-000031",
            "due_at": (timezone.now() + timedelta(hours=40)).isoformat(),
            "due_rule": "72 hours from the return",
            "note": "Robin would rather meet at school.",
        },
    }
    envelope = ex.Envelope(
        ex.new_message_id(), "interview.request", CODE, "E10000099", "please hold it", payload
    )
    token = partner.seal(envelope, to=exchange_services.own_public_jwks(), at=timezone.now())
    exchange_services.inbox_receive(token=token.encode())
    return InterviewArrangement.objects.get().pk


def _placed_interview(world: World) -> int:
    """An open interview of the child this authority placed in the partner's area."""
    placed = Child.objects.get(first_name="Casey", last_name="Placed")
    return make_interview(world, [make_episode(world, placed)]).pk


def _notice(child: Child) -> int:
    """A missing notice from the partner about a child like `child`, waiting for a person
    (the matcher suggests `child`)."""
    from homeward.exchange import services as exchange_services
    from homeward.exchange.models import PartnerNotice
    from homeward.formats import exchange as ex
    from tests.exchange.partner import CODE, FakePartner

    partner = FakePartner(keys=ex.KeyPair.from_jwks(_PARTNER_KEYS[0]))
    started = timezone.now() - timedelta(hours=6)
    payload = {
        "event": "missing",
        "responsible_authority": "E10000099",
        "host_authority": CODE,
        "child": {
            "reference": "LM-C-000042",
            "given_names": child.first_name,
            "family_name": child.last_name,
            "date_of_birth": child.date_of_birth.isoformat() if child.date_of_birth else None,
        },
        "episode": {
            "reference": "LM-E-000314",
            "category": "missing",
            "missing_from": "care",
            "started_at": started.isoformat(),
            "risk_grade": "high",
            "police_force": "Lowmarsh Police",
            "police_reference": "LP-2026-000314",
            "circumstances": "Left the children's home after a phone call; seen near the station.",
        },
    }
    payload["child"] = {k: v for k, v in payload["child"].items() if v is not None}
    envelope = ex.Envelope(
        ex.new_message_id(), "missing.notice", CODE, "E10000099", "a child is missing", payload
    )
    token = partner.seal(envelope, to=exchange_services.own_public_jwks(), at=timezone.now())
    exchange_services.inbox_receive(token=token.encode())
    return PartnerNotice.objects.get().pk


def _proposal(child: Child) -> object:
    """A person of the case system's extract proposed as `child` (typed in by hand)."""
    from homeward.care.models import Person, ProposedMatch

    person = Person.objects.create(
        person_id="P-PAGES-1",
        forename=child.first_name,
        surname=child.last_name,
        sex="U",
        ethnicity="NOBT",
        date_of_birth=child.date_of_birth,
    )
    return ProposedMatch.objects.create(
        person=person,
        child=child,
        score=95,
        band="match",
        reasons=[[40, "same date of birth"], [55, "same names"]],
    )


def _panel_objects(world: World, child: Child, interview: ReturnInterview) -> dict[str, int]:
    """A panel meeting listing `child` and a second child who mentioned the same adult and
    place (so the pack draws its network), with an action to mark done and the pack asked for
    as a PDF by the coordinator (waiting for the worker)."""
    from homeward.panel import services as panel_services

    coordinator = world.user("coordinator")
    other = make_child(world, first_name="Riley", last_name="Sample", postcode="ZZ1 3CC")
    other_interview = make_interview(world, [make_episode(world, other)])
    for record in (interview, other_interview):
        services.interview_add_adult(by=coordinator, interview=record, description="Big Mike")
        services.interview_add_place(
            by=coordinator, interview=record, description="Flat on Example Road", postcode="ZZ9 9ZZ"
        )
    meeting = panel_services.meeting_create(
        by=coordinator, date=timezone.localdate(), title="Missing and exploitation panel"
    )
    listing = panel_services.meeting_add_child(by=coordinator, meeting=meeting, child=child)
    panel_services.meeting_add_child(by=coordinator, meeting=meeting, child=other)
    action = panel_services.action_add(
        by=coordinator,
        listing=listing,
        text="Safety plan reviewed with the placement",
        owner="Social worker",
        due_on=timezone.localdate(),
    )
    pdf = panel_services.pack_pdf_request(
        by=coordinator, meeting=meeting, reason="For the panel's partners"
    )
    return {
        "panel_meeting": meeting.pk,
        "panel_listing": listing.pk,
        "panel_action": action.pk,
        "panel_pdf": pdf.pk,
    }


def url_for(name: str, argument: str, objects: dict[str, object]) -> str:
    if not argument:
        return reverse(f"web:{name}")
    value = objects[argument]
    return reverse(f"web:{name}", args=list(value) if isinstance(value, tuple) else [value])


#: A word with nowhere to break it (an invented surname, a reference, a user name): what
#: makes a page wider than a phone's screen if nothing lets it wrap.
LONG_WORD = "Featherstonehaughmontgomeryvanderbiltsworthington"


def lengthen(world: World, objects: dict[str, object]) -> None:
    """The longest names, references and notes the records allow, on the records the pages
    of MATRIX show: the phone walk (`test_browser_pages.py`) must meet them to find a page
    they make too wide."""
    from homeward.accounts.models import User
    from homeward.cases.models import Episode, PlaceOfConcern, Referral, RiskFlag
    from homeward.exchange.models import OutboxMessage, Partner
    from homeward.intake.models import PoliceReport
    from homeward.organisations.models import Organisation
    from homeward.panel.models import PanelMeeting

    Partner.objects.update(name=f"{LONG_WORD} Metropolitan Borough Council")
    OutboxMessage.objects.exclude(last_error="").update(
        last_error=f"not reached: {LONG_WORD}.{LONG_WORD}.example did not answer"
    )
    note = f"Seen with older males near {LONG_WORD} Court; said to be staying at " * 3
    Child.objects.filter(pk=objects["child"]).update(
        first_name=f"Anastasia-Konstantina {LONG_WORD[:40]}",
        last_name=LONG_WORD,
        social_worker=f"{LONG_WORD} (Children in Care Team, East)",
        address=f"Flat 1234, {LONG_WORD} Court, 1 {LONG_WORD} Road",
    )
    for episode in Episode.objects.filter(child_id=objects["child"]):
        episode.circumstances = note
        episode.last_seen_where = f"Outside {LONG_WORD} Community Centre"[:200]
        episode.found_where = f"Bus station, {LONG_WORD}"[:200]
        episode.police_reference = f"{episode.police_reference or 'FC'}-{LONG_WORD}"[:50]
        episode.save()
    User.objects.filter(username__in=["worker", "provider_worker", "manager"]).update(
        first_name=LONG_WORD[:30], last_name=LONG_WORD
    )
    Organisation.objects.filter(pk=world.provider.pk).update(
        name=f"{LONG_WORD} Independent Return Interview Service"
    )
    Organisation.objects.filter(pk=world.police.pk).update(name=f"{LONG_WORD} Constabulary")
    PlaceOfConcern.objects.update(description=f"Flat above the takeaway, {LONG_WORD} Parade")
    Referral.objects.update(service=f"{LONG_WORD} Child Exploitation Team")
    RiskFlag.objects.update(source=f"{LONG_WORD} Academy, designated safeguarding lead")
    PanelMeeting.objects.update(title=f"Missing and exploitation panel: {LONG_WORD}")
    for report in PoliceReport.objects.all():
        content = json.loads(report.content)
        content["circumstances"] = note
        content["given_names"] = f"Anastasia-Konstantina {LONG_WORD[:40]}"
        content["family_name"] = LONG_WORD
        report.content = json.dumps(content)
        report.police_reference = f"FC-2026-{LONG_WORD}"[:50]
        report.save()

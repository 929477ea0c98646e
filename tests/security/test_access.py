"""Access by job, organisation and force, tried as an attacker with a real account would.

Each test is a finding of the security review (issue 11): a commissioned provider's staff
reading interviews that are not theirs, another authority's team reading this authority's
children, a second police force reading what belongs to the first, and allocation to an
organisation outside the authority.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from homeward.accounts import permissions
from homeward.accounts.models import Role
from homeward.audit.models import AccessEvent
from homeward.cases import selectors, services
from homeward.intake import selectors as intake_selectors
from homeward.intake import services as intake_services
from homeward.intelligence import services as intelligence_services
from homeward.organisations.models import Organisation
from homeward.police import parse
from tests.factories import World, make_child, make_episode, make_interview, make_user
from tests.web.conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_interviews(world: World) -> dict[str, object]:
    """A child with two interviews: one held by the authority's team, with disclosures, and
    one allocated to the commissioned provider's worker."""
    child = make_child(world)
    team_interview = make_interview(world, [make_episode(world, child)])
    services.interview_write_up(
        by=world.user("worker"),
        interview=team_interview,
        write_up=services.WriteUp(
            held_at=timezone.now(), child_words="Told of a man called Big Mike at the flat."
        ),
        expected_version=team_interview.version,
    )
    provider_interview = make_interview(
        world,
        [make_episode(world, child, started=timezone.now() - timedelta(days=1))],
        worker="provider_worker",
    )
    return {"child": child, "team": team_interview, "provider": provider_interview}


# --- commissioned providers: their interviews only -------------------------------------------


@pytest.mark.parametrize("who", ["provider_worker", "provider_manager"])
def test_provider_staff_cannot_open_the_authority_teams_interview_of_their_child(
    who: str, two_interviews: dict[str, object], client_for: Callable[[str], Client]
) -> None:
    team = two_interviews["team"]
    response = client_for(who).get(reverse("web:interview", args=[team.pk]))  # type: ignore[attr-defined]
    assert response.status_code == 403
    assert b"Big Mike" not in response.content
    assert AccessEvent.objects.filter(
        username=who,
        action=AccessEvent.Action.DENIED,
        what__contains=team.reference,  # type: ignore[attr-defined]
    ).exists()


@pytest.mark.parametrize("who", ["provider_worker", "provider_manager"])
def test_provider_staff_open_their_own_interview(
    who: str, two_interviews: dict[str, object], client_for: Callable[[str], Client]
) -> None:
    mine = two_interviews["provider"]
    response = client_for(who).get(reverse("web:interview", args=[mine.pk]))  # type: ignore[attr-defined]
    assert response.status_code == 200


def test_a_provider_worker_cannot_open_a_colleagues_interview(
    world: World, two_interviews: dict[str, object], client_for: Callable[[str], Client]
) -> None:
    colleague = make_user("provider_worker2", Role.WORKER, world.provider)
    response = sign_in_as(colleague).get(
        reverse("web:interview", args=[two_interviews["provider"].pk])  # type: ignore[attr-defined]
    )
    assert response.status_code == 403
    # ... but their manager may.
    response = client_for("provider_manager").get(
        reverse("web:interview", args=[two_interviews["provider"].pk])  # type: ignore[attr-defined]
    )
    assert response.status_code == 200


def test_the_childs_page_shows_a_provider_only_its_own_interview_and_episodes(
    two_interviews: dict[str, object], client_for: Callable[[str], Client]
) -> None:
    child, team, provider = (two_interviews[k] for k in ("child", "team", "provider"))
    page = client_for("provider_worker").get(reverse("web:child", args=[child.pk]))  # type: ignore[attr-defined]
    assert page.status_code == 200
    text = page.content.decode()
    assert provider.reference in text  # type: ignore[attr-defined]
    assert team.reference not in text  # type: ignore[attr-defined]
    for episode in team.episodes.all():  # type: ignore[attr-defined]
        assert episode.reference not in text
    assert "Big Mike" not in text


def test_the_authority_teams_worker_keeps_the_whole_child(
    two_interviews: dict[str, object], client_for: Callable[[str], Client]
) -> None:
    """Authority staff by role as before: the team's worker sees every interview of a child
    they work with (the provider's too)."""
    provider = two_interviews["provider"]
    response = client_for("worker").get(reverse("web:interview", args=[provider.pk]))  # type: ignore[attr-defined]
    assert response.status_code == 200


def test_selectors_refuse_a_provider_the_teams_interview(
    world: World, two_interviews: dict[str, object]
) -> None:
    with pytest.raises(PermissionDenied):
        selectors.interview_for(
            user=world.user("provider_worker"),
            interview_id=two_interviews["team"].pk,  # type: ignore[attr-defined]
        )


# --- another authority's team on the same instance: nothing --------------------------------


def test_another_authoritys_team_sees_nothing_of_this_authoritys_children(
    world: World, two_interviews: dict[str, object], client_for: Callable[[str], Client]
) -> None:
    client = client_for("other_authority")
    child, team = two_interviews["child"], two_interviews["team"]
    assert client.get(reverse("web:child", args=[child.pk])).status_code == 403  # type: ignore[attr-defined]
    assert client.get(reverse("web:interview", args=[team.pk])).status_code == 403  # type: ignore[attr-defined]
    assert client.get(reverse("web:analysis")).status_code == 403
    assert client.get(reverse("web:panel")).status_code == 403
    assert client.get(reverse("web:indicators")).status_code == 403
    assert client.get(reverse("web:returns")).status_code == 403
    assert client.get(reverse("web:intake-queue")).status_code == 403
    found = client.get(reverse("web:search"), {"name": "Jordan Example"})
    assert found.status_code == 403
    assert child.reference.encode() not in found.content  # type: ignore[attr-defined]
    assert not permissions.can_view_child(world.user("other_authority"), child)  # type: ignore[arg-type]


def test_another_authoritys_team_cannot_download_the_panel_pack(
    world: World, two_interviews: dict[str, object], client_for: Callable[[str], Client]
) -> None:
    from homeward.panel import services as panel_services

    meeting = panel_services.meeting_create(
        by=world.user("coordinator"), date=timezone.localdate(), title="Panel"
    )
    panel_services.meeting_add_child(
        by=world.user("coordinator"),
        meeting=meeting,
        child=two_interviews["child"],  # type: ignore[arg-type]
    )
    client = client_for("other_authority")
    url = reverse("web:panel-meeting-pdf", args=[meeting.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": "curious"}).status_code == 403


def test_an_interview_cannot_be_allocated_to_another_authoritys_team(
    world: World, two_interviews: dict[str, object]
) -> None:
    child = two_interviews["child"]
    episode = make_episode(world, child)  # type: ignore[arg-type]
    other_team = world.user("other_authority").organisation
    with pytest.raises(ValidationError) as refused:
        services.interview_allocate(
            by=world.user("coordinator"), episodes=[episode], organisation=other_team
        )
    assert "organisation" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.interview_allocate(
            by=world.user("coordinator"),
            episodes=[episode],
            organisation=other_team,
            worker=world.user("other_authority"),
        )


def test_the_allocation_page_offers_only_this_authoritys_teams_and_providers(
    world: World, two_interviews: dict[str, object], client_for: Callable[[str], Client]
) -> None:
    child = two_interviews["child"]
    make_episode(world, child)  # type: ignore[arg-type]
    page = client_for("coordinator").get(reverse("web:allocate", args=[child.pk]))  # type: ignore[attr-defined]
    assert page.status_code == 200
    text = page.content.decode()
    assert world.team.name in text
    assert world.provider.name in text
    assert "Neighbouring Missing Team" not in text
    assert "other_authority" not in text.lower().replace(" ", "_")


def test_a_user_without_an_organisation_sees_nothing(world: World, two_interviews) -> None:
    from homeward.accounts.models import User

    loose = User.objects.create_user(username="loose", password="x" * 20, role=Role.COORDINATOR)
    assert not permissions.can_view_child(loose, two_interviews["child"])
    assert not permissions.can_search_children(loose)
    assert not permissions.can_view_indicators(loose)


# --- police forces: their own reports, reconciliation and intelligence -------------------------


def _report(world: World, child, force: Organisation, reference: str) -> None:
    reported = timezone.now() - timedelta(days=3)
    notification = {
        "force": force.code,
        "police_reference": reference,
        "notification_type": "reported_missing",
        "reported_at": reported.isoformat(),
        "category": "missing",
        "risk_grade": "medium",
        "child_flag": "true",
        "given_names": child.first_name,
        "family_name": child.last_name,
        "date_of_birth": child.date_of_birth.isoformat(),
        "postcode": child.postcode,
    }
    intake_services.intake_batch(
        parsed=parse.parse_json(
            json.dumps(notification).encode(), source="request", now=timezone.now()
        ),
        channel="api",
        force=force,
        now=timezone.now(),
    )


def test_a_second_force_cannot_read_a_child_only_the_first_force_reported(
    world: World, client_for: Callable[[str], Client]
) -> None:
    child = make_child(world)
    make_episode(world, child, police_force=world.police, police_reference="FC-1")
    assert client_for("police").get(reverse("web:child", args=[child.pk])).status_code == 200
    assert client_for("police2").get(reverse("web:child", args=[child.pk])).status_code == 403
    hits = client_for("police2").get(reverse("web:search"), {"name": "Jordan Example"})
    assert hits.status_code == 200
    assert child.reference.encode() not in hits.content
    hits = client_for("police").get(reverse("web:search"), {"name": "Jordan Example"})
    assert child.reference.encode() in hits.content


def test_a_force_sees_only_its_own_episodes_on_a_shared_child(
    world: World, client_for: Callable[[str], Client]
) -> None:
    child = make_child(world)
    first = make_episode(world, child, police_force=world.police, police_reference="FC-1")
    second_force = world.user("police2").organisation
    second = make_episode(
        world,
        child,
        started=timezone.now() - timedelta(days=5),
        police_force=second_force,
        police_reference="SC-2",
    )
    page = client_for("police2").get(reverse("web:child", args=[child.pk])).content.decode()
    assert second.reference in page
    assert first.reference not in page
    assert "FC-1" not in page


def test_the_reconciliation_shows_a_force_only_its_own_reports(world: World) -> None:
    child = make_child(world)
    second_force = world.user("police2").organisation
    _report(world, child, world.police, "FC-2026-1")
    _report(world, child, second_force, "SC-2026-2")
    first_forces = make_episode(world, child, police_force=world.police, police_reference="")
    no_force = make_episode(world, child, started=timezone.now() - timedelta(days=6))
    today = timezone.localdate()
    start = today - timedelta(days=30)
    mine = intake_selectors.reconciliation(user=world.user("police2"), start=start, end=today)
    references = {row.police_reference for row in mine.rows}
    assert "SC-2026-2" in references
    assert "FC-2026-1" not in references
    # The authority's episodes: the other force's are not shown; those of no recorded force
    # are (finding reports a force never sent is what the reconciliation is for).
    episodes = {row.episode for row in mine.section("authority_only")}
    assert no_force.reference in episodes
    assert first_forces.reference not in episodes
    whole = intake_selectors.reconciliation(user=world.user("coordinator"), start=start, end=today)
    assert {"SC-2026-2", "FC-2026-1"} <= {row.police_reference for row in whole.rows}


def test_intelligence_for_one_force_is_not_shown_to_another(
    world: World, client_for: Callable[[str], Client]
) -> None:
    child = make_child(world)
    interview = make_interview(
        world, [make_episode(world, child, police_force=world.police, police_reference="FC-9")]
    )
    services.interview_add_place(
        by=world.user("worker"),
        interview=interview,
        description="Flat above the takeaway",
        postcode="ZZ1 2BB",
        shareable=True,
    )
    submission, _ = intelligence_services.intelligence_prepare(
        by=world.user("worker"), interview=interview, summary="Taken there by car."
    )
    url = reverse("web:intelligence-submission", args=[submission.reference])
    assert client_for("police").get(url).status_code == 200
    assert client_for("police2").get(url).status_code == 403
    with pytest.raises(PermissionDenied):
        intelligence_services.intelligence_record_police_reference(
            by=world.user("police2"), submission=submission, police_reference="SC-REF"
        )


def test_a_force_token_user_of_another_force_has_no_reach_beyond_its_force(world: World) -> None:
    """The liaison officer of a force sees no child whose episodes came from another force or
    none: the default for a hand-recorded episode with no force is the authority's alone."""
    child = make_child(world)
    make_episode(world, child)
    assert not permissions.can_view_child(world.user("police"), child)
    assert not permissions.can_view_child(world.user("police2"), child)


def sign_in_as(user) -> Client:
    return sign_in(Client(), user)

"""The rest of the interview's record: places and adults of concern, referrals and their
outcomes, and the child's risk flags. Who may write, the guards, the checks, the version
raised on the interview, and the adult's description encrypted at rest."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from homeward.cases import services
from homeward.cases.models import (
    AdultOfConcern,
    PlaceOfConcern,
    Referral,
    ReturnInterview,
    RiskFlag,
)
from tests.factories import World, make_child, make_episode, make_interview, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return make_world()


@pytest.fixture
def interview(world: World) -> ReturnInterview:
    return make_interview(world, [make_episode(world, make_child(world))])


def signed_off(world: World, interview: ReturnInterview) -> ReturnInterview:
    services.interview_write_up(
        by=world.user("worker"),
        interview=interview,
        write_up=services.WriteUp(held_at=timezone.now() - timedelta(hours=1)),
        expected_version=ReturnInterview.objects.get(pk=interview.pk).version,
    )
    services.interview_submit_for_sign_off(by=world.user("worker"), interview=interview)
    return services.interview_sign_off(by=world.user("manager"), interview=interview)


def version(interview: ReturnInterview) -> int:
    return ReturnInterview.objects.get(pk=interview.pk).version


def today():
    return timezone.localdate()


# --- places of concern ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("zz1 1aa", "ZZ1 1AA"),
        ("  ZZ11AA ", "ZZ1 1AA"),
        ("zz99 9zz", "ZZ99 9ZZ"),
        ("z1a 1aa", "Z1A 1AA"),
        ("", ""),
    ],
)
def test_place_postcode_is_normalised(world, interview, typed, stored):
    place = services.interview_add_place(
        by=world.user("worker"),
        interview=interview,
        description="Flat above the takeaway",
        postcode=typed,
    )
    assert PlaceOfConcern.objects.get(pk=place.pk).postcode == stored


@pytest.mark.parametrize("typed", ["not a postcode", "ZZ1", "1ZZ 1AA", "ZZ1 1A1", "ZZ1 1AAA"])
def test_place_refuses_a_postcode_of_the_wrong_shape(world, interview, typed):
    with pytest.raises(ValidationError) as refused:
        services.interview_add_place(
            by=world.user("worker"), interview=interview, description="Park", postcode=typed
        )
    assert "postcode" in refused.value.message_dict
    assert not PlaceOfConcern.objects.exists()
    assert version(interview) == interview.version


def test_place_needs_a_description_and_raises_the_version(world, interview):
    with pytest.raises(ValidationError) as refused:
        services.interview_add_place(by=world.user("worker"), interview=interview, description=" ")
    assert "description" in refused.value.message_dict
    before = version(interview)
    place = services.interview_add_place(
        by=world.user("coordinator"), interview=interview, description="  Bus station  "
    )
    assert place.description == "Bus station" and place.interview_id == interview.pk
    assert version(interview) == before + 1


@pytest.mark.parametrize("who", ["worker2", "manager", "police", "analyst", "provider_worker"])
def test_only_those_who_work_the_interview_add_to_it(world, interview, who):
    user = world.user(who)
    with pytest.raises(PermissionDenied):
        services.interview_add_place(by=user, interview=interview, description="Park")
    with pytest.raises(PermissionDenied):
        services.interview_add_adult(by=user, interview=interview, description="Older man")
    with pytest.raises(PermissionDenied):
        services.interview_add_referral(
            by=user, interview=interview, service="CAMHS", made_on=today()
        )
    assert not PlaceOfConcern.objects.exists()
    assert not AdultOfConcern.objects.exists()
    assert not Referral.objects.exists()


def test_nothing_is_added_after_sign_off(world, interview):
    interview = signed_off(world, interview)
    worker = world.user("worker")
    with pytest.raises(ValidationError, match="signed off"):
        services.interview_add_place(by=worker, interview=interview, description="Park")
    with pytest.raises(ValidationError, match="signed off"):
        services.interview_add_adult(by=worker, interview=interview, description="Older man")
    with pytest.raises(ValidationError, match="signed off"):
        services.interview_add_referral(
            by=worker, interview=interview, service="CAMHS", made_on=today()
        )
    assert version(interview) == interview.version


# --- adults of concern ---------------------------------------------------------------------


def test_adult_description_is_encrypted_at_rest(world, interview):
    before = version(interview)
    adult = services.interview_add_adult(
        by=world.user("worker"), interview=interview, description="Known as Sparrow, drives a van"
    )
    assert version(interview) == before + 1
    assert AdultOfConcern.objects.get(pk=adult.pk).description == "Known as Sparrow, drives a van"
    with connection.cursor() as cursor:
        cursor.execute("SELECT description FROM cases_adultofconcern WHERE id = %s", [adult.pk])
        stored = cursor.fetchone()[0]
    assert "Sparrow" not in stored and stored.startswith("gAAAA")


def test_adult_needs_a_description(world, interview):
    with pytest.raises(ValidationError) as refused:
        services.interview_add_adult(by=world.user("worker"), interview=interview, description="")
    assert "description" in refused.value.message_dict
    assert not AdultOfConcern.objects.exists()


# --- referrals -----------------------------------------------------------------------------


def test_referral_is_recorded_with_its_outcome_and_raises_the_version(world, interview):
    before = version(interview)
    referral = services.interview_add_referral(
        by=world.user("worker"),
        interview=interview,
        service=" Exploitation team ",
        made_on=today() - timedelta(days=1),
        outcome="Accepted",
    )
    stored = Referral.objects.get(pk=referral.pk)
    assert (stored.service, stored.made_on, stored.outcome) == (
        "Exploitation team",
        today() - timedelta(days=1),
        "Accepted",
    )
    assert version(interview) == before + 1


def test_referral_refuses_a_future_date_and_no_service(world, interview):
    with pytest.raises(ValidationError) as refused:
        services.interview_add_referral(
            by=world.user("worker"),
            interview=interview,
            service=" ",
            made_on=today() + timedelta(days=1),
        )
    assert set(refused.value.message_dict) == {"service", "made_on"}
    assert not Referral.objects.exists()


def test_referral_outcome_is_recorded_and_changed_even_after_sign_off(world, interview):
    referral = services.interview_add_referral(
        by=world.user("worker"), interview=interview, service="CAMHS", made_on=today()
    )
    interview = signed_off(world, interview)
    before = version(interview)
    services.referral_record_outcome(
        by=world.user("worker"), referral=referral, outcome="On the waiting list"
    )
    assert Referral.objects.get(pk=referral.pk).outcome == "On the waiting list"
    services.referral_record_outcome(
        by=world.user("coordinator"), referral=referral, outcome=" Seen by CAMHS "
    )
    assert Referral.objects.get(pk=referral.pk).outcome == "Seen by CAMHS"
    assert version(interview) == before + 2


def test_referral_outcome_needs_words_and_the_right_person(world, interview):
    referral = services.interview_add_referral(
        by=world.user("worker"), interview=interview, service="CAMHS", made_on=today()
    )
    with pytest.raises(ValidationError) as refused:
        services.referral_record_outcome(by=world.user("worker"), referral=referral, outcome=" ")
    assert "outcome" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.referral_record_outcome(
            by=world.user("worker"), referral=referral, outcome="x" * 201
        )
    assert "outcome" in refused.value.message_dict
    for who in ("worker2", "manager", "police"):
        with pytest.raises(PermissionDenied):
            services.referral_record_outcome(
                by=world.user(who), referral=referral, outcome="Closed"
            )
    assert Referral.objects.get(pk=referral.pk).outcome == ""


# --- risk flags ----------------------------------------------------------------------------


def flag(world: World, **changes: object) -> RiskFlag:
    values: dict[str, object] = {
        "kind": "cse",
        "noted_on": today() - timedelta(days=30),
        "source": "School",
    }
    values.update(changes)
    return services.child_flag_risk(by=world.user("coordinator"), child=make_child(world), **values)


def test_risk_flag_refuses_a_future_date_and_no_source(world):
    with pytest.raises(ValidationError) as refused:
        flag(world, noted_on=today() + timedelta(days=1), source="  ")
    assert set(refused.value.message_dict) == {"noted_on", "source"}
    with pytest.raises(ValidationError) as refused:
        flag(world, kind="gangs")
    assert "kind" in refused.value.message_dict
    assert not RiskFlag.objects.exists()


def test_risk_flag_is_ended_by_a_coordinator_or_manager(world):
    risk = flag(world)
    ended = services.risk_flag_end(by=world.user("manager"), flag=risk, ended_on=today())
    assert ended.ended_on == today()
    assert RiskFlag.objects.get(pk=risk.pk).ended_on == today()
    with pytest.raises(ValidationError, match="already ended"):
        services.risk_flag_end(by=world.user("coordinator"), flag=risk, ended_on=today())


def test_risk_flag_ends_on_or_after_it_was_noted_and_not_in_the_future(world):
    risk = flag(world)
    with pytest.raises(ValidationError) as refused:
        services.risk_flag_end(
            by=world.user("coordinator"), flag=risk, ended_on=risk.noted_on - timedelta(days=1)
        )
    assert "ended_on" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.risk_flag_end(
            by=world.user("coordinator"), flag=risk, ended_on=today() + timedelta(days=1)
        )
    assert "ended_on" in refused.value.message_dict
    assert RiskFlag.objects.get(pk=risk.pk).ended_on is None
    services.risk_flag_end(by=world.user("coordinator"), flag=risk, ended_on=risk.noted_on)
    assert RiskFlag.objects.get(pk=risk.pk).ended_on == risk.noted_on


@pytest.mark.parametrize("who", ["worker", "police", "analyst", "admin", "provider_manager"])
def test_others_cannot_flag_or_end_a_risk(world, who):
    risk = flag(world)
    with pytest.raises(PermissionDenied):
        services.child_flag_risk(
            by=world.user(who), child=risk.child, kind="cce", noted_on=today(), source="Police"
        )
    with pytest.raises(PermissionDenied):
        services.risk_flag_end(by=world.user(who), flag=risk, ended_on=today())
    assert RiskFlag.objects.get(pk=risk.pk).ended_on is None
    assert RiskFlag.objects.count() == 1

"""The pseudonymised episode list: stable pseudonyms, nothing that names or locates a child,
the derived columns right, and only the roles whose job it is."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from homeward.audit.models import AccessEvent
from homeward.cases import analysis, services
from homeward.cases.models import Child, Episode
from homeward.organisations.models import Authority
from tests.factories import World, make_child, make_episode, make_interview, make_world

pytestmark = pytest.mark.django_db
UK = ZoneInfo("Europe/London")


def rows_for(world: World, **period: date) -> list[dict[str, object]]:
    return list(analysis.pseudonymised_episodes(user=world.user("analyst"), **period))


def hold(world: World, interview, held_at: datetime, **fields: object):
    return services.interview_write_up(
        by=world.user("worker"),
        interview=interview,
        write_up=services.WriteUp(held_at=held_at, **fields),  # type: ignore[arg-type]
        expected_version=interview.version,
    )


def test_the_pseudonym_is_stable_and_differs_between_children():
    world = make_world()
    jordan = make_child(world)
    riley = make_child(world, first_name="Riley", last_name="Sample", postcode="ZZ9 9ZZ")
    make_episode(world, jordan, started=timezone.now() - timedelta(days=9))
    make_episode(world, jordan, started=timezone.now() - timedelta(days=5))
    make_episode(world, riley, started=timezone.now() - timedelta(days=3))

    first, second = rows_for(world), rows_for(world)

    assert [row["child"] for row in first] == [row["child"] for row in second]
    assert first[0]["child"] == first[1]["child"] != first[2]["child"]
    assert first[0]["episode"] != first[1]["episode"]
    assert len(str(first[0]["child"])) == 12
    assert all(c in "0123456789abcdef" for c in str(first[0]["child"]))
    assert first[0]["child"] == analysis.child_pseudonym(jordan.pk)
    assert analysis.pseudonymised_episodes(user=world.user("analyst")).children() == 2


def test_the_pseudonym_changes_with_the_secret_key(settings):
    world = make_world()
    child = make_child(world)
    before = analysis.child_pseudonym(child.pk)
    settings.SECRET_KEY = "another-secret-key-for-the-test-only-0123456789"
    assert analysis.child_pseudonym(child.pk) != before


def test_no_row_names_or_locates_a_child():
    world = make_world()
    other = Authority.objects.create(
        gss_code="E10000098", name="Other Fictional Council", nation="england"
    )
    child = make_child(
        world,
        first_name="Quillon",
        last_name="Fakename",
        date_of_birth=date(2010, 2, 3),
        postcode="ZZ7 3QX",
        address="12 Imaginary Row, Nowhere",
        social_worker="Pat Notreal",
        host_authority=other,
        aliases=["Q-Dog"],
    )
    episode = make_episode(
        world,
        child,
        circumstances="Left after an argument",
        last_seen_where="Bus station",
        police_reference="PR-000123",
    )
    interview = make_interview(world, [episode])
    hold(
        world,
        interview,
        timezone.now() - timedelta(hours=1),
        child_words="I stayed at a friend's",
        harms=("drugs_alcohol", "unknown_adults"),
    )
    services.interview_record_share(
        by=world.user("worker"),
        interview=interview,
        recipient="police",
        shared_at=timezone.now(),
        basis="safeguarding",
        detail="Address of an adult of concern",
    )

    (row,) = rows_for(world)

    assert set(row) == set(analysis.KEYS)
    assert set(row) == {
        "child",
        "episode",
        "age_at_start",
        "sex",
        "ethnicity",
        "legal_status",
        "placement_type",
        "out_of_area",
        "category",
        "missing_from",
        "risk_grade",
        "started",
        "returned",
        "notified",
        "interview",
        "outcome",
        "declined_by",
        "offered",
        "completed_on",
        "within_timescale",
        "days_to_completion",
        "harms",
        "shared_with_police",
    }
    text = " ".join(analysis.row_cells(row)).lower()
    forbidden = [
        child.first_name,
        child.last_name,
        child.reference,
        "ZZ7",  # not even the postcode district
        "3QX",
        "2010-02-03",
        "03/02/2010",
        "Imaginary",
        "Notreal",
        "Q-Dog",
        episode.reference,
        interview.reference,
        "PR-000123",
        "argument",
        "Bus station",
        "friend",
        "adult of concern",
    ]
    assert [value for value in forbidden if value.lower() in text] == []
    assert row["out_of_area"] is True
    assert row["harms"] == ["drugs_alcohol", "unknown_adults"]
    assert row["shared_with_police"] is True
    assert row["interview"] not in ("", interview.reference)


def test_times_are_dates_and_hours_only():
    world = make_world()
    started = datetime(2025, 3, 14, 21, 47, tzinfo=UK)
    make_episode(world, make_child(world), started=started, returned_after=timedelta(hours=3))

    (row,) = rows_for(world)

    assert row["started"] == "2025-03-14 21:00"
    assert row["returned"] == "2025-03-15 00:00"  # 00:47, the hour only
    assert row["notified"] == "2025-03-15 01:00"


def test_age_in_whole_years_at_the_start():
    world = make_world()
    started = datetime(2025, 5, 13, 12, 0, tzinfo=UK)
    make_episode(world, make_child(world, date_of_birth=date(2011, 5, 14)), started=started)
    make_episode(
        world,
        make_child(world, first_name="Ash", date_of_birth=date(2011, 5, 13)),
        started=started + timedelta(minutes=1),
    )
    make_episode(
        world,
        make_child(world, first_name="Sam", date_of_birth=None),
        started=started + timedelta(minutes=2),
    )

    ages = [row["age_at_start"] for row in rows_for(world)]

    assert ages == [13, 14, None]  # the day before the 14th birthday; on it; not known
    assert analysis.age_on(date(2008, 2, 29), date(2025, 2, 28)) == 16


def test_within_the_timescale_for_an_on_time_and_a_late_interview():
    world = make_world()  # 72 hours from the return
    now = timezone.now()
    on_time = make_episode(world, make_child(world), started=now - timedelta(days=10))
    late = make_episode(world, make_child(world, first_name="Lee"), started=now - timedelta(days=9))
    assert on_time.returned_at is not None and late.returned_at is not None
    hold(world, make_interview(world, [on_time]), on_time.returned_at + timedelta(hours=71))
    hold(
        world,
        make_interview(world, [late]),
        late.returned_at + timedelta(hours=80),
        late_reason="The child was away with family",
        late_reason_code="child_unavailable",
    )
    waiting = make_episode(world, make_child(world, first_name="Kit"), started=now - timedelta(1))

    rows = {row["episode"]: row for row in rows_for(world)}
    on_time_row = rows[analysis.pseudonym(analysis.EPISODE_SALT, on_time.pk)]
    late_row = rows[analysis.pseudonym(analysis.EPISODE_SALT, late.pk)]
    waiting_row = rows[analysis.pseudonym(analysis.EPISODE_SALT, waiting.pk)]

    assert on_time_row["within_timescale"] is True
    assert late_row["within_timescale"] is False
    assert waiting_row["within_timescale"] is None
    assert on_time_row["outcome"] == late_row["outcome"] == "accepted"
    completed = (on_time.returned_at + timedelta(hours=71)).astimezone(UK).date()
    assert on_time_row["completed_on"] == completed.isoformat()
    assert (
        on_time_row["days_to_completion"]
        == (completed - on_time.returned_at.astimezone(UK).date()).days
    )
    assert waiting_row["interview"] == waiting_row["completed_on"] == ""
    assert waiting_row["days_to_completion"] is None
    assert waiting_row["offered"] is False
    assert analysis.row_cells(waiting_row)[analysis.KEYS.index("within_timescale")] == ""
    assert analysis.row_cells(on_time_row)[analysis.KEYS.index("within_timescale")] == "yes"


def test_offer_and_decline_are_shown():
    world = make_world()
    episode = make_episode(world, make_child(world))
    interview = make_interview(world, [episode])
    services.interview_record_offer(
        by=world.user("worker"),
        interview=interview,
        offered_at=timezone.now() - timedelta(hours=1),
        offered_to="child",
        method="phone",
    )
    services.interview_record_decline(
        by=world.user("worker"),
        interview=interview,
        declined_by="child",
        reason="Did not want to talk",
        reason_code="not_wanted",
    )

    (row,) = rows_for(world)

    assert row["offered"] is True
    assert (row["outcome"], row["declined_by"]) == ("declined", "child")
    assert row["shared_with_police"] is False
    assert "talk" not in " ".join(analysis.row_cells(row))


def test_the_period_includes_both_days():
    world = make_world()
    child = make_child(world)
    for day in (1, 2, 3, 4):
        make_episode(world, child, started=datetime(2025, 6, day, 23, 30, tzinfo=UK))

    rows = rows_for(world, start=date(2025, 6, 2), end=date(2025, 6, 3))

    assert [row["started"] for row in rows] == ["2025-06-02 23:00", "2025-06-03 23:00"]


def test_a_page_reads_only_its_rows_in_one_query():
    world = make_world()
    child = make_child(world)
    for days in range(12):
        episode = make_episode(world, child, started=timezone.now() - timedelta(days=days + 2))
        make_interview(world, [episode])
    episodes = analysis.pseudonymised_episodes(user=world.user("analyst"))

    with CaptureQueriesContext(connection) as queries:
        page = episodes[0:5]
    assert len(page) == 5
    assert len(queries) == 1
    with CaptureQueriesContext(connection) as queries:
        everything = list(episodes)
    assert len(everything) == 12 == len(episodes)
    assert len(queries) <= 2


def test_the_default_period_is_the_last_twelve_months():
    assert analysis.default_period(date(2025, 7, 31)) == (date(2024, 8, 1), date(2025, 7, 31))
    assert analysis.default_period(date(2024, 2, 29)) == (date(2023, 3, 1), date(2024, 2, 29))


def test_a_look_is_logged_as_a_view():
    world = make_world()
    analysis.pseudonymised_episodes(
        user=world.user("manager"), start=date(2025, 1, 1), end=date(2025, 12, 31)
    )
    event = AccessEvent.objects.get()
    assert (event.action, event.what, event.username) == (
        "view",
        "pseudonymised episode list",
        "manager",
    )
    assert "2025-01-01" in event.detail


def test_the_csv_needs_a_reason_and_is_logged_as_an_export():
    world = make_world()
    make_episode(world, make_child(world), started=datetime(2025, 6, 1, 9, tzinfo=UK))
    with pytest.raises(ValueError):
        analysis.pseudonymised_episodes_csv(
            user=world.user("analyst"), start=None, end=None, reason="  "
        )
    file = analysis.pseudonymised_episodes_csv(
        user=world.user("analyst"),
        start=date(2025, 1, 1),
        end=date(2025, 12, 31),
        reason="Quarterly report",
    )
    lines = file.content.decode().splitlines()
    assert lines[0] == ",".join(analysis.KEYS)
    assert len(lines) == 2 and file.rows == 1
    event = AccessEvent.objects.get(action="export")
    assert event.what == "pseudonymised episodes 2025-01-01–2025-12-31"
    assert event.reason == "Quarterly report"


@pytest.mark.parametrize(
    "role", ["worker", "police", "admin", "provider_worker", "provider_manager"]
)
def test_refused_to_others(role):
    world = make_world()
    with pytest.raises(PermissionDenied):
        analysis.pseudonymised_episodes(user=world.user(role))
    with pytest.raises(PermissionDenied):
        analysis.pseudonymised_episodes_csv(
            user=world.user(role), start=None, end=None, reason="Curious"
        )
    assert not AccessEvent.objects.filter(action__in=["view", "export"]).exists()


@pytest.mark.parametrize("role", ["analyst", "manager", "coordinator"])
def test_allowed_to_the_authoritys_analysts_managers_and_coordinators(role):
    world = make_world()
    make_episode(world, make_child(world))
    assert len(analysis.pseudonymised_episodes(user=world.user(role))) == 1


def test_nothing_identifying_is_even_read():
    """The query's columns: none of the child's identifying or free-text fields."""
    sql = str(analysis._query(None, None).query).lower()
    child = Child._meta.db_table
    episode = Episode._meta.db_table
    read = [f'"{child}"."{c}"' for c in ("first_name", "last_name", "postcode", "address")]
    read += [f'"{episode}"."{c}"' for c in ("circumstances", "last_seen_where", "reference")]
    assert [column for column in read if column in sql] == []

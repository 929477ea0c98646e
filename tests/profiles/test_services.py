"""A child's profile: each change a new version with its reason, the earlier kept; the
photo kept across versions until replaced or removed; a stale write refused."""

from __future__ import annotations

import base64
import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from PIL import Image

from homeward.profiles import services
from homeward.profiles.models import ProfilePhoto, ProfileVersion
from tests.factories import World, make_child, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return make_world()


def photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (60, 80), (1, 2, 3)).save(out, "JPEG")
    return out.getvalue()


def soon() -> object:
    return timezone.localdate() + timedelta(days=60)


def test_each_change_is_a_new_version_with_its_reason_and_the_photo_kept(world: World) -> None:
    child = make_child(world)
    by = world.user("coordinator")
    first = services.profile_save(
        by=by, child=child, answers={"description": "Tall"}, review_on=soon(), photo=photo()
    )
    assert first.version == 1 and first.photo is not None and first.reason == ""
    stored = ProfilePhoto.objects.get()
    assert base64.b64decode(stored.jpeg).startswith(b"\xff\xd8\xff")

    with pytest.raises(ValidationError) as no_reason:
        services.profile_save(
            by=by, child=child, answers={"description": "Taller"}, review_on=soon(),
            expected_version=1,
        )  # fmt: skip
    assert no_reason.value.message_dict == {"reason": ["Say why the profile changed"]}

    second = services.profile_save(
        by=by, child=child, answers={"description": "Taller", "clothing": "Red coat"},
        review_on=soon(), reason="Grew; new coat", expected_version=1,
    )  # fmt: skip
    assert second.version == 2 and second.photo_id == first.photo_id
    first.refresh_from_db()
    assert first.description == "Tall"  # the earlier version is kept as it was
    assert services.current(child) == second

    removed = services.profile_save(
        by=by, child=child, answers=second.answers(), review_on=soon(), remove_photo=True,
        reason="Photo out of date", expected_version=2,
    )  # fmt: skip
    assert removed.photo is None
    assert ProfileVersion.objects.filter(child=child).count() == 3


def test_a_stale_or_empty_change_saves_nothing(world: World) -> None:
    child = make_child(world)
    by = world.user("coordinator")
    services.profile_save(by=by, child=child, answers={"description": "Tall"}, review_on=soon())
    with pytest.raises(ValidationError, match="Someone saved the profile since"):
        services.profile_save(
            by=by, child=child, answers={"description": "Short"}, review_on=soon(),
            reason="x", expected_version=0,
        )  # fmt: skip
    with pytest.raises(ValidationError, match="Nothing has changed"):
        services.profile_save(
            by=by, child=child, answers={"description": "Tall"}, review_on=soon(),
            reason="no change", expected_version=1,
        )  # fmt: skip
    assert ProfileVersion.objects.count() == 1


def test_bad_answers_a_past_review_and_a_bad_photo_are_refused_together(world: World) -> None:
    child = make_child(world)
    with pytest.raises(ValidationError) as refused:
        services.profile_save(
            by=world.user("coordinator"), child=child, answers={"risks": "x" * 2001},
            review_on=timezone.localdate() - timedelta(days=1), photo=b"GIF89a",
        )  # fmt: skip
    assert set(refused.value.message_dict) == {"risks", "review_on", "photo"}
    assert ProfileVersion.objects.count() == 0 and ProfilePhoto.objects.count() == 0


def test_only_coordinators_and_managers_keep_the_profile(world: World) -> None:
    child = make_child(world)
    for name in ("worker", "police", "analyst", "other_authority"):
        with pytest.raises(PermissionDenied):
            services.profile_save(
                by=world.user(name), child=child, answers={"description": "T"}, review_on=soon()
            )
    assert ProfileVersion.objects.count() == 0


def test_merging_two_records_keeps_every_version_and_the_kept_profile_in_force(
    world: World,
) -> None:
    from homeward.cases import services as case_services

    by = world.user("coordinator")
    keep = make_child(world)
    duplicate = make_child(world, first_name="Jordon")
    services.profile_save(by=by, child=keep, answers={"description": "Kept"}, review_on=soon())
    services.profile_save(
        by=by, child=duplicate, answers={"description": "Dup"}, review_on=soon(), photo=photo()
    )
    case_services.children_merge(by=by, keep=keep, duplicate=duplicate, reason="Same child")
    versions = list(ProfileVersion.objects.filter(child=keep).order_by("version"))
    assert [(v.version, v.description) for v in versions] == [(1, "Kept"), (2, "Dup"), (3, "Kept")]
    assert versions[1].reason.startswith("From the merged record")
    assert services.current(keep) == versions[2]
    assert ProfilePhoto.objects.get().child_id == keep.pk


def test_merging_moves_a_profile_and_records_without_a_reverse_name(world: World) -> None:
    """A duplicate with a profile (or any record pointing at it without a reverse name) used
    to stop the merge: the duplicate could not be deleted."""
    from homeward.cases import services as case_services

    by = world.user("coordinator")
    keep = make_child(world)
    duplicate = make_child(world, first_name="Jordon")
    services.profile_save(
        by=by, child=duplicate, answers={"description": "Dup"}, review_on=soon(), photo=photo()
    )
    merge = case_services.children_merge(by=by, keep=keep, duplicate=duplicate, reason="Same")
    assert ProfileVersion.objects.get().child_id == keep.pk
    assert merge.moved.get("profile versions") == 1


def test_a_child_with_a_profile_recorded_missing_from_care_has_it_sent_to_the_force(
    world: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    import json

    from django_tasks_db.models import DBTaskResult

    from homeward.cases import services as case_services
    from homeward.profiles import tasks
    from homeward.profiles.models import ProfileShare
    from tests.intelligence.server import police_endpoint

    child = make_child(world)
    by = world.user("coordinator")
    services.profile_save(by=by, child=child, answers={"description": "Tall"}, review_on=soon())

    def record(missing_from: str, **more: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return case_services.episode_record(
                by=by, child=child, category="missing", missing_from=missing_from,
                started_at=timezone.now() - timedelta(hours=1), **more,
            )  # fmt: skip

    with police_endpoint() as endpoint:
        settings.HOMEWARD_INTELLIGENCE_ENDPOINT = endpoint.url
        record("home", police_force=world.police, police_reference="FC-1")  # not from care
        record("care")  # no force took the report
        assert DBTaskResult.objects.count() == 0
        episode = record("care", police_force=world.police, police_reference="FC-2")
        queued = DBTaskResult.objects.get()
        assert queued.task_path == tasks.send_profile_for_episode.module_path
        assert tasks.send_profile_for_episode.call(episode_id=episode.pk, user_id=by.pk) == {
            "sent": True,
            "taken": True,
        }
    (received,) = endpoint.received
    copy = json.loads(received.body)
    assert copy["police_reference"] == "FC-2" and copy["answers"] == {"description": "Tall"}
    share = ProfileShare.objects.get()
    assert share.reason == f"Reported missing from care: episode {episode.reference}"


def test_no_copy_is_queued_without_an_endpoint_or_a_profile(
    world: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    from homeward.cases import services as case_services

    settings.HOMEWARD_INTELLIGENCE_ENDPOINT = ""
    child = make_child(world)
    by = world.user("coordinator")
    services.profile_save(by=by, child=child, answers={"description": "Tall"}, review_on=soon())
    with django_capture_on_commit_callbacks(execute=True):
        case_services.episode_record(
            by=by, child=child, category="missing", missing_from="care",
            started_at=timezone.now() - timedelta(hours=1), police_force=world.police,
        )  # fmt: skip
    assert DBTaskResult.objects.count() == 0

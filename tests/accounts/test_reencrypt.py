"""`manage.py reencrypt`: rotating the salt or the secret key of the encrypted fields."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models
from django.db.models.functions import Cast
from django.utils import timezone

from homeward.accounts.management.commands.reencrypt import encrypted_fields, forget_keys
from homeward.cases import services
from homeward.cases.models import Child, Episode, ReturnInterview
from tests.factories import World, make_child, make_episode, make_interview, make_world

pytestmark = pytest.mark.django_db

ADDRESS = "12 Imaginary Terrace, Nowhereton"
CIRCUMSTANCES = "Left after an argument about a phone; seen near the fictional bus station"
WORDS = "Said she stayed with a friend from school and felt safe there"
NEW_SECRET = "new-secret-key-for-the-test-only-9876543210-zyxwvutsrqponmlkji"


@pytest.fixture
def keys(settings: Any):
    """Change the salts or secret keys, and make the fields derive their keys again."""

    def use(*, salts: list[str] | None = None, secret: str | None = None, fallbacks=None):
        if salts is not None:
            settings.SALT_KEY = salts
        if secret is not None:
            settings.SECRET_KEY = secret
        if fallbacks is not None:
            settings.SECRET_KEY_FALLBACKS = fallbacks
        forget_keys()

    yield use
    forget_keys()  # the settings fixture restores the settings; keys follow on next use


@pytest.fixture
def records(keys) -> dict[str, Any]:
    """A child, an episode and a written-up interview, all encrypted with salt A."""
    keys(salts=["salt-a"])
    world: World = make_world()
    child = make_child(world, address=ADDRESS)
    episode = make_episode(world, child, circumstances=CIRCUMSTANCES)
    interview = make_interview(world, [episode])
    services.interview_write_up(
        by=world.user("worker"),
        interview=interview,
        write_up=services.WriteUp(held_at=timezone.now() - timedelta(hours=1), child_words=WORDS),
        expected_version=ReturnInterview.objects.get(pk=interview.pk).version,
    )
    return {"child": child.pk, "episode": episode.pk, "interview": interview.pk}


def raw(model: type[models.Model], pk: int, name: str) -> str:
    """The stored token, as the database holds it."""
    return (
        model.objects.filter(pk=pk)
        .annotate(raw=Cast(name, models.TextField()))
        .values_list("raw", flat=True)
        .get()
    )


def values(records: dict[str, Any]) -> tuple[str, str, str]:
    return (
        Child.objects.get(pk=records["child"]).address,
        Episode.objects.get(pk=records["episode"]).circumstances,
        ReturnInterview.objects.get(pk=records["interview"]).child_words,
    )


def test_finds_every_encrypted_field() -> None:
    found = {model.__name__: {f.name for f in fields} for model, fields in encrypted_fields()}
    assert found["Child"] == {"address"}
    assert found["Episode"] == {"circumstances", "entered_in_error_reason"}
    assert {"child_words", "whereabouts", "late_reason"} <= found["ReturnInterview"]
    assert set(found) >= {"ContactAttempt", "AdultOfConcern", "InformationShare"}


def test_salt_rotation(keys, records: dict[str, Any]) -> None:
    assert values(records) == (ADDRESS, CIRCUMSTANCES, WORDS)
    assert WORDS not in raw(ReturnInterview, records["interview"], "child_words")
    before = {
        "token": raw(ReturnInterview, records["interview"], "child_words"),
        "updated": ReturnInterview.objects.get(pk=records["interview"]).updated_at,
        "version": ReturnInterview.objects.get(pk=records["interview"]).version,
        "history": LogEntry.objects.count(),
    }

    # The new salt first: new writes use it, old values still read.
    keys(salts=["salt-b", "salt-a"])
    assert values(records) == (ADDRESS, CIRCUMSTANCES, WORDS)
    out = StringIO()
    call_command("reencrypt", "--batch-size", "1", stdout=out)
    assert "cases.ReturnInterview: 1 re-encrypted" in out.getvalue()
    assert "cases.Child: 1 re-encrypted" in out.getvalue()
    assert raw(ReturnInterview, records["interview"], "child_words") != before["token"]

    # Re-saved without touching the record: no new timestamp, version or history entry.
    interview = ReturnInterview.objects.get(pk=records["interview"])
    assert interview.updated_at == before["updated"]
    assert interview.version == before["version"]
    assert LogEntry.objects.count() == before["history"]

    # Salt A dropped: everything still reads.
    keys(salts=["salt-b"])
    assert values(records) == (ADDRESS, CIRCUMSTANCES, WORDS)


def test_dropping_the_old_salt_too_soon_loses_the_values(keys, records) -> None:
    keys(salts=["salt-b"])
    # The library hands back the stored token when no key opens it.
    assert all(value not in (ADDRESS, CIRCUMSTANCES, WORDS) for value in values(records))


def test_check_says_whether_old_values_remain(keys, records) -> None:
    keys(salts=["salt-b", "salt-a"])
    with pytest.raises(CommandError, match="values remain under an old key"):
        call_command("reencrypt", "--check", stdout=StringIO())
    assert values(records)[0] == ADDRESS  # --check changed nothing
    call_command("reencrypt", stdout=StringIO())
    out = StringIO()
    call_command("reencrypt", "--check", stdout=out)
    assert "0 to re-encrypt" in out.getvalue()
    # Running again is harmless: everything is already under the newest key.
    out = StringIO()
    call_command("reencrypt", stdout=out)
    assert "cases.Child: 0 re-encrypted, 1 already under the newest key" in out.getvalue()


def test_secret_key_rotation(keys, records, settings) -> None:
    # The new secret first, the old one kept as a fallback until the values are rotated.
    keys(secret=NEW_SECRET, fallbacks=[settings.SECRET_KEY])
    assert values(records) == (ADDRESS, CIRCUMSTANCES, WORDS)
    out = StringIO()
    call_command("reencrypt", stdout=out)
    assert "cases.Episode: 1 re-encrypted" in out.getvalue()
    keys(fallbacks=[])
    assert values(records) == (ADDRESS, CIRCUMSTANCES, WORDS)


def test_a_value_no_key_opens_is_reported_and_left_alone(keys, records) -> None:
    garbage = "gAAAAAB-not-a-token-any-key-opens"
    Child.objects.filter(pk=records["child"]).update(
        address=models.Value(garbage, output_field=models.TextField())
    )
    keys(salts=["salt-b", "salt-a"])
    with pytest.raises(CommandError, match="1 values could not be decrypted") as error:
        call_command("reencrypt", stdout=StringIO())
    assert f"cases.Child {records['child']} address" in str(error.value)
    assert raw(Child, records["child"], "address") == garbage
    # The others were still rotated.
    keys(salts=["salt-b"])
    assert values(records)[1:] == (CIRCUMSTANCES, WORDS)

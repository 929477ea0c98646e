"""`manage.py user add` and `manage.py user deactivate`, and their services (the reset is in
tests/security/test_passwords.py)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory

from homeward.accounts.models import User
from homeward.accounts.services import user_create
from homeward.organisations.services import authority_set_up, organisation_set_up

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def team():
    authority_set_up(gss_code="E10000099", name="Fenmoor County Council", is_home=True)
    return organisation_set_up(
        name="Missing Children Team", kind="authority_team", authority_gss_code="E10000099"
    )


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def sign_in(username: str, password: str) -> User | None:
    return authenticate(RequestFactory().post("/"), username=username, password=password)


def add(username: str = "a.fictional", *more: str) -> str:
    return run(
        "user",
        "add",
        username,
        *("--role", "coordinator", "--organisation", "Missing Children Team"),
        *more,
    )


def test_an_added_user_signs_in_with_the_one_time_password(team):
    out = add("a.fictional", "--email", "a.fictional@fenmoor.example", "--first-name", "Ada")
    password = out.split("One-time password: ")[1].split()[0]
    assert len(password) >= 16
    assert "authenticator" in out
    user = User.objects.get(username="a.fictional")
    assert (user.role, user.organisation, user.email, user.first_name) == (
        "coordinator",
        team,
        "a.fictional@fenmoor.example",
        "Ada",
    )
    assert sign_in("a.fictional", password) == user
    assert sign_in("a.fictional", "wrong password") is None
    # Issued by someone else: to be changed at first sign-in.
    assert user.must_change_password is True
    assert "change the password" in out


def test_each_user_gets_a_different_password():
    _, first = user_create(username="one", role="worker", organisation_name="Missing Children Team")
    _, second = user_create(
        username="two", role="worker", organisation_name="Missing Children Team"
    )
    assert first != second


def test_a_duplicate_username_is_refused():
    add("a.fictional")
    with pytest.raises(CommandError, match=r"already a user called A\.Fictional"):
        add("A.Fictional")
    assert User.objects.count() == 1


def test_an_unknown_role_or_organisation_is_refused():
    with pytest.raises(CommandError, match="Unknown role 'boss'"):
        run("user", "add", "x", "--role", "boss", "--organisation", "Missing Children Team")
    with pytest.raises(ValidationError, match="No organisation called 'Nowhere'"):
        user_create(username="x", role="worker", organisation_name="Nowhere")
    assert not User.objects.exists()


def test_deactivate_stops_sign_in():
    password = add("a.fictional").split("One-time password: ")[1].split()[0]
    out = run("user", "deactivate", "a.fictional")
    assert "Deactivated a.fictional" in out
    assert User.objects.get(username="a.fictional").is_active is False
    assert sign_in("a.fictional", password) is None
    with pytest.raises(CommandError, match="No user called nobody"):
        run("user", "deactivate", "nobody")

"""Passwords (issue 11): a password issued by someone else must be changed at first sign-in;
the change-password page; an administrator's reset; the session key at each factor.

The order at sign-in is password, then the second factor (set up, or proved), then the
change of an issued password: nobody holding only the password can set a new one.
"""

from __future__ import annotations

import importlib
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, RequestFactory
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from homeward.accounts.models import User
from homeward.accounts.services import user_create
from homeward.audit.models import AccessEvent
from tests.factories import PASSWORD, World, make_child, make_episode, make_interview, make_world
from tests.web.conftest import sign_in

pytestmark = pytest.mark.django_db

SIGN_IN = reverse("web:sign-in")
SIGN_OUT = reverse("web:sign-out")
TWO_FACTOR = reverse("web:two-factor")
SETUP = reverse("web:two-factor-setup")
HOME = reverse("web:home")
AUDIT = reverse("web:audit")
CHANGE = "/change-password/"
#: The access log's action for a password changed or reset.
PASSWORD_ACTION = "password"
NEW_PASSWORD = "lantern-orchard-velvet-917"


@pytest.fixture
def world(db: None) -> World:
    return make_world()


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    drift = device.drift + steps_ahead
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, drift):06d}"


def issued(world: World, username: str = "new.coordinator") -> tuple[User, str]:
    """An account made as `manage.py user add` makes it, with its one-time password."""
    return user_create(username=username, role="coordinator", organisation_name=world.team.name)


def session_key(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def through_second_factor(client: Client, user: User, password: str) -> TOTPDevice:
    """Sign in through the real pages: password, then a code from a confirmed device."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    response = client.post(SIGN_IN, {"username": user.username, "password": password})
    assert response.status_code == 302 and response.url == TWO_FACTOR
    client.post(TWO_FACTOR, {"code": code_for(device)})
    return device


def change(client: Client, current: str, new: str, confirm: str | None = None):
    return client.post(
        CHANGE,
        {
            "current_password": current,
            "new_password": new,
            "confirm_password": new if confirm is None else confirm,
        },
    )


def can_sign_in(username: str, password: str) -> bool:
    return (
        authenticate(RequestFactory().post("/"), username=username, password=password) is not None
    )


# --- an issued password must be changed -----------------------------------------------------


def test_an_issued_password_is_marked_and_an_own_password_is_not(world: World) -> None:
    user, _ = issued(world)
    assert user.must_change_password is True
    user.refresh_from_db()
    assert user.must_change_password is True
    # The test world's people (and the demo's) have passwords that are theirs.
    assert world.user("coordinator").must_change_password is False


def test_first_sign_in_sets_up_the_app_then_changes_the_password(world: World) -> None:
    user, password = issued(world)
    client = Client()
    caseload = reverse("web:caseload")
    response = client.post(
        f"{SIGN_IN}?next={caseload}", {"username": user.username, "password": password}
    )
    assert response.url == SETUP
    # Before the second factor, the change page is not reachable either.
    assert client.get(CHANGE).url == TWO_FACTOR

    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user)
    response = client.post(SETUP, {"code": code_for(device)})
    assert response.status_code == 302 and response.url == CHANGE

    page = client.get(CHANGE)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Change your password" in html and html.count("<h1") == 1
    assert 'autocomplete="current-password"' in html and 'autocomplete="new-password"' in html

    # Then on to the page asked for at sign-in.
    response = change(client, password, NEW_PASSWORD)
    assert response.status_code == 302 and response.url == caseload
    user.refresh_from_db()
    assert user.must_change_password is False
    assert client.get(caseload).status_code == 200


def test_no_page_about_a_child_before_the_password_is_changed(world: World) -> None:
    user, password = issued(world)
    child = make_child(world)
    episode = make_episode(world, child)
    interview = make_interview(world, [episode])
    client = Client()
    through_second_factor(client, user, password)

    for url in (
        HOME,
        reverse("web:child", args=[child.pk]),
        reverse("web:interview", args=[interview.pk]),
        reverse("web:search") + "?q=Jordan",
        reverse("web:indicators-download", args=["csv"]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response.url == CHANGE, url
    response = client.post(reverse("web:child-new"), {"first_name": "Sam"})
    assert response.status_code == 302 and response.url == CHANGE
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.VIEW).exists()
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.SEARCH).exists()
    # The navigation is not offered either, but signing out is.
    assert 'href="/children/find/"' not in client.get(CHANGE).content.decode()
    assert client.post(SIGN_OUT).url == SIGN_IN
    assert "_auth_user_id" not in client.session


def test_with_a_device_the_code_comes_before_the_change(world: World) -> None:
    """Someone holding only the one-time password cannot choose the account's password."""
    user, password = issued(world)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client = Client()
    client.post(SIGN_IN, {"username": user.username, "password": password})
    assert client.get(CHANGE).url == TWO_FACTOR
    response = change(client, password, NEW_PASSWORD)
    assert response.status_code == 302 and response.url == TWO_FACTOR
    assert can_sign_in(user.username, password)
    assert client.post(TWO_FACTOR, {"code": code_for(device)}).url == CHANGE


def test_without_two_factor_the_change_still_comes_first(world: World, settings) -> None:
    settings.HOMEWARD_REQUIRE_TWO_FACTOR = False
    user, password = issued(world)
    client = Client()
    response = client.post(SIGN_IN, {"username": user.username, "password": password})
    assert response.url == CHANGE
    assert client.get(AUDIT).url == CHANGE


def test_any_password_set_for_someone_must_be_changed(world: World) -> None:
    """Django's own `changepassword`, the shell, any path through `set_password`."""
    user = world.user("worker")
    user.set_password("given-by-someone-else-2026")
    user.save()
    user.refresh_from_db()
    assert user.must_change_password is True


def test_a_hash_upgrade_at_sign_in_is_not_a_new_password(world: World, settings) -> None:
    # A stored hash from a hasher no longer preferred is upgraded at the next sign-in.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    user = world.user("worker")
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(PASSWORD, hasher.salt(), iterations=1000)
    user.save()
    signed_in = authenticate(RequestFactory().post("/"), username="worker", password=PASSWORD)
    assert signed_in is not None
    assert signed_in.password.startswith("md5$")  # upgraded
    assert signed_in.must_change_password is False
    user.refresh_from_db()
    assert user.must_change_password is False


def test_existing_accounts_are_asked_to_change_once(world: World) -> None:
    """Before this change nobody could choose their own password: the migration marks every
    account that has one (not those without, which sign in by single sign-on only)."""
    no_password = world.user("provider_manager")
    no_password.set_unusable_password()
    no_password.save()
    migration = importlib.import_module("homeward.accounts.migrations.0002_must_change_password")
    migration.mark_issued_passwords(apps, None)
    marked = dict(User.objects.values_list("username", "must_change_password"))
    assert marked.pop("provider_manager") is False
    assert set(marked.values()) == {True}


# --- the change page ------------------------------------------------------------------------


WRONG = "not-my-password-at-all"
CURRENT = ("current_password", "Your current password is not correct")
SHORT = ("new_password", "Your new password must be 12 characters or more")
MISMATCH = ("confirm_password", "The passwords do not match")
COMMON = "Your new password is too common: choose one that is harder to guess"
LIKE_NAME = "Your new password is too like your username, name or email address"
EMPTY = {
    "current_password": "Enter your current password",
    "new_password": "Enter a new password",
    "confirm_password": "Enter your new password again",
}
CASES = {
    "empty": ("", "", "", EMPTY),
    "too-short": (PASSWORD, "short-pw-1", None, dict([SHORT])),
    "common": (PASSWORD, "qwertyqwerty", None, {"new_password": COMMON}),
    "numeric": (
        PASSWORD,
        "123456789012",
        None,
        {"new_password": "Your new password must not be only numbers"},
    ),
    "like-username": (PASSWORD, "coordinator-tester", None, {"new_password": LIKE_NAME}),
    "unchanged": (
        PASSWORD,
        PASSWORD,
        None,
        {"new_password": "Your new password must be different from your current password"},
    ),
    "mismatch": (PASSWORD, NEW_PASSWORD, "lantern-orchard-velvet-918", dict([MISMATCH])),
    "wrong-current": (WRONG, NEW_PASSWORD, None, dict([CURRENT])),
    "all-wrong": (WRONG, "short", "other", dict([CURRENT, SHORT, MISMATCH])),
}


@pytest.mark.parametrize(
    ("current", "new", "confirm", "errors"), list(CASES.values()), ids=list(CASES)
)
def test_the_change_page_says_what_is_wrong_with_each_field(
    world: World, current: str, new: str, confirm: str | None, errors: dict[str, str]
) -> None:
    client = sign_in(Client(), world.user("coordinator"))
    response = change(client, current, new, confirm)
    assert response.status_code == 400
    html = response.content.decode()
    assert html.startswith("<!DOCTYPE html>") and "<title>Error: Change your password" in html
    assert 'class="govuk-error-summary"' in html
    # One message for each field in error, in the summary (linked to the field) and by it.
    assert html.count('<p id="id_') == len(errors) == html.count('<li><a href="#id_')
    for field, message in errors.items():
        assert f'<a href="#id_{field}">{message}</a>' in html
        assert (
            f'<p id="id_{field}-error" class="govuk-error-message">'
            f'<span class="govuk-visually-hidden">Error:</span> {message}</p>'
        ) in html
    # Passwords are never written back into the page.
    for value in {current, new, confirm} - {None, ""}:
        assert f'value="{value}"' not in html
    assert can_sign_in("coordinator", PASSWORD)
    assert not AccessEvent.objects.filter(action=PASSWORD_ACTION).exists()


def test_the_rules_are_the_sites_password_validators() -> None:
    names = [v["NAME"].rsplit(".", 1)[1] for v in settings.AUTH_PASSWORD_VALIDATORS]
    assert {
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    } <= set(names)
    length = next(
        v for v in settings.AUTH_PASSWORD_VALIDATORS if v["NAME"].endswith("MinimumLengthValidator")
    )
    assert length["OPTIONS"]["min_length"] >= 12


def test_a_change_keeps_this_session_and_ends_the_others(world: World) -> None:
    user = world.user("coordinator")
    mine = sign_in(Client(), user)
    elsewhere = sign_in(Client(), user)
    assert elsewhere.get(reverse("web:caseload")).status_code == 200
    before = session_key(mine)

    response = change(mine, PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302 and response.url == HOME
    assert session_key(mine) != before  # a new session key for the new password
    assert "Your password has been changed" in mine.get(HOME, follow=True).content.decode()
    assert mine.get(reverse("web:caseload")).status_code == 200

    response = elsewhere.get(reverse("web:caseload"))
    assert response.status_code == 302 and response.url.startswith(SIGN_IN)
    assert "_auth_user_id" not in elsewhere.session

    assert not can_sign_in("coordinator", PASSWORD)
    assert can_sign_in("coordinator", NEW_PASSWORD)


def test_a_change_is_in_the_access_log_without_the_password(world: World) -> None:
    client = sign_in(Client(), world.user("manager"))
    change(client, PASSWORD, NEW_PASSWORD)
    event = AccessEvent.objects.get(action=PASSWORD_ACTION)
    assert (event.username, event.role, event.what) == ("manager", "manager", "password changed")
    assert event.path == CHANGE
    everything = " ".join(str(value) for row in AccessEvent.objects.values_list() for value in row)
    assert PASSWORD not in everything and NEW_PASSWORD not in everything
    for entry in LogEntry.objects.all():
        assert "password" not in (entry.changes or {})
        assert NEW_PASSWORD not in str(entry.changes) and PASSWORD not in str(entry.changes)


def test_the_page_is_there_for_everyone_signed_in(world: World) -> None:
    for name in ("worker", "analyst", "police", "admin", "provider_manager"):
        response = sign_in(Client(), world.user(name)).get(CHANGE)
        assert response.status_code == 200, name
        assert f'href="{CHANGE}"' in response.content.decode()
    assert Client().get(CHANGE).url.startswith(SIGN_IN)


# --- an administrator's reset ---------------------------------------------------------------


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_reset_gives_a_new_one_time_password_that_must_be_changed(world: World) -> None:
    user = world.user("worker")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    signed_in = sign_in(Client(), user)
    assert signed_in.get(reverse("web:caseload")).status_code == 200

    out = run("user", "reset-password", "worker")
    password = out.split("One-time password: ")[1].split()[0]
    assert len(password) >= 16 and password != PASSWORD
    assert "must change it" in out

    # The old password no longer works; the account's sessions have ended.
    assert not can_sign_in("worker", PASSWORD)
    assert can_sign_in("worker", password)
    response = signed_in.get(reverse("web:caseload"))
    assert response.status_code == 302 and response.url.startswith(SIGN_IN)
    user.refresh_from_db()
    assert user.must_change_password is True
    # The authenticator app is kept: the code, then the change.
    assert TOTPDevice.objects.filter(pk=device.pk, confirmed=True).exists()
    client = Client()
    client.post(SIGN_IN, {"username": "worker", "password": password})
    assert client.post(TWO_FACTOR, {"code": code_for(device)}).url == CHANGE
    assert change(client, password, NEW_PASSWORD).url == HOME
    user.refresh_from_db()
    assert user.must_change_password is False

    reset, changed = AccessEvent.objects.filter(action=PASSWORD_ACTION).order_by("id")
    assert (reset.username, reset.what) == ("worker", "password reset")
    assert reset.detail.startswith("reset by an administrator at the server")
    assert password not in reset.detail and password not in reset.what
    assert changed.what == "password changed"


def test_reset_refuses_an_unknown_or_deactivated_account(world: World) -> None:
    with pytest.raises(CommandError, match="No user called nobody"):
        run("user", "reset-password", "nobody")
    run("user", "deactivate", "analyst")
    with pytest.raises(CommandError, match="analyst is deactivated"):
        run("user", "reset-password", "analyst")
    analyst = User.objects.get(username="analyst")
    assert analyst.check_password(PASSWORD)
    assert not AccessEvent.objects.filter(action=PASSWORD_ACTION).exists()


# --- the session key at each step -----------------------------------------------------------


def test_the_session_key_changes_at_the_password_and_at_the_second_factor(world: World) -> None:
    """Session fixation: a key known before a step is worthless after it."""
    user = world.user("coordinator")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client = Client()
    planted = client.session
    planted["planted"] = True
    planted.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = planted.session_key
    before_password = session_key(client)

    client.post(SIGN_IN, {"username": "coordinator", "password": PASSWORD})
    after_password = session_key(client)
    assert after_password != before_password
    assert not SessionStore().exists(before_password)

    response = client.post(TWO_FACTOR, {"code": code_for(device)})
    assert response.url == HOME
    after_code = session_key(client)
    assert after_code != after_password
    assert not SessionStore().exists(after_password)
    # The session under the new key is the signed-in one; the old key signs nobody in.
    assert client.get(reverse("web:caseload")).status_code == 200
    stale = Client()
    stale.cookies[settings.SESSION_COOKIE_NAME] = after_password
    assert stale.get(reverse("web:caseload")).url.startswith(SIGN_IN)


def test_the_session_key_changes_when_the_app_is_set_up(world: World) -> None:
    client = Client()
    client.post(SIGN_IN, {"username": "analyst", "password": PASSWORD})
    client.get(SETUP)
    before = session_key(client)
    device = TOTPDevice.objects.get(user=world.user("analyst"))
    assert client.post(SETUP, {"code": code_for(device)}).url == HOME
    assert session_key(client) != before
    assert not SessionStore().exists(before)


# --- the demo -------------------------------------------------------------------------------


def test_demo_users_are_not_asked_to_change_their_password(db: None) -> None:
    """The demo prints each user's password for a quick look round: its users sign in
    without the change (docs/operations.md, "The demo")."""
    from homeward.cases import demo_data

    summary = demo_data.seed_demo(seed=3, children=3, years=1)
    demo = {u.username: u for u in summary.users}
    assert demo and not User.objects.filter(username__in=demo, must_change_password=True).exists()
    coordinator = demo["coordinator"]
    device = TOTPDevice.objects.get(user__username="coordinator")
    client = Client()
    client.post(SIGN_IN, {"username": "coordinator", "password": coordinator.password})
    assert client.post(TWO_FACTOR, {"code": code_for(device)}).url == HOME


# --- in a browser ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_issued_password_changed_in_chromium(live_server, monkeypatch) -> None:
    """Through the real pages: the one-time password, the code, the change
    page (with its errors: no axe-core violations), then the page asked for."""
    from tests.browser import axe_violations, chromium_page

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "1")  # Playwright's loop in this thread
    world = make_world()
    user, password = issued(world)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    with chromium_page(allow_origin=live_server.url) as page:
        page.goto(f"{live_server.url}/caseload/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", password)
        page.click("button:has-text('Sign in')")
        page.fill("#id_code", code_for(device))
        page.click("button:has-text('Continue')")
        page.wait_for_url(f"{live_server.url}{CHANGE}")
        assert page.locator("h1").inner_text() == "Change your password"

        page.fill("#id_current_password", password)
        page.fill("#id_new_password", "qwertyqwerty")
        page.fill("#id_confirm_password", "qwertyqwerty-2")
        page.click("button:has-text('Change password')")
        page.wait_for_load_state()
        summary = page.locator(".govuk-error-summary").inner_text()
        assert COMMON in summary and "The passwords do not match" in summary
        assert axe_violations(page) == []

        page.fill("#id_current_password", password)
        page.fill("#id_new_password", NEW_PASSWORD)
        page.fill("#id_confirm_password", NEW_PASSWORD)
        page.click("button:has-text('Change password')")
        page.wait_for_url(f"{live_server.url}/caseload/")
        assert "Your password has been changed" in page.content()
    user.refresh_from_db()
    assert user.must_change_password is False and user.check_password(NEW_PASSWORD)

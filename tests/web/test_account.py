"""Signing in and out: password, lockout, the second factor and its set-up, idle timeout."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from homeward.accounts.signin import SSO_SESSION_KEY
from homeward.audit.models import AccessEvent
from tests.factories import PASSWORD, World

pytestmark = pytest.mark.django_db

SIGN_IN = reverse("web:sign-in")
TWO_FACTOR = reverse("web:two-factor")
SETUP = reverse("web:two-factor-setup")
HOME = reverse("web:home")
AUDIT = reverse("web:audit")


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the user's app shows now (or `steps_ahead` periods later)."""
    drift = device.drift + steps_ahead
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, drift):06d}"


def confirmed_device(world: World, name: str) -> TOTPDevice:
    return TOTPDevice.objects.create(user=world.user(name), name="phone", confirmed=True)


def post_password(client: Client, username: str, password: str = PASSWORD, **extra: str):
    return client.post(SIGN_IN, {"username": username, "password": password}, **extra)


def test_sign_in_page_is_a_govuk_form(client: Client) -> None:
    response = client.get(SIGN_IN)
    assert response.status_code == 200
    page = response.content.decode()
    assert '<label class="govuk-label govuk-label--s" for="id_username">Username</label>' in page
    assert 'type="password"' in page and 'autocomplete="current-password"' in page
    assert page.count("<h1") == 1
    assert "Sign in with your organisation" not in page  # single sign-on is off


def test_password_then_code_then_home(world: World, client: Client) -> None:
    device = confirmed_device(world, "admin")
    response = post_password(client, "admin")
    assert response.status_code == 302 and response.url == TWO_FACTOR
    assert AccessEvent.objects.filter(username="admin", action=AccessEvent.Action.SIGN_IN).exists()
    # Signed in by password only: every page but the second factor sends there.
    assert client.get(AUDIT).url == TWO_FACTOR
    page = client.get(TWO_FACTOR)
    assert page.status_code == 200 and "Enter your security code" in page.content.decode()

    response = client.post(TWO_FACTOR, {"code": code_for(device)})
    assert response.status_code == 302 and response.url == HOME
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get(AUDIT).status_code == 200


def test_a_safe_next_is_followed_after_the_second_factor(world: World, client: Client) -> None:
    device = confirmed_device(world, "admin")
    client.post(f"{SIGN_IN}?next={AUDIT}", {"username": "admin", "password": PASSWORD})
    response = client.post(TWO_FACTOR, {"code": code_for(device)})
    assert response.url == AUDIT


def test_an_offsite_next_is_ignored(world: World, client: Client) -> None:
    device = confirmed_device(world, "admin")
    client.post(
        f"{SIGN_IN}?next=https://evil.example/", {"username": "admin", "password": PASSWORD}
    )
    assert client.post(TWO_FACTOR, {"code": code_for(device)}).url == HOME


def test_wrong_password_is_an_error(world: World, client: Client) -> None:
    response = post_password(client, "coordinator", "not-the-password")
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "Enter a correct username and password" in page
    assert "_auth_user_id" not in client.session


def test_missing_fields_are_errors_linked_to_their_fields(client: Client) -> None:
    response = client.post(SIGN_IN, {"username": "", "password": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert '<a href="#id_username">Enter your username</a>' in page
    assert '<a href="#id_password">Enter your password</a>' in page


def test_five_wrong_passwords_lock_the_account(world: World, client: Client) -> None:
    statuses = [
        post_password(client, "worker", f"wrong-{n}", REMOTE_ADDR="192.0.2.10").status_code
        for n in range(5)
    ]
    assert statuses[:4] == [400] * 4
    assert statuses[4] in (403, 429)

    response = post_password(client, "worker", REMOTE_ADDR="192.0.2.10")
    assert response.status_code in (403, 429)
    assert "This account is locked" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # The lock is for this username from this address: another address is not locked out.
    assert post_password(Client(), "worker", REMOTE_ADDR="192.0.2.99").status_code == 302


def test_wrong_code_is_an_error(world: World, client: Client) -> None:
    device = confirmed_device(world, "admin")
    post_password(client, "admin")
    wrong = code_for(device, steps_ahead=100)
    response = client.post(TWO_FACTOR, {"code": wrong})
    assert response.status_code == 400
    assert "The security code is wrong" in response.content.decode()
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert client.get(AUDIT).url == TWO_FACTOR


def test_a_code_that_is_not_six_digits_is_an_error(world: World, client: Client) -> None:
    confirmed_device(world, "admin")
    post_password(client, "admin")
    response = client.post(TWO_FACTOR, {"code": "12ab"})
    assert response.status_code == 400
    assert "Enter the security code as 6 digits" in response.content.decode()


def test_repeated_wrong_codes_are_throttled(world: World, client: Client) -> None:
    device = confirmed_device(world, "admin")
    post_password(client, "admin")
    for _ in range(3):
        client.post(TWO_FACTOR, {"code": code_for(device, steps_ahead=100)})
    # Even the right code waits out django-otp's growing delay.
    response = client.post(TWO_FACTOR, {"code": code_for(device)})
    assert response.status_code == 400
    assert "too many wrong codes" in response.content.decode()


def test_unverified_user_cannot_reach_home(world: World, client: Client) -> None:
    confirmed_device(world, "coordinator")
    post_password(client, "coordinator")
    response = client.get(HOME)
    assert response.status_code == 302 and response.url == TWO_FACTOR


def test_first_sign_in_sets_up_a_device(world: World, client: Client) -> None:
    response = post_password(client, "admin")
    assert response.url == SETUP
    assert client.get(TWO_FACTOR).url == SETUP  # nothing to enter a code for yet

    page = client.get(SETUP)
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=world.user("admin"))
    assert not device.confirmed
    html = page.content.decode()
    # The QR code is inline SVG drawn on the server, labelled; the key is also shown as text.
    assert '<svg role="img" aria-label="QR code to scan with your authenticator app"' in html
    assert "<img" not in html
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode()
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in html
    # Reloading keeps the same device, so the code scanned is the code checked.
    client.get(SETUP)
    assert TOTPDevice.objects.filter(user=world.user("admin")).count() == 1

    response = client.post(SETUP, {"code": code_for(device, steps_ahead=100)})
    assert response.status_code == 400

    device.refresh_from_db()
    device.throttle_reset()
    response = client.post(SETUP, {"code": code_for(device)})
    assert response.status_code == 302 and response.url == HOME
    device.refresh_from_db()
    assert device.confirmed
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get(AUDIT).status_code == 200


def test_a_password_alone_cannot_add_a_second_device(world: World, client: Client) -> None:
    confirmed_device(world, "admin")
    post_password(client, "admin")
    response = client.get(SETUP)
    assert response.status_code == 302 and response.url == TWO_FACTOR
    assert client.post(SETUP, {"code": "123456"}).url == TWO_FACTOR
    assert TOTPDevice.objects.filter(user=world.user("admin")).count() == 1


def test_without_two_factor_the_password_is_enough(
    world: World, client: Client, settings: pytest.FixtureRequest
) -> None:
    settings.HOMEWARD_REQUIRE_TWO_FACTOR = False
    response = post_password(client, "admin")
    assert response.status_code == 302 and response.url == HOME
    assert client.get(AUDIT).status_code == 200


def test_single_sign_on_sessions_skip_the_code(world: World, client: Client) -> None:
    client.force_login(world.user("admin"))
    session = client.session
    session[SSO_SESSION_KEY] = True
    session.save()
    assert client.get(AUDIT).status_code == 200
    assert client.get(TWO_FACTOR).url == HOME


def test_signed_in_user_visiting_sign_in_goes_home(client_for: Callable[[str], Client]) -> None:
    assert client_for("admin").get(SIGN_IN).url == HOME


def test_two_factor_pages_need_a_password_first(client: Client) -> None:
    assert client.get(TWO_FACTOR).url.startswith(SIGN_IN)
    assert client.get(SETUP).url.startswith(SIGN_IN)


def test_sign_out_is_post_only(client_for: Callable[[str], Client]) -> None:
    client = client_for("admin")
    assert client.get(reverse("web:sign-out")).status_code == 405
    assert client.get(AUDIT).status_code == 200

    response = client.post(reverse("web:sign-out"))
    assert response.status_code == 302 and response.url == SIGN_IN
    assert "_auth_user_id" not in client.session
    assert client.get(AUDIT).status_code == 302
    assert "You have signed out" in client.get(SIGN_IN).content.decode()


def test_idle_session_is_signed_out(
    client_for: Callable[[str], Client], settings: pytest.FixtureRequest
) -> None:
    client = client_for("admin")
    assert client.get(AUDIT).status_code == 200
    session = client.session
    session["last_seen"] = time.time() - settings.HOMEWARD_IDLE_SECONDS - 5
    session.save()

    response = client.get(AUDIT)
    assert response.status_code == 302
    assert response.url == f"{SIGN_IN}?expired=1"
    assert "_auth_user_id" not in client.session
    page = client.get(response.url).content.decode()
    assert "Your session expired" in page and "30 minutes" in page


def test_active_session_is_kept(
    client_for: Callable[[str], Client], settings: pytest.FixtureRequest
) -> None:
    client = client_for("admin")
    session = client.session
    session["last_seen"] = time.time() - settings.HOMEWARD_IDLE_SECONDS + 60
    session.save()
    assert client.get(AUDIT).status_code == 200
    assert client.session["last_seen"] > time.time() - 5


def test_a_page_soon_after_another_does_not_write_the_session(
    client_for: Callable[[str], Client],
) -> None:
    """Activity is noted to the half minute: a page within 30 s of the last note leaves the
    session unsaved (no write for the background worker's lock to hold up)."""
    client = client_for("admin")
    session = client.session
    noted = time.time() - 10
    session["last_seen"] = noted
    session.save()
    assert client.get(AUDIT).status_code == 200
    assert client.session["last_seen"] == noted
    session = client.session
    session["last_seen"] = time.time() - 31
    session.save()
    assert client.get(AUDIT).status_code == 200
    assert client.session["last_seen"] > time.time() - 5


def test_locked_out_page_says_for_how_long(world: World, client: Client) -> None:
    for n in range(5):
        response = post_password(client, "analyst", f"wrong-{n}")
    page = response.content.decode()
    assert "60 minutes" in page
    assert page.count("<h1") == 1

"""Single sign-on with Entra ID: existing accounts only, matched by email; no network."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client, RequestFactory

from homeward.accounts.models import Role, User
from homeward.accounts.oidc import HomewardOIDCBackend
from homeward.accounts.signin import SSO_SESSION_KEY
from homeward.audit.models import AccessEvent
from tests.factories import World, make_world

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.accounts.oidc_urls")]

CLIENT_ID = "00000000-0000-0000-0000-00000000c11e"
TENANT = "00000000-0000-0000-0000-0000000000aa"


@pytest.fixture
def world(db: None) -> World:
    return make_world()


@pytest.fixture
def oidc_settings(settings: Any) -> Any:
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = "not-a-real-secret"
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    settings.OIDC_OP_JWKS_ENDPOINT = "https://login.example/keys"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "https://login.example/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = "https://login.example/token"
    settings.OIDC_OP_USER_ENDPOINT = "https://login.example/userinfo"
    settings.OIDC_CREATE_USER = False
    settings.OIDC_TENANT_ID = TENANT
    return settings


@pytest.fixture
def staff(world: World) -> User:
    user = world.user("coordinator")
    user.email = "casey.coordinator@fictional-county.example"
    user.save()
    return user


def backend_answering(claims: dict[str, Any], *, tid: str = TENANT, aud: str = CLIENT_ID):
    """A backend whose provider (token, ID token, userinfo) is faked in memory."""
    backend = HomewardOIDCBackend()
    backend.get_token = lambda payload: {"id_token": "id", "access_token": "access"}
    backend.verify_token = lambda token, **kwargs: {"tid": tid, "aud": aud, "nonce": "n"}
    backend.get_userinfo = lambda access_token, id_token, payload: claims
    return backend


def callback_request():
    request = RequestFactory().get("/oidc/callback/", {"code": "c0de", "state": "st4te"})
    request.session = SessionStore()
    return request


def test_matches_an_active_account_by_email_ignoring_case(oidc_settings, staff: User) -> None:
    backend = HomewardOIDCBackend()
    found = backend.filter_users_by_claims({"email": "Casey.Coordinator@Fictional-County.EXAMPLE"})
    assert list(found) == [staff]


def test_does_not_match_inactive_or_roleless_accounts(oidc_settings, staff: User) -> None:
    backend = HomewardOIDCBackend()
    claims = {"email": staff.email}
    staff.is_active = False
    staff.save()
    assert list(backend.filter_users_by_claims(claims)) == []
    staff.is_active = True
    staff.role = ""
    staff.save()
    assert list(backend.filter_users_by_claims(claims)) == []
    assert list(backend.filter_users_by_claims({})) == []
    assert not backend.verify_claims({"name": "No Email"})


def test_sign_in_marks_the_session_and_logs_it(oidc_settings, staff: User) -> None:
    request = callback_request()
    user = backend_answering({"email": staff.email.upper()}).authenticate(request, nonce="n")
    assert user == staff
    assert request.session[SSO_SESSION_KEY] is True
    event = AccessEvent.objects.get(action=AccessEvent.Action.SIGN_IN)
    assert (event.username, event.detail) == ("coordinator", "single sign-on")


def test_never_creates_an_account(oidc_settings, world: World) -> None:
    before = User.objects.count()
    oidc_settings.OIDC_CREATE_USER = True  # even if someone turns creation on
    request = callback_request()
    backend = backend_answering({"email": "stranger@elsewhere.example"})
    assert backend.authenticate(request, nonce="n") is None
    assert User.objects.count() == before
    assert SSO_SESSION_KEY not in request.session


def test_refuses_another_tenant_or_application(oidc_settings, staff: User) -> None:
    claims = {"email": staff.email}
    request = callback_request()
    assert backend_answering(claims, tid="another-tenant").authenticate(request, nonce="n") is None
    assert backend_answering(claims, aud="another-app").authenticate(request, nonce="n") is None
    assert SSO_SESSION_KEY not in request.session
    assert not AccessEvent.objects.exists()


def test_password_sign_ins_never_reach_the_provider(oidc_settings, staff: User) -> None:
    backend = HomewardOIDCBackend()

    def no_network(payload: dict[str, Any]) -> None:
        raise AssertionError("the provider was called")

    backend.get_token = no_network
    request = callback_request()
    assert backend.authenticate(request, username="coordinator", password="x") is None


def test_sign_in_page_offers_single_sign_on_when_configured(oidc_settings, client: Client) -> None:
    oidc_settings.OIDC_ENABLED = True
    page = client.get("/sign-in/?next=/audit/").content.decode()
    assert "Sign in with your organisation’s account" in page
    assert 'href="/oidc/authenticate/?next=/audit/"' in page


def test_a_failed_single_sign_on_is_explained(oidc_settings, client: Client) -> None:
    oidc_settings.OIDC_ENABLED = True
    page = client.get("/sign-in/?sso=failed").content.decode()
    assert "could not be signed in with your organisation’s account" in page


def test_single_sign_on_passes_the_second_factor_not_the_role_checks(
    world: World, client: Client
) -> None:
    worker = world.user("worker")
    assert worker.role == Role.WORKER
    client.force_login(worker)
    session = client.session
    session[SSO_SESSION_KEY] = True
    session.save()
    assert client.get("/audit/").status_code == 403


def test_the_callback_signs_in_fully(
    oidc_settings, world: World, client: Client, monkeypatch
) -> None:
    """Through mozilla-django-oidc's own callback view: the flag survives its session swap
    and `login()`, so the administrator reaches the audit log without a TOTP code."""
    admin = world.user("admin")
    admin.email = "alex.admin@fictional-county.example"
    admin.save()
    oidc_settings.AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        "django.contrib.auth.backends.ModelBackend",
        "homeward.accounts.oidc.HomewardOIDCBackend",
    ]
    oidc_settings.LOGIN_REDIRECT_URL_FAILURE = "/sign-in/?sso=failed"
    monkeypatch.setattr(
        HomewardOIDCBackend,
        "get_token",
        lambda self, payload: {"id_token": "i", "access_token": "a"},
    )
    monkeypatch.setattr(
        HomewardOIDCBackend,
        "verify_token",
        lambda self, token, **kwargs: {
            "tid": TENANT,
            "aud": CLIENT_ID,
            "nonce": kwargs.get("nonce"),
        },
    )
    monkeypatch.setattr(
        HomewardOIDCBackend,
        "get_userinfo",
        lambda self, access, id_token, payload: {"email": "Alex.Admin@fictional-county.example"},
    )
    session = client.session
    session["oidc_states"] = {"st4te": {"nonce": "n0nce", "code_verifier": None, "added_on": 0}}
    session.save()
    before = session.session_key
    # An issued password waiting to be changed does not hold up single sign-on: the
    # session used no homeward password.
    admin.set_password("issued-by-someone-else-2026")
    admin.save()

    response = client.get("/oidc/callback/", {"code": "c0de", "state": "st4te"})
    assert response.status_code == 302 and response.url == "/"
    assert client.session[SSO_SESSION_KEY] is True
    assert client.get("/audit/").status_code == 200
    # Session fixation: `login()` gave the signed-in session a new key; the old one is gone.
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != before
    assert not SessionStore().exists(before)


def test_the_callback_refuses_an_unknown_person(
    oidc_settings, world: World, client: Client, monkeypatch
) -> None:
    oidc_settings.AUTHENTICATION_BACKENDS = ["homeward.accounts.oidc.HomewardOIDCBackend"]
    oidc_settings.LOGIN_REDIRECT_URL_FAILURE = "/sign-in/?sso=failed"
    monkeypatch.setattr(
        HomewardOIDCBackend,
        "get_token",
        lambda self, payload: {"id_token": "i", "access_token": "a"},
    )
    monkeypatch.setattr(
        HomewardOIDCBackend,
        "verify_token",
        lambda self, token, **kwargs: {"tid": TENANT, "aud": CLIENT_ID},
    )
    monkeypatch.setattr(
        HomewardOIDCBackend,
        "get_userinfo",
        lambda self, access, id_token, payload: {"email": "nobody@fictional-county.example"},
    )
    session = client.session
    session["oidc_states"] = {"st4te": {"nonce": "n0nce", "code_verifier": None, "added_on": 0}}
    session.save()
    response = client.get("/oidc/callback/", {"code": "c0de", "state": "st4te"})
    assert response.url == "/sign-in/?sso=failed"
    assert "_auth_user_id" not in client.session

"""Single sign-on with Microsoft Entra ID (OpenID Connect, mozilla-django-oidc).

Only people who already have a homeward account sign in this way: the identity provider's
email address is matched, ignoring case, to one active account with a role. Accounts are
never created here, because an account without a role chosen by an administrator would see
nothing, or the wrong things. The identity provider applies its own second factor, so a
session signed in this way is marked as such (`signin.SSO_SESSION_KEY`) and does not ask for
homeward's authenticator code.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db.models import QuerySet
from django.http import HttpRequest
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from homeward.accounts import signin
from homeward.accounts.models import User
from homeward.audit.models import AccessEvent
from homeward.audit.services import access_record

log = logging.getLogger(__name__)


class HomewardOIDCBackend(OIDCAuthenticationBackend):
    """Entra ID sign-in for existing accounts only."""

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        # A username and password are for the other backends: never reach the provider.
        if request is None or "username" in kwargs or "password" in kwargs:
            return None
        user = super().authenticate(request, **kwargs)
        if user is None:
            return None
        # mozilla-django-oidc's callback swaps in a fresh session object before calling
        # authenticate; `login()` then keeps its contents, so the flag survives.
        self.request.session[signin.SSO_SESSION_KEY] = True
        access_record(
            user=user,
            action=AccessEvent.Action.SIGN_IN,
            what="sign-in",
            detail="single sign-on",
            request=request,
        )
        return user

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(str(claims.get("email") or "").strip())

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[User]:
        """The active account, with a role, whose email is the claim's (any case)."""
        email = str(claims.get("email") or "").strip()
        if not email:
            return self.UserModel.objects.none()
        return (
            self.UserModel.objects.filter(email__iexact=email, is_active=True)
            .exclude(role="")
            .select_related("organisation")
        )

    def get_or_create_user(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> User | None:
        """Refuse tokens from another Entra tenant, or issued to another application, before
        looking the person up."""
        tenant = getattr(settings, "OIDC_TENANT_ID", "")
        if tenant and payload.get("tid") != tenant:
            raise SuspiciousOperation("the ID token is from another tenant")
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if audience is not None and self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("the ID token was issued to another application")
        return super().get_or_create_user(access_token, id_token, payload)

    def create_user(self, claims: dict[str, Any]) -> User:
        log.warning("single sign-on refused: no homeward account has that email address")
        raise SuspiciousOperation("accounts are made by an administrator, not by signing in")


def public_urlpatterns() -> list[Any]:
    """mozilla-django-oidc's URLs, reachable before sign-in: they are the sign-in.

    The site requires sign-in for every view (`LoginRequiredMiddleware`); these views are
    marked as the exception, as `login_not_required` would mark a function view.
    """
    from mozilla_django_oidc import urls

    for pattern in urls.urlpatterns:
        pattern.callback.login_required = False
    return list(urls.urlpatterns)

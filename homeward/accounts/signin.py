"""How far a request has signed in: the password, the second factor (or single sign-on), and
the change of a password someone else set.

The order is password, then second factor, then the change: a person proves the second
factor (or sets up their app, on a first sign-in) before they may choose a new password,
so someone holding only an issued password can never choose the account's password.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

#: Session key set when the user signed in through OpenID Connect (the identity provider
#: applies its own second factor).
SSO_SESSION_KEY = "signed_in_by_sso"


def second_factor_passed(request: HttpRequest) -> bool:
    """Signed in with a password and a verified second factor, or by single sign-on."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    if not settings.HOMEWARD_REQUIRE_TWO_FACTOR or request.session.get(SSO_SESSION_KEY):
        return True
    return bool(user.is_verified())


def password_change_due(request: HttpRequest) -> bool:
    """The signed-in person holds a password someone else set and must change it first.

    Not for a session signed in by single sign-on: it used no homeward password.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return bool(user.must_change_password) and not request.session.get(SSO_SESSION_KEY)


def fully_signed_in(request: HttpRequest) -> bool:
    """Every step done: the pages (and the navigation) are open."""
    return second_factor_passed(request) and not password_change_due(request)

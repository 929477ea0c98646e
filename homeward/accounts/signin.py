"""Whether a request has fully signed in: password and second factor, or single sign-on."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

#: Session key set when the user signed in through OpenID Connect (the identity provider
#: applies its own second factor).
SSO_SESSION_KEY = "signed_in_by_sso"


def fully_signed_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    if not settings.HOMEWARD_REQUIRE_TWO_FACTOR or request.session.get(SSO_SESSION_KEY):
        return True
    return bool(user.is_verified())

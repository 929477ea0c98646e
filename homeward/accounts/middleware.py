"""Idle sessions expire; local accounts must pass their second factor, then change a password
someone else set, before anything else."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from homeward.accounts.signin import password_change_due, second_factor_passed

#: How often a session's last activity is written down, in seconds.
IDLE_RESOLUTION = 30

#: Pages a signed-in user may reach before the second factor (to pass it or sign out).
_BEFORE_SECOND_FACTOR = ("web:two-factor", "web:two-factor-setup", "web:sign-out")
#: Pages a signed-in user may reach while an issued password waits to be changed (the
#: second-factor pages pass them on to the change).
_BEFORE_PASSWORD_CHANGE = (*_BEFORE_SECOND_FACTOR, "web:change-password")


class IdleTimeoutMiddleware:
    """Sign out a session idle for longer than `HOMEWARD_IDLE_SECONDS`; make a local account
    verify a TOTP device (django-otp) before it reaches any page; then make it change a
    password someone else set (`User.must_change_password`) before any other page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            last = request.session.get("last_seen")
            if last is not None and now - float(last) > settings.HOMEWARD_IDLE_SECONDS:
                logout(request)
                return redirect(f"{reverse('web:sign-in')}?expired=1")
            if last is None or now - float(last) >= IDLE_RESOLUTION:
                # Kept to the nearest half minute, not every request: saving the session
                # is a database write, and on SQLite writers take turns (a page would wait
                # behind the background worker for nothing). The timeout is checked
                # against this mark, so it errs by up to that much on the safe side.
                request.session["last_seen"] = now
            if not second_factor_passed(request):
                if not self._allowed(request, _BEFORE_SECOND_FACTOR):
                    return redirect("web:two-factor")
            elif password_change_due(request) and not self._allowed(
                request, _BEFORE_PASSWORD_CHANGE
            ):
                return redirect("web:change-password")
        return self.get_response(request)

    @staticmethod
    def _allowed(request: HttpRequest, names: tuple[str, ...]) -> bool:
        allowed = {reverse(name) for name in names}
        return request.path in allowed or request.path.startswith(settings.STATIC_URL)

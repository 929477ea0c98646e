"""`Cache-Control: no-store` on everything the application answers.

Every page, redirect, error and download of homeward is about children or about the person
signed in (the sign-in pages show an authenticator key or carry a session), so none may be
kept by the browser (its disk cache, or the back button on a shared computer) or by a proxy.
Static files (CSS, JavaScript, fonts, the map's script) are the same for everyone and are
served by WhiteNoise before this middleware runs; they keep their caching headers.

`no-store` alone is enough for browsers and proxies today (RFC 9111); `Pragma: no-cache` is
for HTTP/1.0 caches and is not sent.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class NoStoreMiddleware:
    """Mark every response `Cache-Control: no-store`, except static files."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(settings.STATIC_URL):
            response["Cache-Control"] = "no-store"
        return response


class PagesInUseMiddleware:
    """Mark the pages as in use for a big batch on SQLite (`homeward.intake.activity`), so
    it leaves the write lock free between its chunks only while people use them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from homeward.intake import activity

        activity.touch()
        return self.get_response(request)

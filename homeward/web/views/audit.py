"""Placeholder: being written (see the helper that owns this module)."""

from django.http import HttpRequest, HttpResponse


def audit_log(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise NotImplementedError

"""Placeholder: being written (see the helper that owns this module)."""

from django.http import HttpRequest, HttpResponse


def indicators(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def download(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise NotImplementedError

"""Placeholder: being written (see the helper that owns this module)."""

from django.http import HttpRequest, HttpResponse


def sign_in(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def sign_out(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def two_factor(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def two_factor_setup(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise NotImplementedError

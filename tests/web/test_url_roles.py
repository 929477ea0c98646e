"""Every URL of the web application as every role: the expected answer, and nothing else.

The matrix must name every URL in `homeward.web.urls` (a new page without a row fails), and
each role's answer comes from the job it does (`homeward.accounts.permissions`): 200 where
the page is theirs, 403 where it is not, a redirect where the page sends them elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import get_resolver, reverse

from tests.factories import World
from tests.web.pages import (
    ACCOUNT_PAGES,
    MATRIX,
    REDIRECT,
    ROLES,
    SCOPED,
    build_objects,
    url_for,
)


def test_the_matrix_names_every_url():
    names = {
        pattern.name
        for pattern in get_resolver().url_patterns[0].url_patterns
        if getattr(pattern, "name", None)
    }
    assert names - ACCOUNT_PAGES == set(MATRIX)


@pytest.fixture
def objects(world: World) -> dict[str, object]:
    return build_objects(world)


@pytest.mark.parametrize("role", ROLES)
def test_every_url_as_every_role(
    role: str, objects: dict[str, object], client_for: Callable[[str], Client]
) -> None:
    client = client_for(role)
    answers = {}
    for name, (argument, expected) in MATRIX.items():
        response = client.get(url_for(name, argument, objects))
        answers[name] = (response.status_code, expected[role])
    for name, argument, expected in SCOPED:
        response = client.get(url_for(name, argument, objects))
        answers[f"{name} ({argument})"] = (response.status_code, expected[role])
    wrong = {name: got for name, got in answers.items() if got[0] != got[1]}
    assert not wrong, f"{role}: (got, expected) {wrong}"


def test_signed_out_visitors_are_sent_to_sign_in(objects: dict[str, object]) -> None:
    client = Client()
    for name, (argument, _expected) in MATRIX.items():
        response = client.get(url_for(name, argument, objects))
        assert response.status_code == REDIRECT, name
        assert response["Location"].startswith(reverse("web:sign-in")), name

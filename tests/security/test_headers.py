"""`Cache-Control: no-store` (issue 11): nothing the application answers may be kept by the
browser or a proxy (a shared computer's back button, its cache on disk), except the static
files, which are the same for everyone."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.cases.test_indicator_tables import build_records
from tests.factories import World, make_child, make_episode, make_interview, make_world
from tests.web.conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db: None) -> World:
    return make_world()


@pytest.fixture
def client_for(world: World) -> Callable[[str], Client]:
    return lambda name: sign_in(Client(), world.user(name))


def no_store(response) -> bool:  # type: ignore[no-untyped-def]
    return "no-store" in response.get("Cache-Control", "").replace(" ", "").split(",")


def test_a_childs_page_and_an_interview_are_not_stored(world: World, client_for) -> None:
    child = make_child(world)
    interview = make_interview(world, [make_episode(world, child)])
    coordinator = client_for("coordinator")
    for url in (
        reverse("web:child", args=[child.pk]),
        reverse("web:interview", args=[interview.pk]),
        reverse("web:caseload"),
        reverse("web:search") + "?q=Jordan",
    ):
        response = coordinator.get(url)
        assert response.status_code == 200, url
        assert no_store(response), url


def test_a_form_with_errors_and_a_redirect_are_not_stored(world: World, client_for) -> None:
    coordinator = client_for("coordinator")
    response = coordinator.post(reverse("web:child-new"), {})
    assert response.status_code == 400 and no_store(response)
    response = client_for("worker").get(reverse("web:home"))  # a worker's home is the caseload
    assert response.status_code == 302 and no_store(response)


def test_a_refusal_is_not_stored(world: World, client_for) -> None:
    child = make_child(world)
    response = client_for("analyst").get(reverse("web:child", args=[child.pk]))
    assert response.status_code == 403 and no_store(response)


def test_an_export_download_is_not_stored(world: World, client_for) -> None:
    build_records(world)
    response = client_for("manager").get(reverse("web:indicators-download", args=["csv"]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert no_store(response)


def test_the_sign_in_pages_are_not_stored(world: World, client: Client) -> None:
    response = client.get(reverse("web:sign-in"))
    assert response.status_code == 200 and no_store(response)
    response = client.post(reverse("web:sign-in"), {"username": "worker", "password": "wrong"})
    assert response.status_code == 400 and no_store(response)
    response = client.post(
        reverse("web:sign-in"),
        {"username": "worker", "password": "correct-horse-battery-staple-42"},
    )
    assert response.status_code == 302 and no_store(response)
    response = client.get(reverse("web:two-factor-setup"))
    assert response.status_code == 200 and no_store(response)  # it shows the app's key


def test_a_page_asked_for_before_sign_in_is_not_stored(world: World) -> None:
    response = Client().get(reverse("web:caseload"))
    assert response.status_code == 302 and no_store(response)


def test_static_files_may_be_cached(world: World, client_for) -> None:
    for client in (Client(), client_for("coordinator")):
        response = client.get(f"{settings.STATIC_URL}homeward/homeward.css")
        assert response.status_code == 200
        assert not no_store(response)

"""The pages of an imported episode (the case system's history): every change page answers
GET and POST alike with the same refusal, a page saying where to correct it, never a form;
the child's page offers no Change, Entered in error or Record return link for it."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from homeward.cases.models import Episode
from tests.factories import World, make_child, make_episode

pytestmark = pytest.mark.django_db

PAGES = ("web:episode-change", "web:episode-in-error", "web:episode-return")


def imported(episode: Episode) -> Episode:
    Episode.objects.filter(pk=episode.pk).update(
        source=Episode.Source.SSD,
        source_id="MISS-77",
        imported_rhi_offered="Y",
        imported_rhi_accepted="N",
    )
    episode.refresh_from_db()
    return episode


def words_of(response) -> str:  # type: ignore[no-untyped-def]
    return words(response.content.decode())


def words(html: str) -> str:
    main = re.search(r"<main.*?</main>", html, re.S)
    assert main
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", main[0])).split())


@pytest.mark.parametrize("name", PAGES)
def test_every_change_page_of_an_imported_episode_refuses_get_and_post_alike(
    name: str, world: World, client_for: Callable[[str], Client]
) -> None:
    child = make_child(world)
    still_missing = {"returned_after": None} if name == "web:episode-return" else {}
    episode = imported(make_episode(world, child, **still_missing))
    before = {f.name: getattr(episode, f.name) for f in Episode._meta.concrete_fields}
    client = client_for("coordinator")
    url = reverse(name, args=[episode.pk])

    got = client.get(url)
    posted = client.post(
        url, {"reason": "wrong", "risk_grade": "high", "returned_at": "2026-12-01T10:00"}
    )

    assert got.status_code == posted.status_code == 403
    page = words(got.content.decode())
    assert page == words(posted.content.decode())
    assert f"Episode {episode.reference} cannot be changed in homeward" in page
    assert "correct it in the case system" in page
    assert "The case system’s id for this missing episode MISS-77" in page
    assert "Return interview offered Yes" in page
    assert "Return interview accepted No" in page
    main = re.search(r"<main.*?</main>", got.content.decode(), re.S)
    assert main and "<form" not in main[0] and "<input" not in main[0]
    episode.refresh_from_db()
    assert {f.name: getattr(episode, f.name) for f in Episode._meta.concrete_fields} == before


def test_a_user_who_may_not_change_episodes_still_gets_the_plain_refusal(
    world: World, client_for: Callable[[str], Client]
) -> None:
    episode = imported(make_episode(world, make_child(world)))

    response = client_for("worker").get(reverse("web:episode-change", args=[episode.pk]))

    assert response.status_code == 403
    assert "cannot be changed in homeward" not in response.content.decode()


def test_the_childs_page_has_no_change_return_or_allocate_link_for_imported_history(
    world: World, client_for: Callable[[str], Client]
) -> None:
    child = make_child(world)
    returned = imported(make_episode(world, child))
    still_open = make_episode(world, child, returned_after=None)
    Episode.objects.filter(pk=still_open.pk).update(source=Episode.Source.SSD, source_id="M2")

    html = client_for("coordinator").get(reverse("web:child", args=[child.pk])).content.decode()

    for episode in (returned, still_open):
        for name in PAGES:
            assert reverse(name, args=[episode.pk]) not in html
    # Only imported episodes wait without an interview: nothing to allocate.
    assert reverse("web:allocate", args=[child.pk]) not in html
    assert html.count("Imported from the case system") == 2


def test_the_allocate_page_does_not_offer_imported_history(
    world: World, client_for: Callable[[str], Client]
) -> None:
    child = make_child(world)
    history = imported(make_episode(world, child))
    own = make_episode(world, child)

    html = client_for("coordinator").get(reverse("web:allocate", args=[child.pk])).content.decode()

    assert own.reference in html
    assert history.reference not in html


@pytest.mark.parametrize(
    ("offered", "accepted", "words"),
    [
        ("Y", "Y", "offered yes, accepted yes"),
        ("N", "", "offered no, accepted not recorded"),
        ("NA", "NA", "offered not applicable (no interview was due), accepted not applicable"),
    ],
)
def test_the_childs_page_shows_the_case_systems_answers_in_words(
    offered: str, accepted: str, words: str, world: World, client_for: Callable[[str], Client]
) -> None:
    child = make_child(world)
    episode = make_episode(world, child)
    Episode.objects.filter(pk=episode.pk).update(
        source=Episode.Source.SSD,
        source_id="M1",
        imported_rhi_offered=offered,
        imported_rhi_accepted=accepted,
    )

    page = words_of(client_for("coordinator").get(reverse("web:child", args=[child.pk])))

    assert f"The case system’s record: {words}" in page
    assert "Not yet allocated" not in page

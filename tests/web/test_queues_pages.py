"""The queues' pages: every figure on the home page (each role's), the caseload, the
sign-off queue and the workload equals the rows it summarises; the sign-off round trip on
the pages; the operational lists' filters; allocating several episodes at once."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from homeward.accounts.models import Role
from homeward.cases import selectors, services, status
from homeward.cases.models import ReturnInterview
from homeward.organisations.models import Authority
from tests.cases.test_queues import hold, one_in_each_status
from tests.factories import World, make_child, make_episode, make_interview

pytestmark = pytest.mark.django_db
S = status.InterviewStatus
#: A figure in a page's list of contents: "Overdue interviews: 3", linking to its list.
FIGURE = re.compile(r'<a class="govuk-link" href="#([\w-]+)">[^<]*?: (\d+)</a>')
ROW = '<tr class="govuk-table__row">'


def get(client: Client, url: str, status_code: int = 200) -> str:
    response = client.get(url, follow=True)
    assert response.status_code == status_code, response.content[:2000]
    return response.content.decode()


def rows_under(html: str, anchor: str) -> int:
    """The table rows (not headers) of the part of the page headed `anchor`: from its
    heading to the next heading of its level or the end of its section."""
    part = html.split(f'id="{anchor}"', 1)[1].split("</h2>", 1)[1]
    ends = [i for i in (part.find("<h2 "), part.find("</section>")) if i >= 0]
    part = part[: min(ends)] if ends else part
    bodies = re.findall(r"<tbody.*?</tbody>", part, flags=re.S)
    return sum(body.count(ROW) for body in bodies)


def figures(html: str) -> dict[str, int]:
    return {anchor: int(n) for anchor, n in FIGURE.findall(html)}


@pytest.fixture
def busy(world: World) -> World:
    """Work in every home section and every status, for the home's and caseload's figures."""
    now = timezone.now()
    child = make_child(world)
    make_interview(world, [make_episode(world, child, started=now - timedelta(days=8))])
    make_interview(
        world,
        [make_episode(world, child, started=now - timedelta(hours=60), returned_after=_h(1))],
    )
    make_interview(
        world, [make_episode(world, child, started=now - timedelta(hours=3), returned_after=_h(1))]
    )
    other = make_child(world, first_name="Riley")
    make_episode(world, other, started=now - timedelta(days=9))  # overdue, unallocated
    make_episode(world, other, started=now - timedelta(hours=4), returned_after=_h(1))
    make_episode(world, other, started=now - timedelta(hours=5), returned_after=None)
    make_interview(world, [make_episode(world, other)], worker="provider_worker")
    one_in_each_status(world)
    return world


def _h(hours: int) -> timedelta:
    return timedelta(hours=hours)


@pytest.mark.parametrize(
    "role", ["coordinator", "manager", "worker", "worker2", "provider_manager", "analyst"]
)
def test_every_figure_on_each_role_s_home_is_the_rows_it_summarises(busy, client_for, role):
    html = get(client_for(role), "/")
    counted = figures(html)
    if busy.user(role).role in (Role.COORDINATOR, Role.MANAGER, Role.WORKER):
        assert counted, "a home with lists has figures"
    for anchor, figure in counted.items():
        assert figure == rows_under(html, anchor), (role, anchor, figure)
    if role == "coordinator":
        assert counted["overdue"] >= 1 and counted["overdue-unallocated"] == 1
        assert counted["due-soon"] == 1 and counted["missing"] == 1
        overdue = re.search(
            r"Overdue: (\d+) in all, (\d+) interviews? and (\d+) returned episodes?", html
        )
        assert overdue is not None
        total, interviews, episodes = map(int, overdue.groups())
        assert (interviews, episodes) == (counted["overdue"], counted["overdue-unallocated"])
        assert total == interviews + episodes
    if role == "worker":
        assert counted["returned"] == 1 and counted["new"] >= 9


@pytest.mark.parametrize("role", ["manager", "provider_manager"])
def test_the_sign_off_figure_is_the_queue_s_rows(busy, client_for, role):
    client = client_for(role)
    home = get(client, "/")
    figure = int(re.search(r"Awaiting your sign-off: (\d+)", home).group(1))  # type: ignore[union-attr]
    queue = get(client, reverse("web:sign-off-queue"))
    table = re.findall(r"<tbody.*?</tbody>", queue, flags=re.S)
    assert figure == sum(body.count(ROW) for body in table)
    assert f"{figure} interview" in queue
    assert figure == (1 if role == "manager" else 0)


def test_every_workload_figure_opens_a_list_of_that_many(busy, client_for):
    client = client_for("coordinator")
    html = get(client, reverse("web:workload"))
    links = re.findall(r'<a class="govuk-link" href="(/interviews/\?[^"]+)">(\d+)<', html)
    assert len(links) >= 3 * 3  # three columns for each worker at least
    assert any(int(n) > 0 for _, n in links)
    for href, n in links:
        listed = get(client, href.replace("&amp;", "&"))
        assert re.search(rf"<p class=\"govuk-body\">{n} interviews?( match| \.|\.)", listed), href
        bodies = re.findall(r"<tbody.*?</tbody>", listed, flags=re.S)
        assert sum(body.count(ROW) for body in bodies) == int(n), href


def test_the_sign_off_round_trip_on_the_pages(world, client_for):
    child = make_child(world)
    interview = make_interview(world, [make_episode(world, child)])
    worker, manager = client_for("worker"), client_for("manager")
    services.interview_write_up(
        by=world.user("worker"),
        interview=interview,
        write_up=services.WriteUp(
            held_at=timezone.now() - timedelta(hours=1), child_words="I was at a friend's"
        ),
        expected_version=interview.version,
    )
    services.interview_add_place(
        by=world.user("worker"),
        interview=interview,
        description="The park by the station",
        postcode="",
        when="",
        shareable=True,
    )
    page = get(worker, reverse("web:interview", args=[interview.pk]))
    assert "Not yet submitted for sign-off" in page and "govuk-tag--blue" in page
    assert worker.post(reverse("web:submit", args=[interview.pk])).status_code == 302
    queue = get(manager, reverse("web:sign-off-queue"))
    assert interview.reference in queue

    # What is approved, summarised on the sign-off page.
    sign_off_url = reverse("web:sign-off", args=[interview.pk])
    summary = get(manager, sign_off_url)
    for text in ("I was at a friend&#x27;s", "The park by the station", "Awaiting sign-off"):
        assert text in summary, text
    version = ReturnInterview.objects.get(pk=interview.pk).version

    # Returned with comments: the comments are required, in words written for them.
    return_url = reverse("web:return-for-changes", args=[interview.pk])
    empty = manager.post(return_url, {"comments": "", "expected_version": version})
    assert empty.status_code == 400
    assert "Enter what needs changing, for the worker" in empty.content.decode()
    assert "This field is required" not in empty.content.decode()
    response = manager.post(
        return_url, {"comments": "Say what the child wants next.", "expected_version": version}
    )
    assert response.status_code == 302
    caseload = get(worker, reverse("web:caseload"))
    returned = caseload.split('id="returned"')[1].split("</section>")[0]
    assert interview.reference in returned and "Say what the child wants next." in returned
    assert "govuk-tag--orange" in returned  # the Returned tag
    page = get(worker, reverse("web:interview", args=[interview.pk]))
    assert "Say what the child wants next." in page and "Returned for changes by" in page
    # (the queue's page shows the success banner first)
    assert "Nothing is waiting for your sign-off." in get(manager, reverse("web:sign-off-queue"))

    # Resubmitted, then signed off; a stale version is refused with the reason.
    assert worker.post(reverse("web:submit", args=[interview.pk])).status_code == 302
    stale = manager.post(sign_off_url, {"note": "", "expected_version": version})
    assert stale.status_code == 400 and "changed since you opened" in stale.content.decode()
    version = ReturnInterview.objects.get(pk=interview.pk).version
    done = manager.post(sign_off_url, {"note": "Thorough", "expected_version": version})
    assert (done.status_code, done["Location"]) == (302, reverse("web:sign-off-queue"))
    signed = ReturnInterview.objects.get(pk=interview.pk)
    assert status.interview_status(signed) == S.SIGNED_OFF
    assert signed.signed_off_by == world.user("manager")
    assert "Nothing is waiting for your sign-off." in get(manager, reverse("web:sign-off-queue"))


def test_the_worker_and_a_coordinator_may_submit_others_may_not(world, client_for):
    interview = hold(world, make_interview(world, [make_episode(world, make_child(world))]))
    url = reverse("web:submit", args=[interview.pk])
    assert client_for("worker2").post(url).status_code == 403
    assert (
        client_for("manager")
        .post(
            reverse("web:return-for-changes", args=[interview.pk]),
            {
                "comments": "x",
                "expected_version": interview.version,
            },
        )
        .status_code
        == 400
    )  # not submitted yet: nothing to return
    assert client_for("coordinator").post(url).status_code == 302


def test_the_lists_are_filtered_by_status_team_worker_category_and_area(world, client_for):
    made = one_in_each_status(world)
    neighbour = Authority.objects.get(gss_code="E10000097")
    placed = make_child(
        world,
        first_name="Placed",
        responsible_authority=world.authority,
        host_authority=neighbour,
    )
    away = make_interview(
        world, [make_episode(world, placed, category="absent")], worker="provider_worker"
    )
    client = client_for("coordinator")
    url = reverse("web:interview-list")

    def listed(**query: str) -> set[str]:
        html = get(client, url + "?" + "&".join(f"{k}={v}" for k, v in query.items()))
        return {i.reference for i in [*made.values(), away] if i.reference in html}

    everything = {i.reference for i in [*made.values(), away]}
    assert listed() == everything
    assert listed(status="returned") == {made[S.RETURNED].reference}
    assert listed(status="open") == {
        made[S.ALLOCATED].reference,
        made[S.OFFERED].reference,
        away.reference,
    }
    assert listed(organisation=str(world.provider.pk)) == {away.reference}
    assert listed(worker=str(world.user("provider_worker").pk)) == {away.reference}
    assert listed(category="absent") == {away.reference}
    assert listed(out_of_area="yes") == {away.reference}
    assert listed(out_of_area="no") == everything - {away.reference}
    bad = client.get(url, {"status": "lost"})
    assert bad.status_code == 400
    assert "Select one of the options for interview status" in bad.content.decode()

    episodes = get(client, reverse("web:episode-list") + "?category=absent")
    assert away.episodes.get().reference in episodes
    assert made[S.HELD].episodes.get().reference not in episodes
    # A provider's manager lists the provider's interviews only.
    provider = get(client_for("provider_manager"), url)
    assert away.reference in provider and made[S.HELD].reference not in provider


def test_the_lists_are_filtered_by_date(world):
    child = make_child(world)
    old = make_interview(world, [make_episode(world, child)])
    ReturnInterview.objects.filter(pk=old.pk).update(
        allocated_at=timezone.now() - timedelta(days=20)
    )
    new = make_interview(world, [make_episode(world, child)])
    today = timezone.localdate()
    coordinator = world.user("coordinator")

    def listed(**filters: object) -> list[int]:
        rows = selectors.interview_list(
            user=coordinator,
            filters=selectors.CaseFilters(**filters),  # type: ignore[arg-type]
        )
        return [i.pk for i in rows]

    assert listed(since=today - timedelta(days=1)) == [new.pk]
    assert listed(until=today - timedelta(days=10)) == [old.pk]
    assert listed(since=today - timedelta(days=30), until=today) == [new.pk, old.pk]


def test_allocating_several_episodes_with_a_check_step(world, client_for):
    first, second = make_child(world), make_child(world, first_name="Riley")
    episodes = [make_episode(world, first), make_episode(world, second)]
    client = client_for("coordinator")
    url = reverse("web:allocate-many")
    form = get(client, url)
    assert all(e.reference in form for e in episodes)
    empty = client.post(url, {"step": "check", "organisation": world.team.pk})
    assert empty.status_code == 400
    assert "Select at least one episode to allocate" in empty.content.decode()
    answers = {
        "episodes": [str(e.pk) for e in episodes],
        "organisation": str(world.team.pk),
        "worker": str(world.user("worker").pk),
        "interviewer_independent": "yes",
        "chosen_by_child": "",
    }
    check = client.post(url, {**answers, "step": "check"})
    assert check.status_code == 200
    html = check.content.decode()
    assert "Check the allocation before you confirm it" in html
    assert all(e.reference in html for e in episodes)
    assert ReturnInterview.objects.count() == 0
    back = client.post(url, {**answers, "step": "change"})
    assert back.status_code == 200 and "checked" in back.content.decode()
    done = client.post(url, {**answers, "step": "confirm"})
    assert done.status_code == 302
    made = ReturnInterview.objects.all()
    assert made.count() == 2
    assert {i.allocated_worker for i in made} == {world.user("worker")}
    caseload = get(client_for("worker"), reverse("web:caseload"))
    new = caseload.split('id="new"')[1].split("</section>")[0]
    assert all(i.reference in new for i in made)
    assert client_for("worker").get(url).status_code == 403


def test_the_police_s_intelligence_figure_is_its_list_s_rows(world, client_for):
    from homeward.intelligence import services as intelligence

    child = make_child(world)
    interview = make_interview(
        world, [make_episode(world, child, police_force=world.police, police_reference="FC-1")]
    )
    hold(world, interview)
    services.interview_add_place(
        by=world.user("worker"), interview=interview, description="A flat", shareable=True
    )
    submission, _ = intelligence.intelligence_prepare(
        by=world.user("worker"), interview=interview, summary="A flat."
    )
    intelligence.intelligence_download(
        by=world.user("worker"), submission=submission, file_format="json", reason="By email"
    )
    for who, expected in (("police", 1), ("police2", 0), ("coordinator", 1), ("manager", 1)):
        client = client_for(who)
        html = get(client, reverse("web:intelligence-queue"))
        bodies = re.findall(r"<tbody.*?</tbody>", html, flags=re.S)
        rows = sum(body.count(ROW) for body in bodies)
        assert rows == expected and f"{rows} submission" in html, who
        if who.startswith("police"):  # the figure in the menu
            menu = re.search(r">Intelligence(?: \((\d+)\))?<", html)
        else:  # the figure on the home page
            menu = re.search(r"acknowledgement: (\d+)<", get(client, "/"))
        assert menu is not None and int(menu.group(1) or 0) == rows, who

"""The pages stay fast as the records grow: the number of queries of the coordinator's home,
a child's record and the caseload does not grow with the episodes and interviews, the
caseload pages its closed interviews, and the indicators page's cache never serves figures
older than the records. (No timings here: benchmarks/web_run.sh measures those.)"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from homeward.cases import selectors, services
from homeward.cases.models import Child, ReturnInterview
from homeward.web.templatetags import casework
from tests.factories import World, make_child, make_episode, make_interview

pytestmark = pytest.mark.django_db
UK = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def worked_interview(world: World, child: Child, *, started: datetime) -> ReturnInterview:
    """An interview with every kind of record the child's timeline shows: an offer, a
    contact attempt, a write-up, a referral, a share and a manager's sign-off."""
    worker = world.user("worker")
    episode = make_episode(world, child, started=started)
    interview = make_interview(world, [episode])
    services.interview_record_offer(
        by=worker,
        interview=interview,
        offered_at=started + timedelta(hours=12),
        offered_to="child",
        method="phone",
    )
    services.interview_record_attempt(
        by=worker,
        interview=interview,
        attempted_at=started + timedelta(hours=13),
        method="phone",
        successful=True,
        note="Spoke to the child.",
    )
    services.interview_add_referral(
        by=worker, interview=interview, service="CAMHS", made_on=started.date(), outcome=""
    )
    interview = services.interview_write_up(
        by=worker,
        interview=interview,
        expected_version=ReturnInterview.objects.get(pk=interview.pk).version,
        write_up=services.WriteUp(
            held_at=started + timedelta(hours=20),
            held_where="School",
            push_factors="Arguments at home.",
            harms=("drugs_alcohol",),
        ),
    )
    services.interview_record_share(
        by=worker,
        interview=interview,
        recipient="police",
        shared_at=started + timedelta(hours=22),
        basis="safeguarding",
        detail="Places of concern.",
    )
    services.interview_submit_for_sign_off(by=worker, interview=interview)
    services.interview_sign_off(by=world.user("manager"), interview=interview, note="")
    return interview


def home_records(world: World, count: int) -> None:
    """`count` records in each of the home's lists: new episodes, still missing, awaiting
    allocation, due soon, overdue and open interviews."""
    now = timezone.now()
    for number in range(count):
        child = make_child(world, first_name=f"Child{number}")
        make_episode(world, child, started=now - timedelta(hours=5), returned_after=None)
        make_episode(world, child, started=now - timedelta(hours=30))
        soon = make_episode(world, child, started=now - timedelta(hours=70))
        make_interview(world, [soon], worker="worker2")
        late = make_episode(world, child, started=now - timedelta(days=6))
        make_interview(world, [late])
        later = make_episode(
            world, child, started=now - timedelta(hours=3), returned_after=timedelta(hours=1)
        )
        make_interview(world, [later], worker="provider_worker")


def test_the_coordinators_home_takes_the_same_queries_for_many_records(
    world, client_for, django_assert_max_num_queries
):
    client = client_for("coordinator")
    home_records(world, 1)
    few = queries(client, reverse("web:home"))
    home_records(world, 12)
    with django_assert_max_num_queries(few):
        response = client.get(reverse("web:home"))
    html = response.content.decode()
    assert "Child11" in html and "Overdue" in html and "Still missing" in html


def test_a_childs_record_takes_the_same_queries_for_many_episodes(
    world, client_for, django_assert_max_num_queries
):
    client = client_for("coordinator")
    child = make_child(world)
    start = timezone.now() - timedelta(days=400)
    worked_interview(world, child, started=start)
    url = reverse("web:child", args=[child.pk])
    few = queries(client, url)
    for number in range(1, 9):
        worked_interview(world, child, started=start + timedelta(days=30 * number))
    make_episode(world, child, started=timezone.now() - timedelta(hours=3), returned_after=None)
    with django_assert_max_num_queries(few):
        response = client.get(url)
    html = response.content.decode()
    assert html.count("Referral to CAMHS") == 9
    assert html.count("Shared with police") == 9
    assert html.count("Signed off by") == 9


def test_the_caseload_takes_the_same_queries_for_many_interviews(
    world, client_for, django_assert_max_num_queries
):
    client = client_for("worker")
    child = make_child(world)
    interviews = [make_interview(world, [make_episode(world, child)])]
    few = queries(client, reverse("web:caseload"))
    for _ in range(8):
        interviews.append(make_interview(world, [make_episode(world, child)]))
    with django_assert_max_num_queries(few):
        response = client.get(reverse("web:caseload"))
    # The same queries, and every one of the nine interviews on the page (a caseload that
    # showed none would take few queries too).
    html = response.content.decode()
    assert len(interviews) == 9
    assert all(i.reference in html for i in interviews)


def close(world: World, interview: ReturnInterview) -> None:
    services.interview_record_attempt(
        by=world.user("worker"),
        interview=interview,
        attempted_at=timezone.now() - timedelta(hours=1),
        method="phone",
        successful=False,
        note="",
    )
    services.interview_record_no_contact(by=world.user("worker"), interview=interview)


def sign_off(world: World, interview: ReturnInterview) -> None:
    """Closed (no contact), submitted and signed off."""
    close(world, interview)
    services.interview_submit_for_sign_off(by=world.user("worker"), interview=interview)
    services.interview_sign_off(by=world.user("manager"), interview=interview)


def test_the_caseload_shows_every_open_interview_and_pages_the_signed_off_ones(
    world, client_for, django_assert_max_num_queries
):
    page_size = selectors.CASELOAD_PAGE_SIZE
    child = make_child(world)
    open_ones = [make_interview(world, [make_episode(world, child)]) for _ in range(3)]
    signed = []
    for _ in range(page_size + 7):
        interview = make_interview(world, [make_episode(world, child)])
        sign_off(world, interview)
        signed.append(interview)
    make_interview(world, [make_episode(world, child)], worker="worker2")  # not theirs
    client = client_for("worker")

    first = client.get(reverse("web:caseload"))
    html = first.content.decode()
    open_part, signed_part = html.split('id="signed-off"')
    assert all(i.reference in open_part for i in open_ones)
    latest = list(reversed(signed))  # the latest allocated first
    assert all(i.reference in signed_part for i in latest[:page_size])
    assert not any(i.reference in signed_part for i in latest[page_size:])
    assert f"{page_size + 7} signed-off interviews" in html
    assert 'class="govuk-pagination"' in html
    assert 'href="?page=2#signed-off" rel="next"' in html
    assert 'aria-current="page">1</a>' in html
    assert 'rel="prev"' not in html

    with django_assert_max_num_queries(queries(client, reverse("web:caseload"))):
        second = client.get(reverse("web:caseload") + "?page=2")
    html = second.content.decode()
    open_part, signed_part = html.split('id="signed-off"')
    assert all(i.reference in open_part for i in open_ones)  # open ones on every page
    assert all(i.reference in signed_part for i in latest[page_size:])
    assert not any(i.reference in signed_part for i in latest[:page_size])
    assert 'href="?page=1#signed-off" rel="prev"' in html
    assert 'rel="next"' not in html
    assert "page 2 of 2" in html

    # A page out of range shows the last; one that is not a number, the first.
    last = client.get("/caseload/?page=99").content.decode().split('id="signed-off"')[1]
    assert latest[-1].reference in last
    first_page = client.get("/caseload/?page=x").content.decode().split('id="signed-off"')[1]
    assert latest[0].reference in first_page


def test_a_short_caseload_has_no_pagination(world, client_for):
    child = make_child(world)
    sign_off(world, make_interview(world, [make_episode(world, child)]))
    html = client_for("worker").get(reverse("web:caseload")).content.decode()
    assert "govuk-pagination" not in html
    assert "1 signed-off interview," in html


# --- the indicators page's cache ---------------------------------------------------------


def incidents(client) -> int:  # type: ignore[no-untyped-def]
    response = client.get(reverse("web:indicators"))
    assert response.status_code == 200
    return sum(
        int(row["incidents"]) for row in response.context["page"].authority_table.rows(named=True)
    )


def offered(client) -> int:  # type: ignore[no-untyped-def]
    table = client.get(reverse("web:indicators")).context["page"].authority_table
    return sum(int(row["offered"]) for row in table.rows(named=True))


def test_the_indicators_are_computed_once_then_read_from_the_cache(world, client_for):
    client = client_for("manager")
    child = make_child(world)
    make_interview(world, [make_episode(world, child)])
    cold = queries(client, reverse("web:indicators"))
    warm = queries(client, reverse("web:indicators"))
    assert warm < cold  # the records were not read again


def test_a_new_episode_changes_the_indicators_at_once(world, client_for):
    client = client_for("manager")
    child = make_child(world)
    make_interview(world, [make_episode(world, child)])
    assert incidents(client) == 1
    assert incidents(client) == 1  # now from the cache
    make_episode(world, child, started=timezone.now() - timedelta(days=1))
    assert incidents(client) == 2


def test_every_kind_of_change_reaches_the_indicators(world, client_for):
    client = client_for("manager")
    child = make_child(world)
    episode = make_episode(world, child)
    assert offered(client) == 0
    # Allocating links the episode to a new interview (an update, not a save).
    interview = make_interview(world, [episode])
    assert offered(client) == 0  # cached with the interview and no offer
    # An offer adds a row and bumps the interview's version (an update, not a save).
    services.interview_record_offer(
        by=world.user("worker"),
        interview=interview,
        offered_at=timezone.now() - timedelta(hours=1),
        offered_to="child",
        method="phone",
    )
    assert offered(client) == 1
    services.interview_record_decline(
        by=world.user("worker"),
        interview=interview,
        declined_by="child",
        reason="Not now",
        reason_code="not_wanted",
    )
    table = client.get(reverse("web:indicators")).context["page"].authority_table
    assert sum(int(row["declined"]) for row in table.rows(named=True)) == 1
    # A renamed team shows under its new name in the breakdown.
    world.team.name = "Renamed Team"
    world.team.save()
    world.provider.name = "Renamed Provider"
    world.provider.save()
    html = client.get(reverse("web:indicators") + "?group=organisation").content.decode()
    assert "Renamed Team" in html


def test_the_fingerprint_moves_with_the_records(world):
    before = selectors_fingerprint(world)
    child = make_child(world)
    after_child = selectors_fingerprint(world)
    assert after_child == before  # a child alone changes no figure
    episode = make_episode(world, child, returned_after=None)
    after_episode = selectors_fingerprint(world)
    assert after_episode != after_child
    services.episode_record_return(
        by=world.user("coordinator"), episode=episode, returned_at=timezone.now()
    )
    assert selectors_fingerprint(world) != after_episode


def selectors_fingerprint(world: World) -> str:
    from homeward.cases.indicator_tables import data_fingerprint

    world.authority.refresh_from_db()
    return data_fingerprint(world.authority)


# --- the list formatting: GOV.UK style, and the same markup as the templates had ----------


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (datetime(2026, 3, 1, 9, 5, tzinfo=UK), "1 March 2026 at 9:05am"),  # GMT
        (datetime(2026, 7, 14, 23, 59, 59, 123456, tzinfo=UK), "14 July 2026 at 11:59pm"),
        (datetime(2026, 10, 25, 1, 30, tzinfo=ZoneInfo("UTC")), "25 October 2026 at 1:30am"),
        (datetime(2026, 10, 25, 0, 30, tzinfo=ZoneInfo("UTC")), "25 October 2026 at 1:30am"),
        (datetime(2025, 12, 31, 0, 0, tzinfo=ZoneInfo("UTC")), "31 December 2025 at midnight"),
        (datetime(2026, 6, 1, 11, 0, tzinfo=ZoneInfo("UTC")), "1 June 2026 at midday"),
        (datetime(2026, 6, 1, 13, 0, tzinfo=ZoneInfo("UTC")), "1 June 2026 at 2pm"),
    ],
)
def test_the_fast_time_filters_write_the_govuk_style(moment, text):
    iso = Template("{{ at|date:'c' }}").render(Context({"at": moment}))
    ours = Template("{% load casework %}{{ at|time_tag }}").render(Context({"at": moment}))
    assert ours == f'<time datetime="{iso}">{text}</time>'
    assert casework.uk_time(moment) == text
    assert casework.iso_time(moment) == iso


#: `_due.html` as a template, written with the filters: the `due` tag writes the same.
DUE_TEMPLATE = (
    "{% load casework %}{% if due_at %}{{ due_at|time_tag }}{% if overdue %} "
    '<strong class="govuk-tag govuk-tag--red">Overdue</strong>'
    '{% endif %}{% if rule %}<br><span class="govuk-body-s">{{ rule }}</span>{% endif %}'
    "{% else %}Clock not started{% endif %}"
)


@pytest.mark.parametrize("overdue", [True, False])
@pytest.mark.parametrize("rule", ["", "within 72 hours of the <return>"])
def test_the_due_tag_writes_what_the_due_partial_wrote(overdue, rule):
    moment = datetime(2026, 6, 2, 14, 0, tzinfo=UK)
    for due_at in (moment, None):
        context = {"due_at": due_at, "rule": rule, "overdue": overdue}
        ours = Template("{% load casework %}{% due due_at rule overdue %}").render(Context(context))
        assert ours == Template(DUE_TEMPLATE).render(Context(context))
    ours = Template("{% load casework %}{% due due_at %}").render(Context({"due_at": moment}))
    assert "2 June 2026 at 2pm" in ours


def test_path_to_is_the_url_tag():
    assert casework.path_to(42, "web:child") == reverse("web:child", args=[42])
    assert casework.path_to(7, "web:interview") == reverse("web:interview", args=[7])
    assert casework.path_to(7, "web:allocate") == reverse("web:allocate", args=[7])


#: The table rows as the templates wrote them before `interview_rows` and `episode_rows`
#: (with `_due.html` as it was, its times written by `time_tag`), to check that the Python
#: writes the very same HTML.
OLD_DUE = DUE_TEMPLATE
OLD_INTERVIEW_ROWS = """{% for interview in rows %}
    <tr class="govuk-table__row">
      <th scope="row" class="govuk-table__header"><a class="govuk-link" href="{% url 'web:child' interview.child_id %}">{{ interview.child.full_name }}</a><br><span class="govuk-body-s">{{ interview.child.reference }}</span></th>
      <td class="govuk-table__cell"><a class="govuk-link" href="{% url 'web:interview' interview.pk %}">{{ interview.reference }}</a></td>
      <td class="govuk-table__cell">{% if interview.is_closed %}{% include due with due_at=interview.due_at rule=interview.due_rule overdue=False %}{% elif interview.due_at and interview.due_at < now %}{% include due with due_at=interview.due_at rule=interview.due_rule overdue=True %}{% else %}{% include due with due_at=interview.due_at rule=interview.due_rule overdue=False %}{% endif %}</td>
      <td class="govuk-table__cell">{% if show_outcome %}{{ interview.get_outcome_display }}{% if interview.signed_off_at %}, signed off{% endif %}{% else %}{{ interview.allocated_worker|default:interview.allocated_organisation|default:"Not allocated" }}{% endif %}</td>
    </tr>
    {% endfor %}"""  # noqa: E501
OLD_EPISODE_ROWS = """{% load casework %}{% for episode in rows %}
    <tr class="govuk-table__row">
      <th scope="row" class="govuk-table__header"><a class="govuk-link" href="{% url 'web:child' episode.child_id %}">{{ episode.child.full_name }}</a><br><span class="govuk-body-s">{{ episode.child.reference }}</span></th>
      <td class="govuk-table__cell">{{ episode.reference }}<br><span class="govuk-body-s">{{ episode.get_category_display }} from {{ episode.get_missing_from_display|lower }}{% if episode.risk_grade %}, {{ episode.get_risk_grade_display|lower }} risk{% endif %}</span></td>
      <td class="govuk-table__cell">From {{ episode.started_at|time_tag }}<br>{% if episode.returned_at %}Returned {{ episode.returned_at|time_tag }}{% else %}<strong class="govuk-tag govuk-tag--orange">Still missing</strong>{% endif %}</td>
      <td class="govuk-table__cell">{% if episode.interview_id %}See the interview{% elif episode.due_at and episode.due_at < now %}{% include due with due_at=episode.due_at rule=episode.due_rule overdue=True %}{% else %}{% include due with due_at=episode.due_at rule=episode.due_rule overdue=False %}{% endif %}</td>
      <td class="govuk-table__cell">{% if episode.interview_id %}<a class="govuk-link" href="{% url 'web:interview' episode.interview_id %}">{{ episode.interview.reference }}</a><br>{{ episode.interview.allocated_worker|default:"No worker yet" }}{% elif episode.returned_at %}<a class="govuk-link" href="{% url 'web:allocate' episode.child_id %}">Allocate<span class="govuk-visually-hidden"> an interview for {{ episode.child.full_name }}</span></a>{% else %}Not yet{% endif %}</td>
    </tr>
    {% endfor %}"""  # noqa: E501


def test_the_rows_are_the_html_the_templates_wrote(world):
    home_records(world, 2)
    awkward = make_child(world, first_name="Zoë", last_name="O'Brien <b>&")
    make_episode(world, awkward, started=timezone.now() - timedelta(hours=30))
    close(world, make_interview(world, [make_episode(world, awkward)]))
    board = selectors.coordinator_home(user=world.user("coordinator"))
    caseload = selectors.caseload(user=world.user("worker"))
    interviews = [*board.overdue, *board.due_soon, *board.open, *caseload.open]
    interviews += list(caseload.to_submit)
    episodes = [
        *board.new_episodes,
        *board.still_missing,
        *board.awaiting_allocation,
        *board.overdue_unallocated,
    ]
    assert len(interviews) >= 6 and len(episodes) >= 6
    now = timezone.now()
    due = Template(OLD_DUE)
    for show_outcome in (False, True):
        context = {"rows": interviews, "now": now, "show_outcome": show_outcome, "due": due}
        old = Template(OLD_INTERVIEW_ROWS).render(Context(context))
        new = Template("{% load casework %}{% interview_rows rows now show_outcome %}").render(
            Context(context)
        )
        assert new == old
    context = {"rows": episodes, "now": now, "due": due}
    old = Template(OLD_EPISODE_ROWS).render(Context(context))
    new = Template("{% load casework %}{% episode_rows rows now %}").render(Context(context))
    assert new == old
    assert "O&#x27;Brien &lt;b&gt;&amp;" in new


def test_the_child_record_lists_read_nothing_the_child_disclosed(world, django_assert_num_queries):
    child = make_child(world)
    start = timezone.now() - timedelta(days=90)
    first = make_episode(world, child, started=start, circumstances="Left after an argument.")
    make_interview(world, [first])
    make_episode(world, child, started=start + timedelta(days=30))
    with django_assert_num_queries(1):
        episodes = selectors.child_episodes(user=world.user("coordinator"), child=child)
        assert [e.started_at for e in episodes] == sorted(
            (e.started_at for e in episodes), reverse=True
        )
        assert [e.interview.reference if e.interview else None for e in episodes][1]
    # What the police said is shown with each episode; what the child said is not read.
    assert not episodes[0].get_deferred_fields()
    assert "push_factors" in episodes[1].interview.get_deferred_fields()
    with django_assert_num_queries(1):
        interviews = selectors.child_interviews(user=world.user("coordinator"), child=child)
        assert str(interviews[0].allocated_worker) and interviews[0].allocated_organisation
    assert "decline_reason" in interviews[0].get_deferred_fields()

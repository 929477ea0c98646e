"""Formatting for long lists of cases (`{% load casework %}`): dates and times in the GOV.UK
style ("6 December 2026 at 2:50pm", `homeward.formats.dates`), and the same text as
`{% url %}` and the `_due.html` partial, at a fraction of their cost per row.

The coordinator's home and the caseloads show hundreds of rows, each with two or three
times, two links and a due point. Django's `date` filter (its format parser and locale
machinery), `{% url %}` (a full reverse) and `{% include %}` cost tens of microseconds a
call, and a template loop some more for every variable, which adds up to most of such a
page's time. These do the same work directly; `interview_rows` and `episode_rows` write the
rows of `_interview_table.html` and `_episode_table.html` (the markup those templates had
in a loop, byte for byte: tests/web/test_performance_queries.py compares them).
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import Any

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from homeward.formats.dates import day_text, moment_text, month_text

register = template.Library()

_SENTINEL = 987654321


def _local(value: datetime) -> datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def _uk(local: datetime) -> str:
    return moment_text(local)


@register.filter
def uk_time(value: datetime | None) -> str:
    """`6 December 2026 at 2:50pm` in the site's time zone (the GOV.UK style)."""
    return _uk(_local(value)) if value else ""


@register.filter
def uk_day(value: date | None) -> str:
    """`6 December 2026` (a moment: its day in the site's time zone)."""
    if not value:
        return ""
    if isinstance(value, datetime):
        value = _local(value)
    return day_text(value)


@register.filter
def uk_month(value: date | None, style: str = "") -> str:
    """`December 2026`; `uk_month:"short"`, `Dec 2026`, for a table's month columns."""
    if not value:
        return ""
    text = month_text(value)
    return f"{text[:3]} {value.year}" if style == "short" else text


@register.simple_tag
def uk_now() -> str:
    """Now, `6 December 2026 at 2:50pm`, in the site's time zone."""
    return _uk(timezone.localtime())


@register.filter
def iso_time(value: datetime | None) -> str:
    """ISO 8601 in the site's time zone, for `<time datetime>`: `date:"c"`."""
    return _local(value).isoformat() if value else ""


def _time_html(value: datetime) -> str:
    local = _local(value)
    return f'<time datetime="{local.isoformat()}">{_uk(local)}</time>'


@register.filter
def time_tag(value: datetime | None) -> SafeString:
    """`<time datetime="ISO">6 December 2026 at 2:50pm</time>` (digits and words: safe)."""
    return mark_safe(_time_html(value)) if value else mark_safe("")  # noqa: S308


@register.simple_tag
def due(due_at: datetime | None, rule: str = "", overdue: bool = False) -> SafeString:
    """A due point as `web/cases/_due.html` shows it: the time, an Overdue tag, the rule."""
    if not due_at:
        return mark_safe("Clock not started")
    html = _time_html(due_at)
    if overdue:
        html += ' <strong class="govuk-tag govuk-tag--red">Overdue</strong>'
    if rule:
        html += f'<br><span class="govuk-body-s">{escape(rule)}</span>'
    return mark_safe(html)  # noqa: S308 (the rule is escaped, the rest is ours)


@lru_cache(maxsize=64)
def _around(name: str, prefix: str, urlconf: str | None) -> tuple[str, str]:
    """The path of URL `name` for one integer argument, split around that argument."""
    path = reverse(name, args=[_SENTINEL], urlconf=urlconf)
    before, _, after = path.partition(str(_SENTINEL))
    return before, after


@register.filter
def path_to(pk: int, name: str) -> str:
    """`{{ interview.pk|path_to:"web:interview" }}`: `{% url name pk %}` for a URL with one
    integer argument (the split path is worked out once)."""
    before, after = _around(name, get_script_prefix(), get_urlconf())
    return f"{before}{int(pk)}{after}"


@lru_cache(maxsize=64)
def _labels(model: Any, name: str) -> dict[object, str]:
    return {value: str(label) for value, label in model._meta.get_field(name).flatchoices}


def _display(instance: Any, name: str) -> str:
    """`instance.get_NAME_display()`, without rebuilding the choices each time."""
    value = getattr(instance, name)
    return _labels(type(instance), name).get(value, str(value))


#: Each interview status's GOV.UK tag colour (`cases.status.InterviewStatus`).
STATUS_TAG_COLOURS = {
    "allocated": "grey",
    "offered": "light-blue",
    "held": "blue",
    "declined": "pink",
    "no_contact": "purple",
    "awaiting_sign_off": "yellow",
    "returned": "orange",
    "signed_off": "green",
}


@register.filter
def status_tag(value: str) -> SafeString:
    """An interview's status (`cases.status`) as a GOV.UK tag, its label in words."""
    from homeward.cases.status import InterviewStatus

    colour = STATUS_TAG_COLOURS.get(str(value), "grey")
    text = escape(InterviewStatus(value).label) if value in InterviewStatus.values else ""
    return mark_safe(f'<strong class="govuk-tag govuk-tag--{colour}">{text}</strong>')  # noqa: S308


def _rule_shown(rule: str, common: str | None) -> str:
    """The row's rule, unless it is the rule the page states once above its lists."""
    return "" if common is not None and rule == common else rule


@register.simple_tag
def interview_rows(
    rows: Any,
    now: datetime,
    show_outcome: bool = False,
    rule: str | None = None,
    show_status: bool = False,
) -> SafeString:
    """The rows of `web/cases/_interview_table.html`: the child, the interview, when it is
    due (Overdue when open and past it) and who has it, or (`show_outcome`) its outcome;
    with `show_status`, its status (`cases.status`, the rows' `status` column) as a tag.
    `rule`: the rule for due points the page states once; a row under that rule does not
    repeat it."""
    out = []
    for interview in rows:
        child = interview.child
        due_at = interview.due_at
        late = not interview.is_closed and bool(due_at) and due_at < now
        if show_outcome:
            signed = ", signed off" if interview.signed_off_at else ""
            last = f"{escape(_display(interview, 'outcome'))}{signed}"
        else:
            who = interview.allocated_worker or interview.allocated_organisation
            last = escape(who or "Not allocated")
        tag = (
            f'      <td class="govuk-table__cell">{status_tag(interview.status)}</td>\n'
            if show_status
            else ""
        )
        out.append(
            '\n    <tr class="govuk-table__row">\n'
            f'      <th scope="row" class="govuk-table__header"><a class="govuk-link" '
            f'href="{path_to(interview.child_id, "web:child")}">{escape(child.full_name)}</a>'
            f'<br><span class="govuk-body-s">{escape(child.reference)}</span></th>\n'
            f'      <td class="govuk-table__cell"><a class="govuk-link" '
            f'href="{path_to(interview.pk, "web:interview")}">{escape(interview.reference)}</a>'
            "</td>\n"
            f'      <td class="govuk-table__cell">'
            f"{due(due_at, _rule_shown(interview.due_rule, rule), late)}</td>\n"
            f'      <td class="govuk-table__cell">{last}</td>\n'
            f"{tag}"
            "    </tr>\n    "
        )
    return mark_safe("".join(out))  # noqa: S308 (every value is escaped above)


def risk_words(label: str) -> str:
    """A police risk grade as words after an episode: "medium risk", "no apparent risk"
    (not "no apparent risk risk")."""
    words = label.lower()
    return words if words.endswith("risk") else f"{words} risk"


@register.simple_tag
def episode_rows(rows: Any, now: datetime, rule: str | None = None) -> SafeString:
    """The rows of `web/cases/_episode_table.html`: the child, the episode, when missing and
    returned, when an interview is due, and the interview and its worker (or a link to
    allocate one). `rule`: as `interview_rows`."""
    out = []
    for episode in rows:
        child = episode.child
        risk = (
            f", {escape(risk_words(_display(episode, 'risk_grade')))}" if episode.risk_grade else ""
        )
        if episode.returned_at:
            back = f"Returned {_time_html(episode.returned_at)}"
        else:
            back = '<strong class="govuk-tag govuk-tag--orange">Still missing</strong>'
        due_at = episode.due_at
        if episode.interview_id:
            due_cell = "See the interview"
            interview = episode.interview
            worker = escape(interview.allocated_worker or "No worker yet")
            last = (
                f'<a class="govuk-link" href="{path_to(episode.interview_id, "web:interview")}">'
                f"{escape(interview.reference)}</a><br>{worker}"
            )
        else:
            due_cell = due(
                due_at, _rule_shown(episode.due_rule, rule), bool(due_at) and due_at < now
            )
            if episode.returned_at:
                last = (
                    f'<a class="govuk-link" href="{path_to(episode.child_id, "web:allocate")}">'
                    f'Allocate<span class="govuk-visually-hidden"> an interview for '
                    f"{escape(child.full_name)}</span></a>"
                )
            else:
                last = "Not yet"
        out.append(
            '\n    <tr class="govuk-table__row">\n'
            f'      <th scope="row" class="govuk-table__header"><a class="govuk-link" '
            f'href="{path_to(episode.child_id, "web:child")}">{escape(child.full_name)}</a>'
            f'<br><span class="govuk-body-s">{escape(child.reference)}</span></th>\n'
            f'      <td class="govuk-table__cell">{escape(episode.reference)}<br>'
            f'<span class="govuk-body-s">{escape(_display(episode, "category"))} from '
            f"{escape(_display(episode, 'missing_from').lower())}{risk}</span></td>\n"
            f'      <td class="govuk-table__cell">From {_time_html(episode.started_at)}<br>'
            f"{back}</td>\n"
            f'      <td class="govuk-table__cell">{due_cell}</td>\n'
            f'      <td class="govuk-table__cell">{last}</td>\n'
            "    </tr>\n    "
        )
    return mark_safe("".join(out))  # noqa: S308 (every value is escaped above)

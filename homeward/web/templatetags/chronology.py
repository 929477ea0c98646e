"""A child's timeline and chronology as HTML (`{% load chronology %}`): the entries of
`homeward.cases.selectors.child_timeline` and `child_chronology`, written directly.

A child with 40 episodes has some 300 entries; a template loop (a tag, a filter and an
`{% if %}` or two for each) cost about a third of the child's page. Times are written by
the `casework` filters, like every time on the pages.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from itertools import groupby

from django import template
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from homeward.cases.selectors import TimelineEntry
from homeward.formats.dates import day_text
from homeward.web.templatetags.casework import path_to, time_tag
from homeward.web.templatetags.corrections import change_text

register = template.Library()


def day_tag(day: date) -> str:
    """`<time datetime="2026-03-03">3 March 2026</time>`: a day, as GOV.UK writes dates."""
    return f'<time datetime="{day.isoformat()}">{day_text(day)}</time>'


def _when(value: date) -> str:
    if isinstance(value, datetime):
        return str(time_tag(value))
    return day_tag(value)


def _entry(entry: TimelineEntry, links: bool) -> str:
    title = escape(entry.title)
    if links and entry.link:
        title = f'<a class="govuk-link" href="{path_to(entry.link[1], entry.link[0])}">{title}</a>'
    when = day_tag(timezone.localtime(entry.at).date()) if entry.whole_day else time_tag(entry.at)
    sensitive = " hw-timeline__item--sensitive" if entry.sensitive else ""
    html = (
        f'\n  <li class="hw-timeline__item{sensitive}">\n'
        f'    <h3 class="govuk-heading-s govuk-!-margin-bottom-1">{title}</h3>\n'
        f'    <p class="govuk-body-s govuk-!-margin-bottom-1">{when}</p>\n'
    )
    if entry.changes:
        items = "".join(f"<li>{escape(change_text(change))}</li>" for change in entry.changes)
        html += f'    <ul class="govuk-list govuk-!-margin-bottom-1">{items}</ul>\n'
    if entry.detail:
        html += f'    <p class="govuk-body">{escape(entry.detail)}</p>\n'
    if entry.facts:
        rows = "".join(
            f"<dt>{escape(label)}</dt><dd>"
            f"{_when(value) if isinstance(value, date) else escape(value)}</dd>"
            for label, value in entry.facts
        )
        html += f'    <dl class="govuk-body-s hw-timeline__details">{rows}</dl>\n'
    return html + "  </li>"


@register.simple_tag
def timeline_items(entries: Iterable[TimelineEntry], links: bool = True) -> SafeString:
    """The `<li>` of each entry of an `<ol class="hw-timeline">`: its title (a link to the
    interview where it has one and `links`), when, its detail and its facts."""
    return mark_safe("".join(_entry(e, links) for e in entries) + "\n")  # noqa: S308 (escaped above)


@register.simple_tag
def by_year(entries: list[TimelineEntry]) -> list[tuple[int, list[TimelineEntry]]]:
    """The entries (in date order) grouped by the year they happened in (UK time)."""
    return [
        (year, list(group))
        for year, group in groupby(entries, key=lambda e: timezone.localtime(e.at).year)
    ]

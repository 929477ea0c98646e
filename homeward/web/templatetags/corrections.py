"""How a correction's field changes read on the pages (`{% load corrections %}`).

A correction keeps each change's values as stored text, with moments and days in ISO form
(`homeward.cases.corrections.change_of`); here they become the site's own date and time
text (`casework.uk_time`, `case_forms.display_value`), so the history follows the one
format every page uses.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import template

from homeward.cases.corrections import part_of, rhi_answer_words
from homeward.web.case_forms import display_value
from homeward.web.templatetags.casework import uk_time

register = template.Library()

NOTHING = "nothing recorded"


def _value(kind: str, value: str) -> str:
    if not value:
        return NOTHING
    try:
        if kind == "moment":
            return uk_time(datetime.fromisoformat(value))
        if kind == "day":
            return display_value(date.fromisoformat(value))
    except ValueError:
        return value
    return value


@register.filter
def change_text(change: dict[str, Any]) -> str:
    """`Risk grade: from Medium to High`; a value its reader may not see: `Address: changed`."""
    label = change.get("label", "")
    if change.get("hidden"):
        return f"{label}: changed"
    kind = change.get("kind", "text")
    before = _value(kind, change.get("from", ""))
    after = _value(kind, change.get("to", ""))
    return f"{label}: from {before} to {after}"


@register.filter
def change_before(change: dict[str, Any]) -> str:
    """What a field held before the change, as the pages show it."""
    return _value(change.get("kind", "text"), change.get("from", ""))


@register.filter
def change_after(change: dict[str, Any]) -> str:
    """What a field holds after the change, as the pages show it."""
    return _value(change.get("kind", "text"), change.get("to", ""))


@register.filter
def part_key(instance: Any) -> str:
    """An interview's part as the correction pages name it: "place-12"."""
    return f"{part_of(instance).kind}-{instance.pk}"


@register.filter
def rhi_answer(value: str) -> str:
    """The case system's answer on an imported episode in words: "yes", "not recorded"."""
    return rhi_answer_words(value or "")

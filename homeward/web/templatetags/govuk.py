"""Template helpers for GOV.UK Design System markup."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.safestring import SafeString

from homeward.web.forms import DateInput, date_error_parts

register = template.Library()


@register.filter
def widget_kind(field: BoundField) -> str:
    widget = field.field.widget
    if isinstance(widget, DateInput):
        return "date"
    # CheckboxSelectMultiple is a subclass of RadioSelect: ask about it first.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.Select):
        return "select"
    return "input"


@register.filter
def choice_count(field: BoundField) -> int:
    return len(getattr(field.field, "choices", []))


@register.filter
def govuk_widget(field: BoundField, css_class: str) -> SafeString:
    """The field's widget with the GOV.UK class, its error state and its hint/error ids."""
    classes = [css_class]
    if field.errors:
        classes.append(f"{css_class}--error")
    attrs: dict[str, Any] = {"class": " ".join(classes)}
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if field.errors:
        described.append(f"{field.auto_id}-error")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


@register.filter
def govuk_date_input(field: BoundField) -> SafeString:
    """The boxes of a GOV.UK date input, those the field's errors are about marked in error."""
    parts = date_error_parts(field)
    return field.as_widget(attrs={"data-error-parts": " ".join(parts)} if parts else None)


def _error_target(form: forms.BaseForm, name: str) -> str:
    """The id an error summary's link goes to: the field, its first radio or checkbox, or the
    first box of a date input that is in error."""
    if name not in form.fields:
        return ""
    field = form[name]
    widget = form.fields[name].widget
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"{field.auto_id}_0"
    if isinstance(widget, DateInput):
        parts = date_error_parts(field)
        if parts and parts[0] != "day":
            return f"{field.auto_id}-{parts[0]}"
    return str(field.auto_id)


@register.inclusion_tag("web/includes/error_summary.html")
def error_summary(*forms_: forms.BaseForm) -> dict[str, Any]:
    """GOV.UK error summary: every error of the forms, once, each linked to its field."""
    items = []
    for form in forms_:
        if form is None or not form.is_bound:
            continue
        for message in form.non_field_errors():
            items.append({"text": message, "href": ""})
        for name, errors in form.errors.items():
            if name == "__all__":
                continue
            target = _error_target(form, name)
            for message in errors:
                items.append({"text": message, "href": f"#{target}" if target else ""})
    # Each problem once, however many forms or checks found it.
    seen: set[tuple[str, str]] = set()
    unique = []
    for item in items:
        key = (str(item["text"]), item["href"])
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return {"errors": unique}

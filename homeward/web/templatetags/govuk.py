"""Template helpers for GOV.UK Design System markup."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def widget_kind(field: BoundField) -> str:
    widget = field.field.widget
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


@register.inclusion_tag("web/includes/error_summary.html")
def error_summary(*forms_: forms.BaseForm) -> dict[str, Any]:
    """GOV.UK error summary: every error of the forms, each linked to its field."""
    items = []
    for form in forms_:
        if form is None or not form.is_bound:
            continue
        for message in form.non_field_errors():
            items.append({"text": message, "href": ""})
        for name, errors in form.errors.items():
            if name == "__all__":
                continue
            target = form[name].auto_id if name in form.fields else ""
            widget = form.fields[name].widget if name in form.fields else None
            if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                target = f"{target}_0"
            for message in errors:
                items.append({"text": message, "href": f"#{target}" if target else ""})
    return {"errors": items}

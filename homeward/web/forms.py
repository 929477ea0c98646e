"""Django forms drawn as GOV.UK Design System fields (labels, hints, error messages)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting


class GovukFormRenderer(TemplatesSetting):
    """Every form and field is drawn with the templates in `templates/govuk_forms/`."""

    form_template_name = "govuk_forms/form.html"
    field_template_name = "govuk_forms/field.html"


def day_field(label: str, *, required: bool = False) -> forms.DateField:
    """One day of a period (a date box), with the error messages naming it."""
    return forms.DateField(
        label=label,
        required=required,
        help_text="For example, 2026-04-01",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": f"Enter the {label.lower()} date",
            "invalid": f"Enter the {label.lower()} date as a real date",
        },
    )


class DateRangeForm(forms.Form):
    """From one day to another, both included; the 'to' day may not come first."""

    start = day_field("From")
    end = day_field("To")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", "The ‘to’ date must be the same as or after the ‘from’ date")
        return data


def apply_service_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's refusal as errors on the form: on the field it names, else on the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            for message in errors:
                form.add_error(name if name in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


#: What a reason's box says below it, unless the form says more.
REASON_HELP = "The file leaves homeward: say what it is for. The reason is kept in the audit log."


def reason_field(
    label: str, *, required_message: str, help_text: str = REASON_HELP
) -> forms.CharField:
    """Why something leaves homeward (an export, a download, a share): up to 1,000
    characters, kept in the audit log. The field strips spaces, so spaces alone are no
    reason and get `required_message`."""
    return forms.CharField(
        label=label,
        max_length=1000,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": required_message},
    )

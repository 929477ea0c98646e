"""The national collection's form (docs/national-collection.md)."""

from __future__ import annotations

from typing import Any

from django import forms

from homeward.web.forms import GovukForm, day_field


class SendReturnForm(GovukForm):
    period = forms.ChoiceField(
        label="Which financial year?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the financial year to send",
            "invalid_choice": "Select a financial year from the list",
        },
    )

    def __init__(self, *args: Any, periods: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(p, p) for p in periods]  # type: ignore[attr-defined]


class DeadlineForm(GovukForm):
    """The day a national body asks the returns for a year by."""

    period = forms.ChoiceField(
        label="Which financial year?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the financial year",
            "invalid_choice": "Select a financial year from the list",
        },
    )
    due_on = day_field(
        "The deadline",
        required=True,
        help_text="The day the returns are asked by",
        messages={"required": "Enter the deadline"},
    )

    def __init__(self, *args: Any, periods: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(p, p) for p in periods]  # type: ignore[attr-defined]

"""The national collection's form (docs/national-collection.md)."""

from __future__ import annotations

from typing import Any

from django import forms

from homeward.web.forms import GovukForm


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

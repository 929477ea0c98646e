"""The Philomena Protocol profile's form (docs/profile.md)."""

from __future__ import annotations

from typing import Any

from django import forms

from homeward.formats import philomena
from homeward.web.forms import GovukForm, day_field, reason_field, why_field


class ProfileForm(GovukForm):
    """Every question of the profile, the photo, the review date and why it changed."""

    photo = forms.FileField(
        label="A recent photo (optional)",
        help_text="A JPEG or PNG, smaller than 8 MB. It is kept encrypted, without the "
        "details a phone adds (such as where it was taken), and replaces the photo kept now",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
        error_messages={
            "invalid": "The selected photo could not be read: choose it again",
            "empty": "The selected photo is empty",
        },
    )
    remove_photo = forms.BooleanField(label="Remove the photo kept now", required=False)
    review_on = day_field(
        "Next review",
        required=True,
        help_text="When it is next checked with the child's carers: within a year, sooner "
        "after a missing episode or a change of placement",
        messages={"required": "Enter the date the profile is next reviewed"},
    )
    reason = forms.CharField(
        label="Why it changed",
        help_text="For example: new photo after a haircut; new phone number. Not needed "
        "for the first version",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "The reason must be 500 characters or fewer"},
    )
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={
            "required": "The form is out of date: open the profile again",
            "invalid": "The form is out of date: open the profile again",
            "min_value": "The form is out of date: open the profile again",
        },
    )

    def __init__(self, *args: Any, has_photo: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        questions = {
            q.name: forms.CharField(
                label=q.label,
                help_text=q.hint,
                max_length=q.most,
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                error_messages={"max_length": f"{q.label} must be {q.most:,} characters or fewer"},
            )
            for q in philomena.QUESTIONS
        }
        # The questions first, in the protocol's order; then the photo, review and reason.
        self.fields = {**questions, **self.fields}
        if not has_photo:
            del self.fields["remove_photo"]
        self.name_messages()

    def clean_photo(self) -> Any:
        file = self.cleaned_data.get("photo")
        if file and file.size is not None and file.size > philomena.PHOTO_MOST_BYTES:
            raise forms.ValidationError("The photo must be smaller than 8 MB")
        return file


class GrabPackForm(GovukForm):
    reason = reason_field(
        "Why you need the grab pack",
        required_message="Enter why you need the grab pack",
        help_text="It leaves homeward: say what it is for (for example, the child is "
        "reported missing to the police, or a review with the carers). The reason is kept "
        "in the audit log.",
    )


class PoliceCopyForm(GovukForm):
    force = forms.ChoiceField(
        label="Which police force?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the police force to send it to",
            "invalid_choice": "Select the police force from the list",
        },
    )
    police_reference = forms.CharField(
        label="Their missing person reference (optional)",
        help_text="If the police have given one",
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20"}),
        error_messages={"max_length": "The police reference must be 50 characters or fewer"},
    )
    reason = reason_field(
        "Why you are sending it",
        required_message="Enter why you are sending the profile",
        help_text="For example: reported missing by the carer tonight. The reason is kept in "
        "the audit log.",
    )

    def __init__(self, *args: Any, forces: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["force"].choices = forces  # type: ignore[attr-defined]


class DeletePhotoForm(GovukForm):
    reason = why_field("Why is it deleted?", required_message="Say why the photo is deleted")

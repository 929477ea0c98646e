"""The forms of the police notification pages: what a coordinator types, checked for shape
only.

What a decision means (a report already linked, an episode of another child, a merge of a
record with itself) is for `homeward.intake.services` and `homeward.cases.services`; the
views turn their `ValidationError`s into errors on these forms. Every field is drawn as a
GOV.UK field by the site's form renderer (dates as the GOV.UK date input).
"""

from __future__ import annotations

from typing import Any

from django import forms

from homeward.cases import codes
from homeward.cases.models import Episode
from homeward.organisations.models import Authority
from homeward.web.case_forms import (
    AuthorityChoiceField,
    date_field,
    legal_status_field,
    placement_type_field,
    radio_field,
    text_area,
    text_field,
    uk_time,
)
from homeward.web.forms import (
    PERIOD_FROM,
    PERIOD_TO,
    DateRangeForm,
    GovukForm,
    day_field,
    reason_field,
)

#: The largest file a person may upload (the same limit as the API's).
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


# --- uploading a file ----------------------------------------------------------------------


class UploadForm(GovukForm):
    file = forms.FileField(
        label="File of notifications",
        help_text="A CSV, XLSX or JSON file in the police notification format, up to 20 MB.",
        widget=forms.FileInput,
        error_messages={
            "required": "Select a file of notifications",
            "empty": "The selected file is empty",
            "invalid": "Select a file of notifications",
            "missing": "Select a file of notifications",
            "max_length": "The selected file's name is too long: rename it and try again",
        },
    )

    def clean_file(self) -> Any:
        file = self.cleaned_data["file"]
        if file.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The selected file must be smaller than 20 MB")
        return file


# --- deciding about a report ---------------------------------------------------------------

NEW_EPISODE = ""


def episode_label(episode: Episode) -> str:
    """An episode already recorded by hand, as a choice to link a report to."""
    back = f", returned {uk_time(episode.returned_at)}" if episode.returned_at else ""
    return (
        f"Episode {episode.reference}: {episode.get_category_display().lower()} from "
        f"{episode.get_missing_from_display().lower()} since {uk_time(episode.started_at)}{back}"
    )


class LinkForm(GovukForm):
    """This is the child: the report becomes a new episode, or brings one recorded by hand
    up to date."""

    child = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={
            "required": "Select the child from the list on the report's page",
            "invalid": "Select the child from the list on the report's page",
        },
    )
    episode = forms.TypedChoiceField(
        label="Which episode is this report?",
        choices=[(NEW_EPISODE, "A new episode")],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        help_text="Episodes of this child recorded by hand near the report's date, with no "
        "police report.",
        error_messages={"invalid_choice": "Select a new episode or one of the episodes listed"},
    )
    note = text_area("Note (optional)", help_text="Why you are sure, for the record.")

    def __init__(self, *args: Any, episodes: list[Episode] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        episodes = episodes or []
        field = self.fields["episode"]
        field.choices = [
            (NEW_EPISODE, "A new episode"),
            *((e.pk, episode_label(e)) for e in episodes),
        ]
        field.initial = NEW_EPISODE
        if not episodes:
            self.fields["episode"].widget = forms.HiddenInput()


class DismissForm(GovukForm):
    note = text_area(
        "Why this report is not for the authority",
        required=True,
        help_text="For example, the child lives in another authority's area and is not "
        "placed here. The reason is shown at the reconciliation.",
        messages={"required": "Enter why this report is not for the authority"},
    )


class ResolveForm(GovukForm):
    """How a possible miscoding was resolved, and what the episode should be coded as (the
    police's coding to start with: left as it is, the police were right)."""

    category = radio_field(
        "Should the episode be coded missing or absent?",
        codes.Category.choices,
        error_messages={"required": "Select whether the episode should be coded missing or absent"},
    )
    risk_grade = radio_field(
        "What risk grade should it have?",
        codes.RiskGrade.choices,
        error_messages={"required": "Select the risk grade the episode should have"},
    )
    missing_from = radio_field(
        "Where was the child missing from?",
        codes.MissingFrom.choices,
        error_messages={"required": "Select where the child was missing from"},
    )
    resolution = text_area(
        "How the possible miscoding was resolved",
        required=True,
        help_text="For example, confirmed with the force that the category should be missing.",
        messages={"required": "Enter how the possible miscoding was resolved"},
    )


class ConfirmForm(GovukForm):
    """A button to press: nothing to type."""


class NewChildForm(GovukForm):
    """A child not yet known, from what the report says, as the coordinator corrects it."""

    first_name = text_field(
        "First name", max_length=100, messages={"required": "Enter the child's first name"}
    )
    last_name = text_field(
        "Last name", max_length=100, messages={"required": "Enter the child's last name"}
    )
    aliases = text_field(
        "Other names (optional)",
        required=False,
        max_length=1000,
        help_text="Names or nicknames the child is known by, one on each line.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    date_of_birth = date_field(
        "Date of birth",
        required=False,
        past=True,
        help_text="Leave blank if unknown.",
        messages={"required": "Enter the date of birth", "name": "Date of birth"},
    )
    sex = radio_field(
        "Sex", codes.Sex.choices, messages={"required": "Select the child's sex, or not known"}
    )
    address = text_area("Address (optional)", help_text="Seen only by those who work the case.")
    postcode = text_field("Postcode (optional)", required=False, max_length=8)
    legal_status = legal_status_field()
    placement_type = placement_type_field()
    responsible_authority = AuthorityChoiceField(
        label="Responsible authority",
        queryset=Authority.objects.all(),
        empty_label=None,
        help_text="The authority responsible for the child: for a child in care, the placing "
        "authority.",
        error_messages={
            "required": "Select the responsible authority",
            "invalid_choice": "Select one of the authorities listed as the responsible authority",
        },
    )
    host_authority = AuthorityChoiceField(
        label="Host authority (optional)",
        queryset=Authority.objects.all(),
        required=False,
        empty_label="Not placed out of area",
        help_text="Where the child lives, when placed in another authority's area.",
        error_messages={
            "invalid_choice": "Select one of the authorities listed as the host authority"
        },
    )
    note = text_area("Note (optional)", help_text="Why this is a child not yet known.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        initial = dict(kwargs.pop("initial", None) or {})
        for name in ("responsible_authority", "host_authority"):
            if isinstance(initial.get(name), Authority):
                initial[name] = initial[name].pk
        if initial.get("responsible_authority") is None:
            home = Authority.objects.filter(is_home=True).first()
            initial["responsible_authority"] = home.pk if home else None
        if isinstance(initial.get("aliases"), list | tuple):
            initial["aliases"] = "\n".join(initial["aliases"])
        for name in ("legal_status", "placement_type", "sex"):
            if name in initial and initial[name] is not None:
                initial[name] = str(initial[name])
        super().__init__(*args, initial=initial, **kwargs)

    def service_arguments(self) -> dict[str, Any]:
        """The details for `report_new_child` (the note goes separately)."""
        values = {k: v for k, v in self.cleaned_data.items() if k != "note"}
        values["aliases"] = [a.strip() for a in values["aliases"].splitlines() if a.strip()]
        return values


# --- merging two records of one child ------------------------------------------------------


class MergeFindForm(GovukForm):
    other = text_field(
        "The other record's child reference",
        max_length=20,
        help_text="The reference of the record that is the same child, for example C-000123.",
        messages={"required": "Enter the other record's child reference"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_other(self) -> str:
        return self.cleaned_data["other"].strip().upper()


START_AGAIN = "Start the merge again from the child's page"


class MergeConfirmForm(GovukForm):
    other = forms.CharField(
        widget=forms.HiddenInput, max_length=20, error_messages={"required": START_AGAIN}
    )
    confirm = forms.CharField(
        widget=forms.HiddenInput,
        initial="yes",
        error_messages={
            "required": "The merge was not confirmed: start it again from the child's page"
        },
    )
    keep = forms.TypedChoiceField(
        label="Which record to keep",
        coerce=int,
        widget=forms.RadioSelect,
        help_text="The other record's episodes, interviews, police reports and risk flags move "
        "to it, and its name becomes another name of the child.",
        error_messages={
            "required": "Select which record to keep",
            "invalid_choice": "Select one of the two records to keep",
        },
    )
    reason = text_area(
        "Why these are the same child",
        required=True,
        help_text="The reason is kept with the merge and in the audit log.",
        messages={"required": "Enter why these are the same child"},
    )

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = choices


# --- the reconciliation --------------------------------------------------------------------


class PeriodForm(DateRangeForm):
    """Reports made and episodes started from one date to another, both included."""

    start = day_field("From", required=True, messages=PERIOD_FROM)
    end = day_field("To", required=True, messages=PERIOD_TO)


FORMATS = [("csv", "CSV (comma-separated values)"), ("xlsx", "Excel workbook (XLSX)")]


class ExportForm(PeriodForm):
    format = radio_field(
        "File format", FORMATS, initial="csv", messages={"required": "Select a file format"}
    )
    reason = reason_field(
        "Why you need this download", required_message="Enter why you need this download"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The period travels in hidden fields: the reconciliation page's own form shows it.
        for name in ("start", "end"):
            self.fields[name].widget = forms.HiddenInput()

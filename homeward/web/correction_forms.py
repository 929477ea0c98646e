"""The forms of the correction pages: a saved record's fields, as they are now, and the
reason for the change. Checked for shape only; the rules (who may, when a reason is
required, what else must hold) are `homeward.cases.corrections`'."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms

from homeward.cases import codes
from homeward.cases.models import Child, Episode, ReturnInterview
from homeward.organisations.models import Authority
from homeward.organisations.selectors import allocatable_organisations, allocatable_workers
from homeward.web import case_forms as f
from homeward.web.forms import GovukForm

#: A reason's length (the history keeps it encrypted; a few sentences are enough).
REASON_LIMIT = 1000


def _messages(label: str, *, limit: int | None = None, required: str = "") -> dict[str, str]:
    messages = {"required": required or f"Enter the {label}"}
    if limit is not None:
        messages["max_length"] = f"The {label} must be {limit} characters or fewer"
    return messages


class CorrectionForm(GovukForm):
    """A change with its reason, asked for last. The reason is required when the record
    has left the authority or been signed off (`because` says why); otherwise optional."""

    reason_label = "Why you are making this change"
    required_message = "Enter why you are making this change"
    always_required = False

    def __init__(self, *args: Any, because: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        required = bool(because) or self.always_required
        if because:
            hint = f"Required because {because}. It is kept with the change."
        elif required:
            hint = "It is kept with the record, for anyone who reads it later."
        else:
            hint = "Optional. It is kept with the change, for anyone who reads it later."
        self.fields["reason"] = forms.CharField(
            label=self.reason_label if required else f"{self.reason_label} (optional)",
            required=required,
            max_length=REASON_LIMIT,
            help_text=hint,
            widget=forms.Textarea(attrs={"rows": 3}),
            error_messages={
                "required": self.required_message,
                "max_length": f"The reason must be {REASON_LIMIT:,} characters or fewer",
            },
        )

    def values(self, current: Any = None) -> dict[str, Any]:
        """The record's new values, as the service takes them (the reason apart). Given the
        record as it is (`current`), a time typed as it was shown (to the minute) keeps its
        stored seconds: what was not changed is not a change."""
        values = {k: v for k, v in self.cleaned_data.items() if k != "reason"}
        if current is not None:
            for name, value in values.items():
                stored = getattr(current, name, None)
                if (
                    isinstance(value, datetime)
                    and isinstance(stored, datetime)
                    and stored.replace(second=0, microsecond=0) == value
                ):
                    values[name] = stored
        return values


# --- the child's details -------------------------------------------------------------------


class ChildNameForm(CorrectionForm):
    first_name = forms.CharField(
        label="First name",
        max_length=100,
        error_messages=_messages("child's first name", limit=100),
    )
    last_name = forms.CharField(
        label="Last name",
        max_length=100,
        error_messages=_messages("child's last name", limit=100),
    )
    aliases = forms.CharField(
        label="Other names (optional)",
        required=False,
        max_length=1000,
        help_text="Names or nicknames the child is known by, separated by commas.",
        error_messages={"max_length": "Other names must be 1,000 characters or fewer"},
    )

    @staticmethod
    def initial_from(child: Child) -> dict[str, Any]:
        aliases = ", ".join(a.name for a in child.aliases.order_by("pk"))
        return {"first_name": child.first_name, "last_name": child.last_name, "aliases": aliases}

    def values(self, current: Any = None) -> dict[str, Any]:
        values = super().values(current)
        values["aliases"] = [a.strip() for a in values["aliases"].split(",") if a.strip()]
        return values


class ChildBirthForm(CorrectionForm):
    date_of_birth = f.date_field(
        "Date of birth (optional)",
        required=False,
        help_text="Leave blank if not known.",
        messages={"invalid": "Enter the date of birth as a real date, for example 2012-03-27"},
    )

    @staticmethod
    def initial_from(child: Child) -> dict[str, Any]:
        return {"date_of_birth": child.date_of_birth}


class ChildIdentityForm(CorrectionForm):
    sex = f.radio_field(
        "Sex",
        codes.Sex.choices,
        error_messages={
            "required": "Select the child's sex",
            "invalid_choice": "Select the child's sex from the list",
        },
    )
    ethnicity = forms.ChoiceField(
        label="Ethnicity",
        choices=codes.Ethnicity.choices,
        help_text="The DfE census code. Choose ‘Information not yet obtained’ until it is known.",
        error_messages={
            "required": "Select the child's ethnicity",
            "invalid_choice": "Select the child's ethnicity from the list",
        },
    )

    @staticmethod
    def initial_from(child: Child) -> dict[str, Any]:
        return {"sex": child.sex, "ethnicity": child.ethnicity}


class ChildAddressForm(CorrectionForm):
    address = f.text_area(
        "Address (optional)",
        help_text="Seen only by those who work the case.",
        messages={"max_length": "The address must be 1,000 characters or fewer"},
    )
    postcode = forms.CharField(
        label="Postcode (optional)",
        required=False,
        max_length=10,
        help_text="For example, ZZ1 1AA",
        error_messages={"max_length": "Enter a postcode in the right shape, like ZZ1 1AA"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    @staticmethod
    def initial_from(child: Child) -> dict[str, Any]:
        return {"address": child.address or "", "postcode": child.postcode}


class ChildAuthoritiesForm(CorrectionForm):
    responsible_authority = f.AuthorityChoiceField(
        label="Responsible authority",
        queryset=Authority.objects.all(),
        empty_label=None,
        error_messages={
            "required": "Select the responsible authority",
            "invalid_choice": "Select the responsible authority from the list",
        },
    )
    host_authority = f.AuthorityChoiceField(
        label="Host authority (optional)",
        queryset=Authority.objects.all(),
        required=False,
        empty_label="Not placed out of area",
        help_text="Where the child lives, when placed in another authority's area.",
        error_messages={"invalid_choice": "Select the host authority from the list"},
    )
    social_worker = forms.CharField(
        label="Social worker (optional)",
        required=False,
        max_length=200,
        error_messages={"max_length": "The social worker must be 200 characters or fewer"},
    )

    @staticmethod
    def initial_from(child: Child) -> dict[str, Any]:
        return {
            "responsible_authority": child.responsible_authority_id,
            "host_authority": child.host_authority_id,
            "social_worker": child.social_worker,
        }


class CareChangeForm(CorrectionForm):
    """The child's care as it is now (the care page), with the reason for the change."""

    legal_status = f.legal_status_field()
    placement_type = f.placement_type_field()
    looked_after_since = f.looked_after_since_field()
    upn = f.upn_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["legal_status"].error_messages.update(
            required="Select the child's legal status",
            invalid_choice="Select the child's legal status from the list",
        )
        self.fields["placement_type"].error_messages.update(
            invalid_choice="Select the placement type from the list"
        )
        self.fields["looked_after_since"].error_messages.update(
            invalid="Enter when the period of care began as a real date, for example 2024-02-01"
        )
        self.fields["upn"].error_messages.update(
            max_length="A unique pupil number is 13 characters"
        )

    @staticmethod
    def initial_from(child: Child) -> dict[str, Any]:
        return {
            "legal_status": child.legal_status,
            "placement_type": child.placement_type,
            "looked_after_since": child.looked_after_since,
            "upn": child.upn,
        }


#: The groups of the child's details, each a page: (form, title, what the message names).
CHILD_FORMS: dict[str, tuple[type[CorrectionForm], str, str]] = {
    "name": (ChildNameForm, "Change the child’s name", "Name"),
    "birth": (ChildBirthForm, "Change the date of birth", "Date of birth"),
    "identity": (ChildIdentityForm, "Change sex and ethnicity", "Sex and ethnicity"),
    "address": (ChildAddressForm, "Change the address", "Address"),
    "authorities": (
        ChildAuthoritiesForm,
        "Change the authorities and social worker",
        "Authorities and social worker",
    ),
}


# --- episodes ------------------------------------------------------------------------------


class EpisodeChangeForm(CorrectionForm):
    category = f.radio_field(
        "Category",
        codes.Category.choices,
        help_text="Missing, or absent (older police records use absent).",
        error_messages={"required": "Select missing or absent"},
    )
    risk_grade = forms.ChoiceField(
        label="Police risk grade",
        choices=[("", "Not graded"), *codes.RiskGrade.choices],
        required=False,
        error_messages={"invalid_choice": "Select the police risk grade from the list"},
    )
    missing_from = f.radio_field(
        "Missing from",
        codes.MissingFrom.choices,
        error_messages={"required": "Select where the child was missing from"},
    )
    whereabouts_known = f.whereabouts_field()
    started_at = f.moment_field(
        "When the child went missing",
        messages={
            "required": "Enter when the child went missing",
            "invalid": "Enter when the child went missing as a real date and time",
        },
    )
    reported_to_police_at = f.moment_field(
        "Reported to the police (optional)",
        required=False,
        messages={"invalid": "Enter when it was reported to the police as a real date and time"},
    )
    returned_at = f.moment_field(
        "Returned or found (optional)",
        required=False,
        help_text="Leave blank while the child is still missing.",
        messages={"invalid": "Enter when the child returned as a real date and time"},
    )
    notified_at = f.moment_field(
        "When the authority was told of the return (optional)",
        required=False,
        messages={
            "invalid": "Enter when the authority was told of the return as a real date and time"
        },
    )
    #: Set once the person has seen what the change does (check your answers).
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    @staticmethod
    def initial_from(episode: Episode) -> dict[str, Any]:
        initial = {
            name: getattr(episode, name)
            for name in (
                "category",
                "risk_grade",
                "missing_from",
                "started_at",
                "reported_to_police_at",
                "returned_at",
                "notified_at",
            )
        }
        initial["whereabouts_known"] = f.yes_no_value(episode.whereabouts_known)
        return initial

    def values(self, current: Any = None) -> dict[str, Any]:
        values = super().values(current)
        values.pop("confirmed", None)
        return values


class EnteredInErrorForm(CorrectionForm):
    """A confirmation that a record was entered by mistake, with why (always required)."""

    reason_label = "Why it was entered in error"
    always_required = True
    required_message = "Enter why it was entered in error"


class UnlinkForm(CorrectionForm):
    """Why a police report is unlinked from its child and episode (always required)."""

    reason_label = "Why the report is unlinked"
    always_required = True
    required_message = "Enter why the report is unlinked"


# --- the interview -------------------------------------------------------------------------


class ReallocateForm(CorrectionForm):
    organisation = f.OrganisationField(
        label="Organisation",
        queryset=allocatable_organisations(),
        help_text="The authority's own team, or a commissioned provider.",
        empty_label=None,
        error_messages={
            "required": "Select the organisation",
            "invalid_choice": "Select the organisation from the list",
        },
    )
    worker = f.WorkerField(
        label="Worker (optional)",
        queryset=allocatable_workers(),
        required=False,
        empty_label="Not yet chosen",
        error_messages={"invalid_choice": "Select the worker from the list"},
    )

    @staticmethod
    def initial_from(interview: ReturnInterview) -> dict[str, Any]:
        return {
            "organisation": interview.allocated_organisation_id,
            "worker": interview.allocated_worker_id,
        }


class ReopenForm(CorrectionForm):
    reason_label = "Why the interview is reopened"
    always_required = True
    required_message = "Enter why the interview is reopened"


class OfferChangeForm(CorrectionForm):
    offered_at = f.moment_field(
        "When the interview was offered",
        messages={
            "required": "Enter when the interview was offered",
            "invalid": "Enter when the interview was offered as a real date and time",
        },
    )
    offered_to = f.radio_field(
        "Offered to",
        codes.OfferedTo.choices,
        error_messages={"required": "Select who the interview was offered to"},
    )
    method = f.radio_field(
        "How", codes.ContactMethod.choices, error_messages={"required": "Select how"}
    )


class AttemptChangeForm(CorrectionForm):
    attempted_at = f.moment_field(
        "When contact was attempted",
        messages={
            "required": "Enter when contact was attempted",
            "invalid": "Enter when contact was attempted as a real date and time",
        },
    )
    method = f.radio_field(
        "How", codes.ContactMethod.choices, error_messages={"required": "Select how"}
    )
    successful = f.yes_no_field(
        "Was contact made?", messages={"required": "Select yes if contact was made"}
    )
    note = f.text_area("Note (optional)")


def _shareable() -> forms.Field:
    field = f.shareable_field()
    field.error_messages["invalid_choice"] = "Select yes or no"
    return field


class PlaceChangeForm(CorrectionForm):
    description = forms.CharField(
        label="The place",
        max_length=200,
        error_messages=_messages("place", limit=200, required="Describe the place"),
    )
    postcode = forms.CharField(
        label="Postcode (optional)",
        required=False,
        max_length=20,
        help_text="If known. For example, ZZ1 1AA",
        error_messages={"max_length": "Enter a postcode in the right shape, like ZZ1 1AA"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    when = forms.CharField(
        label="When the child was there (optional)",
        required=False,
        max_length=200,
        error_messages={"max_length": "When must be 200 characters or fewer"},
    )
    shareable = _shareable()


class AdultChangeForm(CorrectionForm):
    description = f.text_area(
        "The adult",
        required=True,
        help_text="A name, nickname or description, as the child gave it.",
        messages={"required": "Give the adult's name, nickname or description"},
    )
    shareable = _shareable()


class VehicleChangeForm(CorrectionForm):
    description = forms.CharField(
        label="The vehicle",
        max_length=200,
        error_messages=_messages(
            "vehicle", limit=200, required="Describe the vehicle: make, model or colour"
        ),
    )
    registration = forms.CharField(
        label="Registration (optional)",
        required=False,
        max_length=20,
        error_messages={"max_length": "The registration must be 20 characters or fewer"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    shareable = _shareable()


class ReferralChangeForm(CorrectionForm):
    service = forms.CharField(
        label="Service referred to",
        max_length=200,
        error_messages=_messages(
            "service", limit=200, required="Say which service the child was referred to"
        ),
    )
    made_on = f.date_field(
        "When the referral was made",
        messages={
            "required": "Enter when the referral was made",
            "invalid": "Enter when the referral was made as a real date",
        },
    )
    outcome = forms.CharField(
        label="Outcome (optional)",
        required=False,
        max_length=200,
        error_messages={"max_length": "The outcome must be 200 characters or fewer"},
    )


#: An interview's parts: their change forms, by the kind `corrections.PARTS` names.
PART_FORMS: dict[str, type[CorrectionForm]] = {
    "offer": OfferChangeForm,
    "attempt": AttemptChangeForm,
    "place": PlaceChangeForm,
    "adult": AdultChangeForm,
    "vehicle": VehicleChangeForm,
    "referral": ReferralChangeForm,
}


def part_initial(kind: str, instance: Any) -> dict[str, Any]:
    """A part's fields as they are now, as its form takes them."""
    form = PART_FORMS[kind]
    initial = {}
    for name in form.base_fields:
        value = getattr(instance, name)
        if name == "successful":
            value = f.yes_no_value(value)
        elif name == "shareable":
            value = "yes" if value else "no"
        initial[name] = value if value is not None else ""
    return initial

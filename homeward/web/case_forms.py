"""The forms of the daily-work pages: what a person types, checked for shape only.

Business rules (a return after the start, a late write-up needs a reason, who may do what)
live in `homeward.cases.services`; the views turn the services' `ValidationError`s into
errors on these forms. Every field is drawn as a GOV.UK field by the site's form renderer.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from django import forms
from django.utils import timezone

from homeward.accounts.models import User
from homeward.cases import codes, services
from homeward.cases.models import Episode
from homeward.formats.dates import day_text, moment_text
from homeward.organisations.models import Authority, Organisation
from homeward.organisations.selectors import allocatable_organisations, allocatable_workers
from homeward.web.forms import (
    DATE_EXAMPLE,
    MOMENT_EXAMPLE,
    GovukDateField,
    GovukForm,
    GovukMomentField,
    date_hint,
)


def uk_time(moment: datetime | None) -> str:
    """A moment as the pages show it, in UK time: "6 December 2026 at 2:50pm"."""
    if moment is None:
        return ""
    return moment_text(timezone.localtime(moment))


def uk_day(day: date | None) -> str:
    """A day as the pages show it: "6 December 2026"."""
    return "" if day is None else day_text(day)


def moment_field(
    label: str,
    *,
    required: bool = True,
    help_text: str = "",
    messages: Mapping[str, str] | None = None,
    past: bool = False,
) -> GovukMomentField:
    """A date and time: the GOV.UK date input (day, month, year) and a time box ("14:50" or
    "2:50pm"), cleaned to an aware datetime in UK time (Europe/London).

    `messages`: the field's own error messages. Give "required" as "Enter <the date>" ("Enter
    the date and time the child returned") and the others name the date the same way ("The
    date and time the child returned must include a month", "… must be a real date", "… must
    be a real time"); any of them ("invalid", "incomplete", "time", "past", …) may be given
    too (see `homeward.web.forms.GovukDateField`). `past`: refuse a moment after now."""
    return GovukMomentField(
        label=label,
        required=required,
        past=past,
        error_messages=dict(messages or {}),
        help_text=date_hint(help_text, MOMENT_EXAMPLE),
    )


def date_field(
    label: str,
    *,
    required: bool = True,
    help_text: str = "",
    messages: Mapping[str, str] | None = None,
    past: bool = False,
) -> GovukDateField:
    """A day: the GOV.UK date input (day, month and year boxes), cleaned to a `date`.
    `messages` as for `moment_field`; `past`: refuse a day after today."""
    return GovukDateField(
        label=label,
        required=required,
        past=past,
        error_messages=dict(messages or {}),
        help_text=date_hint(help_text, DATE_EXAMPLE),
    )


YES_NO = [("yes", "Yes"), ("no", "No")]
YES_NO_UNKNOWN = [("yes", "Yes"), ("no", "No"), ("", "Not known")]


def _to_bool(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def yes_no_value(value: bool | None) -> str:
    """A stored yes/no/unknown as the form's radio value."""
    return "" if value is None else ("yes" if value else "no")


def yes_no_label(value: bool | None) -> str:
    return "Not known" if value is None else ("Yes" if value else "No")


def _first_lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def yes_no_field(
    label: str,
    *,
    unknown: bool = False,
    help_text: str = "",
    messages: Mapping[str, str] | None = None,
) -> forms.Field:
    """Yes or no (or not known). `messages`: the field's own error messages ("required":
    "Select yes if …", "Select whether …")."""
    return forms.TypedChoiceField(
        label=label,
        error_messages={
            "required": f"Select yes or no for ‘{label}’",
            "invalid_choice": f"Select yes or no for ‘{label}’",
            **(messages or {}),
        },
        choices=YES_NO_UNKNOWN if unknown else YES_NO,
        coerce=_to_bool,
        empty_value=None,
        required=not unknown,
        help_text=help_text,
        widget=forms.RadioSelect,
    )


#: The question of an episode's whereabouts (the SSDA903's A or M).
WHEREABOUTS_LABEL = "Were the child's whereabouts known while they were away?"


def whereabouts_field() -> forms.Field:
    """Yes, no or not known: were the child's whereabouts known while they were away? The
    DfE's return counts a child away without permission whose whereabouts were known (A)
    apart from a child missing (M)."""
    return yes_no_field(
        WHEREABOUTS_LABEL,
        unknown=True,
        help_text="Yes if you knew where the child was while they were away without "
        "permission. No if nobody knew where they were. The DfE's return on looked-after "
        "children counts these differently.",
        messages={
            "required": "Select whether the child's whereabouts were known while they were away",
            "invalid_choice": "Select yes if the child's whereabouts were known while they "
            "were away, no if they were not, or not known",
        },
    )


def radio_field(
    label: str,
    choices: Any,
    *,
    required: bool = True,
    messages: Mapping[str, str] | None = None,
    **extra: Any,
) -> forms.Field:
    """One of a few choices, as radios. `messages`: the field's own error messages
    ("required": "Select who declined")."""
    extra_messages = dict(extra.pop("error_messages", None) or {})
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=required,
        widget=forms.RadioSelect,
        error_messages={
            "required": f"Select an answer for ‘{label}’",
            "invalid_choice": f"Select one of the answers given for ‘{label}’",
            **extra_messages,
            **(messages or {}),
        },
        **extra,
    )


def text_area(
    label: str,
    *,
    required: bool = False,
    help_text: str = "",
    messages: Mapping[str, str] | None = None,
    max_length: int | None = None,
) -> forms.CharField:
    """Free text. `messages`: the field's own error messages ("required": "Enter what was
    shared", "max_length")."""
    plain = label.replace("(optional)", "").strip()
    defaults = {
        "required": f"Enter {_first_lower(plain)}",
        "null_characters_not_allowed": f"‘{plain}’ must not contain null characters",
    }
    if max_length is not None:
        defaults["max_length"] = f"‘{plain}’ must be {max_length:,} characters or fewer"
    return forms.CharField(
        label=label,
        error_messages={**defaults, **(messages or {})},
        required=required,
        help_text=help_text,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def text_field(
    label: str,
    *,
    required: bool = True,
    max_length: int = 200,
    help_text: str = "",
    messages: Mapping[str, str] | None = None,
    **extra: Any,
) -> forms.CharField:
    """A line of text. `messages`: its own error messages ("required": "Enter the place");
    the one for too long an answer names it by its label unless given."""
    plain = label.replace("(optional)", "").strip()
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        error_messages={
            "required": f"Enter {_first_lower(plain)}",
            "max_length": f"‘{plain}’ must be {max_length:,} characters or fewer",
            "null_characters_not_allowed": f"‘{plain}’ must not contain null characters",
            **(messages or {}),
        },
        **extra,
    )


def _blank_first(choices: Any, label: str) -> list[tuple[str, str]]:
    return [("", label), *choices]


# --- search and children ------------------------------------------------------------------


class SearchForm(GovukForm):
    name = text_field(
        "Name",
        required=False,
        help_text="First name and surname, or an alias. Spelling need not be exact.",
    )
    date_of_birth = date_field(
        "Date of birth",
        required=False,
        help_text="Children whose day and month are the other way round are found too.",
        messages={"required": "Enter the date of birth", "name": "Date of birth"},
    )
    identifier = text_field(
        "Reference or postcode",
        required=False,
        max_length=50,
        help_text="A child, episode or interview reference, a police reference or a postcode.",
    )

    def has_terms(self) -> bool:
        data = self.cleaned_data
        return bool(data.get("name") or data.get("date_of_birth") or data.get("identifier"))


class AuthorityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Authority) -> str:
        return str(obj)


# --- a child's care: the same fields on the new child's form and the care form ---------------


def legal_status_field(*, initial: str | None = None) -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Legal status",
        choices=codes.LegalStatus.choices,
        initial=initial,
        error_messages={
            "required": "Select the child's legal status",
            "invalid_choice": "Select the child's legal status from the list",
        },
    )


def placement_type_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Placement type",
        choices=_blank_first(codes.PlacementType.choices, "Not placed"),
        required=False,
        help_text="Only for a looked-after child.",
        error_messages={"invalid_choice": "Select the placement type from the list"},
    )


def looked_after_since_field() -> forms.DateField:
    return date_field(
        "Looked after since (optional)",
        required=False,
        past=True,
        help_text="When the current period of care began: needed for the SSDA903 return.",
        messages={"required": "Enter the date the current period of care began"},
    )


def upn_field() -> forms.CharField:
    return text_field(
        "Unique pupil number (optional)",
        required=False,
        max_length=13,
        help_text="The DfE unique pupil number, 13 characters, for the SSDA903 return.",
        messages={"max_length": "The unique pupil number must be 13 characters"},
    )


def _authority_field(label: str, *, required: bool, **extra: Any) -> AuthorityChoiceField:
    which = _first_lower(label.replace("(optional)", "").strip())
    return AuthorityChoiceField(
        label=label,
        queryset=Authority.objects.all(),
        required=required,
        error_messages={
            "required": f"Select the {which}",
            "invalid_choice": f"Select one of the authorities listed as the {which}",
        },
        **extra,
    )


class ChildForm(GovukForm):
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
        help_text="Names or nicknames the child is known by, separated by commas.",
    )
    date_of_birth = date_field(
        "Date of birth",
        required=False,
        past=True,
        help_text="Leave blank if unknown.",
        messages={"required": "Enter the date of birth", "name": "Date of birth"},
    )
    sex = radio_field(
        "Sex",
        codes.Sex.choices,
        initial=codes.Sex.UNKNOWN,
        messages={"required": "Select the child's sex, or not known"},
    )
    ethnicity = forms.ChoiceField(
        label="Ethnicity",
        choices=codes.Ethnicity.choices,
        initial=codes.Ethnicity.NOBT,
        error_messages={
            "required": "Select the child's ethnicity, or information not yet obtained",
            "invalid_choice": "Select the child's ethnicity from the list",
        },
    )
    address = text_area("Address (optional)", help_text="Seen only by those who work the case.")
    postcode = text_field("Postcode (optional)", required=False, max_length=8)
    legal_status = legal_status_field(initial=codes.LegalStatus.NONE)
    placement_type = placement_type_field()
    looked_after_since = looked_after_since_field()
    upn = upn_field()
    responsible_authority = _authority_field(
        "Responsible authority", required=True, empty_label=None
    )
    host_authority = _authority_field(
        "Host authority (optional)",
        required=False,
        empty_label="Not placed out of area",
        help_text="Where the child lives, when placed in another authority's area.",
    )
    social_worker = text_field("Social worker (optional)", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        home = Authority.objects.filter(is_home=True).first()
        if home is not None:
            self.fields["responsible_authority"].initial = home.pk

    def service_arguments(self) -> dict[str, Any]:
        values = dict(self.cleaned_data)
        values["aliases"] = [a.strip() for a in values["aliases"].split(",") if a.strip()]
        return values


class CareForm(GovukForm):
    """A child's care as it is now (`services.child_record_care`)."""

    legal_status = legal_status_field()
    placement_type = placement_type_field()
    looked_after_since = looked_after_since_field()
    upn = upn_field()


# --- episodes ------------------------------------------------------------------------------


class PoliceForceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return obj.name


RETURNED_MESSAGES = {"required": "Enter the date and time the child returned or was found"}
NOTIFIED_MESSAGES = {"required": "Enter the date and time the authority was told of the return"}


class EpisodeForm(GovukForm):
    category = radio_field(
        "Category",
        codes.Category.choices,
        help_text="As the police recorded it: older records use absent.",
        messages={"required": "Select whether the child was missing or absent"},
    )
    missing_from = radio_field(
        "Missing from",
        codes.MissingFrom.choices,
        messages={"required": "Select whether the child went missing from home or care"},
    )
    whereabouts_known = whereabouts_field()
    started_at = moment_field(
        "When the child went missing",
        past=True,
        messages={"required": "Enter the date and time the child went missing"},
    )
    reported_to_police_at = moment_field(
        "Reported to the police (optional)",
        required=False,
        past=True,
        messages={"required": "Enter the date and time the child was reported to the police"},
    )
    returned_at = moment_field(
        "Returned or found (optional)",
        required=False,
        past=True,
        help_text="Leave blank while the child is still missing.",
        messages=RETURNED_MESSAGES,
    )
    notified_at = moment_field(
        "When the authority was told of the return (optional)",
        required=False,
        past=True,
        messages=NOTIFIED_MESSAGES,
    )
    police_force = PoliceForceField(
        label="Police force (optional)",
        queryset=Organisation.objects.filter(kind=Organisation.Kind.POLICE_FORCE),
        required=False,
        empty_label="Not known",
        error_messages={"invalid_choice": "Select the police force from the list"},
    )
    police_reference = text_field("Police reference (optional)", required=False, max_length=50)
    risk_grade = forms.ChoiceField(
        label="Police risk grade",
        choices=_blank_first(codes.RiskGrade.choices, "Not graded"),
        required=False,
        error_messages={"invalid_choice": "Select the police risk grade from the list"},
    )
    circumstances = text_area("Circumstances (optional)")
    last_seen_where = text_field("Where last seen (optional)", required=False)
    found_where = text_field("Where found (optional)", required=False)
    found_by = text_field("Found by (optional)", required=False)


class EpisodeReturnForm(GovukForm):
    returned_at = moment_field(
        "When the child returned or was found", past=True, messages=RETURNED_MESSAGES
    )
    notified_at = moment_field(
        "When the authority was told of the return (optional)",
        required=False,
        past=True,
        messages=NOTIFIED_MESSAGES,
    )
    found_where = text_field("Where found (optional)", required=False)
    found_by = text_field("Found by (optional)", required=False)


# --- allocation ----------------------------------------------------------------------------


class EpisodeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Episode) -> str:
        label = (
            f"{obj.reference}: {obj.get_category_display()} from "
            f"{obj.get_missing_from_display().lower()}, returned {uk_time(obj.returned_at)}"
        )
        if obj.due_at:
            label += f", due {uk_time(obj.due_at)}"
        return label


class OrganisationField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return f"{obj.name} ({obj.get_kind_display().lower()})"


class WorkerField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj} ({obj.organisation})"


class AllocateForm(GovukForm):
    episodes = EpisodeChoiceField(
        label="Episodes this interview covers",
        queryset=Episode.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select at least one episode",
            "invalid_choice": "Select episodes from the list: one of them was changed",
            "invalid_list": "Select episodes from the list",
            "invalid_pk_value": "Select episodes from the list",
        },
    )
    organisation = OrganisationField(
        label="Organisation",
        queryset=allocatable_organisations(),
        help_text="The authority's own team, or a commissioned provider.",
        empty_label=None,
        error_messages={
            "required": "Select the organisation that will hold the interview",
            "invalid_choice": "Select the organisation from the list",
        },
    )
    worker = WorkerField(
        label="Worker (optional)",
        queryset=allocatable_workers(),
        required=False,
        empty_label="Not yet chosen",
        error_messages={"invalid_choice": "Select the worker from the list"},
    )
    interviewer_independent = yes_no_field(
        "Is the interviewer independent of the child's care?",
        messages={"required": "Select yes if the interviewer is independent of the child's care"},
    )
    chosen_by_child = yes_no_field(
        "Did the child choose the interviewer?",
        messages={"required": "Select yes if the child chose the interviewer"},
    )

    def __init__(self, *args: Any, episodes: Any, suggested: User | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["episodes"].queryset = episodes
        self.fields["episodes"].initial = [e.pk for e in episodes]
        if suggested is not None:
            self.fields["worker"].initial = suggested.pk
            self.fields["worker"].help_text = f"Suggested: {suggested} saw this child last time."
            self.fields["organisation"].initial = suggested.organisation_id


# --- the interview -------------------------------------------------------------------------

METHOD_REQUIRED = "Select how contact was made or attempted"


class OfferForm(GovukForm):
    offered_at = moment_field(
        "When the interview was offered",
        past=True,
        messages={"required": "Enter the date and time the interview was offered"},
    )
    offered_to = radio_field(
        "Offered to",
        codes.OfferedTo.choices,
        messages={"required": "Select who the interview was offered to"},
    )
    method = radio_field(
        "How",
        codes.ContactMethod.choices,
        messages={"required": "Select how the interview was offered"},
    )


class AttemptForm(GovukForm):
    attempted_at = moment_field(
        "When contact was attempted",
        past=True,
        messages={"required": "Enter the date and time contact was attempted"},
    )
    method = radio_field(
        "How",
        codes.ContactMethod.choices,
        messages={"required": "Select how contact was attempted"},
    )
    successful = yes_no_field(
        "Was contact made?", messages={"required": "Select yes if contact was made"}
    )
    note = text_area("Note (optional)")


class DeclineForm(GovukForm):
    declined_by = radio_field(
        "Who declined", codes.DeclinedBy.choices, messages={"required": "Select who declined"}
    )
    reason_code = radio_field(
        "Why they declined",
        codes.DeclineReason.choices,
        messages={"required": "Select why they declined"},
    )
    reason = text_area(
        "Their reason, in their words",
        required=True,
        messages={"required": "Enter their reason for declining, in their words"},
    )


class ConfirmForm(GovukForm):
    """A confirmation page: nothing to type, only a button to press."""


class WriteUpForm(GovukForm):
    expected_version = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={
            "required": "Open the write-up again from the interview page, then save it",
            "invalid": "Open the write-up again from the interview page, then save it",
        },
    )
    held_at = moment_field(
        "When the interview was held",
        past=True,
        messages={"required": "Enter the date and time the interview was held"},
    )
    held_where = text_field("Where (optional)", required=False)
    push_factors = text_area(
        "Push factors", help_text="What at home or in care led the child to go."
    )
    pull_factors = text_area("Pull factors", help_text="Who or what drew the child away.")
    whereabouts = text_area("Where and with whom the child was")
    harms = forms.MultipleChoiceField(
        label="Harms the child disclosed",
        choices=codes.Harm.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
        error_messages={
            "invalid_choice": "Select the harms the child disclosed from the list",
            "invalid_list": "Select the harms the child disclosed from the list",
        },
    )
    child_words = text_area("The child's words", help_text="What the child said, as they said it.")
    child_wishes = text_area("What the child wants to happen")
    follow_up_offered = yes_no_field("Was follow-up support offered?", unknown=True)
    follow_up_taken_up = yes_no_field("Was follow-up support taken up?", unknown=True)
    safety_plan_updated = yes_no_field("Was the safety or care plan updated?", unknown=True)
    late_reason_code = radio_field(
        "Why the interview was late",
        codes.LateReason.choices,
        required=False,
        help_text="Needed when the interview was held after it was due.",
    )
    late_reason = text_area(
        "What made it late",
        help_text="Needed when the interview was held after it was due.",
    )

    #: The write-up's fields, as the service names them (the version is not one).
    service_fields = services.WRITE_UP_FIELDS

    @staticmethod
    def initial_from(interview: Any) -> dict[str, Any]:
        """What is saved now, to start editing from (an interview not yet written up: empty)."""
        initial: dict[str, Any] = {"expected_version": interview.version}
        if interview.held_at is None:
            if interview.late_reason:
                initial["late_reason"] = interview.late_reason
            if interview.late_reason_code:
                initial["late_reason_code"] = interview.late_reason_code
            return initial
        for name in WriteUpForm.service_fields:
            value = getattr(interview, name)
            if name in ("follow_up_offered", "follow_up_taken_up", "safety_plan_updated"):
                value = yes_no_value(value)
            initial[name] = value if value is not None else ""
        return initial


class ShareForm(GovukForm):
    recipient = radio_field(
        "Shared with",
        codes.ShareRecipient.choices,
        messages={"required": "Select who the information was shared with"},
    )
    shared_at = moment_field(
        "When it was shared",
        past=True,
        messages={"required": "Enter the date and time the information was shared"},
    )
    basis = radio_field(
        "The basis for sharing",
        codes.ShareBasis.choices,
        messages={"required": "Select the basis for sharing"},
    )
    detail = text_area(
        "What was shared", required=True, messages={"required": "Enter what was shared"}
    )


class LateReasonForm(GovukForm):
    reason_code = radio_field(
        "Why the interview was late",
        codes.LateReason.choices,
        messages={"required": "Select why the interview was late"},
    )
    reason = text_area(
        "What happened", required=True, messages={"required": "Enter what made the interview late"}
    )


class SignOffForm(GovukForm):
    note = text_area("Note (optional)", help_text="Anything the worker should know.")


# --- places, adults, referrals and risks --------------------------------------------------


def shareable_field() -> forms.Field:
    """Whether a finding may go to the police as intelligence: no unless someone says yes."""
    return forms.TypedChoiceField(
        label="Can this be shared with the police as intelligence?",
        choices=YES_NO,
        coerce=_to_bool,
        empty_value=False,
        required=False,
        initial="no",
        help_text="Only what is marked shareable is ever sent to the police.",
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select yes if this can be shared with the police"},
    )


class PlaceForm(GovukForm):
    description = text_field(
        "The place",
        help_text="As the child described it: a flat above the takeaway, the park by the station.",
        messages={"required": "Enter the place, as the child described it"},
    )
    postcode = text_field(
        "Postcode (optional)",
        required=False,
        max_length=20,
        help_text="If known. For example, ZZ1 1AA",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    when = text_field(
        "When the child was there (optional)",
        required=False,
        help_text="As the child said it: last Friday night, most weekends since the summer.",
    )
    shareable = shareable_field()


class AdultForm(GovukForm):
    description = text_area(
        "The adult",
        required=True,
        help_text="A name, nickname or description, as the child gave it.",
        messages={"required": "Enter a name, nickname or description of the adult"},
    )
    shareable = shareable_field()


class VehicleForm(GovukForm):
    description = text_field(
        "The vehicle",
        help_text="Make, model and colour, as the child gave them: a black hatchback.",
        messages={"required": "Enter the vehicle, as the child described it"},
    )
    registration = text_field(
        "Registration (optional)",
        required=False,
        max_length=20,
        help_text="All or part of it, if known.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    shareable = shareable_field()


class ReferralForm(GovukForm):
    service = text_field(
        "Service referred to",
        help_text="For example, the exploitation team, CAMHS, a substance misuse service.",
        messages={"required": "Enter the service the child was referred to"},
    )
    made_on = date_field(
        "When the referral was made",
        past=True,
        messages={"required": "Enter the date the referral was made"},
    )
    outcome = text_field(
        "Outcome (optional)",
        required=False,
        help_text="Leave blank until the service answers.",
    )


class ReferralOutcomeForm(GovukForm):
    outcome = text_field(
        "Outcome",
        help_text="What came of the referral: accepted, on a waiting list, closed, …",
        messages={"required": "Enter what came of the referral"},
    )


class RiskFlagForm(GovukForm):
    kind = radio_field("Risk", codes.RiskKind.choices, messages={"required": "Select the risk"})
    noted_on = date_field(
        "When the risk was noted",
        past=True,
        messages={"required": "Enter the date the risk was noted"},
    )
    source = text_field(
        "Who raised it",
        help_text="For example, police, school, social worker, the return interview.",
        messages={"required": "Enter who raised the risk"},
    )


class RiskEndForm(GovukForm):
    ended_on = date_field(
        "When the risk ended",
        past=True,
        messages={"required": "Enter the date the risk ended"},
    )


def display_value(value: Any) -> str:
    """A stored or typed value as the pages show it."""
    if value is None or value == "" or value == []:
        return "Nothing entered"
    if isinstance(value, bool):
        return yes_no_label(value)
    if isinstance(value, datetime):
        return uk_time(value)
    if isinstance(value, date):
        return day_text(value)
    if isinstance(value, list | tuple):
        return ", ".join(harm_label(v) for v in value)
    return str(value)


def harm_label(code: str) -> str:
    try:
        return codes.Harm(code).label
    except ValueError:
        return code

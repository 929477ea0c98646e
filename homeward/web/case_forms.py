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
from homeward.organisations.models import Authority, Organisation
from homeward.organisations.selectors import allocatable_organisations, allocatable_workers

#: How a moment is shown everywhere on these pages (UK wall-clock time).
UK_TIME = "D j M Y H:i"


def uk_time(moment: datetime | None) -> str:
    """A moment as a UK wall clock shows it, e.g. "Thu 5 Nov 2026 09:30"."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return f"{local:%a} {local.day} {local:%b %Y %H:%M}"


def moment_field(
    label: str,
    *,
    required: bool = True,
    help_text: str = "",
    messages: Mapping[str, str] | None = None,
) -> forms.DateTimeField:
    """A date and time, typed in UK time (Django makes it aware in Europe/London).
    `messages`: the field's own error messages ("required", "invalid"), written for it."""
    return forms.DateTimeField(
        label=label,
        required=required,
        error_messages=dict(messages or {}),
        help_text=help_text or "For example, 2026-11-05 09:30",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


def date_field(
    label: str,
    *,
    required: bool = True,
    help_text: str = "",
    messages: Mapping[str, str] | None = None,
) -> forms.DateField:
    """A day. `messages`: the field's own error messages ("required", "invalid")."""
    return forms.DateField(
        label=label,
        required=required,
        error_messages=dict(messages or {}),
        help_text=help_text or "For example, 2012-03-27",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
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


def yes_no_field(
    label: str,
    *,
    unknown: bool = False,
    help_text: str = "",
    messages: Mapping[str, str] | None = None,
) -> forms.Field:
    """Yes or no (or not known). `messages`: the field's own error messages ("required")."""
    return forms.TypedChoiceField(
        label=label,
        error_messages=dict(messages or {}),
        choices=YES_NO_UNKNOWN if unknown else YES_NO,
        coerce=_to_bool,
        empty_value=None,
        required=not unknown,
        help_text=help_text,
        widget=forms.RadioSelect,
    )


def radio_field(label: str, choices: Any, *, required: bool = True, **extra: Any) -> forms.Field:
    return forms.ChoiceField(
        label=label, choices=choices, required=required, widget=forms.RadioSelect, **extra
    )


def text_area(
    label: str,
    *,
    required: bool = False,
    help_text: str = "",
    messages: Mapping[str, str] | None = None,
) -> forms.CharField:
    """Free text. `messages`: the field's own error messages ("required", "max_length")."""
    return forms.CharField(
        label=label,
        error_messages=dict(messages or {}),
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def _blank_first(choices: Any, label: str) -> list[tuple[str, str]]:
    return [("", label), *choices]


# --- search and children ------------------------------------------------------------------


class SearchForm(forms.Form):
    name = forms.CharField(
        label="Name",
        required=False,
        max_length=200,
        help_text="First name and surname, or an alias. Spelling need not be exact.",
    )
    date_of_birth = date_field(
        "Date of birth",
        required=False,
        help_text="Children whose day and month are the other way round are found too.",
    )
    identifier = forms.CharField(
        label="Reference or postcode",
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
        label="Legal status", choices=codes.LegalStatus.choices, initial=initial
    )


def placement_type_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Placement type",
        choices=_blank_first(codes.PlacementType.choices, "Not placed"),
        required=False,
        help_text="Only for a looked-after child.",
    )


def looked_after_since_field() -> forms.DateField:
    return date_field(
        "Looked after since (optional)",
        required=False,
        help_text="When the current period of care began: needed for the SSDA903 return.",
    )


def upn_field() -> forms.CharField:
    return forms.CharField(
        label="Unique pupil number (optional)",
        required=False,
        max_length=13,
        help_text="The DfE unique pupil number, 13 characters, for the SSDA903 return.",
    )


class ChildForm(forms.Form):
    first_name = forms.CharField(label="First name", max_length=100)
    last_name = forms.CharField(label="Last name", max_length=100)
    aliases = forms.CharField(
        label="Other names (optional)",
        required=False,
        max_length=1000,
        help_text="Names or nicknames the child is known by, separated by commas.",
    )
    date_of_birth = date_field("Date of birth", required=False, help_text="Leave blank if unknown.")
    sex = radio_field("Sex", codes.Sex.choices, initial=codes.Sex.UNKNOWN)
    ethnicity = forms.ChoiceField(
        label="Ethnicity", choices=codes.Ethnicity.choices, initial=codes.Ethnicity.NOBT
    )
    address = text_area("Address (optional)", help_text="Seen only by those who work the case.")
    postcode = forms.CharField(label="Postcode (optional)", required=False, max_length=8)
    legal_status = legal_status_field(initial=codes.LegalStatus.NONE)
    placement_type = placement_type_field()
    looked_after_since = looked_after_since_field()
    upn = upn_field()
    responsible_authority = AuthorityChoiceField(
        label="Responsible authority", queryset=Authority.objects.all(), empty_label=None
    )
    host_authority = AuthorityChoiceField(
        label="Host authority (optional)",
        queryset=Authority.objects.all(),
        required=False,
        empty_label="Not placed out of area",
        help_text="Where the child lives, when placed in another authority's area.",
    )
    social_worker = forms.CharField(
        label="Social worker (optional)", required=False, max_length=200
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        home = Authority.objects.filter(is_home=True).first()
        if home is not None:
            self.fields["responsible_authority"].initial = home.pk

    def service_arguments(self) -> dict[str, Any]:
        values = dict(self.cleaned_data)
        values["aliases"] = [a.strip() for a in values["aliases"].split(",") if a.strip()]
        return values


class CareForm(forms.Form):
    """A child's care as it is now (`services.child_record_care`)."""

    legal_status = legal_status_field()
    placement_type = placement_type_field()
    looked_after_since = looked_after_since_field()
    upn = upn_field()


# --- episodes ------------------------------------------------------------------------------


class PoliceForceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return obj.name


class EpisodeForm(forms.Form):
    category = radio_field(
        "Category",
        codes.Category.choices,
        help_text="As the police recorded it: older records use absent.",
    )
    missing_from = radio_field("Missing from", codes.MissingFrom.choices)
    started_at = moment_field("When the child went missing")
    reported_to_police_at = moment_field("Reported to the police (optional)", required=False)
    returned_at = moment_field(
        "Returned or found (optional)",
        required=False,
        help_text="Leave blank while the child is still missing. For example, 2026-11-05 09:30",
    )
    notified_at = moment_field(
        "When the authority was told of the return (optional)", required=False
    )
    police_force = PoliceForceField(
        label="Police force (optional)",
        queryset=Organisation.objects.filter(kind=Organisation.Kind.POLICE_FORCE),
        required=False,
        empty_label="Not known",
    )
    police_reference = forms.CharField(
        label="Police reference (optional)", required=False, max_length=50
    )
    risk_grade = forms.ChoiceField(
        label="Police risk grade",
        choices=_blank_first(codes.RiskGrade.choices, "Not graded"),
        required=False,
    )
    circumstances = text_area("Circumstances (optional)")
    last_seen_where = forms.CharField(
        label="Where last seen (optional)", required=False, max_length=200
    )
    found_where = forms.CharField(label="Where found (optional)", required=False, max_length=200)
    found_by = forms.CharField(label="Found by (optional)", required=False, max_length=200)


class EpisodeReturnForm(forms.Form):
    returned_at = moment_field("When the child returned or was found")
    notified_at = moment_field(
        "When the authority was told of the return (optional)", required=False
    )
    found_where = forms.CharField(label="Where found (optional)", required=False, max_length=200)
    found_by = forms.CharField(label="Found by (optional)", required=False, max_length=200)


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


class AllocateForm(forms.Form):
    episodes = EpisodeChoiceField(
        label="Episodes this interview covers",
        queryset=Episode.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one episode"},
    )
    organisation = OrganisationField(
        label="Organisation",
        queryset=allocatable_organisations(),
        help_text="The authority's own team, or a commissioned provider.",
        empty_label=None,
    )
    worker = WorkerField(
        label="Worker (optional)",
        queryset=allocatable_workers(),
        required=False,
        empty_label="Not yet chosen",
    )
    interviewer_independent = yes_no_field("Is the interviewer independent of the child's care?")
    chosen_by_child = yes_no_field("Did the child choose the interviewer?")

    def __init__(self, *args: Any, episodes: Any, suggested: User | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["episodes"].queryset = episodes
        self.fields["episodes"].initial = [e.pk for e in episodes]
        if suggested is not None:
            self.fields["worker"].initial = suggested.pk
            self.fields["worker"].help_text = f"Suggested: {suggested} saw this child last time."
            self.fields["organisation"].initial = suggested.organisation_id


# --- the interview -------------------------------------------------------------------------


class OfferForm(forms.Form):
    offered_at = moment_field("When the interview was offered")
    offered_to = radio_field("Offered to", codes.OfferedTo.choices)
    method = radio_field("How", codes.ContactMethod.choices)


class AttemptForm(forms.Form):
    attempted_at = moment_field("When contact was attempted")
    method = radio_field("How", codes.ContactMethod.choices)
    successful = yes_no_field("Was contact made?")
    note = text_area("Note (optional)")


class DeclineForm(forms.Form):
    declined_by = radio_field("Who declined", codes.DeclinedBy.choices)
    reason_code = radio_field("Why they declined", codes.DeclineReason.choices)
    reason = text_area("Their reason, in their words", required=True)


class ConfirmForm(forms.Form):
    """A confirmation page: nothing to type, only a button to press."""


class WriteUpForm(forms.Form):
    expected_version = forms.IntegerField(widget=forms.HiddenInput)
    held_at = moment_field("When the interview was held")
    held_where = forms.CharField(label="Where (optional)", required=False, max_length=200)
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


class ShareForm(forms.Form):
    recipient = radio_field("Shared with", codes.ShareRecipient.choices)
    shared_at = moment_field("When it was shared")
    basis = radio_field("The basis for sharing", codes.ShareBasis.choices)
    detail = text_area("What was shared", required=True)


class LateReasonForm(forms.Form):
    reason_code = radio_field("Why the interview was late", codes.LateReason.choices)
    reason = text_area("What happened", required=True)


class SignOffForm(forms.Form):
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
    )


class PlaceForm(forms.Form):
    description = forms.CharField(
        label="The place",
        max_length=200,
        help_text="As the child described it: a flat above the takeaway, the park by the station.",
    )
    postcode = forms.CharField(
        label="Postcode (optional)",
        required=False,
        max_length=20,
        help_text="If known. For example, ZZ1 1AA",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    when = forms.CharField(
        label="When the child was there (optional)",
        required=False,
        max_length=200,
        help_text="As the child said it: last Friday night, most weekends since the summer.",
    )
    shareable = shareable_field()


class AdultForm(forms.Form):
    description = text_area(
        "The adult",
        required=True,
        help_text="A name, nickname or description, as the child gave it.",
    )
    shareable = shareable_field()


class VehicleForm(forms.Form):
    description = forms.CharField(
        label="The vehicle",
        max_length=200,
        help_text="Make, model and colour, as the child gave them: a black hatchback.",
    )
    registration = forms.CharField(
        label="Registration (optional)",
        required=False,
        max_length=20,
        help_text="All or part of it, if known.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    shareable = shareable_field()


class ReferralForm(forms.Form):
    service = forms.CharField(
        label="Service referred to",
        max_length=200,
        help_text="For example, the exploitation team, CAMHS, a substance misuse service.",
    )
    made_on = date_field("When the referral was made")
    outcome = forms.CharField(
        label="Outcome (optional)",
        required=False,
        max_length=200,
        help_text="Leave blank until the service answers.",
    )


class ReferralOutcomeForm(forms.Form):
    outcome = forms.CharField(
        label="Outcome",
        max_length=200,
        help_text="What came of the referral: accepted, on a waiting list, closed, …",
    )


class RiskFlagForm(forms.Form):
    kind = radio_field("Risk", codes.RiskKind.choices)
    noted_on = date_field("When the risk was noted")
    source = forms.CharField(
        label="Who raised it",
        max_length=200,
        help_text="For example, police, school, social worker, the return interview.",
    )


class RiskEndForm(forms.Form):
    ended_on = date_field("When the risk ended")


def display_value(value: Any) -> str:
    """A stored or typed value as the pages show it."""
    if value is None or value == "" or value == []:
        return "Nothing entered"
    if isinstance(value, bool):
        return yes_no_label(value)
    if isinstance(value, datetime):
        return uk_time(value)
    if isinstance(value, date):
        return f"{value.day} {value:%B %Y}"
    if isinstance(value, list | tuple):
        return ", ".join(harm_label(v) for v in value)
    return str(value)


def harm_label(code: str) -> str:
    try:
        return codes.Harm(code).label
    except ValueError:
        return code

"""Forms of the exchange's administration: a partner added, its keys replaced, removed."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from django import forms

from homeward.cases import codes
from homeward.formats import exchange as fmt
from homeward.web.case_forms import yes_no_field
from homeward.web.forms import GovukForm, day_field, why_field

#: The longest key set taken in the box (a JWK set of a few keys is under 2 kB).
MAX_KEYS_CHARS = 64 * 1024

KEYS_HELP = (
    "Paste the partner's public key set, as its administrator sends it, or as its instance "
    "publishes it (the published keys link on its Other authorities page)"
)


def _keys_field(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=KEYS_HELP,
        max_length=MAX_KEYS_CHARS,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        error_messages={
            "required": "Paste the partner's public key set",
            "max_length": "The key set must be 65,536 characters or fewer",
        },
    )


def _clean_keys(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except ValueError:
        raise forms.ValidationError(
            'The key set must be JSON, starting with {"keys": [ as the partner sends it'
        ) from None
    try:
        fmt.read_jwks(data)
    except fmt.MessageError as error:
        where = f"{error.field}: " if error.field else ""
        raise forms.ValidationError(f"The key set cannot be used: {where}{error.reason}") from None
    return dict(data)


class PartnerForm(GovukForm):
    code = forms.CharField(
        label="The partner authority's GSS code",
        help_text="A letter and eight digits, for example E08000012",
        max_length=9,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the partner authority's GSS code",
            "max_length": "The GSS code must be a letter and eight digits, like E08000012",
        },
    )
    url = forms.CharField(
        label="The address of its homeward",
        help_text="Starting https://, for example https://homeward.lowmarsh.example",
        max_length=500,
        widget=forms.TextInput(attrs={"spellcheck": "false", "inputmode": "url"}),
        error_messages={
            "required": "Enter the address of the partner's homeward",
            "max_length": "The address must be 500 characters or fewer",
        },
    )
    keys = _keys_field("Its public key set")

    def clean_code(self) -> str:
        code = str(self.cleaned_data["code"]).strip().upper()
        if not fmt.GSS_CODE.match(code):
            raise forms.ValidationError(
                "The GSS code must be a letter and eight digits, like E08000012"
            )
        return code

    def clean_keys(self) -> dict[str, Any]:
        return _clean_keys(self.cleaned_data["keys"])


class ConfirmForm(GovukForm):
    """The check step: the administrator has read the thumbprints to the partner."""

    compared = forms.BooleanField(
        label="I have read these thumbprints to the partner's administrator and they match",
        error_messages={
            "required": "Confirm you have compared the thumbprints with the partner's administrator"
        },
    )


class RotateForm(GovukForm):
    keys = _keys_field("Its new public key set")
    overlap_days = forms.IntegerField(
        label="Days its old keys stay in force",
        help_text="Messages it signed with its old keys are still taken for this long",
        initial=7,
        min_value=0,
        max_value=90,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
        error_messages={
            "required": "Enter how many days the old keys stay in force",
            "invalid": "The days must be a whole number, like 7",
            "min_value": "The days must be 0 or more",
            "max_value": "The days must be 90 or fewer",
        },
    )

    def clean_keys(self) -> dict[str, Any]:
        return _clean_keys(self.cleaned_data["keys"])


class RemoveForm(GovukForm):
    confirm = forms.BooleanField(
        label="Stop exchanging messages with this partner",
        error_messages={"required": "Confirm you want to stop exchanging with this partner"},
    )


class NoticeForm(GovukForm):
    """Which child a partner's notice is about: one the matcher suggests (or the one
    identifiers linked), another by its reference, or a new record."""

    child = forms.ChoiceField(
        label="Which child is this?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select which child this notice is about"},
    )
    reference = forms.CharField(
        label="If another child, their reference",
        help_text="For example, C-000123",
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
        error_messages={"max_length": "The reference must be 20 characters or fewer"},
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["child"].choices = [
            *choices,
            ("other", "Another child: I will give their reference"),
            ("new", "None of these: make a new record of the child"),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("child") == "other" and not data.get("reference", "").strip():
            self.add_error("reference", "Enter the reference of the child this notice is about")
        return data


class PlacementNoticeForm(GovukForm):
    """A placement notice to the host authority: what happened, when, and where."""

    event = forms.ChoiceField(
        label="What are you telling them?",
        choices=[
            ("start", "A placement in their area is starting, or has started"),
            ("change", "A placement in their area has changed"),
            ("end", "A placement in their area has ended"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select what you are telling the host authority"},
    )
    emergency = forms.ChoiceField(
        label="Was it an emergency placement?",
        help_text="An emergency placement is notified within 5 working days of its start; "
        "any other before it starts",
        choices=[("no", "No"), ("yes", "Yes")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether it was an emergency placement"},
    )
    start = day_field(
        "Placement start",
        required=True,
        messages={"required": "Enter the date the placement starts or started"},
    )
    end = day_field("Placement end (if it has ended)")
    ended_at_once = forms.ChoiceField(
        label="If it has ended: was it ended at once to protect the child or others?",
        help_text="Then the host is told within 10 working days of its end; otherwise "
        "before it ends",
        choices=[("no", "No"), ("yes", "Yes")],
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Select whether the placement was ended at once"},
    )
    placement_type = forms.ChoiceField(
        label="Placement type",
        choices=codes.PlacementType.choices,
        error_messages={
            "required": "Select the placement type",
            "invalid_choice": "Select the placement type from the list",
        },
    )
    provider = forms.CharField(
        label="Provider (optional)",
        help_text="The children's home, fostering agency or provider",
        max_length=200,
        required=False,
        error_messages={"max_length": "The provider must be 200 characters or fewer"},
    )
    address = forms.CharField(
        label="Placement address (optional)",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "The address must be 500 characters or fewer"},
    )
    postcode = forms.CharField(
        label="Placement postcode (optional)",
        max_length=8,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
        error_messages={"max_length": "The postcode must be 8 characters or fewer"},
    )
    out_of_hours = forms.CharField(
        label="Out-of-hours contact (optional)",
        help_text="Who the host authority calls about the child out of hours, and how",
        max_length=200,
        required=False,
        error_messages={"max_length": "The out-of-hours contact must be 200 characters or fewer"},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if data.get("event") == "end" and end is None and "end" not in self.errors:
            self.add_error("end", "Enter the date the placement ended")
        if start and end and end < start:
            self.add_error(
                "end", "The date the placement ended must be the same as or after its start"
            )
        return data


def _event_field(home: str) -> forms.ChoiceField:
    """Admitted to, or discharged from, `home` ("this home", "a children's home here")."""
    return forms.ChoiceField(
        label="What happened?",
        choices=[
            ("admission", f"The child was admitted to {home}"),
            ("discharge", f"The child was discharged from {home}"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the child was admitted or discharged"},
    )


class HomeNoticeForm(GovukForm):
    """What every admission or discharge notice states (regulation 41(3)), whoever records
    it."""

    event = _event_field("a children's home here")
    on = day_field(
        "When", required=True, messages={"required": "Enter the date of the admission or discharge"}
    )
    postcode = forms.CharField(
        label="The home’s postcode (optional)",
        max_length=8,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
        error_messages={"max_length": "The postcode must be 8 characters or fewer"},
    )
    accommodated_under = forms.ChoiceField(
        label="Is the child accommodated under section 20 or 21 of the Children Act 1989?",
        choices=[
            ("section_20", "Section 20"),
            ("section_21", "Section 21"),
            ("", "Neither, or not known"),
        ],
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Select section 20, section 21, or neither"},
    )
    care_order = yes_no_field(
        "Is the child subject to a care or supervision order (section 31)?",
        unknown=True,
        messages={
            "invalid_choice": "Select whether the child is subject to a care or supervision order"
        },
    )
    ehc_plan = yes_no_field(
        "Does the child have an education, health and care plan?",
        unknown=True,
        messages={
            "invalid_choice": "Select whether the child has an education, health and care plan"
        },
    )
    iro_contact = forms.CharField(
        label="The independent reviewing officer's contact details (optional)",
        max_length=200,
        required=False,
        error_messages={"max_length": "The contact details must be 200 characters or fewer"},
    )


def _authority_choices() -> list[tuple[str, str]]:
    from homeward.organisations.models import Authority

    return [("", "Select the authority")] + [
        (a.gss_code, a.name) for a in Authority.objects.order_by("name")
    ]


class HomeMovementForm(HomeNoticeForm):
    """A coordinator records a child's admission to, or discharge from, a children's home
    in this area, with what regulation 41(3) asks the notice to state."""

    field_order: ClassVar[list[str]] = ["event", "on", "home_name", "urn"]

    home_name = forms.CharField(
        label="The children's home",
        max_length=200,
        error_messages={
            "required": "Enter the name of the children's home",
            "max_length": "The name must be 200 characters or fewer",
        },
    )
    urn = forms.CharField(
        label="Its Ofsted URN (optional)",
        help_text="Ofsted's unique reference number, for example SC123456",
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
        error_messages={"max_length": "The URN must be 10 characters or fewer"},
    )


class HomeReportForm(HomeNoticeForm):
    """A children's home's staff record an admission or discharge at their home, naming the
    child as they know them."""

    field_order: ClassVar[list[str]] = [
        "given_names",
        "family_name",
        "date_of_birth",
        "responsible",
        "event",
        "on",
    ]

    given_names = forms.CharField(
        label="The child's given names",
        max_length=100,
        error_messages={
            "required": "Enter the child's given names",
            "max_length": "The given names must be 100 characters or fewer",
        },
    )
    family_name = forms.CharField(
        label="The child's family name",
        max_length=100,
        error_messages={
            "required": "Enter the child's family name",
            "max_length": "The family name must be 100 characters or fewer",
        },
    )
    date_of_birth = day_field(
        "Date of birth",
        required=True,
        messages={"required": "Enter the child's date of birth"},
    )
    event = _event_field("this home")
    responsible = forms.ChoiceField(
        label="Which authority placed the child?",
        help_text="The local authority that looks after the child (the placing authority)",
        choices=_authority_choices,
        error_messages={
            "required": "Select the authority that placed the child",
            "invalid_choice": "Select the authority that placed the child",
        },
    )


class HomeReportLinkForm(GovukForm):
    """Which child a children's home's admission or discharge is about."""

    child = forms.ChoiceField(
        label="Which child is it?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the child it is about",
            "invalid_choice": "Select one of the children listed",
        },
    )

    def __init__(self, *args: Any, children: list[tuple[str, str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["child"].choices = children or []


class AskHostForm(GovukForm):
    """The responsible authority asks the host authority to hold a return interview."""

    note = forms.CharField(
        label="What should the interviewer know? (optional)",
        help_text="For example where and when the child would rather meet, or who they trust. "
        "It goes to the host authority with the request.",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": "The note must be 2,000 characters or fewer"},
    )


class AnswerForm(GovukForm):
    """The host authority's answer to a request to hold a return interview."""

    answer = forms.ChoiceField(
        label="Will this authority hold the interview?",
        choices=[
            ("accept", "Yes, we will hold it"),
            ("decline", "No, the responsible authority should hold it"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether this authority will hold the interview"},
    )
    organisation = forms.ChoiceField(
        label="Who will hold it?",
        help_text="If you will hold it: the team or commissioned provider it goes to",
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Select the team or provider from the list"},
    )
    reason = forms.CharField(
        label="Why not? (if you will not hold it)",
        help_text="The responsible authority reads this",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "The reason must be 1,000 characters or fewer"},
    )

    take_open = forms.BooleanField(
        label="Hold the interview already open here for them",
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        organisations: list[tuple[str, str]],
        open_here: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = organisations  # type: ignore[attr-defined]
        if open_here:
            self.fields["take_open"].label = f"Hold interview {open_here} for them"
            self.fields["take_open"].help_text = (
                f"Interview {open_here} is already open here for the episode they name. If "
                "you will hold it, it is held for them from now on: due on their clock, not "
                "counted here, and its worker is kept only if they work for the team or "
                "provider chosen"
            )
        else:
            del self.fields["take_open"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("answer") == "accept" and not data.get("organisation"):
            self.add_error("organisation", "Select who will hold the interview")
        if data.get("answer") == "decline" and not (data.get("reason") or "").strip():
            self.add_error("reason", "Say why this authority will not hold the interview")
        if (
            "take_open" in self.fields
            and data.get("answer") == "accept"
            and not data.get("take_open")
        ):
            self.add_error(
                "take_open", "Select this to hold the interview already open here for them"
            )
        return data


class NoticeReopenForm(GovukForm):
    reason = why_field(
        "Why was it recorded against the wrong child?",
        required_message="Say why the notice was recorded against the wrong child",
    )


class HomeMovementErrorForm(GovukForm):
    reason = why_field(
        "Why was it recorded by mistake?",
        required_message="Say why it was recorded by mistake",
    )


class GiveBackForm(GovukForm):
    """The host accepted a request but cannot hold the interview after all."""

    reason = why_field(
        "Why can this authority no longer hold it?",
        required_message="Say why this authority cannot hold it",
        most=1000,
        help_text="The responsible authority reads this, and holds the interview itself",
    )

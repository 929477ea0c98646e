"""The forms of the queues and lists: sign-off and return, the operational lists' filters,
and allocating several episodes at once. They check only the shape of what was typed; the
services (`homeward.cases.services`) check the rules."""

from __future__ import annotations

from typing import Any

from django import forms

from homeward.accounts import permissions
from homeward.accounts.models import User
from homeward.cases import codes, selectors
from homeward.cases.models import Episode
from homeward.cases.status import InterviewStatus
from homeward.organisations.selectors import allocatable_organisations, allocatable_workers
from homeward.web import case_forms as f
from homeward.web.forms import GovukForm

# --- sign-off -------------------------------------------------------------------------------


class SignOffForm(GovukForm):
    expected_version = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={
            "required": "Open the interview again from the sign-off queue, then decide",
            "invalid": "Open the interview again from the sign-off queue, then decide",
        },
    )
    note = f.text_area(
        "Note for the worker (optional)",
        help_text="Anything the worker should know. It is kept with the sign-off.",
    )


class ReturnForm(GovukForm):
    expected_version = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={
            "required": "Open the interview again from the sign-off queue, then decide",
            "invalid": "Open the interview again from the sign-off queue, then decide",
        },
    )
    comments = f.text_area(
        "What needs changing",
        required=True,
        help_text="The worker sees your comments on the interview and in their caseload.",
        messages={"required": "Enter what needs changing, for the worker"},
    )


# --- the operational lists' filters -------------------------------------------------------

STATUS_CHOICES = [
    ("", "Any status"),
    (selectors.OPEN_STATUS, "Open (allocated or offered)"),
    *InterviewStatus.choices,
]
DUE_CHOICES = [("", "Any time"), ("overdue", "Overdue"), ("due_soon", "Due within 24 hours")]
CATEGORY_CHOICES = [("", "Missing or absent"), *codes.Category.choices]
OUT_OF_AREA_CHOICES = [
    ("", "Placed anywhere"),
    ("yes", "Placed out of area"),
    ("no", "Not placed out of area"),
]
STATE_CHOICES = [("", "Any"), *selectors.EPISODE_STATES.items()]


def _select(label: str, choices: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=False,
        error_messages={"invalid_choice": f"Select one of the options for {label.lower()}"},
    )


class CaseFilterForm(GovukForm):
    """What to list (a GET form: every field optional). `episodes` adds the episode's own
    state; the organisations and workers offered are those `user` sees."""

    state = _select("Episode", STATE_CHOICES)
    status = _select("Interview status", STATUS_CHOICES)
    due = _select("Due", DUE_CHOICES)
    organisation = _select("Organisation", [])
    worker = _select("Worker", [])
    since = f.date_field(
        "From",
        required=False,
        messages={"invalid": "The ‘from’ date must be a real date"},
    )
    until = f.date_field(
        "To",
        required=False,
        messages={"invalid": "The ‘to’ date must be a real date"},
    )
    category = _select("Missing or absent", CATEGORY_CHOICES)
    out_of_area = _select("Placement", OUT_OF_AREA_CHOICES)

    def __init__(self, *args: Any, user: User, episodes: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisations = allocatable_organisations().order_by("name")
        workers = allocatable_workers()
        scope = permissions.team_work_filter(user)
        if scope:
            organisations = organisations.filter(pk=user.organisation_id)
            workers = workers.filter(organisation_id=user.organisation_id)
        self.fields["organisation"].choices = [
            ("", "Any organisation"),
            *((str(o.pk), o.name) for o in organisations),
        ]
        self.fields["worker"].choices = [
            ("", "Any worker"),
            (selectors.NO_WORKER, "Not yet given to a worker"),
            *(
                (str(w.pk), f"{w} ({w.organisation})")
                for w in workers.order_by("last_name", "first_name", "username")
            ),
        ]
        what = "episode started" if episodes else "interview was allocated"
        self.fields["since"].label = f"From (the day the {what})"
        self.fields["until"].label = f"To (the day the {what})"
        if not episodes:
            del self.fields["state"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", "The ‘to’ date must be the same as or after the ‘from’ date")
        return data

    def filters(self) -> selectors.CaseFilters:
        """The filters chosen (none when the form is not valid)."""
        if not self.is_bound or not self.is_valid():
            return selectors.CaseFilters()
        data = self.cleaned_data
        organisation = data.get("organisation") or ""
        return selectors.CaseFilters(
            status=data.get("status") or "",
            due=data.get("due") or "",
            organisation=int(organisation) if organisation else None,
            worker=data.get("worker") or "",
            since=data.get("since"),
            until=data.get("until"),
            category=data.get("category") or "",
            out_of_area={"yes": True, "no": False}.get(data.get("out_of_area") or ""),
            state=data.get("state") or "",
        )


# --- allocating several episodes at once ----------------------------------------------------


class WaitingEpisodeField(forms.ModelMultipleChoiceField):
    """An episode waiting for an interview, named with its child (several children share
    the list) and when the interview is due."""

    def label_from_instance(self, obj: Episode) -> str:
        child = obj.child
        label = (
            f"{child.full_name} ({child.reference}): {obj.reference}, "
            f"{obj.get_category_display().lower()} from {obj.get_missing_from_display().lower()}"
            f", returned {f.uk_time(obj.returned_at)}"
        )
        return label + (f", due {f.uk_time(obj.due_at)}" if obj.due_at else ", clock not started")


class AllocateManyForm(GovukForm):
    episodes = WaitingEpisodeField(
        label="Episodes to allocate",
        queryset=Episode.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply. Each child gets one interview covering the episodes "
        "of theirs you select; the soonest due are first.",
        error_messages={
            "required": "Select at least one episode to allocate",
            "invalid_choice": "An episode you selected is no longer waiting: select again",
            "invalid_pk_value": "Select episodes from the list",
            "invalid_list": "Select episodes from the list",
        },
    )
    organisation = f.OrganisationField(
        label="Organisation",
        queryset=allocatable_organisations(),
        help_text="The authority's own team, or a commissioned provider.",
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the organisation the interviews go to",
            "invalid_choice": "Select an organisation from the list",
        },
    )
    worker = f.WorkerField(
        label="Worker (optional)",
        queryset=allocatable_workers(),
        required=False,
        empty_label="Not yet chosen",
        help_text="They must work for the organisation. They are emailed the references.",
        error_messages={"invalid_choice": "Select a worker from the list"},
    )
    interviewer_independent = f.yes_no_field(
        "Is the interviewer independent of the children's care?",
        messages={"required": "Select yes if the interviewer is independent of their care"},
    )
    chosen_by_child = f.yes_no_field(
        "Did the children choose the interviewer?",
        unknown=True,
        help_text="If it differs between the children, choose ‘Not known’.",
    )

    #: The fields with one value each (the episodes are many).
    single_fields = ("organisation", "worker", "interviewer_independent", "chosen_by_child")

    def __init__(self, *args: Any, waiting: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["episodes"].queryset = waiting

    def hidden_values(self) -> list[tuple[str, str]]:
        """The answers as (name, value) pairs, to carry through the check page."""
        data = self.cleaned_data
        pairs = [("episodes", str(e.pk)) for e in data["episodes"]]
        pairs.append(("organisation", str(data["organisation"].pk)))
        pairs.append(("worker", str(data["worker"].pk) if data["worker"] else ""))
        pairs.append(("interviewer_independent", f.yes_no_value(data["interviewer_independent"])))
        pairs.append(("chosen_by_child", f.yes_no_value(data["chosen_by_child"])))
        return pairs

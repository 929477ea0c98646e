"""Writes that correct saved records: change them, with the reason, never silently.

Every record of a case can be changed by the people whose job it is (a named check each in
`homeward.accounts.permissions`). Each change:

- asks for its reason where the record has left the authority or been signed off
  (`reason_required`), and takes one anyway when given;
- keeps its history: a `Correction` row (who, when, which record, each field from what to
  what, why), which the child's timeline shows, beside django-auditlog's own record;
- recomputes what depends on it: an episode's and its interview's due points, and the
  clock alert the new due point has reached; the indicators, panel triggers and returns
  are read from the records, so they follow by themselves.

Something entered by mistake is marked "entered in error" (`EnteredInError`): kept, with
who, when and why, shown tagged on the pages and left out of every count. Nothing is
deleted. See docs/decisions/0007-corrections.md.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from encrypted_fields.fields import EncryptedFieldMixin

from homeward.accounts import permissions
from homeward.audit.models import AccessEvent
from homeward.cases import alerts, clock, codes, services
from homeward.cases.models import (
    IN_COUNT,
    AdultOfConcern,
    Child,
    ChildAlias,
    ContactAttempt,
    Correction,
    EnteredInError,
    Episode,
    Offer,
    PlaceOfConcern,
    Referral,
    ReturnInterview,
    VehicleOfConcern,
)
from homeward.indicators.engine import financial_year_label, financial_year_start
from homeward.organisations.models import Organisation
from homeward.organisations.selectors import allocatable_organisations, allocatable_workers

if TYPE_CHECKING:
    from homeward.accounts.models import User

Action = Correction.Action

#: What each field is called in the history (the pages' own labels).
LABELS = {
    "whereabouts_known": "Whereabouts known while away",
    "first_name": "First name",
    "last_name": "Last name",
    "aliases": "Other names",
    "date_of_birth": "Date of birth",
    "sex": "Sex",
    "ethnicity": "Ethnicity",
    "address": "Address",
    "postcode": "Postcode",
    "legal_status": "Legal status",
    "placement_type": "Placement type",
    "looked_after_since": "Looked after since",
    "upn": "Unique pupil number",
    "responsible_authority": "Responsible authority",
    "host_authority": "Host authority",
    "social_worker": "Social worker",
    "category": "Category",
    "risk_grade": "Police risk grade",
    "missing_from": "Missing from",
    "started_at": "Went missing",
    "reported_to_police_at": "Reported to the police",
    "returned_at": "Returned or found",
    "notified_at": "Authority told of the return",
    "police_force": "Police force",
    "police_reference": "Police reference",
    "child": "Child",
    "offered_at": "Offered",
    "offered_to": "Offered to",
    "method": "How",
    "attempted_at": "Attempted",
    "successful": "Contact made",
    "note": "Note",
    "description": "Description",
    "when": "When the child was there",
    "shareable": "Shareable with the police",
    "registration": "Registration",
    "service": "Service",
    "made_on": "Made on",
    "outcome": "Outcome",
    "allocated_organisation": "Organisation",
    "allocated_worker": "Worker",
    "signed_off_at": "Signed off",
    "signed_off_by": "Signed off by",
    "sign_off_note": "Sign-off note",
}

NOTHING_CHANGED = "You have not changed anything: change an answer, or cancel"


#: Why an imported episode cannot be changed here.
IMPORTED = services.IMPORTED

#: The case system's return interview answers on an imported episode (the SSD's
#: `miss_missing_rhi_offered` / `_accepted`) in words, as the pages show them.
RHI_ANSWER_WORDS = {
    "Y": "yes",
    "N": "no",
    "NA": "not applicable (no interview was due)",
    "": "not recorded",
}


def rhi_answer_words(value: str) -> str:
    """An imported episode's answer in words (one the import would not let in: as given)."""
    return RHI_ANSWER_WORDS.get(value.strip().upper(), value)


def _require(allowed: bool, what: str) -> None:
    if not allowed:
        raise PermissionDenied(what)


# --- the history of a change ---------------------------------------------------------------


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == ()


def _same(old: Any, new: Any) -> bool:
    if _empty(old) and _empty(new):
        return True
    if isinstance(old, models.Model) or isinstance(new, models.Model):
        return getattr(old, "pk", None) == getattr(new, "pk", None)
    return bool(old == new)


def _kind(model_field: models.Field[Any, Any] | None) -> str:
    if isinstance(model_field, models.DateTimeField):
        return "moment"
    if isinstance(model_field, models.DateField):
        return "day"
    return "text"


def _shown(model_field: models.Field[Any, Any] | None, value: Any) -> str:
    """A value as the history keeps it: a moment or a day in ISO form (the pages format
    it), a code as its label, anything else as text; nothing as ""."""
    if _empty(value):
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if model_field is not None and model_field.choices:
        labels = {str(k): str(v) for k, v in model_field.flatchoices}
        return labels.get(str(value), str(value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any] | None:
    try:
        found = model._meta.get_field(name)
    except FieldDoesNotExist:  # a value that is not a column, like aliases
        return None
    return found if isinstance(found, models.Field) else None


def change_of(model: type[models.Model], name: str, old: Any, new: Any) -> dict[str, Any] | None:
    """One field's change as the history keeps it, or None when it did not change."""
    if _same(old, new):
        return None
    model_field = _field(model, name)
    return {
        "field": name,
        "label": LABELS.get(name, name.replace("_", " ").capitalize()),
        "kind": _kind(model_field),
        "from": _shown(model_field, old),
        "to": _shown(model_field, new),
        # A disclosure or an address: shown only to those who may see it.
        "sensitive": isinstance(model_field, EncryptedFieldMixin),
    }


def _diff(instance: models.Model, values: dict[str, Any]) -> list[dict[str, Any]]:
    found = (change_of(type(instance), n, getattr(instance, n), v) for n, v in values.items())
    return [change for change in found if change is not None]


def correction_record(
    *,
    by: User,
    child: Child | int,
    kind: str,
    object_id: int,
    record: str,
    action: str,
    changes: Sequence[dict[str, Any]] = (),
    reason: str = "",
    because: str = "",
    episode: Episode | None = None,
    interview: ReturnInterview | None = None,
) -> Correction:
    """Keep one correction: who, when, which record, each field from what to what, why."""
    return Correction.objects.create(
        child_id=child if isinstance(child, int) else child.pk,
        kind=kind,
        object_id=object_id,
        record=record[:120],
        episode=episode,
        interview=interview,
        action=action,
        changes=json.dumps(list(changes)),
        reason=reason.strip(),
        reason_required_because=because[:300],
        by=by,
    )


def _interview_correction(
    by: User,
    interview: ReturnInterview,
    action: str,
    *,
    changes: Sequence[dict[str, Any]] = (),
    reason: str,
    because: str,
) -> Correction:
    """`correction_record` for a change to the interview itself (its allocation, its
    sign-off, entered in error)."""
    return correction_record(
        by=by,
        child=interview.child_id,
        kind="interview",
        object_id=interview.pk,
        record=f"interview {interview.reference}",
        action=action,
        changes=changes,
        reason=reason,
        because=because,
        interview=interview,
    )


def correction_changes(correction: Correction) -> list[dict[str, Any]]:
    """A correction's field changes (decrypted and read from their JSON)."""
    loaded = json.loads(correction.changes or "[]")
    return loaded if isinstance(loaded, list) else []


# --- when a reason is required -------------------------------------------------------------


def _today() -> date:
    """Today in the UK (a function of its own, so a test can stand on another day)."""
    return timezone.localdate()


def _left(child: Child, since: datetime | None) -> bool:
    """The child's record left the authority after `since`: a personal return (SSDA903,
    Annex A, the Standard Safeguarding Dataset), a panel pack, police intelligence or an
    information share, each written to the access log with the child's record number."""
    events = AccessEvent.objects.filter(
        child_id=child.pk, action__in=(AccessEvent.Action.EXPORT, AccessEvent.Action.SHARE)
    )
    if since is not None:
        events = events.filter(at__gte=since)
    return events.exists()


def _reported_year(episodes: Iterable[Episode], today: date) -> tuple[Episode, str] | None:
    """An episode that started before the current reporting year (1 April), and that
    year's label: its year has ended, and the year's returns count it."""
    this_year = financial_year_start(today)
    for episode in episodes:
        year = financial_year_start(timezone.localtime(episode.started_at).date())
        if year < this_year:
            return episode, financial_year_label(year)
    return None


def reason_required(
    *,
    child: Child,
    episodes: Iterable[Episode] = (),
    interview: ReturnInterview | None = None,
    since: datetime | None = None,
    today: date | None = None,
) -> str:
    """Why a change to this record needs its reason, in words ("" when it does not).

    A reason is required when the record has been signed off (its interview), or has left
    the authority: it was in an export, a panel pack, police intelligence or a share made
    after the record was (`since`: when it was created; the access log names the child of
    every one), or it belongs to an episode of a reporting year that has ended (before
    1 April this year), which the year's returns (and the aggregate reports, which name no
    one) have counted.
    """
    if interview is not None and interview.signed_off_at is not None:
        return f"interview {interview.reference} is signed off"
    if _left(child, since):
        return (
            f"{child.full_name}'s record has left the authority since it was recorded: "
            "in a return, a panel pack, police intelligence or a share"
        )
    old = _reported_year(episodes, today or _today())
    if old is not None:
        episode, year = old
        return (
            f"episode {episode.reference} belongs to {year}, a reporting year that has "
            "ended: its returns may already be made"
        )
    return ""


def _check_reason(reason: str, because: str, *, always: str = "") -> None:
    """Refuse a change without the reason it needs."""
    if reason.strip():
        return
    if always:
        raise ValidationError({"reason": always})
    if because:
        raise ValidationError({"reason": f"Give the reason for the change: {because}"})


def _counted_episodes_of(child: Child) -> list[Episode]:
    return list(child.episodes.filter(IN_COUNT).only("pk", "reference", "started_at"))


def child_reason_required(*, child: Child, today: date | None = None) -> str:
    """Why a change to the child's details needs a reason ("" when it does not): the child
    has left the authority, or has an episode of a reporting year that has ended."""
    return reason_required(
        child=child, episodes=_counted_episodes_of(child), since=child.created_at, today=today
    )


def episode_reason_required(*, episode: Episode, today: date | None = None) -> str:
    interview = episode.interview
    return reason_required(
        child=episode.child,
        episodes=[episode],
        interview=interview,
        since=episode.created_at,
        today=today,
    )


def interview_reason_required(*, interview: ReturnInterview, today: date | None = None) -> str:
    return reason_required(
        child=interview.child,
        episodes=list(interview.episodes.filter(IN_COUNT)),
        interview=interview,
        since=interview.created_at,
        today=today,
    )


# --- the child's details -------------------------------------------------------------------

#: The groups of the child's details, each changed on a page of its own.
CHILD_GROUPS: dict[str, tuple[str, ...]] = {
    "name": ("first_name", "last_name", "aliases"),
    "birth": ("date_of_birth",),
    "identity": ("sex", "ethnicity"),
    "address": ("address", "postcode"),
    "authorities": ("responsible_authority", "host_authority", "social_worker"),
}
CHILD_FIELDS = frozenset(name for names in CHILD_GROUPS.values() for name in names)
#: What the matcher of police notifications reads of a child (`services.match_person`).
MATCHED = frozenset({"first_name", "last_name", "aliases", "date_of_birth", "sex", "postcode"})


def _clean_child(current: Child, values: dict[str, Any]) -> dict[str, Any]:
    values = dict(values)
    errors: dict[str, str] = {}
    for name in ("first_name", "last_name"):
        if name in values:
            values[name] = (values[name] or "").strip()
            if not values[name]:
                errors[name] = f"Enter the child's {LABELS[name].lower()}"
    if "aliases" in values:
        values["aliases"] = list(dict.fromkeys(a.strip() for a in values["aliases"] if a.strip()))
    born = values.get("date_of_birth", current.date_of_birth)
    if born is not None and born > timezone.localdate():
        errors["date_of_birth"] = "The date of birth must be in the past"
    elif (
        born is not None
        and current.looked_after_since is not None
        and born > current.looked_after_since
    ):
        errors["date_of_birth"] = (
            "The date of birth must be before the period of care began (change the care first)"
        )
    if "sex" in values and values["sex"] not in codes.Sex.values:
        errors["sex"] = "Select the child's sex"
    if "ethnicity" in values and values["ethnicity"] not in codes.Ethnicity.values:
        errors["ethnicity"] = "Select the child's ethnicity"
    if "postcode" in values:
        try:
            values["postcode"] = services.normalise_postcode(values["postcode"] or "")
        except ValidationError as error:
            errors["postcode"] = error.message_dict["postcode"][0]
    if "address" in values:
        values["address"] = (values["address"] or "").strip()
    if "social_worker" in values:
        values["social_worker"] = (values["social_worker"] or "").strip()
    if "responsible_authority" in values and values["responsible_authority"] is None:
        errors["responsible_authority"] = "Select the responsible authority"
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def child_change(*, by: User, child: Child, reason: str = "", **values: Any) -> Child:
    """Correct the child's details (any of `CHILD_FIELDS`; `aliases` a list of names).

    The change is kept with its reason (required when `child_reason_required` says so); the
    child's keys for matching police notifications are recomputed when a name, an alias,
    the date of birth, the sex or the postcode changed.
    """
    _require(permissions.can_change_child(by, child), "only a coordinator or manager")
    unknown = set(values) - CHILD_FIELDS
    if unknown:
        raise ValueError(f"not details of a child: {sorted(unknown)}")
    current = Child.objects.select_for_update().get(pk=child.pk)
    values = _clean_child(current, values)
    aliases = values.pop("aliases", None)
    changes = _diff(current, values)
    old_aliases = [a.name for a in current.aliases.order_by("pk")]
    if aliases is not None:
        change = change_of(Child, "aliases", old_aliases, aliases)
        if change is not None:
            changes.append(change)
    if not changes:
        raise ValidationError(NOTHING_CHANGED)
    because = child_reason_required(child=current)
    _check_reason(reason, because)
    for name, value in values.items():
        setattr(current, name, value)
    current.full_clean()
    current.save()
    if aliases is not None and aliases != old_aliases:
        current.aliases.exclude(name__in=aliases).delete()
        for name in aliases:
            if name not in old_aliases:
                ChildAlias.objects.create(child=current, name=name)
    if {c["field"] for c in changes} & MATCHED:
        services.child_match_keys_refresh(child=current)
    correction_record(
        by=by,
        child=current,
        kind="child",
        object_id=current.pk,
        record=f"child {current.reference}",
        action=Action.CHANGED,
        changes=changes,
        reason=reason,
        because=because,
    )
    return current


@transaction.atomic
def child_change_care(
    *,
    by: User,
    child: Child,
    legal_status: str,
    placement_type: str = "",
    looked_after_since: date | None = None,
    upn: str = "",
    reason: str = "",
) -> Child:
    """The child's care as it is now (`services.child_record_care`), kept in the history
    with its reason like any other change to the child's details."""
    _require(permissions.can_change_child(by, child), "only a coordinator or manager")
    current = Child.objects.select_for_update().get(pk=child.pk)
    values = {
        "legal_status": legal_status,
        "placement_type": placement_type,
        "looked_after_since": looked_after_since,
        "upn": (upn or "").strip().upper(),
    }
    changes = _diff(current, values)
    if not changes:
        raise ValidationError(NOTHING_CHANGED)
    because = child_reason_required(child=current)
    _check_reason(reason, because)
    saved = services.child_record_care(by=by, child=current, **values)
    correction_record(
        by=by,
        child=saved,
        kind="child",
        object_id=saved.pk,
        record=f"child {saved.reference}",
        action=Action.CHANGED,
        changes=changes,
        reason=reason,
        because=because,
    )
    return saved


# --- episodes ------------------------------------------------------------------------------

#: What of an episode can be corrected here (the police's context comes with the report).
EPISODE_FIELDS = (
    "category",
    "risk_grade",
    "missing_from",
    "whereabouts_known",
    "started_at",
    "reported_to_police_at",
    "returned_at",
    "notified_at",
)
TIMES = frozenset({"started_at", "reported_to_police_at", "returned_at", "notified_at"})


@dataclass(frozen=True)
class DueMove:
    """A due point a change moves: of which record, from when to when (None: no clock)."""

    record: str
    before: datetime | None
    after: datetime | None


@dataclass(frozen=True)
class EpisodePreview:
    """What a change to an episode would do, before it is saved (check your answers)."""

    episode: Episode
    changes: list[dict[str, Any]]
    due_moves: list[DueMove] = field(default_factory=list)
    #: What else follows, in words: counts that move, an interview now overdue.
    consequences: list[str] = field(default_factory=list)
    #: Why a reason is required ("" when it is not).
    because: str = ""

    @property
    def has_consequences(self) -> bool:
        return bool(self.due_moves or self.consequences)


def _check_not_in_error(record: EnteredInError, what: str) -> None:
    if record.entered_in_error_at is not None:
        raise ValidationError(f"{what} is entered in error: it can no longer be changed")


def _clean_episode(current: Episode, values: dict[str, Any]) -> Episode:
    """The episode as it would be with `values`, checked (a `ValidationError` otherwise)."""
    unknown = set(values) - set(EPISODE_FIELDS)
    if unknown:
        raise ValueError(f"not correctable fields of an episode: {sorted(unknown)}")
    errors: dict[str, str] = {}
    if "category" in values and values["category"] not in codes.Category.values:
        errors["category"] = "Select missing or absent"
    if "missing_from" in values and values["missing_from"] not in codes.MissingFrom.values:
        errors["missing_from"] = "Select where the child was missing from"
    if "risk_grade" in values and values["risk_grade"] not in ("", *codes.RiskGrade.values):
        errors["risk_grade"] = "Select the police risk grade"
    if (
        "returned_at" in values
        and values["returned_at"] is None
        and current.returned_at is not None
        and current.interview_id is not None
    ):
        errors["returned_at"] = (
            f"Interview {current.interview} covers this episode: the return cannot be removed"
        )
    if errors:
        raise ValidationError(errors)
    proposed = copy.copy(current)
    for name, value in values.items():
        setattr(proposed, name, value)
    services._check_episode_times(
        proposed.started_at,
        proposed.returned_at,
        proposed.notified_at,
        proposed.reported_to_police_at,
    )
    return proposed


def _interview_due_with(interview: ReturnInterview, proposed: Episode) -> datetime | None:
    """The interview's due point were `proposed` one of its episodes as it would be."""
    settings = services.home_authority().settings
    others = interview.episodes.filter(IN_COUNT).exclude(pk=proposed.pk)
    episodes = [*others, proposed] if proposed.entered_in_error_at is None else list(others)
    starts = [clock.clock_start(settings, e.returned_at, e.notified_at) for e in episodes]
    return clock.interview_due(settings, starts)


def _episode_consequences(
    current: Episode, proposed: Episode, now: datetime
) -> tuple[list[DueMove], list[str]]:
    moves: list[DueMove] = []
    words: list[str] = []
    services.episode_refresh_due(episode=proposed)
    if proposed.due_at != current.due_at:
        moves.append(DueMove(f"episode {current.reference}", current.due_at, proposed.due_at))
    interview = current.interview
    if interview is not None and interview.entered_in_error_at is None:
        due = _interview_due_with(interview, proposed)
        if due != interview.due_at:
            moves.append(DueMove(f"interview {interview.reference}", interview.due_at, due))
            if not interview.is_closed:
                was = interview.due_at is not None and interview.due_at < now
                will = due is not None and due < now
                if will and not was:
                    words.append(f"Interview {interview.reference} becomes overdue.")
                elif was and not will:
                    words.append(f"Interview {interview.reference} is no longer overdue.")
            held = interview.held_at
            if held is not None and due is not None and held > due and not interview.late_reason:
                words.append(
                    f"Interview {interview.reference} was held after its new due point: "
                    "its worker will need to say why it was late."
                )
    if proposed.category != current.category:
        words.append(
            f"The episode now counts as {proposed.get_category_display().lower()}, not "
            f"{current.get_category_display().lower()}, in the indicators and the returns."
        )
    if proposed.missing_from != current.missing_from:
        in_903 = proposed.missing_from == codes.MissingFrom.CARE
        words.append(
            f"The episode now counts as from {proposed.get_missing_from_display().lower()}: "
            + (
                "it is in the SSDA903 return of a looked-after child."
                if in_903
                else "it leaves the SSDA903 return."
            )
        )
    return moves, words


def episode_change_preview(
    *, episode: Episode, values: dict[str, Any], now: datetime | None = None
) -> EpisodePreview:
    """What `episode_change` would do with `values`, without saving anything: the fields
    that change, the due points that move, what else follows, and whether a reason is
    required. A `ValidationError` when the values cannot be saved."""
    current = Episode.objects.select_related("interview", "child").get(pk=episode.pk)
    _check_not_in_error(current, f"Episode {current.reference}")
    proposed = _clean_episode(current, values)
    changes = _diff(current, values)
    if not changes:
        raise ValidationError(NOTHING_CHANGED)
    moves, words = _episode_consequences(current, proposed, now or timezone.now())
    return EpisodePreview(
        episode=current,
        changes=changes,
        due_moves=moves,
        consequences=words,
        because=episode_reason_required(episode=current),
    )


def _after_clock_change(interview: ReturnInterview | None) -> None:
    """Once saved, send the clock alert the interview's new due point has reached."""
    if interview is None:
        return
    interview_id = interview.pk
    transaction.on_commit(lambda: alerts.check_interview(interview_id=interview_id))


def _refresh_interview(interview: ReturnInterview | None) -> None:
    """The interview's due point from its episodes, saved (its `updated_at` moves, so the
    indicators' cache key moves with it)."""
    if interview is None:
        return
    before = interview.due_at
    services.interview_refresh_due(interview=interview)
    interview.save(update_fields=["due_at", "due_rule", "updated_at"])
    if interview.due_at != before:
        _after_clock_change(interview)


@transaction.atomic
def episode_change(
    *, by: User, episode: Episode, values: dict[str, Any], reason: str = ""
) -> Episode:
    """Correct an episode: its category, risk grade, where the child was missing from, and
    its times (went missing, reported, returned, the authority told). The change is kept
    with its reason (required when `episode_reason_required` says so); the episode's due
    point and its interview's are recomputed, and the clock alert the new due point has
    reached is sent (`alerts.check_interview`)."""
    _require(permissions.can_change_episode(by), "only a coordinator or manager")
    _require(not episode.imported, IMPORTED)
    current = Episode.objects.select_for_update().get(pk=episode.pk)
    preview = episode_change_preview(episode=current, values=values)
    _check_reason(reason, preview.because)
    for name, value in values.items():
        setattr(current, name, value)
    services.episode_refresh_due(episode=current)
    current.full_clean()
    current.save()
    if current.interview_id is not None:
        _refresh_interview(ReturnInterview.objects.select_for_update().get(pk=current.interview_id))
    correction_record(
        by=by,
        child=current.child_id,
        kind="episode",
        object_id=current.pk,
        record=f"episode {current.reference}",
        action=Action.CHANGED,
        changes=preview.changes,
        reason=reason,
        because=preview.because,
        episode=current,
    )
    return current


def _mark(record: EnteredInError, by: User, reason: str) -> None:
    record.entered_in_error_at = timezone.now()
    record.entered_in_error_by = by
    record.entered_in_error_reason = reason.strip()


def has_police_report(episode: Episode) -> bool:
    return Episode.objects.filter(pk=episode.pk, police_report__isnull=False).exists()


@transaction.atomic
def episode_mark_in_error(
    *, by: User, episode: Episode, reason: str, unlinking: bool = False
) -> Episode:
    """The episode was entered by mistake: it is marked (kept, with who, when and why) and
    leaves every count. The interview covering it is recomputed without it; an interview
    that covered only this episode is marked entered in error with it. An episode of a
    police report is unlinked from the report's page instead (`unlinking`: from there)."""
    _require(permissions.can_change_episode(by), "only a coordinator or manager")
    _require(not episode.imported, IMPORTED)
    _check_reason(reason, "", always="Say why the episode was entered in error")
    current = (
        Episode.objects.select_for_update(of=("self",))
        .select_related("interview")
        .get(pk=episode.pk)
    )
    _check_not_in_error(current, f"Episode {current.reference}")
    if not unlinking and has_police_report(current):
        raise ValidationError(
            f"A police report is linked to episode {current.reference}: unlink the report "
            "from its page instead, which says what happens to the episode"
        )
    because = episode_reason_required(episode=current)
    _mark(current, by, reason)
    current.save()
    correction_record(
        by=by,
        child=current.child_id,
        kind="episode",
        object_id=current.pk,
        record=f"episode {current.reference}",
        action=Action.ENTERED_IN_ERROR,
        reason=reason,
        because=because,
        episode=current,
    )
    interview = current.interview
    if interview is not None and interview.entered_in_error_at is None:
        interview = ReturnInterview.objects.select_for_update().get(pk=interview.pk)
        if interview.episodes.filter(IN_COUNT).exists() or interview.held_for_authority:
            # An interview held here for the child's responsible authority answers its
            # request, not this episode: it stays, on that authority's clock (an interview
            # opened for a request covers no episode of ours at all).
            _refresh_interview(interview)
        else:
            _mark(interview, by, reason)
            interview.version += 1
            interview.save()
            _interview_correction(
                by,
                interview,
                Action.ENTERED_IN_ERROR,
                reason=f"It covered only episode {current.reference}, entered in error: "
                + reason.strip(),
                because=because,
            )
            from homeward.exchange import arrangements

            arrangements.withdraw_for_error(by=by, interview=interview)
    return current


@transaction.atomic
def episode_recode(
    *,
    by: User,
    episode: Episode,
    category: str,
    risk_grade: str,
    missing_from: str,
    reason: str,
) -> list[dict[str, Any]]:
    """Apply the outcome of a resolved possible miscoding to the episode: its category, risk
    grade and where from, as the authority and the force agreed (the police's own coding
    stays on the report). Kept as a recode with the resolution as its reason; returns the
    field changes (none when the police's coding was right)."""
    _require(permissions.can_change_report_link(by), "only a coordinator or manager")
    _require(not episode.imported, IMPORTED)
    current = Episode.objects.select_for_update().get(pk=episode.pk)
    values = {"category": category, "risk_grade": risk_grade, "missing_from": missing_from}
    _clean_episode(current, values)
    changes = _diff(current, values)
    if not changes:
        return []
    for name, value in values.items():
        setattr(current, name, value)
    current.full_clean()
    current.save()
    correction_record(
        by=by,
        child=current.child_id,
        kind="episode",
        object_id=current.pk,
        record=f"episode {current.reference}",
        action=Action.RECODED,
        changes=changes,
        reason=reason,
        episode=current,
    )
    return changes


# --- the interview: its allocation, its parts, its sign-off --------------------------------


@dataclass(frozen=True)
class Part:
    """A part of an interview that can be corrected or marked entered in error."""

    kind: str
    model: type[EnteredInError]
    #: The part in words ("an offer"), and its fields that can be changed.
    noun: str
    fields: tuple[str, ...]


PARTS: dict[str, Part] = {
    "offer": Part("offer", Offer, "an offer", ("offered_at", "offered_to", "method")),
    "attempt": Part(
        "attempt",
        ContactAttempt,
        "a contact attempt",
        ("attempted_at", "method", "successful", "note"),
    ),
    "place": Part(
        "place",
        PlaceOfConcern,
        "a place of concern",
        ("description", "postcode", "when", "shareable"),
    ),
    "adult": Part("adult", AdultOfConcern, "an adult of concern", ("description", "shareable")),
    "vehicle": Part(
        "vehicle",
        VehicleOfConcern,
        "a vehicle of concern",
        ("description", "registration", "shareable"),
    ),
    "referral": Part("referral", Referral, "a referral", ("service", "made_on", "outcome")),
}


def part_of(instance: models.Model) -> Part:
    return next(p for p in PARTS.values() if isinstance(instance, p.model))


def _clean_part(part: Part, values: dict[str, Any]) -> dict[str, Any]:
    """The part's values as stored, checked as when it was added."""
    unknown = set(values) - set(part.fields)
    if unknown:
        raise ValueError(f"not fields of {part.noun}: {sorted(unknown)}")
    values = dict(values)
    errors: dict[str, str] = {}
    now = timezone.now()
    for name in ("offered_at", "attempted_at"):
        if name in values:
            services._require_aware(values[name], name)
            if values[name] > now:
                errors[name] = f"The {LABELS[name].lower()} time cannot be in the future"
    for name in ("description", "service"):
        if name in values:
            values[name] = (values[name] or "").strip()
    if "description" in values and not values["description"]:
        errors["description"] = {
            "place": "Describe the place",
            "adult": "Give the adult's name, nickname or description",
            "vehicle": "Describe the vehicle: make, model or colour",
        }[part.kind]
    if "service" in values and not values["service"]:
        errors["service"] = "Say which service the child was referred to"
    if "made_on" in values and values["made_on"] > timezone.localdate():
        errors["made_on"] = "The referral cannot be made in the future"
    if "postcode" in values:
        try:
            values["postcode"] = services.normalise_postcode(values["postcode"] or "")
        except ValidationError as error:
            errors["postcode"] = error.message_dict["postcode"][0]
    if "registration" in values:
        values["registration"] = re.sub(r"\s+", " ", values["registration"] or "").strip().upper()
    if "outcome" in values:
        try:
            values["outcome"] = services._check_outcome(values["outcome"] or "")
        except ValidationError as error:
            errors["outcome"] = error.message_dict["outcome"][0]
    for name in ("when", "note"):
        if name in values:
            values[name] = (values[name] or "").strip()
    if "shareable" in values:
        values["shareable"] = bool(values["shareable"])
    if errors:
        raise ValidationError(errors)
    return values


def _touch(interview: ReturnInterview) -> None:
    """The interview's record changed: raise its version and move its `updated_at` (the
    indicators' cache key reads it: an offer's time is a figure)."""
    ReturnInterview.objects.filter(pk=interview.pk).update(
        version=F("version") + 1, updated_at=timezone.now()
    )


def _part_record(part: Part, interview: ReturnInterview) -> str:
    return f"{part.noun} (interview {interview.reference})"


def _locked_part(instance: EnteredInError) -> tuple[Part, EnteredInError, ReturnInterview]:
    part = part_of(instance)
    current = part.model.objects.select_for_update().get(pk=instance.pk)
    interview = ReturnInterview.objects.select_for_update().select_related("child")
    return part, current, interview.get(pk=current.interview_id)  # type: ignore[attr-defined]


@transaction.atomic
def interview_part_change(
    *, by: User, instance: EnteredInError, values: dict[str, Any], reason: str = ""
) -> EnteredInError:
    """Correct an offer, attempt, place, adult, vehicle or referral: its worker (or a
    coordinator) until the interview is signed off. Kept with its reason (required when
    `interview_reason_required` says so)."""
    part, current, interview = _locked_part(instance)
    _require(permissions.can_change_interview_part(by, interview), "not your interview")
    _check_not_in_error(current, part.noun.capitalize())
    values = _clean_part(part, values)
    changes = _diff(current, values)
    if not changes:
        raise ValidationError(NOTHING_CHANGED)
    because = interview_reason_required(interview=interview)
    _check_reason(reason, because)
    for name, value in values.items():
        setattr(current, name, value)
    current.full_clean()
    current.save()
    _touch(interview)
    correction_record(
        by=by,
        child=interview.child_id,
        kind=part.kind,
        object_id=current.pk,
        record=_part_record(part, interview),
        action=Action.CHANGED,
        changes=changes,
        reason=reason,
        because=because,
        interview=interview,
    )
    return current


@transaction.atomic
def interview_part_mark_in_error(
    *, by: User, instance: EnteredInError, reason: str
) -> EnteredInError:
    """An offer, attempt, place, adult, vehicle or referral entered by mistake: marked (kept,
    with who, when and why) and out of every count, the intelligence sent to the police
    and the panel's network. A declined interview keeps at least one offer, and one
    recorded as no contact at least one attempt (its outcome rests on them)."""
    part, current, interview = _locked_part(instance)
    _require(permissions.can_change_interview_part(by, interview), "not your interview")
    _check_reason(reason, "", always=f"Say why {part.noun} was entered in error")
    _check_not_in_error(current, part.noun.capitalize())
    needs = {
        "offer": (codes.Outcome.DECLINED, "declined: only an offer can be declined"),
        "attempt": (codes.Outcome.NO_CONTACT, "recorded as no contact made after its attempts"),
    }.get(part.kind)
    if needs is not None and interview.outcome == needs[0]:
        others = part.model.objects.filter(IN_COUNT, interview=interview).exclude(pk=current.pk)
        if not others.exists():
            raise ValidationError(
                f"The interview is {needs[1]}: {part.noun} must stay. Record the right one "
                "first, then mark this one"
            )
    because = interview_reason_required(interview=interview)
    _mark(current, by, reason)
    current.save()
    _touch(interview)
    correction_record(
        by=by,
        child=interview.child_id,
        kind=part.kind,
        object_id=current.pk,
        record=_part_record(part, interview),
        action=Action.ENTERED_IN_ERROR,
        reason=reason,
        because=because,
        interview=interview,
    )
    return current


@transaction.atomic
def interview_reallocate(
    *,
    by: User,
    interview: ReturnInterview,
    organisation: Organisation,
    worker: User | None = None,
    reason: str = "",
) -> ReturnInterview:
    """Give the interview to another organisation or worker. The clock does not restart:
    its due points, and when it was first allocated, stay as they were."""
    current = ReturnInterview.objects.select_for_update(of=("self",)).select_related(
        "child", "allocated_worker", "allocated_organisation"
    )
    current_interview = current.get(pk=interview.pk)
    _require(permissions.can_reallocate(by, current_interview), "only those who allocate")
    _check_not_in_error(current_interview, f"Interview {current_interview.reference}")
    if not allocatable_organisations().filter(pk=organisation.pk).exists():
        raise ValidationError(
            {"organisation": "Interviews go to this authority's team or a provider it commissions"}
        )
    if worker is not None and worker.organisation_id != organisation.pk:
        raise ValidationError({"worker": f"{worker} does not work for {organisation}"})
    if worker is not None and not allocatable_workers().filter(pk=worker.pk).exists():
        raise ValidationError({"worker": f"{worker} is not an active return interview worker"})
    values = {"allocated_organisation": organisation, "allocated_worker": worker}
    changes = _diff(current_interview, values)
    if not changes:
        raise ValidationError(NOTHING_CHANGED)
    because = interview_reason_required(interview=current_interview)
    _check_reason(reason, because)
    current_interview.allocated_organisation = organisation
    current_interview.allocated_worker = worker
    current_interview.version += 1
    current_interview.save()
    _interview_correction(
        by, current_interview, Action.REALLOCATED, changes=changes, reason=reason, because=because
    )
    return current_interview


@transaction.atomic
def interview_reopen(*, by: User, interview: ReturnInterview, reason: str) -> ReturnInterview:
    """Reopen a signed-off interview so that it can be corrected: a manager, with a reason.
    The sign-off and its submission are cleared and kept in the history (when, by whom, its
    note); the worker submits it again once it is put right, and a manager signs it off."""
    current = ReturnInterview.objects.select_for_update(of=("self",)).select_related(
        "signed_off_by"
    )
    current_interview = current.get(pk=interview.pk)
    _require(permissions.can_reopen_interview(by, current_interview), "only a manager")
    if current_interview.signed_off_at is None:
        raise ValidationError("This interview is not signed off")
    _check_reason(reason, "", always="Say why the interview is reopened")
    # Its submission goes too: the worker corrects it and submits it again, rather than it
    # waiting in the managers' queue before anyone has put it right.
    cleared = {
        "signed_off_at": None,
        "signed_off_by": None,
        "sign_off_note": "",
        "submitted_for_sign_off_at": None,
        "submitted_for_sign_off_by": None,
    }
    changes = _diff(current_interview, cleared)
    because = f"interview {current_interview.reference} is signed off"
    for name, value in cleared.items():
        setattr(current_interview, name, value)
    current_interview.version += 1
    current_interview.save()
    _interview_correction(
        by, current_interview, Action.REOPENED, changes=changes, reason=reason, because=because
    )
    return current_interview


# --- a police report's episode, when the report is unlinked ---------------------------------


def episode_clear_police(*, episode: Episode) -> list[dict[str, Any]]:
    """An episode recorded by hand, its police report unlinked: it stays the child's, but
    no longer carries the report's force and reference. Returns the field changes."""
    current = Episode.objects.select_for_update().get(pk=episode.pk)
    values: dict[str, Any] = {"police_force": None, "police_reference": ""}
    changes = _diff(current, values)
    if changes:
        Episode.objects.filter(pk=current.pk).update(
            police_force=None, police_reference="", updated_at=timezone.now()
        )
    return changes

"""Writes to the case records. Views call these; nothing else changes a case.

Each function takes keyword-only arguments, checks the state it expects before doing
anything, and runs in one transaction, so a refused write leaves nothing half-written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from homeward.accounts import permissions
from homeward.cases import clock, codes
from homeward.cases.models import (
    IN_COUNT,
    AdultOfConcern,
    Child,
    ChildAlias,
    ChildMatchKey,
    ChildMerge,
    ContactAttempt,
    Counter,
    Episode,
    InformationShare,
    Offer,
    PlaceOfConcern,
    Referral,
    ReturnInterview,
    RiskFlag,
    VehicleOfConcern,
)
from homeward.formats.dates import day_text, moment_text
from homeward.organisations.models import Authority, Organisation
from homeward.organisations.selectors import allocatable_organisations, allocatable_workers
from homeward.police import match

if TYPE_CHECKING:
    from homeward.accounts.models import User


class StaleRecord(Exception):
    """Someone else saved the record since it was read: nothing was saved."""

    def __init__(self, current: ReturnInterview, mine: dict[str, Any]) -> None:
        super().__init__("the interview was changed by someone else")
        self.current = current
        self.mine = mine

    @property
    def differences(self) -> list[tuple[str, Any, Any]]:
        """(field, what is saved now, what you tried to save) for each field that differs."""
        return [
            (name, getattr(self.current, name), value)
            for name, value in self.mine.items()
            if getattr(self.current, name) != value
        ]


def next_reference(prefix: str) -> str:
    """The next reference of a sequence (`C-000001`), taken under a row lock."""
    with transaction.atomic():
        counter, _ = Counter.objects.select_for_update().get_or_create(name=prefix)
        Counter.objects.filter(pk=prefix).update(value=F("value") + 1)
        counter.refresh_from_db()
        return f"{prefix}-{counter.value:06d}"


def references_reserve(prefix: str, count: int) -> list[str]:
    """`count` consecutive references of a sequence, taken under one row lock (a batch of
    thousands takes one counter update, not thousands)."""
    if count <= 0:
        return []
    with transaction.atomic():
        Counter.objects.select_for_update().get_or_create(name=prefix)
        Counter.objects.filter(pk=prefix).update(value=F("value") + count)
        last = Counter.objects.get(pk=prefix).value
    return [f"{prefix}-{n:06d}" for n in range(last - count + 1, last + 1)]


def home_authority() -> Authority:
    return Authority.objects.get(is_home=True)


#: Why an imported episode (the case system's history, `Episode.imported`) cannot be
#: changed, returned, allocated or linked to a police report here.
IMPORTED = "an imported episode is the case system's history: correct it there"


def _require(allowed: bool, what: str) -> None:
    if not allowed:
        raise PermissionDenied(what)


def _require_aware(value: datetime | None, field: str) -> None:
    if value is not None and timezone.is_naive(value):
        raise ValidationError({field: "Give the time with its time zone"})


# --- children ------------------------------------------------------------------------------


@transaction.atomic
def child_create(
    *,
    by: User,
    first_name: str,
    last_name: str,
    date_of_birth: date | None,
    sex: str = codes.Sex.UNKNOWN,
    ethnicity: str = codes.Ethnicity.NOBT,
    address: str = "",
    postcode: str = "",
    legal_status: str = codes.LegalStatus.NONE,
    placement_type: str = "",
    responsible_authority: Authority | None = None,
    host_authority: Authority | None = None,
    social_worker: str = "",
    aliases: list[str] | None = None,
    looked_after_since: date | None = None,
    upn: str = "",
) -> Child:
    _require(permissions.can_record_episode(by), "only a coordinator or manager adds a child")
    if not first_name.strip() or not last_name.strip():
        raise ValidationError("A child needs a first name and a last name")
    if date_of_birth is not None and date_of_birth > timezone.localdate():
        raise ValidationError({"date_of_birth": "Date of birth must be in the past"})
    upn = _checked_care(legal_status, placement_type, date_of_birth, looked_after_since, upn)
    child = Child(
        reference=next_reference("C"),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        date_of_birth=date_of_birth,
        sex=sex,
        ethnicity=ethnicity,
        address=address,
        postcode=postcode.strip().upper(),
        legal_status=legal_status,
        placement_type=placement_type,
        responsible_authority=responsible_authority or home_authority(),
        host_authority=host_authority,
        social_worker=social_worker,
        looked_after_since=looked_after_since,
        upn=upn,
    )
    child.full_clean()
    child.save()
    for alias in aliases or []:
        if alias.strip():
            ChildAlias.objects.create(child=child, name=alias.strip())
    child_match_keys_refresh(child=child)
    return child


#: The DfE unique pupil number's shape: a check letter then 12 characters (digits, or a
#: temporary number's final letter).
_UPN = re.compile(r"[A-Z][0-9]{11}[0-9A-Z]")


def _checked_care(
    legal_status: str, placement_type: str, born: date | None, since: date | None, upn: str
) -> str:
    """A placement and a period of care only for a looked-after child, the period after
    birth and not ahead, a UPN of the DfE's shape; the UPN as stored (upper case)."""
    if placement_type and legal_status != codes.LegalStatus.LOOKED_AFTER:
        raise ValidationError({"placement_type": "Only a looked-after child has a placement"})
    _check_care(legal_status, born, since)
    upn = upn.strip().upper()
    if upn and not _UPN.fullmatch(upn):
        raise ValidationError(
            {"upn": "A unique pupil number is a letter and 12 more letters or digits"}
        )
    return upn


def _check_care(legal_status: str, born: date | None, since: date | None) -> None:
    """The period of care's start: only for a looked-after child, after birth, not ahead."""
    if since is None:
        return
    if legal_status != codes.LegalStatus.LOOKED_AFTER:
        raise ValidationError(
            {"looked_after_since": "Only a looked-after child has a period of care"}
        )
    if since > timezone.localdate():
        raise ValidationError({"looked_after_since": "The period of care cannot start ahead"})
    if born is not None and since < born:
        raise ValidationError(
            {"looked_after_since": "The period of care cannot start before the child was born"}
        )


def match_person(child: Child, aliases: list[str] | None = None) -> match.Person:
    """The child as the matcher sees them (names, aliases, date of birth, sex, postcode)."""
    if aliases is None:
        aliases = [a.name for a in child.aliases.all()]
    return match.Person(
        given_names=child.first_name,
        family_name=child.last_name,
        aliases=tuple(aliases),
        date_of_birth=child.date_of_birth,
        sex=child.sex,
        postcode=child.postcode,
    )


def child_match_keys_refresh(*, child: Child) -> None:
    """Recompute the child's blocking keys for matching police notifications."""
    ChildMatchKey.objects.filter(child=child).delete()
    ChildMatchKey.objects.bulk_create(
        ChildMatchKey(child=child, key=key)
        for key in sorted(match.candidate_keys(match_person(child)))
    )


def child_match_keys_rebuild() -> int:
    """Recompute every child's blocking keys (after a bulk load); returns how many keys."""
    aliases: dict[int, list[str]] = {}
    for child_id, name in ChildAlias.objects.values_list("child_id", "name"):
        aliases.setdefault(child_id, []).append(name)
    with transaction.atomic():
        ChildMatchKey.objects.all().delete()
        rows = [
            ChildMatchKey(child_id=child.pk, key=key)
            for child in Child.objects.only(
                "id", "first_name", "last_name", "date_of_birth", "sex", "postcode"
            ).iterator(chunk_size=5000)
            for key in sorted(match.candidate_keys(match_person(child, aliases.get(child.pk, []))))
        ]
        ChildMatchKey.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


@transaction.atomic
def children_merge(*, by: User, keep: Child, duplicate: Child, reason: str) -> ChildMerge:
    """Make two records of one child one: everything of `duplicate` moves to `keep`, its
    name becomes an alias, and the duplicate record goes. The merge itself is kept
    (`ChildMerge`), with the duplicate as it was, and the access log records it."""
    from homeward.audit.models import AccessEvent
    from homeward.audit.services import access_record

    _require(permissions.can_record_episode(by), "only a coordinator or manager merges records")
    if keep.pk == duplicate.pk:
        raise ValidationError("Choose two different records to merge")
    if not reason.strip():
        raise ValidationError({"reason": "Say why these are the same child"})
    keep = Child.objects.select_for_update().get(pk=keep.pk)
    duplicate = Child.objects.select_for_update().get(pk=duplicate.pk)
    summary = (
        f"{duplicate.reference}: {duplicate.full_name}, "
        f"born {duplicate.date_of_birth or 'unknown'}, "
        f"{duplicate.get_sex_display()}, postcode {duplicate.postcode or 'none'}, "
        f"{duplicate.get_legal_status_display()}"
    )
    moved: dict[str, int] = {}
    _merge_profiles(by=by, keep=keep, duplicate=duplicate)
    # Every record pointing at the child, those without a reverse name ("+") included.
    relations = [
        f
        for f in Child._meta.get_fields(include_hidden=True)
        if f.auto_created and not f.concrete and (f.one_to_many or f.one_to_one)
    ]
    for relation in relations:
        model = relation.related_model
        if model is ChildMatchKey or relation.many_to_many:
            continue
        count = model._default_manager.filter(**{relation.field.name: duplicate}).update(
            **{relation.field.name: keep}
        )
        if count:
            moved[str(model._meta.verbose_name_plural)] = count
    names = {keep.full_name.casefold(), *(a.name.casefold() for a in keep.aliases.all())}
    if duplicate.full_name.casefold() not in names:
        ChildAlias.objects.create(child=keep, name=duplicate.full_name)
    if keep.date_of_birth is None and duplicate.date_of_birth is not None:
        keep.date_of_birth = duplicate.date_of_birth
    if not keep.postcode and duplicate.postcode:
        keep.postcode = duplicate.postcode
    keep.save()
    merge = ChildMerge.objects.create(
        kept=keep,
        duplicate_reference=duplicate.reference,
        duplicate_id=duplicate.pk,
        duplicate_summary=summary,
        moved=moved,
        reason=reason.strip(),
        merged_by=by,
    )
    duplicate.delete()
    child_match_keys_refresh(child=keep)
    access_record(
        user=by,
        action=AccessEvent.Action.MERGE,
        what=f"child {keep.reference}",
        child_id=keep.pk,
        detail=f"merged {merge.duplicate_reference} into {keep.reference}: "
        + ", ".join(f"{n} {what}" for what, n in moved.items()),
        reason=reason.strip(),
    )
    return merge


def _merge_profiles(*, by: User, keep: Child, duplicate: Child) -> None:
    """Both records have a Philomena profile: the duplicate's versions follow the kept
    record's, renumbered, and a new version restates the kept record's, so the profile in
    force is the kept record's and no version is lost (docs/profile.md)."""
    from homeward.profiles.models import ProfileVersion

    kept = list(ProfileVersion.objects.filter(child=keep).order_by("version"))
    theirs = list(ProfileVersion.objects.filter(child=duplicate).order_by("version"))
    if not kept or not theirs:
        return  # at most one profile: it moves with everything else
    number = kept[-1].version
    for version in theirs:
        number += 1
        version.child, version.version = keep, number
        version.reason = f"From the merged record {duplicate.reference}: {version.reason}"[:500]
        version.save(update_fields=["child", "version", "reason"])
    latest = kept[-1]
    ProfileVersion.objects.create(
        child=keep,
        version=number + 1,
        photo=latest.photo,
        review_on=latest.review_on,
        reason=f"Merged with record {duplicate.reference}: this is {keep.reference}'s profile "
        f"again; the merged record's versions are kept above it",
        recorded_by=by,
        **latest.answers(),
    )


@transaction.atomic
def child_record_care(
    *,
    by: User,
    child: Child,
    legal_status: str,
    placement_type: str = "",
    looked_after_since: date | None = None,
    upn: str = "",
) -> Child:
    """The child's legal status, placement, period of care and UPN as they are now (a child
    comes into care, or leaves it; the SSDA903 return needs the period's start)."""
    _require(permissions.can_record_episode(by), "only a coordinator or manager records care")
    if legal_status not in codes.LegalStatus.values:
        raise ValidationError({"legal_status": "Choose the legal status"})
    upn = _checked_care(legal_status, placement_type, child.date_of_birth, looked_after_since, upn)
    current = Child.objects.select_for_update().get(pk=child.pk)
    current.legal_status = legal_status
    current.placement_type = placement_type
    current.looked_after_since = looked_after_since
    current.upn = upn
    current.full_clean()
    current.save()
    return current


@transaction.atomic
def child_flag_risk(*, by: User, child: Child, kind: str, noted_on: date, source: str) -> RiskFlag:
    """A risk to the child (exploitation, trafficking, other), since when and who raised it."""
    _require(permissions.can_record_episode(by), "only a coordinator or manager flags a risk")
    errors: dict[str, str] = {}
    if noted_on > timezone.localdate():
        errors["noted_on"] = "The date the risk was noted cannot be in the future"
    if not source.strip():
        errors["source"] = "Say who raised the risk: police, school, social worker, …"
    if errors:
        raise ValidationError(errors)
    flag = RiskFlag(child=child, kind=kind, noted_on=noted_on, source=source.strip())
    flag.full_clean()
    flag.save()
    return flag


# --- episodes ------------------------------------------------------------------------------


def _check_episode_times(
    started_at: datetime,
    returned_at: datetime | None,
    notified_at: datetime | None,
    reported_to_police_at: datetime | None,
) -> None:
    for name, value in (
        ("started_at", started_at),
        ("returned_at", returned_at),
        ("notified_at", notified_at),
        ("reported_to_police_at", reported_to_police_at),
    ):
        _require_aware(value, name)
    now = timezone.now()
    errors: dict[str, str] = {}
    if started_at > now:
        errors["started_at"] = "The episode cannot start in the future"
    if returned_at is not None:
        if returned_at < started_at:
            errors["returned_at"] = "The return must be after the child went missing"
        elif returned_at > now:
            errors["returned_at"] = "The return cannot be in the future"
    if notified_at is not None and notified_at > now:
        errors["notified_at"] = "The notification cannot be in the future"
    if reported_to_police_at is not None and reported_to_police_at < started_at:
        errors["reported_to_police_at"] = (
            "The report to the police must be after the child went missing"
        )
    if errors:
        raise ValidationError(errors)


def episode_refresh_due(*, episode: Episode) -> None:
    """Set the episode's own due point from the home authority's rule (no write-back of
    its interview: see `interview_refresh_due`)."""
    settings = home_authority().settings
    start = clock.clock_start(settings, episode.returned_at, episode.notified_at)
    episode.due_at = None if start is None else clock.due_point(settings, start)
    episode.due_rule = clock.rule_text(settings) if start is not None else ""


def interview_refresh_due(*, interview: ReturnInterview) -> None:
    """The interview's due point from its episodes (those not entered in error), under the
    authority's bunching. An interview held here for another authority keeps the due point
    that authority's clock gave it (docs/exchange.md)."""
    if interview.held_for_authority and interview.due_at is not None:
        return
    settings = home_authority().settings
    episodes = list(interview.episodes.filter(IN_COUNT))
    starts = [clock.clock_start(settings, e.returned_at, e.notified_at) for e in episodes]
    interview.due_at = clock.interview_due(settings, starts)
    interview.due_rule = clock.rule_text(settings) if interview.due_at else ""
    if settings.bunching.value == "latest" and interview.due_at is not None:
        Episode.objects.filter(IN_COUNT, interview=interview).update(due_at=interview.due_at)


@transaction.atomic
def episode_record(
    *,
    by: User,
    child: Child,
    category: str,
    missing_from: str,
    started_at: datetime,
    reported_to_police_at: datetime | None = None,
    returned_at: datetime | None = None,
    notified_at: datetime | None = None,
    police_force: Organisation | None = None,
    police_reference: str = "",
    risk_grade: str = "",
    circumstances: str = "",
    last_seen_where: str = "",
    found_where: str = "",
    found_by: str = "",
    risk_factors: list[str] | None = None,
    prevention_interview_done: bool | None = None,
    police_officer: str = "",
    whereabouts_known: bool | None = None,
    tell_partner: bool = True,
) -> Episode:
    """Record a new missing or absent episode (with its return, if the child is back).
    `whereabouts_known`: were they known while the child was away (None: not recorded)?
    For a child placed across the boundary with a partner authority, a missing notice goes
    to it in the same transaction (`tell_partner` False: the episode came from its notice)."""
    _require(permissions.can_record_episode(by), "only a coordinator or manager records one")
    _check_episode_times(started_at, returned_at, notified_at, reported_to_police_at)
    if police_reference and police_force is not None:
        clash = Episode.objects.filter(police_force=police_force, police_reference=police_reference)
        if clash.exists():
            raise ValidationError(
                {
                    "police_reference": f"{police_force} reference {police_reference} is already "
                    f"recorded as episode {clash.first()}"
                }
            )
    episode = Episode(
        reference=next_reference("E"),
        child=child,
        category=category,
        missing_from=missing_from,
        started_at=started_at,
        reported_to_police_at=reported_to_police_at,
        returned_at=returned_at,
        notified_at=notified_at,
        police_force=police_force,
        police_reference=police_reference,
        risk_grade=risk_grade,
        circumstances=circumstances,
        last_seen_where=last_seen_where,
        found_where=found_where,
        found_by=found_by,
        risk_factors=list(risk_factors or []),
        prevention_interview_done=prevention_interview_done,
        police_officer=police_officer,
        whereabouts_known=whereabouts_known,
        created_by=by,
    )
    episode_refresh_due(episode=episode)
    episode.full_clean()
    episode.save()
    if tell_partner:
        from homeward.exchange import notices

        notices.missing_notice_send(episode=episode, event="missing", by=by)
    from homeward.profiles import services as profiles

    profiles.police_copy_enqueue(episode=episode, by=by)  # docs/profile.md, "To the police"
    return episode


@transaction.atomic
def episode_record_return(
    *,
    by: User,
    episode: Episode,
    returned_at: datetime,
    notified_at: datetime | None = None,
    found_where: str = "",
    found_by: str = "",
) -> Episode:
    """Record that the child has returned or been found: this starts the clock."""
    _require(permissions.can_record_episode(by), "only a coordinator or manager records one")
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    _require(not episode.imported, IMPORTED)
    if episode.returned_at is not None:
        when = moment_text(clock.wall_clock(episode.returned_at))
        raise ValidationError({"returned_at": f"The return is already recorded ({when})"})
    _check_episode_times(episode.started_at, returned_at, notified_at, None)
    episode.returned_at = returned_at
    episode.notified_at = notified_at or episode.notified_at
    episode.found_where = found_where or episode.found_where
    episode.found_by = found_by or episode.found_by
    episode_refresh_due(episode=episode)
    episode.save()
    if episode.interview is not None:
        interview_refresh_due(interview=episode.interview)
        episode.interview.save(update_fields=["due_at", "due_rule"])
    from homeward.exchange import notices

    notices.missing_notice_send(episode=episode, event="returned", by=by)
    return episode


#: Episode fields that a police notification sets (and an amended one may change).
POLICE_FIELDS = (
    "category",
    "missing_from",
    "started_at",
    "reported_to_police_at",
    "returned_at",
    "notified_at",
    "risk_grade",
    "circumstances",
    "last_seen_where",
    "found_where",
    "found_by",
    "risk_factors",
    "prevention_interview_done",
    "police_officer",
)


@transaction.atomic
def episode_apply_police(*, episode: Episode, values: dict[str, Any]) -> list[str]:
    """Bring an episode up to date with its police report (an amended notification): set the
    police fields given and keep the clock right. Returns the fields that changed; the
    change history (django-auditlog) keeps what they were."""
    unknown = set(values) - set(POLICE_FIELDS)
    if unknown:
        raise ValueError(f"not police fields of an episode: {sorted(unknown)}")
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    _require(not episode.imported, IMPORTED)
    changed = [name for name, value in values.items() if getattr(episode, name) != value]
    if not changed:
        return []
    for name in changed:
        setattr(episode, name, values[name])
    _check_episode_times(
        episode.started_at, episode.returned_at, episode.notified_at, episode.reported_to_police_at
    )
    episode_refresh_due(episode=episode)
    episode.full_clean()
    episode.save()
    if episode.interview is not None:
        interview_refresh_due(interview=episode.interview)
        episode.interview.save(update_fields=["due_at", "due_rule"])
    return changed


# --- return interviews ---------------------------------------------------------------------


def suggest_worker(*, child: Child) -> User | None:
    """Continuity: the worker who last interviewed (or was allocated) this child."""
    last = (
        ReturnInterview.objects.filter(child=child, allocated_worker__isnull=False)
        .select_related("allocated_worker")
        .order_by("-held_at", "-allocated_at")
        .first()
    )
    if last is None or last.allocated_worker is None or not last.allocated_worker.is_active:
        return None
    return last.allocated_worker


@transaction.atomic
def interview_allocate(
    *,
    by: User,
    episodes: list[Episode],
    organisation: Organisation,
    worker: User | None = None,
    interviewer_independent: bool | None = None,
    chosen_by_child: bool | None = None,
    notify: bool = True,
) -> ReturnInterview:
    """One return interview covering `episodes` (all of one child, none yet covered).
    `notify`: queue the email telling the worker (`allocation_notice_enqueue`)."""
    _require(permissions.can_allocate(by), "only a coordinator or manager allocates")
    if not episodes:
        raise ValidationError({"episodes": "Choose at least one episode"})
    locked = list(Episode.objects.select_for_update().filter(pk__in=[e.pk for e in episodes]))
    children = {e.child_id for e in locked}
    if len(children) != 1:
        raise ValidationError({"episodes": "An interview covers episodes of one child"})
    imported = [e.reference for e in locked if e.imported]
    if imported:
        raise PermissionDenied(f"{IMPORTED}: {', '.join(sorted(imported))}")
    covered = [e.reference for e in locked if e.interview_id is not None]
    if covered:
        raise ValidationError(
            {"episodes": f"Already covered by an interview: {', '.join(sorted(covered))}"}
        )
    if not allocatable_organisations().filter(pk=organisation.pk).exists():
        raise ValidationError(
            {"organisation": "Interviews go to this authority's team or a provider it commissions"}
        )
    if worker is not None and worker.organisation_id != organisation.pk:
        raise ValidationError({"worker": f"{worker} does not work for {organisation}"})
    if worker is not None and not allocatable_workers().filter(pk=worker.pk).exists():
        raise ValidationError({"worker": f"{worker} is not an active return interview worker"})
    interview = ReturnInterview.objects.create(
        reference=next_reference("RI"),
        child_id=children.pop(),
        allocated_organisation=organisation,
        allocated_worker=worker,
        allocated_at=timezone.now(),
        allocated_by=by,
        interviewer_independent=interviewer_independent,
        chosen_by_child=chosen_by_child,
    )
    Episode.objects.filter(pk__in=[e.pk for e in locked]).update(interview=interview)
    interview_refresh_due(interview=interview)
    interview.save(update_fields=["due_at", "due_rule"])
    if notify:
        allocation_notice_enqueue(interviews=[interview])
    return interview


# --- allocating several episodes at once, and telling the worker --------------------------


def allocation_notice_enqueue(*, interviews: list[ReturnInterview]) -> None:
    """Queue the email telling each allocated worker of their new interviews (references
    only: `cases.notices`). The task worker sends it (`manage.py db_worker`), so a mail
    server that is down or slow never fails or holds up the allocation; the task is written
    in the allocation's own transaction, so it exists exactly when the allocation does."""
    from homeward.cases import tasks

    ids = [i.pk for i in interviews if i.allocated_worker_id is not None]
    if ids:
        tasks.send_allocation_notices.enqueue(interview_ids=ids)


@transaction.atomic
def interviews_allocate_many(
    *,
    by: User,
    episodes: list[Episode],
    organisation: Organisation,
    worker: User | None = None,
    interviewer_independent: bool | None = None,
    chosen_by_child: bool | None = None,
) -> list[ReturnInterview]:
    """Interviews for several returned episodes at once, all to one organisation (and
    worker): one interview per child, covering that child's chosen episodes, as
    `interview_allocate` makes it. All or nothing: one refusal allocates none. The worker
    gets one email for all of them."""
    _require(permissions.can_allocate(by), "only a coordinator or manager allocates")
    if not episodes:
        raise ValidationError({"episodes": "Select at least one episode"})
    by_child: dict[int, list[Episode]] = {}
    for episode in sorted(episodes, key=lambda e: (e.child_id, e.started_at, e.pk)):
        by_child.setdefault(episode.child_id, []).append(episode)
    made = [
        interview_allocate(
            by=by,
            episodes=group,
            organisation=organisation,
            worker=worker,
            interviewer_independent=interviewer_independent,
            chosen_by_child=chosen_by_child,
            notify=False,
        )
        for group in by_child.values()
    ]
    allocation_notice_enqueue(interviews=made)
    return made


def _locked_interview(interview: ReturnInterview) -> ReturnInterview:
    return ReturnInterview.objects.select_for_update().get(pk=interview.pk)


def _check_open(interview: ReturnInterview) -> None:
    if interview.signed_off_at is not None:
        raise ValidationError("This interview is signed off: it can no longer be changed")


def _open_for_work(by: User, interview: ReturnInterview) -> ReturnInterview:
    """The interview, locked, when `by` may work it and it is not signed off."""
    _require(permissions.can_work_interview(by, interview), "not your interview")
    current = _locked_interview(interview)
    _check_open(current)
    return current


def _bump(interview: ReturnInterview) -> None:
    """The interview's record changed: raise its version (see `interview_write_up`)."""
    ReturnInterview.objects.filter(pk=interview.pk).update(version=F("version") + 1)


@transaction.atomic
def interview_record_offer(
    *, by: User, interview: ReturnInterview, offered_at: datetime, offered_to: str, method: str
) -> Offer:
    interview = _open_for_work(by, interview)
    _require_aware(offered_at, "offered_at")
    if offered_at > timezone.now():
        raise ValidationError({"offered_at": "The offer cannot be in the future"})
    offer = Offer(
        interview=interview,
        offered_at=offered_at,
        offered_to=offered_to,
        method=method,
        recorded_by=by,
    )
    offer.full_clean()
    offer.save()
    _bump(interview)
    return offer


@transaction.atomic
def interview_record_attempt(
    *,
    by: User,
    interview: ReturnInterview,
    attempted_at: datetime,
    method: str,
    successful: bool,
    note: str = "",
) -> ContactAttempt:
    interview = _open_for_work(by, interview)
    _require_aware(attempted_at, "attempted_at")
    if attempted_at > timezone.now():
        raise ValidationError({"attempted_at": "The attempt cannot be in the future"})
    attempt = ContactAttempt(
        interview=interview,
        attempted_at=attempted_at,
        method=method,
        successful=successful,
        note=note,
        recorded_by=by,
    )
    attempt.full_clean()
    attempt.save()
    _bump(interview)
    return attempt


@transaction.atomic
def interview_record_decline(
    *,
    by: User,
    interview: ReturnInterview,
    declined_by: str,
    reason: str,
    reason_code: str,
) -> ReturnInterview:
    """The child, or their parent or carer, declined the interview: why, coded (counted by
    the performance pack) and in words."""
    interview = _open_for_work(by, interview)
    if not interview.offers.exists():
        raise ValidationError("Record the offer before the decline: only an offer can be declined")
    if interview.held_at is not None:
        raise ValidationError("The interview was held: it cannot also be declined")
    if declined_by not in codes.DeclinedBy.values:
        raise ValidationError({"declined_by": "Say who declined: the child or a parent or carer"})
    if reason_code not in codes.DeclineReason.values:
        raise ValidationError({"reason_code": "Choose why the interview was declined"})
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason the interview was declined"})
    interview.outcome = codes.Outcome.DECLINED
    interview.declined_by = declined_by
    interview.decline_reason_code = reason_code
    interview.decline_reason = reason.strip()
    interview.outcome_recorded_at = timezone.now()
    interview.version += 1
    interview.save()
    return interview


@transaction.atomic
def interview_record_no_contact(*, by: User, interview: ReturnInterview) -> ReturnInterview:
    interview = _open_for_work(by, interview)
    if not interview.attempts.exists():
        raise ValidationError("Record the attempts made before saying no contact was made")
    interview.outcome = codes.Outcome.NO_CONTACT
    interview.outcome_recorded_at = timezone.now()
    interview.version += 1
    interview.save()
    return interview


#: The fields of the write-up, as `interview_write_up` takes them.
WRITE_UP_FIELDS = (
    "held_at",
    "held_where",
    "push_factors",
    "pull_factors",
    "whereabouts",
    "harms",
    "child_words",
    "child_wishes",
    "follow_up_offered",
    "follow_up_taken_up",
    "safety_plan_updated",
    "late_reason_code",
    "late_reason",
)


@dataclass(frozen=True)
class WriteUp:
    held_at: datetime
    held_where: str = ""
    push_factors: str = ""
    pull_factors: str = ""
    whereabouts: str = ""
    harms: tuple[str, ...] = ()
    child_words: str = ""
    child_wishes: str = ""
    follow_up_offered: bool | None = None
    follow_up_taken_up: bool | None = None
    safety_plan_updated: bool | None = None
    late_reason_code: str = ""
    late_reason: str = ""

    def as_fields(self) -> dict[str, Any]:
        values = {name: getattr(self, name) for name in WRITE_UP_FIELDS}
        values["harms"] = sorted(set(self.harms))
        return values


@transaction.atomic
def interview_write_up(
    *, by: User, interview: ReturnInterview, write_up: WriteUp, expected_version: int
) -> ReturnInterview:
    """Record the interview as held, with what the child said.

    `expected_version` is the version the writer read. When someone saved the interview
    since, nothing is saved and `StaleRecord` says what differs, so no one's work is lost.
    A completion after the due point needs the reason it was late.
    """
    _require(permissions.can_work_interview(by, interview), "not your interview")
    current = _locked_interview(interview)
    values = write_up.as_fields()
    if current.version != expected_version:
        raise StaleRecord(current, values)
    _check_open(current)
    _require_aware(write_up.held_at, "held_at")
    errors: dict[str, str] = {}
    if write_up.held_at > timezone.now():
        errors["held_at"] = "The interview cannot be held in the future"
    if current.outcome in (codes.Outcome.DECLINED, codes.Outcome.NO_CONTACT):
        errors["held_at"] = f"The interview is recorded as {current.get_outcome_display().lower()}"
    unknown = set(write_up.harms) - set(codes.Harm.values)
    if unknown:
        errors["harms"] = f"Unknown harm codes: {', '.join(sorted(unknown))}"
    if write_up.follow_up_taken_up and not write_up.follow_up_offered:
        errors["follow_up_taken_up"] = "Follow-up can only be taken up once it was offered"
    late = current.due_at is not None and write_up.held_at > current.due_at
    if write_up.late_reason_code and write_up.late_reason_code not in codes.LateReason.values:
        errors["late_reason_code"] = "Choose why the interview was late from the list"
    if late and current.due_at is not None:
        due = moment_text(clock.wall_clock(current.due_at))
        if not write_up.late_reason_code:
            errors["late_reason_code"] = (
                f"The interview was held after it was due ({due}): choose why"
            )
        if not write_up.late_reason.strip():
            errors["late_reason"] = f"The interview was held after it was due ({due}): say why"
    if errors:
        raise ValidationError(errors)
    for name, value in values.items():
        setattr(current, name, value)
    current.outcome = codes.Outcome.ACCEPTED
    current.outcome_recorded_at = current.outcome_recorded_at or timezone.now()
    current.written_up_at = timezone.now()
    current.written_up_by = by
    current.version += 1
    current.save()
    return current


@transaction.atomic
def interview_record_share(
    *,
    by: User,
    interview: ReturnInterview,
    recipient: str,
    shared_at: datetime,
    basis: str,
    detail: str,
) -> InformationShare:
    _require(permissions.can_work_interview(by, interview), "not your interview")
    _require_aware(shared_at, "shared_at")
    share = InformationShare(
        interview=interview,
        recipient=recipient,
        shared_at=shared_at,
        basis=basis,
        detail=detail,
        shared_by=by,
    )
    share.full_clean()
    share.save()
    return share


@transaction.atomic
def interview_sign_off(
    *,
    by: User,
    interview: ReturnInterview,
    note: str = "",
    expected_version: int | None = None,
) -> ReturnInterview:
    """A manager's quality sign-off of a closed interview (held, declined or no contact)
    that its worker submitted for sign-off (`interview_submit_for_sign_off`).

    `expected_version`: the version the manager read on the sign-off page. When the
    interview changed since, nothing is signed off: the manager approves only what they saw.
    """
    _require(permissions.can_sign_off(by, interview), "you cannot sign off this interview")
    current = _locked_interview(interview)
    if current.signed_off_at is not None:
        raise ValidationError("This interview is already signed off")
    if not current.is_closed:
        raise ValidationError("Only a held, declined or no-contact interview can be signed off")
    _check_awaiting_sign_off(current, expected_version)
    current.signed_off_at = timezone.now()
    current.signed_off_by = by
    current.sign_off_note = note
    current.version += 1
    current.save()
    if current.held_for_authority:  # held here for the responsible authority: tell it
        from homeward.exchange import arrangements

        arrangements.outcome_send(interview=current, by=by)
    return current


# --- submitting for sign-off, and returning with comments (the sign-off queue) ------------


def _check_awaiting_sign_off(current: ReturnInterview, expected_version: int | None) -> None:
    if current.submitted_for_sign_off_at is None:
        raise ValidationError(
            "The interview has not been submitted for sign-off: its worker submits it first"
        )
    if expected_version is not None and current.version != expected_version:
        raise ValidationError(
            "The interview changed since you opened this page: read it again before you decide"
        )


@transaction.atomic
def interview_submit_for_sign_off(*, by: User, interview: ReturnInterview) -> ReturnInterview:
    """The worker says a closed interview (held, declined or no contact) is ready for a
    manager's sign-off. Submitting again after a manager returned it puts it back in the
    queue (the manager's comments stay on the interview for the manager to check)."""
    _require(permissions.can_submit_for_sign_off(by, interview), "you cannot submit this interview")
    current = _locked_interview(interview)
    _check_open(current)
    if current.submitted_for_sign_off_at is not None:
        raise ValidationError("The interview is already waiting for sign-off")
    if not current.is_closed:
        raise ValidationError(
            "Only a held, declined or no-contact interview can be submitted: record how it "
            "ended first"
        )
    current.submitted_for_sign_off_at = timezone.now()
    current.submitted_for_sign_off_by = by
    current.version += 1
    current.save()
    return current


@transaction.atomic
def interview_return(
    *,
    by: User,
    interview: ReturnInterview,
    comments: str,
    expected_version: int | None = None,
) -> ReturnInterview:
    """A manager sends an interview awaiting sign-off back to its worker with comments on
    what to change; the worker changes it and submits it again."""
    _require(permissions.can_return_interview(by, interview), "you cannot return this interview")
    comments = (comments or "").strip()
    if not comments:
        raise ValidationError({"comments": "Enter your comments for the worker"})
    current = _locked_interview(interview)
    _check_open(current)
    _check_awaiting_sign_off(current, expected_version)
    current.submitted_for_sign_off_at = None
    current.submitted_for_sign_off_by = None
    current.returned_for_changes_at = timezone.now()
    current.returned_for_changes_by = by
    current.return_comments = comments
    current.version += 1
    current.save()
    return current


@transaction.atomic
def interview_record_late_reason(
    *, by: User, interview: ReturnInterview, reason: str, reason_code: str
) -> ReturnInterview:
    """Why the timescale was missed, coded and in words (asked for by the clock job and the
    write-up)."""
    _require(permissions.can_work_interview(by, interview), "not your interview")
    errors: dict[str, str] = {}
    if reason_code not in codes.LateReason.values:
        errors["reason_code"] = "Choose why the interview was late"
    if not reason.strip():
        errors["reason"] = "Say why the interview was late"
    if errors:
        raise ValidationError(errors)
    current = _locked_interview(interview)
    current.late_reason_code = reason_code
    current.late_reason = reason.strip()
    current.version += 1
    current.save()
    return current


# --- what the interview found, and what was done about it ----------------------------------

#: A UK postcode's shape, without its space: outward code (ZZ1, ZZ1A, Z1, Z11…), inward (1AA).
#: Only the shape is checked: whether the postcode exists is not this system's business.
_POSTCODE = re.compile(r"([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})")


def normalise_postcode(value: str) -> str:
    """Upper case with one space (`zz11aa` becomes `ZZ1 1AA`); empty stays empty; anything
    not shaped like a UK postcode is refused."""
    compact = re.sub(r"\s+", "", value or "").upper()
    if not compact:
        return ""
    shape = _POSTCODE.fullmatch(compact)
    if shape is None:
        raise ValidationError(
            {"postcode": "Enter a postcode in the right shape, like ZZ1 1AA, or leave it blank"}
        )
    return f"{shape.group(1)} {shape.group(2)}"


@transaction.atomic
def interview_add_place(
    *,
    by: User,
    interview: ReturnInterview,
    description: str,
    postcode: str = "",
    when: str = "",
    shareable: bool = False,
) -> PlaceOfConcern:
    """A place the child went to or was taken to that gives concern (a flat, a park, …),
    when they were there, and whether it may be shared with the police as intelligence."""
    interview = _open_for_work(by, interview)
    if not description.strip():
        raise ValidationError({"description": "Describe the place"})
    place = PlaceOfConcern(
        interview=interview,
        description=description.strip(),
        postcode=normalise_postcode(postcode),
        when=when.strip(),
        shareable=bool(shareable),
    )
    place.full_clean()
    place.save()
    _bump(interview)
    return place


@transaction.atomic
def interview_add_adult(
    *, by: User, interview: ReturnInterview, description: str, shareable: bool = False
) -> AdultOfConcern:
    """An adult the child was with who gives concern: a name, nickname or description as the
    child gave it. A disclosure, encrypted at rest and shown only with the interview; shared
    with the police only when recorded as shareable."""
    interview = _open_for_work(by, interview)
    if not description.strip():
        raise ValidationError({"description": "Give the adult's name, nickname or description"})
    adult = AdultOfConcern(
        interview=interview, description=description.strip(), shareable=bool(shareable)
    )
    adult.full_clean()
    adult.save()
    _bump(interview)
    return adult


@transaction.atomic
def interview_add_vehicle(
    *,
    by: User,
    interview: ReturnInterview,
    description: str,
    registration: str = "",
    shareable: bool = False,
) -> VehicleOfConcern:
    """A vehicle the child mentioned (driven in, seen at a place): its make, model and
    colour as the child gave them, and its registration if known. Encrypted at rest."""
    interview = _open_for_work(by, interview)
    if not description.strip():
        raise ValidationError({"description": "Describe the vehicle: make, model or colour"})
    vehicle = VehicleOfConcern(
        interview=interview,
        description=description.strip(),
        registration=re.sub(r"\s+", " ", registration).strip().upper(),
        shareable=bool(shareable),
    )
    vehicle.full_clean()
    vehicle.save()
    _bump(interview)
    return vehicle


def _check_outcome(outcome: str) -> str:
    outcome = outcome.strip()
    limit = Referral._meta.get_field("outcome").max_length
    if limit is not None and len(outcome) > limit:
        raise ValidationError({"outcome": f"The outcome must be {limit} characters or fewer"})
    return outcome


@transaction.atomic
def interview_add_referral(
    *, by: User, interview: ReturnInterview, service: str, made_on: date, outcome: str = ""
) -> Referral:
    """An action after the interview: a referral to a service (its outcome often comes
    later: `referral_record_outcome`)."""
    interview = _open_for_work(by, interview)
    errors: dict[str, str] = {}
    if not service.strip():
        errors["service"] = "Say which service the child was referred to"
    if made_on > timezone.localdate():
        errors["made_on"] = "The referral cannot be made in the future"
    if errors:
        raise ValidationError(errors)
    referral = Referral(
        interview=interview,
        service=service.strip(),
        made_on=made_on,
        outcome=_check_outcome(outcome),
    )
    referral.full_clean()
    referral.save()
    _bump(interview)
    return referral


@transaction.atomic
def referral_record_outcome(*, by: User, referral: Referral, outcome: str) -> Referral:
    """What came of a referral (accepted, a waiting list, closed, …), or a change to it.

    Unlike every other write to an interview this is allowed after sign-off: a service
    answers weeks after the interview was signed off, and the answer belongs with the
    referral rather than in a new record. Only the outcome can change; the referral itself
    (service, date) stays as signed off.
    """
    interview = referral.interview
    _require(permissions.can_work_interview(by, interview), "not your interview")
    _locked_interview(interview)
    outcome = _check_outcome(outcome)
    if not outcome:
        raise ValidationError({"outcome": "Say what came of the referral"})
    current = Referral.objects.select_for_update().get(pk=referral.pk)
    current.outcome = outcome
    current.save(update_fields=["outcome"])
    _bump(interview)
    return current


@transaction.atomic
def risk_flag_end(*, by: User, flag: RiskFlag, ended_on: date) -> RiskFlag:
    """The risk no longer applies, from `ended_on`. The flag stays on the record, ended."""
    _require(permissions.can_record_episode(by), "only a coordinator or manager ends a risk")
    current = RiskFlag.objects.select_for_update().get(pk=flag.pk)
    if current.ended_on is not None:
        raise ValidationError(f"This risk is already ended (on {day_text(current.ended_on)})")
    if ended_on < current.noted_on:
        raise ValidationError(
            {"ended_on": f"The risk cannot end before it was noted ({day_text(current.noted_on)})"}
        )
    if ended_on > timezone.localdate():
        raise ValidationError({"ended_on": "The risk cannot end in the future"})
    current.ended_on = ended_on
    current.save(update_fields=["ended_on"])
    return current

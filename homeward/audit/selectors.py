"""Reads of the change history (django-auditlog) for the audit log page.

The access log itself (`AccessEvent`) is read by `homeward.cases.selectors.audit_events`.

Administrators see the audit log but not children's records, so the change history names a
child's records by reference or record number only: values that identify a child (names,
aliases, date of birth, address, postcode, places) are hidden like disclosures, which are
encrypted and masked. What changed, when and by whom stays visible.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from homeward.accounts import permissions
from homeward.audit.masking import HIDDEN
from homeward.formats.dates import moment_text

if TYPE_CHECKING:
    from collections.abc import Iterable

    from homeward.accounts.models import User

#: Longest value shown for a change; the history keeps the whole value.
SHOWN_LENGTH = 120

#: Values that identify a child (or someone in their life), hidden from the change history.
IDENTIFYING: dict[str, set[str]] = {
    "cases.child": {"first_name", "last_name", "date_of_birth", "address", "postcode"},
    "cases.childalias": {"name"},
    "cases.episode": {"last_seen_where", "found_where", "found_by"},
    "cases.returninterview": {"held_where"},
    "cases.placeofconcern": {"description", "postcode"},
    "cases.adultofconcern": {"description"},
}
#: Case records whose name (`str`) is a reference, not a person's details.
NAMED_BY_REFERENCE = {"cases.episode", "cases.returninterview"}


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class Change:
    entry: LogEntry
    kind: str
    record: str
    actor_role: str
    fields: list[FieldChange]


def change_entries(*, user: User) -> QuerySet[LogEntry]:
    """Changes to records, newest first: administrators only."""
    if not permissions.can_view_audit(user):
        raise PermissionDenied("the change history")
    return LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp", "-pk")


def _clip(text: str) -> str:
    return text if len(text) <= SHOWN_LENGTH else text[: SHOWN_LENGTH - 1] + "…"


def _empty(value: object) -> bool:
    return value is None or value in ("", "None", "[]")


def _record(entry: LogEntry) -> tuple[str, str]:
    content_type = entry.content_type
    kind = str(content_type.name).capitalize() if content_type else "Record"
    label = f"{content_type.app_label}.{content_type.model}" if content_type else ""
    if label.startswith("cases.") and label not in NAMED_BY_REFERENCE:
        return kind, f"record {entry.object_pk}"
    return kind, entry.object_repr


def _related_names(entries: Iterable[LogEntry]) -> dict[tuple[type[models.Model], str], str]:
    """Names of the accounts and organisations the changes point at, fetched once a page.
    Other records (a child, an interview) are shown by number."""
    wanted: dict[type[models.Model], set[str]] = defaultdict(set)
    for entry in entries:
        model = entry.content_type.model_class() if entry.content_type_id else None
        if model is None:
            continue
        for name, values in (entry.changes_dict or {}).items():
            field = _field(model, name)
            if isinstance(field, models.ForeignKey) and not _is_case_model(field.related_model):
                wanted[field.related_model].update(str(v) for v in values if not _empty(v))
    names = {}
    for model, keys in wanted.items():
        for pk, obj in model._default_manager.in_bulk(list(keys)).items():
            names[(model, str(pk))] = str(getattr(obj, "username", None) or obj)
    return names


def _is_case_model(model: type[models.Model]) -> bool:
    return model._meta.app_label == "cases"


def _field(model: type[models.Model], name: str) -> models.Field | None:
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if getattr(field, "concrete", False) else None


def _shown(
    field: models.Field | None,
    value: object,
    names: dict[tuple[type[models.Model], str], str],
) -> str:
    if _empty(value):
        return ""
    text = str(value)
    if isinstance(field, models.ForeignKey):
        return names.get((field.related_model, text), f"record {text}")
    if isinstance(field, models.DateTimeField):
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return _clip(text)
        if timezone.is_naive(moment):
            moment = moment.replace(tzinfo=UTC)  # auditlog stores UTC without an offset
        return moment_text(timezone.localtime(moment))
    if field is not None and field.choices:
        return _clip(str(dict(field.flatchoices).get(text, text)))
    return _clip(text)


def describe(entries: Iterable[LogEntry]) -> list[Change]:
    """The page's entries for display: the record, the actor's role and each changed field
    with its old and new value, hidden where the field is masked or identifies a child."""
    from homeward.accounts.models import Role

    entries = list(entries)
    names = _related_names(entries)
    roles = dict(Role.choices)
    described = []
    for entry in entries:
        model = entry.content_type.model_class() if entry.content_type_id else None
        hidden: set[str] = set()
        if model is not None:
            if auditlog.contains(model):
                hidden |= set(auditlog.get_model_fields(model)["mask_fields"])
            hidden |= IDENTIFYING.get(model._meta.label_lower, set())
        fields = []
        for name, values in sorted((entry.changes_dict or {}).items()):
            field = _field(model, name) if model is not None else None
            if model is not None and field is None:
                continue  # a reverse relation auditlog lists on creation: not a value
            old, new = [*values, None, None][:2]
            if _empty(old) and _empty(new):
                continue  # a creation lists every field, even those left empty
            if name in hidden:
                old_text = "" if _empty(old) else HIDDEN
                new_text = "" if _empty(new) else HIDDEN
            else:
                old_text, new_text = _shown(field, old, names), _shown(field, new, names)
            label = str(field.verbose_name) if field is not None else name
            fields.append(FieldChange(label, old_text, new_text))
        kind, record = _record(entry)
        described.append(
            Change(
                entry=entry,
                kind=kind,
                record=record,
                actor_role=roles.get(getattr(entry.actor, "role", ""), ""),
                fields=fields,
            )
        )
    return described

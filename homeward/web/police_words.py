"""What the police sent, as a person reads it: each field by a name in words, times and days in
the pages' one format ("6 December 2026 at 2:50pm"), codes by their labels ("Reported
missing", "No apparent risk", "County lines"), true and false as Yes and No.

The police format's own names and codes (`homeward.police.format`) stay in the files, the API
and the downloads; this is only for the pages.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.utils import timezone

from homeward.cases import codes
from homeward.formats.dates import day_text, moment_text
from homeward.organisations.models import Authority
from homeward.police.format import FIELDS, RISK_FACTOR_LABELS, Notification

#: Each field of the police format by a name in words.
FIELD_LABELS = {
    "force": "Police force",
    "police_reference": "Police reference",
    "notification_type": "Notification",
    "sent_at": "Sent by the police",
    "given_names": "Given names",
    "family_name": "Family name",
    "aliases": "Other names",
    "date_of_birth": "Date of birth",
    "child_flag": "A child, as the police recorded it",
    "sex": "Sex",
    "address": "Address",
    "postcode": "Postcode",
    "reported_at": "Reported missing",
    "last_seen_at": "Last seen",
    "last_seen_where": "Where last seen",
    "category": "Category",
    "risk_grade": "Risk grade",
    "missing_from": "Missing from",
    "circumstances": "Circumstances",
    "risk_factors": "Risk factors",
    "found_at": "Found or returned",
    "found_where": "Where found",
    "found_by": "Found by",
    "prevention_interview_done": "Prevention interview done",
    "placement_type": "Placement type",
    "placement_name": "Placement name",
    "placement_address": "Placement address",
    "placement_postcode": "Placement postcode",
    "responsible_authority": "Responsible authority",
    "officer_name": "Officer",
    "officer_contact": "Officer's contact details",
}

NOTIFICATION_TYPES = {
    "reported_missing": "Reported missing",
    "update": "Update",
    "found": "Found",
    "closed": "Closed",
}

RISK_FACTORS = {str(code): label for code, label in RISK_FACTOR_LABELS.items()}

#: The labels of each coded field's values.
CODE_LABELS: dict[str, dict[str, str]] = {
    "notification_type": NOTIFICATION_TYPES,
    "sex": dict(codes.Sex.choices),
    "category": dict(codes.Category.choices),
    "risk_grade": dict(codes.RiskGrade.choices),
    "missing_from": dict(codes.MissingFrom.choices),
    "placement_type": {"home": "Family home", **dict(codes.PlacementType.choices)},
    "risk_factors": RISK_FACTORS,
}


def field_label(name: str) -> str:
    """A field of the police format by its name in words."""
    return FIELD_LABELS.get(name, name.replace("_", " ").capitalize())


def code_label(field: str, code: object) -> str:
    """A code of one of the police format's coded fields by its label; a code not known here
    (a newer format's) in words from its letters."""
    text = str(code)
    return CODE_LABELS.get(field, {}).get(text, text.replace("_", " ").capitalize())


def value_text(field: str, value: Any) -> str:
    """One value of the police format as the pages show it; "" when there is none."""
    if value is None or value == "" or value == ():
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return moment_text(timezone.localtime(value) if timezone.is_aware(value) else value)
    if isinstance(value, date):
        return day_text(value)
    if isinstance(value, tuple | list):
        if field in CODE_LABELS:
            return ", ".join(code_label(field, item) for item in value)
        return ", ".join(str(item) for item in value)
    if field in CODE_LABELS:
        return code_label(field, value)
    return str(value)


def report_rows(notification: Notification) -> list[tuple[str, str, str]]:
    """(label, description, value in words) for every field the police filled in, in the
    format's order. The responsible authority's code is named when it is set up here."""
    rows = []
    for field in FIELDS:
        text = value_text(field.name, getattr(notification, field.name))
        if not text:
            continue
        if field.name == "responsible_authority":
            name = Authority.objects.filter(gss_code=text).values_list("name", flat=True).first()
            text = f"{name} ({text})" if name else text
        rows.append((field_label(field.name), field.description, text))
    return rows

"""Notifications as the police would send them, for tests (generated people only)."""

from __future__ import annotations

import json
from typing import Any

from homeward.intake import services
from homeward.intake.models import IntakeBatch

BASE: dict[str, Any] = {
    "force": "fictional",
    "police_reference": "FC-2026-0001",
    "notification_type": "reported_missing",
    "sent_at": "2026-03-02T08:00:00+00:00",
    "given_names": "Jordan",
    "family_name": "Example",
    "date_of_birth": "2011-05-14",
    "child_flag": True,
    "sex": "male",
    "address": "1 Test Street, Fictional Town",
    "postcode": "ZZ1 1AA",
    "reported_at": "2026-03-01T22:00:00+00:00",
    "last_seen_at": "2026-03-01T18:00:00+00:00",
    "last_seen_where": "The bus station",
    "category": "missing",
    "risk_grade": "medium",
    "missing_from": "home",
    "circumstances": "Left after an argument; believed to be with friends in town.",
    "risk_factors": ["cce"],
    "placement_type": "home",
    "officer_name": "PC 0001 Sam Officer",
    "officer_contact": "0300 000 0000",
}


def notification(**changes: Any) -> dict[str, Any]:
    record = dict(BASE)
    for name, value in changes.items():
        if value is None:
            record.pop(name, None)
        else:
            record[name] = value
    return record


def found(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "notification_type": "found",
        "sent_at": "2026-03-03T10:00:00+00:00",
        "found_at": "2026-03-03T09:00:00+00:00",
        "found_where": "A friend's flat",
        "found_by": "Returned by themselves",
        "prevention_interview_done": True,
    }
    values.update(changes)
    return notification(**values)


def send(world: Any, *records: dict[str, Any], by: str = "coordinator") -> IntakeBatch:
    data = json.dumps({"notifications": list(records)}).encode()
    return services.intake_file(
        name="notifications.json", data=data, channel="upload", by=world.user(by)
    )

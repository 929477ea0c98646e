"""The demo's police notifications: a batch that shows the queue, the miscoding list and an
amendment, about the demo's own children and others."""

from __future__ import annotations

import pytest

from homeward.cases.demo_data import seed_demo
from homeward.intake.demo_data import seed_notifications
from homeward.intake.models import PoliceReport

pytestmark = pytest.mark.django_db


def test_the_demo_feed_fills_the_queue_and_the_miscoding_list() -> None:
    seed_demo(seed=3, years=2, children=150)
    batch = seed_notifications(seed=3)
    assert batch.rejected == 0 and batch.amended == 1
    reports = list(PoliceReport.objects.all())
    assert len(reports) == batch.accepted == 11
    waiting = [r for r in reports if r.state == PoliceReport.State.WAITING]
    assert len(waiting) == 10
    assert [r.state for r in reports].count(PoliceReport.State.ADULT) == 1
    codes = {c["code"] for r in reports for c in r.concerns}
    assert {"adult_flag_child_dob", "absent_with_risk", "care_address_from_home"} <= codes
    assert sum(1 for r in waiting if r.best_band == "match") >= 5
    assert sum(1 for r in waiting if r.best_band == "none") >= 2
    assert all(r.is_child for r in waiting if r.police_reference)

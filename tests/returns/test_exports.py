"""Every export through one door: the role check, the reason, the audit rows, the periods,
the degrade option and the bundling of several files."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from homeward.audit.models import AccessEvent
from homeward.returns import exports
from homeward.returns.files import CSV, Export, ExportFile
from tests.factories import make_child, make_world

pytestmark = pytest.mark.django_db
calls: list[dict[str, object]] = []


def fake_builder(*, start: date, end: date, degrade: bool) -> Export:
    """Two files and the children in them: what a personal export hands back."""
    calls.append({"start": start, "end": end, "degrade": degrade})
    from homeward.cases.models import Child

    ids = sorted(Child.objects.values_list("pk", flat=True))
    return Export(
        [ExportFile("a.csv", CSV, b"x\n1\n"), ExportFile("b.csv", CSV, b"y\n2\n")],
        children=ids,
        rows=len(ids),
        notes=["one child left out: no period of care recorded"],
    )


@pytest.fixture
def fake(monkeypatch):  # type: ignore[no-untyped-def]
    kind = exports.ExportKind(
        "fake", "A fake personal export", "Test", "tests.returns.test_exports:fake_builder",
        personal=True,
    )  # fmt: skip
    strict = replace(kind, name="fake-strict", degradable=False)
    monkeypatch.setitem(exports.BY_NAME, "fake", kind)
    monkeypatch.setitem(exports.BY_NAME, "fake-strict", strict)
    calls.clear()
    return kind


def test_periods_are_financial_years_or_months():
    assert exports.period_bounds("2025-26") == (date(2025, 4, 1), date(2026, 3, 31))
    assert exports.period_bounds("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    assert exports.period_bounds("2025-12") == (date(2025, 12, 1), date(2025, 12, 31))
    for bad in ("2025", "2025-27", "2025-13", "x-y", "2025-2026"):
        with pytest.raises(ValueError, match="not a period"):
            exports.period_bounds(bad)
    assert exports.is_year("2025-26") and not exports.is_year("2025-11")


def test_the_choices_offer_five_years_and_for_the_pack_twelve_months():
    today = date(2026, 12, 5)
    years = exports.period_choices(exports.BY_NAME["ssda903"], today=today)
    assert [value for value, _label in years] == [
        "2026-27", "2025-26", "2024-25", "2023-24", "2022-23"
    ]  # fmt: skip
    pack = exports.period_choices(exports.BY_NAME["performance-pack-pdf"], today=today)
    months = [value for value, _label in pack if not exports.is_year(value)]
    assert months[0] == "2026-12" and months[-1] == "2026-01" and len(months) == 12


def test_a_personal_export_is_audited_once_and_for_each_child(fake):
    world = make_world()
    children = [make_child(world), make_child(world, first_name="Sam")]
    download = exports.run_export(
        user=world.user("manager"), name="fake", period="2025-26", degrade=True,
        reason="Quarterly check",
    )  # fmt: skip
    assert calls == [{"start": date(2025, 4, 1), "end": date(2026, 3, 31), "degrade": True}]
    assert download.filename == "fake-2025-26-degraded.zip"
    with zipfile.ZipFile(io.BytesIO(download.data)) as archive:
        assert sorted(archive.namelist()) == ["a.csv", "b.csv", "notes.txt"]
        assert "no period of care" in archive.read("notes.txt").decode()
    events = AccessEvent.objects.filter(action="export", what="export fake 2025-26")
    assert events.count() == 3
    assert sorted(e.child_id for e in events if e.child_id) == sorted(c.pk for c in children)
    assert {e.reason for e in events} == {"Quarterly check"}
    (summary,) = [e for e in events if e.child_id is None]
    assert "degraded" in summary.detail and "2 children" in summary.detail


@pytest.mark.parametrize("role", ["analyst", "worker", "police", "provider_manager", "admin"])
def test_personal_exports_are_refused_to_other_roles_and_the_refusal_logged(fake, role):
    world = make_world()
    with pytest.raises(PermissionDenied):
        exports.run_export(
            user=world.user(role), name="fake", period="2025-26", degrade=False, reason="x"
        )
    assert calls == []
    assert AccessEvent.objects.filter(action="denied", what="export fake").count() == 1
    assert not AccessEvent.objects.filter(action="export").exists()


def test_refusals_before_anything_is_made(fake):
    world = make_world()
    manager = world.user("manager")
    cases = [
        ({"name": "nope", "period": "2025-26", "reason": "x"}, "unknown export"),
        ({"name": "fake", "period": "2025-26", "reason": "  "}, "needs a reason"),
        ({"name": "fake", "period": "2025-11", "reason": "x"}, "financial year"),
        ({"name": "fake", "period": "2025", "reason": "x"}, "not a period"),
    ]
    for arguments, message in cases:
        with pytest.raises(ValueError, match=message):
            exports.run_export(user=manager, degrade=False, **arguments)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not degraded"):
        exports.run_export(
            user=manager, name="fake-strict", period="2025-26", degrade=True, reason="x"
        )
    assert calls == []
    assert not AccessEvent.objects.filter(action="export").exists()


def test_analysts_take_the_counts_but_not_the_lists():
    world = make_world()
    names = {kind.name for kind in exports.kinds_for(world.user("analyst"))}
    assert names == {k.name for k in exports.KINDS if not k.personal}
    everything = {kind.name for kind in exports.kinds_for(world.user("coordinator"))}
    assert everything == {k.name for k in exports.KINDS}
    assert exports.kinds_for(world.user("worker")) == []

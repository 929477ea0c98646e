"""The "Returns and exports" page: what each role is offered, and a download end to end."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from homeward.audit.models import AccessEvent
from homeward.returns import exports
from homeward.returns.files import XLSX
from tests.cases.test_indicator_tables import build_records

PAGE = reverse("web:returns")
DOWNLOAD = reverse("web:returns-download")


def test_coordinators_are_offered_every_export_and_analysts_only_the_counts(client_for):
    everything = client_for("coordinator").get(PAGE).content.decode()
    counts = client_for("analyst").get(PAGE).content.decode()
    for kind in exports.KINDS:
        assert escape(kind.title) in everything
        assert (escape(kind.title) in counts) is (not kind.personal)
    assert '<optgroup label="Months (performance pack only)">' in everything
    foi = reverse("web:foi-settings")
    assert foi not in everything and foi not in counts  # managers keep the FOI answers
    assert foi in client_for("manager").get(PAGE).content.decode()


def test_a_pack_is_downloaded_with_its_reason_in_the_audit_log(world, client_for):
    build_records(world)
    response = client_for("analyst").post(
        DOWNLOAD,
        {"kind": "performance-pack-xlsx", "period": "2025-26", "degrade": "on",
         "reason": "Board report"},
    )  # fmt: skip
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == (
        'attachment; filename="performance-pack-2025-26-suppressed.xlsx"'
    )
    assert response.content[:2] == b"PK"
    (event,) = AccessEvent.objects.filter(action="export")
    assert (event.username, event.reason) == ("analyst", "Board report")
    assert event.what == "export performance-pack-xlsx 2025-26"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "performance-pack-pdf", "period": "2025-26", "reason": " "},
         "Enter why you need this export"),
        ({"kind": "ssda903", "period": "2025-26", "degrade": "on", "reason": "DfE"},
         "goes to the DfE with full details"),
        ({"period": "2025-26", "reason": "x"}, "Select which export"),
        ({"kind": "performance-pack-pdf", "period": "1999-00", "reason": "x"},
         "Select the period"),
    ],
)  # fmt: skip
def test_what_is_wrong_is_said_and_nothing_leaves(client_for, data, message):
    response = client_for("coordinator").post(DOWNLOAD, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html and message in html
    assert not AccessEvent.objects.filter(action="export").exists()


def test_an_analyst_cannot_take_a_list_of_children(client_for):
    response = client_for("analyst").post(
        DOWNLOAD, {"kind": "ssd-missing", "period": "2025-26", "reason": "Curious"}
    )
    assert response.status_code == 400  # not offered to them: not a choice on their form
    assert not AccessEvent.objects.filter(action="export").exists()

"""The police notification API: token authentication, status codes, the receipt, and the
OpenAPI document."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from homeward.intake import services
from homeward.intake.models import PoliceReport
from homeward.organisations.models import Organisation
from tests.factories import make_world
from tests.intake.helpers import found, notification

pytestmark = pytest.mark.django_db
URL = "/api/v1/notifications"


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def api(world):
    token = services.force_token_issue(force=world.police)
    return Client(headers={"Authorization": f"Bearer {token}"}, enforce_csrf_checks=True)


def post(client: Client, body: object, **extra):
    return client.post(URL, data=json.dumps(body), content_type="application/json", **extra)


def test_no_or_a_wrong_token_is_refused(world):
    assert post(Client(), notification()).status_code == 401
    response = post(Client(headers={"Authorization": "Bearer hwpol_nonsense"}), notification())
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "Authorization: Bearer" in response.json()["problems"][0]["reason"]
    assert PoliceReport.objects.count() == 0


def test_one_notification_is_accepted_then_duplicate_then_amended(api):
    first = post(api, notification())
    assert first.status_code == 201
    body = first.json()
    assert body["counts"]["accepted"] == 1
    assert body["results"][0]["status"] == "accepted"
    assert body["results"][0]["notification"].startswith("N-")
    again = post(api, notification())
    assert again.status_code == 200 and again.json()["results"][0]["status"] == "duplicate"
    later = post(api, found())
    assert later.status_code == 200 and later.json()["results"][0]["status"] == "amended"
    assert PoliceReport.objects.count() == 1


def test_a_malformed_notification_is_422_with_every_reason(api):
    response = post(api, notification(date_of_birth="soon", category="lost"))
    assert response.status_code == 422
    problems = response.json()["results"][0]["problems"]
    assert {p["field"] for p in problems} == {"date_of_birth", "category"}


def test_another_forces_notification_is_refused_for_this_token(api, world):
    Organisation.objects.create(
        name="Other Police", kind="police_force", authority=world.authority, code="other"
    )
    response = post(api, notification(force="other"))
    assert response.status_code == 422
    assert response.json()["results"][0]["problems"][0]["field"] == "force"


def test_a_batch_answers_200_with_a_line_per_notification(api):
    response = post(
        api,
        {
            "notifications": [
                notification(police_reference="A"),
                notification(police_reference="B", reported_at="yesterday"),
                notification(police_reference="A"),
            ]
        },
    )
    assert response.status_code == 200
    assert [r["status"] for r in response.json()["results"]] == [
        "accepted",
        "rejected",
        "duplicate",
    ]


def test_not_json_and_unreadable_json_are_refused_clearly(api):
    response = api.post(URL, data="a,b\n1,2", content_type="text/csv")
    assert response.status_code == 415
    response = api.post(URL, data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["problems"][0]["reason"]


def test_an_oversized_body_is_413(api, settings):
    settings.HOMEWARD_API_MAX_BYTES = 100
    response = post(api, notification())
    assert response.status_code == 413
    assert PoliceReport.objects.count() == 0


def test_a_receipt_can_be_fetched_again_by_its_force_only(api, world):
    batch = post(api, notification()).json()["batch"]
    response = api.get(f"/api/v1/batches/{batch}")
    assert response.status_code == 200 and response.json()["batch"] == batch
    other = Organisation.objects.create(
        name="Other Police", kind="police_force", authority=world.authority, code="other"
    )
    token = services.force_token_issue(force=other)
    stranger = Client(headers={"Authorization": f"Bearer {token}"})
    assert stranger.get(f"/api/v1/batches/{batch}").status_code == 404


def test_the_openapi_document_describes_the_format(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.1")
    notification_schema = document["components"]["schemas"]["Notification"]
    assert "police_reference" in notification_schema["required"]
    assert "/api/v1/notifications" in document["paths"]

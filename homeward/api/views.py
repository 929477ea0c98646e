"""The police notification API: `POST /api/v1/notifications` with a force's bearer token,
`GET /api/v1/batches/<reference>` for a receipt again, and the OpenAPI document.

A batch of more than `HOMEWARD_INTAKE_QUEUE_OVER` notifications is queued for the background
worker and answered at once with `202 Accepted` and the receipt's address; smaller ones are
taken in within the request.

HTTP only: authentication, size and media-type checks, status codes. The parsing is
`homeward.police.parse`, the storing `homeward.intake.services`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from homeward.api.openapi import document
from homeward.intake import selectors, services
from homeward.intake.models import IntakeBatch
from homeward.organisations.models import Organisation
from homeward.police import parse


def _problem(status: int, reason: str, **headers: str) -> JsonResponse:
    response = JsonResponse(
        {"problems": [{"line": None, "field": None, "reason": reason}]}, status=status
    )
    for name, value in headers.items():
        response[name] = value
    return response


def _force(request: HttpRequest) -> Organisation | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return services.force_token_use(token=token.strip())


def _unauthorised() -> JsonResponse:
    return _problem(
        401,
        "a valid force token is required: send it as 'Authorization: Bearer <token>'",
        **{"WWW-Authenticate": 'Bearer realm="homeward"'},
    )


@login_not_required
@csrf_exempt
@require_POST
def notifications(request: HttpRequest) -> HttpResponse:
    force = _force(request)
    if force is None:
        return _unauthorised()
    media = request.content_type or ""
    if media != "application/json":
        return _problem(415, f"send JSON with Content-Type application/json, not {media!r}")
    limit = settings.HOMEWARD_API_MAX_BYTES
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not length.isdigit() or int(length) > limit:
        return _problem(413, f"the body is over the limit of {limit:,} bytes: send smaller batches")
    body = request.read(limit + 1)
    if len(body) > limit:
        return _problem(413, f"the body is over the limit of {limit:,} bytes: send smaller batches")
    now = timezone.now()
    count = services.to_queue("request.json", body)
    if count is not None:
        # Queued for the background worker: answered at once with where to follow it.
        batch = services.intake_queue(
            name="request.json",
            data=body,
            channel=IntakeBatch.Channel.API,
            source="request",
            force=force,
            now=now,
            total=count,
        )
        response = JsonResponse(selectors.batch_receipt(batch), status=202)
        response["Location"] = reverse("api:batch", args=[batch.reference])
        return response
    parsed = parse.parse_json(body, source="request", now=now)
    batch = services.intake_batch(
        parsed=parsed, channel=IntakeBatch.Channel.API, force=force, now=now
    )
    receipt = selectors.batch_receipt(batch)
    if batch.problems:
        return JsonResponse(receipt, status=400)
    if _single(body) and len(receipt["results"]) == 1:
        status = {"accepted": 201, "amended": 200, "duplicate": 200, "rejected": 422}
        return JsonResponse(receipt, status=status[receipt["results"][0]["status"]])
    return JsonResponse(receipt, status=200)


def _single(body: bytes) -> bool:
    """Whether the body is one notification (an object without a "notifications" list)."""
    start = body.lstrip()[:1]
    return start == b"{" and b'"notifications"' not in body[:4096]


@login_not_required
@csrf_exempt  # no cookies here: another method gets 405, not the CSRF page
@require_GET
def batch(request: HttpRequest, reference: str) -> HttpResponse:
    force = _force(request)
    if force is None:
        return _unauthorised()
    found = IntakeBatch.objects.filter(reference=reference, force=force).first()
    if found is None:
        return _problem(404, f"no batch {reference} from this force")
    return JsonResponse(selectors.batch_receipt(found))


@login_not_required
@csrf_exempt
@require_GET
def openapi(request: HttpRequest) -> HttpResponse:
    data: dict[str, Any] = document(request.build_absolute_uri("/"))
    return JsonResponse(data, json_dumps_params={"indent": 2})

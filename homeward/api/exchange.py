"""HTTP of the exchange between authorities' instances (docs/exchange.md): the inbox
(`POST /api/exchange/v1/inbox`, a sealed message as `application/jose`) and the instance's
public keys (`GET /.well-known/homeward/keys.json`).

No sign-in and no CSRF token: a message proves its sender by its signature, checked by
`homeward.exchange.services.inbox_receive` before anything is stored. HTTP only here: the
size (before the body is read), the media type and the status codes.
"""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from homeward.exchange import services
from homeward.formats import exchange as fmt

logger = logging.getLogger(__name__)

#: The status of each refusal: a message this instance cannot read or is not its
#: addressee is 400; a sender it does not trust 403; one too large 413.
STATUS = {
    "too_large": 413,
    "media_type": 415,
    "not_trusted": 403,
    "duplicate_id": 409,
}
#: A sender not among the partners and a signature that does not verify get one answer:
#: two would tell a stranger which authorities are partners (the log keeps which it was).
NOT_TRUSTED = ("not_trusted", "the message is not signed by a partner of this instance")


def _refused(code: str, reason: str, field: str = "") -> JsonResponse:
    return JsonResponse(
        {"problems": [{"code": code, "field": field or None, "reason": reason}]},
        status=STATUS.get(code, 400),
    )


@login_not_required
@csrf_exempt
@require_POST
def inbox(request: HttpRequest) -> HttpResponse:
    if (request.content_type or "") != fmt.MESSAGE_TYPE:
        return _refused("media_type", f"send a sealed message as {fmt.MESSAGE_TYPE}")
    limit = fmt.MAX_MESSAGE_BYTES
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not length.isdigit() or int(length) > limit:
        return _refused("too_large", f"the body is over the limit of {limit:,} bytes")
    body = request.read(limit + 1)
    if len(body) > limit:
        return _refused("too_large", f"the body is over the limit of {limit:,} bytes")
    try:
        status, receipt = services.inbox_receive(token=body)
    except fmt.MessageError as error:
        logger.warning("a message was refused: %s", error)
        if error.code in ("unknown_sender", "bad_signature"):
            return _refused(*NOT_TRUSTED)
        return _refused(error.code, error.reason, error.field)
    except ValidationError as error:  # the instance is not set up (no home authority)
        return JsonResponse(
            {
                "problems": [
                    {"code": "not_ready", "field": None, "reason": "; ".join(error.messages)}
                ]
            },
            status=503,
        )
    return JsonResponse({"status": status, "receipt": receipt})


@login_not_required
@require_GET
def keys(request: HttpRequest) -> HttpResponse:
    try:
        published = services.own_public_jwks()
    except ValidationError as error:
        return JsonResponse({"problems": [{"reason": "; ".join(error.messages)}]}, status=503)
    response = JsonResponse(published)
    response["Content-Type"] = "application/jwk-set+json"
    return response

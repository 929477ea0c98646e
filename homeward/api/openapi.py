"""The API's OpenAPI 3.1 document, its schemas taken from the notification format itself
(`homeward.police.schema`), so the document, the parser and docs/police-notifications.md
describe one format."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from homeward import __version__
from homeward.police import parse, schema

_PROBLEMS = {
    "type": "object",
    "required": ["problems"],
    "properties": {
        "problems": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "line": {"type": ["integer", "null"]},
                    "field": {"type": ["string", "null"]},
                    "reason": {"type": "string"},
                },
            },
        }
    },
}


def _json(ref: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}},
    }


def document(server: str) -> dict[str, Any]:
    unauthorised = _json("Problems", "No valid force token.")
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "homeward police notifications",
            "version": __version__,
            "description": "Police forces send missing-person notifications to the local "
            "authority. The format is described in docs/police-notifications.md.",
        },
        "servers": [{"url": server.rstrip("/")}],
        "security": [{"forceToken": []}],
        "paths": {
            "/api/v1/notifications": {
                "post": {
                    "operationId": "sendNotifications",
                    "summary": "Send one notification, or a batch",
                    "description": (
                        f"At most {parse.MAX_RECORDS:,} notifications in one request (and no "
                        "more than the body size limit, 20 MB unless the authority set "
                        "another). A batch of more than "
                        f"{settings.HOMEWARD_INTAKE_QUEUE_OVER:,} notifications is taken in "
                        "by a background worker: the answer is 202 with the receipt's "
                        "address in Location; follow it with getReceipt until its status is "
                        "done. Smaller ones are taken in before the answer."
                    ),
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "oneOf": [
                                        {"$ref": "#/components/schemas/Notification"},
                                        {"$ref": "#/components/schemas/Batch"},
                                    ]
                                }
                            }
                        },
                    },
                    "responses": {
                        "200": _json(
                            "Receipt",
                            "A batch taken in (see each result's status), or one "
                            "notification that amended its report or was a duplicate.",
                        ),
                        "201": _json("Receipt", "One notification, accepted."),
                        "202": {
                            **_json(
                                "Receipt",
                                "A big batch, queued for the background worker: the receipt "
                                "so far (status queued, no results yet).",
                            ),
                            "headers": {
                                "Location": {
                                    "description": "The receipt's address "
                                    "(/api/v1/batches/{reference}): read it again to follow "
                                    "the batch's progress.",
                                    "schema": {"type": "string"},
                                }
                            },
                        },
                        "400": _json("Receipt", "The body could not be read at all."),
                        "401": unauthorised,
                        "413": _json("Problems", "The body is over the size limit."),
                        "415": _json("Problems", "The body is not JSON."),
                        "422": _json("Receipt", "One notification, rejected, with reasons."),
                    },
                }
            },
            "/api/v1/batches/{reference}": {
                "get": {
                    "operationId": "getReceipt",
                    "summary": "A batch's receipt again (this force's batches only)",
                    "parameters": [
                        {
                            "name": "reference",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "maxLength": 20},
                        }
                    ],
                    "responses": {
                        "200": _json(
                            "Receipt",
                            "The receipt. While a big batch is taken in, its status is "
                            "queued or in_progress and its progress, counts and results are "
                            "those so far.",
                        ),
                        "401": unauthorised,
                        "404": _json("Problems", "No such batch from this force."),
                    },
                }
            },
        },
        "components": {
            "securitySchemes": {
                "forceToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A force's token, issued by `manage.py force_token issue`.",
                }
            },
            "schemas": {
                "Notification": schema.notification_schema(),
                "Batch": schema.batch_schema(),
                "Receipt": schema.receipt_schema(),
                "Problems": _PROBLEMS,
            },
        },
    }

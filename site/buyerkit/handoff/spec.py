"""The OpenAPI description of POST /api/v1/handoff, for api/openapi.py to include."""

from __future__ import annotations

from typing import Any

from buyerkit.content.numbers import LANGUAGES
from buyerkit.handoff.requests import EMAIL_MAX, NAME_MAX, NOTE_MAX

SCHEMAS: dict[str, Any] = {
    "HandoffRequest": {
        "type": "object", "additionalProperties": False,
        "required": ["diagnostic", "answers", "email", "consent", "request_id"],
        "properties": {
            "diagnostic": {"type": "string"},
            "answers": {"type": "object", "description": "As for score: the verdict is "
                        "scored again from them, never taken from the page."},
            "email": {"type": "string", "maxLength": EMAIL_MAX},
            "name": {"type": "string", "maxLength": NAME_MAX},
            "note": {"type": "string", "maxLength": NOTE_MAX},
            "consent": {"const": True, "description": "The prospect ticked the consent box."},
            "request_id": {"type": "string", "format": "uuid",
                           "description": "Made once per request by the page: a resend "
                                          "with the same id answers 409."},
            "numbers": {"type": "object", "required": ["calculator", "inputs"],
                        "additionalProperties": False,
                        "properties": {"calculator": {"type": "string"},
                                       "inputs": {"type": "object", "additionalProperties": {
                                           "type": "number"}}}},
            "roles": {"type": "array", "maxItems": 20, "items": {"type": "string"}},
            "lang": {"enum": list(LANGUAGES),
                     "description": "The language of the page the prospect sent it from (its "
                                    "<html lang>): the messages, the consent text and the "
                                    "result's texts are in it. Default: the site's language."},
        },
    },
    "HandoffAccepted": {
        "type": "object", "required": ["ok", "id", "verdict", "targets"],
        "properties": {"ok": {"const": True}, "id": {"type": "string", "format": "uuid"},
                       "verdict": {"enum": ["fit", "not_now", "not_a_fit"]},
                       "targets": {"type": "integer", "minimum": 1}},
    },
}


def paths(prefix: str, common_errors: dict[str, Any]) -> dict[str, Any]:
    """The one path, with the same error responses as the other endpoints."""
    def err(desc: str) -> dict[str, Any]:
        return {"description": desc, "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Error"}}}}

    return {f"{prefix}/v1/handoff": {"post": {
        "operationId": "handoff",
        "summary": "Send a consenting prospect's result to the vendor's team (a contact "
                   "request, kept apart from the signals)",
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/HandoffRequest"}}}},
        "responses": {
            "201": {"description": "Stored durably; delivery follows", "content": {
                "application/json": {"schema": {
                    "$ref": "#/components/schemas/HandoffAccepted"}}}},
            "400": err("Invalid field; `errors` names each, with the sentence shown"),
            "404": err("Unknown diagnostic, or this site takes no contact requests"),
            "409": err("This request_id was sent before"),
            **common_errors,
        },
    }}}

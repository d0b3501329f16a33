"""The OpenAPI 3.1 document for the scoring endpoint, with a valid example from content."""

from __future__ import annotations

from typing import Any

from . import __version__
from .catalog import Catalog
from .schema.diagnostic import Diagnostic, Option


def _best(o: Option) -> tuple[bool, bool, int]:
    return (o.disqualifies is None, o.trigger not in (None, "none"), o.points)


def example_answers(d: Diagnostic) -> dict[str, Any]:
    """Answers a hopeful prospect would give: a valid request that shows a full verdict."""
    out: dict[str, Any] = {}
    for q in d.questions():
        best = max((o for o in q.options if not o.exclusive), key=_best)
        out[q.id] = [best.value] if q.kind == "multi" else best.value
    return out


ERROR = {
    "type": "object",
    "required": ["ok", "error", "errors", "status"],
    "properties": {
        "ok": {"const": False},
        "error": {"type": "string"},
        "errors": {"type": "array", "items": {
            "type": "object", "required": ["field", "message"],
            "properties": {"field": {"type": "string"}, "message": {"type": "string"}}}},
        "status": {"type": "integer"},
    },
}


def document(catalog: Catalog, score_path: str) -> dict[str, Any]:
    slugs = sorted(catalog.diagnostics)
    example = {}
    if slugs:
        d = catalog.diagnostics[slugs[0]]
        example = {"diagnostic": d.slug, "answers": example_answers(d)}
    answer = {"oneOf": [{"type": "string", "maxLength": 64},
                        {"type": "array", "maxItems": 20,
                         "items": {"type": "string", "maxLength": 64}}]}
    uuid = {"type": "string", "format": "uuid"}
    token = {"type": ["string", "null"], "maxLength": 200}
    request_schema = {
        "type": "object",
        "additionalProperties": False,
        "required": ["diagnostic", "answers"],
        "properties": {
            "diagnostic": {"type": "string", "enum": slugs},
            "answers": {"type": "object", "additionalProperties": answer},
            "event_id": uuid,
            "journey": uuid,
            "channel": {"type": "object", "additionalProperties": False, "properties": {
                k: token for k in ("source", "medium", "campaign", "referrer")}},
        },
    }
    verdict_schema = {
        "type": "object",
        "required": ["ok", "diagnostic", "verdict", "reasons", "trigger", "recorded"],
        "properties": {
            "ok": {"const": True},
            "diagnostic": {"type": "string"},
            "verdict": {"enum": ["fit", "not_now", "not_a_fit"]},
            "title": {"type": "string"},
            "summary": {"type": "string"},
            "reasons": {"type": "array", "minItems": 1, "items": {
                "type": "object", "required": ["code", "text"],
                "properties": {"code": {"type": "string"}, "text": {"type": "string"}}}},
            "bucket": {"enum": ["retain_expand", "acquire", "efficiency", None]},
            "trigger": {"enum": ["authority_shift", "mandate", "personal_drive", "none"]},
            "recorded": {"type": "boolean",
                         "description": "false when the visitor sent Sec-GPC or DNT"},
        },
    }

    def err(desc: str) -> dict[str, Any]:
        return {"description": desc,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}

    return {
        "openapi": "3.1.0",
        "info": {"title": f"{catalog.site.vendor.name} scoring endpoint (buyerkit)",
                 "version": __version__,
                 "description": "Scores a self-diagnostic and records one anonymised signal."},
        "paths": {
            score_path: {"post": {
                "operationId": "score",
                "summary": "Score a diagnostic's answers and return the verdict with reasons",
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/ScoreRequest"},
                    "example": example}}},
                "responses": {
                    "200": {"description": "The verdict",
                            "content": {"application/json": {
                                "schema": {"$ref": "#/components/schemas/Verdict"}}}},
                    "400": err("Invalid answers or fields; `errors` names each"),
                    "404": err("Unknown diagnostic"),
                    "413": err("Body over 16 KiB"),
                    "415": err("Body is not application/json"),
                },
            }},
        },
        "components": {"schemas": {"ScoreRequest": request_schema, "Verdict": verdict_schema,
                                   "Error": ERROR}},
    }

"""The OpenAPI 3.1 document for the scoring endpoint, with a valid example from content."""

from __future__ import annotations

from importlib import metadata
from typing import Any

from buyerkit.content.catalog import Catalog
from buyerkit.content.numbers import LANGUAGES
from buyerkit.content.schema.diagnostic import Diagnostic, Option, Question
from buyerkit.handoff import spec as handoff_spec
from buyerkit.signals.company import TYPED_DOMAIN, TYPED_MAX

VERSION = metadata.version("buyerkit")  # the installed package's, as `buyerkit --version`


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


UUID = {"type": "string", "format": "uuid"}
JOURNEY = "7d2c9a4e-3b1f-4e8a-9c6d-2f5b8e1a4c7d"  # the example request's journey
SLUG = {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]{0,62}$"}
CHANNEL = {"type": "object", "additionalProperties": False,
           "description": "Where the visit came from: UTM tags and the referrer's host only.",
           "properties": {k: {"type": ["string", "null"], "maxLength": 200}
                          for k in ("source", "medium", "campaign", "referrer")}}

# The props each page event kind takes (events.PAGE_KINDS); nothing else is accepted.
STEP = {"type": "integer", "minimum": 1, "maximum": 50}
EVENT_PROPS: dict[str, tuple[dict[str, Any], list[str]]] = {
    "diagnostic_started": ({}, []),
    "step_reached": ({"step": STEP}, ["step"]),
    "diagnostic_abandoned": ({"step": STEP}, ["step"]),
    "calculator_used": ({
        "payback_band": {"enum": ["0_3", "3_6", "6_12", "12_24", "24_plus", "never", None]},
        "scenario": {"enum": ["conservative", "expected", "optimistic"]}}, []),
    "guide_viewed": ({"personalised": {"type": "boolean"}}, []),
    "guide_shared": ({"from_role": {"anyOf": [SLUG, {"type": "null"}]},
                      "means": {"enum": ["copy", "email", "share_sheet", "print"]}}, ["means"]),
    "kit_opened": ({}, []),
    "next_step_chosen": ({"option": {"enum": ["schedule", "phone", "chat", "email", "dm"]}},
                         ["option"]),
    "security_review_requested": ({}, []),
    "reference_viewed": ({"verdict": {"enum": ["fit", "not_now", "not_a_fit", None]},
                          "bucket": {"enum": ["retain_expand", "acquire", "efficiency", None]}},
                         []),
    "reference_played": ({"verdict": {"enum": ["fit", "not_now", "not_a_fit", None]},
                          "bucket": {"enum": ["retain_expand", "acquire", "efficiency", None]},
                          "quartile": {"type": "integer", "minimum": 0, "maximum": 4}},
                         ["quartile"]),
}


def _event_schema(kind: str) -> dict[str, Any]:
    props, required = EVENT_PROPS[kind]
    return {
        "type": "object", "additionalProperties": False,
        "required": ["id", "kind", "subject", *(["props"] if required else [])],
        "properties": {
            "id": {**UUID, "description": "Made by the page; a resend with it is stored once."},
            "kind": {"const": kind},
            "subject": SLUG,
            "journey": {"anyOf": [UUID, {"type": "null"}]},
            "group": {"anyOf": [UUID, {"type": "null"}]},
            "channel": {"anyOf": [CHANNEL, {"type": "null"}]},
            "props": {"type": "object", "additionalProperties": False,
                      "properties": props, "required": required},
        },
    }


def _answer_schema(q: Question) -> dict[str, Any]:
    """Every form of answer the scorer accepts for one question, and no other."""
    values = [o.value for o in q.options]
    plain = [o.value for o in q.options if not o.exclusive]
    one = {"type": "string", "enum": values}
    forms: list[dict[str, Any]] = [one]
    if q.kind == "single":
        forms.append({"type": "array", "items": one, "minItems": 1, "maxItems": 1})
    else:
        if plain:
            forms.append({"type": "array", "items": {"type": "string", "enum": plain},
                          "minItems": 1, "maxItems": len(plain), "uniqueItems": True})
        for o in q.options:
            if o.exclusive:
                forms.append({"type": "array", "items": {"const": o.value},
                              "minItems": 1, "maxItems": 1})
    if not q.required:
        forms.append({"enum": ["", None]})
        forms.append({"type": "array", "maxItems": 0})
    return {"anyOf": forms, "description": q.text}


def _score_request(d: Diagnostic) -> dict[str, Any]:
    return {
        "type": "object", "additionalProperties": False, "required": ["diagnostic", "answers"],
        "properties": {
            "diagnostic": {"const": d.slug},
            "answers": {"type": "object", "additionalProperties": False,
                        "required": [q.id for q in d.questions() if q.required],
                        "properties": {q.id: _answer_schema(q) for q in d.questions()}},
            "event_id": UUID,
            "journey": UUID,
            "channel": CHANNEL,
            "lang": {"enum": list(LANGUAGES),
                     "description": "The language of the page the prospect answered on (its "
                                    "<html lang>), stored with the completion so reports can "
                                    "split by it. Optional; any other value is a 400."},
        },
    }


def _company_request(slugs: list[str]) -> dict[str, Any]:
    return {
        "type": "object", "additionalProperties": False,
        "required": ["diagnostic", "journey", "domain"],
        "properties": {
            "diagnostic": {"enum": slugs} if slugs else {"type": "string"},
            "journey": {**UUID, "description": "The diagnostic run being pooled; the stored "
                                               "event's id derives from it (stored once)."},
            "group": {"anyOf": [UUID, {"type": "null"}]},
            "domain": {"type": "string", "maxLength": TYPED_MAX, "pattern": TYPED_DOMAIN,
                       "description": "The company's web domain as typed (https://, www., a "
                                      "path are fine). Only an HMAC of it is stored."},
            "hp": {"type": "string", "maxLength": 200,
                   "description": "The form's honeypot: people leave it empty."},
        },
    }


def _json(ref: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}


def _err(desc: str) -> dict[str, Any]:
    return {"description": desc, "content": _json("Error")}


COMMON_ERRORS = {
    "403": _err("The request's Origin is not among the endpoint's allowed origins"),
    "413": _err("Body over 16 KiB"),
    "415": _err("Body is not application/json"),
    "429": _err("Too many requests from this client; try again later"),
    "503": _err("The store could not make the event durable; nothing was acknowledged"),
}


def document(catalog: Catalog, score_path: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document of every /api endpoint, precise enough to fuzz against."""
    prefix = score_path.rsplit("/v1/", 1)[0]
    slugs = sorted(catalog.diagnostics)
    example = {}
    if slugs:
        d = catalog.diagnostics[slugs[0]]
        example = {"diagnostic": d.slug, "answers": example_answers(d),
                   "lang": catalog.site.default_language}
    requests = [_score_request(catalog.diagnostics[s]) for s in slugs]
    request_schema = {"oneOf": requests} if requests else {"not": {}}
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
    kinds = sorted(EVENT_PROPS)
    one_event = {"oneOf": [{"$ref": f"#/components/schemas/Event_{k}"} for k in kinds]}
    events_request = {"oneOf": [
        {"$ref": "#/components/schemas/Event"},
        {"type": "object", "additionalProperties": False, "required": ["events"],
         "properties": {"events": {"type": "array", "minItems": 1, "maxItems": 50,
                                   "items": {"$ref": "#/components/schemas/Event"}}}},
    ]}
    recorded = {"type": "object", "required": ["ok", "recorded"], "properties": {
        "ok": {"const": True},
        "recorded": {"type": ["boolean", "integer"],
                     "description": "false or 0 when the visitor sent Sec-GPC or DNT"}}}
    ok = {"type": "object", "required": ["ok"], "properties": {"ok": {"const": True}}}
    schemas: dict[str, Any] = {"ScoreRequest": request_schema, "Verdict": verdict_schema,
                               "CompanyRequest": _company_request(slugs),
                               "Error": ERROR, "Event": one_event,
                               "EventsRequest": events_request, "Recorded": recorded, "Ok": ok}
    schemas.update({f"Event_{k}": _event_schema(k) for k in kinds})
    schemas.update(handoff_spec.SCHEMAS)
    return {
        "openapi": "3.1.0",
        "info": {"title": f"{catalog.site.vendor.name} scoring endpoint (buyerkit)",
                 "version": VERSION,
                 "description": "Scores a self-diagnostic and records anonymised signals. "
                                "Pages on other origins may call it only when their origin is "
                                "allowed (CORS, never with credentials)."},
        "paths": {
            score_path: {"post": {
                "operationId": "score",
                "summary": "Score a diagnostic's answers and return the verdict with reasons",
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/ScoreRequest"},
                    "example": example}}},
                "responses": {
                    "200": {"description": "The verdict", "content": _json("Verdict")},
                    "400": _err("Invalid answers or fields; `errors` names each"),
                    "404": _err("Unknown diagnostic"),
                    **COMMON_ERRORS,
                },
            }},
            f"{prefix}/v1/events": {"post": {
                "operationId": "events",
                "summary": "Record one page event, or a batch of up to 50 (all or nothing)",
                "requestBody": {"required": True, "content": _json("EventsRequest")},
                "responses": {
                    "200": {"description": "Stored (a resent id is stored once)",
                            "content": _json("Recorded")},
                    "400": _err("Invalid event; `errors` names each field"),
                    **COMMON_ERRORS,
                },
            }},
            f"{prefix}/v1/company": {"post": {
                "operationId": "company",
                "summary": "Pool a diagnostic run under its company (only a hash of the domain "
                           "is kept)",
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/CompanyRequest"},
                    "example": {"diagnostic": slugs[0] if slugs else "", "journey": JOURNEY,
                                "group": None, "domain": "example.com", "hp": ""}}}},
                "responses": {
                    "200": {"description": "Stored (a resend for the journey is stored once)",
                            "content": _json("Recorded")},
                    "400": _err("Invalid field, or not a web domain; `errors` names each"),
                    "404": _err("Unknown diagnostic"),
                    **COMMON_ERRORS,
                },
            }},
            **handoff_spec.paths(prefix, COMMON_ERRORS),
            f"{prefix}/v1/health": {"get": {
                "operationId": "health", "summary": "The endpoint is up",
                "responses": {"200": {"description": "Up", "content": _json("Ok")},
                              "403": COMMON_ERRORS["403"], "429": COMMON_ERRORS["429"]},
            }},
            f"{prefix}/openapi.json": {"get": {
                "operationId": "openapi", "summary": "This document",
                "responses": {"200": {"description": "The OpenAPI document", "content": {
                    "application/json": {"schema": {"type": "object"}}}},
                    "403": COMMON_ERRORS["403"], "429": COMMON_ERRORS["429"]},
            }},
        },
        "components": {"schemas": schemas},
    }

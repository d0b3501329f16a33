"""The scoring endpoint: JSON in, the same verdict the pages give, one error shape out."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, url_for

from buyerkit.api.openapi import document
from buyerkit.content.catalog import get_catalog
from buyerkit.content.numbers import LANGUAGES
from buyerkit.content.scoring import check_answers, score
from buyerkit.signals.company import INVALID_DOMAIN, TYPED_DOMAIN, TYPED_MAX, company_given
from buyerkit.signals.events import (
    MAX_BATCH,
    Channel,
    DiagnosticCompleted,
    is_uuid,
    new_id,
    parse_event,
)
from buyerkit.signals.record import record, record_many
from buyerkit.signals.store import StoreError
from buyerkit.web import api_error, json_body

bp = Blueprint("api", __name__, url_prefix="/api")

TOP_LEVEL = {"diagnostic", "answers", "event_id", "journey", "channel", "lang"}
CHANNEL_KEYS = {"source", "medium", "campaign", "referrer"}


def _json_body() -> Any:
    """The parsed body, or a 4xx response (415 not JSON, 400 malformed or past a limit, 413
    too large): web.json_body, where the depth and size limits are."""
    return json_body()


def _field_errors(body: Any) -> list[dict[str, str]]:
    if not isinstance(body, dict):
        return [{"field": "", "message": "The body must be a JSON object."}]
    errors = [{"field": k[:64], "message": "Unknown field."} for k in body if k not in TOP_LEVEL]
    if not isinstance(body.get("diagnostic"), str):
        errors.append({"field": "diagnostic", "message": "Name the diagnostic (a string)."})
    if not isinstance(body.get("answers"), dict):
        errors.append({"field": "answers", "message": "Give the answers as an object."})
    for key in ("event_id", "journey"):
        if key in body and not is_uuid(body[key]):
            errors.append({"field": key, "message": "Must be a UUID."})
    if "lang" in body and not (isinstance(body["lang"], str) and body["lang"] in LANGUAGES):
        # an enum, as every allowlisted value of the API: anything else is refused by name
        errors.append({"field": "lang", "message": "Must be the page's language, one of "
                                                   f"{', '.join(LANGUAGES)}."})
    channel = body.get("channel", {})
    if not isinstance(channel, dict):
        errors.append({"field": "channel", "message": "Must be an object."})
    else:
        for k, v in channel.items():
            if k not in CHANNEL_KEYS:
                errors.append({"field": f"channel.{k[:64]}", "message": "Unknown field."})
            elif not (v is None or (isinstance(v, str) and len(v) <= 200)):
                errors.append({"field": f"channel.{k}",
                               "message": "Must be a string of at most 200 characters."})
    return errors


@bp.post("/v1/score")
def score_answers() -> Response:
    got = _diagnostic_body(_field_errors)
    if isinstance(got, Response):
        return got
    body, d = got
    answers, problems = check_answers(d, body["answers"])
    if problems:
        return api_error(400, "Some answers are not valid.",
                         [{"field": f"answers.{p.field}", "message": p.message} for p in problems])
    result = score(d, answers)
    ch = body.get("channel", {})
    event = DiagnosticCompleted(
        id=body.get("event_id") or new_id(), subject=d.slug, verdict=result.verdict,
        reasons=result.codes, bucket=result.bucket, trigger=result.trigger,
        bands=dict(result.bands), journey=body.get("journey"), lang=body.get("lang"),
        channel=Channel.from_values(ch.get("source"), ch.get("medium"), ch.get("campaign"),
                                    ch.get("referrer")),
    )
    try:
        recorded = record(event)
    except StoreError:
        return _not_durable()
    outcome = getattr(d.outcomes, result.verdict)
    return jsonify({
        "ok": True,
        "diagnostic": d.slug,
        "verdict": result.verdict,
        "title": outcome.title,
        "summary": outcome.summary,
        "reasons": [{"code": r.code, "text": r.text} for r in result.reasons],
        "bucket": result.bucket,
        "trigger": result.trigger,
        "recorded": recorded,
    })


@bp.post("/v1/events")
def events() -> Response:
    """Record one event, or a batch under "events"; all or nothing, retries stored once.

    `recorded` is false when the visitor opted out (GPC/DNT) or signals are off; a 2xx with
    `recorded: true` means every event of the request is durable."""
    body = _json_body()
    if isinstance(body, Response):
        return body
    if isinstance(body, dict) and set(body) == {"events"}:
        batch = body["events"]
        if not isinstance(batch, list) or not 1 <= len(batch) <= MAX_BATCH:
            return api_error(400, "The request is not valid.", [
                {"field": "events", "message": f"Must be a list of 1 to {MAX_BATCH} events."}])
        items = [parse_event(obj, f"events.{i}.") for i, obj in enumerate(batch)]
    else:
        items = [parse_event(body)]
    errors = [e for _, errs in items for e in errs]
    if errors:
        return api_error(400, "The request is not valid.", errors)
    batch_events = [event for event, _ in items if event is not None]
    try:
        recorded = record_many(batch_events)
    except StoreError:
        return _not_durable()
    return jsonify({"ok": True, "recorded": recorded, "events": len(batch_events)})


COMPANY_FIELDS = {"diagnostic", "journey", "group", "domain", "hp"}
HP_MAX = 200


def _company_errors(body: Any) -> list[dict[str, str]]:
    if not isinstance(body, dict):
        return [{"field": "", "message": "The body must be a JSON object."}]
    errors = [{"field": k[:64], "message": "Unknown field."}
              for k in body if k not in COMPANY_FIELDS]
    if not isinstance(body.get("diagnostic"), str):
        errors.append({"field": "diagnostic", "message": "Name the diagnostic (a string)."})
    if not is_uuid(body.get("journey")):
        errors.append({"field": "journey", "message": "Must be a UUID."})
    if body.get("group") is not None and not is_uuid(body["group"]):
        errors.append({"field": "group", "message": "Must be a UUID or null."})
    typed = body.get("domain")
    if not (isinstance(typed, str) and len(typed) <= TYPED_MAX
            and re.search(TYPED_DOMAIN, typed)):  # as JSON Schema reads `pattern`
        errors.append({"field": "domain", "message": INVALID_DOMAIN})
    hp = body.get("hp", "")
    if not (isinstance(hp, str) and len(hp) <= HP_MAX):
        errors.append({"field": "hp", "message": f"Must be a string of at most {HP_MAX} "
                                                 "characters (leave it empty)."})
    return errors


@bp.post("/v1/company")
def company() -> Response:
    """Pool a diagnostic's journey under its company: the static result page's optional form.

    The same as the Flask form (views/company.py): only an HMAC of the normalised domain is
    stored, under an id derived from the journey (a resend is stored once); a filled honeypot
    `hp` is stored as filtered; `recorded` is false for GPC/DNT. The domain is never kept."""
    got = _diagnostic_body(_company_errors)
    if isinstance(got, Response):
        return got
    body, d = got
    event = company_given(current_app.config["DOMAIN_HMAC_KEY"], d.slug, body["journey"],
                          body.get("group"), body["domain"])
    if event is None:  # the form of a domain, but not one (e.g. www. and one label)
        return api_error(400, "The request is not valid.",
                         [{"field": "domain", "message": INVALID_DOMAIN}])
    try:
        recorded = record(event, honeypot=bool(body.get("hp")))
    except StoreError:
        return _not_durable()
    return jsonify({"ok": True, "recorded": recorded})


def _diagnostic_body(field_errors: Callable[[Any], list[dict[str, str]]]
                     ) -> tuple[dict[str, Any], Any] | Response:
    """The request's valid JSON body and the diagnostic it names, or the 4xx saying why not
    (shared by the score and company routes, which differ only in their fields)."""
    body = _json_body()
    if isinstance(body, Response):
        return body
    errors = field_errors(body)
    if errors:
        return api_error(400, "The request is not valid.", errors)
    d = get_catalog().diagnostics.get(body["diagnostic"])
    if d is None:
        return _unknown_diagnostic(body["diagnostic"])
    return body, d


def _unknown_diagnostic(slug: str) -> Response:
    return api_error(404, f"Unknown diagnostic '{slug[:64]}'.",
                     [{"field": "diagnostic", "message": "No diagnostic with this name."}])


def _not_durable() -> Response:
    """The store could not commit: say so rather than acknowledge what is not durable."""
    resp = api_error(503, "The event store is unavailable; nothing was recorded. Send again.")
    resp.headers["Retry-After"] = "1"
    return resp


@bp.get("/v1/health")
def health() -> Response:
    return jsonify({"ok": True})


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(document(get_catalog(), url_for("api.score_answers")))

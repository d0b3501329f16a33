"""The hand-off's two doors: the verdict page's form (Flask pages) and /api/v1/handoff.

The form's CSRF token needs no cookie (prospects get none): it is a signed, timed, one-time
token; its nonce is stored with the request, so a replayed form finds it taken. The API takes a
`request_id` (a UUID the page makes) for the same purpose.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import uuid
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request
from flask_babel import force_locale, gettext, lazy_gettext
from flask_wtf import FlaskForm
from sqlalchemy.exc import DBAPIError
from wtforms import BooleanField, EmailField, StringField, TextAreaField, ValidationError
from wtforms.csrf.core import CSRF

from buyerkit.content.catalog import get_catalog
from buyerkit.content.numbers import LANGUAGES
from buyerkit.content.scoring import Answers, check_answers, score
from buyerkit.handoff import requests as rq
from buyerkit.handoff.outbox import Replayed
from buyerkit.web import api_error, json_limit_problem

bp = Blueprint("handoff", __name__)
ANSWER_PREFIX = "a."
UNAVAILABLE = rq.N_("Your result could not be stored just now, so nothing was sent: send it "
                    "again.")
INVALID = rq.N_("The request is not valid.")
API_FIELDS = {"diagnostic", "answers", "email", "name", "note", "consent", "request_id",
              "numbers", "roles", "lang"}


class OneTimeToken(CSRF):
    """A cookie-free CSRF token: nonce.timestamp.HMAC(secret); good for TOKEN_MAX_AGE."""

    def setup_form(self, form: Any) -> Any:
        self.secret = str(form.meta.csrf_secret).encode()
        return super().setup_form(form)

    def _mac(self, nonce: str, ts: str) -> str:
        return hmac.new(self.secret, f"handoff.{nonce}.{ts}".encode(),
                        hashlib.sha256).hexdigest()[:32]

    def generate_csrf_token(self, csrf_token_field: Any) -> str:
        nonce, ts = secrets.token_urlsafe(16), str(int(time.time()))
        return f"{nonce}.{ts}.{self._mac(nonce, ts)}"

    def validate_csrf_token(self, form: Any, field: Any) -> None:
        parts = str(field.data or "").split(".")
        max_age = current_app.config["HANDOFF_TOKEN_MAX_AGE"]
        if len(parts) != 3 or not parts[1].isdigit() or not hmac.compare_digest(
                self._mac(parts[0], parts[1]), parts[2]) \
                or not 0 <= time.time() - int(parts[1]) <= max_age:
            raise ValidationError(rq.FORGED)


class HandoffForm(FlaskForm):
    """What the prospect types and ticks; the rules live in requests.py, shared with the API."""

    class Meta:
        csrf_class = OneTimeToken

    email = EmailField(lazy_gettext("Your work e-mail"),
                       render_kw={"autocomplete": "email", "spellcheck": "false"})
    name = StringField(lazy_gettext("Your name (optional)"), render_kw={"autocomplete": "name"})
    note = TextAreaField(lazy_gettext("A note for the team (optional)"), render_kw={"rows": 4})
    consent = BooleanField("")
    include_roles = BooleanField("")


@dataclass
class Offer:
    """Everything the `_handoff.html` include needs to show the form."""

    d: Any
    form: HandoffForm
    hidden: list[tuple[str, str]]
    consent: str
    vendor: str
    retention: int
    error: str | None = None
    standalone: bool = False  # on its own page (after a mistake): the heading is the h1
    sends: list[str] = field(default_factory=list)
    roles: list[tuple[str, str]] = field(default_factory=list)  # (role, guide's name)
    static: bool = False  # a frozen page: no token, no hidden answers; handoff.js posts JSON


def _sends(result: Any, roles: bool = False) -> list[str]:
    """What is sent, item by item, as the consent box lists it."""
    items = [gettext("your e-mail address, and your name and note if you type them"),
             gettext("the verdict and the reasons for it, as on your result page")]
    if result is None or result.bucket:
        items.append(gettext("your problem area"))
    items += [gettext("what makes it urgent"),
              gettext("the size bands of your answers (for example \u201c200\u2013999 "
                      "employees\u201d), not the answers themselves")]
    if roles:
        items.append(gettext("the roles in your team that must agree, if you tick the box "
                             "above"))
    return items


def offer(d: Any, result: Any, answers: Answers, outcome: Any = None,
          form: HandoffForm | None = None, error: str | None = None) -> Offer | None:
    """The form for a verdict page, or None where the hand-off is off or not offered."""
    handoff = current_app.extensions.get("buyerkit.handoff")
    if handoff is None or not handoff.targets:
        return None
    if current_app.config["STATIC_BUILD"]:  # handoff.js sends it to the endpoint, as JSON
        vendor = get_catalog().site.vendor.name
        days = int(current_app.config["HANDOFF_RETENTION_DAYS"])
        return Offer(d, HandoffForm(formdata=None, meta={"csrf": False}), [],
                     rq.consent_text(vendor, days), vendor, days, sends=_sends(None),
                     static=True)
    if form is None and result is not None and result.verdict != "fit" and not getattr(
            outcome, "show_contact", False):
        return None
    vendor = get_catalog().site.vendor.name
    days = int(current_app.config["HANDOFF_RETENTION_DAYS"])
    hidden = [(ANSWER_PREFIX + qid, v) for qid, values in answers.items() for v in values]
    guides = get_catalog().guides
    roles = [(r, guides[r].meta.name) for r in team_roles(d, answers)]
    return Offer(d, form or HandoffForm(formdata=None), hidden,
                 rq.consent_text(vendor, days, bool(roles)), vendor, days, error,
                 form is not None, _sends(result, bool(roles)), roles)


def team_roles(d: Any, answers: Answers) -> list[str]:
    """The roles the prospect said must agree that have a guide: offered for inclusion."""
    guides = get_catalog().guides
    named = [v for q in d.questions() if getattr(q, "records", None) == "roles"
             for v in answers.get(q.id, ())]
    return [r for r in dict.fromkeys(named) if r in guides]


def _form_answers(d: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {}
    for q in d.questions():
        values = request.form.getlist(ANSWER_PREFIX + q.id)
        if values:
            raw[q.id] = values if q.kind == "multi" else values[0]
    return raw


@bp.post("/handoff/<slug>/")
def send_form(slug: str) -> Response:
    """The verdict page's form: sent (200), or the form again with each problem (400/409)."""
    catalog = get_catalog()
    handoff = current_app.extensions["buyerkit.handoff"]
    d = catalog.diagnostics.get(slug)
    if d is None or not handoff.targets:
        return Response(render_template("error.html", status=404, title="Not Found",
                                        description=""), status=404)
    form = HandoffForm()
    raw = _form_answers(d)
    checked, _ = check_answers(d, raw)
    offered = team_roles(d, checked)
    sub = rq.Submission(diagnostic=slug, answers=raw, email=form.email.data or "",
                        name=form.name.data or "", note=form.note.data or "",
                        consent=bool(form.consent.data), offered_roles=bool(offered),
                        roles=tuple(offered) if form.include_roles.data else ())
    error, status = None, 400
    if not form.validate():
        error = gettext(rq.FORGED)
    else:
        try:
            req = rq.make_request(catalog, sub, int(current_app.config["HANDOFF_RETENTION_DAYS"]))
        except rq.Invalid as e:
            for p in e.problems:
                if p.field in form._fields:
                    form[p.field].errors = [p.message]
                else:
                    error = p.message
        else:
            try:
                handoff.submit(req, nonce="form:" + form.csrf_token.data.split(".")[0])
            except Replayed:
                error, status = gettext(rq.REPLAYED), 409
            except DBAPIError as e:  # its message holds the row, e-mail and all: name it only
                current_app.logger.error("hand-off: the outbox is unavailable (%s)",
                                         type(e.orig).__name__)
                error, status = gettext(UNAVAILABLE), 503
            else:
                return Response(render_template(
                    "handoff_sent.html", d=d, data=req.data, site=catalog.site,
                    retention=int(current_app.config["HANDOFF_RETENTION_DAYS"])))
    answers, bad = check_answers(d, raw)
    result = None if bad else score(d, answers)
    hf = offer(d, result, answers, form=form, error=error)
    outcome = getattr(d.outcomes, result.verdict) if result else None
    return Response(render_template("handoff.html", d=d, handoff_form=hf, site=catalog.site,
                                    outcome=outcome), status=status)


def _api_field_errors(body: Any) -> list[dict[str, str]]:
    if not isinstance(body, dict):
        return [{"field": "", "message": "The body must be a JSON object."}]
    errors = [{"field": k[:64], "message": "Unknown field."} for k in body if k not in API_FIELDS]
    for key, kind, msg in (("diagnostic", str, "Name the diagnostic (a string)."),
                           ("answers", dict, "Give the answers as an object."),
                           ("email", str, rq.EMAIL_MISSING)):
        if not isinstance(body.get(key), kind):
            errors.append({"field": key, "message": msg})
    for key in ("name", "note"):
        if not isinstance(body.get(key, ""), str):
            errors.append({"field": key, "message": "Must be a string."})
    roles = body.get("roles", [])
    if not (isinstance(roles, list) and all(isinstance(r, str) for r in roles)):
        errors.append({"field": "roles", "message": rq.ROLES_BAD})
    try:
        uuid.UUID(str(body.get("request_id")))
    except ValueError:
        errors.append({"field": "request_id", "message": "Must be a UUID."})
    if "lang" in body and not (isinstance(body["lang"], str) and body["lang"] in LANGUAGES):
        errors.append({"field": "lang", "message": "Must be the page's language, one of "
                                                   f"{', '.join(LANGUAGES)}."})
    return errors


@bp.post("/api/v1/handoff")
def send_api() -> Response:
    """The endpoint for frozen pages: 201 with the request id, or the JSON error shape. The
    page's `lang` sets the language of the prospect's messages and the consent text."""
    if not request.is_json:
        return api_error(415, "Send the body as application/json.")
    limit = json_limit_problem(request.get_data(cache=True))
    if limit:  # named, as every other /api route does
        return api_error(400, limit)
    body = request.get_json(silent=True)
    if body is None:
        return api_error(400, "The body is not valid JSON.")
    handoff = current_app.extensions["buyerkit.handoff"]
    if not handoff.targets:
        return api_error(404, "This site does not take contact requests.")
    errors = _api_field_errors(body)
    if errors:
        return api_error(400, "The request is not valid.", errors)
    lang = body.get("lang")
    with force_locale(lang) if lang else nullcontext():
        return _send_api(body, handoff, get_catalog().in_language(lang))


def _send_api(body: dict[str, Any], handoff: Any, catalog: Any) -> Response:
    """A well-formed API request, in its page's language (messages, consent text, verdict
    and reasons as the prospect read them): checked, stored, answered."""
    if body["diagnostic"] not in catalog.diagnostics:
        return api_error(404, f"Unknown diagnostic '{body['diagnostic'][:64]}'.",
                         [{"field": "diagnostic", "message": "No diagnostic with this name."}])
    sub = rq.Submission(diagnostic=body["diagnostic"], answers=body["answers"],
                        email=body["email"], name=body.get("name", ""),
                        note=body.get("note", ""), consent=body.get("consent") is True,
                        numbers=body.get("numbers"), roles=tuple(body.get("roles", ())))
    try:
        req = rq.make_request(catalog, sub, int(current_app.config["HANDOFF_RETENTION_DAYS"]))
    except rq.Invalid as e:
        return api_error(400, gettext(INVALID),
                         [{"field": p.field, "message": p.message} for p in e.problems])
    try:
        handoff.submit(req, nonce="api:" + str(uuid.UUID(str(body["request_id"]))))
    except Replayed:
        replayed = gettext(rq.REPLAYED)
        return api_error(409, replayed, [{"field": "request_id", "message": replayed}])
    except DBAPIError as e:
        current_app.logger.error("hand-off: the outbox is unavailable (%s)",
                                 type(e.orig).__name__)
        resp = api_error(503, gettext(UNAVAILABLE))
        resp.headers["Retry-After"] = "5"
        return resp
    resp = current_app.json.response({"ok": True, "id": req.id, "verdict": req.data["verdict"],
                                      "targets": len(handoff.targets)})
    resp.status_code = 201
    return resp

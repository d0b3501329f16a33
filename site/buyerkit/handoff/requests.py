"""The contact request: what a consenting prospect sends, checked, and the exact body sent on.

A contact request is not a signal: it carries no journey, group or event id, so it can never be
joined to the anonymous events. Its verdict is scored again here from the answers (the one pure
scoring function), so a prospect cannot send a verdict the rules did not give.
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from flask_babel import gettext

from buyerkit.content.catalog import Catalog
from buyerkit.content.schema import BUCKETS, TRIGGERS
from buyerkit.content.scoring import check_answers, score


def N_(message: str) -> str:
    """Mark a message for extraction (tools/i18n.sh); it is translated where it is shown."""
    return message


# Every message a prospect or API client can see, word for word (tests pin them), in English;
# make_request and the views show them through gettext, in the page's language.
EMAIL_MISSING = N_("Enter your work e-mail address.")
EMAIL_BAD = N_("Enter an e-mail address like name@company.com.")
CONSENT_MISSING = N_("Tick the box to agree to send your result to the team.")
NOTE_LONG = N_("Keep the note to 2,000 characters or fewer.")
NAME_LONG = N_("Keep the name to 200 characters or fewer.")
ANSWERS_BAD = N_("Your result could not be read: take the check again.")
NUMBERS_BAD = N_("These calculator numbers could not be read.")
ROLES_BAD = N_("Name guide roles from this site.")
FORGED = N_("This form has expired or was changed: reload the page and send it again.")
REPLAYED = N_("This request was already sent; the team has it.")

NOTE_MAX, NAME_MAX, EMAIL_MAX = 2000, 200, 254
EVENT_TYPE = "contact_request.created"
# A plain, strict shape: one @, no spaces, a dot in the domain. Deliverability is sales' job.
_EMAIL = re.compile(r"[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[A-Za-z]{2,63}")


@dataclass(frozen=True)
class FieldProblem:
    """One invalid field of a contact request and the sentence shown beside it (in the
    request's language)."""

    field: str
    message: str


class Invalid(Exception):
    """A contact request that cannot be made; `problems` name each field."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Submission:
    """What the prospect typed and ticked, before it is checked."""

    diagnostic: str
    answers: Mapping[str, Any]
    email: str
    name: str = ""
    note: str = ""
    consent: bool = False
    numbers: Mapping[str, Any] | None = None  # {"calculator": slug, "inputs": {id: number}}
    roles: tuple[str, ...] = ()
    offered_roles: bool = False  # the form offered to include roles (the consent says so)


@dataclass(frozen=True)
class ContactRequest:
    """A checked contact request: an id of its own and the body every target is built from."""

    id: str
    created: datetime
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def email(self) -> str:
        return str(self.data["contact"]["email"])


def consent_text(vendor: str, retention_days: int, roles: bool = False) -> str:
    """The sentence beside the consent box, also sent with the request as the proof of it
    (in the language the prospect read it in)."""
    if roles:
        return gettext(
            "Send %(vendor)s's team my e-mail address, the name and note I typed, and this "
            "result: the verdict, the reasons for it, my problem area, what makes it urgent "
            "and the size bands of my answers, and the roles in my team if I chose to include "
            "them. %(vendor)s keeps it for %(days)s days after it reaches the team, then "
            "deletes it.", vendor=vendor, days=retention_days)
    return gettext(
        "Send %(vendor)s's team my e-mail address, the name and note I typed, and this "
        "result: the verdict, the reasons for it, my problem area, what makes it urgent and "
        "the size bands of my answers. %(vendor)s keeps it for %(days)s days after it reaches "
        "the team, then deletes it.", vendor=vendor, days=retention_days)


def check_email(value: str) -> str | None:
    """The message for a missing or malformed e-mail address, or None when it is fine."""
    value = value.strip()
    if not value:
        return EMAIL_MISSING
    if len(value) > EMAIL_MAX or not _EMAIL.fullmatch(value):
        return EMAIL_BAD
    return None


def _numbers(catalog: Catalog, raw: Any) -> dict[str, Any] | None:
    """The calculator numbers, checked against the calculator's inputs and their ranges."""
    if not isinstance(raw, dict) or set(raw) - {"calculator", "inputs"}:
        return None
    c = catalog.calculators.get(raw.get("calculator")) if isinstance(
        raw.get("calculator"), str) else None
    inputs = raw.get("inputs")
    if c is None or not isinstance(inputs, dict):
        return None
    known = {i.id: i for i in c.model.inputs}
    out: dict[str, float | int] = {}
    for k, v in inputs.items():
        spec = known.get(k)
        if spec is None or isinstance(v, bool) or not isinstance(v, int | float):
            return None
        if not math.isfinite(v) or not spec.min <= v <= spec.max:
            return None
        out[k] = v
    return {"calculator": c.slug, "title": c.model.title, "inputs": out}


def make_request(catalog: Catalog, sub: Submission, retention_days: int,
                 now: datetime | None = None) -> ContactRequest:
    """Check a submission and build the contact request, or raise Invalid naming each field."""
    problems: list[FieldProblem] = []
    if (msg := check_email(sub.email)) is not None:
        problems.append(FieldProblem("email", gettext(msg)))
    if len(sub.name) > NAME_MAX:
        problems.append(FieldProblem("name", gettext(NAME_LONG)))
    if len(sub.note) > NOTE_MAX:
        problems.append(FieldProblem("note", gettext(NOTE_LONG)))
    if sub.consent is not True:
        problems.append(FieldProblem("consent", gettext(CONSENT_MISSING)))
    d = catalog.diagnostics.get(sub.diagnostic)
    answers, bad = check_answers(d, sub.answers) if d is not None else ({}, [None])
    if bad:
        problems.append(FieldProblem("answers", gettext(ANSWERS_BAD)))
    numbers = None
    if sub.numbers is not None and (numbers := _numbers(catalog, sub.numbers)) is None:
        problems.append(FieldProblem("numbers", gettext(NUMBERS_BAD)))
    roles = tuple(dict.fromkeys(sub.roles))
    if any(r not in catalog.guides for r in roles) or len(roles) > 20:
        problems.append(FieldProblem("roles", gettext(ROLES_BAD)))
    if problems:
        raise Invalid(problems)
    assert d is not None
    result = score(d, answers)
    outcome = getattr(d.outcomes, result.verdict)
    vendor = catalog.site.vendor.name
    created = (now or datetime.now(UTC)).replace(microsecond=0)
    data: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "diagnostic": {"slug": d.slug, "title": d.title},
        "verdict": result.verdict,
        "verdict_title": outcome.title,
        "reasons": [{"code": r.code, "text": r.text} for r in result.reasons],
        "bucket": result.bucket,
        "bucket_label": BUCKETS.get(result.bucket) if result.bucket else None,
        "trigger": result.trigger,
        "trigger_label": TRIGGERS.get(result.trigger),
        "bands": dict(result.bands),
        "numbers": numbers,
        "roles": [{"role": r, "title": catalog.guides[r].meta.name} for r in roles],
        "contact": {"email": sub.email.strip(), "name": sub.name.strip() or None,
                    "note": sub.note.strip() or None},
        "consent": {"text": consent_text(vendor, retention_days, bool(sub.offered_roles)),
                    "given_at": created.isoformat().replace("+00:00", "Z")},
    }
    return ContactRequest(id=data["id"], created=created, data=data)


def summary_lines(data: Mapping[str, Any]) -> list[str]:
    """The request as plain lines, for the e-mail to sales and the CRMs' description field."""
    lines = [f"Result of {data['diagnostic']['title']}: {data['verdict_title']}", "",
             "Why:"]
    lines += [f"- {r['text']}" for r in data["reasons"]]
    if data.get("bucket_label"):
        lines.append(f"Problem area: {data['bucket_label']}")
    lines.append(f"What makes it urgent: {data['trigger_label'] or data['trigger']}")
    if data.get("bands"):
        lines.append("Profile: " + ", ".join(f"{k}: {v}" for k, v in data["bands"].items()))
    if data.get("numbers"):
        n = data["numbers"]
        lines.append(f"Numbers from {n['title']}: "
                     + ", ".join(f"{k} = {v}" for k, v in n["inputs"].items()))
    if data.get("roles"):
        lines.append("Roles in their buying team: "
                     + ", ".join(r["title"] for r in data["roles"]))
    note = data["contact"].get("note")
    if note:
        lines += ["", "Their note:", note]
    lines += ["", f"Request id: {data['id']} (the same id on a resend: deduplicate on it)"]
    return lines

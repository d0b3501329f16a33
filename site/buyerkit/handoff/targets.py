"""Where contact requests go: a Standard Webhooks receiver, HubSpot, Salesforce, or e-mail.

Each target turns one claimed delivery into one attempt and says how it went: delivered,
worth retrying (timeouts, 5xx, 408, 429) or given up (410 and other 4xx), with a short reason
that never contains the prospect's address or the receiver's answer body.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from buyerkit.handoff import mailer
from buyerkit.handoff.outbox import Claim
from buyerkit.handoff.requests import EVENT_TYPE, summary_lines

HUBSPOT_URL = "https://api.hsforms.com/submissions/v3/integration/submit/{portal_id}/{form_guid}"
SALESFORCE_URL = "https://webto.salesforce.com/servlet/servlet.WebToLead?encoding=UTF-8"
USER_AGENT = "buyerkit-handoff/1"
RETRYABLE_4XX = (408, 425, 429)
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,62}")


class TargetConfigError(ValueError):
    """A HANDOFF_TARGETS entry that cannot be used; the message names the entry and key."""


@dataclass(frozen=True)
class Attempt:
    """How one delivery attempt went."""

    ok: bool
    error: str = ""
    permanent: bool = False


# --- Standard Webhooks signing -----------------------------------------------------------

def new_secret() -> str:
    """A fresh signing secret in the Standard Webhooks form `whsec_` + base64 of 32 bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def secret_key(secret: str) -> bytes:
    """The HMAC key of a `whsec_...` secret; ValueError when it is not one."""
    if not secret.startswith("whsec_"):
        raise ValueError("a webhook secret starts with 'whsec_' (see `buyerkit webhooks secret`)")
    try:
        key = base64.b64decode(secret[len("whsec_"):], validate=True)
    except ValueError as e:
        raise ValueError("a webhook secret is 'whsec_' followed by base64") from e
    if len(key) < 24:
        raise ValueError("a webhook secret needs at least 24 bytes of key")
    return key


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` value: `v1,` + base64(HMAC-SHA256(key, id.timestamp.body))."""
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def webhook_headers(secret: str, msg_id: str, body: bytes,
                    timestamp: int | None = None) -> dict[str, str]:
    """The three Standard Webhooks headers for one attempt (timestamp: now)."""
    ts = int(time.time()) if timestamp is None else timestamp
    return {"webhook-id": msg_id, "webhook-timestamp": str(ts),
            "webhook-signature": sign(secret, msg_id, ts, body)}


def envelope(claim: Claim) -> dict[str, Any]:
    """The webhook payload: {type, timestamp, data} as Standard Webhooks suggests."""
    from datetime import UTC, datetime

    created = datetime.fromtimestamp(claim.created, UTC).isoformat().replace("+00:00", "Z")
    return {"type": EVENT_TYPE, "timestamp": created, "data": claim.data}


# --- HTTP ----------------------------------------------------------------------------------

def post(url: str, body: bytes, headers: Mapping[str, str], timeout: float) -> Attempt:
    """POST once; classify the answer (the body of an answer is never kept)."""
    req = urllib.request.Request(url, data=body, method="POST",
                                 headers={"User-Agent": USER_AGENT, **headers})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - configured
            resp.read(65536)
            return Attempt(True)
    except urllib.error.HTTPError as e:
        e.close()
        status = e.code
        if status == 410:
            return Attempt(False, "receiver answered 410 Gone: it takes no more requests",
                           permanent=True)
        permanent = 400 <= status < 500 and status not in RETRYABLE_4XX
        return Attempt(False, f"receiver answered {status}", permanent=permanent)
    except TimeoutError:
        return Attempt(False, f"receiver did not answer within {timeout:g} s")
    except urllib.error.URLError as e:
        reason = e.reason
        if isinstance(reason, TimeoutError):
            return Attempt(False, f"receiver did not answer within {timeout:g} s")
        return Attempt(False, f"receiver not reachable: {type(reason).__name__}")
    except (OSError, ValueError) as e:
        return Attempt(False, f"receiver not reachable: {type(e).__name__}")


def _split_name(name: str | None) -> tuple[str, str]:
    parts = (name or "").split(None, 1)
    return (parts[0] if parts else "", parts[1] if len(parts) > 1 else "")


# --- The targets ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Webhook:
    """A generic receiver: the JSON envelope, signed per Standard Webhooks."""

    name: str
    url: str
    secret: str
    timeout: float = 10.0

    def send(self, claim: Claim) -> Attempt:
        body = json.dumps(envelope(claim), separators=(",", ":"), ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json",
                   **webhook_headers(self.secret, claim.id, body)}
        return post(self.url, body, headers, self.timeout)


@dataclass(frozen=True)
class HubSpot:
    """HubSpot's Forms API (v3 submit): the contact's fields and the consent given."""

    name: str
    portal_id: str
    form_guid: str
    url: str = ""
    timeout: float = 10.0

    def payload(self, claim: Claim) -> dict[str, Any]:
        data = claim.data
        first, last = _split_name(data["contact"].get("name"))
        fields = [("email", data["contact"]["email"]), ("firstname", first),
                  ("lastname", last), ("message", "\n".join(summary_lines(data)))]
        return {
            "submittedAt": str(int(claim.created * 1000)),
            "fields": [{"objectTypeId": "0-1", "name": k, "value": v} for k, v in fields if v],
            "context": {"pageName": f"{data['diagnostic']['title']}: {data['verdict_title']}"},
            "legalConsentOptions": {"consent": {
                "consentToProcess": True, "text": data["consent"]["text"]}},
        }

    def send(self, claim: Claim) -> Attempt:
        url = self.url or HUBSPOT_URL.format(portal_id=self.portal_id, form_guid=self.form_guid)
        body = json.dumps(self.payload(claim), ensure_ascii=False).encode()
        return post(url, body, {"Content-Type": "application/json"}, self.timeout)


@dataclass(frozen=True)
class Salesforce:
    """Salesforce Web-to-Lead: the lead's form fields (oid, name, e-mail, description)."""

    name: str
    oid: str
    url: str = ""
    lead_source: str = "buyerkit"
    timeout: float = 10.0

    def fields(self, claim: Claim) -> dict[str, str]:
        data = claim.data
        first, last = _split_name(data["contact"].get("name"))
        out = {"oid": self.oid, "email": data["contact"]["email"], "first_name": first,
               "last_name": last, "lead_source": self.lead_source,
               "description": "\n".join(summary_lines(data))}
        return {k: v for k, v in out.items() if v}

    def send(self, claim: Claim) -> Attempt:
        body = urllib.parse.urlencode(self.fields(claim)).encode()
        return post(self.url or SALESFORCE_URL, body,
                    {"Content-Type": "application/x-www-form-urlencoded"}, self.timeout)


@dataclass(frozen=True)
class Email:
    """A plain-text e-mail to sales, Reply-To the prospect, Message-ID the webhook-id."""

    name: str
    to: tuple[str, ...]
    smtp: mailer.SmtpSettings

    def message(self, claim: Claim) -> Any:
        data = claim.data
        contact = data["contact"]
        who = contact.get("name") or "A prospect"
        text = "\n".join([f"{who} <{contact['email']}> sent their result and would like to "
                          "hear from you.", "", *summary_lines(data)])
        subject = f"{data['verdict_title']} — {data['diagnostic']['title']}"
        return mailer.message(self.smtp, self.to, subject, text,
                              message_id=f"<{claim.id}@buyerkit.handoff>",
                              reply_to=contact["email"])

    def send(self, claim: Claim) -> Attempt:
        try:
            mailer.send(self.smtp, self.message(claim))
        except mailer.MailError as e:
            return Attempt(False, e.reason, permanent=not e.temporary)
        return Attempt(True)


Target = Webhook | HubSpot | Salesforce | Email


def _str(entry: Mapping[str, Any], key: str, where: str) -> str:
    v = entry.get(key)
    if not isinstance(v, str) or not v.strip():
        raise TargetConfigError(f"{where}: '{key}' is required (a string)")
    return v.strip()


def _url(entry: Mapping[str, Any], key: str, where: str, required: bool = True) -> str:
    if not required and not entry.get(key):
        return ""
    v = _str(entry, key, where)
    if urllib.parse.urlsplit(v).scheme not in ("http", "https"):
        raise TargetConfigError(f"{where}: '{key}' must be an http(s) URL")
    return v


def make_target(entry: Mapping[str, Any], timeout: float = 10.0) -> Target:
    """One HANDOFF_TARGETS entry as a target; TargetConfigError names what is wrong."""
    if not isinstance(entry, Mapping):
        raise TargetConfigError("HANDOFF_TARGETS: each target is a mapping")
    name = entry.get("name")
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise TargetConfigError("HANDOFF_TARGETS: each target needs a 'name' (a slug)")
    where = f"HANDOFF_TARGETS '{name}'"
    kind = entry.get("type")
    if kind == "webhook":
        secret = _str(entry, "secret", where)
        try:
            secret_key(secret)
        except ValueError as e:
            raise TargetConfigError(f"{where}: {e}") from e
        return Webhook(name, _url(entry, "url", where), secret, timeout)
    if kind == "hubspot":
        return HubSpot(name, _str(entry, "portal_id", where), _str(entry, "form_guid", where),
                       _url(entry, "url", where, required=False), timeout)
    if kind == "salesforce":
        return Salesforce(name, _str(entry, "oid", where),
                          _url(entry, "url", where, required=False),
                          str(entry.get("lead_source") or "buyerkit"), timeout)
    if kind == "email":
        to = entry.get("to")
        to = (to,) if isinstance(to, str) else tuple(to or ())
        if not to or not all(isinstance(a, str) and "@" in a for a in to):
            raise TargetConfigError(f"{where}: 'to' is required (one address or a list)")
        try:
            smtp = mailer.SmtpSettings.from_mapping(entry.get("smtp") or {})
        except ValueError as e:
            raise TargetConfigError(f"{where}: smtp {e}") from e
        return Email(name, to, smtp)
    raise TargetConfigError(f"{where}: 'type' must be webhook, hubspot, salesforce or email")


def make_targets(entries: Any, timeout: float = 10.0) -> dict[str, Target]:
    """Every configured target by name (names are unique)."""
    if isinstance(entries, str):
        entries = json.loads(entries) if entries.strip() else []
    out: dict[str, Target] = {}
    for entry in entries or ():
        t = make_target(entry, timeout)
        if t.name in out:
            raise TargetConfigError(f"HANDOFF_TARGETS: two targets are named '{t.name}'")
        out[t.name] = t
    return out

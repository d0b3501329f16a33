"""Anonymised intent events: typed dataclasses whose properties() is the storage allowlist."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import urlsplit

_TOKEN = re.compile(r"[^a-z0-9_.-]+")
TOKEN_MAX = 64


def clean_token(value: str | None) -> str | None:
    """A campaign tag reduced to a short lower-case token, so no free text is ever stored."""
    if not value:
        return None
    token = _TOKEN.sub("-", value.strip().lower()).strip("-")[:TOKEN_MAX]
    return token or None


def referrer_host(referrer: str | None, own_host: str | None = None) -> str | None:
    """Only the host of a referring page: never its path or query, never our own host."""
    if not referrer:
        return None
    try:
        host = (urlsplit(referrer).hostname or "").lower()
    except ValueError:
        return None
    if not host or host == (own_host or "").split(":")[0].lower():
        return None
    return clean_token(host)


def is_uuid(value: Any) -> bool:
    """True for a canonical UUID string, the only kind of id a page may send."""
    if not isinstance(value, str) or len(value) != 36:
        return False
    try:
        return str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False


def new_id() -> str:
    return str(uuid.uuid4())


def hour_now() -> int:
    """Hours since the epoch: events keep time to the hour, nothing finer."""
    return int(datetime.now(UTC).timestamp() // 3600)


@dataclass(frozen=True)
class Channel:
    """Where a visit came from: UTM tags and the referrer's host, nothing else."""

    source: str | None = None
    medium: str | None = None
    campaign: str | None = None
    referrer: str | None = None

    @classmethod
    def from_values(cls, source: str | None, medium: str | None, campaign: str | None,
                    referrer: str | None) -> Channel:
        return cls(clean_token(source), clean_token(medium), clean_token(campaign),
                   clean_token(referrer))


@dataclass(frozen=True, kw_only=True)
class Event:
    """Fields every event shares. Subclasses set `kind` and an allowlisted `properties()`."""

    kind: ClassVar[str] = ""
    id: str
    subject: str
    journey: str | None = None
    group: str | None = None
    channel: Channel = Channel()

    def properties(self) -> dict[str, Any]:
        """Typed, allowlisted properties stored with the event; nothing else is kept."""
        return {}


BANDS = frozenset({"persona", "size", "industry", "tools", "roles", "billing", "hosting"})


@dataclass(frozen=True, kw_only=True)
class DiagnosticCompleted(Event):
    """A prospect finished a diagnostic and saw a verdict (subject: the diagnostic's slug)."""

    kind: ClassVar[str] = "diagnostic_completed"

    verdict: str
    reasons: tuple[str, ...]
    bucket: str | None
    trigger: str
    bands: dict[str, str] = field(default_factory=dict)

    def properties(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "reasons": ",".join(self.reasons)[:400],
            "bucket": self.bucket,
            "trigger": self.trigger,
            "bands": {k: clean_token(v) for k, v in sorted(self.bands.items()) if k in BANDS},
        }

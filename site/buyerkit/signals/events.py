"""Anonymised intent events: typed dataclasses whose properties() is the storage allowlist."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar, Literal
from urllib.parse import urlsplit

import pydantic
from pydantic import ConfigDict, Field

from buyerkit.content.numbers import LANGUAGES

_TOKEN = re.compile(r"[^a-z0-9_.-]+")
TOKEN_MAX = 64


_HOST = re.compile(r"^[a-z0-9]([a-z0-9-]{0,62}\.)*[a-z0-9-]{1,63}$")


def clean_token(value: str | None) -> str | None:
    """A campaign tag reduced to a short lower-case token, so no free text is ever stored.

    A value that looks like an e-mail address is dropped whole: a tag is never a person.
    """
    if not value or "@" in value:
        return None
    token = _TOKEN.sub("-", value.strip().lower()).strip("-")[:TOKEN_MAX]
    return token or None


def clean_host(value: str | None) -> str | None:
    """A referrer reduced to its host name (from a URL or a bare host); anything else is None."""
    if not value or "@" in value:
        return None
    value = value.strip().lower()
    if "/" in value or ":" in value:
        try:
            value = (urlsplit(value if "//" in value else "//" + value).hostname or "")
        except ValueError:
            return None
    value = value.rstrip(".")
    return value[:TOKEN_MAX] if _HOST.fullmatch(value) and len(value) <= TOKEN_MAX else None


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
    return clean_host(host)


def is_uuid(value: Any) -> bool:
    """True for a canonical UUID string, the only kind of id a page may send."""
    if not isinstance(value, str) or len(value) != 36:
        return False
    try:
        return str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False


def new_id() -> str:
    """A fresh random event or journey id."""
    return str(uuid.uuid4())


def derived_id(journey: str, what: str) -> str:
    """The id of the one event `what` of a journey (e.g. "step:2"), so a re-posted form or a
    second pagehide is stored once; the journey is random, so the id reveals nothing."""
    return str(uuid.uuid5(uuid.UUID(journey), what))


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
                   clean_host(referrer))


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
    lang: str | None = None  # the page's language (docs/languages.md): a known code or nothing

    def properties(self) -> dict[str, Any]:
        props = {
            "verdict": self.verdict,
            "reasons": ",".join(self.reasons)[:400],
            "bucket": self.bucket,
            "trigger": self.trigger,
            "bands": {k: clean_token(v) for k, v in sorted(self.bands.items()) if k in BANDS},
        }
        if self.lang in LANGUAGES:  # an allowlisted code; anything else is not stored
            props["lang"] = self.lang
        return props


SLUG = r"^[a-z0-9][a-z0-9_-]{0,62}$"
Slug = Annotated[str, pydantic.Strict(), pydantic.StringConstraints(pattern=SLUG)]


def _whole_number(value: Any) -> Any:
    """JSON's 27.0 is the number 27: accept it as a step, but never a bool or a fraction."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


Step = Annotated[int, pydantic.BeforeValidator(_whole_number), pydantic.Strict(),
                 Field(ge=1, le=50)]
STRICT = ConfigDict(extra="forbid")  # strictness is per field: no "2" for 2, no 1 for true


@dataclass(frozen=True, kw_only=True)
class DiagnosticStarted(Event):
    """A prospect opened the first step of a diagnostic (subject: the diagnostic)."""

    __pydantic_config__ = STRICT
    kind: ClassVar[str] = "diagnostic_started"


@dataclass(frozen=True, kw_only=True)
class StepReached(Event):
    """A prospect reached step N (1-based) of a diagnostic, so drop-off is measurable."""

    __pydantic_config__ = STRICT
    kind: ClassVar[str] = "step_reached"
    step: Step

    def properties(self) -> dict[str, Any]:
        return {"step": self.step}


@dataclass(frozen=True, kw_only=True)
class DiagnosticAbandoned(Event):
    """A prospect left a diagnostic mid-way, at step N."""

    __pydantic_config__ = STRICT
    kind: ClassVar[str] = "diagnostic_abandoned"
    step: Step

    def properties(self) -> dict[str, Any]:
        return {"step": self.step}


@dataclass(frozen=True, kw_only=True)
class CalculatorUsed(Event):
    """A prospect used a calculator: only coarse bands, never their numbers."""

    __pydantic_config__ = STRICT
    kind: ClassVar[str] = "calculator_used"
    payback_band: Literal["0_3", "3_6", "6_12", "12_24", "24_plus", "never"] | None = None
    scenario: Literal["conservative", "expected", "optimistic"] = "expected"

    def properties(self) -> dict[str, Any]:
        return {"payback_band": self.payback_band, "scenario": self.scenario}


@dataclass(frozen=True, kw_only=True)
class GuideViewed(Event):
    """A role guide was opened (subject: the role), personalised or generic."""

    __pydantic_config__ = STRICT
    kind: ClassVar[str] = "guide_viewed"
    personalised: pydantic.StrictBool = False

    def properties(self) -> dict[str, Any]:
        return {"personalised": self.personalised}


@dataclass(frozen=True, kw_only=True)
class GuideShared(Event):
    """A guide was shared (subject: the role shared), from which role and by which means."""

    __pydantic_config__ = STRICT
    kind: ClassVar[str] = "guide_shared"
    from_role: Slug | None = None
    means: Literal["copy", "email", "share_sheet", "print"]

    def properties(self) -> dict[str, Any]:
        return {"from_role": self.from_role, "means": self.means}


@dataclass(frozen=True, kw_only=True)
class KitOpened(Event):
    """The buying team's decision kit was opened."""

    __pydantic_config__ = STRICT
    kind: ClassVar[str] = "kit_opened"


@dataclass(frozen=True, kw_only=True)
class NextStepChosen(Event):
    """A prospect chose how to get in touch, on their terms."""

    __pydantic_config__ = STRICT
    kind: ClassVar[str] = "next_step_chosen"
    option: Literal["schedule", "phone", "chat", "email", "dm"]

    def properties(self) -> dict[str, Any]:
        return {"option": self.option}


@dataclass(frozen=True, kw_only=True)
class SecurityReviewRequested(Event):
    """The security team asked for the SOC 2 report: a security review has started."""

    __pydantic_config__ = STRICT
    kind: ClassVar[str] = "security_review_requested"


ORG = r"^[0-9a-f]{32}$"


@dataclass(frozen=True, kw_only=True)
class CompanyGiven(Event):
    """A prospect told their company's web domain so colleagues' results are pooled; only a
    keyed hash of the domain (`org`) is kept, never the domain itself."""

    __pydantic_config__ = STRICT
    kind: ClassVar[str] = "company_given"
    org: Annotated[str, pydantic.Strict(), pydantic.StringConstraints(pattern=ORG)]

    def properties(self) -> dict[str, Any]:
        return {"org": self.org}


Verdict = Literal["fit", "not_now", "not_a_fit"]
Bucket = Literal["retain_expand", "acquire", "efficiency"]


@dataclass(frozen=True, kw_only=True)
class ReferenceViewed(Event):
    """A customer story was read (subject: its slug), with the reader's verdict and problem
    bucket when the link that brought them carried one; nothing else about them."""

    __pydantic_config__ = STRICT
    kind: ClassVar[str] = "reference_viewed"
    verdict: Verdict | None = None
    bucket: Bucket | None = None

    def properties(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "bucket": self.bucket}


@dataclass(frozen=True, kw_only=True)
class ReferencePlayed(ReferenceViewed):
    """A story's clip was played: quartile 0 when it started, 1 to 4 as each quarter ended."""

    kind: ClassVar[str] = "reference_played"
    quartile: Annotated[int, pydantic.BeforeValidator(_whole_number), pydantic.Strict(),
                        Field(ge=0, le=4)]  # 1.0 is 1, as JSON Schema's integer says

    def properties(self) -> dict[str, Any]:
        return {**super().properties(), "quartile": self.quartile}


# Kinds a page may send through POST /api/v1/events. diagnostic_completed is not among them:
# only the scoring function may say what verdict a prospect got; nor is company_given: only
# the server may hash a domain.
PAGE_KINDS: dict[str, type[Event]] = {
    cls.kind: cls for cls in (
        DiagnosticStarted, StepReached, DiagnosticAbandoned, CalculatorUsed, GuideViewed,
        GuideShared, KitOpened, NextStepChosen, SecurityReviewRequested, ReferenceViewed,
        ReferencePlayed)
}

# Every kind the store may hold (the reports read these names).
ALL_KINDS: tuple[str, ...] = (DiagnosticCompleted.kind, CompanyGiven.kind, *PAGE_KINDS)

MAX_BATCH = 50
_ENVELOPE = {"id", "kind", "subject", "journey", "group", "channel", "props"}
_ADAPTERS: dict[str, pydantic.TypeAdapter] = {}


def _adapter(cls: type[Event]) -> pydantic.TypeAdapter:
    if cls.kind not in _ADAPTERS:
        _ADAPTERS[cls.kind] = pydantic.TypeAdapter(cls)
    return _ADAPTERS[cls.kind]


def parse_event(obj: Any, where: str = "") -> tuple[Event | None, list[dict[str, str]]]:
    """Validate one event sent by a page; return it, or the errors naming each bad field."""
    errors: list[dict[str, str]] = []

    def bad(name: str, message: str) -> None:
        errors.append({"field": f"{where}{name}", "message": message})

    if not isinstance(obj, dict):
        bad("", "An event must be a JSON object.")
        return None, errors
    for key in obj:
        if key not in _ENVELOPE:
            bad(str(key)[:64], "Unknown field.")
    cls = PAGE_KINDS.get(obj.get("kind")) if isinstance(obj.get("kind"), str) else None
    if cls is None:
        bad("kind", "Unknown event kind.")
    if not is_uuid(obj.get("id")):
        bad("id", "Must be a UUID made by the page.")
    for key in ("journey", "group"):
        if obj.get(key) is not None and not is_uuid(obj[key]):
            bad(key, "Must be a UUID or null.")
    subject = obj.get("subject")
    if not (isinstance(subject, str) and re.fullmatch(SLUG, subject)):
        bad("subject", "Must be a slug (lower-case letters, digits, dashes).")
    channel = obj.get("channel")
    channel = {} if channel is None else channel
    if not isinstance(channel, dict) or any(
            k not in ("source", "medium", "campaign", "referrer")
            or not (v is None or (isinstance(v, str) and len(v) <= 200))
            for k, v in channel.items()):
        bad("channel", "Must be an object of source, medium, campaign, referrer strings.")
    props = obj.get("props", {})
    if not isinstance(props, dict):
        bad("props", "Must be an object.")
    if errors or cls is None:
        return None, errors
    base = {"id", "subject", "journey", "group", "channel"}
    for key in props:
        if key in base:
            bad(f"props.{key}", "Unknown property.")
    if errors:
        return None, errors
    data = {**props, "id": obj["id"].lower(), "subject": subject,
            "journey": obj.get("journey"), "group": obj.get("group"),
            "channel": Channel.from_values(channel.get("source"), channel.get("medium"),
                                           channel.get("campaign"), channel.get("referrer"))}
    try:
        return _adapter(cls).validate_python(data), []
    except pydantic.ValidationError as e:
        for err in e.errors(include_url=False):
            name = ".".join(str(p) for p in err["loc"])
            message = "Unknown property." if err["type"] == "unexpected_keyword_argument" \
                else err["msg"] + "."
            bad(f"props.{name}", message)
        return None, errors

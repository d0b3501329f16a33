"""Per-journey and per-group state folded from event rows, and the roll-up cells it counts in.

Pure: no database. Every merge is commutative and idempotent (min, max, or), so folding the
same events in any order or in any batches gives the same state; `rollups.apply` (per batch)
and `rollups.rebuild` (from scratch) therefore agree, and a test proves it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

DIAGNOSTIC_KINDS = frozenset({"diagnostic_started", "step_reached", "diagnostic_abandoned",
                              "diagnostic_completed"})
# Kinds that show a prospect examining solutions (calculators, role guides, the decision kit,
# a security review, pricing or comparison pages): a bounce after one is a later-stage bounce.
EXAMINING_KINDS = frozenset({"calculator_used", "guide_viewed", "guide_shared", "kit_opened",
                             "next_step_chosen",
                             "security_review_requested", "pricing_viewed",
                             "comparison_viewed"})
VERDICTS = ("fit", "not_now", "not_a_fit")
VERDICT_RANK = {"not_a_fit": 1, "not_now": 2, "fit": 3}
CFO_ROLES = frozenset({"cfo", "finance"})
# "lang": the language of the page the deciding completion was made on (docs/languages.md)
SEGMENT_DIMENSIONS = ("persona", "size", "bucket", "trigger", "lang")
STAGES = ("identifying_problem", "examining_solutions")
MAX_ROLES = 20
HOURS_PER_DAY = 24
UNKNOWN = "(unknown)"


def props_of(row: Mapping[str, Any]) -> dict[str, Any]:
    """The row's JSON properties as a dict (empty when absent or unreadable)."""
    raw = row.get("props")
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except (TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def journey_key(row: Mapping[str, Any]) -> str | None:
    """The journey an event belongs to; a diagnostic event sent without one (e.g. straight to
    the scoring API) is a journey of its own, keyed by its event id."""
    return row.get("journey") or (row["id"] if row["kind"] in DIAGNOSTIC_KINDS else None)


def _min(a: Any, b: Any) -> Any:
    if a is None:
        return b
    if b is None:
        return a
    return min(a, b)


# A channel column with no value, as the Channels table and the spend upload both write it.
NONE = "(none)"
DIRECT = ("(direct)", NONE, NONE)


def _channel(source: Any, medium: Any, campaign: Any, referrer: Any) -> tuple[str, str, str]:
    return (source or referrer or DIRECT[0],
            medium or ("referral" if referrer and not source else NONE),
            campaign or NONE)


# The event columns a journey's state is folded from, in the order `Journey.fold_values` takes.
FOLD_COLUMNS = ("id", "kind", "hour", "subject", "grp", "filtered", "source", "medium",
                "campaign", "referrer", "props", "verdict", "reasons", "bucket", "trigger")
_NO_PROPS: tuple[Any, Any, Any, Any] = (None, None, None, None)


@lru_cache(maxsize=4096)
def _journey_props(raw: str) -> tuple[Any, Any, Any, Any]:
    """(step, persona band, size band, page language) from an event's JSON properties.
    Cached: the properties are allowlisted values, so a few distinct strings recur millions
    of times."""
    props = props_of({"props": raw})
    bands = props.get("bands") if isinstance(props.get("bands"), dict) else {}
    lang = props.get("lang")
    return (props.get("step"), bands.get("persona"), bands.get("size"),
            lang if isinstance(lang, str) and len(lang) <= 8 else None)


PROPS_KINDS = frozenset({"step_reached", "diagnostic_abandoned", "diagnostic_completed",
                         "guide_shared"})


class Journey:
    """What one diagnostic run amounts to (one row in ru_journeys). `fold` merges an event
    in place (a plain class with slots: rebuilding folds millions of events)."""

    __slots__ = ("journey", "hour", "subject", "grp", "channel", "max_step", "abandoned_step",
                 "done_key", "verdict", "reasons", "bucket", "trigger", "persona", "size",
                 "examined", "filtered", "lang")

    def __init__(self, journey: str, hour: int | None = None, subject: str | None = None,
                 grp: str | None = None, channel: tuple[str, str, str] | None = None,
                 max_step: int = 0, abandoned_step: int = 0, done_key: str | None = None,
                 verdict: str | None = None, reasons: str | None = None,
                 bucket: str | None = None, trigger: str | None = None,
                 persona: str | None = None, size: str | None = None, examined: bool = False,
                 filtered: str | None = None, lang: str | None = None) -> None:
        self.journey, self.hour, self.subject, self.grp = journey, hour, subject, grp
        self.channel, self.max_step, self.abandoned_step = channel, max_step, abandoned_step
        self.done_key, self.verdict, self.reasons = done_key, verdict, reasons
        self.bucket, self.trigger, self.persona, self.size = bucket, trigger, persona, size
        self.examined, self.filtered, self.lang = examined, filtered, lang

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Journey) and all(
            getattr(self, k) == getattr(other, k) for k in self.__slots__)

    def __repr__(self) -> str:
        return f"Journey({', '.join(f'{k}={getattr(self, k)!r}' for k in self.__slots__)})"

    def fold(self, row: Mapping[str, Any]) -> Journey:
        """Merge one more event of the journey into this state (commutative); return self."""
        return self.fold_values(tuple(map(row.get, FOLD_COLUMNS)))

    def fold_values(self, values: tuple[Any, ...]) -> Journey:
        """`fold` for an event given as its FOLD_COLUMNS values in that order (what a rebuild
        reads straight from the database, without making a dict per event)."""
        (id_, kind, hour, subject, grp, filtered, source, medium, campaign, referrer, props,
         verdict, reasons, bucket, trigger) = values
        if self.hour is None or hour < self.hour:
            self.hour = hour
        if grp is not None and (self.grp is None or grp < self.grp):
            self.grp = grp
        if filtered is not None and (self.filtered is None or filtered > self.filtered):
            self.filtered = filtered
        if source or medium or campaign or referrer:
            channel = _channel(source, medium, campaign, referrer)
            if self.channel is None or channel < self.channel:
                self.channel = channel
        if kind in EXAMINING_KINDS:
            self.examined = True
        if kind not in DIAGNOSTIC_KINDS:
            return self
        if subject is not None and (self.subject is None or subject < self.subject):
            self.subject = subject
        if kind == "diagnostic_started":
            return self
        step, persona, size, lang = _journey_props(props) if props else _NO_PROPS
        if kind != "diagnostic_completed":
            if isinstance(step, int):
                self.max_step = max(self.max_step, step)
                if kind == "diagnostic_abandoned":
                    self.abandoned_step = max(self.abandoned_step, step)
            return self
        key = f"{hour:010d}{id_}"
        if self.done_key is None or key < self.done_key:
            self.done_key, self.verdict, self.reasons = key, verdict, reasons
            self.bucket, self.trigger = bucket, trigger
            self.persona, self.size, self.lang = persona, size, lang
        return self

    @property
    def status(self) -> str:
        if self.filtered:
            return "filtered"
        if self.verdict in VERDICTS:
            return self.verdict
        return "abandoned" if self.abandoned_step else "in_progress"

    def signature(self) -> tuple[Any, ...]:
        """Everything `cells` reads: journeys with equal signatures count in the same cells,
        so a rebuild counts signatures and expands each distinct one once."""
        hour = self.hour
        return (self.subject, None if hour is None else hour // HOURS_PER_DAY, self.status,
                self.abandoned_step, self.channel, self.persona, self.size, self.bucket,
                self.trigger, self.reasons, self.examined, self.lang)

    def cells(self) -> Iterator[tuple[str, tuple[Any, ...]]]:
        """Every roll-up cell (table, key) this journey counts once in."""
        if self.subject is None or self.hour is None:
            return
        day, status, s = self.hour // HOURS_PER_DAY, self.status, self.subject
        step = self.abandoned_step if status == "abandoned" else 0
        yield "ru_outcomes", (s, day, status, step)
        if status == "filtered":
            return
        source, medium, campaign = self.channel or DIRECT
        yield "ru_channels", (s, day, source, medium, campaign, status)
        if status not in VERDICTS:
            return
        for dim in SEGMENT_DIMENSIONS:
            yield "ru_segments", (s, day, dim, getattr(self, dim) or UNKNOWN, status)
        if status != "fit":
            codes = [c for c in (self.reasons or "").split(",") if c]
            stage = STAGES[1] if self.examined else STAGES[0]
            yield "ru_decided", (s, day, status, codes[0] if codes else UNKNOWN, stage)
            for code in dict.fromkeys(codes):
                yield "ru_reasons", (s, day, status, code)

@dataclass(frozen=True)
class Group:
    """What a buying group amounts to (one row in ru_groups_state); bots never form one."""

    grp: str
    hour: int | None = None
    roles: frozenset[str] = field(default_factory=frozenset)
    verdict: str | None = None
    cfo: bool = False
    security: bool = False

    def fold(self, row: Mapping[str, Any]) -> Group:
        kind, props = row["kind"], props_of(row)
        roles = set(self.roles)
        if kind == "guide_viewed":
            roles.add(row["subject"])
        elif kind == "guide_shared" and isinstance(props.get("from_role"), str):
            roles.add(props["from_role"])
        verdict = self.verdict
        if kind == "diagnostic_completed" and row.get("verdict") in VERDICT_RANK and \
                VERDICT_RANK[row["verdict"]] > VERDICT_RANK.get(verdict or "", 0):
            verdict = row["verdict"]
        return replace(
            self, hour=_min(self.hour, row["hour"]),
            roles=frozenset(sorted(roles)[:MAX_ROLES]), verdict=verdict,
            cfo=self.cfo or (kind == "guide_viewed" and row["subject"] in CFO_ROLES),
            security=self.security or kind == "security_review_requested")

    def cells(self) -> Iterator[tuple[str, tuple[Any, ...]]]:
        if self.hour is None:
            return
        yield "ru_groups", (self.hour // HOURS_PER_DAY, len(self.roles), self.verdict or "none",
                            int(self.cfo), int(self.security))


def org_cell(row: Mapping[str, Any]) -> tuple[str, tuple[Any, ...]] | None:
    """A company_given event counts its journey once for that company's hash on that day."""
    if row["kind"] != "company_given" or not row.get("org") or row.get("filtered"):
        return None
    return "ru_orgs", (row["org"], row["hour"] // HOURS_PER_DAY)

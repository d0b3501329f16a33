"""The one scoring function: answers plus the diagnostic's rules give an honest verdict.

Pure: no Flask, no I/O. Pages, the API and the tests all call `check_answers` then `score`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext

from buyerkit.content.branching import asked
from buyerkit.content.schema.diagnostic import Diagnostic, Question

Answers = dict[str, tuple[str, ...]]
TRIGGER_ORDER = ("authority_shift", "mandate", "personal_drive")
MAX_VALUE_LEN = 64


@dataclass(frozen=True)
class FieldError:
    """One invalid answer: which question, and why (a sentence shown next to the field)."""

    field: str
    message: str


@dataclass(frozen=True)
class Reason:
    code: str
    text: str


@dataclass(frozen=True)
class Result:
    """A verdict with the reasons that decided it, and the coarse facts a signal may keep."""

    verdict: str
    reasons: tuple[Reason, ...]
    bucket: str | None
    trigger: str
    problem_points: int
    profile_points: int
    bands: Mapping[str, str] = field(default_factory=dict)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.reasons)


def _check_one(q: Question, value: Any) -> tuple[tuple[str, ...], str | None]:
    """Normalise one raw answer to a tuple of option values, or say what is wrong with it."""
    if value is None or value == "" or value == []:
        values: tuple[str, ...] = ()
    elif isinstance(value, str):
        values = (value,)
    elif isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        values = tuple(value)
    else:
        return (), gettext("Answer with an option value or a list of option values.")
    if not values:
        if q.required:
            return (), gettext("Choose one answer.") if q.kind == "single" \
                else gettext("Choose at least one answer.")
        return (), None
    if q.kind == "single" and len(values) > 1:
        return (), gettext("Choose only one answer.")
    known = {o.value: o for o in q.options}
    for v in values:
        if v not in known:
            shown = v if len(v) <= MAX_VALUE_LEN else v[:MAX_VALUE_LEN] + "…"
            return (), gettext("'%(value)s' is not one of the answers.", value=shown)
    if len(set(values)) != len(values):
        return (), gettext("Choose each answer once.")
    if len(values) > 1:
        for v in values:
            if known[v].exclusive:
                return (), gettext("'%(label)s' cannot be combined with other answers.",
                                   label=known[v].label)
    order = [o.value for o in q.options]
    return tuple(sorted(values, key=order.index)), None


def check_answers(d: Diagnostic, raw: Mapping[str, Any],
                  only: set[str] | None = None) -> tuple[Answers, list[FieldError]]:
    """Validate raw answers (strings or lists) against the diagnostic's questions.

    `only` limits the check to some question ids (one step of a form); unknown ids are errors.
    Which questions are asked follows from all of `raw` (content/branching.py): a hidden
    question is never required, and an answer to one is refused.
    """
    answers: Answers = {}
    errors: list[FieldError] = []
    questions = {q.id: q for q in d.questions()}
    for key in raw:
        if key not in questions:
            shown = key if len(key) <= MAX_VALUE_LEN else key[:MAX_VALUE_LEN] + "…"
            errors.append(FieldError(shown, f"Unknown question '{shown}'."))
    given = {qid: _check_one(q, raw[qid])[0] for qid, q in questions.items() if qid in raw}
    shown = asked(d, given)
    for qid, q in questions.items():
        if only is not None and qid not in only:
            continue
        if qid not in shown:
            if raw.get(qid) not in (None, "", [], ()):
                errors.append(FieldError(qid, f"Question '{qid}' is not asked after the "
                                              "earlier answers, so it cannot be answered."))
            continue
        values, err = _check_one(q, raw.get(qid))
        if err:
            errors.append(FieldError(qid, err))
        elif values:
            answers[qid] = values
    return answers, errors


def score(d: Diagnostic, answers: Answers) -> Result:
    """Score validated answers: disqualifiers first, then problem and profile, then urgency."""
    reasons = d.scoring.reasons
    points = {"problem": 0, "profile": 0}
    misses: dict[str, list[str]] = {"problem": [], "profile": [], "urgency": []}
    bucket_points: dict[str, int] = {}
    triggers: list[str] = []
    disqualifiers: list[str] = []
    bands: dict[str, str] = {}
    shown = asked(d, answers)
    for q in d.questions():
        if q.id not in shown:
            continue  # skipped: neither asked nor scored
        chosen = [o for o in q.options if o.value in answers.get(q.id, ())]
        if q.records and chosen:
            bands[q.records] = ",".join(o.value for o in chosen)
        for o in chosen:
            if o.disqualifies and o.disqualifies not in disqualifiers:
                disqualifiers.append(o.disqualifies)
            if q.scores in points:
                points[q.scores] += o.points
            if o.bucket:
                bucket_points[o.bucket] = bucket_points.get(o.bucket, 0) + max(o.points, 0)
            if o.trigger and o.trigger != "none":
                triggers.append(o.trigger)
            if o.reason and q.scores in misses and o.reason not in misses[q.scores]:
                misses[q.scores].append(o.reason)
    bucket = max(bucket_points, key=bucket_points.__getitem__) if bucket_points else None
    trigger = min(triggers, key=TRIGGER_ORDER.index) if triggers else "none"
    t = d.scoring.thresholds

    def result(verdict: str, codes: list[str]) -> Result:
        return Result(verdict, tuple(Reason(c, reasons[c]) for c in codes), bucket, trigger,
                      points["problem"], points["profile"], bands)

    if disqualifiers:
        return result("not_a_fit", disqualifiers)
    failed: list[str] = []
    if points["problem"] < t.problem:
        failed += misses["problem"] or ["problem_misses"]
    if points["profile"] < t.profile:
        failed += misses["profile"] or ["profile_misses"]
    if failed:
        return result("not_a_fit", failed)
    if trigger == "none":
        return result("not_now", [*(misses["urgency"] or ["no_trigger"]),
                                  "problem_fits", "profile_fits"])
    return result("fit", ["problem_fits", f"trigger_{trigger}", "profile_fits"])

"""The verdict table of a diagnostic, for marketing and sales to read and sign off.

For each verdict and each reason: the smallest answer sets that lead to it (drop any one
answer and something else can happen); per dimension its threshold and lowest and highest
score; per answer its effect. Built on the exact analysis (content/analysis.py), shown as
text, Markdown or JSON by `buyerkit explain`, and as a page under `buyerkit serve`'s preview.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass

from buyerkit.content.analysis import (
    DIMENSIONS,
    NO_TRIGGER,
    RANK,
    VERDICTS,
    Analysis,
    Answers,
    PathAnalysis,
    Scenario,
    _clean,
    pick,
    rank,
)
from buyerkit.content.paths import MAX_PATHS, Path
from buyerkit.content.schema.diagnostic import Diagnostic, Option, Question
from buyerkit.errors import BuyerkitError

VERDICT_NAMES = {"fit": "Fit", "not_now": "Not now", "not_a_fit": "Not a fit"}


@dataclass(frozen=True)
class Way:
    """One smallest answer set: these answers always lead there (given no disqualifier)."""

    answers: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class Row:
    """A verdict or a reason, and the smallest answer sets that lead to it."""

    code: str
    name: str
    verdicts: tuple[str, ...]
    ways: tuple[Way, ...]


@dataclass(frozen=True)
class Effect:
    """What choosing one answer does."""

    question: str
    value: str
    label: str
    dimension: str
    points: int
    effect: str
    low: int | None
    high: int | None
    verdicts: tuple[str, ...]
    in_profile: bool | None


@dataclass(frozen=True)
class DimensionRow:
    name: str
    threshold: int
    low: int
    high: int
    reachable: tuple[int, ...]


@dataclass(frozen=True)
class Asked:
    """When a conditional question is asked: every listed condition holds (a step's, then the
    question's own), or never, when no answer set leads to it."""

    question: str
    when: tuple[dict[str, tuple[str, ...]], ...]
    never: bool


@dataclass(frozen=True)
class Table:
    """The whole verdict table of one diagnostic."""

    diagnostic: str
    title: str
    dimensions: tuple[DimensionRow, ...]
    disqualifiers: dict[str, tuple[str, ...]]
    verdicts: tuple[Row, ...]
    reasons: tuple[Row, ...]
    answers: tuple[Effect, ...]
    asked: tuple[Asked, ...] = ()


def _options(a: PathAnalysis, fixed: Mapping[str, tuple[str, ...]], q: Question
             ) -> list[Option]:
    return [o for o in q.options if o.value in fixed[q.id]]


def _forced(a: PathAnalysis, scenario: Scenario, fixed: Mapping[str, tuple[str, ...]]) -> bool:
    """Whether every completion of `fixed` on this path without a disqualifier meets the
    scenario (a question the path does not ask is not answered, and scores nothing)."""
    for dim, (need, code) in zip(DIMENSIONS, scenario[:2], strict=True):
        if need == "any":
            continue
        qs = [q for q in a.questions if q.scores == dim]
        low = high = 0
        reasons: set[str | None] = set()
        for q in qs:
            if q.id in fixed:
                chosen = _options(a, fixed, q)
                low += sum(o.points for o in chosen)
                high += sum(o.points for o in chosen)
                reasons |= {o.reason for o in chosen if o.reason}
            else:
                must = a.base.get(q.id, frozenset())
                lo, hi = pick(q, _clean, must, sign=-1), pick(q, _clean, must, sign=1)
                if lo is None or hi is None:
                    return False
                low, high = low + lo[0], high + hi[0]
                if need == "plain" and any(o.reason for o in q.options if _clean(o)):
                    return False
        t = a.thresholds[dim]
        if need == "pass" and low < t or need != "pass" and high >= t:
            return False
        if need == "fail" and code is not None and code not in reasons:
            return False
        if need == "plain" and reasons:
            return False
    need, code = scenario[2]
    if need == "any":
        return True
    urgent = [q for q in a.questions if q.scores == "urgency"]
    fixed_opts = [o for q in urgent if q.id in fixed for o in _options(a, fixed, q)]
    fixed_opts += [o for q in urgent if q.id not in fixed for o in q.options
                   if o.value in a.base.get(q.id, ())]  # a path's must-include answers
    free = [o for q in urgent if q.id not in fixed for o in q.options if _clean(o)]
    best = min((rank(o) for o in fixed_opts), default=NO_TRIGGER)
    for q in urgent:  # an unfixed question that cannot be left blank: its weakest answer
        if q.id not in fixed and (q.required or a.base.get(q.id)):
            best = min(best, max((rank(o) for o in q.options if _clean(o)),
                                 default=NO_TRIGGER))
    if need == "real":
        return best < NO_TRIGGER
    if need == "best":
        return best == RANK.get(code or "", -1) and all(rank(o) >= best for o in free)
    if best < NO_TRIGGER or any(rank(o) < NO_TRIGGER for o in free):
        return False
    if need == "none" and code is not None:
        return any(o.reason == code for o in fixed_opts)
    if need == "plain":
        return not any(o.reason for o in fixed_opts) and not any(o.reason for o in free)
    return True


def _certain(a: Analysis, scenario: Scenario, fixed: Mapping[str, tuple[str, ...]]) -> bool:
    """Whether every answer set with these answers (() is no answer) and no disqualifier
    meets the scenario, on every path on which they can be given (and there is one)."""
    on = [pa for pa in a.on(fixed)  # a path whose every completion disqualifies: none count
          if all(pick(q, _clean, pa.base.get(q.id, frozenset())) is not None
                 for q in pa.questions if q.id not in fixed)]
    return bool(on) and all(_forced(pa, scenario, fixed) for pa in on)


def smallest(a: Analysis, scenario: Scenario | None, witness: Answers,
             pa: PathAnalysis | None = None) -> Answers:
    """Drop answers from a witness while the outcome stays certain: an inclusion-minimal set
    (answers with the fewest points are tried first, so sums keep their strongest parts).
    The answers conditions look at start in it too, so that it starts on the witness's own
    path, and so do questions left blank (()), since leaving one blank is an answer too."""
    if scenario is None:  # a disqualifier: that one answer decides
        q, o = next((q, o) for q in a.questions for o in q.options
                    if o.disqualifies and o.value in witness.get(q.id, ()))
        return {q.id: (o.value,)}
    dims = {"problem": scenario[0][0], "profile": scenario[1][0], "urgency": scenario[2][0]}
    fixed = {q.id: witness[q.id] for q in a.questions
             if dims.get(q.scores, "any") != "any" and q.id in witness}
    if pa is not None:  # the path the witness was found on; a blank answer is one too
        fixed |= {qid: witness.get(qid, ()) for qid in a.lists if pa.path.visible(qid)}
        fixed |= {q.id: () for q in pa.questions
                  if dims.get(q.scores, "any") != "any" and q.id not in witness}

    def weight(qid: str) -> tuple[int, int]:
        q = a.by_id[qid]
        return abs(sum(o.points for o in q.options if o.value in fixed[qid])), \
            -a.questions.index(q)
    for qid in sorted(fixed, key=weight):
        trial = {k: v for k, v in fixed.items() if k != qid}
        if _certain(a, scenario, trial):
            fixed = trial
    return a.ordered(dict(fixed))


def _row(a: Analysis, code: str, name: str) -> Row:
    from buyerkit.content.scoring import score

    ways, verdicts, done = [], [], set()
    order = list(PathAnalysis(a.d, Path(tuple(a.questions))).scenarios(code))
    found = sorted(a.find_on(code), key=lambda x: order.index(x[1]) if x[1] in order
                   else len(order))  # scenario by scenario, as without branching
    for pa, scenario, w in found:
        verdicts.append(score(a.d, w).verdict)
        if scenario is not None and scenario in done:
            continue  # one way per scenario: the first path's (the table stays readable)
        done.add(scenario)
        small = smallest(a, scenario, w, pa)
        if Way(small) not in ways:
            ways.append(Way(small))
    if code in ("problem_fits", "profile_fits"):  # with either verdict that passes both
        verdicts = [v for v in ("fit", "not_now") if a.witness(v) is not None]
    return Row(code, name, tuple(v for v in VERDICTS if v in verdicts), tuple(ways))


def _effect(a: Analysis, q: Question, o: Option, profile: Mapping[str, tuple[str, ...]]
            ) -> Effect:
    forced = {q.id: frozenset({o.value})}
    parts = []
    if o.disqualifies:
        parts.append(f"decides 'not a fit' ({o.disqualifies})")
    if q.scores in DIMENSIONS and not o.disqualifies:
        parts.append(f"{q.scores} {o.points:+d}")
    if o.trigger and o.trigger != "none":
        parts.append(f"trigger {o.trigger}")
    elif q.scores == "urgency":
        parts.append("no trigger")
    if o.reason:
        parts.append(f"reason {o.reason}")
    low = high = None
    if q.scores in DIMENSIONS and not o.disqualifies:
        lo, hi = a.extreme(q.scores, forced, -1), a.extreme(q.scores, forced, 1)
        low, high = (lo[0] if lo else None), (hi[0] if hi else None)
    reach = tuple(v for v in VERDICTS if a.witness(v, forced) is not None)
    inside = (o.value in profile[q.id]) if q.id in profile else None
    return Effect(q.id, o.value, o.label, q.scores, o.points, ", ".join(parts) or "none",
                  low, high, reach, inside)


def explain(d: Diagnostic, profile: Mapping[str, tuple[str, ...]] | None = None) -> Table:
    """The verdict table of d; `profile` marks the answers inside the target profile."""
    a, profile = Analysis(d), profile or {}
    if a.skipped:
        raise BuyerkitError(f"diagnostic '{d.slug}' has more than {MAX_PATHS} paths through "
                            "its conditions, too many to analyse; `buyerkit check` says where")
    dims = tuple(DimensionRow(x.name, x.threshold, x.low, x.high, x.reachable)
                 for x in (a.dimension(n) for n in DIMENSIONS))
    disq: dict[str, tuple[str, ...]] = {}
    for q, o in a.disqualifiers():
        disq[q.id] = (*disq.get(q.id, ()), o.value)
    verdicts = tuple(_row(a, v, getattr(d.outcomes, v).title) for v in VERDICTS)
    labels = getattr(d.scoring, "labels", {}) or {}
    reasons = tuple(_row(a, code, labels.get(code) or text.split(". ")[0].rstrip("."))
                    for code, text in d.scoring.reasons.items())
    effects = tuple(_effect(a, q, o, profile) for q in a.questions for o in q.options
                    if q.scores != "none" or o.disqualifies or q.id in profile)
    asked = tuple(Asked(q.id, tuple(dict(c) for c in (step.show_if, q.show_if) if c),
                        not a.asked(q.id))
                  for step in d.steps for q in step.questions
                  if step.show_if is not None or q.show_if is not None)
    return Table(d.slug, d.title, dims, disq, verdicts, reasons, effects, asked)


def as_json(t: Table) -> str:
    return json.dumps(asdict(t), indent=2, ensure_ascii=False)


def _said(d: Diagnostic, answers: Mapping[str, tuple[str, ...]], join: str = " + ") -> str:
    """Answers as a person reads them: `size = "Fewer than 50"`."""
    parts = []
    for qid, values in answers.items():
        q = d.question(qid)
        labels = [next(o.label for o in q.options if o.value == v) for v in values] if q \
            else list(values)
        parts.append(f"{qid} = " + (join.join(f'"{x}"' for x in labels) or "(left blank)"))
    return "; ".join(parts)


def _when(d: Diagnostic, a: Asked) -> str:
    """`symptom = "A" or "B"`: when a question is asked, as a person reads it."""
    if a.never:
        return "never (no answer set leads to it; `buyerkit check` says why)"
    return "; ".join(_said(d, c, " or ") for c in a.when)


def _verdicts(vs: tuple[str, ...]) -> str:
    return ", ".join(VERDICT_NAMES[v] for v in vs) or "nothing"


def _range(e: Effect) -> str:
    return "" if e.low is None else f"{e.dimension} {e.low} to {e.high}"


def _profile(e: Effect) -> str:
    return {True: "inside", False: "outside", None: ""}[e.in_profile]


def _lines(d: Diagnostic, t: Table) -> list[tuple[str, list[str]]]:
    """The table's sections as (heading, lines) shared by the text and Markdown forms."""
    dims = [f"{x.name}: threshold {x.threshold}, scores {x.low} to {x.high}"
            for x in t.dimensions]
    disq = _said(d, t.disqualifiers) or "none"
    rows = []
    for title, group in (("Verdicts", t.verdicts), ("Reasons", t.reasons)):
        lines = []
        for r in group:
            head = f"{r.code}: {r.name}" if title == "Reasons" else \
                f"{VERDICT_NAMES[r.code]}: {r.name}"
            where = f" (shown with: {_verdicts(r.verdicts)})" if title == "Reasons" else ""
            lines.append(head + where)
            lines += [f"  - {_said(d, w.answers)}" for w in r.ways] or ["  - never"]
        rows.append((title, lines))
    asked = [("Asked only when (a skipped question is not scored)",
              [f"{x.question}: {_when(d, x)}" for x in t.asked])] if t.asked else []
    return [("Scores (a dimension passes when its sum reaches its threshold)", dims),
            ("Disqualifiers: 'not a fit' whatever else is answered; every other row assumes "
             "none of them", [disq]), *asked, *rows]


def as_text(d: Diagnostic, t: Table) -> str:
    """The table for a terminal: sections, then one line per answer."""
    out = [f"{t.diagnostic}: {t.title}", ""]
    for heading, lines in _lines(d, t):
        out += [heading, *(f"  {x}" for x in lines), ""]
    out.append("Answers: effect; score range with it; verdicts it can still lead to; profile")
    for e in t.answers:
        cells = [f"{e.question}={e.value}", e.effect, _range(e),
                 "can lead to " + _verdicts(e.verdicts), _profile(e)]
        out.append("  " + "; ".join(c for c in cells if c))
    return "\n".join(out) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def as_markdown(d: Diagnostic, t: Table) -> str:
    """The table as Markdown, for a sign-off document or the docs."""
    out = [f"## {t.diagnostic}: {_md(t.title)}", ""]
    out += ["| dimension | threshold | lowest | highest |", "| --- | --- | --- | --- |"]
    out += [f"| {x.name} | {x.threshold} | {x.low} | {x.high} |" for x in t.dimensions]
    out += ["", f"Disqualifiers ('not a fit' whatever else is answered; every other row "
            f"assumes none of them): {_md(_said(d, t.disqualifiers) or 'none')}", ""]
    if t.asked:
        out += ["| question | asked only when (a skipped question is not scored) |",
                "| --- | --- |"]
        out += [f"| `{x.question}` | {_md(_when(d, x))} |" for x in t.asked]
        out.append("")
    for title, group in (("verdict", t.verdicts), ("reason", t.reasons)):
        out += [f"| {title} | shown with | smallest answer sets that lead to it |",
                "| --- | --- | --- |"]
        for r in group:
            ways = "<br>".join(_md(_said(d, w.answers)) for w in r.ways) or "never"
            name = f"`{r.code}`: {_md(r.name)}" if title == "reason" else \
                f"{VERDICT_NAMES[r.code]}: {_md(r.name)}"
            out.append(f"| {name} | {_verdicts(r.verdicts)} | {ways} |")
        out.append("")
    out += ["| answer | effect | score with it | can lead to | profile |",
            "| --- | --- | --- | --- | --- |"]
    out += [f"| `{e.question}={e.value}` | {_md(e.effect)} | {_range(e)} | "
            f"{_verdicts(e.verdicts)} | {_profile(e)} |" for e in t.answers]
    return "\n".join(out) + "\n"

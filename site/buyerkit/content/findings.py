"""The warnings `buyerkit check` gives about a diagnostic's scoring rules, each with its proof.

Every warning comes from the exact analysis (content/analysis.py) and carries a complete
answer set as its counter-example, so an author can try it on the page and see it happen.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from buyerkit.content import detours
from buyerkit.content.analysis import DIMENSIONS, VERDICTS, Analysis, Answers, Loc, rank
from buyerkit.content.paths import MAX_PATHS
from buyerkit.content.schema.diagnostic import REQUIRED_REASONS, Diagnostic
from buyerkit.content.scoring import score

# Each kind of warning, with what it means (docs/diagnostics.md lists them from here).
KINDS = {
    "reason-cannot-decide": "an answer carries a reason, yet its dimension can still pass "
                            "with it chosen, so the reason is never the one shown",
    "outside-profile-reaches-fit": "an answer outside the target profile declared in "
                                   "site.yaml can still reach the verdict 'fit'",
    "unreachable-verdict": "no answer set leads to this verdict",
    "unreachable-reason": "no answer set shows this reason",
    "unreachable-alternative": "an alternative is offered for a reason that never leads to "
                               "'not a fit', so it is never shown for it",
    "threshold-never-decides": "every answer set meets this threshold",
    "threshold-never-met": "no answer set meets this threshold",
    **detours.KINDS,
}


@dataclass(frozen=True)
class Finding:
    """One warning, located in the diagnostic file, with a counter-example of answers."""

    kind: str
    loc: Loc
    message: str
    answers: Answers | None = None
    key: bool = False


def show(answers: Answers) -> str:
    """Answers as `question=value` pairs, the way a counter-example is printed."""
    return ", ".join(f"{q}={'+'.join(v)}" for q, v in answers.items())


def _sum(a: Analysis, answers: Answers, dim: str, first: tuple[str, str]) -> str:
    """`billing=annual + crm=salesforce: 0 + 2 + 1 = 3` with the forced answer's points first."""
    names, points = [], []
    for q in a.questions:
        if q.scores != dim:
            continue
        for o in q.options:
            if o.value in answers.get(q.id, ()):
                if (q.id, o.value) == first:
                    points.insert(0, o.points)
                else:
                    names.append(f"{q.id}={o.value}")
                    points.append(o.points)
    head = " + ".join(names) or "no other answer"
    return f"{head}: {' + '.join(map(str, points))} = {sum(points)}"


def _thresholds(a: Analysis) -> list[Finding]:
    out = []
    for dim in DIMENSIONS:
        dm, scored = a.dimension(dim), any(q.scores == dim for q in a.questions)
        loc: Loc = ("scoring", "thresholds", dim)
        if dm.never:
            high = a.extreme(dim, {}, 1)
            terms = a.terms(high[1], dim) if high else ""
            how = f" ({terms})" if terms and not terms.startswith("no answers") else ""
            out.append(Finding("threshold-never-met", loc,
                               f"no answer set meets the {dim} threshold {dm.threshold}: the "
                               f"highest {dim} score is {dm.high}{how}", high and high[1]))
        elif dm.always and scored:
            low = a.extreme(dim, {}, -1)
            out.append(Finding("threshold-never-decides", loc,
                               f"every answer set meets the {dim} threshold {dm.threshold}, so "
                               f"it never decides: the lowest {dim} score is {dm.low}",
                               low and low[1]))
    return out


def _reasons(a: Analysis) -> list[Finding]:
    """Answers whose reason cannot decide: their dimension (or urgency) can still pass."""
    out = []
    for si, step in enumerate(a.d.steps):
        for qi, q in enumerate(step.questions):
            for oi, o in enumerate(q.options):
                if not o.reason or o.disqualifies:
                    continue
                loc: Loc = ("steps", si, "questions", qi, "options", oi, "reason")
                forced = {q.id: frozenset({o.value})}
                name = f"{q.id}={o.value}"
                if q.scores not in ("problem", "profile", "urgency"):
                    out.append(Finding("reason-cannot-decide", loc,
                                       f"{name} carries reason '{o.reason}', but question "
                                       f"'{q.id}' scores nothing, so the reason is never shown"))
                    continue
                fit = a.witness("fit", forced)
                if q.scores == "urgency":
                    if fit is not None:
                        trigger = min((o2 for qq in a.questions if qq.scores == "urgency"
                                       for o2 in qq.options if o2.value in fit.get(qq.id, ())),
                                      key=rank).trigger
                        out.append(Finding("reason-cannot-decide", loc,
                                           f"{name} still reaches fit with trigger {trigger} "
                                           f"({show(fit)}), so its reason '{o.reason}' never "
                                           "shows then", fit))
                    continue
                t = a.thresholds[q.scores]
                if fit is not None:
                    out.append(Finding("reason-cannot-decide", loc,
                                       f"{name} still reaches fit with "
                                       f"{_sum(a, fit, q.scores, (q.id, o.value))} ≥ "
                                       f"{q.scores} threshold {t}", fit))
                    continue
                high = a.extreme(q.scores, forced, 1)
                if high is not None and high[0] >= t:
                    out.append(Finding("reason-cannot-decide", loc,
                                       f"{name} still passes the {q.scores} threshold with "
                                       f"{_sum(a, high[1], q.scores, (q.id, o.value))} ≥ "
                                       f"{q.scores} threshold {t}, so its reason "
                                       f"'{o.reason}' never shows then", high[1]))
    return out


def _profile(a: Analysis, profile: Mapping[str, tuple[str, ...]]) -> list[Finding]:
    """Answers outside the declared target profile that can still reach fit."""
    out = []
    for si, step in enumerate(a.d.steps):
        for qi, q in enumerate(step.questions):
            if q.id not in profile:
                continue
            for oi, o in enumerate(q.options):
                if o.value in profile[q.id]:
                    continue
                fit = a.witness("fit", {q.id: frozenset({o.value})})
                if fit is None:
                    continue
                how = f"; profile {a.terms(fit, 'profile')} ≥ threshold " \
                      f"{a.thresholds['profile']}" if q.scores == "profile" else ""
                out.append(Finding(
                    "outside-profile-reaches-fit", ("steps", si, "questions", qi, "options", oi),
                    f"{q.id}={o.value} is outside the target profile (site.yaml) but reaches "
                    f"fit with {show(fit)}{how}", fit))
    return out


def _reachability(a: Analysis) -> list[Finding]:
    out = []
    for v in VERDICTS:
        if a.witness(v) is None:
            out.append(Finding("unreachable-verdict", ("outcomes", v),
                               f"no answer set leads to the verdict '{v}'"))
    for code in a.d.scoring.reasons:
        if code not in REQUIRED_REASONS and a.witness(code) is None:
            out.append(Finding("unreachable-reason", ("scoring", "reasons", code),
                               f"no answer set shows the reason '{code}'", key=True))
    for ai, alt in enumerate(a.d.outcomes.not_a_fit.alternatives):
        for ri, code in enumerate(alt.for_reasons):
            shown = any(score(a.d, w).verdict == "not_a_fit" for _, w in a.find(code))
            if not shown:
                out.append(Finding(
                    "unreachable-alternative",
                    ("outcomes", "not_a_fit", "alternatives", ai, "for_reasons", ri),
                    f"alternative '{alt.name}' is for reason '{code}', which never leads to "
                    "'not a fit'"))
    return out


def findings(d: Diagnostic, profile: Mapping[str, tuple[str, ...]] | None = None,
             analysis: Analysis | None = None) -> list[Finding]:
    """Every warning about d's scoring rules; `profile` maps question ids to the answers
    inside the target profile (site.yaml's target_profile.answers for this diagnostic)."""
    a = analysis or Analysis(d)
    if a.skipped:  # too many paths: say so where the conditions are, claim nothing else
        loc = next(detours.conditions(d))[0]
        return [Finding("analysis-skipped", loc, "the conditions split the answer sets into "
                        f"more than {MAX_PATHS} paths, so the verdict analysis was skipped for "
                        "this diagnostic: none of its verdicts, reasons or thresholds are "
                        "checked", key=True)]
    branched = [Finding(kind, loc, message, key=True)
                for kind, loc, message in detours.never_asked(a)]
    hidden = detours.hidden_goals(a)
    branched += [Finding(kind, loc, message, example, key=True)
                 for kind, loc, message, example, _ in hidden]
    covered = {goal for *_, goal in hidden}  # one line per mistake: at the condition
    reasons = _reasons(a)
    outside = _profile(a, profile or {})
    # One line per mistake: an answer outside the profile whose own reason cannot decide is
    # reported once, at its reason, saying both.
    both = {f.loc[:-1] for f in reasons} & {f.loc for f in outside}
    reasons = [replace(f, message=f"{f.message} (and it is outside the target profile)")
               if f.loc[:-1] in both else f for f in reasons]
    outside = [f for f in outside if f.loc not in both]
    reach = [f for f in _reachability(a) if f.kind not in ("unreachable-verdict",
             "unreachable-reason") or f.loc[-1] not in covered]
    return [*_thresholds(a), *reach, *reasons, *outside, *branched]

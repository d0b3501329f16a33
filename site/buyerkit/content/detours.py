"""Warnings about a diagnostic's conditions (`show_if`) that the exact analysis finds: a
question or step no answer set leads to, a condition that hides every path to a verdict or a
reason, and a diagnostic whose conditions split into too many paths to analyse."""

from __future__ import annotations

from collections.abc import Iterator

from buyerkit.content.analysis import VERDICTS, Analysis, Answers, Loc
from buyerkit.content.paths import MAX_PATHS
from buyerkit.content.schema.diagnostic import REQUIRED_REASONS, Condition, Diagnostic

KINDS = {
    "never-asked": "no answer set leads to this question or step: its condition cannot hold "
                   "once the earlier conditions are applied",
    "condition-hides-verdict": "a verdict that the scoring rules allow is reached by no "
                               "answer set, because this condition hides every path to it",
    "condition-hides-reason": "a reason that the scoring rules allow is shown by no answer "
                              "set, because this condition hides every path to it",
    "analysis-skipped": f"the conditions split the answer sets into more than {MAX_PATHS} "
                        "paths, so the verdict analysis was not done",
}


def conditions(d: Diagnostic) -> Iterator[tuple[Loc, int, int | None, Condition]]:
    """Every `show_if` in file order: its location, step index and question index (None for a
    step's own condition)."""
    for si, step in enumerate(d.steps):
        if step.show_if is not None:
            yield ("steps", si, "show_if"), si, None, step.show_if
        for qi, q in enumerate(step.questions):
            if q.show_if is not None:
                yield ("steps", si, "questions", qi, "show_if"), si, qi, q.show_if


def said(condition: Condition) -> str:
    """`symptom is surprise_churn; size is a or b`: a condition as one phrase."""
    return "; ".join(f"{k} is {' or '.join(v)}" for k, v in condition.items())


def without(d: Diagnostic, si: int, qi: int | None) -> Diagnostic:
    """The same diagnostic with one condition removed."""
    steps = list(d.steps)
    step = steps[si]
    if qi is None:
        step = step.model_copy(update={"show_if": None})
    else:
        qs = list(step.questions)
        qs[qi] = qs[qi].model_copy(update={"show_if": None})
        step = step.model_copy(update={"questions": tuple(qs)})
    steps[si] = step
    return d.model_copy(update={"steps": tuple(steps)})


def never_asked(a: Analysis) -> list[tuple[str, Loc, str]]:
    """(kind, location, message) for each question or whole step no answer set leads to."""
    out = []
    for si, step in enumerate(a.d.steps):
        missing = [qi for qi, q in enumerate(step.questions) if not a.asked(q.id)]
        if not missing:
            continue
        if len(missing) == len(step.questions) and step.show_if is not None:
            out.append(("never-asked", ("steps", si, "show_if"),
                        f"step '{step.id}' is never shown: no answer set meets its condition "
                        f"({said(step.show_if)}) once the earlier conditions are applied (an "
                        "answer counts only when its question was asked)"))
            continue
        for qi in missing:
            q = step.questions[qi]
            loc: Loc = ("steps", si, "questions", qi, "show_if") if q.show_if is not None \
                else ("steps", si, "show_if")
            cond = q.show_if if q.show_if is not None else step.show_if
            out.append(("never-asked", loc,
                        f"question '{q.id}' is never asked: no answer set meets its condition "
                        f"({said(cond or {})}) once the earlier conditions are applied (an "
                        "answer counts only when its question was asked)"))
    return out


def _show(answers: Answers) -> str:
    return ", ".join(f"{q}={'+'.join(v)}" for q, v in answers.items())


def hidden_goals(a: Analysis) -> list[tuple[str, Loc, str, Answers, str]]:
    """(kind, location, message, example, goal) for each verdict or reason the conditions
    make unreachable although the scoring rules alone reach it. The example is an answer set
    of the diagnostic without that one condition (it is not possible with it: that is the
    point)."""
    goals = [v for v in VERDICTS if a.witness(v) is None]
    goals += [c for c in a.d.scoring.reasons if c not in REQUIRED_REASONS
              and a.witness(c) is None]
    if not goals or not a.branching:
        return []
    plain = Analysis(a.d, branching=False)
    conds = list(conditions(a.d))
    goals = [g for g in goals if plain.witness(g) is not None]  # else the scoring rules' fault
    lifted = [Analysis(without(a.d, si, qi)) for _, si, qi, _ in conds] if goals else []
    out = []
    for goal in goals:
        kind, noun = ("condition-hides-verdict", "the verdict") if goal in VERDICTS \
            else ("condition-hides-reason", "the reason")
        blamed = []
        for (loc, _, _, cond), other in zip(conds, lifted, strict=True):
            example = other.witness(goal)
            if example is not None:
                blamed.append((loc, cond, example))
        for loc, cond, example in blamed:
            out.append((kind, loc, f"this condition ({said(cond)}) hides every path to "
                                   f"{noun} '{goal}': no answer set leads there, but without "
                                   f"it, the answers {_show(example)} would", example, goal))
        if not blamed:
            loc, _, _, _ = conds[0]
            example = plain.witness(goal) or {}
            out.append((kind, loc, f"the conditions together hide every path to {noun} "
                                   f"'{goal}': no answer set leads there, but if every "
                                   f"question were asked, the answers {_show(example)} "
                                   "would", example, goal))
    return out

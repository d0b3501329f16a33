"""Branching and piping in diagnostics: which questions are asked, and earlier answers quoted.

One definition for every surface: scoring.py (API and pages), the no-JS step pages, the static
page (the same rules are written into its data attributes) and `buyerkit check`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from buyerkit.content.loading import Source
from buyerkit.content.schema.diagnostic import Condition, Diagnostic, Question, Step
from buyerkit.errors import ContentProblem

# `{answer:question_id}` in a question's text or help: the label of the answer chosen there.
PIPE = re.compile(r"\{answer:([^{}\s]*)\}")


def holds(condition: Condition | None, answers: Mapping[str, tuple[str, ...]]) -> bool:
    """A `show_if` holds when every named question's answer is one of its listed values."""
    return condition is None or all(set(answers.get(qid, ())) & set(values)
                                    for qid, values in condition.items())


def asked(d: Diagnostic, answers: Mapping[str, tuple[str, ...]]) -> set[str]:
    """The ids of the questions these answers lead to (a hidden question's answer counts for
    nothing, so a condition on it fails too)."""
    shown: set[str] = set()
    seen: dict[str, tuple[str, ...]] = {}
    for step in d.steps:
        step_on = holds(step.show_if, seen)
        for q in step.questions:
            if step_on and holds(q.show_if, seen):
                shown.add(q.id)
                if q.id in answers:
                    seen[q.id] = answers[q.id]
    return shown


def steps_asked(d: Diagnostic, answers: Mapping[str, tuple[str, ...]]) -> list[int]:
    """Indexes of the steps with at least one question asked: the steps progress counts."""
    shown = asked(d, answers)
    return [i for i, s in enumerate(d.steps) if any(q.id in shown for q in s.questions)]


def planned(d: Diagnostic, answers: Mapping[str, tuple[str, ...]], index: int) -> list[int]:
    """The steps progress shows on step `index`: those asked so far, this one, and each later
    one that answers from this step on could still open (its condition is not decided yet)."""
    where = _where(d)
    known = {k: v for k, v in answers.items() if k in where and where[k][0] < index}
    decided = set(asked(d, known)) | {q.id for q in d.questions() if where[q.id][0] < index}

    def could(condition: Condition | None) -> bool:
        return condition is None or all(
            where[k][0] >= index or (k in decided and set(known.get(k, ())) & set(v))
            for k, v in condition.items())

    done = set(steps_asked(d, known))
    return [i for i, step in enumerate(d.steps)
            if (i < index and i in done) or i == index
            or (i > index and could(step.show_if)
                and any(could(q.show_if) for q in step.questions))]


def pipe(text: str, d: Diagnostic, answers: Mapping[str, tuple[str, ...]],
         unanswered: str = "(not answered)") -> str:
    """Text with each `{answer:id}` replaced by the label(s) of the answer given there, or by
    `unanswered` (the page passes it in its own language: content knows no catalogs)."""
    def label(m: re.Match[str]) -> str:
        q = d.question(m.group(1))
        chosen = [o.label for o in q.options if o.value in answers.get(q.id, ())] if q else []
        return ", ".join(chosen) or unanswered
    return PIPE.sub(label, text)


def _where(d: Diagnostic) -> dict[str, tuple[int, int]]:
    return {q.id: (si, qi) for si, s in enumerate(d.steps) for qi, q in enumerate(s.questions)}


def _check_condition(src: Source, d: Diagnostic, loc: tuple, condition: Condition, si: int,
                     qid: str | None, problems: list[ContentProblem]) -> None:
    where = _where(d)
    for key, values in condition.items():
        kloc = (*loc, "show_if", key)
        target = d.question(key)
        if target is None:
            problems.append(src.problem(kloc, f"show_if: unknown question '{key}'"))
            continue
        if key == qid:
            problems.append(src.problem(kloc, f"show_if: question '{key}' depends on itself"))
            continue
        if where[key][0] >= si:
            problems.append(src.problem(
                kloc, f"show_if: question '{key}' is not on an earlier step; a condition can "
                      "only use answers from earlier steps"))
            continue
        known = {o.value for o in target.options}
        for vi, v in enumerate(values):
            if v not in known:
                problems.append(src.problem((*kloc, vi),
                                            f"show_if: '{v}' is not an answer of '{key}'"))


def _check_pipes(src: Source, d: Diagnostic, loc: tuple, q: Question, si: int,
                 problems: list[ContentProblem]) -> None:
    where = _where(d)
    for attr in ("text", "help"):
        for m in PIPE.finditer(getattr(q, attr) or ""):
            ref = m.group(1)
            if ref not in where:
                problems.append(src.problem((*loc, attr),
                                            f"{{answer:{ref}}}: unknown question '{ref}'"))
            elif where[ref][0] >= si:
                problems.append(src.problem(
                    (*loc, attr), f"{{answer:{ref}}}: question '{ref}' is not on an earlier "
                                  "step, so its answer is not known yet"))


def check_branching(src: Source, d: Diagnostic, problems: list[ContentProblem]) -> None:
    """Located errors for conditions and quoted answers that cannot work."""
    for si, step in enumerate(d.steps):
        step_loc: tuple = ("steps", si)
        if step.show_if is not None:
            _check_condition(src, d, step_loc, step.show_if, si, None, problems)
        for qi, q in enumerate(step.questions):
            qloc = (*step_loc, "questions", qi)
            if q.show_if is not None:
                _check_condition(src, d, qloc, q.show_if, si, q.id, problems)
            _check_pipes(src, d, qloc, q, si, problems)


def conditional(step: Step) -> bool:
    """Whether a step or any of its questions may be skipped."""
    return step.show_if is not None or any(q.show_if is not None for q in step.questions)

"""The paths through a branching diagnostic: which questions are asked, for each way the
answers that conditions look at can go.

A condition (`show_if`, content/branching.py) only asks whether an earlier answer meets one of
its value lists. So the questions that conditions name (the "controllers", usually few) split
every answer set into a few cases: per controller, which of its value lists the answer meets
(or that it was not asked). Each case is a `Path`: the questions asked there, each controller
narrowed to the answers of that case. Within one path nothing branches, so the exact analysis
of straight-line diagnostics runs on it unchanged, and the paths' results are merged.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field

from buyerkit.content.schema.diagnostic import Condition, Diagnostic, Question
from buyerkit.content.sums import pick

# More paths than this and the analysis is skipped (a located warning says so), never guessed.
MAX_PATHS = 128

Pattern = tuple[bool, ...]


@dataclass(frozen=True)
class Path:
    """One case of the controllers' answers: the questions asked (controllers narrowed to the
    answers of this case) and the answers each multi-choice controller must include."""

    questions: tuple[Question, ...]
    forced: Mapping[str, frozenset[str]] = field(default_factory=dict)
    patterns: Mapping[str, Pattern | None] = field(default_factory=dict)

    def visible(self, qid: str) -> bool:
        return any(q.id == qid for q in self.questions)


def value_lists(d: Diagnostic) -> dict[str, list[frozenset[str]]]:
    """Per controller (a question some condition names), the distinct value lists named."""
    out: dict[str, list[frozenset[str]]] = {}
    for step in d.steps:
        for cond in (step.show_if, *(q.show_if for q in step.questions)):
            for qid, values in (cond or {}).items():
                lists = out.setdefault(qid, [])
                if frozenset(values) not in lists:
                    lists.append(frozenset(values))
    return out


def meets(condition: Condition | None, patterns: Mapping[str, Pattern | None],
          lists: Mapping[str, list[frozenset[str]]]) -> bool:
    """Whether a condition holds in a case (a controller not asked, or not yet, meets none)."""
    if condition is None:
        return True
    for qid, values in condition.items():
        pattern = patterns.get(qid)
        if pattern is None or not pattern[lists[qid].index(frozenset(values))]:
            return False
    return True


def cases(q: Question, lists: list[frozenset[str]]
          ) -> list[tuple[Pattern, Question, frozenset[str]]]:
    """Each way q's answer can meet its value lists: (pattern, q narrowed, answers it must
    include); a multi-choice answer meets a list through one chosen answer in it."""
    out = []
    if q.kind == "single":
        groups: dict[Pattern, list] = {}
        for o in q.options:
            groups.setdefault(tuple(o.value in s for s in lists), []).append(o)
        blank = tuple(False for _ in lists)
        if not q.required:
            groups.setdefault(blank, [])
        for pattern, opts in groups.items():
            narrowed = q.model_copy(update={"options": tuple(opts),
                                            "required": q.required or pattern != blank})
            out.append((pattern, narrowed, frozenset()))
        return out
    for pattern in itertools.product((False, True), repeat=len(lists)):
        banned = set().union(*(s for s, on in zip(lists, pattern, strict=True) if not on))
        opts = tuple(o for o in q.options if o.value not in banned)
        narrowed = q.model_copy(update={"options": opts})
        needs = [s for s, on in zip(lists, pattern, strict=True) if on]
        reps = {frozenset(c) for c in itertools.product(
            *([o.value for o in opts if o.value in s] for s in needs))}
        for must in sorted(reps, key=sorted):
            if pick(narrowed, forced=must) is not None:
                out.append((pattern, narrowed, must))
    return out


def paths(d: Diagnostic, limit: int = MAX_PATHS) -> list[Path] | None:
    """Every case of the controllers' answers, in question order; None beyond `limit`."""
    lists = value_lists(d)
    done: list[tuple[list[Question], dict, dict]] = [([], {}, {})]
    for step in d.steps:
        states = [(qs, forced, patterns, meets(step.show_if, patterns, lists))
                  for qs, forced, patterns in done]
        for q in step.questions:
            nxt = []
            for qs, forced, patterns, step_on in states:
                on = step_on and meets(q.show_if, patterns, lists)
                if q.id not in lists:
                    nxt.append(([*qs, q] if on else qs, forced, patterns, step_on))
                elif not on:
                    nxt.append((qs, forced, {**patterns, q.id: None}, step_on))
                else:
                    for pattern, narrowed, must in cases(q, lists[q.id]):
                        more = {**forced, q.id: must} if must else forced
                        nxt.append(([*qs, narrowed], more, {**patterns, q.id: pattern},
                                    step_on))
                if len(nxt) > limit:
                    return None
            states = nxt
        done = [(qs, forced, patterns) for qs, forced, patterns, _ in states]
    return [Path(tuple(qs), forced, patterns) for qs, forced, patterns in done]


def admits(p: Path, qid: str, values: tuple[str, ...],
           lists: Mapping[str, list[frozenset[str]]]) -> bool:
    """Whether q answered `values` (() for no answer) is possible on path p."""
    q = next((q for q in p.questions if q.id == qid), None)
    if q is None:
        return False
    if qid not in lists:
        return True
    pattern = p.patterns[qid]
    if not values:
        return not q.required and not any(pattern or ())
    return pattern == tuple(bool(set(values) & s) for s in lists[qid]) \
        and all(v in {o.value for o in q.options} for v in values)


def never_asked(d: Diagnostic, found: list[Path]) -> list[str]:
    """The ids of questions no answer set leads to."""
    return [q.id for q in d.questions() if not any(p.visible(q.id) for p in found)]

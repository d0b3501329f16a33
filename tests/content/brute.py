"""Every answer set of a (small) diagnostic, scored one by one: the slow truth the exact
analysis and the verdict table are compared against."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from buyerkit.content.branching import asked
from buyerkit.content.schema.diagnostic import Diagnostic, Question
from buyerkit.content.scoring import Result, score

Answers = dict[str, tuple[str, ...]]


def choices(q: Question) -> list[tuple[str, ...]]:
    """Every legal answer to one question, as the validator accepts it."""
    if q.kind == "single":
        out = [(o.value,) for o in q.options]
    else:
        plain = [o.value for o in q.options if not o.exclusive]
        out = [c for n in range(1, len(plain) + 1) for c in itertools.combinations(plain, n)]
        out += [(o.value,) for o in q.options if o.exclusive]
    return out + ([()] if not q.required else [])


def answer_sets(d: Diagnostic, only_scored: bool = True) -> Iterator[Answers]:
    """Every answer set, each once (questions that score nothing, disqualify nothing and no
    condition names are answered with their first legal answer when only_scored: they cannot
    change a verdict, nor which questions are asked)."""
    qs = d.questions()
    named = {k for s in d.steps for c in (s.show_if, *(q.show_if for q in s.questions))
             for k in (c or {})}
    per = []
    for q in qs:
        matters = q.scores != "none" or any(o.disqualifies for o in q.options) or q.id in named
        per.append(choices(q) if matters or not only_scored else choices(q)[:1])
    seen = set()
    for combo in itertools.product(*per):
        a = {q.id: c for q, c in zip(qs, combo, strict=True) if c}
        shown = asked(d, a)  # an answer to a question the others hide is never given
        a = {k: v for k, v in a.items() if k in shown}
        key = tuple(sorted(a.items()))
        if key not in seen:
            seen.add(key)
            yield a


def scored(d: Diagnostic) -> list[tuple[Answers, Result]]:
    return [(a, score(d, a)) for a in answer_sets(d)]


def points(d: Diagnostic, answers: Answers, dim: str) -> int:
    return sum(o.points for q in d.questions() if q.scores == dim
               for o in q.options if o.value in answers.get(q.id, ()))


def disqualified(d: Diagnostic, answers: Answers) -> bool:
    return any(o.disqualifies for q in d.questions() for o in q.options
               if o.value in answers.get(q.id, ()))

"""Exact analysis of a diagnostic's scoring rules: what each answer can still lead to.

A verdict compares the problem and profile sums with their thresholds and looks at the best
urgency trigger. Without branching, the questions of one dimension add up independently of
every other question, so each question is reduced to its extreme choices and each dimension's
achievable sums are a small dynamic programme over its questions (content/scenarios.py,
content/sums.py): 40 multi-choice questions of 12 options (2^480 answer sets) take
milliseconds. With branching (`show_if`), the answers that conditions look at split the answer
sets into a few paths (content/paths.py), each analysed that way, and the results are merged:
a question is only asked, and only scores, on the paths where its condition holds.

Every "reachable" comes with a complete answer set (a witness) that respects the conditions
(a hidden question is unanswered) and that `scoring.score` really scores that way, and every
warning with a counter-example of answers. Beyond MAX_PATHS paths nothing is claimed: the
analysis is `skipped` and `buyerkit check` says so where the conditions are.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from buyerkit.content.paths import MAX_PATHS, Path, admits, paths, value_lists
from buyerkit.content.scenarios import PathAnalysis
from buyerkit.content.schema.diagnostic import Diagnostic, Option, Question
from buyerkit.content.sums import (
    DIMENSIONS,
    NO_TRIGGER,
    RANK,
    VERDICTS,
    Answers,
    Dimension,
    Forced,
    Loc,
    Scenario,
    _clean,
    pick,
    rank,
    reachable_sums,
)

__all__ = ["DIMENSIONS", "NO_TRIGGER", "RANK", "VERDICTS", "Analysis", "Answers", "Dimension",
           "Loc", "PathAnalysis", "Scenario", "_clean", "pick", "rank", "reachable_sums"]


class Analysis:
    """The exact reachability of verdicts and reasons of one diagnostic, over every path its
    conditions allow (`branching=False` analyses it as if every question were asked)."""

    def __init__(self, d: Diagnostic, *, branching: bool = True, limit: int = MAX_PATHS) -> None:
        self.d = d
        self.questions = d.questions()
        self.by_id = {q.id: q for q in self.questions}
        t = d.scoring.thresholds
        self.thresholds = {"problem": t.problem, "profile": t.profile}
        self.lists = value_lists(d) if branching else {}
        found = paths(d, limit) if branching else [Path(tuple(self.questions))]
        self._dims: dict[str, Dimension] = {}
        self.skipped = found is None  # too many paths: nothing is claimed
        memo: dict = {}  # keyed by id(question): every path's questions live as long as this
        self.paths = [PathAnalysis(d, p, memo) for p in found or []]

    @property
    def branching(self) -> bool:
        return bool(self.lists)

    def on(self, fixed: Mapping[str, tuple[str, ...]] | Forced) -> list[PathAnalysis]:
        """The paths on which these questions are asked (and can have these answers: a
        tuple is the exact answer, () none; a frozenset is answers that must be included)."""
        out = []
        for pa in self.paths:
            ok = True
            for qid, values in fixed.items():
                if isinstance(values, tuple):
                    ok = admits(pa.path, qid, values, self.lists)
                else:
                    ok = pa.path.visible(qid)
                if not ok:
                    break
            if ok:
                out.append(pa)
        return out

    def asked(self, qid: str) -> bool:
        """Whether some answer set leads to question qid."""
        return any(pa.path.visible(qid) for pa in self.paths)

    def dimension(self, dim: str) -> Dimension:
        """Threshold, lowest and highest sum and every reachable sum (no disqualifier chosen)."""
        if dim not in self._dims:
            total = sorted({s for pa in self.paths for s in pa.dimension(dim).reachable})
            self._dims[dim] = Dimension(dim, self.thresholds[dim], min(total, default=0),
                                        max(total, default=0), tuple(total))
        return self._dims[dim]

    def find_on(self, goal: str, forced: Forced | None = None
                ) -> Iterator[tuple[PathAnalysis, Scenario | None, Answers]]:
        """Every way `goal` can show, with its path and a complete answer set."""
        forced = forced or {}
        for pa in self.on(forced):
            for scenario, answers in pa.find(goal, forced):
                yield pa, scenario, answers

    def find(self, goal: str, forced: Forced | None = None
             ) -> Iterator[tuple[Scenario | None, Answers]]:
        """Every way `goal` (a verdict, or a reason code) can show, each with a complete
        answer set: per path, one per scenario that is possible, then one per disqualifier."""
        for _, scenario, answers in self.find_on(goal, forced):
            yield scenario, answers

    def witness(self, goal: str, forced: Forced | None = None) -> Answers | None:
        """A complete answer set whose verdict is `goal` or whose reasons include `goal`."""
        return next((answers for _, answers in self.find(goal, forced)), None)

    def extreme(self, dim: str, forced: Forced, sign: int) -> tuple[int, Answers] | None:
        """The largest (sign=1) or smallest (-1) sum of dim with these answers forced."""
        found = [x for pa in self.on(forced) if (x := pa.extreme(dim, forced, sign))]
        return max(found, key=lambda x: sign * x[0]) if found else None

    def disqualifiers(self) -> list[tuple[Question, Option]]:
        """The disqualifying answers of questions some answer set leads to."""
        return [(q, o) for q in self.questions for o in q.options
                if o.disqualifies and self.asked(q.id)]

    def ordered(self, answers: Answers) -> Answers:
        """The same answers in question order (how people read them)."""
        return {q.id: answers[q.id] for q in self.questions if q.id in answers}

    def terms(self, answers: Answers, dim: str) -> str:
        """`q=value + q=value: 0 + 2 + 1 = 3`: how a dimension's sum comes about."""
        names, points = [], []
        for q in self.questions:
            if q.scores != dim:
                continue
            for v in answers.get(q.id, ()):
                o = next(o for o in q.options if o.value == v)
                names.append(f"{q.id}={v}")
                points.append(o.points)
        if not names:
            return "no answers: 0"
        return f"{' + '.join(names)}: {' + '.join(map(str, points))} = {sum(points)}"

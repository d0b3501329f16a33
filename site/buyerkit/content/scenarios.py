"""The exact analysis of one path through a diagnostic (content/paths.py): nothing branches
there, so each dimension's questions add up independently of every other question.

Each question is reduced to its extreme choices (largest or smallest sum, with one answer
forced or some answers ruled out), and each requirement on a dimension is met or refuted
without enumerating answer sets. Every answer set it returns is complete for its path.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from buyerkit.content.paths import Path
from buyerkit.content.schema.diagnostic import Diagnostic, Option, Question
from buyerkit.content.sums import (
    NO_TRIGGER,
    RANK,
    Allowed,
    Answers,
    Dimension,
    Need,
    Scenario,
    _any,
    _clean,
    merge,
    pick,
    rank,
    reachable_sums,
)


class PathAnalysis:
    """The exact reachability of verdicts and reasons on one path through a diagnostic."""

    def __init__(self, d: Diagnostic, path: Path, memo: dict | None = None) -> None:
        self.d, self.path = d, path
        # One question's extreme answers, shared by every path that asks it unchanged.
        self.memo: dict = {} if memo is None else memo
        self.questions = list(path.questions)
        self.by_id = {q.id: q for q in self.questions}
        self.base = path.forced  # answers this path's multi-choice controllers include
        t = d.scoring.thresholds
        self.thresholds = {"problem": t.problem, "profile": t.profile}

    # -- building blocks ---------------------------------------------------------------

    def _in(self, dim: str) -> list[Question]:
        return [q for q in self.questions if q.scores == dim]

    def dimension(self, dim: str) -> Dimension:
        """Threshold, lowest and highest sum and every reachable sum (no disqualifier chosen)."""
        total = reachable_sums(self._in(dim), forced=self.base)
        if any(pick(q, _clean, self.base.get(q.id, frozenset())) is None
               for q in self.questions):
            total = ()  # every answer set disqualifies: no sum is ever compared
        return Dimension(dim, self.thresholds[dim], min(total, default=0),
                         max(total, default=0), total)

    def _fill(self, answers: Answers, forced: Mapping[str, frozenset[str]],
              qs: list[Question], allowed: Allowed = _clean, sign: int = 0) -> int | None:
        """Answer each of qs (honouring forced answers) into `answers`; the sum, or None."""
        total = 0
        for q in qs:
            key = (id(q), allowed, forced.get(q.id, frozenset()), sign)
            got = self.memo[key] if key in self.memo else \
                self.memo.setdefault(key, pick(q, *key[1:]))
            if got is None:
                return None
            total += got[0]
            if got[1]:
                answers[q.id] = got[1]
        return total

    def _dim(self, dim: str, need: str, forced: Mapping[str, frozenset[str]],
             answers: Answers, code: str | None = None) -> bool:
        """Answer dimension dim so it passes, fails, fails showing reason `code`, or fails on
        no specific reason ("plain"), honouring forced answers; False if impossible."""
        qs, t = self._in(dim), self.thresholds[dim]
        if need == "any":
            return self._fill(answers, forced, qs) is not None
        if need == "pass":
            total = self._fill(answers, forced, qs, sign=1)
            return total is not None and total >= t
        if need == "plain":
            def plain(o: Option) -> bool:
                return _clean(o) and not o.reason
            total = self._fill(answers, forced, qs, plain, sign=-1)
            return total is not None and total < t
        if need == "fail" and code is None:
            total = self._fill(answers, forced, qs, sign=-1)
            return total is not None and total < t
        for q in qs:  # fail with one answer carrying `code`
            for o in q.options:
                if o.reason != code or o.disqualifies:
                    continue
                more = {**forced, q.id: forced.get(q.id, frozenset()) | {o.value}}
                trial: Answers = {}
                total = self._fill(trial, more, qs, sign=-1)
                if total is not None and total < t:
                    answers.update(trial)
                    return True
        return False

    def _urgency(self, need: str, forced: Mapping[str, frozenset[str]], answers: Answers,
                 code: str | None = None) -> bool:
        """Answer the urgency questions so the best trigger is real, none, none with reason
        `code`, none without a reason ("plain"), exactly trigger `code` ("best"), or any."""
        qs = self._in("urgency")
        if need == "any":
            return self._fill(answers, forced, qs) is not None
        if need in ("real", "best"):
            for q in qs:
                for o in q.options:
                    if o.disqualifies or rank(o) == NO_TRIGGER:
                        continue
                    if need == "best" and o.trigger != code:
                        continue
                    floor = rank(o) if need == "best" else 0
                    more = {**forced, q.id: forced.get(q.id, frozenset()) | {o.value}}
                    trial: Answers = {}
                    if self._fill(trial, more, qs, lambda x, f=floor: _clean(x) and rank(x) >= f) \
                            is not None:
                        answers.update(trial)
                        return True
            return False

        def calm(o: Option) -> bool:
            return _clean(o) and rank(o) == NO_TRIGGER and (need != "plain" or not o.reason)
        if need == "plain" or code is None:
            return self._fill(answers, forced, qs, calm) is not None
        for q in qs:
            for o in q.options:
                if o.reason == code and calm(o):
                    more = {**forced, q.id: forced.get(q.id, frozenset()) | {o.value}}
                    trial: Answers = {}
                    if self._fill(trial, more, qs, calm) is not None:
                        answers.update(trial)
                        return True
        return False

    def _scenario(self, problem: Need, profile: Need, urgency: Need,
                  forced: Mapping[str, frozenset[str]]) -> Answers | None:
        """A complete answer set meeting one requirement per dimension, or None."""
        answers: Answers = {}
        if not self._dim("problem", problem[0], forced, answers, problem[1]):
            return None
        if not self._dim("profile", profile[0], forced, answers, profile[1]):
            return None
        if not self._urgency(urgency[0], forced, answers, urgency[1]):
            return None
        if self._fill(answers, forced, self._in("none")) is None:
            return None
        return self.ordered(answers)

    def ordered(self, answers: Answers) -> Answers:
        """The same answers in question order (how people read them)."""
        return {q.id: answers[q.id] for q in self.questions if q.id in answers}

    def scenarios(self, goal: str) -> Iterator[Scenario]:
        """The requirements (problem, profile, urgency) under which `goal` (a verdict, or a
        reason code) shows when no answer disqualifies; disqualifiers are handled apart."""
        anyone: Need = ("any", None)
        if goal == "fit":
            yield ("pass", None), ("pass", None), ("real", None)
        elif goal == "not_now":
            yield ("pass", None), ("pass", None), ("none", None)
        elif goal == "not_a_fit":
            yield ("fail", None), anyone, anyone
            yield anyone, ("fail", None), anyone
        elif goal in ("problem_fits", "profile_fits"):
            yield ("pass", None), ("pass", None), anyone
        elif goal.startswith("trigger_") and goal[8:] in RANK:
            yield ("pass", None), ("pass", None), ("best", goal[8:])
        elif goal == "no_trigger":
            yield ("pass", None), ("pass", None), ("plain", None)
        elif goal == "problem_misses":
            yield ("plain", None), anyone, anyone
        elif goal == "profile_misses":
            yield anyone, ("plain", None), anyone
        carried = {q.scores for q in self.questions for o in q.options if o.reason == goal}
        if "problem" in carried:
            yield ("fail", goal), anyone, anyone
        if "profile" in carried:
            yield anyone, ("fail", goal), anyone
        if "urgency" in carried:
            yield ("pass", None), ("pass", None), ("none", goal)

    def disqualifiers(self) -> list[tuple[Question, Option]]:
        return [(q, o) for q in self.questions for o in q.options if o.disqualifies]

    def find(self, goal: str, forced: Mapping[str, frozenset[str]] | None = None
             ) -> Iterator[tuple[Scenario | None, Answers]]:
        """Every way `goal` (a verdict, or a reason code) can show, each with a complete
        answer set: one per scenario that is possible, then one per disqualifying answer."""
        forced = merge(self.base, forced or {})
        for scenario in self.scenarios(goal):
            found = self._scenario(*scenario, forced)
            if found is not None:
                yield scenario, found
        for q, o in self.disqualifiers():
            if goal in ("not_a_fit", o.disqualifies):
                more = {**forced, q.id: forced.get(q.id, frozenset()) | {o.value}}
                answers: Answers = {}
                if self._fill(answers, more, self.questions, _any) is not None:
                    yield None, self.ordered(answers)

    def witness(self, goal: str,
                forced: Mapping[str, frozenset[str]] | None = None) -> Answers | None:
        """A complete answer set whose verdict is `goal` or whose reasons include `goal`."""
        return next((answers for _, answers in self.find(goal, forced)), None)

    def extreme(self, dim: str, forced: Mapping[str, frozenset[str]],
                sign: int) -> tuple[int, Answers] | None:
        """The largest (sign=1) or smallest (-1) sum of dim with these answers forced, and a
        complete answer set of this path that has it."""
        answers: Answers = {}
        forced = merge(self.base, forced)
        total = self._fill(answers, forced, self._in(dim), sign=sign)
        others = [q for q in self.questions if q.scores != dim]
        if total is None or self._fill(answers, forced, others) is None:
            return None  # no answer set without a disqualifier has these answers
        return total, self.ordered(answers)

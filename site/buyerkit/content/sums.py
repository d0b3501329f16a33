"""The arithmetic under the verdict analysis: one question's extreme answers, and every sum a
dimension's questions can add up to (a bitset, never a list of answer sets)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from buyerkit.content.schema.diagnostic import Option, Question
from buyerkit.content.scoring import TRIGGER_ORDER

Answers = dict[str, tuple[str, ...]]
Loc = tuple[str | int, ...]
Allowed = Callable[[Option], bool]
Forced = Mapping[str, frozenset[str]]
Need = tuple[str, str | None]
Scenario = tuple[Need, Need, Need]
DIMENSIONS = ("problem", "profile")
VERDICTS = ("fit", "not_now", "not_a_fit")
RANK = {t: i for i, t in enumerate(TRIGGER_ORDER)}  # a lower rank wins; no trigger ranks last
NO_TRIGGER = len(TRIGGER_ORDER)


def rank(o: Option) -> int:
    """How strong an option's urgency trigger is (0 strongest); NO_TRIGGER when it has none."""
    return RANK.get(o.trigger or "none", NO_TRIGGER)


def _any(o: Option) -> bool:
    return True


def _clean(o: Option) -> bool:
    return not o.disqualifies


def merge(*forced: Forced) -> dict[str, frozenset[str]]:
    """Several sets of forced answers as one (a question's forced answers add up)."""
    out: dict[str, frozenset[str]] = {}
    for f in forced:
        for k, v in f.items():
            out[k] = out.get(k, frozenset()) | v
    return out


def pick(q: Question, allowed: Allowed = _any, forced: frozenset[str] = frozenset(),
         sign: int = 0) -> tuple[int, tuple[str, ...]] | None:
    """One legal answer to q using allowed options and every forced one: the largest sum
    (sign=1), the smallest (sign=-1) or simply the fewest options (sign=0); None if none."""
    opts = [o for o in q.options if allowed(o)]
    if any(v not in {o.value for o in opts} for v in forced):
        return None
    lone = [o for o in opts if o.value in forced and (q.kind == "single" or o.exclusive)]
    cands: list[tuple[Option, ...]]
    if lone:  # a single answer, or an exclusive one: nothing else may be chosen
        if len(forced) > 1:
            return None
        cands = [(lone[0],)]
    elif q.kind == "single":
        cands = [(o,) for o in opts]
    else:
        plain = [o for o in opts if not o.exclusive]
        must = [o for o in plain if o.value in forced]
        extra = [o for o in plain if o.value not in forced and sign * o.points > 0]
        keep = {o.value for o in must} | {o.value for o in extra}
        cands = [(o,) for o in plain] if not keep else [tuple(o for o in plain
                                                             if o.value in keep)]
        if not forced:
            cands += [(o,) for o in opts if o.exclusive]
    if not q.required and not forced:
        cands.insert(0, ())
    if not cands:
        return None
    best = max(cands, key=lambda c: (sign * sum(o.points for o in c), -len(c)))
    order = [o.value for o in q.options]
    return sum(o.points for o in best), tuple(sorted((o.value for o in best), key=order.index))


def _shift(bits: int, by: int) -> int:
    return bits << by if by >= 0 else bits >> -by


def _step(acc: int, q: Question, opts: list[Option], must: frozenset[str]) -> int:
    """The sums after answering q (with every answer in `must`), from the sums before."""
    if must:
        if any(v not in {o.value for o in opts} for v in must):
            return 0
        lone = [o for o in opts if o.value in must and (q.kind == "single" or o.exclusive)]
        if lone:
            return _shift(acc, lone[0].points) if len(must) == 1 else 0
        every = _shift(acc, sum(o.points for o in opts if o.value in must))
        for o in opts:
            if not o.exclusive and o.value not in must:
                every |= _shift(every, o.points)
        return every
    out = acc if not q.required else 0
    if q.kind == "single":
        for o in opts:
            out |= _shift(acc, o.points)
        return out
    every, nonempty = acc, 0
    for o in opts:
        if o.exclusive:
            out |= _shift(acc, o.points)
        else:
            nonempty |= _shift(every, o.points)
            every |= _shift(every, o.points)
    return out | nonempty


def reachable_sums(qs: list[Question], allowed: Allowed = _clean,
                   forced: Forced | None = None) -> tuple[int, ...]:
    """Every sum the answers to qs can add up to (each forced answer chosen): a subset-sum
    programme on a bitset (bit s + offset set when s is reachable), two shifts per option."""
    offset = sum(max(0, -o.points) for q in qs for o in q.options)
    acc = 1 << offset
    for q in qs:
        acc = _step(acc, q, [o for o in q.options if allowed(o)],
                    (forced or {}).get(q.id, frozenset()))
    text = bin(acc)[2:][::-1]
    return tuple(i - offset for i, bit in enumerate(text) if bit == "1")


@dataclass(frozen=True)
class Dimension:
    """One scored dimension: its threshold and the sums its answers can reach."""

    name: str
    threshold: int
    low: int
    high: int
    reachable: tuple[int, ...]

    @property
    def always(self) -> bool:
        return self.low >= self.threshold

    @property
    def never(self) -> bool:
        return self.high < self.threshold

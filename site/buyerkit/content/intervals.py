"""Interval arithmetic over formula trees: which values a formula can take in declared ranges.

Used at content load to refuse a division whose divisor can be zero and a payback that can be
negative. It is conservative (it may see a zero that no real input reaches), and it narrows
names inside `if(name > 0, ..., ...)` and an output's `when` so guarded divisions pass.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from buyerkit.content.formula import Node

INF = math.inf


@dataclass(frozen=True)
class Iv:
    """A closed or half-open interval [lo, hi]; an open end excludes that bound."""

    lo: float
    hi: float
    lo_open: bool = False
    hi_open: bool = False

    def has_zero(self) -> bool:
        above = self.lo < 0 or (self.lo == 0 and not self.lo_open)
        below = self.hi > 0 or (self.hi == 0 and not self.hi_open)
        return above and below

    def hull(self, other: Iv) -> Iv:
        return Iv(min(self.lo, other.lo), max(self.hi, other.hi))


def point(x: float) -> Iv:
    return Iv(x, x)


def _mul(a: float, b: float) -> float:
    return 0.0 if a == 0 or b == 0 else a * b


def _div(a: float, b: float, b_side: int) -> float:
    """a / b for interval bounds; b == 0 only as an open bound approached from `b_side`."""
    if b != 0:
        return a / b if math.isfinite(b) else 0.0
    if a == 0:
        return 0.0
    return INF if (a > 0) == (b_side > 0) else -INF


def _span(values: list[float]) -> Iv:
    values = [0.0 if math.isnan(v) else v for v in values]
    return Iv(min(values), max(values))


def narrow(cond: Node, env: Mapping[str, Iv], truth: bool) -> dict[str, Iv]:
    """Tighten the range of a name compared with a number, on the branch where `cond` is
    `truth`: `x > 0` makes x's range (0, hi] in the then-branch and [lo, 0] otherwise."""
    if cond[0] not in ("<", "<=", ">", ">=") or len(cond) != 3:
        return dict(env)
    op, a, b = cond
    if a[0] == "num" and b[0] == "ref":
        op = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}[op]
        a, b = b, a
    if a[0] != "ref" or b[0] != "num" or a[1] not in env:
        return dict(env)
    if not truth:
        op = {"<": ">=", "<=": ">", ">": "<=", ">=": "<"}[op]
    c, iv = b[1], env[a[1]]
    if op in (">", ">="):
        if c > iv.lo or (c == iv.lo and op == ">"):
            iv = Iv(c, iv.hi, op == ">", iv.hi_open)
    elif c < iv.hi or (c == iv.hi and op == "<"):
        iv = Iv(iv.lo, c, iv.lo_open, op == "<")
    out = dict(env)
    out[a[1]] = iv
    return out


def bounds(node: Node, env: Mapping[str, Iv], on_divisor: Callable[[Node, Iv], None],
           prev: Mapping[str, Iv] | None = None) -> Iv:
    """The interval a tree's value lies in; calls `on_divisor` for each divisor that can be 0."""
    kind = node[0]
    if kind == "num":
        return point(node[1])
    if kind == "ref":
        return env[node[1]]
    if kind == "prev":
        return (prev or {}).get(node[1], point(0.0))
    if kind == "neg":
        a = bounds(node[1], env, on_divisor, prev)
        return Iv(-a.hi, -a.lo, a.hi_open, a.lo_open)
    if kind == "round":
        a = bounds(node[1], env, on_divisor, prev)
        return Iv(math.floor(a.lo) if math.isfinite(a.lo) else a.lo,
                  math.ceil(a.hi) if math.isfinite(a.hi) else a.hi)
    if kind == "if":
        bounds(node[1], env, on_divisor, prev)
        yes = bounds(node[2], narrow(node[1], env, True), on_divisor, prev)
        no = bounds(node[3], narrow(node[1], env, False), on_divisor, prev)
        return yes.hull(no)
    if kind in ("min", "max"):
        ivs = [bounds(c, env, on_divisor, prev) for c in node[1:]]
        pick = min if kind == "min" else max
        return Iv(pick(i.lo for i in ivs), pick(i.hi for i in ivs))
    a = bounds(node[1], env, on_divisor, prev)
    b = bounds(node[2], env, on_divisor, prev)
    if kind == "+":
        return Iv(a.lo + b.lo, a.hi + b.hi)
    if kind == "-":
        return Iv(a.lo - b.hi, a.hi - b.lo)
    if kind == "*":
        return _span([_mul(x, y) for x in (a.lo, a.hi) for y in (b.lo, b.hi)])
    if kind == "/":
        if b.has_zero():
            on_divisor(node[2], b)
            return Iv(-INF, INF)
        return _span([_div(x, y, 1 if y == b.lo else -1) for x in (a.lo, a.hi)
                      for y in (b.lo, b.hi)])
    return Iv(0.0, 1.0)

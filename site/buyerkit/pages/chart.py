"""The projection chart's geometry for the server-drawn SVG (static/calculator.js redraws it
live with the same rules): lines per series, nice y ticks, month ticks, the breakeven mark."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 92, 16, 16, 40


def nice_step(span: float, ticks: int = 4) -> float:
    """A round step (1, 2 or 5 times a power of ten) giving about `ticks` intervals."""
    if span <= 0 or not math.isfinite(span):
        return 1.0
    raw = span / ticks
    mag = 10.0 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if raw <= m * mag:
            return m * mag
    return 10 * mag


def geometry(series: Sequence[str], rows: Sequence[dict[str, float]],
             label: Callable[[float], str], breakeven: int | None) -> dict[str, Any]:
    """Points for each series, y ticks with labels, x ticks and the breakeven x position."""
    values = [r[s] for r in rows for s in series if math.isfinite(r[s])] + [0.0]
    step = nice_step(max(values) - min(values))
    lo = math.floor(min(values) / step) * step
    hi = math.ceil(max(values) / step) * step
    if hi == lo:
        hi = lo + step
    n = len(rows)
    w, h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(m: int) -> float:
        return LEFT + (m - 1) * w / max(n - 1, 1)

    def y(v: float) -> float:
        return TOP + (hi - v) * h / (hi - lo)

    lines = []
    for i, s in enumerate(series):
        pts = " ".join(f"{x(m + 1):.1f},{y(r[s]):.1f}" for m, r in enumerate(rows)
                       if math.isfinite(r[s]))
        lines.append({"id": s, "index": i, "points": pts})
    yticks = []
    k = 0
    while lo + k * step <= hi + step / 2:
        v = lo + k * step
        yticks.append({"y": round(y(v), 1), "text": label(v), "zero": abs(v) < step / 2})
        k += 1
    every = 6 if n > 12 else 3 if n > 6 else 1
    xticks = [{"x": round(x(m), 1), "text": str(m)}
              for m in range(1, n + 1) if m == 1 or m % every == 0]
    return {"width": WIDTH, "height": HEIGHT, "left": LEFT, "right": WIDTH - RIGHT,
            "top": TOP, "bottom": HEIGHT - BOTTOM, "lines": lines, "yticks": yticks,
            "xticks": xticks, "breakeven": round(x(breakeven), 1) if breakeven else None}

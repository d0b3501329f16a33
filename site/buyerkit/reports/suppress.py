"""Small groups suppressed: a cell counted from fewer than 5 distinct journeys (or groups)
shows `<5`, and every total or rate is built only from cells that may be shown, so a hidden
cell can never be worked out by subtraction within a report.

Across reports (a column of a breakdown sums to a figure shown elsewhere, e.g. fit prospects
by channel and in the overview) one hidden cell alone in its column would be exposed by the
difference; `protect_columns` then hides the next smallest cell too (shown as HIDDEN).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

THRESHOLD = 5
SMALL = "<5"
HIDDEN = "hidden"  # a cell of 5 or more hidden so that a small one cannot be derived
Cell = int | str


def count(n: int) -> Cell:
    """A count as it may be shown: `<5` for 1 to 4 journeys, the number otherwise."""
    return SMALL if 0 < n < THRESHOLD else n


def value(cell: Any) -> int:
    """A shown count's number (the shown part of a partial total); hidden cells add nothing."""
    if isinstance(cell, str) and cell.endswith("+") and cell[:-1].isdigit():
        return int(cell[:-1])
    return cell if isinstance(cell, int) and not isinstance(cell, bool) else 0


def is_shown(cell: Any) -> bool:
    return isinstance(cell, int) and not isinstance(cell, bool)


def total(cells: Sequence[Any]) -> Cell:
    """A total of the cells that are shown, and only those: a number when every cell is
    shown, else "N+" (N from the shown cells; the hidden ones add an unknown amount)."""
    shown = sum(value(c) for c in cells)
    return shown if all(is_shown(c) or c is None for c in cells) else f"{shown}+"


def rate(numerator: Any, denominator: Any) -> float | None:
    """A share from shown counts only (None when either is hidden or the base is zero)."""
    if not (is_shown(numerator) and is_shown(denominator)) or denominator == 0:
        return None
    return numerator / denominator


def protect_columns(rows: list[list[Any]], columns: Sequence[int]) -> list[list[Any]]:
    """Hide a second cell in any of `columns` where exactly one cell is `<5`, choosing the
    smallest other non-zero shown cell (first such row on ties), so the column's true total
    (shown in another report) never reveals the small one by subtraction."""
    out = [list(r) for r in rows]
    for c in columns:
        small = [i for i, r in enumerate(out) if r[c] == SMALL]
        if len(small) != 1 or any(r[c] == HIDDEN for r in out):
            continue
        candidates = [(r[c], i) for i, r in enumerate(out) if is_shown(r[c]) and r[c] > 0]
        if candidates:
            out[min(candidates)[1]][c] = HIDDEN
    return out

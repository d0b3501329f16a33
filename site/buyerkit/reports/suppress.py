"""The one suppression routine of every report, chart, sentence, CSV, JSON and e-mail: a count
of 1 to 4 journeys (or groups) is never shown, and cannot be worked out from what is shown.

1. Small rows are merged into "Other" first (`merge_small`), so a single week stays readable.
2. Every count that is still 1 to 4 shows `<5` (`SMALL`).
3. Complementary suppression (`protect`): in every column whose total is shown somewhere
   (the headline figures), the hidden cells must be none, or at least two adding up to 5 or
   more, and each small one must keep at least two possible values given the total; else the
   next smallest cell is hidden too (shown as `HIDDEN`).
4. Totals are never added up from the shown cells: they are the true totals through `count`,
   and a total derived from hidden parts (`derived`) is hidden itself.

A test (tests/reports/test_suppress.py) enumerates every value a hidden cell could take given
the shown cells and totals, and checks that no small one is pinned down.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import Any, TypeVar

from buyerkit.reports.i18n import N_

THRESHOLD = 5
SMALL = "<5"
HIDDEN = "hidden"
Cell = int | str
K = TypeVar("K", bound=Hashable)

NOTE = N_("<5 means fewer than 5 prospects: too few to show without singling someone out. "
        "“hidden” is a larger count hidden with a small one, so the small one cannot be worked "
        "out from the totals. Rows with fewer than 5 are added up under “Other” (with the next "
        "smallest row when they add up to fewer than 5 themselves).")


def count(n: int) -> Cell:
    """A count as it may be shown on its own: `<5` for 1 to 4, the number otherwise."""
    return SMALL if 0 < n < THRESHOLD else n


def is_shown(cell: Any) -> bool:
    """True for a count that is shown as a number."""
    return isinstance(cell, int) and not isinstance(cell, bool)


def value(cell: Any) -> int:
    """A shown count's number; hidden cells count as 0 (for ordering, never for totals)."""
    return cell if is_shown(cell) else 0


def derived(cells: Sequence[Any]) -> Cell:
    """A figure that is the sum of other figures: shown only when every part is shown,
    else hidden (a shown sum of a hidden part would give the part away)."""
    if all(is_shown(c) for c in cells):
        return sum(cells)
    return SMALL if all(c in (SMALL, 0) for c in cells) and \
        sum(1 for c in cells if c == SMALL) == 1 else HIDDEN


def rate(numerator: Any, denominator: Any) -> float | None:
    """A share from shown counts only (None when either is hidden or the base is zero)."""
    if not (is_shown(numerator) and is_shown(denominator)) or denominator == 0:
        return None
    return numerator / denominator


def change(now: Any, before: Any) -> int | None:
    """Now minus before, when both are shown."""
    return now - before if is_shown(now) and is_shown(before) else None


def _pinned(values: dict[Any, int], hidden: set[Any], members: Sequence[Any]) -> bool:
    """True when a small hidden member of a column with a known total has fewer than two
    possible values once the reader knows the markers (`<5` is 1-4, `hidden` is 5 or more)."""
    hid = [k for k in members if k in hidden]
    total = sum(values[k] for k in hid)
    for k in hid:
        if values[k] >= THRESHOLD:
            continue
        lows = sum(1 if values[o] < THRESHOLD else THRESHOLD for o in hid if o != k)
        highs = sum(THRESHOLD - 1 if values[o] < THRESHOLD else total for o in hid if o != k)
        lo, hi = max(1, total - highs), min(THRESHOLD - 1, total - lows)
        if hi - lo < 1:
            return True
    return False


def protect(values: dict[K, int], columns: Iterable[Sequence[K]]) -> dict[K, Cell]:
    """Every cell as it may be shown: small ones `<5`, and in each column (a sequence of cell
    keys whose total is shown elsewhere) enough further cells `hidden` that no small one can
    be worked out from the total. Deterministic: the smallest, then the first, is chosen."""
    hidden = {k for k, v in values.items() if 0 < v < THRESHOLD}
    columns = [list(c) for c in columns]
    changed = True
    while changed:
        changed = False
        for members in columns:
            if sum(values[k] for k in members) < THRESHOLD:
                continue  # the total itself shows as <5 (or 0): it gives nothing away
            hid = [k for k in members if k in hidden]
            total = sum(values[k] for k in hid)
            if not hid or (len(hid) > 1 and total >= THRESHOLD
                           and not _pinned(values, hidden, members)):
                continue
            others = [(values[k], i, k) for i, k in enumerate(members)
                      if k not in hidden and values[k] > 0]
            if others:
                hidden.add(min(others, key=lambda t: (t[0], t[1]))[2])
                changed = True
    out: dict[K, Cell] = {}
    for k, v in values.items():
        out[k] = (SMALL if v < THRESHOLD else HIDDEN) if k in hidden else v
    # A column whose hidden cells could not be protected by more cells (nothing else left
    # to hide): say "hidden" for all of them, so the markers give no bound away.
    for members in columns:
        if sum(values[k] for k in members) >= THRESHOLD and _pinned(values, hidden, members):
            for k in members:
                if k in hidden:
                    out[k] = HIDDEN
    return out


OTHER = "Other"


def merge_small(rows: dict[K, Sequence[int]]) -> tuple[list[K], list[K]]:
    """Split rows (key -> counts) into those shown on their own and those merged into
    "Other": a row whose counts add up to fewer than 5 goes to Other, and while Other adds
    up to 1-4 the smallest remaining row joins it (so Other never shows a small count of its
    own). Both lists keep the given order."""
    sums = {k: sum(v) for k, v in rows.items()}
    merged = {k for k, s in sums.items() if 0 < s < THRESHOLD}
    while 0 < sum(sums[k] for k in merged) < THRESHOLD:
        rest = [(sums[k], i, k) for i, k in enumerate(rows) if k not in merged and sums[k] > 0]
        if not rest:
            break
        merged.add(min(rest, key=lambda t: (t[0], t[1]))[2])
    keep = [k for k in rows if k not in merged and sums[k] > 0]
    return keep, [k for k in rows if k in merged]

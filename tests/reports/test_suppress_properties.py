"""Suppression states its promise: no count under k is ever shown, a count of exactly k is,
and no hidden cell can be recovered from the totals shown beside it.

k is written here as the literal 5 (the documented threshold), not read from the code.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from buyerkit.reports.suppress import (
    change,
    count,
    derived,
    is_shown,
    merge_small,
    protect,
    rate,
    value,
)


def examples(n: int) -> int:
    """n examples, or fewer under tools/mutation.sh (BUYERKIT_MAX_EXAMPLES) to stay bounded."""
    return min(n, int(os.environ.get("BUYERKIT_MAX_EXAMPLES", n)))


K = 5  # the smallest count a report may show


@pytest.mark.parametrize("n,shown", [(0, 0), (1, "<5"), (4, "<5"), (5, 5), (6, 6), (40, 40)])
def test_the_edge_of_suppression_written_out(n, shown):
    """0 is shown (nobody to single out), 1 to 4 are `<5`, exactly 5 and above are shown."""
    assert count(n) == shown


@given(st.integers(0, 10_000))
def test_no_count_under_k_is_ever_shown_and_k_or_more_always_is(n):
    cell = count(n)
    if 0 < n < K:
        assert not is_shown(cell) and cell == "<5" and value(cell) == 0
    else:
        assert is_shown(cell) and cell == n and value(cell) == n


@pytest.mark.parametrize("parts,shown", [
    ([5, 6], 11), ([0, 5], 5), ([], 0), (["<5", 0], "<5"), (["<5", 5], "hidden"),
    (["<5", "<5"], "hidden"), (["hidden", 7], "hidden"), ([0, 0], 0)])
def test_a_sum_of_figures_is_shown_only_when_every_part_is(parts, shown):
    assert derived(parts) == shown


@pytest.mark.parametrize("numerator,denominator,share", [
    (5, 10, 0.5), (10, 10, 1.0), (0, 5, 0.0), ("<5", 10, None), (5, "<5", None),
    (5, 0, None), ("hidden", 10, None), (True, 10, None)])
def test_a_rate_uses_shown_counts_only(numerator, denominator, share):
    assert rate(numerator, denominator) == share


@pytest.mark.parametrize("now,before,delta", [(9, 5, 4), (5, 9, -4), ("<5", 9, None),
                                              (9, "hidden", None), (0, 0, 0)])
def test_a_change_uses_shown_counts_only(now, before, delta):
    assert change(now, before) == delta


@pytest.mark.parametrize("cell,number", [(7, 7), ("<5", 0), ("hidden", 0), (True, 0),
                                         (None, 0), (0, 0)])
def test_value_reads_shown_numbers_only(cell, number):
    assert value(cell) == number


# --- Complementary suppression: columns whose true total is shown elsewhere -----------

def possible(marker: Any, column: list[Any], total: int) -> range:
    """What a reader may believe about a cell from the markers: `<5` is 1 to 4; `hidden` is
    5 or more beside a `<5`, and any count where every hidden cell says `hidden`."""
    if is_shown(marker):
        return range(marker, marker + 1)
    if marker == "<5":
        return range(1, K)
    return range(K if "<5" in column else 1, total + 1)


def candidates(column: list[Any], total: int, i: int) -> list[int]:
    """Every value cell i could have, given the column's markers and its shown total: the
    others' possible sums form an interval, so x is possible when total - x falls in it."""
    ranges = [possible(c, column, total) for c in column]
    lo = sum(r[0] for j, r in enumerate(ranges) if j != i)
    hi = sum(r[-1] for j, r in enumerate(ranges) if j != i)
    return [x for x in ranges[i] if lo <= total - x <= hi]


grids = st.lists(st.lists(st.integers(0, 12), min_size=1, max_size=5), min_size=1, max_size=3)


@settings(max_examples=examples(300), deadline=None)
@given(grids)
def test_no_hidden_cell_can_be_recovered_from_its_columns_total(columns):
    """Columns are disjoint lists of counts whose true totals a reader sees elsewhere; for
    every small cell, at least two values stay possible after reading everything shown."""
    values = {(c, r): v for c, col in enumerate(columns) for r, v in enumerate(col)}
    keys = [[(c, r) for r in range(len(col))] for c, col in enumerate(columns)]
    shown = protect(values, keys)
    for members in keys:
        column = [shown[k] for k in members]
        total = sum(values[k] for k in members)
        for i, k in enumerate(members):
            v = values[k]
            assert not (0 < v < K and is_shown(column[i])), f"{k}={v} shown"
            assert column[i] in (v, "<5", "hidden")
            if v == 0 or v >= K:
                assert column[i] != "<5", f"{k}={v} marked small"
            if total < K or not 0 < v < K:
                continue  # the total shows as <5 itself (or the cell is not small)
            if all(values[m] in (0, 1) for m in members):
                # Every nonzero cell is 1 and the total counts them: no hiding inside the
                # column can help (only hiding the total could). Reports merge such rows
                # into "Other" before protect (merge_small); see the test below.
                continue
            options = candidates(column, total, i)
            assert v in options, "the markers must be true"
            assert len(options) >= 2, f"{k}={v} recoverable from total {total}: {column}"


@given(st.dictionaries(st.integers(0, 9), st.integers(0, 30), max_size=10))
def test_without_columns_every_count_stands_alone(values):
    assert protect(values, []) == {k: count(v) for k, v in values.items()}


def test_a_count_of_exactly_k_is_shown_beside_small_ones():
    assert protect({"a": 5, "b": 5, "c": 0}, [["a", "b", "c"]]) == {"a": 5, "b": 5, "c": 0}
    out = protect({"a": 3, "b": 5, "c": 9}, [])
    assert out == {"a": "<5", "b": 5, "c": 9}


@given(st.dictionaries(st.sampled_from("abcdefgh"),
                       st.lists(st.integers(0, 9), min_size=1, max_size=3), max_size=8))
def test_other_never_shows_a_small_count_and_rows_of_k_stay_apart(rows):
    keep, merged = merge_small(rows)
    sums = {k: sum(v) for k, v in rows.items()}
    other = sum(sums[k] for k in merged)
    assert not 0 < other < K or not keep, "Other shows 1-4 only when nothing is left to add"
    assert all(sums[k] >= K for k in keep) or other == 0 or not merged
    assert all(not 0 < sums[k] < K for k in keep)
    assert set(keep) | set(merged) <= set(rows) and not set(keep) & set(merged)
    assert all(k in keep or k in merged for k in rows if sums[k] > 0)
    assert keep == [k for k in rows if k in keep] and merged == [k for k in rows if k in merged]


def test_merge_small_written_out():
    rows = {"linkedin": [20, 3], "g2": [2, 1], "hubspot": [1, 0], "google": [6, 0]}
    # g2 (3) and hubspot (1) make Other 4, still small: the smallest shown row (google, 6) joins
    assert merge_small(rows) == (["linkedin"], ["g2", "hubspot", "google"])
    assert merge_small({"a": [5], "b": [0]}) == (["a"], [])


# --- Complementary suppression written out (what each case must show, and why) ---------

PROTECT_CASES = {
    # one small cell beside a shown total: the smallest other cell goes too
    "one-small": ({"a": 2, "b": 9, "c": 6}, [["a", "b", "c"]],
                  {"a": "<5", "b": 9, "c": "hidden"}),
    # equal candidates: the first in the column's order, whatever the keys are called
    "tie-by-position": ({"z": 2, "b": 6, "a": 6}, [["z", "b", "a"]],
                        {"z": "<5", "b": "hidden", "a": 6}),
    # two small cells adding up to exactly 5 hide each other: nothing more is hidden
    "two-small-make-5": ({"a": 3, "b": 2, "c": 20}, [["a", "b", "c"]],
                         {"a": "<5", "b": "<5", "c": 20}),
    # two small cells adding up to 3: the reader would know both are 1-2; hide another
    "two-small-make-3": ({"a": 1, "b": 2, "c": 20}, [["a", "b", "c"]],
                         {"a": "<5", "b": "<5", "c": "hidden"}),
    # 4 + 3 = 7: each of the two has two possible values (3 or 4): enough
    "two-values-left": ({"a": 4, "b": 3, "c": 20}, [["a", "b", "c"]],
                        {"a": "<5", "b": "<5", "c": 20}),
    # 4 + 4 = 8: both pinned at 4; a third cell must go
    "pinned-pair": ({"a": 4, "b": 4, "c": 20}, [["a", "b", "c"]],
                    {"a": "<5", "b": "<5", "c": "hidden"}),
    # a column adding up to fewer than 5 shows its total as <5 itself: nothing to protect
    "small-total": ({"a": 1, "b": 1, "c": 1}, [["a", "b", "c"]],
                    {"a": "<5", "b": "<5", "c": "<5"}),
    # five ones total 5 and each is pinned at 1, with nothing else to hide: all "hidden"
    "nothing-else-to-hide": ({k: 1 for k in "abcde"}, [list("abcde")],
                             {k: "hidden" for k in "abcde"}),
    # a table with row and column totals: hiding a's partner in its column exposes it in
    # its row, and so on round the table until all four are hidden
    "table": ({"a": 2, "b": 10, "c": 10, "d": 10},
              [["a", "c"], ["b", "d"], ["a", "b"], ["c", "d"]],
              {"a": "<5", "b": "hidden", "c": "hidden", "d": "hidden"}),
    # a hidden 5 is 5 or more to the reader: 4 + 5 = 9 leaves a anything from 1 to 4
    "hidden-five": ({"a": 4, "b": 5, "c": 9}, [["a", "b", "c"]],
                    {"a": "<5", "b": "hidden", "c": 9}),
    # three small cells making 5: each could be 1 to 3; no more is hidden
    "three-small-make-5": ({"a": 1, "b": 2, "c": 2, "d": 20}, [["a", "b", "c", "d"]],
                           {"a": "<5", "b": "<5", "c": "<5", "d": 20}),
    # four making 5: each is 1 or 2, two values left: enough
    "four-small-make-5": ({"a": 1, "b": 1, "c": 1, "d": 2, "e": 20}, [list("abcde")],
                          {"a": "<5", "b": "<5", "c": "<5", "d": "<5", "e": 20}),
    # x (5) hidden for y's sake; in the second column x + a + b = 7 with x >= 5 pins a and b
    # at 1 each, whatever order the hidden cells come in: c must go too
    "large-before-small": ({"x": 5, "y": 2, "a": 1, "b": 1, "c": 20},
                           [["x", "y"], ["x", "a", "b", "c"]],
                           {"x": "hidden", "y": "<5", "a": "<5", "b": "<5", "c": "hidden"}),
    # the same table with its totals read in another order: a second pass is needed
    "table-second-pass": ({"a": 2, "b": 10, "c": 10, "d": 10},
                          [["b", "d"], ["c", "d"], ["a", "c"], ["a", "b"]],
                          {"a": "<5", "b": "hidden", "c": "hidden", "d": "hidden"}),
}


@pytest.mark.parametrize("case", list(PROTECT_CASES), ids=list(PROTECT_CASES))
def test_complementary_suppression_written_out(case):
    values, columns, shown = PROTECT_CASES[case]
    assert protect(values, columns) == shown


@pytest.mark.parametrize("parts,shown", [(["<5"], "<5"), (["<5", "<5", 0], "hidden"),
                                         (["<5", 0, 0], "<5"), ([0, "hidden"], "hidden")])
def test_a_sum_of_hidden_parts(parts, shown):
    assert derived(parts) == shown


def test_other_stops_growing_once_it_reaches_5():
    rows = {"a": [3], "b": [2], "c": [9], "d": [20]}
    assert merge_small(rows) == (["c", "d"], ["a", "b"])


def test_other_takes_the_smallest_row_first_in_order_and_never_an_empty_one():
    assert merge_small({"a": [2], "z": [0], "b": [9]}) == ([], ["a", "b"])
    assert merge_small({"z": [3], "b": [6], "a": [6]}) == (["a"], ["z", "b"])


def test_a_column_of_ones_is_merged_before_it_reaches_protect():
    """The one column protect cannot save on its own (five 1s, total 5) never reaches it in a
    report: merge_small puts every row into Other first."""
    keep, merged = merge_small({k: [1] for k in "abcde"})
    assert keep == [] and merged == list("abcde")

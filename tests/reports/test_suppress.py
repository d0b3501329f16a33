"""Small cells are suppressed and cannot be worked out by subtraction: changing a cell of
1 to 4 journeys to any other value from 1 to 4 leaves a report's whole output unchanged
(every total, rate and order is built from shown cells only)."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from buyerkit.reports import queries, rollups
from buyerkit.reports.context import Context
from buyerkit.reports.period import Period, day_of
from buyerkit.reports.schema import COUNT_TABLES
from buyerkit.reports.suppress import HIDDEN, SMALL, count, protect_columns, total
from buyerkit.reports.tables import to_json

SLUG = "renewal-risk-check"
START = date(2026, 3, 2)
D = day_of(START)
PERIOD = Period(SLUG, START, date(2026, 3, 29))
VERDICTS = ("fit", "not_now", "not_a_fit")

# For each report: the roll-up table it reads, and the cell keys that map one to one onto
# the report's cells (one day per week for the weekly scorecard).
CELLS = {
    "overview": ("ru_outcomes", [(SLUG, D, v, 0) for v in (*VERDICTS, "in_progress")]
                 + [(SLUG, D, "abandoned", s) for s in (1, 2, 3)]),
    "weekly": ("ru_outcomes", [(SLUG, D + 7 * w, v, 0) for w in range(4) for v in VERDICTS]),
    "segments": ("ru_segments", [(SLUG, D, "persona", p, v) for p in ("a", "b", "c", "d")
                                 for v in VERDICTS]),
    "bounces": ("ru_decided", [(SLUG, D, v, c, s)
                               for v, c in (("not_a_fit", "problem_misses"),
                                            ("not_a_fit", "profile_misses"),
                                            ("not_now", "no_trigger"))
                               for s in ("identifying_problem", "examining_solutions")]),
    "groups": ("ru_groups", [(D, r, v, 0, 0) for r in (1, 2, 3) for v in (*VERDICTS, "none")]),
}

ENGINE = sa.create_engine("sqlite://")
with ENGINE.begin() as _conn:
    rollups.create(_conn)


def render(name: str, cells: dict[tuple, int]) -> str:
    table = COUNT_TABLES[CELLS[name][0]]
    keys = [c.name for c in table.primary_key.columns]
    with ENGINE.begin() as conn:
        conn.execute(table.delete())
        rows = [{**dict(zip(keys, k, strict=True)), "n": n} for k, n in cells.items() if n]
        if rows:
            conn.execute(table.insert(), rows)
        report = queries.REPORTS[name](conn, PERIOD, Context())
    return to_json([report], {})


counts = st.one_of(st.integers(0, 4), st.integers(5, 40))


@pytest.mark.parametrize("name", list(CELLS), ids=list(CELLS))
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_a_small_cell_never_shows_through(name, data):
    keys = CELLS[name][1]
    cells = {k: data.draw(counts) for k in keys}
    before = render(name, cells)
    assert render(name, cells) == before, "the same question gives the same output"
    small = [k for k, n in cells.items() if 0 < n < 5]
    for k in small:
        other = data.draw(st.integers(1, 4).filter(lambda v, k=k: v != cells[k]))
        assert render(name, {**cells, k: other}) == before, f"{k} shows through"
    if small:
        assert '"<5"' in before


@given(st.lists(st.integers(0, 30), min_size=1, max_size=8))
def test_one_small_cell_in_a_column_takes_a_second_one_with_it(values):
    rows = protect_columns([[count(v)] for v in values], [0])
    cells = [r[0] for r in rows]
    assert [c for c, v in zip(cells, values, strict=True) if 0 < v < 5] == \
        [SMALL] * sum(0 < v < 5 for v in values)
    hidden = sum(c in (SMALL, HIDDEN) for c in cells)
    others = [v for v in values if v >= 5]
    assert hidden != 1 or not others, "a lone hidden cell would show by subtraction"


def test_totals_add_only_shown_cells():
    assert total([7, SMALL, 5]) == "12+"
    assert total([7, 5]) == 12
    assert total([HIDDEN, SMALL]) == "0+"

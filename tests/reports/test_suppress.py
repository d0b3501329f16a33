"""Every report, fed random roll-up cells, goes through the one suppression routine: no count
of 1 to 4 is ever printed as a number, a column of a breakdown whose total is a headline
figure never has a lone hidden cell, and no small cell can be worked out from that total."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from buyerkit.reports import rollups, service
from buyerkit.reports.context import Context
from buyerkit.reports.period import Period, day_of
from buyerkit.reports.schema import COUNT_TABLES
from buyerkit.reports.suppress import HIDDEN, SMALL, is_shown
from buyerkit.signals.store import events

SLUG = "renewal-risk-check"
START = date(2026, 3, 2)
D = day_of(START)
PERIOD = Period(SLUG, START, date(2026, 3, 29))
VERDICTS = ("fit", "not_now", "not_a_fit")

# For each report: the roll-up table it reads and cell keys that land in its cells.
CELLS = {
    "overview": ("ru_outcomes", [(SLUG, D, v, 0) for v in (*VERDICTS, "in_progress")]
                 + [(SLUG, D, "abandoned", s) for s in (1, 2, 3)]),
    "weekly": ("ru_outcomes", [(SLUG, D + 7 * w, v, 0) for w in range(4) for v in VERDICTS]),
    "segments": ("ru_segments", [(SLUG, D, "persona", p, v) for p in ("a", "b", "c", "d")
                                 for v in VERDICTS]),
    "channels": ("ru_channels", [(SLUG, D, s, "cpc", "(none)", v)
                                 for s in ("google", "bing", "duckduckgo") for v in VERDICTS]),
    "bounces": ("ru_decided", [(SLUG, D, v, c, s)
                               for v, c in (("not_a_fit", "problem_misses"),
                                            ("not_a_fit", "profile_misses"),
                                            ("not_now", "no_trigger"))
                               for s in ("identifying_problem", "examining_solutions")]),
}
# The roll-up cells of the headline figures that go with them (same journeys).
ENGINE = sa.create_engine("sqlite://")
with ENGINE.begin() as _conn:
    rollups.create(_conn)
    events.create(_conn)  # the segments report's language table reads completions' `lang`


def render(name: str, cells: dict[tuple, int]):
    """The report for these cells; for breakdowns the headline cells (ru_outcomes) are filled
    with the same journeys, as the fold would."""
    table = COUNT_TABLES[CELLS[name][0] if name in CELLS else "ru_channels"]
    with ENGINE.begin() as conn:
        for t in COUNT_TABLES.values():
            conn.execute(t.delete())
        keys = [c.name for c in table.primary_key.columns]
        rows = [{**dict(zip(keys, k, strict=True)), "n": n} for k, n in cells.items() if n]
        if rows:
            conn.execute(table.insert(), rows)
        if table.name != "ru_outcomes":
            totals: dict[str, int] = {}
            for k, n in cells.items():
                status = k[-1] if table.name in ("ru_channels", "ru_segments") else k[2]
                totals[status] = totals.get(status, 0) + n
            outcome_rows = [{"subject": SLUG, "day": D, "status": s, "step": 0, "n": n}
                            for s, n in totals.items() if n]
            if outcome_rows:
                conn.execute(COUNT_TABLES["ru_outcomes"].insert(), outcome_rows)
        return service.REPORTS[name.split(":")[0]](conn, PERIOD, Context())


counts = st.one_of(st.integers(0, 4), st.integers(5, 40))


@pytest.mark.parametrize("name", list(CELLS), ids=list(CELLS))
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_no_small_count_is_ever_printed(name, data):
    cells = {k: data.draw(counts) for k in CELLS[name][1]}
    report = render(name, cells)
    assert render(name, cells) == report, "the same question gives the same output"
    for table in report.tables:
        for i, column in enumerate(table.columns):
            if column.kind != "count":
                continue
            for row in table.rows:
                if row[-1] == "rate":
                    continue  # the headline's fit rate row (its last column says so)
                v = row[i]
                assert not (is_shown(v) and 0 < v < 5), (table.key, column.key, row)
                assert v in (None, SMALL, HIDDEN) or is_shown(v), (table.key, row)


def _feasible(shown: list, total: int) -> dict[int, set[int]]:
    """Every value each hidden cell of a column can take, given the shown cells, the markers
    (<5 is 1-4, hidden is 5 or more) and the column's total."""
    hidden = [i for i, c in enumerate(shown) if not is_shown(c)]
    rest = total - sum(c for c in shown if is_shown(c))
    ranges = [range(1, 5) if shown[i] == SMALL else range(5, rest + 1) for i in hidden]
    out: dict[int, set[int]] = {i: set() for i in hidden}
    for combo in itertools.product(*ranges):
        if sum(combo) == rest:
            for i, v in zip(hidden, combo, strict=True):
                out[i].add(v)
    return out


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 14), min_size=2, max_size=5))
def test_channel_fit_cells_cannot_be_worked_out_from_the_headline(fits):
    keys = [(SLUG, D, f"s{i}", "cpc", "(none)", "fit") for i in range(len(fits))]
    # Each channel also brought 5 not-a-fit journeys, so no row is merged into Other.
    cells = {k: n for k, n in zip(keys, fits, strict=True)}
    cells.update({(SLUG, D, f"s{i}", "cpc", "(none)", "not_a_fit"): 5
                  for i in range(len(fits))})
    table = render_channels(cells)
    column = [r[1] for r in table.rows[:-1]]
    total = table.rows[-1][1]
    if not is_shown(total):
        return
    for i, values in _feasible(column, total).items():
        if column[i] == SMALL:
            assert len(values) >= 2, (fits, column, values)


def render_channels(cells):
    return render("channels:fit", cells).tables[0]

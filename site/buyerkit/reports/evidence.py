"""Which customer stories fit prospects look at: reads, plays and clips watched to the end per
story, by the verdict the reader carried, counted in distinct journeys and suppressed exactly
as every other report (reports/suppress.py: small rows merged, `<5`, complementary hiding).

Read from the reference_viewed / reference_played events of the period (they are few next to
the diagnostic's): a story's events carry its slug, the reader's verdict and bucket when the
link that brought them had one, and how far the clip was watched in quartiles.
"""

from __future__ import annotations

import json
from collections import defaultdict

import sqlalchemy as sa
from flask_babel import gettext as _

from buyerkit.reports.context import Context
from buyerkit.reports.i18n import N_
from buyerkit.reports.period import Period
from buyerkit.reports.suppress import NOTE, OTHER, count, merge_small, protect
from buyerkit.reports.tables import Bar, Column, Report, Table
from buyerkit.signals.store import events

KINDS = ("reference_viewed", "reference_played")
COLUMNS = (
    Column("fit_read", N_("Read by fit prospects")),
    Column("fit_played", N_("Clip played (fit)")),
    Column("fit_finished", N_("Clip watched to the end (fit)")),
    Column("not_now_read", N_("Read by “not now” prospects")),
    Column("all_read", N_("Read by anyone")),
)


def _journeys(conn: sa.Connection, period: Period) -> dict[str, dict[str, set[str]]]:
    """story -> column -> the journeys (or, without one, the event ids) counted in it."""
    cells: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    query = sa.select(events.c.id, events.c.kind, events.c.subject, events.c.journey,
                      events.c.verdict, events.c.props).where(
        events.c.kind.in_(KINDS), events.c.filtered.is_(None),
        events.c.hour.between(period.first_day * 24, period.last_day * 24 + 23))
    for row in conn.execute(query):
        who = row.journey or row.id
        story = cells[row.subject]
        if row.kind == "reference_viewed":
            story["all_read"].add(who)
            if row.verdict in ("fit", "not_now"):
                story[f"{row.verdict}_read"].add(who)
            continue
        if row.verdict != "fit":
            continue
        story["fit_played"].add(who)
        try:
            quartile = json.loads(row.props or "{}").get("quartile")
        except (ValueError, AttributeError):
            quartile = None
        if quartile == 4:
            story["fit_finished"].add(who)
    return cells


def evidence(conn: sa.Connection, period: Period, ctx: Context) -> Report:
    """One row per customer story: how many fit prospects read it, played and finished it."""
    cells = _journeys(conn, period)
    keys = [c.key for c in COLUMNS]
    stories = sorted(cells, key=lambda s: (-len(cells[s]["fit_read"]), s))
    sizes = {s: [len(cells[s][k]) for k in keys] for s in stories}
    keep, merged = merge_small(sizes)
    rows: dict[str, list[int]] = {s: sizes[s] for s in keep}
    if merged:
        rows[OTHER] = [len(set().union(*(cells[s][k] for s in merged))) for k in keys]
    values = {(r, k): rows[r][i] for r in rows for i, k in enumerate(keys)}
    shown = protect(values, [[(r, k) for r in rows] for k in keys])
    totals = [count(len(set().union(*(cells[s][k] for s in stories)))) if stories else 0
              for k in keys]
    def name(r: str) -> str:
        return _("Other") if r == OTHER else r

    table_rows = [(name(r), *(shown[(r, k)] for k in keys)) for r in rows]
    table_rows.append((_("All stories"), *totals))
    table = Table(
        "evidence", _("Customer stories by the readers' verdict"),
        (Column("story", _("Story"), "text"),
         *(Column(c.key, _(c.label), c.kind) for c in COLUMNS)), tuple(table_rows),
        note=_("Counted in journeys: a prospect who read a story twice counts once. The "
               "verdict is the one the reader's link carried (from the diagnostic's result, a "
               "calculator or a forwarded guide); readers who came another way count only "
               "under “Read by anyone”.") + " " + _(NOTE),
        chart=tuple(Bar(name(r), shown[(r, "fit_read")], "fit") for r in rows),
        chart_title=_("Fit prospects who read each story"))
    return Report("evidence", _("Customer evidence"),
                  _("Which customer stories fit prospects look at, and whether they watch the "
                    "clip to the end."), (table,))

"""The overview: the Monday question on one screen. Headline figures with their change against
the previous period, fit prospects per week as a trend, the top channels by fit and the top
bounce reasons by name; then where journeys ended and the step they left at. Every figure is
a cell another report shows for the same period (the channel and reason rows are those of the
Channels and Bounce reasons reports, the trend is the weekly scorecard of its weeks)."""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from flask_babel import gettext as _

from buyerkit.reports import figures as fig
from buyerkit.reports.context import Context
from buyerkit.reports.i18n import day_text
from buyerkit.reports.period import Period
from buyerkit.reports.queries import bounces, channels, suppressed, weekly
from buyerkit.reports.schema import ru_outcomes
from buyerkit.reports.suppress import NOTE, OTHER, count, rate
from buyerkit.reports.tables import Bar, Column, Report, Table

TOP = 5


def _headline(period: Period, now: fig.Figures, before: fig.Figures | None) -> Table:
    rows = []
    for h in fig.headlines(now, before):
        kind = "rate" if h.key == "fit_rate" else "count"
        rows.append((h.label, h.now, h.before, h.change, kind))
    prev = period.previous()
    return Table(
        "headline", _("The period at a glance"),
        (Column("figure", _("Figure"), "text"), Column("now", _("This period")),
         Column("before", _("Previous period (%(period)s)", period=prev.label)),
         Column("change", _("Change"), "change"), Column("kind", _("Kind"), "text")),
        tuple(rows),
        note=_("Fit rate is fit prospects out of completed diagnostics; its change is in "
               "percentage points. A change is shown where both periods' figures are shown."))


def step_name(ctx: Context, n: int) -> str:
    """Step n (1-based, as the pages count them) by its title in the content, "Step n" only
    for a step the content no longer has."""
    steps = getattr(ctx.diagnostic, "steps", None) or ()
    return steps[n - 1].title if 1 <= n <= len(steps) else _("Step %(n)s", n=n)


def _steps(conn: sa.Connection, period: Period, ctx: Context) -> Table:
    raw: dict[int, list[int]] = defaultdict(lambda: [0])
    query = (sa.select(ru_outcomes.c.step, sa.func.sum(ru_outcomes.c.n))
             .where(ru_outcomes.c.subject == period.diagnostic,
                    ru_outcomes.c.status == "abandoned",
                    ru_outcomes.c.day.between(period.first_day, period.last_day))
             .group_by(ru_outcomes.c.step).order_by(ru_outcomes.c.step))
    for step, n in conn.execute(query):
        raw[int(step)][0] += int(n or 0)
    rows = [(_("Other steps") if k == OTHER else step_name(ctx, k), cells[0])
            for k, cells in suppressed(dict(raw), (0,))]
    return Table(
        "abandoned_steps", _("Left mid-way, by the step they left at"),
        (Column("step", _("Step"), "text"), Column("journeys", _("Journeys"))), tuple(rows),
        note=_("A prospect who leaves has learned something too: often that this is not "
               "their problem yet. Which step they leave at says which question made it "
               "clear."),
        chart=tuple(Bar(r[0], r[1], "abandoned") for r in rows),
        chart_title=_("Left mid-way, by step"))


def _outcomes(now: fig.Figures) -> Table:
    started, completed = now.started, now.completed
    tones = ("", "", "fit", "not_now", "not_a_fit", "abandoned", "", "")
    rows = [(_("Started"), started, None),
            (_("Completed"), completed, rate(completed, started)),
            (_("Fit"), now.cell("fit"), rate(now.cell("fit"), completed)),
            (_("Not now"), now.cell("not_now"), rate(now.cell("not_now"), completed)),
            (_("Not a fit"), now.cell("not_a_fit"), rate(now.cell("not_a_fit"), completed)),
            (_("Left mid-way"), now.cell("abandoned"), rate(now.cell("abandoned"), started)),
            (_("Started, no outcome recorded yet"), now.cell("in_progress"),
             rate(now.cell("in_progress"), started)),
            (_("Filtered (bots, honeypot), counted apart"), count(now.raw.get("filtered", 0)),
             None)]
    return Table(
        "outcomes", _("Where journeys ended"),
        (Column("outcome", _("Outcome"), "text"), Column("journeys", _("Journeys")),
         Column("share", _("Share"), "rate")),
        tuple(rows), note=_("Shares of fit, not now and not a fit are of completed journeys; "
                            "the others are of started journeys."),
        chart=tuple(Bar(row[0], row[1], tone) for row, tone in zip(rows, tones, strict=True)
                    if tone),
        chart_title=_("Where journeys ended"))


def first_screen(conn: sa.Connection, period: Period, ctx: Context
                 ) -> tuple[fig.Figures, fig.Figures, Table]:
    """The headline figures, the previous period's, and the weekly scorecard of the trend's
    weeks: one query of days covers the period, the one before and the trend (with the week
    before it, for the first week's change); buying groups come from their own table."""
    since, until = fig.trend_window(period)
    trend_period = Period(period.diagnostic, since, until, "custom", False)
    prev = period.previous()
    start = min(prev.first_day if period.compare else period.first_day,
                trend_period.first_day - 7)
    by_day = fig.days(conn, period.diagnostic, start,
                      max(period.last_day, trend_period.last_day))
    g_now, g_before = fig.groups(conn, period, period.compare)
    now = fig.figures_of(by_day, period.first_day, period.last_day, g_now)
    before = fig.figures_of(by_day, prev.first_day, prev.last_day, g_before)
    return now, before, weekly(conn, trend_period, ctx, by_day).tables[0]


def overview(conn: sa.Connection, period: Period, ctx: Context) -> Report:
    """The first screen: headline figures and change, trend, top channels, top reasons."""
    now, before, trend = first_screen(conn, period, ctx)
    since, until = fig.trend_window(period)
    trend = Table("trend", _("Fit prospects per week (%(since)s to %(until)s)",
                             since=day_text(since), until=day_text(until)),
                  trend.columns, trend.rows[:-1],
                  note=_("Whole weeks, Monday to Sunday; the weekly scorecard for these dates "
                         "shows the same cells."),
                  chart=trend.chart, chart_title=_("Fit prospects per week"))
    ch = channels(conn, period, ctx, now).tables[0]
    top_ch = [r for r in ch.rows[:-1] if r[1] != 0][:TOP]
    top_channels = Table(
        "top_channels", _("Top channels by fit prospects"),
        (Column("channel", _("Channel"), "text"), Column("fit", _("Fit prospects")),
         Column("fit_rate", _("Fit rate"), "rate")),
        tuple((r[0], r[1], r[5]) for r in top_ch),
        note=_("The rows of the Channels report with the most fit prospects."))
    reasons = bounces(conn, period, ctx, now).tables[1]
    top_reasons = Table(
        "top_reasons", _("Top bounce reasons"),
        (Column("reason", _("Reason"), "text"), Column("verdict", _("Verdict"), "text"),
         Column("journeys", _("Journeys"))),
        tuple(r[:3] for r in reasons.rows[:TOP]),
        note=_("The rows of the Bounce reasons report given most often."))
    tables = (_headline(period, now, before if period.compare else None), trend,
              top_channels, top_reasons, _outcomes(now), _steps(conn, period, ctx))
    notes = [_(NOTE)]
    why = period.future_note()
    if now.empty:
        notes.insert(0, why or _("No diagnostic was started in this period, so every figure "
                                 "is 0."))
    elif why:
        notes.insert(0, why)
    return Report("overview", _("Fit and bounce overview"),
                  _("Who found a fit, who found out early that they are not one, and where."),
                  tables, tuple(notes))

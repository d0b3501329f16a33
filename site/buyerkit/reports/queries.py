"""The reports, built from the roll-ups for one Period: each function reads a few small
tables (never the events) and returns a Report whose cells are already suppressed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from buyerkit.reports.context import DIMENSIONS, RULES, STAGES, VERDICTS, Context
from buyerkit.reports.evidence import evidence
from buyerkit.reports.highlights import highlights
from buyerkit.reports.period import Period, date_of
from buyerkit.reports.schema import (
    ru_channels,
    ru_decided,
    ru_groups,
    ru_orgs,
    ru_outcomes,
    ru_reasons,
    ru_segments,
)
from buyerkit.reports.suppress import count, is_shown, protect_columns, rate, total
from buyerkit.reports.suppress import value as shown_value
from buyerkit.reports.tables import Bar, Column, Report, Table

SHOWN_NOTE = ("Cells from fewer than 5 journeys show <5; “hidden” cells are hidden so a small "
              "one cannot be worked out from another report. Totals add only the cells shown.")


def _sums(conn: sa.Connection, table: sa.Table, period: Period | None, *keys: str,
          first_day: int | None = None) -> list[tuple[Any, ...]]:
    """(keys..., n) summed over the period's days (and diagnostic), in key order."""
    cols = [table.c[k] for k in keys]
    query = (sa.select(*cols, sa.func.sum(table.c.n)).group_by(*cols)
             .having(sa.func.sum(table.c.n) != 0).order_by(*cols))
    if period is not None:
        query = query.where(table.c.day.between(
            period.first_day if first_day is None else first_day, period.last_day))
        if "subject" in table.c:
            query = query.where(table.c.subject == period.diagnostic)
    return [tuple(r) for r in conn.execute(query)]


def overview(conn: sa.Connection, period: Period, ctx: Context) -> Report:
    """Started, completed, fit, not now, not a fit, left mid-way (and at which step)."""
    raw: dict[str, int] = defaultdict(int)
    steps: dict[int, int] = defaultdict(int)
    for status, step, n in _sums(conn, ru_outcomes, period, "status", "step"):
        raw[status] += n
        if status == "abandoned":
            steps[step] += n
    step_rows = protect_columns([[f"Step {s}", count(n)] for s, n in sorted(steps.items())],
                                [1])
    verdicts = [count(raw[v]) for v in VERDICTS]
    verdicts = protect_columns([[v] for v in verdicts], [0])
    verdicts = [v[0] for v in verdicts]
    completed = total(verdicts)
    abandoned = total([r[1] for r in step_rows])
    unfinished = count(raw["in_progress"])
    started = total([completed, abandoned, unfinished])
    rows = [("Started", started, None), ("Completed", completed, rate(completed, started))]
    rows += [(label, cell, rate(cell, completed))
             for label, cell in zip(VERDICTS.values(), verdicts, strict=True)]
    rows += [("Left mid-way", abandoned, rate(abandoned, started)),
             ("Started, no outcome recorded yet", unfinished, rate(unfinished, started)),
             ("Filtered (bots, honeypot), counted apart", count(raw["filtered"]), None)]
    tones = {"Fit": "fit", "Not now": "not_now", "Not a fit": "not_a_fit",
             "Left mid-way": "abandoned"}
    outcomes = Table(
        "outcomes", "Outcomes",
        (Column("outcome", "Outcome", "text"), Column("journeys", "Journeys"),
         Column("share", "Share", "rate")),
        tuple(rows), note="Shares of fit, not now and not a fit are of completed journeys; "
                          "the others are of started journeys. " + SHOWN_NOTE,
        chart=tuple(Bar(label, cell, tones[label]) for label, cell, _ in rows if label in tones),
        chart_title="Where journeys ended")
    steps_table = Table(
        "abandoned_steps", "Left mid-way, by the step they left at",
        (Column("step", "Step", "text"), Column("journeys", "Journeys")),
        tuple(tuple(r) for r in step_rows),
        note="A prospect who leaves has learned something too: often that this is not their "
             "problem yet. Which step they leave at says which question made it clear.",
        chart=tuple(Bar(r[0], r[1], "abandoned") for r in step_rows),
        chart_title="Left mid-way, by step")
    summary = highlights(steps_table, channels(conn, period, ctx), bounces(conn, period, ctx),
                         groups(conn, period, ctx))
    return Report("overview", "Fit and bounce overview",
                  "Who found a fit, who found out early that they are not one, and where.",
                  (summary, outcomes, steps_table))


def bounces(conn: sa.Connection, period: Period, ctx: Context) -> Report:
    """Which rule decided each bounce, at which stage, and every reason given."""
    grid: dict[str, dict[str, int]] = {r: defaultdict(int) for r in RULES}
    for verdict, code, stage, n in _sums(conn, ru_decided, period, "verdict", "code", "stage"):
        grid[ctx.rule(verdict, code)][stage] += n
    rule_rows = [[RULES[r], *(count(grid[r][s]) for s in STAGES)] for r in RULES
                 if any(grid[r].values())]
    rule_rows = protect_columns(rule_rows, [1, 2])
    rule_rows = [[*r, total(r[1:])] for r in rule_rows]
    decided = Table(
        "rules", "Which rule decided, and at which stage",
        (Column("rule", "Rule that decided", "text"),
         *(Column(k, v) for k, v in STAGES.items()), Column("total", "Total shown")),
        tuple(tuple(r) for r in rule_rows),
        note="Each not-now or not-a-fit journey counts once, under the first rule that decided "
             "it (disqualifiers, then problem, then profile, then urgency). " + SHOWN_NOTE,
        chart=tuple(Bar(r[0], r[-1], "bounce") for r in rule_rows),
        chart_title="Bounces by the rule that decided")
    reason_rows = [[code, RULES[ctx.rule(verdict, code)], VERDICTS.get(verdict, verdict),
                    count(n)]
                   for verdict, code, n in _sums(conn, ru_reasons, period, "verdict", "code")
                   if not code.endswith("_fits") and not code.startswith("trigger_")]
    reason_rows = protect_columns(reason_rows, [3])
    reasons = Table(
        "reasons", "Every reason given",
        (Column("reason", "Reason code", "text"), Column("rule", "Rule", "text"),
         Column("verdict", "Verdict", "text"), Column("journeys", "Journeys")),
        tuple(tuple(r) for r in reason_rows),
        note="A journey can give several reasons, so this column does not add up to the "
             "number of bounces.")
    return Report("bounces", "Bounce reasons",
                  "Prospects who learned early that Harborline is not for them, or not yet: "
                  "each bounce saved them and sales time, and says which persona or problem "
                  "does not resonate.", (decided, reasons))


def channels(conn: sa.Connection, period: Period, ctx: Context) -> Report:
    """Fit prospects reached per channel, the fit rate, and cost per fit when spend is known."""
    raw: dict[tuple[str, str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for source, medium, campaign, status, n in _sums(
            conn, ru_channels, period, "source", "medium", "campaign", "status"):
        raw[(source, medium, campaign)][status] += n
    for channel in ctx.spend_cents:
        raw.setdefault(channel, defaultdict(int))
    rows = []
    for ch in sorted(raw):
        done = sum(raw[ch][v] for v in VERDICTS)
        rows.append([*ch, count(sum(raw[ch].values())), count(done), count(raw[ch]["fit"])])
    rows = protect_columns(rows, [3, 4, 5])
    rows.sort(key=lambda r: (-shown_value(r[5]), r[:3]))  # shown cells only: no hidden order
    out = []
    for r in rows:
        cents = ctx.spend_cents.get(tuple(r[:3]))
        spend = None if cents is None else cents / 100
        per_fit = spend / r[5] if spend is not None and is_shown(r[5]) and r[5] else None
        out.append((*r, rate(r[5], r[4]), spend, per_fit))
    reached, done, fit = (total([r[i] for r in rows]) for i in (3, 4, 5))
    spend_total = sum(ctx.spend_cents.values()) / 100 if ctx.spend_cents else None
    out.append(("All channels", "", "", reached, done, fit, rate(fit, done), spend_total,
                spend_total / fit if spend_total is not None and is_shown(fit) and fit
                else None))
    table = Table(
        "channels", "Fit prospects by channel",
        (Column("source", "Source", "text"), Column("medium", "Medium", "text"),
         Column("campaign", "Campaign", "text"), Column("reached", "Journeys"),
         Column("completed", "Completed"), Column("fit", "Fit prospects"),
         Column("fit_rate", "Fit rate", "rate"), Column("spend", "Spend", "money"),
         Column("cost_per_fit", "Cost per fit prospect", "money")),
        tuple(out),
        note="Spend is prorated by day within each month. " + SHOWN_NOTE,
        chart=tuple(Bar(f"{r[0]} / {r[1]} / {r[2]}", r[5], "fit") for r in out[:-1][:10]),
        chart_title="Fit prospects by channel")
    return Report("channels", "By channel",
                  "Which channels bring prospects who fit, and at what cost per fit prospect.",
                  (table,))


def segments(conn: sa.Connection, period: Period, ctx: Context) -> Report:
    """Verdicts by persona, company size, problem bucket and urgency trigger."""
    raw: dict[str, dict[str, dict[str, int]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(int)))
    for dim, value, status, n in _sums(conn, ru_segments, period, "dim", "value", "status"):
        raw[dim][value][status] += n
    tables = []
    for dim, title in DIMENSIONS.items():
        rows = protect_columns(
            [[ctx.label(dim, v), *(count(raw[dim][v][s]) for s in VERDICTS)]
             for v in sorted(raw[dim])], [1, 2, 3])
        rows.sort(key=lambda r: (-shown_value(r[1]), r[0]))
        out = []
        for r in rows:
            done = total(r[1:])
            whole = all(is_shown(c) for c in r[1:])
            out.append((*r[:1], done, *r[1:], rate(r[1], done) if whole else None))
        tables.append(Table(
            dim, title,
            (Column("value", title, "text"), Column("completed", "Completed (shown)"),
             *(Column(k, v) for k, v in VERDICTS.items()), Column("fit_rate", "Fit rate", "rate")),
            tuple(out), note="Fit rate is shown only where every verdict cell is shown.",
            chart=tuple(Bar(r[0], r[2], "fit") for r in out[:10]),
            chart_title=f"Fit prospects by {title.lower()}"))
    return Report("segments", "By persona, segment, problem and trigger",
                  "Which personas and segments the message resonates with, and which "
                  "problems and triggers bring prospects who fit.", tuple(tables))


def _target_hashes(ctx: Context) -> dict[str, str]:
    if not ctx.targets or not ctx.org_key:
        return {}
    from buyerkit.signals.company import org_hash

    return {org_hash(ctx.org_key, domain): name for name, domain in ctx.targets}


def groups(conn: sa.Connection, period: Period, ctx: Context) -> Report:
    """Buying groups by roles engaged, their verdicts, CFO and security interest; penetration
    of the target account list."""
    raw: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for roles, verdict, cfo, security, n in _sums(conn, ru_groups, period, "roles", "verdict",
                                                  "cfo", "security"):
        row = raw[min(roles, 7)]
        row[verdict] += n
        row["cfo"] += n * cfo
        row["security"] += n * security
    keys = [*VERDICTS, "none"]
    rows = protect_columns(
        [[f"{k}+" if k == 7 else str(k), *(count(raw[k][v]) for v in keys),
          count(raw[k]["cfo"]), count(raw[k]["security"])] for k in sorted(raw)],
        [1, 2, 3, 4, 5, 6])
    out = [(r[0], total(r[1:5]), *r[1:]) for r in rows]
    table = Table(
        "groups", "Buying groups by number of roles engaged",
        (Column("roles", "Roles engaged", "text"), Column("groups", "Groups (shown)"),
         Column("fit", "Best verdict: fit"), Column("not_now", "Best verdict: not now"),
         Column("not_a_fit", "Best verdict: not a fit"),
         Column("none", "No diagnostic yet"), Column("cfo", "CFO guide read"),
         Column("security", "Security review requested")),
        tuple(out),
        note="A buying group forms when a prospect shares a link with colleagues; roles are "
             "the role guides its members opened or shared from. Cells count groups, and "
             "fewer than 5 groups show <5.",
        chart=tuple(Bar(f"{r[0]} roles", r[1], "fit") for r in out),
        chart_title="Buying groups by roles engaged")
    hashes = _target_hashes(ctx)
    engaged: dict[str, int] = defaultdict(int)
    if hashes:
        query = (sa.select(ru_orgs.c.org, sa.func.sum(ru_orgs.c.n))
                 .where(ru_orgs.c.day.between(period.first_day, period.last_day),
                        ru_orgs.c.org.in_(sorted(hashes)))
                 .group_by(ru_orgs.c.org))
        for org, n in conn.execute(query):
            engaged[hashes[org]] += n
    named = tuple((name, count(engaged[name])) for name in sorted(engaged))
    listed = len(ctx.targets)
    penetration = Table(
        "penetration", "Target accounts engaged",
        (Column("measure", "Measure", "text"), Column("value", "Value", "number")),
        (("Target accounts on the list", listed), ("Target accounts engaged", len(engaged)),
         ("Penetration", f"{len(engaged) / listed * 100:.1f}%" if listed else None)),
        note="A company counts as engaged when someone from it told us its web domain and "
             "that domain is on content/targets.yaml; other companies stay an anonymous hash.")
    targets = Table(
        "targets", "Target accounts engaged, by name",
        (Column("target", "Target account", "text"), Column("journeys", "Journeys")), named)
    return Report("groups", "Buying groups",
                  "Buying groups forming around shared material: how many roles take part, "
                  "and how far the target account list is reached.",
                  (table, penetration, targets))


def _week(day: int) -> int:
    """Monday-based week number (1970-01-01 was a Thursday)."""
    return (day + 3) // 7


def weekly(conn: sa.Connection, period: Period, ctx: Context) -> Report:
    """One row per week (Monday to Sunday) with the overview's figures and the change."""
    first_week, last_week = _week(period.first_day), _week(period.last_day)
    raw: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    query = (sa.select(ru_outcomes.c.day, ru_outcomes.c.status, sa.func.sum(ru_outcomes.c.n))
             .where(ru_outcomes.c.subject == period.diagnostic,
                    ru_outcomes.c.day.between(first_week * 7 - 3 - 7, period.last_day))
             .group_by(ru_outcomes.c.day, ru_outcomes.c.status)
             .having(sa.func.sum(ru_outcomes.c.n) != 0))
    for day, status, n in conn.execute(query):
        if _week(day) >= first_week and day < period.first_day:
            continue  # the first week counts only the days inside the range
        raw[_week(day)][status] += n
    weeks = list(range(first_week - 1, last_week + 1))
    statuses = [*VERDICTS, "abandoned", "in_progress"]
    rows = protect_columns([[w, *(count(raw[w][s]) for s in statuses)] for w in weeks],
                           [1, 2, 3, 4, 5])
    out = []
    for i, r in enumerate(rows):
        completed = total(r[1:4])
        whole = all(is_shown(c) for c in r[1:4])
        fit_rate = rate(r[1], completed) if whole else None
        prev = rows[i - 1] if i else None
        change = r[1] - prev[1] if prev and is_shown(r[1]) and is_shown(prev[1]) else None
        rate_prev = out[-1][-3] if out else None
        rate_change = (fit_rate - rate_prev) * 100 \
            if fit_rate is not None and rate_prev is not None else None
        start = date_of(r[0] * 7 - 3)
        partial = start < period.since or date_of(r[0] * 7 + 3) > period.until
        label = start.isoformat() + (" (part)" if partial else "")
        out.append((label, total([completed, *r[4:6]]), completed, *r[1:5], fit_rate,
                    change, rate_change))
    table = Table(
        "weekly", "Weekly scorecard",
        (Column("week", "Week starting", "text"), Column("started", "Started (shown)"),
         Column("completed", "Completed (shown)"),
         *(Column(k, v) for k, v in VERDICTS.items()), Column("abandoned", "Left mid-way"),
         Column("fit_rate", "Fit rate", "rate"), Column("fit_change", "Fit vs last week",
                                                        "change"),
         Column("rate_change", "Fit rate vs last week (points)", "change")),
        tuple(out[1:]),
        note="Weeks run Monday to Sunday; a week cut by the range is marked (part). "
             "Changes are shown only where both weeks' cells are shown. " + SHOWN_NOTE,
        chart=tuple(Bar(r[0][:10], r[3], "fit") for r in out[1:]),
        chart_title="Fit prospects per week")
    return Report("weekly", "Weekly scorecard",
                  "The week's fit and bounce figures next to last week's.", (table,))


REPORTS: dict[str, Callable[[sa.Connection, Period, Context], Report]] = {
    "overview": overview, "bounces": bounces, "channels": channels, "segments": segments,
    "groups": groups, "weekly": weekly, "evidence": evidence,
}

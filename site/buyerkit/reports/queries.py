"""The reports, built from the roll-ups for one Period: each function reads a few small
tables (never the events) and returns a Report whose cells went through the one suppression
routine (suppress.py), and whose "All …" row is the period's headline figures (figures.py),
so every report gives the same totals for the same period."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from buyerkit.reports import figures as fig
from buyerkit.reports.context import DIMENSIONS, RULES, STAGES, VERDICTS, Context
from buyerkit.reports.i18n import N_, percent_text
from buyerkit.reports.period import Period
from buyerkit.reports.schema import (
    ru_channels,
    ru_decided,
    ru_group_state,
    ru_orgs,
    ru_reasons,
    ru_segments,
)
from buyerkit.reports.suppress import (
    NOTE,
    OTHER,
    Cell,
    count,
    derived,
    is_shown,
    merge_small,
    protect,
    rate,
    value,
)
from buyerkit.reports.tables import Bar, Column, Report, Table

OUTCOME_COLS = ("fit", "not_now", "not_a_fit", "abandoned")
OUTCOME_LABELS = {"fit": N_("Fit prospects"), "not_now": N_("Not now"),
                  "not_a_fit": N_("Not a fit"), "abandoned": N_("Left mid-way")}


def _sums(conn: sa.Connection, table: sa.Table, period: Period | None, *keys: str
          ) -> list[tuple[Any, ...]]:
    """(keys..., n) summed over the period's days (and diagnostic), in key order."""
    cols = [table.c[k] for k in keys]
    query = (sa.select(*cols, sa.func.sum(table.c.n)).group_by(*cols)
             .having(sa.func.sum(table.c.n) != 0).order_by(*cols))
    if period is not None:
        query = query.where(table.c.day.between(period.first_day, period.last_day))
        if "subject" in table.c:
            query = query.where(table.c.subject == period.diagnostic)
    return [tuple(r) for r in conn.execute(query)]


def suppressed(rows: dict[Hashable, Sequence[int]], columns: Sequence[int], merge: bool = True,
               keep_zero: Sequence[Hashable] = (), size: int | None = None
               ) -> list[tuple[Hashable, list[Cell]]]:
    """Rows of counts as they may be shown: rows with fewer than 5 merged into OTHER (when
    `merge`; a row's size is the sum of its cells, or cell `size` when the columns overlap),
    then every cell through `protect`, the `columns` being those whose totals are shown (so
    complementary cells are hidden in them). Rows in the given order, OTHER last."""
    if merge:
        keep, merged = merge_small(rows if size is None else
                                   {k: [v[size]] for k, v in rows.items()})
    else:
        keep, merged = [k for k in rows if any(rows[k])], []
    keep += [k for k in keep_zero if k in rows and not any(rows[k]) and k not in keep]
    table: dict[Hashable, list[int]] = {k: list(rows[k]) for k in rows if k in keep}
    if merged:
        width = len(next(iter(rows.values())))
        table[OTHER] = [sum(rows[k][i] for k in merged) for i in range(width)]
    values = {(k, i): v for k, vs in table.items() for i, v in enumerate(vs)}
    cells = protect(values, [[(k, i) for k in table] for i in columns])
    return [(k, [cells[(k, i)] for i in range(len(vs))]) for k, vs in table.items()]


def _by_shown(rows: list[tuple[Any, list[Cell]]], index: int) -> list[tuple[Any, list[Cell]]]:
    """Largest shown count first (hidden cells sort as 0: their size is not given away);
    OTHER always last."""
    return sorted(rows, key=lambda r: (r[0] == OTHER, -value(r[1][index])))


def bounces(conn: sa.Connection, period: Period, ctx: Context,
            now: fig.Figures | None = None) -> Report:
    """Which rule decided each bounce (and whether after examining solutions), and every
    reason given, by name."""
    names = ctx.names
    if now is None:
        now, _before = fig.read(conn, period, with_previous=False)
    grid: dict[str, list[int]] = {r: [0, 0] for r in RULES}
    for verdict, code, stage, n in _sums(conn, ru_decided, period, "verdict", "code", "stage"):
        row = grid[ctx.rule(verdict, code)]
        row[0] += n
        row[1] += n if stage == "examining_solutions" else 0
    rules = [r for r in RULES if grid[r][0]]
    values = {(r, i): grid[r][i] for r in rules for i in (0, 1)}
    cells = protect(values, [[(r, 0) for r in rules],
                             [(r, 0) for r in rules if r != "urgency"]])
    rule_rows = [(_(RULES[r]), cells[(r, 0)], cells[(r, 1)]) for r in rules]
    rule_rows.append((_("All bounces"), now.bounces, None))
    decided = Table(
        "rules", _("Which rule decided"),
        (Column("rule", _("Rule that decided"), "text"), Column("bounces", _("Bounces")),
         Column("examining", _("Of them, after pricing, calculators or guides"))),
        tuple(rule_rows),
        note=_("Each not-now or not-a-fit journey counts once, under the first rule that "
               "decided it. %(stage)s means the prospect had looked at solutions before the "
               "verdict.", stage=_(STAGES["examining_solutions"])),
        chart=tuple(Bar(r[0], r[1], "bounce") for r in rule_rows[:-1]),
        chart_title=_("Bounces by the rule that decided"))
    counts: dict[Hashable, list[int]] = {}
    for verdict, code, n in _sums(conn, ru_reasons, period, "verdict", "code"):
        if not code.endswith("_fits") and not code.startswith("trigger_"):
            counts[(verdict, code)] = [n]
    rows = _by_shown(suppressed(counts, (), merge=True), 0)
    reason_rows = tuple(
        (_("Other reasons"), "", r[1][0], "") if r[0] == OTHER
        else (names.reason(r[0][1]), _(VERDICTS[r[0][0]]) if r[0][0] in VERDICTS
              else r[0][0], r[1][0], r[0][1])
        for r in rows)
    reasons = Table(
        "reasons", _("Every reason given"),
        (Column("reason", _("Reason"), "text"), Column("verdict", _("Verdict"), "text"),
         Column("journeys", _("Journeys")), Column("code", _("Reason code"), "text")),
        reason_rows,
        note=_("A journey can give several reasons, so this column does not add up to the "
               "number of bounces."),
        chart=tuple(Bar(r[0], r[2], "bounce") for r in reason_rows[:8]),
        chart_title=_("Reasons given"))
    return Report("bounces", _("Bounce reasons"),
                  _("Prospects who learned early that this is not for them, or not yet: each "
                    "bounce saved them and sales time, and says which persona or problem does "
                    "not resonate."), (decided, reasons), (_(NOTE),))


CHANNEL_OTHER = N_("Other channels")
# Whole sentences per dimension, as a translation needs them (English: "by" + the title).
CHART_TITLES = {"persona": N_("Fit prospects by persona"),
                "size": N_("Fit prospects by segment (company size)"),
                "bucket": N_("Fit prospects by problem bucket"),
                "trigger": N_("Fit prospects by urgency trigger")}


def channels(conn: sa.Connection, period: Period, ctx: Context,
             now: fig.Figures | None = None) -> Report:
    """Fit prospects, bounces and departures per channel, by name, with the cost per fit
    prospect where spend is known."""
    names = ctx.names
    if now is None:
        now, _before = fig.read(conn, period, with_previous=False)
    raw: dict[Hashable, list[int]] = defaultdict(lambda: [0] * len(OUTCOME_COLS))
    for source, medium, campaign, status, n in _sums(
            conn, ru_channels, period, "source", "medium", "campaign", "status"):
        if status in OUTCOME_COLS:
            raw[(source, medium, campaign)][OUTCOME_COLS.index(status)] += n
    for channel in ctx.spend_cents:
        raw[channel]  # noqa: B018 - a channel with spend but no journeys shows its zeros
    raw = dict(sorted(raw.items()))
    _kept, merged = merge_small(raw)  # the channels behind OTHER (their spend adds up there)
    rows = _by_shown(suppressed(raw, range(len(OUTCOME_COLS)), keep_zero=list(ctx.spend_cents)),
                     0)
    out = []
    for key, cells in rows:
        keys = merged if key == OTHER else [key]
        cents = [ctx.spend_cents[k] for k in keys if k in ctx.spend_cents]
        spend = sum(cents) / 100 if cents else None
        fit = cells[0]
        per_fit = spend / fit if spend is not None and is_shown(fit) and fit else None
        label = _(CHANNEL_OTHER) if key == OTHER else names.channel(*key)
        utm = ("", "", "") if key == OTHER else key
        out.append((label, *cells, rate(fit, derived(cells[:3])), spend, per_fit, *utm))
    spend_total = sum(ctx.spend_cents.values()) / 100 if ctx.spend_cents else None
    fit_total = now.cell("fit")
    out.append((_("All channels"), *(now.cell(c) for c in OUTCOME_COLS), now.fit_rate,
                spend_total, spend_total / fit_total
                if spend_total is not None and is_shown(fit_total) and fit_total else None,
                "", "", ""))
    table = Table(
        "channels", _("Fit prospects by channel"),
        (Column("channel", _("Channel"), "text"),
         *(Column(c, _(OUTCOME_LABELS[c])) for c in OUTCOME_COLS),
         Column("fit_rate", _("Fit rate"), "rate"), Column("spend", _("Spend"), "money"),
         Column("cost_per_fit", _("Cost per fit prospect"), "money"),
         Column("source", "utm_source", "text"), Column("medium", "utm_medium", "text"),
         Column("campaign", "utm_campaign", "text")),
        tuple(out),
        note=_("Fit rate is of the channel's completed journeys. Spend is prorated by day "
               "within each month. Channel names come from %(file)s `channels:`, else from "
               "the source and medium (see the reports documentation).",
               file=ctx.names.path("site.yaml")),
        chart=tuple(Bar(r[0], r[1], "fit") for r in out[:-1][:10]),
        chart_title=_("Fit prospects by channel"))
    return Report("channels", _("By channel"),
                  _("Which channels bring prospects who fit, and at what cost per fit "
                    "prospect."), (table,), (_(NOTE),))


def segments(conn: sa.Connection, period: Period, ctx: Context) -> Report:
    """Verdicts by persona, company size, problem bucket and urgency trigger."""
    now, _before = fig.read(conn, period, with_previous=False)
    raw: dict[str, dict[Hashable, list[int]]] = defaultdict(
        lambda: defaultdict(lambda: [0, 0, 0]))
    for dim, val, status, n in _sums(conn, ru_segments, period, "dim", "value", "status"):
        if status in VERDICTS:
            raw[dim][val][list(VERDICTS).index(status)] += n
    tables = []
    for dim, marked in DIMENSIONS.items():
        title = _(marked)
        rows = _by_shown(suppressed(dict(sorted(raw[dim].items())), (0, 1, 2)), 0)
        out = [(_("Other (each fewer than 5)") if k == OTHER else ctx.label(dim, str(k)),
                *cells, rate(cells[0], derived(cells))) for k, cells in rows]
        out.append((_("All"), *(now.cell(v) for v in VERDICTS), now.fit_rate))
        tables.append(Table(
            dim, title,
            (Column("value", title, "text"), *(Column(k, _(v)) for k, v in VERDICTS.items()),
             Column("fit_rate", _("Fit rate"), "rate")),
            tuple(out), note=_("Fit rate is shown only where every verdict of the row is "
                               "shown."),
            chart=tuple(Bar(r[0], r[1], "fit") for r in out[:-1][:10]),
            chart_title=_(CHART_TITLES[dim])))
    return Report("segments", _("By persona, segment, problem and trigger"),
                  _("Which personas and segments the message resonates with, and which "
                    "problems and triggers bring prospects who fit."), tuple(tables),
                  (_(NOTE),))


def _target_hashes(ctx: Context) -> dict[str, str]:
    if not ctx.targets or not ctx.org_key:
        return {}
    from buyerkit.signals.company import org_hash

    return {org_hash(ctx.org_key, domain): name for name, domain in ctx.targets}


def groups(conn: sa.Connection, period: Period, ctx: Context) -> Report:
    """Buying groups by roles engaged, with a fit verdict, a finance guide read, a security
    review asked; penetration of the target account list."""
    names = ctx.names
    finance = names.roles_tagged("finance")
    now, _before = fig.read(conn, period, with_previous=False)
    st = ru_group_state
    query = (sa.select(st.c.roles, st.c.verdict, st.c.security, sa.func.count())
             .where(st.c.hour.between(period.first_day * 24, period.last_day * 24 + 23))
             .group_by(st.c.roles, st.c.verdict, st.c.security))
    raw: dict[Hashable, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    by_role: dict[Hashable, list[int]] = {slug: [0, 0] for slug in names.guides}
    for roles, verdict, security, n in conn.execute(query):
        slugs = {r for r in (roles or "").split(",") if r}
        for slug in slugs:
            cells = by_role.setdefault(slug, [0, 0])
            cells[0] += n
            cells[1] += n if verdict == "fit" else 0
        row = raw[min(len(slugs), 7)]
        row[0] += n
        row[1] += n if verdict == "fit" else 0
        row[2] += n if slugs & finance else 0
        row[3] += n if security else 0
    rows = suppressed(dict(sorted(raw.items())), (0,), size=0)
    out = [(_("Other") if k == OTHER else _("%(n)s+ roles", n=k) if k == 7 else
            ngettext("%(num)s role", "%(num)s roles", k), *cells)
           for k, cells in rows]
    out.append((_("All groups"), now.cell("groups"), None, None, None))
    finance_names = names.role_list(finance) or _("no guide tagged finance")
    table = Table(
        "groups", _("Buying groups by number of roles engaged"),
        (Column("roles", _("Roles engaged"), "text"), Column("groups", _("Groups")),
         Column("fit", _("With a fit verdict")),
         Column("finance", _("Read a finance guide (%(names)s)", names=finance_names)),
         Column("security", _("Asked for the security review"))),
        tuple(out),
        note=_("A buying group forms when a prospect shares a link with colleagues; roles are "
               "the role guides its members opened or shared from. Finance roles are the "
               "guides tagged `tag: finance` in %(folder)s.", folder=names.path("guides")),
        chart=tuple(Bar(r[0], r[1], "fit") for r in out[:-1]),
        chart_title=_("Buying groups by roles engaged"))
    # Every role of the content by its guide's name (a group counts under each of its roles,
    # so the rows overlap: no total row, and no "Other" that would add groups up twice).
    role_rows = suppressed(by_role, (), merge=False, keep_zero=list(by_role))
    roles_table = Table(
        "roles", _("Buying groups by role"),
        (Column("role", _("Role"), "text"), Column("groups", _("Groups with this role")),
         Column("fit", _("With a fit verdict"))),
        tuple((names.role(str(slug)), *cells) for slug, cells in role_rows),
        note=_("Each role guide in %(folder)s, by its name. A group counts under every role "
               "it engaged, so the rows do not add up to the groups above.",
               folder=names.path("guides")))
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
        "penetration", _("Target accounts engaged"),
        (Column("measure", _("Measure"), "text"), Column("value", _("Value"), "number")),
        ((_("Target accounts on the list"), listed),
         (_("Target accounts engaged"), len(engaged)),
         (_("Penetration"), percent_text(len(engaged) / listed) if listed else None)),
        note=_("A company counts as engaged when someone from it told us its web domain and "
               "that domain is on %(file)s; other companies stay an anonymous hash.",
               file=names.path("targets.yaml")))
    targets = Table(
        "targets", _("Target accounts engaged, by name"),
        (Column("target", _("Target account"), "text"), Column("journeys", _("Journeys"))),
        named)
    return Report("groups", _("Buying groups"),
                  _("Buying groups forming around shared material: how many roles take part, "
                    "and how far the target account list is reached."),
                  (table, roles_table, penetration, targets), (_(NOTE),))


def week_label(start: Any, first: Any, last: Any) -> str:
    """A week as the days it counts: "2026-03-02 to 2026-03-08" (cut to the period)."""
    from datetime import timedelta

    a, b = max(start, first), min(start + timedelta(days=6), last)
    # ISO dates in every language: a row's link reads its first and last ten characters
    return a.isoformat() if a == b else _("%(first)s to %(last)s", first=a.isoformat(),
                                          last=b.isoformat())


def weekly(conn: sa.Connection, period: Period, ctx: Context,
           by_day: fig.Days | None = None) -> Report:
    """One row per week (Monday to Sunday, cut to the period) with the headline figures and
    the change against the week before; the last row is the whole period. `by_day` (from
    figures.days, covering the week before the first) saves the query when given."""
    first_week, last_week = fig.week_of(period.first_day), fig.week_of(period.last_day)
    before_start = fig.week_of(period.first_day) * 7 - 3 - 7
    if by_day is None:
        by_day = fig.days(conn, period.diagnostic, before_start, period.last_day)
    now = fig.figures_of(by_day, period.first_day, period.last_day)
    inside = fig.weeks_of(by_day, period.first_day, period.last_day)
    counted = fig.weeks_of(by_day, before_start, before_start + 6)
    raw = {w: [inside.get(w, {}).get(s, 0) for s in OUTCOME_COLS]
           for w in range(first_week, last_week + 1)}
    rows = suppressed(raw, range(len(OUTCOME_COLS)), merge=False, keep_zero=list(raw))
    before = count(counted.get(first_week - 1, {}).get("fit", 0))
    out = []
    for w, cells in sorted(rows, key=lambda r: r[0]):
        fit_rate = rate(cells[0], derived(cells[:3]))
        out.append((week_label(fig.week_start(w), period.since, period.until), *cells,
                    fit_rate, cells[0] - before if is_shown(cells[0]) and is_shown(before)
                    else None))
        before = cells[0]
    out.append((_("Whole period"), *(now.cell(c) for c in OUTCOME_COLS), now.fit_rate, None))
    table = Table(
        "weekly", _("Weekly scorecard"),
        (Column("week", _("Week (days counted)"), "text"),
         *(Column(c, _(OUTCOME_LABELS[c])) for c in OUTCOME_COLS),
         Column("fit_rate", _("Fit rate"), "rate"),
         Column("fit_change", _("Fit prospects vs the week before"), "change")),
        tuple(out),
        note=_("Weeks run Monday to Sunday; a week cut by the period counts only the days "
               "shown. A change is shown where both weeks' counts are shown."),
        chart=tuple(Bar(r[0][:10], r[1], "fit") for r in out[:-1]),
        chart_title=_("Fit prospects per week"))
    return Report("weekly", _("Weekly scorecard"),
                  _("Each week's fit and bounce figures next to the week before."), (table,),
                  (_(NOTE),))

"""The headline figures of a period (fit prospects, not now, not a fit, left mid-way, fit rate,
buying groups forming), the same for the period before, and the weeks of a trend: the totals
every other report's "All …" row shows, read with a handful of small queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from buyerkit.reports.i18n import N_
from buyerkit.reports.period import Period, date_of, day_of
from buyerkit.reports.schema import ru_groups, ru_outcomes
from buyerkit.reports.suppress import Cell, change, count, derived, rate

STATUSES = ("fit", "not_now", "not_a_fit", "abandoned", "in_progress", "filtered")
LABELS = {"fit": N_("Fit prospects"), "not_now": N_("Not now"), "not_a_fit": N_("Not a fit"),
          "abandoned": N_("Left mid-way"), "fit_rate": N_("Fit rate"),
          "groups": N_("Buying groups forming")}
TREND_WEEKS = 12


@dataclass(frozen=True)
class Figures:
    """One period's totals, each as it may be shown."""

    raw: dict[str, int] = field(default_factory=dict)

    def cell(self, key: str) -> Cell:
        return count(self.raw.get(key, 0))

    @property
    def completed(self) -> Cell:
        return derived([self.cell("fit"), self.cell("not_now"), self.cell("not_a_fit")])

    @property
    def bounces(self) -> Cell:
        return derived([self.cell("not_now"), self.cell("not_a_fit")])

    @property
    def started(self) -> Cell:
        return derived([self.cell(s) for s in STATUSES[:5]])

    @property
    def fit_rate(self) -> float | None:
        return rate(self.cell("fit"), self.completed)

    def get(self, key: str) -> Cell | float | None:
        return self.fit_rate if key == "fit_rate" else self.cell(key)

    @property
    def empty(self) -> bool:
        return not any(self.raw.get(s, 0) for s in STATUSES[:5])


@dataclass(frozen=True)
class Headline:
    key: str
    label: str
    now: Cell | float | None
    before: Cell | float | None
    change: float | None  # counts: difference; fit rate: percentage points


def _split(table: sa.Table, *keys: sa.Column) -> sa.Select:
    """SUM(n) on and after :first, and before it, between :start and :last (built once)."""
    now = sa.func.sum(sa.case((table.c.day >= sa.bindparam("first"), table.c.n), else_=0))
    before = sa.func.sum(sa.case((table.c.day < sa.bindparam("first"), table.c.n), else_=0))
    query = sa.select(*keys, now, before).where(
        table.c.day.between(sa.bindparam("start"), sa.bindparam("last")))
    return query.group_by(*keys) if keys else query


_OUTCOMES = _split(ru_outcomes, ru_outcomes.c.status).where(
    ru_outcomes.c.subject == sa.bindparam("subject"))
_GROUPS = _split(ru_groups)
_WEEK = ((ru_outcomes.c.day + 3) // 7).label("week")
_WEEKS = (sa.select(_WEEK, ru_outcomes.c.status, sa.func.sum(ru_outcomes.c.n))
          .where(ru_outcomes.c.subject == sa.bindparam("subject"),
                 ru_outcomes.c.day.between(sa.bindparam("start"), sa.bindparam("last")))
          .group_by(_WEEK, ru_outcomes.c.status))


_DAYS = (sa.select(ru_outcomes.c.day, ru_outcomes.c.status, sa.func.sum(ru_outcomes.c.n))
         .where(ru_outcomes.c.subject == sa.bindparam("subject"),
                ru_outcomes.c.day.between(sa.bindparam("start"), sa.bindparam("last")))
         .group_by(ru_outcomes.c.day, ru_outcomes.c.status))
Days = dict[int, dict[str, int]]


def days(conn: sa.Connection, subject: str, start: int, last: int) -> Days:
    """Raw counts per day and status in [start, last] (day numbers): one query from which
    a period's figures, the period before's and the weeks of a trend are all added up."""
    out: Days = defaultdict(lambda: defaultdict(int))
    for day, status, n in conn.execute(_DAYS, {"subject": subject, "start": start,
                                               "last": last}):
        out[int(day)][status] += int(n or 0)
    return out


def figures_of(by_day: Days, first: int, last: int, groups: int = 0) -> Figures:
    """A period's figures added up from `days` (groups, from their own table, given)."""
    raw: dict[str, int] = defaultdict(int)
    for day, statuses in by_day.items():
        if first <= day <= last:
            for status, n in statuses.items():
                raw[status] += n
    raw["groups"] = groups
    return Figures(dict(raw))


def weeks_of(by_day: Days, first: int, last: int) -> dict[int, dict[str, int]]:
    """Counts per Monday-based week, of the days in [first, last] only."""
    out: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for day, statuses in by_day.items():
        if first <= day <= last:
            for status, n in statuses.items():
                out[week_of(day)][status] += n
    return out


def groups(conn: sa.Connection, period: Period, with_previous: bool) -> tuple[int, int]:
    """Buying groups forming in the period and in the one before."""
    start = period.previous().first_day if with_previous else period.first_day
    a, b = conn.execute(_GROUPS, {"first": period.first_day, "start": start,
                                  "last": period.last_day}).one()
    return int(a or 0), int(b or 0)


def read(conn: sa.Connection, period: Period, with_previous: bool = True
         ) -> tuple[Figures, Figures]:
    """The period's figures and the previous period's (empty when not asked), in one query
    per roll-up table (statements built once: building one costs more than running it)."""
    start = period.previous().first_day if with_previous else period.first_day
    params = {"first": period.first_day, "start": start, "last": period.last_day,
              "subject": period.diagnostic}
    now: dict[str, int] = defaultdict(int)
    before: dict[str, int] = defaultdict(int)
    for status, a, b in conn.execute(_OUTCOMES, params):
        now[status] += int(a or 0)
        before[status] += int(b or 0)
    a, b = conn.execute(_GROUPS, params).one()
    now["groups"], before["groups"] = int(a or 0), int(b or 0)
    return Figures(dict(now)), Figures(dict(before) if with_previous else {})


def headlines(now: Figures, before: Figures | None) -> list[Headline]:
    """The first screen's figures with their change against the previous period."""
    out = []
    for key, label in LABELS.items():
        a = now.get(key)
        b = before.get(key) if before is not None else None
        if key == "fit_rate":
            diff = (a - b) * 100 if isinstance(a, float) and isinstance(b, float) else None
        else:
            diff = change(a, b) if before is not None else None
        out.append(Headline(key, _(label), a, b, diff))
    return out


def week_of(day: int) -> int:
    """Monday-based week number (1970-01-01 was a Thursday)."""
    return (day + 3) // 7


def week_start(week: int) -> date:
    return date_of(week * 7 - 3)


def trend_window(period: Period) -> tuple[date, date]:
    """The whole weeks the overview's trend shows: the period's weeks, at least the last 12."""
    last = week_of(period.last_day)
    first = min(week_of(period.first_day), last - TREND_WEEKS + 1)
    return week_start(first), week_start(last) + timedelta(days=6)


def weeks(conn: sa.Connection, subject: str, since: date, until: date
          ) -> dict[int, dict[str, int]]:
    """Raw counts per Monday-based week and status, counting only days in [since, until]
    (summed by week in the database)."""
    out: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    params = {"subject": subject, "start": day_of(since), "last": day_of(until)}
    for week, status, n in conn.execute(_WEEKS, params):
        out[int(week)][status] += int(n or 0)
    return out

"""One entry point for the page and the command line: the chosen reports for a period, read
in one transaction so every table of a page agrees with the others."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import sqlalchemy as sa

from buyerkit.reports import spend
from buyerkit.reports.context import Context
from buyerkit.reports.evidence import evidence
from buyerkit.reports.languages import language_table
from buyerkit.reports.overview import overview
from buyerkit.reports.period import Period
from buyerkit.reports.pipeline import Plan, pipeline
from buyerkit.reports.queries import bounces, channels, groups, segments, weekly
from buyerkit.reports.schema import ru_outcomes
from buyerkit.reports.suppress import count
from buyerkit.reports.tables import Report


def segments_and_language(conn: sa.Connection, period: Period, ctx: Context) -> Report:
    """Personas and segments, ending with the split by the page's language; its "All" row is
    the other tables' (the headline figures)."""
    report = segments(conn, period, ctx)
    totals = report.tables[0].rows[-1]
    return replace(report, tables=(*report.tables, language_table(
        conn, period, list(totals[1:4]), totals[4])))


# Every report by name (pipeline math, which takes a plan, apart). Kept here, above the
# queries and the overview that reads some of them, so neither imports the other back.
REPORTS: dict[str, Callable[[sa.Connection, Period, Context], Report]] = {
    "overview": overview, "bounces": bounces, "channels": channels,
    "segments": segments_and_language,
    "groups": groups, "weekly": weekly, "evidence": evidence,
}
NAMES = (*REPORTS, "pipeline")


def context(conn: sa.Connection, period: Period, catalog: Any,
            config: Mapping[str, Any]) -> Context:
    """Labels and rules from the diagnostic, the target list, and the period's spend."""
    targets = tuple((t.name, t.domain) for t in getattr(catalog, "targets", ()))
    return Context(diagnostic=catalog.diagnostics.get(period.diagnostic), targets=targets,
                   org_key=config.get("DOMAIN_HMAC_KEY"),
                   spend_cents=spend.for_period(conn, period), catalog=catalog)


def fit_observed(conn: sa.Connection, period: Period) -> int | str:
    query = sa.select(sa.func.coalesce(sa.func.sum(ru_outcomes.c.n), 0)).where(
        ru_outcomes.c.subject == period.diagnostic, ru_outcomes.c.status == "fit",
        ru_outcomes.c.day.between(period.first_day, period.last_day))
    return count(int(conn.execute(query).scalar_one()))


def build(engine: sa.Engine, period: Period, catalog: Any, config: Mapping[str, Any],
          names: Sequence[str] = NAMES, plan: Plan | None = None) -> list[Report]:
    """The named reports for the period (pipeline only when a plan is given)."""
    out: list[Report] = []
    with engine.connect() as conn:
        ctx = context(conn, period, catalog, config)
        for name in names:
            if name == "pipeline":
                if plan is not None:
                    out.append(pipeline(plan, fit_observed(conn, period), period.days))
            else:
                out.append(REPORTS[name](conn, period, ctx))
    return out

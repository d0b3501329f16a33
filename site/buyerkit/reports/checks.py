"""Every check of the site on one line: completions, fit rate and the most frequent bounce
reason per diagnostic for a period, so a site with several checks hides none of them behind
the report filter. Each figure is the cell that check's own overview shows (same functions,
same suppression): the overview's "Completed" outcome, its fit rate, its first top reason."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from buyerkit.reports import figures as fig
from buyerkit.reports.period import Period
from buyerkit.reports.queries import bounces
from buyerkit.reports.service import context
from buyerkit.reports.suppress import Cell
from buyerkit.reports.tables import fmt


@dataclass(frozen=True)
class CheckLine:
    """One check's figures for a period, as its own overview shows them."""

    slug: str
    title: str
    completed: Cell
    fit_rate: float | None
    reason: str | None  # the most frequent bounce reason, by name (None: none shown)
    empty: bool  # no journey started in the period

    def text(self) -> str:
        """The figures in one line, in the language being written."""
        if self.empty:
            return _("No one started this check in this period.")
        parts = [_("Completed: %(count)s", count=fmt(self.completed, "count")),
                 _("fit rate: %(rate)s", rate=fmt(self.fit_rate, "rate"))]
        if self.reason:
            parts.append(_("top bounce reason: %(reason)s", reason=self.reason))
        return " · ".join(parts)


def every_check(engine: sa.Engine, period: Period, catalog: Any,
                config: Mapping[str, Any]) -> list[CheckLine]:
    """One line per diagnostic of the content (by slug), for the period's dates."""
    lines = []
    with engine.connect() as conn:
        for slug in sorted(catalog.diagnostics):
            p = replace(period, diagnostic=slug)
            now, _before = fig.read(conn, p, with_previous=False)
            reasons = bounces(conn, p, context(conn, p, catalog, config), now).tables[1]
            top = next((r[0] for r in reasons.rows if r[3]), None)  # "Other" has no code
            lines.append(CheckLine(slug, catalog.diagnostics[slug].title, now.completed,
                                   now.fit_rate, top, now.empty))
    return lines


def for_page(name: str, period: Period | None, catalog: Any) -> list[CheckLine]:
    """The lines above the overview's figures, on a site with several checks (else none)."""
    from flask import current_app

    from buyerkit.signals.store import get_store

    if name != "overview" or period is None or len(catalog.diagnostics) < 2:
        return []
    return every_check(get_store().engine, period, catalog, current_app.config)

"""Pipeline math: desired revenue, average sale price and close rate give the qualified
opportunities needed per week, set against fit prospects observed and capped by the market."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import gettext as _

from buyerkit.reports.i18n import N_, count_text, decimal_text, percent_text
from buyerkit.reports.tables import Column, Report, Table

WEEKS_PER_YEAR = 52
FIELDS = {
    "revenue": N_("Desired new revenue this year"),
    "price": N_("Average sale price (first-year value)"),
    "close_rate": N_("Close rate of qualified opportunities, in %"),
    "market": N_("Companies in the target market"),
}
LIMITS = {"revenue": 1e12, "price": 1e10, "close_rate": 100.0, "market": 1e9}


@dataclass(frozen=True)
class Plan:
    revenue: float
    price: float
    close_rate: float  # a fraction, 0 < r <= 1
    market: int | None


def parse_plan(args: Mapping[str, str]) -> tuple[Plan | None, dict[str, str]]:
    """A Plan from form values, or the field errors (one sentence per field); (None, {}) when
    the form is empty."""
    if not any((args.get(k) or "").strip() for k in FIELDS):
        return None, {}
    values: dict[str, float] = {}
    errors: dict[str, str] = {}
    for key, marked in FIELDS.items():
        label = _(marked)
        text = (args.get(key) or "").strip().replace(",", "")
        if not text:
            if key != "market":
                errors[key] = _("%(label)s: enter a number.", label=label)
            continue
        try:
            number = float(text)
        except ValueError:
            errors[key] = _("%(label)s: '%(text)s' is not a number.", label=label,
                            text=text[:30])
            continue
        if not math.isfinite(number) or number <= 0 or number > LIMITS[key]:
            errors[key] = _("%(label)s: enter a number above 0 and at most %(limit)s.",
                            label=label, limit=count_text(int(LIMITS[key])))
            continue
        values[key] = number
    if errors:
        return None, errors
    market = values.get("market")
    return Plan(values["revenue"], values["price"], values["close_rate"] / 100,
                int(market) if market else None), {}


def pipeline(plan: Plan, fit_observed: int | str, days: int) -> Report:
    """The plan's arithmetic, each step on its own line, and plain words on whether it holds."""
    deals = math.ceil(plan.revenue / plan.price)
    opportunities = math.ceil(deals / plan.close_rate)
    per_week = opportunities / WEEKS_PER_YEAR
    rows: list[tuple[str, object]] = [
        (_("Deals needed (revenue ÷ average sale price, rounded up)"), deals),
        (_("Qualified opportunities needed a year (deals ÷ close rate)"), opportunities),
        (_("Qualified opportunities needed a week"), round(per_week, 1)),
    ]
    notes: list[str] = []
    observed_week = None
    if isinstance(fit_observed, int):
        observed_week = fit_observed / days * 7
        rows.append((_("Fit prospects observed a week in the chosen range"),
                     round(observed_week, 1)))
    else:
        notes.append(_("Too few fit prospects in the chosen range to compare (fewer than 5)."))
    if plan.market is not None:
        rows.append((_("Companies in the target market"), plan.market))
        share = opportunities / plan.market
        rows.append((_("Share of the market the plan needs as opportunities each year"),
                     percent_text(share)))
        if opportunities > plan.market:
            notes.append(_("The plan does not fit the market: it needs %(needed)s qualified "
                           "opportunities a year, but the market you entered holds only "
                           "%(market)s companies. Raise the price, the close rate or the "
                           "market, or lower the revenue goal.",
                           needed=count_text(opportunities), market=count_text(plan.market)))
    if observed_week is not None:
        seen, needed = decimal_text(observed_week, 1), decimal_text(per_week, 1)
        if observed_week >= per_week:
            notes.append(_("Fit prospects arrive fast enough: %(seen)s a week against "
                           "%(needed)s needed (if each becomes a qualified opportunity).",
                           seen=seen, needed=needed))
        else:
            notes.append(_("Fit prospects arrive too slowly for the plan: %(seen)s a week "
                           "against %(needed)s needed, a gap of %(gap)s a week.", seen=seen,
                           needed=needed, gap=decimal_text(per_week - observed_week, 1)))
    table = Table("pipeline", _("The plan's arithmetic"),
                  (Column("step", _("Step"), "text"), Column("value", _("Value"), "number")),
                  tuple(rows))
    return Report("pipeline", _("Pipeline math"),
                  _("Simple algebra: what the revenue goal needs, against what the site sees."),
                  (table,), tuple(notes))

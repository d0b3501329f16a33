"""Pipeline math: desired revenue, average sale price and close rate give the qualified
opportunities needed per week, set against fit prospects observed and capped by the market."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from buyerkit.reports.tables import Column, Report, Table

WEEKS_PER_YEAR = 52
FIELDS = {
    "revenue": "Desired new revenue this year",
    "price": "Average sale price (first-year value)",
    "close_rate": "Close rate of qualified opportunities, in %",
    "market": "Companies in the target market",
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
    for key, label in FIELDS.items():
        text = (args.get(key) or "").strip().replace(",", "")
        if not text:
            if key != "market":
                errors[key] = f"{label}: enter a number."
            continue
        try:
            number = float(text)
        except ValueError:
            errors[key] = f"{label}: '{text[:30]}' is not a number."
            continue
        if not math.isfinite(number) or number <= 0 or number > LIMITS[key]:
            errors[key] = f"{label}: enter a number above 0 and at most {LIMITS[key]:,.0f}."
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
        ("Deals needed (revenue ÷ average sale price, rounded up)", deals),
        ("Qualified opportunities needed a year (deals ÷ close rate)", opportunities),
        ("Qualified opportunities needed a week", round(per_week, 1)),
    ]
    notes: list[str] = []
    observed_week = None
    if isinstance(fit_observed, int):
        observed_week = fit_observed / days * 7
        rows.append(("Fit prospects observed a week in the chosen range", round(observed_week, 1)))
    else:
        notes.append("Too few fit prospects in the chosen range to compare (fewer than 5).")
    if plan.market is not None:
        rows.append(("Companies in the target market", plan.market))
        share = opportunities / plan.market
        rows.append(("Share of the market the plan needs as opportunities each year",
                     f"{share * 100:.1f}%"))
        if opportunities > plan.market:
            notes.append(f"The plan does not fit the market: it needs {opportunities:,} "
                         f"qualified opportunities a year, but the market you entered holds "
                         f"only {plan.market:,} companies. Raise the price, the close rate or "
                         "the market, or lower the revenue goal.")
    if observed_week is not None:
        if observed_week >= per_week:
            notes.append(f"Fit prospects arrive fast enough: {observed_week:,.1f} a week "
                         f"against {per_week:,.1f} needed (if each becomes a qualified "
                         "opportunity).")
        else:
            notes.append(f"Fit prospects arrive too slowly for the plan: {observed_week:,.1f} "
                         f"a week against {per_week:,.1f} needed, a gap of "
                         f"{per_week - observed_week:,.1f} a week.")
    table = Table("pipeline", "The plan's arithmetic",
                  (Column("step", "Step", "text"), Column("value", "Value", "number")),
                  tuple(rows))
    return Report("pipeline", "Pipeline math",
                  "Simple algebra: what the revenue goal needs, against what the site sees.",
                  (table,), tuple(notes))

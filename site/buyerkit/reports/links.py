"""Links between report views: every link keeps the period (preset or dates, comparison)
in the URL, so a view can be bookmarked and shared; a row's link narrows to it."""

from __future__ import annotations

from typing import Any

from flask import request, url_for
from flask_babel import gettext as _

from buyerkit.reports.i18n import count_text, decimal_text
from buyerkit.reports.period import Period
from buyerkit.reports.pipeline import FIELDS as PLAN_FIELDS
from buyerkit.reports.tables import fmt


def link(name: str, period: Period | None, **over: str) -> str:
    """A report's URL for this period with some arguments changed (a preset drops the typed
    dates, and the other way round), so every link keeps the view shareable."""
    args = dict(period.args()) if period is not None else {}
    if "preset" in over:
        args.pop("since", None)
        args.pop("until", None)
    if "since" in over or "until" in over:
        args.pop("preset", None)
    if name.startswith("pipeline"):
        args.update({k: request.args[k] for k in PLAN_FIELDS if request.args.get(k)})
    args.update({k: v for k, v in over.items() if v is not None})
    return url_for("reports." + name, **args)


def describe(row: tuple[Any, ...]) -> str:
    """A headline figure's change in words: "+6 on 30 before", "−2.1 points on 41.0%"."""
    _label, now, before, diff, kind = row
    if before is None:
        return _("No figure for the previous period")
    was = fmt(before, kind)
    if diff is None:
        return _("Previous period: %(was)s; no change shown (fewer than 5 in one of them)",
                 was=was)
    sign = "+" if diff > 0 else "−"
    if kind == "rate":
        if round(diff, 1) == 0:
            return _("Same as before (%(was)s)", was=was)
        return _("%(change)s points on %(was)s before",
                 change=sign + decimal_text(abs(diff), 1), was=was)
    if diff == 0:
        return _("Same as before (%(was)s)", was=was)
    return _("%(change)s on %(was)s before", change=sign + count_text(abs(diff)), was=was)


def row_links(period: Period | None) -> dict[str, Any]:
    """Links from a row: a week opens the overview for that week; a channel or a reason
    opens the report it comes from, for the same period."""

    def week(row: tuple[Any, ...]) -> str | None:
        text = str(row[0])
        if period is None or not text[:4].isdigit():
            return None
        since, until = text[:10], text[-10:]
        return link("overview", period, since=since, until=until, preset=None)

    def channel(row: tuple[Any, ...]) -> str | None:
        return link("channels", period) if period is not None else None

    def reason(row: tuple[Any, ...]) -> str | None:
        return link("bounces", period) if period is not None else None

    return {"week_link": week, "channel_link": channel, "reason_link": reason}

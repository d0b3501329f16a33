"""Spend per channel and month: imported from CSV (every problem named by row and column) or
typed into a form, and prorated by day into the chosen range for cost per fit prospect."""

from __future__ import annotations

import calendar
import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.dialects import postgresql, sqlite

from buyerkit.reports.period import Period
from buyerkit.reports.schema import report_spend
from buyerkit.reports.state import NONE
from buyerkit.signals.events import clean_token

COLUMNS = ("month", "source", "medium", "campaign", "amount")
MAX_ROWS = 5000
MAX_BYTES = 512 * 1024
MAX_AMOUNT = Decimal("10000000000")
MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class SpendError(ValueError):
    """Spend that cannot be stored; the message names the row and column (or form field)."""

    def __init__(self, message: str, field: str = "csv") -> None:
        super().__init__(message)
        self.message, self.field = message, field


@dataclass(frozen=True)
class Spend:
    month: str
    source: str
    medium: str
    campaign: str
    cents: int


def parse_month(text: str, where: str) -> str:
    m = MONTH.match(text.strip())
    if not m or not 1 <= int(m.group(2)) <= 12 or not 2000 <= int(m.group(1)) <= 2100:
        raise SpendError(_("%(where)s: '%(text)s' is not a month; write it as YYYY-MM, for "
                           "example 2026-03.", where=where, text=text[:20]), "month")
    return m.group(0)


def parse_amount(text: str, where: str) -> int:
    cleaned = text.strip().replace(",", "")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT or \
            amount != amount.quantize(Decimal("0.01")):
        raise SpendError(_("%(where)s: '%(text)s' is not an amount; write a number of at most "
                           "two decimals, for example 1250.50.", where=where, text=text[:20]),
                         "amount")
    return int(amount * 100)


def channel_key(source: str, medium: str, campaign: str, where: str) -> tuple[str, str, str]:
    """The channel as the reports name it (the same cleaning as the events' UTM tags)."""
    src = clean_token(source)
    if not src:
        raise SpendError(_("%(where)s: the source is empty; write the utm_source, e.g. "
                           "linkedin.", where=where), "source")
    return src, clean_token(medium) or NONE, clean_token(campaign) or NONE


def parse_csv(data: bytes) -> list[Spend]:
    """Every row of a spend CSV, or SpendError naming the first bad row and column."""
    if len(data) > MAX_BYTES:
        raise SpendError(_("The file is larger than %(kib)s KiB.", kib=MAX_BYTES // 1024))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SpendError(_("The file is not UTF-8 text; save it as CSV (UTF-8).")) from None
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(reader, [])]
    if sorted(header) != sorted(COLUMNS):
        raise SpendError(_("Row 1: the header must name the columns %(columns)s (found: "
                           "%(found)s).", columns=", ".join(COLUMNS),
                           found=", ".join(header)[:120] or _("nothing")))
    out: dict[tuple[str, str, str, str], Spend] = {}
    for n, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            raise SpendError(_("Row %(n)s: %(values)s values for %(columns)s columns.", n=n,
                               values=len(values), columns=len(header)))
        if len(out) >= MAX_ROWS:
            raise SpendError(_("Row %(n)s: more than %(max)s rows; split the file.", n=n,
                               max=MAX_ROWS))
        cell = dict(zip(header, values, strict=True))
        month = parse_month(cell["month"], _("Row %(n)s, column %(column)s", n=n,
                                             column="month"))
        source, medium, campaign = channel_key(
            cell["source"], cell["medium"], cell["campaign"],
            _("Row %(n)s, column %(column)s", n=n, column="source"))
        cents = parse_amount(cell["amount"], _("Row %(n)s, column %(column)s", n=n,
                                               column="amount"))
        out[(month, source, medium, campaign)] = Spend(month, source, medium, campaign, cents)
    if not out:
        raise SpendError(_("The file has a header but no rows of spend."))
    return list(out.values())


def save(conn: sa.Connection, rows: list[Spend]) -> None:
    """Store spend rows, replacing what was stored for the same month and channel."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(report_spend)
    stmt = stmt.on_conflict_do_update(index_elements=["month", "source", "medium", "campaign"],
                                      set_={"cents": stmt.excluded.cents})
    conn.execute(stmt, [r.__dict__ for r in rows])


def _month_days(month: str) -> tuple[date, date]:
    year, mon = int(month[:4]), int(month[5:])
    return date(year, mon, 1), date(year, mon, calendar.monthrange(year, mon)[1])


def for_period(conn: sa.Connection, period: Period) -> dict[tuple[str, str, str], float]:
    """Cents per channel in the period: each month's spend times the share of its days."""
    first = f"{period.since.year:04d}-{period.since.month:02d}"
    last = f"{period.until.year:04d}-{period.until.month:02d}"
    out: dict[tuple[str, str, str], float] = {}
    query = sa.select(report_spend).where(report_spend.c.month.between(first, last))
    for r in conn.execute(query):
        start, end = _month_days(r.month)
        overlap = (min(end, period.until) - max(start, period.since)).days + 1
        if overlap > 0:
            key = (r.source, r.medium, r.campaign)
            out[key] = out.get(key, 0.0) + r.cents * overlap / end.day
    return out

"""What a report is asked for: a diagnostic and a date range, checked with one clear message."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

EPOCH = date(1970, 1, 1)
MAX_DAYS = 3 * 366  # three years: events are kept 13 months, roll-ups no longer than that
DEFAULT_DAYS = 30
EARLIEST = date(2000, 1, 1)


class PeriodError(ValueError):
    """A report question that cannot be answered; `field` names the form field at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def day_of(d: date) -> int:
    """Days since 1970-01-01 (UTC), the unit of every roll-up row."""
    return (d - EPOCH).days


def date_of(day: int) -> date:
    return EPOCH + timedelta(days=day)


def today() -> date:
    return datetime.now(UTC).date()


@dataclass(frozen=True)
class Period:
    """A diagnostic and an inclusive date range [since, until]."""

    diagnostic: str
    since: date
    until: date

    @property
    def first_day(self) -> int:
        return day_of(self.since)

    @property
    def last_day(self) -> int:
        return day_of(self.until)

    @property
    def days(self) -> int:
        return self.last_day - self.first_day + 1

    def args(self) -> dict[str, str]:
        """The query string that asks for this period again."""
        return {"diagnostic": self.diagnostic, "since": self.since.isoformat(),
                "until": self.until.isoformat()}


def _parse_date(field: str, value: str) -> date:
    try:
        parsed = date.fromisoformat(value.strip())
    except ValueError:
        raise PeriodError(field, f"'{value[:40]}' is not a date: write it as YYYY-MM-DD, "
                                 "for example 2026-03-01.") from None
    if parsed < EARLIEST or parsed > today() + timedelta(days=366):
        raise PeriodError(field, f"{parsed.isoformat()} is outside the years this store can "
                                 "hold signals for.")
    return parsed


def parse_period(args: Mapping[str, str], diagnostics: list[str]) -> Period:
    """A Period from form or command-line values (missing ones default to the last 30 days
    of the first diagnostic); raise PeriodError naming the field and the reason."""
    if not diagnostics:
        raise PeriodError("diagnostic", "There is no diagnostic in content/diagnostics yet.")
    slug = (args.get("diagnostic") or diagnostics[0]).strip()
    if slug not in diagnostics:
        raise PeriodError("diagnostic", f"Unknown diagnostic '{slug[:64]}': choose one of "
                                        f"{', '.join(diagnostics)}.")
    until = _parse_date("until", args["until"]) if args.get("until") else today()
    since = _parse_date("since", args["since"]) if args.get("since") \
        else until - timedelta(days=DEFAULT_DAYS - 1)
    if since > until:
        raise PeriodError("since", f"The range starts ({since.isoformat()}) after it ends "
                                   f"({until.isoformat()}): swap the dates.")
    if (until - since).days + 1 > MAX_DAYS:
        raise PeriodError("since", f"The range is {(until - since).days + 1} days long; "
                                   f"reports cover at most {MAX_DAYS} days (three years).")
    return Period(slug, since, until)

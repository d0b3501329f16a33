"""What a report is asked for: a diagnostic and a date range (a preset such as "last 7 days"
or typed dates), whether to compare it with the period before, checked with one clear
message. Everything is kept in the URL, so a view can be bookmarked and shared."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from flask_babel import gettext as _

from buyerkit.reports.i18n import N_, day_text

EPOCH = date(1970, 1, 1)
MAX_DAYS = 3 * 366  # three years: events are kept 13 months, roll-ups no longer than that
DEFAULT_DAYS = 30
EARLIEST = date(2000, 1, 1)
PRESETS = {"7d": N_("Last 7 days"), "this-week": N_("This week"),
           "last-week": N_("Last week"), "30d": N_("Last 30 days"), "90d": N_("Last 90 days"),
           "this-quarter": N_("This quarter"), "custom": N_("Custom dates")}
DEFAULT_PRESET = "7d"


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
    preset: str = "custom"
    compare: bool = True

    @property
    def first_day(self) -> int:
        return day_of(self.since)

    @property
    def last_day(self) -> int:
        return day_of(self.until)

    @property
    def days(self) -> int:
        return self.last_day - self.first_day + 1

    @property
    def label(self) -> str:
        """The period as a person says it: "Last 7 days (2026-03-09 to 2026-03-15)"."""
        span = day_text(self.since) if self.days == 1 else \
            _("%(first)s to %(last)s", first=day_text(self.since), last=day_text(self.until))
        name = _(PRESETS[self.preset]) if self.preset in PRESETS else ""
        return f"{name} ({span})" if self.preset != "custom" else span

    def previous(self) -> Period:
        """The period of the same length just before this one (what changes are against)."""
        length = timedelta(days=self.days)
        return Period(self.diagnostic, self.since - length, self.until - length, "custom",
                      False)

    def args(self) -> dict[str, str]:
        """The query string that asks for this period again."""
        out = {"diagnostic": self.diagnostic}
        if self.preset == "custom":
            out.update(since=self.since.isoformat(), until=self.until.isoformat())
        else:
            out["preset"] = self.preset
        if not self.compare:
            out["compare"] = "0"
        return out

    def future_note(self) -> str:
        """One sentence when part of the range has not happened yet, else ""."""
        if self.since > today():
            return _("This range is in the future: no signals can have arrived for it yet.")
        if self.until > today():
            return _("The range ends after today (%(today)s): the days still to come have no "
                     "signals yet.", today=day_text(today()))
        return ""


def preset_range(preset: str, now: date) -> tuple[date, date]:
    """The inclusive dates of a preset, up to `now` (UTC); weeks start on Monday."""
    monday = now - timedelta(days=now.weekday())
    if preset == "this-week":
        return monday, now
    if preset == "last-week":
        return monday - timedelta(days=7), monday - timedelta(days=1)
    if preset == "this-quarter":
        return date(now.year, 3 * ((now.month - 1) // 3) + 1, 1), now
    days = {"7d": 7, "30d": 30, "90d": 90}[preset]
    return now - timedelta(days=days - 1), now


def _parse_date(field: str, value: str) -> date:
    try:
        parsed = date.fromisoformat(value.strip())
    except ValueError:
        raise PeriodError(field, _("'%(value)s' is not a date: write it as YYYY-MM-DD, for "
                                   "example 2026-03-01.", value=value[:40])) from None
    if parsed < EARLIEST or parsed > today() + timedelta(days=366):
        raise PeriodError(field, _("%(day)s is outside the years this store can hold signals "
                                   "for.", day=day_text(parsed)))
    return parsed


def parse_period(args: Mapping[str, str], diagnostics: list[str]) -> Period:
    """A Period from form or command-line values (missing ones default to the last 30 days
    of the first diagnostic); raise PeriodError naming the field and the reason."""
    if not diagnostics:
        raise PeriodError("diagnostic", _("There is no diagnostic in content/diagnostics yet."))
    slug = (args.get("diagnostic") or diagnostics[0]).strip()
    if slug not in diagnostics:
        raise PeriodError("diagnostic", _("Unknown diagnostic '%(slug)s': choose one of "
                                          "%(known)s.", slug=slug[:64],
                                          known=", ".join(diagnostics)))
    compare = (args.get("compare") or "1").strip() not in ("0", "off", "no")
    preset = (args.get("preset") or "").strip()
    if not preset:
        preset = "custom" if args.get("since") or args.get("until") else DEFAULT_PRESET
    if preset not in PRESETS:
        raise PeriodError("preset", _("Unknown period '%(preset)s': choose one of %(known)s.",
                                      preset=preset[:40], known=", ".join(PRESETS)))
    if preset != "custom":
        since, until = preset_range(preset, today())
        return Period(slug, since, until, preset, compare)
    until = _parse_date("until", args["until"]) if args.get("until") else today()
    since = _parse_date("since", args["since"]) if args.get("since") \
        else until - timedelta(days=DEFAULT_DAYS - 1)
    if since > until:
        raise PeriodError("since", _("The range starts (%(since)s) after it ends (%(until)s): "
                                     "swap the dates.", since=day_text(since),
                                     until=day_text(until)))
    if (until - since).days + 1 > MAX_DAYS:
        raise PeriodError("since", _("The range is %(days)s days long; reports cover at most "
                                     "%(max)s days (three years).",
                                     days=(until - since).days + 1, max=MAX_DAYS))
    return Period(slug, since, until, "custom", compare)

"""Completions split by the language of the page they were made on (docs/languages.md).

The page language is a segment of the roll-ups like persona or size (ru_segments, dim
"lang": each journey counted once, under the language of the completion that decided it),
so the split counts exactly the journeys the headline figures count, its rows add up to
them, and it costs what the other segment tables cost. The counts pass through the reports'
one suppression routine (small languages merged into "Other", complementary cells hidden).
"""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa
from babel import Locale
from flask_babel import get_locale
from flask_babel import gettext as _

from buyerkit.content.numbers import LANGUAGES
from buyerkit.reports.context import VERDICTS
from buyerkit.reports.period import Period
from buyerkit.reports.queries import suppressed
from buyerkit.reports.schema import ru_segments
from buyerkit.reports.state import UNKNOWN as NOT_RECORDED
from buyerkit.reports.suppress import OTHER, Cell, derived, rate
from buyerkit.reports.tables import Bar, Column, Table

UNKNOWN = "unknown"  # completions recorded before pages said their language, or sent without
_SPLIT = (sa.select(ru_segments.c.value, ru_segments.c.status, sa.func.sum(ru_segments.c.n))
          .where(ru_segments.c.dim == "lang", ru_segments.c.subject == sa.bindparam("subject"),
                 ru_segments.c.day.between(sa.bindparam("first"), sa.bindparam("last")))
          .group_by(ru_segments.c.value, ru_segments.c.status))


def _counts(conn: sa.Connection, period: Period) -> Counter[tuple[str, str]]:
    """(language, verdict) -> journeys, for the period's completed, unfiltered journeys."""
    counts: Counter[tuple[str, str]] = Counter()
    params = {"subject": period.diagnostic, "first": period.first_day,
              "last": period.last_day}
    for value, status, n in conn.execute(_SPLIT, params):
        if status in VERDICTS and n:
            lang = value if value in LANGUAGES and value != NOT_RECORDED else UNKNOWN
            counts[lang, status] += int(n)
    return counts


def completions_by_language(conn: sa.Connection, period: Period) -> dict[str, dict[str, Cell]]:
    """{language code (or "unknown", or OTHER): {verdict: count as shown}} for the period."""
    counts = _counts(conn, period)
    rows = {lang: [counts[lang, v] for v in VERDICTS]
            for lang in sorted({lang for lang, _ in counts})}
    if not rows:
        return {}
    return {str(lang): dict(zip(VERDICTS, cells, strict=True))
            for lang, cells in suppressed(rows, range(len(VERDICTS)))}


def language_name(code: str) -> str:
    """A language's name in the language the report is read in ("German", "Deutsch")."""
    if code == OTHER:
        return _("Other (each fewer than 5)")
    if code == UNKNOWN:
        return _("Not recorded")
    locale = get_locale() or Locale.parse("en")
    return locale.languages.get(code, code).capitalize()


def language_table(conn: sa.Connection, period: Period, totals: list[Cell],
                   fit_rate: float | None) -> Table:
    """The segments report's table of verdicts by the page's language; its last row is the
    period's headline figures (`totals`, in VERDICTS order), as every other segment table."""
    split = completions_by_language(conn, period)
    rows = []
    for code, cells in split.items():
        values = [cells[v] for v in VERDICTS]
        rows.append((language_name(code), *values, rate(values[0], derived(values)),
                     "" if code in (OTHER, UNKNOWN) else code))
    rows.sort(key=lambda r: (r[-1] == "", -(r[1] if isinstance(r[1], int) else 0)))
    rows.append((_("All"), *totals, fit_rate, ""))
    title = _("Language of the page")
    return Table(
        "language", title,
        (Column("value", title, "text"), *(Column(k, _(v)) for k, v in VERDICTS.items()),
         Column("fit_rate", _("Fit rate"), "rate"),
         Column("code", _("Language code"), "text")),
        tuple(rows),
        note=_("The language of the page each diagnostic was completed on (its URL prefix, "
               "or what the static page sent). \"Not recorded\": completions from before "
               "pages said their language, or sent to the API without one."),
        chart=tuple(Bar(r[0], r[1], "fit") for r in rows[:-1]),
        chart_title=_("Fit prospects by language"))

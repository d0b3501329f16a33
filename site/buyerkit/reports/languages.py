"""Completions split by the language of the page they were made on (docs/languages.md).

A small addition beside the roll-ups: it reads the completions of a period from the event
store (their `lang` property) and passes the counts through the reports' one suppression
routine (small languages merged into "Other", complementary cells hidden), as every report.
"""

from __future__ import annotations

import json
from collections import Counter

import sqlalchemy as sa

from buyerkit.reports.context import VERDICTS
from buyerkit.reports.period import Period
from buyerkit.reports.queries import suppressed
from buyerkit.reports.suppress import Cell
from buyerkit.signals.store import events

UNKNOWN = "unknown"  # completions recorded before pages said their language


def completions_by_language(conn: sa.Connection, period: Period) -> dict[str, dict[str, Cell]]:
    """{language: {verdict: count}} for the diagnostic completions of the period."""
    query = (sa.select(events.c.verdict, events.c.props)
             .where(events.c.kind == "diagnostic_completed", events.c.filtered.is_(None),
                    events.c.subject == period.diagnostic,
                    events.c.hour.between(period.first_day * 24, period.last_day * 24 + 23)))
    counts: Counter[tuple[str, str]] = Counter()
    for verdict, props in conn.execute(query):
        try:
            lang = json.loads(props or "{}").get("lang") or UNKNOWN
        except (ValueError, AttributeError):
            lang = UNKNOWN
        counts[str(lang), verdict] += 1
    rows = {lang: [counts[lang, v] for v in VERDICTS]
            for lang in sorted({lang for lang, _ in counts})}
    if not rows:
        return {}
    return {str(lang): dict(zip(VERDICTS, cells, strict=True))
            for lang, cells in suppressed(rows, range(len(VERDICTS)))}

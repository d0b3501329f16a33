"""Report fixtures: a hand-built event set, ingested through the same insert + roll-up path
as the store, on SQLite and (when BUYERKIT_TEST_POSTGRES_URL is set) on PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from buyerkit.reports import rollups
from buyerkit.reports.period import day_of
from buyerkit.signals.store import events
from tests.conftest import make_app

MONDAY = date(2026, 3, 2)
H0 = day_of(MONDAY) * 24 + 10
ORG_KEY = "test-domain-key"
TARGETS = (("Brightwell Payroll", "brightwellpayroll.com"), ("Keelson Analytics", "keelson.io"))
PASSWORD = "correct horse battery staple"


@pytest.fixture
def rapp(tmp_path: Path, content_dir: Path, store_url: str):
    app = make_app(tmp_path, content_dir, DATABASE_URL=store_url, DOMAIN_HMAC_KEY=ORG_KEY,
                   LOGIN_FAILURES_LIMIT=3)
    yield app
    app.extensions["buyerkit.store"].dispose()


def ev(kind: str, journey: str | None, hour: int = H0, subject: str = "renewal-risk-check",
       grp: str | None = None, channel: tuple = (None, None, None, None),
       props: str | None = None, **cols: Any) -> dict[str, Any]:
    source, medium, campaign, referrer = channel
    row = {"id": str(uuid.uuid4()), "kind": kind, "hour": hour, "subject": subject,
           "journey": journey, "grp": grp, "verdict": None, "reasons": None, "bucket": None,
           "trigger": None, "props": props, "source": source, "medium": medium,
           "campaign": campaign, "referrer": referrer}
    row.update(cols)
    return row


def ingest(engine: sa.Engine, rows: list[dict[str, Any]], batch: int = 1) -> None:
    """Insert rows and fold them into the roll-ups in the same transaction, `batch` at a time
    (what Store.record does for one event, and the group-commit writer for many)."""
    columns = list(events.c.keys())
    for i in range(0, len(rows), batch):
        # Every row with every column, as the store writes them: an executemany takes its
        # columns from the first row, so a key only some rows have would be dropped silently.
        chunk = [{k: r.get(k) for k in columns} for r in rows[i:i + batch]]
        with engine.begin() as conn:
            conn.execute(events.insert(), chunk)
            rollups.apply(conn, chunk)


LINKEDIN = ("linkedin", "paid-social", "q1-renewals", None)
GOOGLE = ("google", "cpc", None, None)
G2 = (None, None, None, "g2.com")


def completed(verdict: str, reasons: str, bucket: str, trigger: str, persona: str, size: str,
              channel: tuple, hour: int = H0, grp: str | None = None,
              examined: bool = False, **cols: Any) -> list[dict[str, Any]]:
    """One journey that completes the diagnostic (started, steps 2-4, completed)."""
    j = str(uuid.uuid4())
    rows = [ev("diagnostic_started", j, hour, channel=channel, grp=grp, **cols)]
    rows += [ev("step_reached", j, hour, channel=channel, grp=grp, props=f'{{"step":{s}}}',
                **cols) for s in (2, 3, 4)]
    if examined:
        rows.append(ev("calculator_used", j, hour + 1, subject="roi", channel=channel,
                       props='{"payback_band":"6_12","scenario":"expected"}'))
    bands = f'{{"bands":{{"persona":"{persona}","size":"{size}"}}}}'
    rows.append(ev("diagnostic_completed", j, hour, channel=channel, grp=grp, verdict=verdict,
                   reasons=reasons, bucket=bucket, trigger=trigger, props=bands, **cols))
    return rows


def abandoned(step: int, channel: tuple, hour: int = H0) -> list[dict[str, Any]]:
    j = str(uuid.uuid4())
    rows = [ev("diagnostic_started", j, hour, channel=channel)]
    rows += [ev("step_reached", j, hour, channel=channel, props=f'{{"step":{s}}}')
             for s in range(2, step + 1)]
    rows.append(ev("diagnostic_abandoned", j, hour, channel=channel, props=f'{{"step":{step}}}'))
    return rows


def hand_built(org: str | None = None) -> list[dict[str, Any]]:
    """The small event set every report's exact expected table is worked out from."""
    rows: list[dict[str, Any]] = []
    fit = ("fit", "problem_fits,trigger_mandate,profile_fits", "retain_expand", "mandate",
           "cs_leader", "50_199")
    groups = [str(uuid.uuid4()) for _ in range(5)]
    for i in range(6):  # week 1: 6 fit from LinkedIn, 5 of them in a buying group
        rows += completed(*fit, LINKEDIN, hour=H0 + i, grp=groups[i] if i < 5 else None)
    for g in groups:  # the groups: the CFO and security guides read, a review requested
        rows += [ev("guide_viewed", None, H0 + 30, subject="cfo", grp=g,
                    props='{"personalised":true}'),
                 ev("guide_viewed", None, H0 + 30, subject="security", grp=g,
                    props='{"personalised":true}'),
                 ev("security_review_requested", None, H0 + 31, subject="security", grp=g)]
    for _ in range(2):  # two groups where only IT looked
        rows.append(ev("guide_viewed", None, H0 + 40, subject="it", grp=str(uuid.uuid4()),
                       props='{"personalised":false}'))
    for i in range(5):  # week 2: 5 more fit, from G2 (a referral)
        rows += completed(*fit, G2, hour=H0 + 7 * 24 + i)
    for i in range(5):  # 5 not now from Google; 2 of them had used the calculator
        rows += completed("not_now", "researching_for_later,problem_fits,profile_fits",
                          "retain_expand", "none", "revops", "200_999", GOOGLE, hour=H0 + 24,
                          examined=i < 2)
    for _ in range(7):  # 7 not a fit, direct: an acquisition problem and too small
        rows += completed("not_a_fit", "problem_is_acquisition,too_small_yet", "acquire",
                          "none", "founder", "under_50", (None, None, None, None),
                          hour=H0 + 25)
    for _ in range(5):  # 5 not a fit from LinkedIn: on-premises only (a disqualifier)
        rows += completed("not_a_fit", "on_premises_only", "retain_expand", "mandate",
                          "cs_leader", "50_199", LINKEDIN, hour=H0 + 26)
    for _ in range(6):
        rows += abandoned(2, GOOGLE, hour=H0 + 27)
    for _ in range(2):
        rows += abandoned(3, (None, None, None, None), hour=H0 + 28)
    if org is not None:  # 6 journeys told us they work at a target account
        for r in [r for r in rows if r["kind"] == "diagnostic_completed"][:6]:
            rows.append(ev("company_given", r["journey"], r["hour"], grp=r["grp"], org=org))
    return rows

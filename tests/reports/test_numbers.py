"""Every report's numbers on the hand-built event set: exact expected tables, worked out by
hand in conftest.hand_built's comments, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest

from buyerkit.reports import highlights, queries, service
from buyerkit.reports.context import Context
from buyerkit.reports.period import Period
from buyerkit.reports.pipeline import Plan
from buyerkit.signals.company import org_hash
from tests.reports.conftest import MONDAY, ORG_KEY, TARGETS, hand_built, ingest

PERIOD = Period("renewal-risk-check", MONDAY, date(2026, 3, 15))


@pytest.fixture
def loaded(rapp):
    engine = rapp.extensions["buyerkit.store"].engine
    ingest(engine, hand_built(org_hash(ORG_KEY, "brightwellpayroll.com")), batch=7)
    return rapp


def _ctx(app, **kw) -> Context:
    d = app.extensions["buyerkit.catalog"].diagnostics["renewal-risk-check"]
    return Context(diagnostic=d, targets=TARGETS, org_key=ORG_KEY, **kw)


def _report(app, name: str, **kw):
    with app.extensions["buyerkit.store"].engine.connect() as conn:
        return queries.REPORTS[name](conn, PERIOD, _ctx(app, **kw))


def test_overview(loaded):
    r = _report(loaded, "overview")
    assert r.table("outcomes").rows == (
        ("Started", "28+", None),
        ("Completed", 28, None),
        ("Fit", 11, pytest.approx(11 / 28)),
        ("Not now", 5, pytest.approx(5 / 28)),
        ("Not a fit", 12, pytest.approx(12 / 28)),
        ("Left mid-way", "0+", None),
        ("Started, no outcome recorded yet", 0, None),
        ("Filtered (bots, honeypot), counted apart", 0, None),
    )
    # Two left at step 3: shown as <5, and step 2's 6 is hidden with it, so the weekly
    # scorecard's 8 cannot reveal the 2 by subtraction.
    assert r.table("abandoned_steps").rows == (("Step 2", "hidden"), ("Step 3", "<5"))


def test_overview_highlights(loaded):
    rows = _report(loaded, "overview").table("highlights").rows
    assert rows == (
        ("Which channel brings fit prospects?",
         "linkedin / paid-social / q1-renewals: 6 fit prospects (54.5% of its completed "
         "journeys)."),
        ("Why do prospects bounce?",
         "Most often: the problem is not one we solve — mostly while identifying the problem. "
         "Each one found out early, before costing anyone's time."),
        # The groups table shows 5 groups of two roles and "0+" of one (fewer than 5):
        # the sentence says what is known, never the shown cells alone as if they were all.
        ("Which buying groups are forming?",
         "At least 5 groups shared material; 0 have 3 or more roles engaged, 5 read the CFO "
         "guide, 5 asked for the security review."),
    )
    cents = {("linkedin", "paid-social", "q1-renewals"): 140000.0}
    rows = _report(loaded, "overview", spend_cents=cents).table("highlights").rows
    assert rows[0][1].endswith("journeys), at 233.33 per fit prospect.")
    assert rows[1] == ("Where does a fit prospect cost least?",
                       "linkedin / paid-social / q1-renewals: 233.33 per fit prospect.")


@pytest.mark.parametrize(("row", "named"), [
    (("linkedin", "paid-social", "q1-renewals"), "linkedin / paid-social / q1-renewals"),
    (("g2.com", "referral", "(none)"), "g2.com / referral"),
    (("newsletter", "(none)", "(none)"), "newsletter"),
    (("(direct)", "(none)", "(none)"), "Direct visits (no campaign tag, no referrer)"),
], ids=["tagged", "referral", "source-only", "direct"])
def test_a_channel_in_a_sentence_drops_the_placeholders(row, named):
    assert highlights._named((*row, 9, 7, 0)) == named


@pytest.mark.parametrize(("cell", "said"), [
    (8, "8"), (1234, "1,234"), ("6+", "at least 6"), ("0+", "a few"),
], ids=["shown", "thousands", "partly-hidden", "all-hidden"])
def test_a_total_in_a_sentence_says_only_what_is_known(cell, said):
    assert highlights._said(cell) == said


def test_bounces(loaded):
    r = _report(loaded, "bounces")
    assert r.table("rules").rows == (
        ("A hard disqualifier", "hidden", 0, "0+"),
        ("The problem is not one we solve", 7, 0, 7),
        ("No reason to act this quarter", "<5", "<5", "0+"),
    )
    assert r.table("reasons").rows == (
        ("on_premises_only", "A hard disqualifier", "Not a fit", 5),
        ("problem_is_acquisition", "The problem is not one we solve", "Not a fit", 7),
        ("too_small_yet", "The company is outside the target profile", "Not a fit", 7),
        ("researching_for_later", "No reason to act this quarter", "Not now", 5),
    )


def test_channels_with_spend(loaded):
    cents = {("linkedin", "paid-social", "q1-renewals"): 140000.0}
    rows = _report(loaded, "channels", spend_cents=cents).table("channels").rows
    assert rows == (
        ("linkedin", "paid-social", "q1-renewals", 11, 11, 6, pytest.approx(6 / 11), 1400.0,
         pytest.approx(1400 / 6)),
        ("g2.com", "referral", "(none)", 5, 5, 5, 1.0, None, None),
        ("(direct)", "(none)", "(none)", 9, 7, 0, 0.0, None, None),
        ("google", "cpc", "(none)", 11, 5, 0, 0.0, None, None),
        ("All channels", "", "", 36, 28, 11, pytest.approx(11 / 28), 1400.0,
         pytest.approx(1400 / 11)),
    )


def test_segments(loaded):
    r = _report(loaded, "segments")
    assert r.table("persona").rows == (
        ("Customer success leader", 16, 11, 0, 5, pytest.approx(11 / 16)),
        ("Founder or CEO", 7, 0, 0, 7, 0.0),
        ("Revenue operations", 5, 0, 5, 0, 0.0),
    )
    assert r.table("size").rows == (
        ("50 to 199", 16, 11, 0, 5, pytest.approx(11 / 16)),
        ("200 to 999", 5, 0, 5, 0, 0.0),
        ("Fewer than 50", 7, 0, 0, 7, 0.0),
    )
    assert r.table("bucket").rows == (
        ("Retain and expand customers", 21, 11, 5, 5, pytest.approx(11 / 21)),
        ("Acquire new customers", 7, 0, 0, 7, 0.0),
    )
    assert r.table("trigger").rows == (
        ("A mandate", 16, 11, 0, 5, pytest.approx(11 / 16)),
        ("No trigger yet", 12, 0, 5, 7, 0.0),
    )


def test_groups_and_penetration(loaded):
    r = _report(loaded, "groups")
    assert r.table("groups").rows == (
        ("1", "0+", 0, 0, 0, "<5", 0, 0),
        ("2", 5, 5, 0, 0, 0, 5, 5),
    )
    assert r.table("penetration").rows == (
        ("Target accounts on the list", 2), ("Target accounts engaged", 1),
        ("Penetration", "50.0%"))
    assert r.table("targets").rows == (("Brightwell Payroll", 6),)


def test_weekly(loaded):
    rows = _report(loaded, "weekly").table("weekly").rows
    assert rows == (
        ("2026-03-02", 31, 23, 6, 5, 12, 8, pytest.approx(6 / 23), 6, None),
        ("2026-03-09", 5, 5, 5, 0, 0, 0, 1.0, -1, pytest.approx((1 - 6 / 23) * 100)),
    )


def test_weekly_marks_partial_weeks_and_counts_only_days_in_range(loaded):
    period = Period("renewal-risk-check", date(2026, 3, 3), date(2026, 3, 10))
    with loaded.extensions["buyerkit.store"].engine.connect() as conn:
        rows = queries.weekly(conn, period, _ctx(loaded)).table("weekly").rows
    # Monday's 6 fit journeys fall outside; Tuesday's not-now and not-a-fit stay in.
    assert [r[:7] for r in rows] == [("2026-03-02 (part)", 25, 17, 0, 5, 12, 8),
                                     ("2026-03-09 (part)", 5, 5, 5, 0, 0, 0)]


def test_pipeline_says_when_the_market_is_too_small(loaded):
    plan = Plan(revenue=3_000_000, price=30_000, close_rate=0.25, market=300)
    [r] = service.build(loaded.extensions["buyerkit.store"].engine, PERIOD,
                        loaded.extensions["buyerkit.catalog"], loaded.config, ["pipeline"], plan)
    assert r.table("pipeline").rows == (
        ("Deals needed (revenue ÷ average sale price, rounded up)", 100),
        ("Qualified opportunities needed a year (deals ÷ close rate)", 400),
        ("Qualified opportunities needed a week", 7.7),
        ("Fit prospects observed a week in the chosen range", 5.5),
        ("Companies in the target market", 300),
        ("Share of the market the plan needs as opportunities each year", "133.3%"),
    )
    assert r.notes[0].startswith("The plan does not fit the market: it needs 400 qualified "
                                 "opportunities a year, but the market you entered holds "
                                 "only 300 companies.")
    assert r.notes[1] == ("Fit prospects arrive too slowly for the plan: 5.5 a week against "
                          "7.7 needed, a gap of 2.2 a week.")


def test_outside_the_range_nothing_is_counted(loaded):
    period = Period("renewal-risk-check", date(2026, 4, 1), date(2026, 4, 30))
    with loaded.extensions["buyerkit.store"].engine.connect() as conn:
        rows = queries.overview(conn, period, _ctx(loaded)).table("outcomes").rows
    assert [r[1] for r in rows] == [0, 0, 0, 0, 0, 0, 0, 0]

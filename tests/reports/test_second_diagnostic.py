"""Reports per diagnostic, on the demo's two checks: `buyerkit demo-signals` makes journeys for
both, and each diagnostic's reports (pages, JSON, the terminal) count only its own completions,
name only its own reasons and its own steps."""

from __future__ import annotations

import json
import re
from datetime import date
from html import escape as html_escape

import pytest
import sqlalchemy as sa

from buyerkit.content.catalog import load_catalog
from buyerkit.reports import accounts
from buyerkit.reports.period import day_of
from buyerkit.signals.store import events
from tests.conftest import DEMO_CONTENT, Runner, make_app
from tests.reports.conftest import PASSWORD
from tests.reports.test_auth import login

CATALOG = load_catalog(DEMO_CONTENT)
SLUGS = sorted(CATALOG.diagnostics)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """An instance filled by `buyerkit demo-signals` (the real command), and a report user."""
    tmp = tmp_path_factory.mktemp("two-reports")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BUYERKIT_INSTANCE_PATH", str(tmp / "instance"))
        mp.setenv("BUYERKIT_CONTENT_DIR", str(DEMO_CONTENT))
        mp.delenv("BUYERKIT_DATABASE_URL", raising=False)
        r = Runner().invoke(["demo-signals", "--events", "6000", "--days", "30"])
        assert r.exit_code == 0, r.stderr
        assert all(repr(s) in r.stderr for s in SLUGS), r.stderr
        reports = {s: json.loads(Runner().invoke(
            ["report", "overview", "bounces", "--preset", "30d", "--diagnostic", s,
             "--format", "json"]).stdout) for s in SLUGS}
    app = make_app(tmp, DEMO_CONTENT)
    accounts.add(app.extensions["buyerkit.store"].engine, "alice", PASSWORD)
    yield app, reports
    app.extensions["buyerkit.store"].dispose()


def stored(app, slug: str | None, since: str, until: str) -> dict[str, int]:
    """Completions of one diagnostic (None: of every one) in the period, per verdict, read
    from the event table."""
    lo, hi = day_of(date.fromisoformat(since)) * 24, (day_of(date.fromisoformat(until)) + 1) * 24
    q = (sa.select(events.c.verdict, sa.func.count())
         .where(events.c.kind == "diagnostic_completed", events.c.filtered.is_(None),
                events.c.hour >= lo, events.c.hour < hi)
         .group_by(events.c.verdict))
    if slug is not None:
        q = q.where(events.c.subject == slug)
    with app.extensions["buyerkit.store"].engine.connect() as conn:
        return dict(conn.execute(q).all())


def tables(report: dict) -> dict[str, list[dict]]:
    return {t["key"]: t["rows"] for r in report["reports"] for t in r["tables"]}


@pytest.mark.parametrize("slug", SLUGS)
def test_each_diagnostic_counts_only_its_own_completions(seeded, slug):
    app, reports = seeded
    report = reports[slug]
    assert report["diagnostic"] == slug
    outcomes = {row["outcome"]: row["journeys"] for row in tables(report)["outcomes"]}
    mine = stored(app, slug, report["since"], report["until"])
    assert set(mine) == {"fit", "not_now", "not_a_fit"}
    assert all(n >= 5 for n in mine.values())  # large enough to be shown, not suppressed
    expected = {"Completed": sum(mine.values()), "Fit": mine["fit"],
                "Not now": mine["not_now"], "Not a fit": mine["not_a_fit"]}
    # a count may be "hidden" beside a small one (complementary suppression); every count
    # shown is exact, and most are shown
    shown = {k: v for k, v in outcomes.items() if k in expected and isinstance(v, int)}
    assert shown == {k: expected[k] for k in shown} and len(shown) >= 3, (outcomes, expected)
    # the other check's completions are in the store, in the same days, and left out
    assert sum(stored(app, None, report["since"], report["until"]).values()) > \
        expected["Completed"] + 5


@pytest.mark.parametrize("slug", SLUGS)
def test_each_diagnostic_names_only_its_own_reasons_and_steps(seeded, slug):
    _, reports = seeded
    t = tables(reports[slug])
    d = CATALOG.diagnostics[slug]
    codes = {row["code"] for row in t["reasons"]}
    assert codes and codes <= set(d.scoring.reasons), codes
    others = {c for s in SLUGS if s != slug for c in CATALOG.diagnostics[s].scoring.reasons}
    assert codes - others, "no reason of its own shows up"
    steps = [row["step"] for row in t["abandoned_steps"]]
    assert steps and all(int(re.search(r"\d+", s).group()) <= len(d.steps) for s in steps
                         if re.search(r"\d+", s)), steps


def test_the_report_pages_filter_by_diagnostic(seeded):
    app, reports = seeded
    client = app.test_client()
    login(client)
    for slug in SLUGS:
        page = client.get("/reports/", query_string={"diagnostic": slug, "preset": "30d"})
        html = page.get_data(as_text=True)
        assert page.status_code == 200
        # the page says which check its figures are for, above its heading
        title = html_escape(CATALOG.diagnostics[slug].title)
        assert re.search(rf'<p class="eyebrow">{re.escape(title)}</p>\s*<h1>', html)
        # the filter offers both checks by title, this one chosen
        for s, d in CATALOG.diagnostics.items():
            chosen = " selected" if s == slug else ""
            assert f'<option value="{s}"{chosen}>{html_escape(d.title)}</option>' in html
        data = client.get("/reports/overview.json",
                          query_string={"diagnostic": slug, "preset": "30d"}).get_json()
        assert tables(data)["outcomes"] == tables(reports[slug])["outcomes"]

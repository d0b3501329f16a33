"""Several checks are first-class in the reports: the weekly digest has a section per check
(each with its own suppression, in English and German), the overview lists every check above
its figures with a link to each, and `buyerkit report` without --diagnostic says which check
it shows and how to pick another. Events for both demo checks are written to the store
directly (the same insert + roll-up path as the store), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
import uuid
from html import unescape

import pytest
from flask_babel import force_locale

from buyerkit.reports import accounts, digest
from buyerkit.reports.period import Period
from tests.reports.conftest import (
    GOOGLE,
    H0,
    LINKEDIN,
    MONDAY,
    PASSWORD,
    completed,
    ev,
    hand_built,
    ingest,
)
from tests.reports.test_auth import login

RT = "reporting-time-check"
RANGE = ["--since", "2026-03-02", "--until", "2026-03-15"]
QUERY = {"since": "2026-03-02", "until": "2026-03-15"}


def reporting_time(fit: int = 6) -> list[dict]:
    """The second check's journeys: `fit` fit and 3 not now (shown as <5) from LinkedIn, 8
    not a fit from Google (5 whose CRM already ranks accounts, 3 with under an hour of
    reporting: <5, merged into "Other reasons" with the 3 not-now), 2 left at step 2 (<5)."""
    rows: list[dict] = []
    for i in range(fit):
        rows += completed("fit", "problem_fits,trigger_mandate,profile_fits", "efficiency",
                          "mandate", "cs_leader", "200_999", LINKEDIN, hour=H0 + 2 + i,
                          subject=RT)
    for _ in range(3):
        rows += completed("not_now", "no_trigger,problem_fits,profile_fits", "efficiency",
                          "none", "cs_leader", "200_999", LINKEDIN, hour=H0 + 30, subject=RT)
    for i in range(8):
        rows += completed("not_a_fit", "already_automated" if i < 5 else "little_manual_work",
                          "efficiency", "none", "revops", "200_999", GOOGLE, hour=H0 + 31,
                          subject=RT)
    for _ in range(2):
        j = str(uuid.uuid4())
        rows += [ev("diagnostic_started", j, H0 + 32, subject=RT),
                 ev("diagnostic_abandoned", j, H0 + 32, subject=RT, props='{"step":2}')]
    return rows


@pytest.fixture
def two_checks(store_url, tmp_path, content_dir, monkeypatch):
    """An instance whose store holds journeys of both demo checks in 2026-03-02..15, for the
    CLI (environment) and for direct calls (the app)."""
    from tests.conftest import make_app

    monkeypatch.setenv("BUYERKIT_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("BUYERKIT_CONTENT_DIR", str(content_dir))
    monkeypatch.setenv("BUYERKIT_DATABASE_URL", store_url)
    app = make_app(tmp_path, content_dir, DATABASE_URL=store_url)
    engine = app.extensions["buyerkit.store"].engine
    ingest(engine, hand_built() + reporting_time(), batch=200)
    accounts.add(engine, "alice", PASSWORD)
    yield app
    app.extensions["buyerkit.store"].dispose()


ENGLISH = """\
Subject: Harborline reports: 17 fit prospects, 2026-03-02 to 2026-03-15

2026-03-02 to 2026-03-15, against 2026-02-16 to 2026-03-01:

Buying groups forming (across every check): 7 (+7 on 0)


Is renewal risk the problem you need to solve now?
==================================================

Fit prospects: 11 (+11 on 0)
Not now: 5 (+5 on 0)
Not a fit: 12 (+12 on 0)
Left mid-way: 8 (+8 on 0)
Fit rate: 39.3%

Top channels by fit prospects:
  LinkedIn ads · q1-renewals: 6
  G2 (link): 5

Top bounce reasons:
  They need new customers, not renewals: 7
  Too small yet (fewer than 50 people): 7
  Needs on-premises hosting: 5
  Researching for later: 5

The overview: https://reports.example/reports/?diagnostic=renewal-risk-check&since=2026-03-02&until=2026-03-15


Is your customer success team spending its week on reports?
===========================================================

Fit prospects: 6 (+6 on 0)
Not now: <5 (before: 0)
Not a fit: 8 (+8 on 0)
Left mid-way: <5 (before: 0)
Fit rate: –

Top channels by fit prospects:
  LinkedIn ads · q1-renewals: 6

Top bounce reasons:
  Already trusts an automatic health score: 5
  Other reasons: 6

The overview: https://reports.example/reports/?diagnostic=reporting-time-check&since=2026-03-02&until=2026-03-15

<5 means fewer than 5 prospects"""


def small_counts(text: str) -> list[str]:
    """Every number 1 to 4 in a text, dates, URLs and percentages left aside."""
    text = re.sub(r"https?://\S+|\d{4}-\d\d-\d\d|\d\d\.\d\d\.\d{4}", "", text)
    return [n for n in re.findall(r"(?<![\w.,])\d+(?![\w.,%])", text) if 1 <= int(n) <= 4]


def test_the_digest_has_a_section_per_check_with_its_own_suppression(two_checks, runner,
                                                                       monkeypatch):
    monkeypatch.setenv("BUYERKIT_REPORTS_BASE_URL", "https://reports.example")
    r = runner.invoke(["report", "digest", "--print", *RANGE])
    assert r.exit_code == 0, r.stderr
    assert r.stdout.startswith(ENGLISH), r.stdout
    # no count of 1 to 4 anywhere: the second check's 3 not-now and 2 left are "<5"
    assert small_counts(r.stdout) == [], r.stdout


def test_the_digest_in_german(two_checks, runner, monkeypatch):
    monkeypatch.setenv("BUYERKIT_REPORTS_LANGUAGE", '"de"')
    r = runner.invoke(["report", "digest", "--print", *RANGE])
    assert r.exit_code == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == ("Subject: Harborline-Berichte: 17 passende Interessenten, 02.03.2026 bis "
                        "15.03.2026")
    assert lines[4] == "Entstehende Buying Center (alle Checks zusammen): 7 (+7 gegenüber 0)"
    title = "Ist das Verlängerungsrisiko das Problem, das Sie jetzt lösen müssen?"
    assert lines[7:9] == [title, "=" * len(title)]
    second = lines.index("Verbringt Ihr Customer-Success-Team die Woche mit Reports?")
    assert lines[second + 1:second + 9] == [
        "=" * len(lines[second]), "",
        "Passende Interessenten: 6 (+6 gegenüber 0)",
        "Noch nicht: <5 (zuvor: 0)",
        "Passt nicht: 8 (+8 gegenüber 0)",
        "Vorzeitig ausgestiegen: <5 (zuvor: 0)",
        "Fit-Quote: –", ""]
    assert "  Vertraut schon einem automatischen Health-Score: 5" in lines
    assert sum(line.startswith("Die Übersicht: http://localhost:5000/reports/?diagnostic=")
               for line in lines) == 2


def test_diagnostic_narrows_the_digest_to_one_check(two_checks, runner):
    r = runner.invoke(["report", "digest", "--print", *RANGE, "--diagnostic", RT])
    assert r.exit_code == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "Subject: Harborline reports: 6 fit prospects, 2026-03-02 to 2026-03-15"
    assert lines[4:9] == ["Fit prospects: 6 (+6 on 0)", "Not now: <5 (before: 0)",
                          "Not a fit: 8 (+8 on 0)", "Left mid-way: <5 (before: 0)",
                          "Fit rate: –"]
    # one check: its own overview's six figures, the site's buying groups among them
    assert "Buying groups forming: 7 (+7 on 0)" in lines
    assert not any("renewal-risk-check" in line or "Is renewal risk" in line
                   or line.startswith("===") for line in lines)
    assert lines[-5].startswith("The overview: http://localhost:5000/reports/?diagnostic="
                                f"{RT}&")


def test_a_sum_of_fit_prospects_is_left_out_of_the_subject_when_a_part_is_hidden(
        two_checks):
    engine = two_checks.extensions["buyerkit.store"].engine
    ingest(engine, [r for r in reporting_time(fit=3)  # a 3-fit week later: <5 on its own
                    if r["kind"] != "diagnostic_abandoned"], batch=200)
    catalog = two_checks.extensions["buyerkit.catalog"]
    period = Period("renewal-risk-check", MONDAY, MONDAY.replace(day=15))
    with two_checks.app_context():
        mail = digest.compose(engine, period, catalog, two_checks.config, "https://x",
                              sorted(catalog.diagnostics))
    # 6 + 3 = 9 fit for the second check: shown, so the subject adds up 11 + 9
    assert mail.subject == "Harborline reports: 20 fit prospects, 2026-03-02 to 2026-03-15"
    later = Period("renewal-risk-check", MONDAY.replace(day=16), MONDAY.replace(day=22))
    # two weeks on: 3 fit for the second check, 1 for the first; both "<5", so a sum of 4
    # beside them would say nothing new, but 3 + 9 beside "<5" and 9 would give one away
    ingest(engine, [dict(r, hour=r["hour"] + 14 * 24) for r in reporting_time(fit=3)
                    + completed("fit", "problem_fits", "retain_expand", "mandate",
                                "cs_leader", "50_199", LINKEDIN)], batch=200)
    with two_checks.app_context():
        mail = digest.compose(engine, later, catalog, two_checks.config, "https://x",
                              sorted(catalog.diagnostics))
    assert mail.subject == ("Harborline reports: fit prospects per check, 2026-03-16 to "
                            "2026-03-22")
    assert "Fit prospects: <5" in mail.text
    with two_checks.test_request_context(), force_locale("de"):
        mail = digest.compose(engine, later, catalog.in_language("de"), two_checks.config,
                              "https://x", sorted(catalog.diagnostics))
    assert mail.subject == ("Harborline-Berichte: passende Interessenten je Check, 16.03.2026 "
                            "bis 22.03.2026")


def test_a_site_with_one_check_shows_no_check_lines(tmp_path, content_dir, runner,
                                                   monkeypatch):
    from tests.conftest import make_app

    for path in content_dir.glob(f"diagnostics/{RT}*.yaml"):
        path.unlink()
    site = content_dir / "site.yaml"  # its profile answers, and the problem pointing at it
    text = re.sub(rf"\n    {RT}:\n(?:      .*\n)+", "\n", site.read_text(encoding="utf-8"))
    site.write_text(text.replace(f"diagnostic: {RT}", "diagnostic: renewal-risk-check"),
                    encoding="utf-8")
    monkeypatch.setenv("BUYERKIT_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("BUYERKIT_CONTENT_DIR", str(content_dir))
    monkeypatch.delenv("BUYERKIT_DATABASE_URL", raising=False)
    app = make_app(tmp_path, content_dir)
    assert list(app.extensions["buyerkit.catalog"].diagnostics) == ["renewal-risk-check"]
    ingest(app.extensions["buyerkit.store"].engine, hand_built(), batch=200)
    accounts.add(app.extensions["buyerkit.store"].engine, "alice", PASSWORD)
    client = app.test_client()
    login(client)
    html = client.get("/reports/", query_string=QUERY).get_data(as_text=True)
    assert 'class="checks"' not in html and 'class="eyebrow"' not in html
    app.extensions["buyerkit.store"].dispose()
    r = runner.invoke(["report", "overview", *RANGE, "--table", "headline"])
    assert r.exit_code == 0 and r.stderr == ""
    lines = runner.invoke(["report", "digest", "--print", *RANGE]).stdout.splitlines()
    assert lines[4] == "Fit prospects: 11 (+11 on 0)"
    assert not any(line.startswith("===") or "across every check" in line for line in lines)


def own_overview(client, slug: str) -> dict[str, list]:
    data = client.get("/reports/overview.json", query_string={**QUERY, "diagnostic": slug})
    return {t["key"]: t["rows"] for t in data.get_json()["reports"][0]["tables"]}


def test_the_overview_lists_every_check_linking_to_its_own_report(two_checks):
    client = two_checks.test_client()
    login(client)
    html = client.get("/reports/", query_string=QUERY).get_data(as_text=True)
    section = html[html.index('<section class="checks"'):html.index("</section>")]
    items = re.findall(r'<li( class="current")?><a href="([^"]+)"[^>]*>([^<]+)</a>.*?'
                       r'<span class="check-figures">([^<]+)</span></li>', section, re.S)
    catalog = two_checks.extensions["buyerkit.catalog"]
    assert [unescape(i[2]) for i in items] == [catalog.diagnostics[s].title
                                               for s in sorted(catalog.diagnostics)]
    assert [bool(i[0]) for i in items] == [True, False]  # the first check's figures follow
    assert '(figures below)' in section
    for _current, href, title, figures in items:
        slug = re.search(r"diagnostic=([a-z-]+)", href).group(1)
        assert unescape(href) == (f"/reports/?diagnostic={slug}&since=2026-03-02"
                                  "&until=2026-03-15")
        own = own_overview(client, slug)
        done = {r["outcome"]: r["journeys"] for r in own["outcomes"]}["Completed"]
        rate = {r["figure"]: r["now"] for r in own["headline"]}["Fit rate"]
        reason = own["top_reasons"][0]["reason"]
        shown = f"{rate:.1%}" if rate is not None else "–"
        assert unescape(figures) == (f"Completed: {done} · fit rate: {shown} · top bounce "
                                     f"reason: {reason}"), slug
        # the line's link opens that check's own overview
        page = client.get(unescape(href)).get_data(as_text=True)
        assert f'<p class="eyebrow">{title}</p>' in page
    assert [unescape(i[3]) for i in items] == [
        "Completed: 28 · fit rate: 39.3% · top bounce reason: They need new customers, not "
        "renewals",
        "Completed: hidden · fit rate: – · top bounce reason: Already trusts an automatic "
        "health score"]


def test_the_cli_says_which_check_it_shows_and_how_to_pick_another(two_checks, runner):
    r = runner.invoke(["report", "overview", *RANGE, "--table", "headline"])
    assert r.exit_code == 0, r.stderr
    assert r.stderr == (
        "\nThis site has 2 checks; these reports are for renewal-risk-check. Every check, "
        "2026-03-02 to 2026-03-15:\n"
        "* renewal-risk-check: Completed: 28 · fit rate: 39.3% · top bounce reason: They need "
        "new customers, not renewals\n"
        "  reporting-time-check: Completed: hidden · fit rate: – · top bounce reason: Already "
        "trusts an automatic health score\n"
        "Another check: buyerkit report --diagnostic reporting-time-check\n")
    # standard output is the first check's tables, exactly as with --diagnostic (for scripts)
    chosen = runner.invoke(["report", "overview", *RANGE, "--table", "headline",
                            "--diagnostic", "renewal-risk-check"])
    assert chosen.stdout == r.stdout and chosen.stderr == ""
    assert r.stdout.startswith("renewal-risk-check, 2026-03-02 to 2026-03-15\n")
    other = runner.invoke(["report", "overview", *RANGE, "--diagnostic", RT, "--format",
                           "json"])
    assert json.loads(other.stdout)["diagnostic"] == RT and other.stderr == ""


def test_a_check_no_one_started_gets_one_sentence(two_checks, runner):
    """March 16 to 29 follows the fortnight with both checks' journeys: each section shows
    the fall to 0; a fortnight later still, neither period has any, and each check gets one
    sentence and its link instead of a page of zeros."""
    after = runner.invoke(["report", "digest", "--print", "--since", "2026-03-16", "--until",
                           "2026-03-29"]).stdout.splitlines()
    assert after.count("Fit prospects: 0 (-6 on 6)") == 1, after  # the second check
    assert "Fit prospects: 0 (-11 on 11)" in after  # the first
    quiet = runner.invoke(["report", "digest", "--print", "--since", "2026-03-30", "--until",
                           "2026-04-12"]).stdout.splitlines()
    assert quiet[0] == "Subject: Harborline reports: 0 fit prospects, 2026-03-30 to 2026-04-12"
    assert quiet.count("No one started this check in this period or the one before.") == 2
    assert not any(line.startswith("Fit prospects:") for line in quiet)

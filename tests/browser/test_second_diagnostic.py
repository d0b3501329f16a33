"""The demo's second check as a prospect on a phone meets it: from the frozen home page, keyboard
only at 360 px, the efficiency problem leads to the reporting check, which the page's script
takes to a verdict scored by the endpoint; axe finds nothing on any page on the way. The
screenshots of its steps and verdicts at both sizes are saved for a person to look at."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from buyerkit.content.catalog import load_catalog
from tests.browser.conftest import DEMO_CONTENT, assert_accessible
from tests.browser.keyboard import active, choose, press_button, tab_until
from tests.browser.test_static_build import journey_of, press, rows_of, site  # noqa: F401

SLUG = "reporting-time-check"
CATALOG = load_catalog(DEMO_CONTENT)
D = CATALOG.diagnostics[SLUG]
PROBLEM = next(p for p in CATALOG.site.problems if p.bucket == "efficiency")
STEPS = [tuple(q.id for q in s.questions) for s in D.steps]
BASE = {"hours": "3_8h", "priorities": "manual_score", "trigger": "own_team",
        "size": "50_199", "billing": "annual", "crm": "hubspot"}
VERDICTS = {
    "fit": BASE,
    "not_now": {**BASE, "trigger": "no_deadline"},
    "not_a_fit": {**BASE, "hours": "1_3h", "priorities": "renewal_date"},
}
SIZES = {"360": {"width": 360, "height": 740}, "1280": {"width": 1280, "height": 800}}
# Where the screenshots go (BUYERKIT_SCREENSHOTS, else the test's own temporary folder).
SHOTS = os.environ.get("BUYERKIT_SCREENSHOTS")


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=SIZES["360"])
    page = context.new_page()
    yield page
    context.close()


def fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"), page.url


@pytest.mark.parametrize("verdict", list(VERDICTS), ids=list(VERDICTS))
def test_from_the_home_page_to_each_verdict_by_keyboard_at_360px(phone, site, verdict):  # noqa: F811
    page = phone
    answers = VERDICTS[verdict]
    page.goto(site.url + "/")
    assert_accessible(page)
    fits(page)
    # The efficiency card's own button (its hidden words name the problem).
    tab_until(page, lambda e: e[0] == "A" and e[4].endswith(PROBLEM.title))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{site.url}/diagnostics/{SLUG}/"
    journey = journey_of(page)
    for i, qids in enumerate(STEPS):
        expect(page.locator("section.step:not([hidden]) h1")).to_have_text(D.steps[i].title)
        # the step's own name too (it once kept the first step's name on every step)
        expect(page.locator("#progress-label")).to_have_text(
            f"Step {i + 1} of {len(STEPS)}: {D.steps[i].title}")
        assert_accessible(page)
        fits(page)
        for qid in qids:
            choose(page, qid, answers[qid])
        press(page, "See my result" if i == len(STEPS) - 1 else "Next")
        if i < len(STEPS) - 1:
            assert active(page)[0] == "H1"  # focus on the new step's heading
    heading = page.locator(f"[data-outcome='{verdict}'] h1")
    expect(heading).to_have_text(getattr(D.outcomes, verdict).title)
    expect(heading).to_be_focused()
    assert page.locator("#reasons li").count() >= 1
    assert_accessible(page)
    fits(page)
    rows = rows_of(site, journey, 3)
    # step_reached for every step after the first, as on the four-step check
    assert sorted(r["kind"] for r in rows) == [
        "diagnostic_completed", "diagnostic_started"] + ["step_reached"] * (len(STEPS) - 1)
    done = next(r for r in rows if r["kind"] == "diagnostic_completed")
    assert (done["subject"], done["verdict"], done["bucket"]) == (SLUG, verdict, "efficiency")


def test_without_javascript_on_the_server_pages(browser, live):
    context = browser.new_context(java_script_enabled=False, viewport=SIZES["360"])
    page = context.new_page()
    page.goto(f"{live.url}/")
    tab_until(page, lambda e: e[0] == "A" and e[4].endswith(PROBLEM.title))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    for i, qids in enumerate(STEPS):
        expect(page.locator("h1")).to_have_text(D.steps[i].title)
        for qid in qids:
            choose(page, qid, VERDICTS["not_now"][qid])
        press_button(page, "See my result" if i == len(STEPS) - 1 else "Next")
    expect(page.locator("h1")).to_have_text(D.outcomes.not_now.title)
    # the not-now steps link the other check
    link = page.locator(".verdict-next a", has_text="the renewal risk check")
    assert link.get_attribute("href") == "/diagnostics/renewal-risk-check/"
    context.close()


@pytest.mark.parametrize("size", list(SIZES))
def test_screenshots_of_the_steps_and_verdicts(browser, site, size, tmp_path):  # noqa: F811
    """Every step and every verdict at both sizes, saved for a person to look at."""
    out = Path(SHOTS) if SHOTS else tmp_path
    out.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=SIZES[size])
    page = context.new_page()
    for verdict, answers in VERDICTS.items():
        page.goto(f"{site.url}/diagnostics/{SLUG}/")
        for i, qids in enumerate(STEPS):
            expect(page.locator("section.step:not([hidden]) h1")).to_have_text(D.steps[i].title)
            if verdict == "fit":
                page.screenshot(path=str(out / f"{SLUG}-step{i + 1}-{size}.png"))
            for qid in qids:
                page.check(f"input[name='{qid}'][value='{answers[qid]}']")
            page.locator("section.step:not([hidden]) button[data-go='next']").click()
        expect(page.locator(f"[data-outcome='{verdict}'] h1")).to_be_visible()
        fits(page)
        page.screenshot(path=str(out / f"{SLUG}-{verdict}-{size}.png"))
    context.close()
    assert len(list(out.glob(f"{SLUG}-*-{size}.png"))) == len(STEPS) + len(VERDICTS)


@pytest.fixture(scope="module")
def reports_site(tmp_path_factory):
    """Reports on demo signals of both checks, and a report user."""
    import shutil

    from buyerkit.reports import accounts
    from buyerkit.reports import demo as demo_data
    from buyerkit.signals.store import events
    from tests.browser.conftest import LiveServer, make_app
    from tests.browser.test_reports import PASSWORD

    tmp = tmp_path_factory.mktemp("two-reports-live")
    shutil.copytree(DEMO_CONTENT, tmp / "content")
    app = make_app(tmp, tmp / "content")
    engine = app.extensions["buyerkit.store"].engine
    for i, slug in enumerate(sorted(CATALOG.diagnostics)):
        demo_data.load(engine, events, demo_data.generate(
            3000, 30, i + 1, slug, diagnostic=CATALOG.diagnostics[slug]))
    accounts.add(engine, "marketing", PASSWORD)
    with LiveServer(app) as server:
        yield server


def test_the_reports_switch_to_the_new_check_by_keyboard_at_360px(phone, reports_site):
    from tests.browser.test_reports import log_in_by_keyboard

    page = phone
    log_in_by_keyboard(page, reports_site)
    first = CATALOG.diagnostics["renewal-risk-check"]
    expect(page.locator("main .eyebrow").first).to_have_text(first.title)
    tab_until(page, lambda e: e[0] == "SUMMARY" and e[4].endswith("another diagnostic"))
    page.keyboard.press("Enter")
    tab_until(page, lambda e: e[0] == "SELECT" and e[1] == "diagnostic")
    for _ in range(len(CATALOG.diagnostics)):
        if active(page)[2] == SLUG:
            break
        page.keyboard.press("ArrowDown")
    assert active(page)[2] == SLUG
    press_button(page, "Show")
    expect(page.locator("main .eyebrow").first).to_have_text(D.title)
    assert "diagnostic=" + SLUG in page.url
    # its bounce reasons, not the other check's (which only its line in "Every check" names)
    main = page.evaluate("""() => { const m = document.querySelector('main').cloneNode(true);
        m.querySelector('section.checks')?.remove(); return m.innerText; }""")
    assert D.scoring.labels["already_automated"] in main
    assert first.scoring.labels["problem_is_acquisition"] not in main
    assert_accessible(page)
    fits(page)
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"reports-{SLUG}-360.png"))

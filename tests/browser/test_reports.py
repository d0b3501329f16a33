"""A marketer logs in with the keyboard and reads the reports in a real browser: charts drawn,
axe-core clean on every report page, usable at 360 px and without JavaScript."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from buyerkit.reports import accounts
from buyerkit.reports import demo as demo_data
from buyerkit.signals.store import events
from tests.browser.conftest import DEMO_CONTENT, LiveServer, assert_accessible, make_app
from tests.browser.keyboard import active, tab_until

PASSWORD = "correct horse battery staple"
PAGES = ["/reports/", "/reports/bounces", "/reports/channels", "/reports/segments",
         "/reports/groups", "/reports/weekly",
         "/reports/pipeline?revenue=3000000&price=30000&close_rate=25&market=300",
         "/reports/spend"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    tmp = tmp_path_factory.mktemp("reports-live")
    shutil.copytree(DEMO_CONTENT, tmp / "content")
    app = make_app(tmp, tmp / "content")
    engine = app.extensions["buyerkit.store"].engine
    demo_data.load(engine, events, demo_data.generate(8000, 40, 1, "renewal-risk-check"))
    accounts.add(engine, "marketing", PASSWORD)
    with LiveServer(app) as server:
        yield server


@pytest.fixture
def foreign(page, site) -> Iterator[list[str]]:
    seen: list[str] = []
    page.on("request", lambda r: None if r.url.startswith((site.url, "data:", "about:"))
            else seen.append(r.url))
    yield seen
    assert seen == [], f"requests to other origins: {seen}"


def log_in_by_keyboard(page, site) -> None:
    page.goto(site.url + "/reports/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in to the reports")
    tab_until(page, lambda e: e[1] == "username")
    page.keyboard.type("marketing")
    page.keyboard.press("Tab")
    assert active(page)[1] == "password"
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_log_in_by_keyboard_and_see_the_charts(page, site, foreign):
    log_in_by_keyboard(page, site)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Overview")
    charts = page.locator("svg.chart")
    expect(charts.first).to_be_visible()
    assert charts.count() == 3  # the trend, where journeys ended, left mid-way by step
    assert page.locator("svg.chart rect.bar").count() >= 4
    assert "Fit prospects per week" in page.get_by_role("img").first.get_attribute("aria-label")
    page.get_by_role("link", name="Channels").first.click()
    expect(page.get_by_role("heading", name="Fit prospects by channel")).to_be_visible()
    expect(page.locator("table").first).to_contain_text("LinkedIn ads")


@pytest.mark.parametrize("size", [(360, 740), (1280, 800)], ids=["phone", "laptop"])
def test_the_first_screen_answers_the_monday_question(page, site, size):
    """Fit prospects this period against the last, in the first screen, before any menu;
    on a laptop the top channels and bounce reasons too."""
    page.set_viewport_size({"width": size[0], "height": size[1]})
    log_in_by_keyboard(page, site)
    page.goto(site.url + "/reports/?preset=last-week")
    fit = page.locator(".figure").first
    expect(fit).to_contain_text("Fit prospects")
    expect(fit.locator(".figure-change")).to_contain_text("before")
    assert fit.bounding_box()["y"] + fit.bounding_box()["height"] <= size[1]
    assert page.locator(".figure").nth(5).bounding_box()["y"] < size[1]
    if size[0] == 360:
        expect(page.locator(".top-nav")).to_be_hidden()
    else:
        for heading in ("Top channels by fit prospects", "Top bounce reasons"):
            box = page.get_by_role("heading", name=heading).bounding_box()
            assert box["y"] < size[1], heading
    page.get_by_role("link", name="Last 30 days").click()
    assert "preset=30d" in page.url
    expect(page.get_by_role("heading", level=1)).to_contain_text("Last 30 days")
    # A week in the trend's table narrows every report to that week.
    page.get_by_text("The numbers behind the chart").click()
    page.locator(".trend-box + details table tbody th a").last.click()
    assert "since=" in page.url and "until=" in page.url
    expect(page.locator("details.custom")).to_have_attribute("open", "")


def test_report_pages_have_no_accessibility_violations(page, site, foreign):
    log_in_by_keyboard(page, site)
    for path in PAGES:
        page.goto(site.url + path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)
    page.goto(site.url + "/reports/logout")  # GET is not a route: the error page
    page.goto(site.url + "/reports/weekly?since=2026-99-01")
    expect(page.get_by_role("alert")).to_contain_text("is not a date")
    assert_accessible(page)


def test_logged_out_the_login_page_is_accessible(page, site, foreign):
    page.goto(site.url + "/reports/login")
    assert_accessible(page)


@pytest.mark.parametrize("path", PAGES[:3] + PAGES[5:8], ids=["overview", "bounces",
                                                             "channels", "weekly", "pipeline",
                                                             "spend"])
def test_fits_a_360_px_screen(page, site, path):
    page.set_viewport_size({"width": 360, "height": 740})
    log_in_by_keyboard(page, site)
    page.goto(site.url + path)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{path} is {width} px wide"


def test_works_without_javascript(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(site.url + "/reports/login")
        page.fill("#username", "marketing")
        page.fill("#password", PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.get_by_text("Custom dates").click()
        page.get_by_label("From").fill("2020-01-01")
        page.get_by_role("button", name="Show").click()
        expect(page.get_by_role("alert")).to_contain_text("reports cover at most 1098 days")
        page.get_by_role("button", name="Log out marketing").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Log in to the reports")
        page.goto(site.url + "/reports/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Log in to the reports")
    finally:
        context.close()

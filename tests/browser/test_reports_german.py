"""A German marketing lead switches the reports to German with the keyboard, logs in and reads
them: German words and numbers, completions split by the page's language, axe-core clean on
every report page, 360 px wide, and the choice kept for the session."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from buyerkit.reports import accounts
from buyerkit.reports import demo as demo_data
from buyerkit.signals.store import events
from tests.browser.conftest import DEMO_CONTENT, LiveServer, assert_accessible, make_app
from tests.browser.keyboard import active, tab_until

PASSWORD = "correct horse battery staple"
PAGES = ["/reports/", "/reports/bounces", "/reports/channels", "/reports/segments",
         "/reports/groups", "/reports/weekly", "/reports/evidence",
         "/reports/pipeline?revenue=3000000&price=30000&close_rate=25&market=300",
         "/reports/spend"]
SHOTS = os.environ.get("BUYERKIT_SCREENSHOTS")  # a folder: save the pages looked at


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    tmp = tmp_path_factory.mktemp("reports-german")
    shutil.copytree(DEMO_CONTENT, tmp / "content")
    app = make_app(tmp, tmp / "content")
    engine = app.extensions["buyerkit.store"].engine
    demo_data.load(engine, events, demo_data.generate(8000, 40, 1, "renewal-risk-check"))
    accounts.add(engine, "marketing", PASSWORD)
    with LiveServer(app) as server:
        yield server


def shoot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"))  # what the screen shows
        page.screenshot(path=str(Path(SHOTS) / f"{name}-full.png"), full_page=True)


def german_by_keyboard(page, site) -> None:
    """On the login page: Tab to the switch, Enter; then log in with the keyboard."""
    page.goto(site.url + "/reports/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in to the reports")
    tab_until(page, lambda e: e[4] == "Deutsch")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bei den Berichten anmelden")
    assert page.evaluate("document.documentElement.lang") == "de"
    tab_until(page, lambda e: e[1] == "username")
    page.keyboard.type("marketing")
    page.keyboard.press("Tab")
    assert active(page)[1] == "password"
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")


@pytest.mark.parametrize("size", [(360, 740), (1280, 800)], ids=["phone", "laptop"])
def test_a_german_marketer_reads_the_reports(page, site, size):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    foreign: list[str] = []
    page.on("request", lambda r: None if r.url.startswith((site.url, "data:", "about:"))
            else foreign.append(r.url))
    german_by_keyboard(page, site)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Überblick")
    first = page.locator(".figure").first
    expect(first).to_contain_text("Passende Interessenten")
    expect(first.locator(".figure-change")).to_contain_text("zuvor")
    assert first.bounding_box()["y"] + first.bounding_box()["height"] <= size[1]
    assert "Passende Interessenten pro Woche" in \
        page.get_by_role("img").first.get_attribute("aria-label")
    shoot(page, f"reports-de-overview-{size[0]}")
    page.goto(site.url + "/reports/segments?preset=30d")
    table = page.locator("#t-language + figure + .table-scroll table")
    expect(page.get_by_role("heading", name="Sprache der Seite")).to_be_visible()
    expect(table.locator("tbody th").first).to_have_text("Englisch")
    expect(table.locator("tbody tr").nth(1).locator("th")).to_have_text("Deutsch")
    expect(table.locator("thead")).to_contain_text("Fit-Quote")
    expect(table.locator("tbody tr").last).to_contain_text("%")  # "34,5 %", German style
    page.get_by_role("heading", name="Sprache der Seite").scroll_into_view_if_needed()
    shoot(page, f"reports-de-segments-{size[0]}")
    assert foreign == [], f"requests to other origins: {foreign}"


def test_every_german_report_page_is_accessible_and_fits_360_px(page, site):
    page.set_viewport_size({"width": 360, "height": 740})
    german_by_keyboard(page, site)
    for path in PAGES:
        page.goto(site.url + path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert page.evaluate("document.documentElement.lang") == "de"
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{path} is {width} px wide"
        assert_accessible(page)
    page.goto(site.url + "/reports/weekly?since=2026-99-01")
    expect(page.get_by_role("alert")).to_contain_text("ist kein Datum")
    assert_accessible(page)


def test_back_to_english_with_the_keyboard_on_any_page(page, site):
    german_by_keyboard(page, site)
    page.goto(site.url + "/reports/channels?preset=30d")
    tab_until(page, lambda e: e[4] == "English")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/reports/channels?preset=30d")  # the same page, same period
    expect(page.get_by_role("heading", level=1)).to_contain_text("Channels")
    page.goto(site.url + "/reports/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Overview")

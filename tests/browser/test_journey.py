"""The whole buyer's journey across pages: diagnostic, own numbers, then the CFO's guide."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import expect

from tests.browser.test_diagnostic import BASE, answer_by_pointer
from tests.browser.test_guides import FIT_TITLE, ready


def test_result_and_numbers_reach_the_cfo_in_a_new_browser(browser, live):
    champion = browser.new_context()
    page = champion.new_page()
    page.goto(f"{live.url}/diagnostics/renewal-risk-check/")
    answer_by_pointer(page, BASE)
    expect(page.get_by_role("heading", level=1)).to_have_text(FIT_TITLE)

    page.locator(".verdict-next a[href^='/calculators/renewal-roi/']").click()
    expect(page.locator("#share-ready")).to_be_visible()
    page.get_by_label("Annual recurring revenue").fill("8,000,000")
    page.get_by_label("Annual recurring revenue").press("Tab")
    cfo_link = page.get_by_role("link", name="The guide for CFO")
    expect(cfo_link).to_have_attribute("href", re.compile(r"i\.arr=8000000"))
    href = cfo_link.get_attribute("href")
    params = parse_qs(urlsplit(href).fragment)
    assert urlsplit(href).path == "/guides/cfo/"
    assert (params["d"], params["v"], params["t"]) == (
        ["renewal-risk-check"], ["fit"], ["authority_shift"])
    assert params["calc"] == ["renewal-roi"] and params["i.arr"] == ["8000000"]
    champion.close()

    cfo = browser.new_context()
    guide = cfo.new_page()
    guide.goto(live.url + href)
    ready(guide)
    numbers = guide.locator("#team-numbers")
    expect(numbers).to_contain_text(FIT_TITLE)
    expect(numbers).to_contain_text("An authority shift")
    expect(numbers.locator("[data-numbers-calc]")).to_be_visible()
    expect(numbers.locator("[data-numbers-calc] dd").first).to_have_text("Expected")
    assert cfo.cookies() == []
    cfo.close()


def _new_rows(live, kind: str, before: set[str], tries: int = 100) -> list[dict]:
    """Rows of `kind` stored since `before` (the ids already there): this test's own events,
    not those an earlier test left in the module's live server."""
    import time

    for _ in range(tries):
        rows = [r for r in live.store.rows() if r["kind"] == kind and r["id"] not in before]
        if rows:
            return rows
        time.sleep(0.1)
    raise AssertionError(f"no new {kind} event arrived")


def _ids(live) -> set[str]:
    return {r["id"] for r in live.store.rows()}


def test_own_path_keeps_one_journey_and_never_shows_it(browser, live):
    """Result -> calculator: the calculator's signal joins the diagnostic's journey, so reports
    can tell a bounce while examining solutions from one at the problem; `j` leaves the URL."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live.url}/diagnostics/renewal-risk-check/")
    journey = page.locator("input[name='journey']").input_value()
    answer_by_pointer(page, BASE)
    page.locator(".verdict-next a[href^='/calculators/renewal-roi/']").click()
    # the module took it out (expect polls from here: the page's CSP forbids eval'd waits)
    expect(page).not_to_have_url(re.compile(r"[#&]j="))
    before = _ids(live)
    page.get_by_label("Annual recurring revenue").fill("9,000,000")
    page.get_by_label("Annual recurring revenue").press("Tab")
    used = _new_rows(live, "calculator_used", before)
    assert [r["journey"] for r in used] == [journey]
    share = page.locator("#share-link").get_attribute("href")
    assert "j=" not in share
    context.close()


def test_a_bookmarked_journey_starts_afresh(browser, live):
    stale = "00000000-0000-4000-8000-000000000001"
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live.url}/calculators/renewal-roi/#j={stale}")
    expect(page).not_to_have_url(re.compile(r"[#&]j="))
    before = _ids(live)
    page.get_by_label("Annual recurring revenue").fill("7,000,000")
    page.get_by_label("Annual recurring revenue").press("Tab")
    [row] = _new_rows(live, "calculator_used", before)
    assert row["journey"] != stale and row["journey"]
    context.close()

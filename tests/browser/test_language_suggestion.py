"""The suggestion to read a page in the browser's preferred language, in Chromium launched
with a German or an English locale: shown only when the browser prefers another language the
page is translated into, never a redirect, the fragment kept, dismissible by keyboard (for
the tab only, in sessionStorage), no cookie, axe-clean on a 360 px phone."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from buyerkit.freeze.build import freeze_site
from tests.browser.conftest import assert_accessible
from tests.browser.keyboard import active, tab_until
from tests.browser.test_static_build import free_port, wait_until_up
from tests.conftest import DEMO_CONTENT, make_app

FRAGMENT = "calc=renewal-roi&i.arr=8000000&s=conservative"
NOTICE = "[data-language-suggestion]:visible"


@pytest.fixture
def reader(browser) -> Iterator:
    """A new browser for a reader of a locale: reader('de-AT') -> a page on a 360 px phone."""
    contexts = []

    def open_page(locale: str, width: int = 360, height: int = 740):
        context = browser.new_context(locale=locale, viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


def test_a_german_reader_is_offered_the_german_page_and_keeps_the_numbers(reader, live,
                                                                          own_origin_only):
    page = reader("de-AT")
    assert page.evaluate("navigator.languages")[0].startswith("de")
    response = page.goto(f"{live.url}/guides/cfo/#{FRAGMENT}")
    assert response.status == 200 and response.request.redirected_from is None
    notice = page.locator(NOTICE)
    expect(notice).to_have_count(1)
    expect(notice).to_have_attribute("lang", "de")
    expect(notice.get_by_role("link")).to_have_text("Diese Seite gibt es auch auf Deutsch.")
    assert page.url == f"{live.url}/guides/cfo/#{FRAGMENT}"  # suggested, not redirected
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page)
    # by keyboard: right after the skip link, Enter follows it with the fragment kept
    tab_until(page, lambda e: e[0] == "A" and e[4].startswith("Diese Seite"), limit=3)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{live.url}/de/guides/cfo/#{FRAGMENT}"
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.locator("[data-language-suggestion]")).to_have_count(1)  # English, hidden
    expect(page.locator(NOTICE)).to_have_count(0)  # a German reader on a German page
    assert page.context.cookies() == []
    assert page.evaluate("localStorage.length") == 0


def test_dismissed_by_keyboard_for_this_tab_only(reader, live):
    page = reader("de-DE")
    page.goto(f"{live.url}/calculators/renewal-roi/")
    expect(page.locator(NOTICE)).to_have_count(1)
    tab_until(page, lambda e: e[0] == "BUTTON" and e[4] == "Nein, danke", limit=4)
    page.keyboard.press("Enter")
    expect(page.locator(NOTICE)).to_have_count(0)
    # focus moves to the same offer where it always is: the language switch
    assert active(page)[0] == "A"
    assert page.evaluate("document.activeElement.closest('.language-switch') !== null")
    assert page.evaluate("sessionStorage.getItem('buyerkit.language-suggestion')") == \
        "dismissed"
    page.goto(f"{live.url}/guides/cfo/")
    expect(page.locator("[data-language-suggestion]")).to_have_count(1)
    expect(page.locator(NOTICE)).to_have_count(0)  # not again in this tab
    assert page.context.cookies() == [] and page.evaluate("localStorage.length") == 0
    fresh = reader("de-DE")  # another visit: offered again
    fresh.goto(f"{live.url}/guides/cfo/")
    expect(fresh.locator(NOTICE)).to_have_count(1)


def test_an_english_reader_is_offered_english_on_a_german_page_only(reader, live):
    page = reader("en-US", 1280, 800)
    page.goto(f"{live.url}/guides/cfo/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(NOTICE)).to_have_count(0)
    page.goto(f"{live.url}/de/calculators/renewal-roi/")
    expect(page.locator(NOTICE)).to_have_attribute("lang", "en")
    expect(page.locator(NOTICE).get_by_role("link")).to_have_text(
        "This page is also available in English.")
    expect(page.locator(NOTICE).get_by_role("button")).to_have_text("No, thanks")
    assert_accessible(page)


def test_a_reader_of_a_language_the_site_lacks_sees_nothing(reader, live):
    page = reader("fr-FR")
    for path in ("/guides/cfo/", "/de/guides/cfo/"):
        page.goto(live.url + path)
        expect(page.locator("[data-language-suggestion]")).to_have_count(1)
        expect(page.locator(NOTICE)).to_have_count(0)


@pytest.fixture(scope="module")
def frozen(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo frozen and served by a plain static server (no Flask behind the pages)."""
    tmp = tmp_path_factory.mktemp("frozen-languages")
    app = make_app(tmp / "app", DEMO_CONTENT)
    freeze_site(app, tmp / "build", "http://127.0.0.1:9")  # no endpoint: signals are dropped
    app.extensions["buyerkit.store"].dispose()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", "--directory",
         str(tmp / "build"), str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_the_frozen_site_suggests_and_reads_german_numbers_too(reader, frozen):
    page = reader("de-DE")
    page.goto(f"{frozen}/guides/cfo/#{FRAGMENT}")
    expect(page.locator(NOTICE)).to_have_count(1)
    page.locator(NOTICE).get_by_role("link").click()
    page.wait_for_url(f"{frozen}/de/guides/cfo/#{FRAGMENT}")
    links = {}
    for prefix, typed in (("/de", "1.200,50"), ("", "1,200.50")):
        page.goto(f"{frozen}{prefix}/calculators/renewal-roi/")
        expect(page.locator("form[data-ready='true']")).to_have_count(1)
        page.fill("#f-a-setup_cost", typed)
        expect(page.locator("#f-a-setup_cost-error")).to_be_hidden()
        links[prefix] = page.locator("#share-link").get_attribute("href").split("#", 1)[1]
    assert links["/de"] == links[""] and "a.setup_cost=1200.50" in links[""]

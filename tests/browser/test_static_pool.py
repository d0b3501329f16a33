"""The frozen result page's company form: sent to the endpoint on another origin, hash only.

Reuses test_static_build's frozen site on a plain static server and its endpoint, which the
tests stop and start as a vendor's endpoint might go down.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from buyerkit.signals.company import INVALID_DOMAIN, org_hash
from buyerkit.signals.events import derived_id
from tests.browser import test_static_build as static_build
from tests.browser.conftest import PERSON_UA, assert_accessible
from tests.browser.keyboard import active, tab_until
from tests.browser.test_diagnostic import BASE
from tests.browser.test_static_build import SLUG, answer_by_pointer, journey_of, rows_of

# The frozen site, its static server and endpoint, and the two-origins guard, as they are there.
site = static_build.site
two_origins = static_build.two_origins


@pytest.fixture
def browser_context_args(browser_context_args: dict) -> dict:
    """A person's browser (a headless one's events are filtered as a bot) on a small phone."""
    return {**browser_context_args, "user_agent": PERSON_UA,
            "viewport": {"width": 360, "height": 740}}


def to_result(page, site) -> str:
    page.goto(f"{site.url}/diagnostics/{SLUG}/")
    journey = journey_of(page)
    expect(page.locator("#pool")).to_be_hidden()  # in the page, hidden until a result shows
    answer_by_pointer(page, BASE)
    expect(page.locator("[data-outcome='fit'] h1")).to_be_focused()
    expect(page.locator("#pool-form")).to_be_visible()
    return journey


def give(page, typed: str) -> None:
    """Tab to the domain field, replace its text by typing, and press Enter."""
    tab_until(page, lambda e: e[1] == "domain")
    page.keyboard.press("Control+A")
    page.keyboard.type(typed)
    page.keyboard.press("Enter")


def store_bytes(site) -> bytes:
    """The endpoint's SQLite database with its WAL, as the bytes on disk."""
    files = sorted(Path(site.endpoint.app.instance_path).glob("*.sqlite*"))
    assert files, "no SQLite files found for the endpoint"
    return b"".join(f.read_bytes() for f in files)


def test_by_keyboard_a_bad_domain_is_named_then_only_the_hash_is_stored(page, site,
                                                                      two_origins):
    journey = to_result(page, site)
    assert_accessible(page)

    give(page, "jane@keelson.io")  # caught on the page, the endpoint's own sentence
    summary = page.locator("#pool-errors")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(INVALID_DOMAIN)
    expect(page.locator("#domain-error")).to_contain_text(INVALID_DOMAIN)
    domain = page.locator("#domain")
    expect(domain).to_have_attribute("aria-describedby", "domain-help domain-error")
    expect(domain).to_have_attribute("aria-invalid", "true")
    assert page.title().startswith("Error: ")
    assert_accessible(page)
    page.keyboard.press("Tab")  # the summary's link leads to the field, keeping the fragment
    page.keyboard.press("Enter")
    assert active(page)[1] == "domain"

    give(page, "www.com")  # looks like a domain to the page; the endpoint says it is not one
    expect(page.locator("#domain-error")).to_contain_text(INVALID_DOMAIN)
    expect(summary).to_be_focused()
    assert rows_of(site, journey, 1)[0]["kind"] != "company_given"

    give(page, "https://www.Keelson.io/about")
    status = page.locator("#pool-status")
    expect(status).to_be_focused()
    expect(status).to_contain_text("your team's results are pooled")
    expect(page.locator("#pool-form")).to_be_hidden()
    expect(summary).to_be_hidden()
    assert not page.title().startswith("Error: ")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    rows = rows_of(site, journey, 6)
    (row,) = [r for r in rows if r["kind"] == "company_given"]
    key = site.endpoint.app.config["DOMAIN_HMAC_KEY"]
    assert row["org"] == org_hash(key, "keelson.io")
    assert (row["id"], row["subject"], row["filtered"]) == (
        derived_id(journey, "company"), SLUG, None)
    assert "keelson" not in json.dumps(site.endpoint.store.rows(), default=str).lower()
    assert b"keelson" not in store_bytes(site).lower()
    assert page.evaluate("sessionStorage.getItem('buyerkit-outbox')") is None
    assert page.context.cookies() == []


def test_endpoint_down_the_domain_waits_and_is_sent_when_it_is_back(page, site, two_origins):
    journey = to_result(page, site)
    site.endpoint.stop()
    try:
        give(page, "smallshop.example")
        status = page.locator("#pool-status")
        expect(status).to_be_focused()
        expect(status).to_contain_text("sent by itself as soon as the service answers again")
        waiting = json.loads(page.evaluate("sessionStorage.getItem('buyerkit-outbox')"))
        assert [w["to"] for w in waiting] == ["/v1/company"]  # kept in the page until sent
    finally:
        site.endpoint.start()
    expect(status).to_contain_text("your team's results are pooled", timeout=15_000)
    rows = [r for r in rows_of(site, journey, 6) if r["kind"] == "company_given"]
    assert len(rows) == 1
    assert rows[0]["org"] == org_hash(site.endpoint.app.config["DOMAIN_HMAC_KEY"],
                                      "smallshop.example")
    page.wait_for_function("sessionStorage.getItem('buyerkit-outbox') === null")
    assert b"smallshop" not in store_bytes(site).lower()


def test_global_privacy_control_is_told_and_nothing_is_kept(browser, site):
    context = browser.new_context(user_agent=PERSON_UA, extra_http_headers={"Sec-GPC": "1"})
    page = context.new_page()
    try:
        journey = to_result(page, site)
        give(page, "keelson.io")
        expect(page.locator("#pool-status")).to_contain_text("we respected that and kept nothing")
        assert site.endpoint.store.rows(journey=journey) == []
    finally:
        context.close()

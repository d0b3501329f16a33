"""The German calculator, CFO guide and decision kit on a 360 px phone, keyboard only: the words
the page scripts write after the prospect acts (recalculation, blocked results, copying,
the e-mail draft, the checklist) are German, nothing overflows, and axe finds nothing."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.browser.keyboard import active, tab_until

PHONE = {"width": 360, "height": 740}
SHARE = "d=renewal-risk-check&v=fit&b=retain_expand&t=authority_shift" \
    "&calc=renewal-roi&i.arr=8000000&s=conservative&from=champion"


@pytest.fixture
def phone(browser):
    ctx = browser.new_context(viewport=PHONE, permissions=["clipboard-read", "clipboard-write"])
    page = ctx.new_page()
    page.set_default_timeout(15_000)
    yield page
    ctx.close()


def fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def retype(page, name: str, text: str) -> None:
    """Tab to a field, select what is in it and type over it, keyboard only."""
    tab_until(page, lambda e: e[1] == name)
    page.keyboard.press("Control+a")
    page.keyboard.type(text)


def test_german_calculator_by_keyboard_on_a_phone(phone, live, own_origin_only):
    page = phone
    page.goto(f"{live.url}/de/calculators/renewal-roi/")
    expect(page.locator("form[data-ready='true']")).to_have_count(1)
    fits(page)
    # A bad number: the script holds back what reads it, in German.
    retype(page, "i.csm_count", "abc")
    blocked = page.locator("dd[data-output].blocked").first
    expect(blocked).to_contain_text("Nicht berechnet – prüfen Sie zuerst: ")
    expect(page.locator("#results-pending")).to_be_visible()
    assert "Not worked out" not in page.locator("main").inner_text()
    # Put it right: the results come back and screen readers hear it in German.
    page.keyboard.press("Control+a")
    page.keyboard.type("6")
    expect(page.locator("dd[data-output].blocked")).to_have_count(0)
    expect(page.locator("#results-status")).to_contain_text("Ergebnisse aktualisiert.")
    # Copy the share link by keyboard.
    tab_until(page, lambda e: e[0] == "BUTTON" and e[4] == "Link kopieren")
    page.keyboard.press("Enter")
    expect(page.locator("#share-copied")).to_have_text("Link kopiert.")
    link = page.evaluate("navigator.clipboard.readText()")
    assert urlsplit(link).path == "/de/calculators/renewal-roi/" and "i.csm_count=6" in link
    fits(page)
    assert_accessible(page)


def test_german_cfo_guide_by_keyboard_on_a_phone(phone, live, own_origin_only):
    page = phone
    page.goto(f"{live.url}/de/guides/cfo/#{SHARE}")
    expect(page.locator("html")).to_have_attribute("data-guide-ready", "true")
    expect(page.locator("[data-numbers-from]")).to_have_text(
        "Mit Ihnen geteilt aus dem Leitfaden: Champion.")
    fits(page)
    tab_until(page, lambda e: e[0] == "BUTTON" and e[4] == "Link kopieren")
    page.keyboard.press("Enter")
    expect(page.locator("[data-share-status]")).to_have_text(
        "Link kopiert. Fügen Sie ihn in eine E-Mail oder einen Chat ein.")
    assert urlsplit(page.evaluate("navigator.clipboard.readText()")).path == "/de/guides/cfo/"
    # The e-mail draft the script writes when the link gets focus.
    tab_until(page, lambda e: e[0] == "A" and e[4] == "E-Mail-Entwurf öffnen")
    href = page.evaluate("document.activeElement.href")
    draft = parse_qs(urlsplit(href).query)
    assert draft["subject"] == ["Leitfaden: CFO – Was Ihre CFO über Harborline wissen will"]
    body = draft["body"][0]
    assert body.startswith("Hallo,\n\nich sehe mir gerade Harborline an.")
    assert "und zeigt gleich unsere Zahlen:" in body and "/de/guides/cfo/#" in body
    assert "{" not in body
    assert active(page)[4] == "E-Mail-Entwurf öffnen"
    fits(page)
    assert_accessible(page)


def test_german_kit_checklist_by_keyboard(phone, live):
    page = phone
    page.goto(f"{live.url}/de/kit/")
    expect(page.locator("html")).to_have_attribute("data-guide-ready", "true")
    total = page.locator("input[data-done]").count()
    expect(page.locator("[data-checklist-status]")).to_have_text(f"0 von {total} erledigt.")
    tab_until(page, lambda e: e[3] == "checkbox")
    page.keyboard.press("Space")
    expect(page.locator("[data-checklist-status]")).to_have_text(
        f"1 von {total} erledigt. Der Link in Ihrer Adresszeile enthält jetzt diese Häkchen.")
    fits(page)
    assert_accessible(page)

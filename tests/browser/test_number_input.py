"""Typed numbers in a real browser: the shared vectors through Chromium's Intl, `1.200,50`
typed by keyboard into the German calculator on a phone gives what `1,200.50` gives in
English, and a share link opens with the same numbers in either language, each written the
page's way."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
from playwright.sync_api import expect

from buyerkit.content.calculation import compute, output_text, read
from buyerkit.content.catalog import load_catalog
from tests.browser.conftest import assert_accessible
from tests.browser.keyboard import active, tab_until
from tests.conftest import DEMO_CONTENT

ROOT = Path(__file__).resolve().parents[2]
VECTORS = json.loads((ROOT / "tests/content/vectors/number_input.json").read_text())
CATALOG = load_catalog(DEMO_CONTENT)
ROI = "renewal-roi"
NAN_DE = ("Geben Sie eine Zahl ein, etwa 1.200 oder 12,5 (nur Ziffern, keine Buchstaben oder "
          "Zeichen).")


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def server_texts(live, lang: str, params: dict[str, str]) -> list[str]:
    """The outputs the server writes for these typed numbers on the page in `lang`."""
    prefix = "" if lang == "en" else f"/{lang}"
    comp = CATALOG.in_language(lang).calculators[ROI]
    with live.app.test_request_context(f"{prefix}/calculators/{ROI}/"):
        live.app.preprocess_request()
        reading = read(comp, params)
        assert reading.ok, reading.errors
        result = compute(comp, reading.values, reading.scenario)
        return [output_text(comp, o.id, result.outputs[o.id]) for o in comp.model.outputs]


def shown(page) -> list[str]:
    return page.locator("dd[data-output]").all_inner_texts()


def fragment(page) -> dict[str, str]:
    return dict(parse_qsl(page.locator("#share-link").get_attribute("href").split("#", 1)[1]))


def type_by_keyboard(page, name: str, text: str) -> None:
    """Tab to the field, select what is in it and type over it, then press Enter."""
    tab_until(page, lambda e: e[1] == name)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)
    page.keyboard.press("Enter")


def test_number_input_vectors_in_the_browser(page, live):
    page.goto(f"{live.url}/de/")
    got = page.evaluate("""async (cases) => {
      const f = await import('/static/formula.js');
      return cases.map((c) => {
        const m = f.parseNumber(c.text, c.locale, c.percent);
        return [m, m === null ? null : f.localize(m, c.locale)];
      });
    }""", VECTORS["cases"])
    assert got == [[c["machine"], c["shown"]] for c in VECTORS["cases"]]


def test_german_typing_on_a_phone_gives_the_english_result(phone, live, own_origin_only):
    results = {}
    for lang, prefix, typed in (("de", "/de", "1.200,50"), ("en", "", "1,200.50")):
        phone.goto(f"{live.url}{prefix}/calculators/{ROI}/")
        expect(phone.locator("form[data-ready='true']")).to_have_count(1)
        type_by_keyboard(phone, "a.setup_cost", typed)
        assert active(phone)[0] == "H2"  # Enter recalculated and moved to the results
        # the field still shows the number the way it was typed, in the page's language
        expect(phone.locator("#f-a-setup_cost")).to_have_value(typed)
        expect(phone.locator("#f-a-setup_cost-error")).to_be_hidden()
        want = server_texts(live, lang, {"a.setup_cost": typed})
        expect(phone.locator("dd[data-output]")).to_have_text(want)
        results[lang] = (fragment(phone), shown(phone))
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert results["de"][0] == results["en"][0]
    assert results["de"][0]["a.setup_cost"] == "1200.50"
    assert results["de"][1] != results["en"][1]  # the same numbers, each language's way
    phone.screenshot(path="/tmp/i18n-numbers/calculator-en-360.png", full_page=False)


def test_the_english_form_on_a_german_page_gets_the_german_message(phone, live):
    phone.goto(f"{live.url}/de/calculators/{ROI}/")
    expect(phone.locator("form[data-ready='true']")).to_have_count(1)
    type_by_keyboard(phone, "a.setup_cost", "1200.50")
    expect(phone.locator("#f-a-setup_cost-error .msg")).to_have_text(NAN_DE)
    expect(phone.locator("#f-a-setup_cost")).to_have_attribute("aria-invalid", "true")
    # arrow keys step a German number and write it back the German way
    phone.fill("#f-a-setup_cost", "1.200,50")
    phone.focus("#f-a-setup_cost")
    phone.keyboard.press("ArrowUp")
    step = CATALOG.calculators[ROI].model.assumptions[-1].step
    assert step == 500
    # (the step has no decimals, so the value moves to a whole number, as in English)
    expect(phone.locator("#f-a-setup_cost")).to_have_value("1.701")
    assert_accessible(phone)


def test_a_share_link_opens_with_the_same_numbers_in_either_language(page, live):
    link = f"calc={ROI}&i.arr=3450000.50&i.churn_rate=12.5&a.setup_cost=1200.50"
    page.goto(f"{live.url}/de/calculators/{ROI}/#{link}")
    expect(page.locator("#f-i-arr")).to_have_value("3.450.000,50")
    expect(page.locator("#f-i-churn_rate")).to_have_value("12,5")
    expect(page.locator("#f-a-setup_cost")).to_have_value("1.200,50")
    expect(page.locator("#f-a-price")).to_have_value("24.000")  # a default, the German way
    typed_de = {"i.arr": "3.450.000,50", "i.churn_rate": "12,5", "a.setup_cost": "1.200,50"}
    expect(page.locator("dd[data-output]")).to_have_text(server_texts(live, "de", typed_de))
    german_link = fragment(page)
    page.goto(f"{live.url}/calculators/{ROI}/#{link}")
    expect(page.locator("#f-i-arr")).to_have_value("3,450,000.50")
    expect(page.locator("#f-a-setup_cost")).to_have_value("1,200.50")
    typed_en = {"i.arr": "3,450,000.50", "i.churn_rate": "12.5", "a.setup_cost": "1,200.50"}
    expect(page.locator("dd[data-output]")).to_have_text(server_texts(live, "en", typed_en))
    assert fragment(page) == german_link
    assert german_link["i.arr"] == "3450000.50"


def test_the_redrawn_chart_keeps_the_pages_words(page, live):
    """The script redraws the charts for the screen's width: its axis speaks the page's
    language, as the server's chart does, and its ticks are German numbers."""
    page.goto(f"{live.url}/de/calculators/life-after-harborline/")
    expect(page.locator("form[data-ready='true']")).to_have_count(1)
    page.fill("#f-i-arr", "45.000.000")
    axis = page.locator("figure[data-chart] svg text.xlabel")
    expect(axis.last).to_have_text("Monat")
    assert "Month" not in axis.all_text_contents()
    ticks = page.locator("figure[data-chart] svg text.ylabel").all_text_contents()
    assert any("\u00a0$" in t for t in ticks), ticks  # German: the symbol after the number

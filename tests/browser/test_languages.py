"""The German site in a real browser: a share link shows the champion's numbers in German
formatting (the same text the server writes), the German diagnostic gives the English verdict
for the same answers, and axe finds nothing on German pages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from buyerkit.content.calculation import compute, format_value, read
from buyerkit.content.catalog import load_catalog
from tests.browser.conftest import assert_accessible
from tests.conftest import DEMO_CONTENT
from tests.content.test_scoring import FIT

ROOT = Path(__file__).resolve().parents[2]
VECTORS = json.loads((ROOT / "tests/content/vectors/locales.json").read_text())
CATALOG = load_catalog(DEMO_CONTENT)
SHARE = "d=renewal-risk-check&v=fit&b=retain_expand&t=authority_shift" \
    "&calc=renewal-roi&i.arr=8000000&s=conservative&from=champion"
STEPS = [("symptom", "visibility"), ("trigger",), ("size", "billing", "crm", "hosting"),
         ("role", "group")]


@pytest.fixture
def page(page):
    page.set_default_timeout(15_000)
    return page


def test_locale_vectors_in_the_browser(page, live):
    page.goto(f"{live.url}/de/")
    got = page.evaluate("""async (cases) => {
      const f = await import('/static/formula.js');
      return cases.map((c) => f.formatValue(c.value, c.format, c.currency, c.locale));
    }""", VECTORS["cases"])
    assert got == [c["text"] for c in VECTORS["cases"]]


def test_a_german_share_link_shows_the_champions_numbers_in_german(page, live,
                                                                   own_origin_only):
    page.goto(f"{live.url}/de/guides/cfo/#{SHARE}")
    numbers = page.locator("#team-numbers [data-numbers-calc]")
    de = CATALOG.in_language("de").calculators["renewal-roi"]
    expect(numbers.get_by_role("heading")).to_have_text(de.model.title)
    comp = CATALOG.calculators["renewal-roi"]
    reading = read(comp, {"i.arr": "8000000", "s": "conservative"})
    result = compute(comp, reading.values, reading.scenario)
    with live.app.test_request_context("/de/calculators/renewal-roi/"):
        live.app.preprocess_request()  # the German page's words, as the server writes them
        wanted = [format_value(result.outputs[o.id], o.format, comp.model.currency, "de")
                  for o in comp.model.outputs if result.outputs[o.id] is not None]
    assert "7,8 Monate" in wanted
    shown = numbers.locator("dd").all_inner_texts()
    for text in wanted:
        assert text in shown, (text, shown)
    assert any("\u00a0$" in t for t in shown)  # German: the symbol after the number


def _run(page, url: str) -> str:
    """Answer FIT step by step as a person would; the verdict page's heading."""
    page.goto(url)
    for qids in STEPS:
        for qid in qids:
            values = FIT.get(qid)
            for v in values if isinstance(values, list) else ([values] if values else []):
                page.check(f"input[name='{qid}'][value='{v}']")
        page.locator("form button[name='go'][value='next']").click()
    return page.locator("h1").first.inner_text()


def test_the_german_diagnostic_gives_the_english_verdict(page, live, own_origin_only):
    german = _run(page, f"{live.url}/de/diagnostics/renewal-risk-check/")
    english = _run(page, f"{live.url}/diagnostics/renewal-risk-check/")
    de = CATALOG.in_language("de").diagnostics["renewal-risk-check"].outcomes.fit.title
    en = CATALOG.diagnostics["renewal-risk-check"].outcomes.fit.title
    assert (german, english) == (de, en)
    assert page.url.startswith(f"{live.url}/diagnostics/")
    assert_accessible(page)


@pytest.mark.parametrize("path", ["/de/", "/de/diagnostics/renewal-risk-check/",
                                  "/de/guides/cfo/", "/de/calculators/renewal-roi/",
                                  "/de/guides/it/", "/de/guides/procurement/",
                                  "/de/calculators/life-after-harborline/"])
def test_german_pages_pass_axe_and_say_their_language(page, live, own_origin_only, path):
    page.goto(live.url + path)
    assert page.locator("html").get_attribute("lang") == "de"
    assert_accessible(page)


def test_the_switch_keeps_the_page_and_its_fragment(page, live, own_origin_only):
    page.goto(f"{live.url}/guides/cfo/#{SHARE}")
    page.get_by_role("link", name="Deutsch", exact=True).click()
    page.wait_for_url(f"{live.url}/de/guides/cfo/#{SHARE}")
    expect(page.locator("#team-numbers")).to_contain_text("Ergebnis")
    page.get_by_role("link", name="English", exact=True).focus()
    page.keyboard.press("Enter")  # by keyboard too
    page.wait_for_url(f"{live.url}/guides/cfo/#{SHARE}")

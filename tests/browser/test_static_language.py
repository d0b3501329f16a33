"""The frozen diagnostic, on its own static host, sends the page's language with the
completion (`lang` from `<html lang>`), and the endpoint stores it: a German page's
completion is counted as German in the reports, an English page's as English."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.browser.test_diagnostic import VERDICTS
from tests.browser.test_static_build import (  # noqa: F401 - the frozen site and its endpoint
    answer_by_pointer,
    journey_of,
    rows_of,
    site,
    two_origins,
)


@pytest.mark.parametrize(("path", "lang"), [("/de/diagnostics/renewal-risk-check/", "de"),
                                            ("/diagnostics/renewal-risk-check/", "en")],
                         ids=["german", "english"])
def test_the_static_page_sends_its_language_with_the_completion(page, site, two_origins,  # noqa: F811
                                                                path, lang):
    page.goto(site.url + path)
    assert page.evaluate("document.documentElement.lang") == lang
    journey = journey_of(page)
    answers, _title = VERDICTS["fit"]
    answer_by_pointer(page, answers)
    expect(page.locator("[data-outcome='fit'] h1")).to_be_visible()
    rows = rows_of(site, journey, 5)
    done = next(r for r in rows if r["kind"] == "diagnostic_completed")
    assert done["verdict"] == "fit" and json.loads(done["props"])["lang"] == lang

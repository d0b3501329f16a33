"""German pricing, comparison and customer story in Chromium on a phone: axe finds nothing,
nothing is wider than the screen, and the English clip shows its German captions."""

from __future__ import annotations

import time

import pytest

from tests.browser.conftest import assert_accessible

PHONE = {"width": 360, "height": 740}


@pytest.mark.parametrize("path", ["/de/pricing/", "/de/compare/", "/de/customers/",
                                  "/de/customers/tidewater-payroll/",
                                  "/de/customers/logistics-software-team/"])
def test_german_offering_pages_are_accessible_on_a_phone(people, live, path):
    context = people.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(live.url + path)
    assert page.evaluate("document.documentElement.lang") == "de"
    assert page.evaluate("document.body.scrollWidth") <= PHONE["width"]
    assert_accessible(page)
    context.close()


def test_the_english_clip_shows_german_captions(people, live):
    context = people.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(live.url + "/de/customers/tidewater-payroll/")
    track = page.locator("video track")
    assert track.get_attribute("srclang") == "de"
    assert track.get_attribute("label") == "Untertitel (Deutsch)"
    page.evaluate("document.querySelector('video').textTracks[0].mode = 'showing'")
    deadline = time.monotonic() + 10
    while not page.evaluate("(document.querySelector('video').textTracks[0].cues || []).length"):
        assert time.monotonic() < deadline, "the German captions did not load"
        time.sleep(0.1)
    first = page.evaluate("document.querySelector('video').textTracks[0].cues[0].text")
    assert first.startswith("Ein Demo-Clip aus der Geschichte von")
    # the customer's own words are there too, in their language
    assert page.locator("q[lang=en]").inner_text().startswith("We did not need more data.")
    context.close()

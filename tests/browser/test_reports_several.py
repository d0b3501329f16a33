"""A marketer on a site with two checks, keyboard only, on a 360 px phone: the overview lists
both checks above its figures, and the second check's line opens that check's own overview,
whose figures equal the line. axe-core clean on both pages, nothing wider than the screen."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from buyerkit.content.catalog import load_catalog
from buyerkit.reports import accounts
from buyerkit.reports import demo as demo_data
from buyerkit.signals.store import events
from tests.browser.conftest import DEMO_CONTENT, LiveServer, assert_accessible, make_app
from tests.browser.keyboard import active, tab_until

PASSWORD = "correct horse battery staple"
CATALOG = load_catalog(DEMO_CONTENT)
FIRST, SECOND = sorted(CATALOG.diagnostics)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    tmp = tmp_path_factory.mktemp("reports-several")
    shutil.copytree(DEMO_CONTENT, tmp / "content")
    app = make_app(tmp, tmp / "content")
    engine = app.extensions["buyerkit.store"].engine
    for i, (slug, n) in enumerate(((FIRST, 3000), (SECOND, 1500))):
        demo_data.load(engine, events, demo_data.generate(
            n, 30, 3 + i, slug, diagnostic=CATALOG.diagnostics[slug]))
    accounts.add(engine, "marketing", PASSWORD)
    with LiveServer(app) as server:
        yield server


def test_from_the_overview_line_to_the_second_check_by_keyboard_at_360_px(page, site):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(site.url + "/reports/?preset=30d")
    tab_until(page, lambda e: e[1] == "username")
    page.keyboard.type("marketing")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    checks = page.get_by_role("region", name="Every check in this period")
    expect(checks).to_be_visible()
    expect(page.locator(".eyebrow")).to_have_text(CATALOG.diagnostics[FIRST].title)
    # both checks are listed above the figures, the shown one marked as the current page
    assert checks.bounding_box()["y"] < page.locator(".figures").bounding_box()["y"]
    expect(checks.get_by_role("link")).to_have_text(
        [CATALOG.diagnostics[s].title for s in (FIRST, SECOND)])
    expect(checks.locator("a[aria-current=page]")).to_have_text(CATALOG.diagnostics[FIRST].title)
    # on a phone the six headline figures still start on the first screen
    assert page.locator(".figure").nth(5).bounding_box()["y"] < 740
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page)
    line = checks.locator("li").nth(1).locator(".check-figures").inner_text()
    second = CATALOG.diagnostics[SECOND].title
    tab_until(page, lambda e: e[0] == "A" and e[4] == second)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert f"diagnostic={SECOND}" in page.url and "preset=30d" in page.url
    expect(page.locator(".eyebrow")).to_have_text(second)
    expect(page.locator("a[aria-current=page]", has_text=second)).to_be_visible()
    assert active(page)[0] == "BODY"  # a new page: focus starts at the top
    # the line read on the first page is this check's own: completions, fit rate, top reason
    done = re.search(r"Completed: ([\d,]+)", line).group(1)
    rate = re.search(r"fit rate: ([\d.]+%)", line).group(1)
    reason = re.search(r"top bounce reason: (.+)$", line).group(1)
    expect(page.locator(".figure", has_text="Fit rate").locator(".figure-value")).to_have_text(
        rate)
    outcomes = page.locator("table", has=page.get_by_role("columnheader", name="Outcome"))
    expect(outcomes.locator("tr", has_text="Completed").locator("td").first).to_have_text(done)
    top = page.locator("table", has=page.get_by_role("columnheader", name="Reason")).first
    expect(top.locator("tbody tr").first.locator("th")).to_have_text(reason)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page)

"""The dev server's verdict table page: axe-clean, readable at 360 px, usable by keyboard."""

from __future__ import annotations

import shutil

import pytest

from tests.browser.conftest import DEMO_CONTENT, LiveServer, assert_accessible, make_app


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("preview")
    shutil.copytree(DEMO_CONTENT, tmp / "content")
    with LiveServer(make_app(tmp, tmp / "content", PREVIEW=True)) as server:
        yield server


@pytest.mark.parametrize("width", [360, 1280])
def test_verdict_table_page(page, preview, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{preview.url}/_preview/explain/renewal-risk-check/")
    assert page.locator("h1").inner_text().startswith("Verdict table:")
    assert_accessible(page)
    # Nothing wider than the screen but the tables' own scrolling boxes.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.keyboard.press("Tab")
    for _ in range(40):  # the scrolling tables are reachable from the keyboard
        if page.evaluate("document.activeElement.classList.contains('table-wrap')"):
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('role')") == "region"

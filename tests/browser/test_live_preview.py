"""Writing content with the dev server open: an edit shows in the open tab by itself, a broken
file shows its located error in an overlay while the last good content keeps serving, and the
overlay goes when the file is fixed."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import LiveServer, assert_accessible
from tests.conftest import DEMO_CONTENT, make_app


@pytest.fixture
def dev(tmp_path) -> Iterator[LiveServer]:
    content = tmp_path / "content"
    shutil.copytree(DEMO_CONTENT, content)
    app = make_app(tmp_path, content, PREVIEW=True)
    try:
        with LiveServer(app) as server:
            yield server
    finally:
        app.extensions["buyerkit.live"].close()


def test_edit_break_and_fix_with_the_tab_open(page, dev):
    content = Path(dev.app.config["CONTENT_DIR"])
    guide = content / "guides" / "cfo.md"
    page.goto(dev.url + "/guides/cfo/")
    page.wait_for_function("() => document.readyState === 'complete'")
    original = guide.read_text()
    title = page.text_content("h1")

    # 1. Edit the title: the open tab reloads by itself and shows it.
    guide.write_text(original.replace(f"title: {title}", "title: What your CFO will ask first", 1))
    page.wait_for_function("() => document.querySelector('h1').textContent"
                           ".includes('What your CFO will ask first')", timeout=10_000)

    # 2. Break a YAML file mid-edit: the overlay names the place and quotes the line; the
    #    last good content still serves underneath.
    pricing = content / "pricing.yaml"
    good = pricing.read_text()
    pricing.write_text(good + "\nplans: [unclosed\n")
    overlay = page.wait_for_selector(".bk-live-overlay", timeout=10_000)
    text = overlay.text_content()
    assert "The content has 1 error" in text
    assert "pricing.yaml:" in text and "invalid YAML" in text
    assert "What your CFO will ask first" in page.text_content("h1")  # last good, underneath
    assert_accessible(page)

    # 3. Fix it: the overlay goes by itself.
    pricing.write_text(good)
    page.wait_for_function("() => !document.querySelector('.bk-live-overlay')", timeout=10_000)
    assert "What your CFO will ask first" in page.text_content("h1")


def test_the_dev_script_is_only_on_the_dev_server(page, live):
    """The module's ordinary server (no PREVIEW) sends pages without the live script."""
    page.goto(live.url + "/")
    assert page.query_selector("script[src*='_preview']") is None
    assert page.request.get(live.url + "/_preview/live/live.js").status == 404

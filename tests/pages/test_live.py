"""Live preview's server side: the last good content keeps serving, problems are quoted, and the
dev script reaches HTML pages of the dev server only."""

from __future__ import annotations

from pathlib import Path

import pytest

from buyerkit.pages.live import Live, reload
from tests.conftest import make_app


@pytest.fixture
def dev(tmp_path, content_dir):
    app = make_app(tmp_path, content_dir, PREVIEW=True)
    yield app
    app.extensions["buyerkit.live"].close()
    app.extensions["buyerkit.store"].dispose()


def test_a_good_edit_replaces_the_catalog(dev, content_dir):
    live: Live = dev.extensions["buyerkit.live"]
    site = content_dir / "site.yaml"
    site.write_text(site.read_text().replace("  name: Harborline\n", "  name: Harborline Two\n", 1))
    before = live.version
    reload(dev, live)
    assert live.version == before + 1 and live.problems == ()
    assert dev.extensions["buyerkit.catalog"].site.vendor.name == "Harborline Two"


def test_a_broken_edit_keeps_the_last_good_catalog_and_quotes_the_line(dev, content_dir):
    live: Live = dev.extensions["buyerkit.live"]
    good = dev.extensions["buyerkit.catalog"]
    (content_dir / "targets.yaml").write_text(
        "targets:\n  - name: Keelson\n    domian: keelson.io\n")
    reload(dev, live)
    assert dev.extensions["buyerkit.catalog"] is good
    missing, unknown = live.problems
    assert missing.where.endswith("targets.yaml:2:5: missing required field 'domain'")
    assert missing.quoted == "  - name: Keelson"
    assert unknown.where.endswith("targets.yaml:3:5: unknown field 'domian'")
    assert unknown.quoted == "    domian: keelson.io"
    page = dev.test_client().get("/pricing/").get_data(as_text=True)
    assert '<section class="bk-live-overlay" role="alert"' in page
    assert "<pre>    domian: keelson.io</pre>" in page
    assert page.rstrip().endswith("</body>\n</html>")  # the page is still whole
    assert (missing.caret, unknown.caret) == ("    ^", "    ^")
    assert '<pre class="bk-live-caret" aria-hidden="true">    ^</pre>' in page


def test_a_half_saved_file_quotes_each_line_once(dev, content_dir):
    """A file cut off mid-write: one located problem per missing field, its line quoted once."""
    live: Live = dev.extensions["buyerkit.live"]
    (content_dir / "comparison.yaml").write_text("# cut off\ntitle: How we compare\n")
    reload(dev, live)
    mine = [p for p in live.problems if "/comparison.yaml:" in p.where]
    assert [p.where.split("/")[-1] for p in mine] == [
        "comparison.yaml:2:1: missing required field 'alternatives'",
        "comparison.yaml:2:1: missing required field 'intro'",
        "comparison.yaml:2:1: missing required field 'ours'"]
    assert [(p.quoted, p.caret) for p in mine] == [("title: How we compare", "^"), ("", ""),
                                                   ("", "")]


def test_the_dev_script_goes_on_html_pages_only(dev):
    client = dev.test_client()
    page = client.get("/").get_data(as_text=True)
    assert '<script src="/_preview/live/live.js" data-version="0" ' \
           'data-events="/_preview/live/events" defer></script>' in page
    assert "bk-live-overlay" not in page
    api = client.get("/api/openapi.json")
    assert b"_preview" not in api.get_data()
    js = client.get("/_preview/live/live.js")
    assert js.mimetype == "text/javascript"


def test_the_event_stream_starts_with_the_version(dev):
    resp = dev.test_client().get("/_preview/live/events", buffered=False)
    first = next(resp.response)
    resp.close()
    assert (first.decode() if isinstance(first, bytes) else first) == \
        "retry: 1000\nevent: version\ndata: 0\n\n"


@pytest.mark.parametrize("config", [{}, {"PREVIEW": True, "API_ONLY": True}],
                         ids=["no-preview", "api-only"])
def test_no_live_preview_outside_the_dev_server(tmp_path, content_dir, config):
    app = make_app(tmp_path, content_dir, **config)
    assert "buyerkit.live" not in app.extensions
    assert app.test_client().get("/_preview/live/live.js").status_code == 404
    app.extensions["buyerkit.store"].dispose()


def test_frozen_pages_have_no_dev_script(tmp_path, content_dir):
    from buyerkit.freeze.build import freeze_site

    app = make_app(tmp_path, content_dir)
    freeze_site(app, tmp_path / "build", "https://api.harborline.example")
    app.extensions["buyerkit.store"].dispose()
    pages = list(Path(tmp_path / "build").rglob("*.html"))
    assert pages and not [p for p in pages if "_preview" in p.read_text()]
    assert not list(Path(tmp_path / "build").rglob("live.js"))

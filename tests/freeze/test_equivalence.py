"""The freeze renders pages without Flask's full request cycle (freezer._PageContext): every
file it writes must still be, byte for byte, what the Flask-served site sends for that URL."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
import rjsmin
from flask import redirect, request

from buyerkit.errors import BuyerkitError
from buyerkit.freeze.build import HEADERS_FILE, MARKER, NGINX_FILE, endpoint_api, freeze_site
from tests.conftest import make_app

ENDPOINT = "https://score.harborline.example"


@pytest.fixture
def served(tmp_path, content_dir):
    """A separate, unfrozen app with the settings a freeze renders pages under."""
    app = make_app(tmp_path / "served", content_dir)
    app.config.update(STATIC_BUILD=True, ENDPOINT_URL=ENDPOINT,
                      ENDPOINT_API=endpoint_api(ENDPOINT), EVENTS_ENABLED=False)
    yield app
    app.extensions["buyerkit.store"].dispose()


def url_of(name: str) -> str:
    return "/" + (name.removesuffix("index.html") if name.endswith("index.html") else name)


def test_every_frozen_file_is_what_flask_serves(app, served, tmp_path):
    dest = tmp_path / "build"
    result = freeze_site(app, dest, ENDPOINT)
    names = [n for n in result.files if n not in (HEADERS_FILE, NGINX_FILE, MARKER)]
    assert len([n for n in names if n.endswith(".html")]) >= 15
    client = served.test_client()
    for name in names:
        with client.get(url_of(name)) as resp:
            want = resp.get_data()
        assert resp.status_code == 200, name  # /404.html too: the page hosts serve for 404
        if name.endswith(".js"):  # the freeze drops comments from scripts, nothing else
            want = rjsmin.jsmin(want.decode()).encode()
        assert (dest / name).read_bytes() == want, name


def test_a_view_that_redirects_is_refused_as_before(app, tmp_path):
    """A page that does not answer 200 leaves the bare render and fails the freeze."""
    app.view_functions["offering.pricing"] = lambda: redirect("/")
    with pytest.raises(BuyerkitError, match=r"Unexpected status '302 FOUND' on URL /pricing/"):
        freeze_site(app, tmp_path / "build", ENDPOINT)
    assert not Path(tmp_path / "build").exists()


def test_a_blueprint_hook_gets_the_full_request_cycle(app, tmp_path):
    """The bare render skips only the app-wide API hooks; a page kind's own hook still runs."""

    def stamp(resp):
        resp.set_data(resp.get_data() + b"<!-- stamped by offering -->\n")
        return resp

    app.after_request_funcs.setdefault("offering", []).append(stamp)
    freeze_site(app, tmp_path / "build", ENDPOINT)
    assert (tmp_path / "build/pricing/index.html").read_text().endswith(
        "<!-- stamped by offering -->\n")
    assert "stamped" not in (tmp_path / "build/index.html").read_text()


def test_a_blueprint_teardown_gets_the_full_request_cycle(app, tmp_path):
    """The app-wide teardown is skipped with the other app-wide hooks; a page kind's own runs."""
    torn: list[str] = []
    app.teardown_request_funcs.setdefault("offering", []).append(
        lambda exc: torn.append(request.path))
    freeze_site(app, tmp_path / "build", ENDPOINT)
    assert "/pricing/" in torn and "/" not in torn


def test_the_collector_is_left_as_it_was(app, tmp_path):
    """The freeze keeps the collector off the app while it runs, and only then."""
    freeze_site(app, tmp_path / "build", ENDPOINT)
    assert gc.get_freeze_count() == 0
    gc.freeze()
    try:
        freeze_site(app, tmp_path / "build", ENDPOINT, force=True)
        assert gc.get_freeze_count() > 0  # a server's own frozen objects stay frozen
    finally:
        gc.unfreeze()

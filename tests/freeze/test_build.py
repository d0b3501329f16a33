"""`buyerkit freeze`: every public page, nothing private, the same bytes twice, and a guard
that never lets it replace a folder it does not own."""

from __future__ import annotations

import filecmp
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from buyerkit import web
from buyerkit.errors import BuyerkitError
from buyerkit.freeze.build import MARKER, freeze_site, static_headers
from tests.conftest import make_app

ENDPOINT = "https://score.harborline.example"
PRIVATE = re.compile(r"^(api|reports?|login|logout|company|admin)(/|$)")


@pytest.fixture
def frozen(app, tmp_path) -> Path:
    dest = tmp_path / "build"
    result = freeze_site(app, dest, ENDPOINT)
    assert not result.skipped
    return dest


def files_in(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_every_public_page_and_nothing_private(app, frozen):
    files = files_in(frozen)
    checks = [f"diagnostics/{slug}/index.html" for slug in app.extensions["buyerkit.catalog"]
              .diagnostics]  # every check of the content (the demo has two)
    for page in ("index.html", "diagnostics/index.html", *checks, "404.html", "sitemap.xml",
                 "robots.txt", "static/buyerkit.css", "static/diagnostic-static.js",
                 "static/outbox.js", "static/signals.js", "_headers", "nginx.conf", MARKER):
        assert page in files
    assert [f for f in files if PRIVATE.match(f)] == []
    for html in frozen.rglob("*.html"):
        text = html.read_text()
        assert "/api/" not in text.replace(f"{ENDPOINT}/api", ""), html


def test_pages_name_the_endpoint_and_carry_no_random_id(app, frozen):
    for html in frozen.rglob("*.html"):
        text = html.read_text()
        if html.name != "404.html":
            assert f'<meta name="buyerkit-endpoint" content="{ENDPOINT}/api">' in text, html
        assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-", text), html
    for slug, d in app.extensions["buyerkit.catalog"].diagnostics.items():
        page = (frozen / f"diagnostics/{slug}/index.html").read_text()
        assert 'name="journey"' not in page and 'name="event"' not in page
        for verdict in ("fit", "not_now", "not_a_fit"):
            assert f'data-outcome="{verdict}"' in page and f'data-next="{verdict}"' in page
        assert page.count('class="step"') == len(d.steps), slug


def test_sitemap_lists_every_page_and_robots_points_to_it(frozen):
    sitemap = (frozen / "sitemap.xml").read_text()
    listed = re.findall(r"<loc>https://harborline\.example(/[^<]*)</loc>", sitemap)
    pages = ["/" + f.removesuffix("index.html") for f in files_in(frozen)
             if f.endswith("index.html")]
    assert sorted(listed) == sorted(pages)
    assert "Sitemap: https://harborline.example/sitemap.xml" in (frozen / "robots.txt").read_text()


class InlineFinder(HTMLParser):
    """Collects what a strict CSP would block: inline scripts, styles and event handlers."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {k for k, _ in attrs}
        self.found += [f"<{tag} {k}>" for k in names if k.startswith("on") or k == "style"]
        if tag == "style":
            self.found.append("<style>")
        self.in_script = tag == "script" and "src" not in names
        self.found += ["<script> without src"] if self.in_script else []

    def handle_endtag(self, tag: str) -> None:
        self.in_script = False


def test_build_has_no_inline_script_handler_or_style(frozen):
    pages = list(frozen.rglob("*.html"))
    assert len(pages) >= 4
    for html in pages:
        finder = InlineFinder()
        finder.feed(html.read_text())
        assert finder.found == [], html
        assert "javascript:" not in html.read_text()


def test_headers_files_match_the_flask_site(frozen, client):
    want = static_headers(ENDPOINT + "/api")
    assert want["Content-Security-Policy"] == web.CSP.replace(
        "connect-src 'self'", f"connect-src 'self' {ENDPOINT}")
    assert "'unsafe-inline'" not in web.CSP and "'unsafe-eval'" not in web.CSP
    assert "default-src 'none'" in web.CSP and "frame-ancestors 'none'" in web.CSP
    headers_file = (frozen / "_headers").read_text()
    for k, v in want.items():
        assert f"  {k}: {v}\n" in headers_file
        assert f'add_header {k} "{v}" always;' in (frozen / "nginx.conf").read_text()
    served = client.get("/", base_url="https://harborline.example").headers
    for k, v in want.items():  # the same headers, but the site's own pages connect to 'self'
        assert served[k] == (web.CSP if k == "Content-Security-Policy" else v)
    api = client.get("/api/v1/health", base_url="https://harborline.example").headers
    assert {k: api[k] for k in want} == {k: served[k] for k in want}


def test_two_freezes_are_byte_identical(app, tmp_path, content_dir):
    freeze_site(app, tmp_path / "one", ENDPOINT)
    other = make_app(tmp_path / "other", content_dir)
    freeze_site(other, tmp_path / "two", ENDPOINT, force=True)
    other.extensions["buyerkit.store"].dispose()
    one, two = files_in(tmp_path / "one"), files_in(tmp_path / "two")
    assert one == two
    match, mismatch, errors = filecmp.cmpfiles(tmp_path / "one", tmp_path / "two", one,
                                               shallow=False)
    assert (mismatch, errors) == ([], [])


def test_nothing_changed_is_skipped_and_a_change_rebuilds(app, frozen, content_dir):
    again = freeze_site(app, frozen, ENDPOINT)
    assert again.skipped and again.files == [f for f in files_in(frozen) if f != MARKER]
    site = content_dir / "site.yaml"
    site.write_text(site.read_text().replace("Know which customers", "See which customers"))
    changed = make_app(frozen.parent / "changed", content_dir)
    rebuilt = freeze_site(changed, frozen, ENDPOINT)
    changed.extensions["buyerkit.store"].dispose()
    assert not rebuilt.skipped
    assert "See which customers" in (frozen / "index.html").read_text()
    (frozen / "index.html").write_text("tampered")
    assert not freeze_site(app, frozen, ENDPOINT).skipped  # a damaged build is rebuilt
    assert freeze_site(app, frozen, "https://other.example").skipped is False


def test_a_failed_page_leaves_the_previous_build(frozen, tmp_path, content_dir):
    before = {f: (frozen / f).read_bytes() for f in files_in(frozen)}
    app = make_app(tmp_path / "failing", content_dir)

    def broken():
        raise RuntimeError("a template bug")

    app.view_functions["diagnostics.index"] = broken
    with pytest.raises(BuyerkitError, match=r"^Unexpected status '500 INTERNAL SERVER ERROR' on "
                       r"URL /diagnostics/; nothing was written to .*build$"):
        freeze_site(app, frozen, ENDPOINT, force=True)
    app.extensions["buyerkit.store"].dispose()
    assert {f: (frozen / f).read_bytes() for f in files_in(frozen)} == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []

"""Every frozen page stays light: HTML + CSS + JS <= 30 KB compressed, JavaScript <= 10 KB."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

from buyerkit.freeze.build import freeze_site

PAGE_BUDGET = 30 * 1024
JS_BUDGET = 10 * 1024
# Static imports, in source or minified form (`import{a}from"./b.js";` as the build has them).
IMPORT = re.compile(r"""(?:^|[;}])\s*import\s*[^;()]*?from\s*["'](\./[^"']+)["']""", re.M)


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def scripts_of(build: Path, src: str, seen: set[str]) -> set[str]:
    """A module script and every module it imports, transitively."""
    if src in seen:
        return seen
    seen.add(src)
    text = (build / src.lstrip("/")).read_text()
    for rel in IMPORT.findall(text):
        scripts_of(build, str(Path(src).parent / rel[2:]), seen)
    return seen


@pytest.fixture(scope="module")
def build(tmp_path_factory) -> Path:
    from tests.conftest import DEMO_CONTENT, make_app

    tmp = tmp_path_factory.mktemp("weight")
    app = make_app(tmp, DEMO_CONTENT)
    freeze_site(app, tmp / "build", "https://score.harborline.example")
    app.extensions["buyerkit.store"].dispose()
    return tmp / "build"


def test_every_page_fits_the_budget(build):
    pages = sorted(build.rglob("*.html"))
    assert pages
    for page in pages:
        html = page.read_text()
        css = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
        js: set[str] = set()
        for src in re.findall(r'<script type="module" src="([^"]+)"', html):
            scripts_of(build, src, js)
        js_size = sum(gz((build / s.lstrip("/")).read_bytes()) for s in js)
        total = gz(page.read_bytes()) + js_size + sum(
            gz((build / c.lstrip("/")).read_bytes()) for c in css)
        assert js_size <= JS_BUDGET, (page, js_size)
        assert total <= PAGE_BUDGET, (page, total)
        if page.parent.name == "renewal-risk-check":
            assert {"/static/diagnostic-static.js", "/static/outbox.js",
                    "/static/signals.js", "/static/fragment.js", "/static/verdict.js",
                    "/static/stories.js"} == js


def test_build_scripts_are_minified_and_still_valid_modules(build):
    """The build ships the JavaScript without comments, and each file still parses as a module."""
    import shutil
    import subprocess

    source = Path(__file__).resolve().parents[2] / "site/buyerkit/pages/static"
    for js in sorted((build / "static").glob("*.js")):
        assert gz(js.read_bytes()) < gz((source / js.name).read_bytes())
        assert "\n// " not in js.read_text()
        node = shutil.which("node")
        if node:  # node is optional here; where it exists it proves the module still parses
            mjs = js.with_suffix(".check.mjs")
            mjs.write_bytes(js.read_bytes())
            try:
                subprocess.run([node, "--check", str(mjs)], check=True, timeout=30)
            finally:
                mjs.unlink()

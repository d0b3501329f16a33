"""The demo frozen with a second vendor's brand, through content alone: its logo, colours,
self-hosted font, extra stylesheet and one template override, axe clean at both sizes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator

import pytest

from buyerkit.freeze.build import freeze_site
from tests.browser.conftest import assert_accessible
from tests.browser.test_static_build import free_port, wait_until_up
from tests.conftest import DEMO_CONTENT, FIXTURES, make_app

THEME = FIXTURES / "theme-b"
ENDPOINT = "http://127.0.0.1:9"  # nothing listens: the pages' events are not this test's
PAGES = ["/", "/diagnostics/renewal-risk-check/", "/calculators/renewal-roi/", "/guides/cfo/",
         "/pricing/"]


@pytest.fixture(scope="module")
def themed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo content with theme-b's brand, frozen and served as static files."""
    tmp = tmp_path_factory.mktemp("theme")
    content = tmp / "content"
    shutil.copytree(DEMO_CONTENT, content)
    shutil.copytree(THEME / "theme", content / "theme", dirs_exist_ok=True)
    site = content / "site.yaml"
    text = site.read_text()
    start, end = text.index("\nbrand:"), text.index("\ntarget_profile:")
    site.write_text(text[:start] + "\n" + (THEME / "brand.yaml").read_text() + text[end:])
    app = make_app(tmp, content)
    freeze_site(app, tmp / "build", ENDPOINT)
    app.extensions["buyerkit.store"].dispose()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", "--directory",
         str(tmp / "build"), str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


LOOK = """() => {
  const logo = document.querySelector('.brand-logo');
  const button = document.querySelector('.button:not(.button-quiet)');
  return {
    logo: logo && [logo.getAttribute('src'), logo.alt, logo.naturalWidth],
    tagline: document.querySelector('.site-header .small')?.textContent,
    body: getComputedStyle(document.body).fontFamily,
    accent: getComputedStyle(document.documentElement).getPropertyValue('--accent').trim(),
    link: getComputedStyle(document.querySelector('main a:not(.button)')).color,
    button: button && [getComputedStyle(button).backgroundColor,
                       getComputedStyle(button).borderTopLeftRadius],
    font: document.fonts.check('16px "Brand Serif"'),
    wide: document.documentElement.scrollWidth > window.innerWidth,
  };
}"""


@pytest.mark.parametrize("size", [(360, 740), (1280, 800)], ids=["phone", "laptop"])
@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.strip("/").split("/")[0] or "home")
def test_a_second_brand_through_content_alone(browser, themed, path, size):
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(themed + path)
    page.evaluate("() => document.fonts.ready")
    look = page.evaluate(LOOK)
    assert look["logo"][:2] == ["/brand/theme/logo.png", "Quillmark Software"]
    assert look["logo"][2] == 120  # the image loaded
    assert look["tagline"] == "Tools for people who write proposals"  # the override
    assert look["body"].startswith('"Brand Serif"')
    assert look["font"] is True
    assert look["accent"] == "#6b2d8f"
    assert look["link"] == "rgb(107, 45, 143)"  # #6b2d8f
    if look["button"]:
        assert look["button"] == ["rgb(107, 45, 143)", "0px"]  # extra.css squared it
    assert look["wide"] is False
    # Fonts and logo come from the site itself; the endpoint is the only other origin.
    assert all(u.startswith((themed, ENDPOINT)) for u in requests), requests
    assert_accessible(page)
    page.close()


def test_shared_links_preview_with_the_brands_logo(browser, themed):
    """Chat tools show a PNG logo beside a forwarded guide (Open Graph)."""
    page = browser.new_page()
    page.goto(themed + "/guides/cfo/")
    image = page.get_attribute("meta[property='og:image']", "content")
    assert image == "https://harborline.example/brand/theme/logo.png"
    assert page.get_attribute("meta[property='og:image:alt']", "content") == \
        "Quillmark Software"
    page.close()

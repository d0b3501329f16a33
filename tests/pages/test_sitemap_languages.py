"""sitemap.xml names every language's address of each page with `xhtml:link` alternates and
x-default, as Google documents localized versions; it parses as XML with the two namespaces,
and the frozen sitemap is the same file, every address in it a page the freeze wrote."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from buyerkit.freeze.build import freeze_site

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
BASE = "https://harborline.example"


def entries(xml: bytes) -> dict[str, dict[str, str]]:
    """loc -> {hreflang: href} of a sitemap, read by a namespace-aware XML parser."""
    root = ET.fromstring(xml)
    assert root.tag == f"{SM}urlset"
    out = {}
    for url in root:
        assert url.tag == f"{SM}url"
        loc = url.find(f"{SM}loc")
        links = url.findall(f"{XHTML}link")
        assert all(link.get("rel") == "alternate" for link in links)
        assert loc is not None and loc.text not in out
        out[loc.text] = {link.get("hreflang"): link.get("href") for link in links}
        assert len(out[loc.text]) == len(links), "an hreflang listed twice"
    return out


@pytest.fixture
def frozen(app, tmp_path) -> Path:
    dest = tmp_path / "build"
    freeze_site(app, dest, "https://score.harborline.example")
    return dest


def test_every_page_lists_itself_and_its_other_languages(client):
    got = entries(client.get("/sitemap.xml").data)
    assert got[f"{BASE}/guides/cfo/"] == got[f"{BASE}/de/guides/cfo/"] == {
        "en": f"{BASE}/guides/cfo/", "de": f"{BASE}/de/guides/cfo/",
        "x-default": f"{BASE}/guides/cfo/"}
    for loc, alternates in got.items():
        assert set(alternates) == {"en", "de", "x-default"}, loc
        assert loc in alternates.values() and alternates["x-default"] == alternates["en"]
        # the versions name each other: every alternate lists the very same set
        for href in alternates.values():
            assert got[href] == alternates, (loc, href)


def test_a_page_in_one_language_only_has_no_alternates(tmp_path, content_dir):
    from tests.conftest import make_app

    site = content_dir / "site.yaml"
    site.write_text(site.read_text().replace("languages: [en, de]", "languages: [en]"))
    app = make_app(tmp_path, content_dir)
    xml = app.test_client().get("/sitemap.xml").data
    got = entries(xml)
    assert got and all(a == {} for a in got.values())
    assert not any("/de/" in loc for loc in got)
    app.extensions["buyerkit.store"].dispose()


def test_the_frozen_sitemap_is_the_served_one_and_names_only_frozen_pages(client, frozen):
    served = client.get("/sitemap.xml").data
    assert (frozen / "sitemap.xml").read_bytes() == served
    got = entries(served)
    addresses = set(got) | {u for a in got.values() for u in a.values()}
    assert len(addresses) == len(got) > 20
    for url in addresses:
        assert url.startswith(BASE + "/") and url.endswith("/"), url
        page = frozen / url.removeprefix(BASE + "/") / "index.html"
        assert page.is_file(), url

"""Every public page, derived rather than listed: the freeze writes exactly the pages
sitemap.xml names, and the sitemap names exactly the pages the catalog implies — each
diagnostic, calculator, guide and customer story, the kit, pricing and the comparison —
checked both ways, on the demo and on content with pieces taken away."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from buyerkit.content.catalog import Catalog, load_catalog
from buyerkit.freeze.build import freeze_site
from tests.conftest import make_app

ENDPOINT = "https://score.harborline.example"
LOC = re.compile(r"<loc>https://harborline\.example(/[^<]*)</loc>")

# URL prefix -> the catalog collection whose keys are the pages under it (written out here:
# these are the addresses people link to, so a change must be deliberate).
SECTIONS = {"/diagnostics/": "diagnostics", "/calculators/": "calculators",
            "/guides/": "guides", "/customers/": "references"}


def sitemap_pages(client) -> list[str]:
    return LOC.findall(client.get("/sitemap.xml").get_data(as_text=True))


def catalog_pages(catalog: Catalog) -> set[str]:
    """The pages the catalog implies, from its content alone."""
    pages = {"/"}
    for prefix, attr in SECTIONS.items():
        slugs = getattr(catalog, attr)
        if slugs:
            pages |= {prefix} | {f"{prefix}{slug}/" for slug in slugs}
    if catalog.guides:
        pages.add("/kit/")
    if catalog.pricing is not None:
        pages.add("/pricing/")
    if catalog.comparison is not None:
        pages.add("/compare/")
    # every page again under each other language's prefix (docs/languages.md)
    site = catalog.site
    others = [code for code in site.languages if code != site.default_language]
    return pages | {f"/{code}{page}" for code in others for page in pages}


def frozen_pages(dest: Path) -> set[str]:
    return {"/" + p.relative_to(dest).as_posix().removesuffix("index.html")
            for p in dest.rglob("index.html")}


def test_the_freeze_writes_exactly_the_sitemap_and_the_sitemap_is_the_catalog(app, client,
                                                                              tmp_path):
    dest = tmp_path / "build"
    freeze_site(app, dest, ENDPOINT)
    listed = sitemap_pages(client)
    assert len(listed) == len(set(listed)), "a page listed twice"
    assert frozen_pages(dest) == set(listed)
    catalog = app.extensions["buyerkit.catalog"]
    expected = catalog_pages(catalog)
    assert set(listed) - expected == set(), "pages no content asks for"
    assert expected - set(listed) == set(), "content without its page"
    # the demo has something in every kind of page
    assert {"/kit/", "/pricing/", "/compare/", "/guides/cfo/",
            "/calculators/renewal-roi/", "/diagnostics/renewal-risk-check/"} <= expected


def test_taking_content_away_takes_its_pages_away(tmp_path, content_dir):
    for pattern in ("guides/legal*.md", "calculators/life-after-harborline*.yaml"):
        for path in content_dir.glob(pattern):  # the source and its translations
            path.unlink()
    catalog = load_catalog(content_dir)
    assert "legal" not in catalog.guides and "life-after-harborline" not in catalog.calculators
    app = make_app(tmp_path, content_dir)
    listed = set(sitemap_pages(app.test_client()))
    assert listed == catalog_pages(app.extensions["buyerkit.catalog"])
    assert {"/guides/legal/", "/calculators/life-after-harborline/"} & listed == set()
    app.extensions["buyerkit.store"].dispose()


def test_adding_a_calculator_adds_its_page(tmp_path, content_dir):
    src = content_dir / "calculators/renewal-roi.yaml"
    shutil.copy(src, content_dir / "calculators/renewal-roi-copy.yaml")
    app = make_app(tmp_path, content_dir)
    listed = set(sitemap_pages(app.test_client()))
    assert "/calculators/renewal-roi-copy/" in listed
    assert listed == catalog_pages(app.extensions["buyerkit.catalog"])
    app.extensions["buyerkit.store"].dispose()

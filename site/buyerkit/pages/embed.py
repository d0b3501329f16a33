"""`buyerkit embed`: the snippet that puts a diagnostic, calculator or guide on the vendor's site.

The snippet loads static/embed.js, which frames the page and sizes the frame from the page's
own messages (pages/static/frame.js); the host page's CSP must allow the tool's origin in
`script-src` and `frame-src`, and the tool must list the host's origin in site.yaml's
`embed.origins` (or EMBED_ORIGINS) for its pages to agree to be framed.
"""

from __future__ import annotations

from pathlib import Path

import click
from markupsafe import escape

from buyerkit.content.catalog import Catalog, load_catalog
from buyerkit.errors import BuyerkitError
from buyerkit.web import origin_of


def pages(catalog: Catalog) -> list[tuple[str, str, str]]:
    """(slug, title, path) of every page worth embedding: diagnostics, calculators, guides."""
    out = [(slug, d.title, f"/diagnostics/{slug}/") for slug, d in catalog.diagnostics.items()]
    out += [(slug, c.model.title, f"/calculators/{slug}/")
            for slug, c in catalog.calculators.items()]
    out += [(role, g.meta.title, f"/guides/{role}/") for role, g in catalog.guides.items()]
    return out


def snippet(base: str, title: str, path: str) -> str:
    """The HTML a vendor pastes where the tool should appear (a link without JavaScript)."""
    src, page = escape(base + "/static/embed.js"), escape(base + path)
    return (f'<script src="{src}" data-src="{page}" data-title="{escape(title)}" async>'
            f'</script>\n<noscript><a href="{page}">{escape(title)}</a></noscript>')


@click.command()
@click.argument("slug", required=False)
@click.option("--base", metavar="URL", help="Where the pages are served (default: site.yaml's "
                                           "vendor.base_url).")
@click.option("--content", "content_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Content folder (default ./content).")
def embed(slug: str | None, base: str | None, content_dir: Path | None) -> None:
    """Print the embed snippet of each diagnostic, calculator and guide (or of SLUG)."""
    catalog = load_catalog(content_dir or Path.cwd() / "content")
    base = (base or catalog.site.vendor.base_url).rstrip("/")
    if origin_of(base) is None:
        raise BuyerkitError(f"--base must be an http(s) URL, not {base!r}")
    found = [p for p in pages(catalog) if slug is None or p[0] == slug]
    if not found:
        known = ", ".join(sorted({p[0] for p in pages(catalog)}))
        raise BuyerkitError(f"no diagnostic, calculator or guide '{slug}'; there are: {known}")
    origins = catalog.site.embed.origins
    click.echo(f"<!-- Host page CSP must allow: script-src {origin_of(base)}; "
               f"frame-src {origin_of(base)} -->")
    if not origins:
        click.echo("<!-- No embed.origins in site.yaml yet: list your site's origin there, or "
                   "the pages will refuse to be framed. -->")
    for _, title, path in found:
        click.echo(f"\n<!-- {escape(title)} -->\n{snippet(base, title, path)}")

"""What search engines and static hosts read: sitemap.xml, robots.txt and the 404 page."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, url_for
from markupsafe import escape

from buyerkit.content.catalog import get_catalog
from buyerkit.pages.public import sitemap_routes

bp = Blueprint("seo", __name__)


def _base() -> str:
    return get_catalog().site.vendor.base_url.rstrip("/")


SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"


@bp.get("/sitemap.xml")
def sitemap() -> Response:
    """Every public page at the vendor's base_url; no dates, so two freezes are identical.

    A page that exists in several languages lists all of them (itself included) as
    `xhtml:link rel="alternate" hreflang=…`, plus `x-default` (the default language), the way
    Google documents localized versions in a sitemap; base.html links the same in each page.
    """
    base, app = _base(), current_app
    default = get_catalog().site.default_language
    versions: dict[tuple[str, tuple], dict[str, str]] = {}
    for e, v in sitemap_routes(app):
        page = (e, tuple(sorted((k, str(x)) for k, x in v.items() if k != "lang")))
        versions.setdefault(page, {})[v.get("lang", default)] = base + app.url_for(e, **v)
    entries = []
    for langs in versions.values():
        links = ""
        if len(langs) > 1:
            own = sorted(langs.items(), key=lambda kv: (kv[0] != default, kv[0]))
            pairs = [*own, ("x-default", langs[default])]
            links = "".join(f'<xhtml:link rel="alternate" hreflang="{code}" href="{escape(u)}"/>'
                            "\n" for code, u in pairs)
        entries += [f"<url><loc>{escape(u)}</loc>\n{links}</url>\n" for u in langs.values()]
    xml = ('<?xml version="1.0" encoding="UTF-8"?>\n'
           f'<urlset xmlns="{SITEMAP_NS}" xmlns:xhtml="{XHTML_NS}">\n'
           f"{''.join(sorted(entries))}</urlset>\n")
    return Response(xml, mimetype="application/xml")


@bp.get("/robots.txt")
def robots() -> Response:
    text = (f"User-agent: *\nAllow: /\nDisallow: /api/\n\n"
            f"Sitemap: {_base()}{url_for('seo.sitemap')}\n")
    return Response(text, mimetype="text/plain")


@bp.get("/404.html")
def not_found() -> Response:
    """The page a static host shows for a missing path; the Flask site has its own 404s."""
    if not current_app.config.get("STATIC_BUILD"):
        abort(404)
    return Response(render_template("error.html", status=404, title="Page not found",
                                    description=""))

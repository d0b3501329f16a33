"""What search engines and static hosts read: sitemap.xml, robots.txt and the 404 page."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, url_for
from markupsafe import escape

from buyerkit.content.catalog import get_catalog
from buyerkit.pages.public import sitemap_routes

bp = Blueprint("seo", __name__)


def _base() -> str:
    return get_catalog().site.vendor.base_url.rstrip("/")


@bp.get("/sitemap.xml")
def sitemap() -> Response:
    """Every public page at the vendor's base_url; no dates, so two freezes are identical."""
    base, app = _base(), current_app
    urls = sorted({base + app.url_for(e, **v) for e, v in sitemap_routes(app)})
    body = "".join(f"<url><loc>{escape(u)}</loc></url>\n" for u in urls)
    xml = ('<?xml version="1.0" encoding="UTF-8"?>\n'
           '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
           f"{body}</urlset>\n")
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

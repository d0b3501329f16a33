"""The vendor's brand on every page: brand.css, its logo, fonts and favicon, template overrides.

Files are served only when site.yaml's brand names them (checked by content/brand.py), at
/brand/<their path in the content folder>; the freeze writes each of them.
"""

from __future__ import annotations

from typing import Any

import jinja2
from flask import Blueprint, Flask, Response, abort, current_app

from buyerkit.content.catalog import Catalog, get_catalog
from buyerkit.pages.public import generator

bp = Blueprint("brand", __name__, url_prefix="/brand")
CSS = "brand.css"


@bp.get(f"/{CSS}")
def stylesheet() -> Response:
    """The brand's colours and fonts as buyerkit.css's custom properties."""
    css = get_catalog().brand.css or "/* site.yaml has no brand: buyerkit.css alone. */\n"
    return Response(css, mimetype="text/css")


@bp.get("/<path:name>")
def asset(name: str) -> Response:
    """A logo, favicon, font or stylesheet that site.yaml's brand names, and nothing else."""
    found = get_catalog().brand.files.get(name)
    if found is None:
        abort(404)
    path, media = found  # small files (checked sizes): read whole, no handle left open
    resp = Response(path.read_bytes(), mimetype=media)
    resp.cache_control.max_age = 3600
    return resp


@generator("brand.asset")
def _assets(catalog: Catalog) -> list[dict[str, str]]:
    return [{"name": name} for name in sorted(catalog.brand.files)]


@bp.app_context_processor
def _brand() -> dict[str, Any]:
    """`brand` for base.html: the logo, favicon and stylesheets to link, when content has them."""
    return {"brand": get_catalog().brand}


class ThemeLoader(jinja2.BaseLoader):
    """Templates from the content's theme/templates first (a vendor's override wins, as with
    MkDocs' custom_dir), then buyerkit's own; `buyerkit/<name>` always names buyerkit's own,
    so an override can extend the template it replaces and change only its blocks."""

    def __init__(self, app: Flask, fallback: jinja2.BaseLoader) -> None:
        self.app = app
        self.fallback = fallback

    def _theme(self) -> jinja2.FileSystemLoader | None:
        catalog = self.app.extensions.get("buyerkit.catalog")
        folder = catalog.brand.templates if catalog is not None else None
        return jinja2.FileSystemLoader(str(folder)) if folder is not None else None

    def get_source(self, environment: jinja2.Environment,
                   template: str) -> tuple[str, str | None, Any]:
        if template.startswith("buyerkit/"):
            return self.fallback.get_source(environment, template.removeprefix("buyerkit/"))
        theme = self._theme()
        if theme is not None:
            try:
                return theme.get_source(environment, template)
            except jinja2.TemplateNotFound:
                pass
        return self.fallback.get_source(environment, template)

    def list_templates(self) -> list[str]:
        return self.fallback.list_templates()


def init_app(app: Flask) -> None:
    """Serve the brand's files and let content/theme/templates override buyerkit's templates."""
    app.register_blueprint(bp)
    app.jinja_env.globals["preview_image"] = preview_image
    app.jinja_env.loader = ThemeLoader(app, app.jinja_env.loader or app.jinja_loader)


def preview_image() -> tuple[str, str] | None:
    """(absolute URL, alt) of the brand's logo for link previews (Open Graph): a PNG only,
    since chat tools do not show SVG."""
    catalog = current_app.extensions["buyerkit.catalog"]
    logo = catalog.brand.logo
    if logo is None or not logo[0].endswith(".png"):
        return None
    base = catalog.site.vendor.base_url.rstrip("/")
    return f"{base}{bp.url_prefix}/{logo[0]}", logo[1]

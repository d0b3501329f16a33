"""The home page: it starts from the buyer's problems, not from a demo form."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from buyerkit.content.catalog import get_catalog

bp = Blueprint("pages", __name__)


@bp.app_context_processor
def _site() -> dict[str, Any]:
    """The vendor's settings for every template, so pages without a view (the error pages)
    still wear the site's header, nav and footer."""
    return {"site": get_catalog().site}


@bp.get("/")
def home() -> str:
    catalog = get_catalog()
    return render_template("home.html", site=catalog.site, diagnostics=catalog.diagnostics)

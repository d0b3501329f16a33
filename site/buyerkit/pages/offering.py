"""Pricing and the honest comparison: what it costs, how to start, and when to buy elsewhere."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request

from buyerkit.content.catalog import get_catalog
from buyerkit.pages.guides import absolute_url, contact_kinds

bp = Blueprint("offering", __name__)


@bp.app_context_processor
def _offering_nav() -> dict[str, Any]:
    """The nav links to pricing and comparison only when the content has them."""
    catalog = get_catalog()
    return {"has_pricing": catalog.pricing is not None,
            "has_comparison": catalog.comparison is not None}


@bp.get("/pricing/")
def pricing() -> str:
    catalog = get_catalog()
    if catalog.pricing is None:
        abort(404)
    return render_template("pricing.html", site=catalog.site, pricing=catalog.pricing,
                           diagnostics_all=catalog.diagnostics,
                           page_url=absolute_url(catalog.site, request.path),
                           contact_kinds=contact_kinds(catalog.site))


@bp.get("/compare/")
def compare() -> str:
    catalog = get_catalog()
    if catalog.comparison is None:
        abort(404)
    return render_template("compare.html", site=catalog.site, comparison=catalog.comparison,
                           pricing=catalog.pricing,
                           page_url=absolute_url(catalog.site, request.path),
                           contact_kinds=contact_kinds(catalog.site))

"""The home page: it starts from the buyer's problems, not from a demo form."""

from __future__ import annotations

from flask import Blueprint, render_template

from buyerkit.content.catalog import get_catalog

bp = Blueprint("pages", __name__)


@bp.get("/")
def home() -> str:
    catalog = get_catalog()
    return render_template("home.html", site=catalog.site, diagnostics=catalog.diagnostics)

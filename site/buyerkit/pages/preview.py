"""Pages only the dev server shows (`buyerkit serve` sets PREVIEW): never frozen, never in
the sitemap, never under `buyerkit api`. Today: a diagnostic's verdict table."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from buyerkit.content.catalog import get_catalog
from buyerkit.content.explain import VERDICT_NAMES, explain
from buyerkit.errors import BuyerkitError

bp = Blueprint("preview", __name__, url_prefix="/_preview")


@bp.get("/explain/<slug>/")
def explain_page(slug: str) -> str:
    """What `buyerkit explain SLUG` prints, as a page to review beside the diagnostic."""
    catalog = get_catalog()
    d = catalog.diagnostics.get(slug)
    if d is None:
        abort(404)
    try:
        table = explain(d, catalog.site.target_profile.answers.get(slug))
    except BuyerkitError as e:  # too many paths through its conditions to analyse
        abort(422, description=e.message)
    return render_template("preview_explain.html", d=d, t=table, site=catalog.site,
                           names=VERDICT_NAMES, warnings=catalog.warnings)


def init_app(app) -> None:  # noqa: ANN001 - a Flask app
    """Register the preview pages when the dev server asked for them (PREVIEW)."""
    if app.config.get("PREVIEW") and not app.config.get("API_ONLY"):
        app.register_blueprint(bp)

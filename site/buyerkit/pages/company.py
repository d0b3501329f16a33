"""The optional "pool my colleagues' results" form on a diagnostic's result page.

The domain a prospect types is normalised, hashed with DOMAIN_HMAC_KEY and forgotten: only
the hash is stored, with the journey (and buying group) it belongs to. The static build's
form posts the same fields to the endpoint instead (views/api.py `company`).
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request
from flask_babel import gettext, lazy_gettext

from buyerkit.content.catalog import get_catalog
from buyerkit.signals.company import INVALID_DOMAIN, company_given
from buyerkit.signals.events import is_uuid
from buyerkit.signals.record import record_page

bp = Blueprint("company", __name__, url_prefix="/company")
# The static form shows the same sentence before it asks the endpoint (templates/_pool.html).
bp.add_app_template_global(INVALID_DOMAIN, "POOL_INVALID")
# signals/ holds the English sentence; marked here so the catalog has it (shown via gettext).
_MARKED = lazy_gettext("Give your company's web domain, like example.com (not an e-mail "
                       "address).")


@bp.post("/")
def pool() -> Response:
    catalog = get_catalog()
    slug = request.form.get("diagnostic", "")
    d = catalog.diagnostics.get(slug)
    journey = request.form.get("journey", "")
    group = request.form.get("_group", "")
    ctx = {"diagnostic": d.slug if d else "", "journey": journey if is_uuid(journey) else "",
           "_group": group if is_uuid(group) else ""}
    event = None
    if d is not None and ctx["journey"]:
        event = company_given(current_app.config["DOMAIN_HMAC_KEY"], d.slug, ctx["journey"],
                              ctx["_group"], request.form.get("domain", ""))
    if event is None:
        error = gettext(INVALID_DOMAIN) if d is not None and ctx["journey"] else \
            gettext("This form belongs to a diagnostic result: take the diagnostic first.")
        html = render_template("company.html", site=catalog.site, d=d, ctx=ctx, error=error,
                               value=request.form.get("domain", "")[:300])
        return Response(html, status=400)
    record_page(event, honeypot=bool(request.form.get("_homepage")))
    return Response(render_template("company.html", site=catalog.site, d=d, ctx=ctx,
                                    done=True))

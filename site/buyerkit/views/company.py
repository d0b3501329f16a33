"""The optional "pool my colleagues' results" form on a diagnostic's result page.

The domain a prospect types is normalised, hashed with DOMAIN_HMAC_KEY and forgotten: only
the hash is stored, with the journey (and buying group) it belongs to.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request

from ..catalog import get_catalog
from ..company import normalise_domain, org_hash
from ..events import CompanyGiven, derived_id, is_uuid
from ..signals import record_page

bp = Blueprint("company", __name__, url_prefix="/company")

INVALID = "Give your company's web domain, like example.com (not an e-mail address)."


@bp.post("/")
def pool() -> Response:
    catalog = get_catalog()
    slug = request.form.get("diagnostic", "")
    d = catalog.diagnostics.get(slug)
    journey = request.form.get("journey", "")
    group = request.form.get("_group", "")
    ctx = {"diagnostic": d.slug if d else "", "journey": journey if is_uuid(journey) else "",
           "_group": group if is_uuid(group) else ""}
    domain = normalise_domain(request.form.get("domain", ""))
    if d is None or not ctx["journey"] or domain is None:
        error = INVALID if d is not None and ctx["journey"] else \
            "This form belongs to a diagnostic result: take the diagnostic first."
        html = render_template("company.html", site=catalog.site, d=d, ctx=ctx, error=error,
                               value=request.form.get("domain", "")[:300])
        return Response(html, status=400)
    event = CompanyGiven(id=derived_id(ctx["journey"], "company"), subject=d.slug,
                         journey=ctx["journey"], group=ctx["_group"] or None,
                         org=org_hash(current_app.config["DOMAIN_HMAC_KEY"], domain))
    record_page(event, honeypot=bool(request.form.get("_homepage")))
    return Response(render_template("company.html", site=catalog.site, d=d, ctx=ctx,
                                    done=True))

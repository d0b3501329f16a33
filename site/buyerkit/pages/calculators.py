"""Calculator pages: a GET form the server computes (works without JavaScript), the compiled
spec as JSON for static/formula.js, and the index.

Privacy: without JavaScript the prospect's numbers travel in the query string, so the server
sees them while it computes the page. They are never stored or logged (the dev server logs
paths without query strings; nothing here writes them anywhere), and the share link the page
offers carries them in the URL fragment, which browsers never send.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, jsonify, render_template, request

from buyerkit.content.calculation import (
    NOT_MEANINGFUL,
    SCENARIO_LABELS,
    breakeven_text,
    compute,
    format_value,
    output_text,
    read,
    share_fragment,
    spec,
)
from buyerkit.content.calculators import Compiled
from buyerkit.content.catalog import get_catalog
from buyerkit.content.schema.calculator import SCENARIOS
from buyerkit.pages.chart import geometry

bp = Blueprint("calculators", __name__, url_prefix="/calculators")


def _calculator(slug: str) -> Compiled:
    comp = get_catalog().calculators.get(slug)
    if comp is None:
        abort(404)
    return comp


@bp.get("/")
def index() -> str:
    return render_template("calculators_index.html", calculators=get_catalog().calculators,
                           site=get_catalog().site)


@bp.get("/<slug>.json")
def spec_json(slug: str) -> Response:
    """The compiled calculator (formula trees, ranges, messages): no prospect data in it."""
    resp = jsonify(spec(_calculator(slug)))
    resp.headers["Cache-Control"] = "public, max-age=300"
    return resp


def _projection(comp: Compiled, result: Any) -> dict[str, Any] | None:
    p = comp.model.projection
    if p is None:
        return None
    cur = comp.model.currency
    charted = [s for s in p.series if s.chart]
    fmt = charted[0].format if charted else "currency"
    chart = geometry([s.id for s in charted], result.rows,
                     lambda v: format_value(v, fmt, cur), result.breakeven) if charted else None
    table = [[format_value(row[s.id], s.format, cur) for s in p.series] for row in result.rows]
    return {"model": p, "charted": charted, "chart": chart, "table": table,
            "breakeven": breakeven_text(comp, result)}


def _scenario_info(comp: Compiled) -> dict[str, dict[str, str | None]]:
    sc = comp.model.scenarios
    return {name: {"label": (getattr(sc, name).label if sc else None) or SCENARIO_LABELS[name],
                   "note": getattr(sc, name).note if sc else None} for name in SCENARIOS}


@bp.get("/<slug>/")
def show(slug: str) -> Response:
    comp = _calculator(slug)
    c = comp.model
    params = {k: v for k, v in request.args.items() if k == "s" or k.startswith(("i.", "a."))}
    reading = read(comp, params)
    context: dict[str, Any] = {"comp": comp, "c": c, "reading": reading,
                               "site": get_catalog().site, "scenarios": SCENARIOS,
                               "scenario_info": _scenario_info(comp),
                               "not_meaningful": NOT_MEANINGFUL, "result": None}
    if reading.ok:
        result = compute(comp, reading.values, reading.scenario)
        context["result"] = result
        context["texts"] = {o.id: output_text(comp, o.id, result.outputs[o.id])
                            for o in c.outputs}
        if c.scenarios:
            context["compare"] = {
                name: {o.id: output_text(comp, o.id, r.outputs[o.id]) for o in c.outputs}
                for name in SCENARIOS
                for r in [compute(comp, reading.values, name)]}
        context["projection"] = _projection(comp, result)
        context["share"] = share_fragment(comp, reading)
    html = render_template("calculator.html", **context)
    return Response(html, status=200 if reading.ok else 400)

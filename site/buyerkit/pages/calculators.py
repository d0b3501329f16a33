"""Calculator pages: a GET form the server computes (works without JavaScript), the compiled
spec as JSON for static/formula.js, and the index.

Privacy: without JavaScript the prospect's numbers travel in the query string, so the server
sees them while it computes the page. They are never stored or logged (the dev server logs
paths without query strings; nothing here writes them anywhere), and the share link the page
offers carries them in the URL fragment, which browsers never send.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import Blueprint, Response, abort, jsonify, render_template, request
from flask_babel import gettext

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
    """The compiled calculator (formula trees, ranges, messages): no prospect data in it.
    `reads` names, per output and series, the fields it needs (so a bad field blocks only
    those); `headline` is the output the page leads with (null: the breakeven month)."""
    comp = _calculator(slug)
    data = spec(comp)
    c = comp.model
    data["reads"] = blocked(comp, {f.id for f in (*c.inputs, *c.assumptions)})
    data["headline"] = headline_key(comp)
    data["messages"].update(page_messages())
    resp = jsonify(data)
    resp.headers["Cache-Control"] = "public, max-age=300"
    return resp


def not_worked_out(fields: str) -> str:
    """What a result says when a bad field holds it back (the page script says it too)."""
    return gettext("Not worked out: check %(fields)s first.", fields=fields)


def page_messages() -> dict[str, str]:
    """The calculator page script's own words, in the page's language, with its spec."""
    return {"blocked": not_worked_out("{fields}"), "updated": gettext("Results updated."),
            "copied": gettext("Link copied."), "month": gettext("Month"),  # the charts' axis
            "copy_failed": gettext("Could not copy: long-press or right-click the link "
                                   "instead.")}


def _refs(node: Any) -> Iterable[str]:
    """Every name a formula tree reads."""
    if isinstance(node, (list, tuple)) and node:
        if node[0] == "ref":
            yield node[1]
        else:
            for child in node[1:]:
                yield from _refs(child)


def blocked(comp: Compiled, bad: set[str]) -> dict[str, list[str]]:
    """For each output and series that reads a field in `bad` (directly or through another
    output), the ids of the bad fields it needs; the rest can still be computed."""
    needs: dict[str, set[str]] = {}
    trees = [(oid, [comp.formulas[oid], comp.conditions.get(oid)]) for oid in comp.order]
    trees += [(sid, [comp.series[sid]]) for sid in comp.series_order]
    for name, nodes in trees:
        got: set[str] = set()
        for ref in (r for n in nodes if n is not None for r in _refs(n)):
            got |= {ref} & bad
            got |= needs.get(ref, set())
        needs[name] = got
    return {k: sorted(v) for k, v in needs.items() if v}


def _projection(comp: Compiled, result: Any) -> dict[str, Any] | None:
    """The chart split in two when the projection has a breakeven series: amounts per month
    on one, the running total (and its breakeven month) on the other, each on its own axis."""
    p = comp.model.projection
    if p is None:
        return None
    cur = comp.model.currency
    charted = [s for s in p.series if s.chart]
    groups = [[s for s in charted if s.id != p.breakeven],
              [s for s in charted if s.id == p.breakeven]]
    charts = []
    for i, group in enumerate(g for g in groups if g):
        fmt = group[0].format
        be = result.breakeven if any(s.id == p.breakeven for s in group) else None
        charts.append({"series": group, "start": charted.index(group[0]),
                       "id": f"chart-{i}", "geometry": geometry(
                           [s.id for s in group], result.rows,
                           lambda v, fmt=fmt: format_value(v, fmt, cur), be)})
    table = [[format_value(row[s.id], s.format, cur) for s in p.series] for row in result.rows]
    return {"model": p, "charted": charted, "charts": charts, "table": table,
            "breakeven": breakeven_text(comp, result)}


def _case_text(comp: Compiled, key: str | None, result: Any) -> str:
    if key is None:
        return breakeven_text(comp, result) or ""
    return output_text(comp, key, result.outputs[key])


def headline_key(comp: Compiled) -> str | None:
    """The output the page leads with: payback, else none (the breakeven month), else the
    first compared output, else the first output."""
    c = comp.model
    if c.payback:
        return c.payback
    if c.projection and c.projection.breakeven:
        return None
    return next((o.id for o in c.outputs if o.compare), c.outputs[0].id if c.outputs else None)


def headline(comp: Compiled, values: dict[str, float], scenario: str,
             needs: dict[str, list[str]]) -> dict[str, Any] | None:
    """The one answer the page leads with: the payback output, else the breakeven month,
    else the first compared output; the conservative case first, then the range."""
    c = comp.model
    key = headline_key(comp)
    if key is None and not (c.projection and c.projection.breakeven):
        return None
    label = comp.output(key).label if key else c.projection.breakeven_label  # type: ignore
    if (key or (c.projection.breakeven if c.projection else "")) in needs:
        return {"label": label, "key": key, "cases": []}
    names = SCENARIOS if c.scenarios else (scenario,)
    cases = [(_scenario_info(comp)[n]["label"] if c.scenarios else "",
              _case_text(comp, key, compute(comp, values, n))) for n in names]
    return {"label": label, "key": key, "cases": cases}


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
    defaults = {f.id: float(f.default) for f in c.inputs}
    defaults |= {f.id: float(f.value) for f in c.assumptions}
    bad = {key.split(".", 1)[1] for key in reading.errors}
    # A bad field blocks only what reads it: the rest is computed with the field's default
    # standing in (never shown), so one typo does not blank every result.
    values = {**{k: defaults[k] for k in bad}, **reading.values}
    needs = blocked(comp, bad)
    labels = {f.id: f.label for f in (*c.inputs, *c.assumptions)}
    context: dict[str, Any] = {"comp": comp, "c": c, "reading": reading,
                               "site": get_catalog().site, "scenarios": SCENARIOS,
                               "scenario_info": _scenario_info(comp),
                               "not_meaningful": NOT_MEANINGFUL, "needs": needs,
                               "blocked_text": {k: not_worked_out(", ".join(
                                   labels[f] for f in v)) for k, v in needs.items()}}
    result = compute(comp, values, reading.scenario)
    context["result"] = result
    context["texts"] = {o.id: context["blocked_text"].get(o.id)
                        or output_text(comp, o.id, result.outputs[o.id]) for o in c.outputs}
    if c.scenarios:
        context["compare"] = {
            name: {o.id: "—" if o.id in needs else output_text(comp, o.id, r.outputs[o.id])
                   for o in c.outputs}
            for name in SCENARIOS
            for r in [compute(comp, values, name)]}
    projection_blocked = any(s in needs for s in comp.series_order)
    context["projection"] = None if projection_blocked else _projection(comp, result)
    context["headline"] = headline(comp, values, reading.scenario, needs)
    context["share"] = share_fragment(comp, reading) if reading.ok else None
    html = render_template("calculator.html", **context)
    return Response(html, status=200 if reading.ok else 400)

"""Run a compiled calculator: read values, compute outputs and projection, format results.

static/formula.js mirrors every function here with the same operations and the same message
texts (it reads the messages from the spec this module serves), so a page computed by the
server without JavaScript and the live page in the browser show identical figures.

Rounding rule, both sides: values are computed in IEEE 754 doubles; at display and comparison
money is rounded half away from zero to the cent, then shown in whole units (again half away).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from flask_babel import get_locale, gettext, lazy_gettext, ngettext

from buyerkit.content import numbers
from buyerkit.content.calculators import Compiled
from buyerkit.content.formula import evaluate, round_half_away
from buyerkit.content.schema.calculator import SCENARIOS

MAX_DIGITS = 15
SHOW_LIMIT = 1e13
NOT_MEANINGFUL = lazy_gettext("Not meaningful at these numbers")
DEFAULT_SCENARIO = "expected"
SCENARIO_LABELS = {"conservative": lazy_gettext("Conservative"),
                   "expected": lazy_gettext("Expected"), "optimistic": lazy_gettext("Optimistic")}


def group(digits: str) -> str:
    """Thousands separators on a string of digits."""
    out = ""
    while len(digits) > 3:
        out = "," + digits[-3:] + out
        digits = digits[:-3]
    return digits + out


def fixed(x: float, decimals: int, trim: bool) -> str:
    """x rounded half away from zero to `decimals`, grouped; trailing zeros cut when `trim`."""
    p = 10.0 ** decimals
    k = round_half_away(abs(round_half_away(x, decimals)) * p, 0)
    frac = k % p
    whole = group(str(int((k - frac) / p)))
    text = whole
    if decimals:
        f = str(int(frac)).rjust(decimals, "0")
        if trim:
            f = f.rstrip("0")
        text = whole + ("." + f if f else "")
    return ("-" + text) if x < 0 and k != 0 else text


def language() -> str:
    """The language of the page being rendered (Flask-Babel's locale), else the default."""
    loc = get_locale()
    return loc.language if loc is not None else numbers.DEFAULT_LANGUAGE


def rounded(x: float, decimals: int) -> float:
    """x rounded half away from zero to `decimals` exactly as fixed() rounds it; never -0."""
    p = 10.0 ** decimals
    k = round_half_away(abs(round_half_away(x, decimals)) * p, 0)
    return (-k if x < 0 else k) / p + 0.0


def months_text(text: str) -> str:
    """'3.5 months' in the page's language; singular only for a count that reads '1'."""
    return ngettext("%(n)s month", "%(n)s months", 1 if text == "1" else 2, n=text)


def format_value(value: float, fmt: str, currency: str, locale: str | None = None) -> str:
    """The text a prospect reads for a result, in the page's language; the same in
    static/formula.js (Intl.NumberFormat with the options numbers.py mirrors)."""
    loc = locale or language()
    if not math.isfinite(value) or abs(value) >= SHOW_LIMIT:
        return str(NOT_MEANINGFUL)
    if fmt == "currency":
        units = round_half_away(round_half_away(value, 2), 0)
        return numbers.money(units, currency, loc)
    if fmt == "percent":
        return numbers.percent(rounded(value * 100, 1), loc)
    if fmt == "months":
        if value < 0:
            return str(NOT_MEANINGFUL)
        return months_text(numbers.number(rounded(value, 1), loc, 1))
    return numbers.number(rounded(value, 2), loc, 2)


def plain(x: float) -> str:
    """A declared bound as a person reads it: grouped, up to six decimals."""
    return fixed(x, 6, True)


def machine(x: float) -> str:
    """A number in the machine form share links carry (`12000000`, `12.5`): plain(), ungrouped."""
    return plain(x).replace(",", "")


def shown(x: float, locale: str | None = None) -> str:
    """A number as a field shows it on a page in `locale` (`12.000.000` in German)."""
    return numbers.localize(machine(x), locale or language())


def is_percent(v: Any) -> bool:
    """A field whose unit is a percentage (`%`, `% of ARR`): typed input may end in `%`."""
    return str(v.unit or "").startswith("%")


def messages(v: Any, locale: str | None = None) -> dict[str, str]:
    """The inline messages for one field, shared word for word with the browser."""
    unit = f" {v.unit}" if v.unit else ""
    return {
        "empty": gettext("Enter a number."),
        "nan": gettext("Enter a number, like 1200 or 12.5 (digits only, no letters or "
                       "symbols)."),
        "long": gettext("That number is too long to be real: use at most %(n)s digits.",
                        n=MAX_DIGITS),
        "range": gettext("Enter a number from %(low)s to %(high)s%(unit)s.",
                         low=shown(v.min, locale), high=shown(v.max, locale), unit=unit),
    }


def check_value(raw: str, v: Any, locale: str | None = None) -> tuple[float | None, str | None]:
    """Parse what a person typed into a field: the number, or the message to show beside it."""
    return check_text(raw, v, locale)[1:]


def check_text(raw: str, v: Any, locale: str | None = None
               ) -> tuple[str | None, float | None, str | None]:
    """What a person typed on a page in `locale` (numbers.parse's rule; static/formula.js
    checkValue): its machine form, the number, or the message to show beside it."""
    loc = locale or language()
    msg = messages(v, loc)
    if numbers.trim(raw) == "":
        return None, None, msg["empty"]
    text = numbers.parse(raw, loc, is_percent(v))
    if text is None:
        return None, None, msg["nan"]
    if sum(ch.isdigit() for ch in text) > MAX_DIGITS:
        return None, None, msg["long"]
    x = float(text)
    if x < v.min or x > v.max:
        return None, None, msg["range"]
    return text, x + 0.0, None


@dataclass
class Reading:
    """What a request or link said: raw texts, parsed values and a message per bad field."""

    raw: dict[str, str] = field(default_factory=dict)
    values: dict[str, float] = field(default_factory=dict)
    machine: dict[str, str] = field(default_factory=dict)  # what a share link carries
    errors: dict[str, str] = field(default_factory=dict)
    scenario: str = DEFAULT_SCENARIO

    @property
    def ok(self) -> bool:
        return not self.errors


def read(comp: Compiled, params: Mapping[str, str], locale: str | None = None) -> Reading:
    """Read `i.<id>`, `a.<id>` and `s` params as typed on a page in `locale` (the page's
    language); a missing field keeps its default, shown the way that language writes it."""
    r = Reading()
    loc = locale or language()
    c = comp.model
    for prefix, items, attr in (("i.", c.inputs, "default"), ("a.", c.assumptions, "value")):
        for v in items:
            key = prefix + v.id
            default = float(getattr(v, attr))
            if key not in params:
                r.raw[key], r.values[v.id] = shown(default, loc), default
                r.machine[key] = machine(default)
                continue
            r.raw[key] = params[key][:100]
            text, x, err = check_text(r.raw[key], v, loc)
            if err:
                r.errors[key] = err
            else:
                r.values[v.id], r.machine[key] = x, text  # type: ignore[assignment]
    s = params.get("s", DEFAULT_SCENARIO)
    r.scenario = s if c.scenarios and s in SCENARIOS else DEFAULT_SCENARIO
    return r


@dataclass
class Result:
    """Outputs (None where `when` is false), projection rows, and the breakeven month."""

    scenario: str
    outputs: dict[str, float | None]
    rows: list[dict[str, float]]
    breakeven: int | None


def compute(comp: Compiled, values: Mapping[str, float], scenario: str) -> Result:
    """Evaluate every output, then the projection month by month, for one scenario."""
    c = comp.model
    factors = getattr(c.scenarios, scenario).factors if c.scenarios else {}
    env: dict[str, float] = {k: v * factors[k] if k in factors else v
                             for k, v in values.items()}
    outputs: dict[str, float | None] = {}
    for oid in comp.order:
        cond = comp.conditions.get(oid)
        if cond is not None and evaluate(cond, env) == 0:
            outputs[oid] = None
            continue
        env[oid] = evaluate(comp.formulas[oid], env)
        outputs[oid] = env[oid]
    rows: list[dict[str, float]] = []
    breakeven = None
    if c.projection:
        last: dict[str, float] = {}
        for m in range(1, c.projection.months + 1):
            env["month"] = float(m)
            row: dict[str, float] = {}
            for sid in comp.series_order:
                row[sid] = env[sid] = evaluate(comp.series[sid], env,
                                               lambda name, last=last: last.get(name, 0.0))
            rows.append(row)
            last = row
            be = c.projection.breakeven
            if be and breakeven is None and round_half_away(row[be], 2) >= 0:
                breakeven = m
    return Result(scenario, outputs, rows, breakeven)


def payback_band(comp: Compiled, result: Result) -> str:
    """The coarse band a `calculator_used` signal carries: never the prospect's numbers."""
    c = comp.model
    if c.payback:
        v = result.outputs.get(c.payback)
        if v is None or not math.isfinite(v) or v < 0 or abs(v) >= SHOW_LIMIT:
            return "never"
        months = round_half_away(v, 1)
    else:
        if result.breakeven is None:
            assert c.projection and c.projection.breakeven
            series = [row[c.projection.breakeven] for row in result.rows]
            rising = len(series) > 1 and series[-1] > series[-2]
            return "24_plus" if rising else "never"
        months = float(result.breakeven)
    for limit, band in ((3, "0_3"), (6, "3_6"), (12, "6_12"), (24, "12_24")):
        if months <= limit:
            return band
    return "24_plus"


def output_text(comp: Compiled, oid: str, value: float | None) -> str:
    o = comp.output(oid)
    if value is None:
        return o.otherwise or str(NOT_MEANINGFUL)
    return format_value(value, o.format, comp.model.currency)


def breakeven_text(comp: Compiled, result: Result) -> str | None:
    p = comp.model.projection
    if not p or not p.breakeven:
        return None
    if result.breakeven is None:
        return gettext("not within %(n)s months at these numbers.", n=p.months)
    return gettext("month %(m)s of %(n)s.", m=result.breakeven, n=p.months)


def share_fragment(comp: Compiled, r: Reading) -> str:
    """The share link's fragment for valid numbers, built as static/formula.js builds it."""
    c = comp.model
    pairs = [("calc", c.slug)]
    for prefix, items, attr in (("i.", c.inputs, "default"), ("a.", c.assumptions, "value")):
        for v in items:
            key = prefix + v.id
            if prefix == "a." and r.values[v.id] == float(getattr(v, attr)):
                continue
            pairs.append((key, r.machine[key]))
    if c.scenarios:
        pairs.append(("s", r.scenario))
    return urlencode(pairs)


def spec(comp: Compiled) -> dict[str, Any]:
    """The compiled calculator as JSON for static/formula.js: ASTs, ranges, messages."""
    c = comp.model

    def field(v: Any, value: float) -> dict[str, Any]:
        return {"id": v.id, "label": v.label, "unit": v.unit, "min": v.min, "max": v.max,
                "step": v.step, "value": value, "messages": messages(v)}

    out: dict[str, Any] = {
        "slug": c.slug, "title": c.title, "kind": c.kind, "currency": c.currency,
        "payback": c.payback,
        "inputs": [field(v, v.default) for v in c.inputs],
        "assumptions": [field(v, v.value) for v in c.assumptions],
        "outputs": [{"id": o.id, "label": o.label, "format": o.format,
                     "otherwise": o.otherwise, "compare": o.compare,
                     "formula": comp.formulas[o.id], "when": comp.conditions.get(o.id)}
                    for o in c.outputs],
        "order": list(comp.order),
        "scenarios": None,
        "projection": None,
        "locale": language(),
        "messages": {"not_meaningful": str(NOT_MEANINGFUL), "scenario": gettext("Scenario"),
                     "breakeven_none": gettext("not within %(n)s months at these numbers.",
                                               n="{n}"),
                     "breakeven_at": gettext("month %(m)s of %(n)s.", m="{m}", n="{n}"),
                     "month_one": ngettext("%(n)s month", "%(n)s months", 1, n="{n}"),
                     "month_other": ngettext("%(n)s month", "%(n)s months", 2, n="{n}")},
    }
    if c.scenarios:
        out["scenarios"] = {name: {"label": getattr(c.scenarios, name).label
                                   or str(SCENARIO_LABELS[name]),
                                   "factors": dict(getattr(c.scenarios, name).factors)}
                            for name in SCENARIOS}
    if c.projection:
        p = c.projection
        out["projection"] = {
            "months": p.months, "breakeven": p.breakeven, "title": p.title,
            "breakeven_label": p.breakeven_label,
            "series": [{"id": s.id, "label": s.label, "format": s.format, "chart": s.chart,
                        "formula": comp.series[s.id]} for s in p.series],
            "order": list(comp.series_order),
        }
    return out

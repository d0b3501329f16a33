"""Where the calculator vectors' numbers come from: an independent computation.

tests/content/vectors/calculators.json holds the expected outputs that Python
(tests/content/test_calculators.py) and the browser's static/formula.js
(tests/browser/test_calculator.py) must both produce. This file recomputes every one of them
WITHOUT buyerkit: the demo's formulas re-typed from content/calculators/*.yaml, evaluated in
exact decimal arithmetic (Python's `decimal`, rounding ROUND_HALF_UP = half away from zero),
formatted by a few lines written here. Each vector's "derivation" in the JSON is that
computation written out, and is checked to match it, so the hand arithmetic cannot rot.
"""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal, localcontext
from pathlib import Path
from typing import Any

import pytest

VECTORS_PATH = Path(__file__).parent / "vectors/calculators.json"
VECTORS = json.loads(VECTORS_PATH.read_text())
D = Decimal
CENT, TENTH, ONE, FOUR = D("0.01"), D("0.1"), D("1"), D("0.0001")

# Defaults and scenario factors, re-typed from content/calculators/*.yaml.
ROI_DEFAULTS = {"arr": "12000000", "churn_rate": "10", "surprise_share": "40", "csm_count": "6",
                "report_hours": "3", "hourly_cost": "55", "gross_margin": "80",
                "saved_share": "20", "automated_share": "60", "working_weeks": "46",
                "price": "24000", "setup_cost": "6000"}
LIFE_DEFAULTS = {**ROI_DEFAULTS, "ramp_months": "4"}
FACTORS = {
    "renewal-roi": {"conservative": {"saved_share": "0.5", "automated_share": "0.75"},
                    "expected": {},
                    "optimistic": {"saved_share": "1.5", "automated_share": "1.2"}},
    "life-after-harborline": {
        "conservative": {"saved_share": "0.5", "automated_share": "0.75", "ramp_months": "1.5"},
        "expected": {},
        "optimistic": {"saved_share": "1.5", "automated_share": "1.2"}},
}
NEVER = "Never at these numbers: Harborline would cost more than it wins back"


def values(calculator: str, params: dict[str, str], num: type = float) -> dict[str, Any]:
    """Defaults, then the link's `i.`/`a.` values (commas dropped), then scenario factors;
    as doubles (`float`, what the documented rule computes in) or exact `Decimal`s."""
    v = {k: num(x) for k, x in (ROI_DEFAULTS if calculator == "renewal-roi"
                                else LIFE_DEFAULTS).items()}
    for key, raw in params.items():
        if key != "s":
            v[key.split(".", 1)[1]] = num(raw.replace(",", ""))
    for k, f in FACTORS[calculator][params.get("s", "expected")].items():
        v[k] *= num(f)
    return v


def roi(v: dict[str, Any]) -> dict[str, Any]:
    """content/calculators/renewal-roi.yaml's outputs, re-typed."""
    o: dict[str, Any] = {}
    o["churn_cost"] = v["arr"] * v["churn_rate"] / 100 * v["surprise_share"] / 100 \
        * v["gross_margin"] / 100
    o["report_cost"] = v["csm_count"] * v["report_hours"] * v["working_weeks"] * v["hourly_cost"]
    o["status_quo"] = o["churn_cost"] + o["report_cost"]
    o["yearly_gain"] = o["churn_cost"] * v["saved_share"] / 100 \
        + o["report_cost"] * min(v["automated_share"], 100) / 100
    o["first_year_cost"] = v["price"] + v["setup_cost"]
    o["net_first_year"] = o["yearly_gain"] - o["first_year_cost"]
    o["roi"] = o["net_first_year"] / o["first_year_cost"]
    o["monthly_net"] = (o["yearly_gain"] - v["price"]) / 12
    o["payback_months"] = (o["first_year_cost"] / (o["monthly_net"] + v["price"] / 12)
                           if o["monthly_net"] > 0 else None)
    return o


def life(v: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """content/calculators/life-after-harborline.yaml's outputs and 24-month projection."""
    o: dict[str, Any] = {}
    o["churn_month"] = v["arr"] * v["churn_rate"] / 100 * v["surprise_share"] / 100 \
        * v["gross_margin"] / 100 / 12
    o["reports_month"] = v["csm_count"] * v["report_hours"] * v["working_weeks"] \
        * v["hourly_cost"] / 12
    o["before_month"] = o["churn_month"] + o["reports_month"]
    o["full_gain_month"] = o["churn_month"] * v["saved_share"] / 100 \
        + o["reports_month"] * min(v["automated_share"], 100) / 100
    o["after_month"] = o["before_month"] - o["full_gain_month"] + v["price"] / 12
    rows, cumulative = [], 0 * v["arr"]
    for m in range(1, 25):
        ramp = min(1, m / v["ramp_months"])
        before = o["before_month"]
        after = before - ramp * o["full_gain_month"] + v["price"] / 12 \
            + (v["setup_cost"] if m == 1 else 0)
        cumulative = cumulative + before - after
        rows.append({"before": before, "after": after, "cumulative": cumulative})
    return o, rows


def half_away(x: Any, step: Decimal) -> Decimal:
    """Round half away from zero; a double is first converted to its exact decimal value."""
    return D(x).quantize(step, rounding=ROUND_HALF_UP)


def trim(x: Decimal) -> str:
    """Grouped, one decimal at most, a trailing .0 dropped."""
    text = f"{abs(x):,.1f}".removesuffix(".0")
    return ("-" if x < 0 and text != "0" else "") + text


def text(x: Any, fmt: str) -> str:
    if x is None:
        return NEVER
    if fmt == "currency":
        units = half_away(half_away(x, CENT), ONE)
        return ("-" if units < 0 else "") + f"${abs(units):,.0f}"
    if fmt == "percent":
        return trim(half_away(x * 100, TENTH)) + "%"
    shown = trim(half_away(x, TENTH))
    return shown + (" month" if shown == "1" else " months")


def band(months: Any) -> str:
    if months is None:
        return "never"
    for limit, name in ((3, "0_3"), (6, "3_6"), (12, "6_12"), (24, "12_24")):
        if months <= limit:
            return name
    return "24_plus"


FORMATS = {"roi": "percent", "payback_months": "months"}
WRITTEN = {  # the formulas above as a person writes them, for the derivation lines
    "churn_cost": "arr x churn_rate/100 x surprise_share/100 x gross_margin/100",
    "report_cost": "csm_count x report_hours x working_weeks x hourly_cost",
    "status_quo": "churn_cost + report_cost",
    "yearly_gain": "churn_cost x saved_share/100 + report_cost x min(automated_share, 100)/100",
    "first_year_cost": "price + setup_cost",
    "net_first_year": "yearly_gain - first_year_cost",
    "roi": "net_first_year / first_year_cost",
    "monthly_net": "(yearly_gain - price) / 12",
    "payback_months": "first_year_cost / (monthly_net + price/12), when monthly_net > 0",
    "churn_month": "arr x churn_rate/100 x surprise_share/100 x gross_margin/100 / 12",
    "reports_month": "csm_count x report_hours x working_weeks x hourly_cost / 12",
    "before_month": "churn_month + reports_month",
    "full_gain_month": "churn_month x saved_share/100 + reports_month x min(automated_share,"
                       " 100)/100",
    "after_month": "before_month - full_gain_month + price/12",
}


def independent(case: dict, num: type = float) -> dict:
    """The vector's expected block, computed here (in doubles by default, as documented)."""
    with localcontext() as ctx:
        ctx.prec = 50
        v = values(case["calculator"], case["params"], num)
        out: dict = {"outputs": {}}
        if case["calculator"] == "renewal-roi":
            o = roi(v)
            out["band"] = band(None if o["payback_months"] is None
                               else half_away(o["payback_months"], TENTH))
            out["breakeven"] = None
        else:
            o, rows = life(v)
            be = next((m for m, r in enumerate(rows, 1)
                       if half_away(r["cumulative"], CENT) >= 0), None)
            rising = rows[-1]["cumulative"] > rows[-2]["cumulative"]
            out["band"] = band(be) if be else ("24_plus" if rising else "never")
            out["breakeven"] = be
            out["last_month_cents"] = {k: int(half_away(x * 100, ONE))
                                       for k, x in rows[-1].items()}
            out["breakeven_text"] = (f"month {be} of 24." if be else
                                     "not within 24 months at these numbers.")
        for oid, x in o.items():
            fmt = FORMATS.get(oid, "currency")
            out["outputs"][oid] = {"text": text(x, fmt)}
            if fmt == "currency":
                out["outputs"][oid]["cents"] = int(half_away(x * 100, ONE))
        return out


def derivation(case: dict) -> list[str]:
    """The hand computation, one line per figure, as the JSON's "derivation" carries it: the
    exact value (4 decimals) and, after the arrow, the text shown (computed in doubles)."""
    shown = independent(case)["outputs"]
    with localcontext() as ctx:
        ctx.prec = 50
        v = values(case["calculator"], case["params"], D)
        given = ", ".join(f"{k}={v[k].normalize():f}" for k in sorted(v))
        lines = [f"values (defaults, the link's numbers, x scenario factors): {given}"]
        o = roi(v) if case["calculator"] == "renewal-roi" else life(v)[0]
        for oid, x in o.items():
            exact = "never" if x is None else f"{half_away(x, FOUR):f}"
            lines.append(f"{oid} = {WRITTEN[oid]} = {exact} -> {shown[oid]['text']}")
        if case["calculator"] != "renewal-roi":
            rows = life(v)[1]
            lines.append("month m: ramp = min(1, m / ramp_months); after = before_month - ramp x "
                         "full_gain_month + price/12 (+ setup_cost in month 1); cumulative += "
                         "before_month - after; breakeven = first month cumulative >= 0")
            lines.append("cumulative by month: " + ", ".join(
                f"{half_away(r['cumulative'], CENT):f}" for r in rows))
        return lines


def test_doubles_and_exact_decimals_differ_only_where_documented():
    """The rule is "compute in doubles, round half away at display". Exact decimals would
    show the same text everywhere but one place, where the exact value sits on the half:
    ROI with no setup cost is 80,124 / 24,000 = 3.3385 exactly, 333.85% -> 333.9%; in doubles
    3.3385 x 100 = 333.84999999999997 -> 333.8%. docs/testing.md says so too."""
    differ = set()
    for case in VECTORS["results"]:
        doubles, exact = independent(case), independent(case, D)
        differ |= {(case["name"], oid, exact["outputs"][oid]["text"])
                   for oid in doubles["outputs"]
                   if doubles["outputs"][oid]["text"] != exact["outputs"][oid]["text"]}
    assert differ == {("no setup cost: payback 0 months", "roi", "333.9%")}


@pytest.mark.parametrize("case", VECTORS["results"],
                         ids=[f"{c['calculator']}:{c['name']}" for c in VECTORS["results"]])
def test_every_expected_output_is_computed_independently(case):
    mine = independent(case)
    exp = case["expected"]
    for oid, want in exp["outputs"].items():
        assert mine["outputs"][oid] == want, oid
    assert set(mine["outputs"]) == set(exp["outputs"])
    assert (mine["band"], mine["breakeven"]) == (exp["band"], exp["breakeven"])
    if "last_month_cents" in exp:
        assert mine["last_month_cents"] == exp["last_month_cents"]
        assert mine["breakeven_text"] == exp["breakeven_text"]


@pytest.mark.parametrize("case", VECTORS["results"],
                         ids=[f"{c['calculator']}:{c['name']}" for c in VECTORS["results"]])
def test_every_vector_carries_its_derivation(case):
    assert case["derivation"] == derivation(case)


# Formula vectors: the value each evaluates to, worked out by hand (IEEE doubles where the
# vector is about floating point, so Python's own float arithmetic is the hand computation).
FORMULA_BY_HAND = {
    "round half away from zero": 3.0 + (-3.0) * 10,            # round(2.5)=3, round(-2.5)=-3
    "round to digits": 1.0,            # 1.005 is 1.00499999999999989... as a double -> 1.00
    "min and max": max(min(5.0, 4.0), 3.0),                        # min(5,4)=4; max(4,3)=4
    "if and comparisons": 2.0 * 10 + 0.0,                # a>=2 true -> a*10=20; b!=4 false
    "precedence": -1.5 + 3.0 * 2 - (1.5 - 3.0) / 4,          # -1.5 + 6 + 0.375 = 4.875
    "float sums": 0.1 + 0.2,                                  # 0.30000000000000004
}


@pytest.mark.parametrize("case", VECTORS["formulas"], ids=[c["name"] for c in VECTORS["formulas"]])
def test_formula_vectors_by_hand(case):
    assert case["value"] == FORMULA_BY_HAND[case["name"]]
    assert case["derivation"]


def test_the_vector_file_names_the_tests_that_read_it():
    root = Path(__file__).parents[2]
    for reader in VECTORS["read_by"]:
        path, _, test = reader.partition("::")
        assert (root / path).is_file(), reader
        assert f"def {test}(" in (root / path).read_text(), reader
        assert VECTORS_PATH.name in (root / path).read_text() \
            or "calculators.json" in (root / path).read_text(), reader

"""Calculation at its edges, every expected text written out: rounding half away from zero on
display, grouping, the show limit, the range checks on exactly min and max, payback bands on
their boundaries, the share link and what a link may change."""

from __future__ import annotations

import math
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from buyerkit.content.calculation import (
    Result,
    breakeven_text,
    check_value,
    compute,
    fixed,
    format_value,
    group,
    messages,
    output_text,
    payback_band,
    plain,
    read,
    share_fragment,
    spec,
)
from buyerkit.content.calculators import Compiled, load_calculator
from buyerkit.content.catalog import load_catalog
from buyerkit.content.formula import parse
from tests.conftest import DEMO_CONTENT, FIXTURES

CATALOG = load_catalog(DEMO_CONTENT)
ROI = CATALOG.calculators["renewal-roi"]
LIFE = CATALOG.calculators["life-after-harborline"]
NM = "Not meaningful at these numbers"


@pytest.mark.parametrize("digits,grouped", [("", ""), ("1", "1"), ("123", "123"),
                                            ("1234", "1,234"), ("123456", "123,456"),
                                            ("1234567", "1,234,567")])
def test_group(digits, grouped):
    assert group(digits) == grouped


@pytest.mark.parametrize("x,decimals,trim,shown", [
    (1234.5, 0, True, "1,235"), (-1234.5, 0, True, "-1,235"), (-0.4, 0, True, "0"),
    (-0.04, 1, True, "0"), (0.05, 1, False, "0.1"), (1.5, 2, False, "1.50"),
    (1.5, 2, True, "1.5"), (2.0, 2, True, "2"), (2.0, 2, False, "2.00"),
    (0.007, 2, False, "0.01"), (1234567.25, 1, False, "1,234,567.3"), (9.96, 1, True, "10"),
    (-2.5, 0, True, "-3"), (0.0, 0, True, "0")])
def test_fixed_rounds_half_away_and_groups(x, decimals, trim, shown):
    assert fixed(x, decimals, trim) == shown


@pytest.mark.parametrize("value,fmt,shown", [
    (1234.5, "currency", "$1,235"), (-0.5, "currency", "-$1"), (-0.4, "currency", "$0"),
    (0.0, "currency", "$0"), (9_999_999_999_999.0, "currency", "$9,999,999,999,999"),
    (1e13, "currency", NM), (-1e13, "currency", NM), (math.nan, "currency", NM),
    (math.inf, "percent", NM), (-math.inf, "months", NM),
    (0.2471, "percent", "24.7%"), (0.5, "percent", "50%"), (-0.998, "percent", "-99.8%"),
    (0.0, "months", "0 months"), (1.0, "months", "1 month"), (1.04, "months", "1 month"),
    (2.25, "months", "2.3 months"), (0.05, "months", "0.1 months"), (-0.1, "months", NM),
    (3.14159, "number", "3.14"), (2.0, "number", "2"), (1234.5, "number", "1,234.5")])
def test_format_value(value, fmt, shown):
    assert format_value(value, fmt, "$") == shown


def test_plain_bounds_show_up_to_six_decimals():
    assert [plain(x) for x in (0.000001, 1_000_000.0, 12.5, 0.0000004)] == \
        ["0.000001", "1,000,000", "12.5", "0"]


FIELD = SimpleNamespace(min=0.0, max=60.0, unit="%")
BIG = SimpleNamespace(min=-10.0, max=1e15, unit=None)
RANGE = "Enter a number from 0 to 60 %."
NAN = "Enter a number, like 1200 or 12.5 (digits only, no letters or symbols)."


@pytest.mark.parametrize("field,raw,value,error", [
    (FIELD, "60", 60.0, None), (FIELD, "0", 0.0, None), (FIELD, " 12.5 ", 12.5, None),
    (FIELD, "60.0001", None, RANGE), (FIELD, "-0.0001", None, RANGE),
    (FIELD, "", None, "Enter a number."), (FIELD, "1e1", None, NAN), (FIELD, ".5", None, NAN),
    (FIELD, "5.", None, NAN), (FIELD, "1,23", None, NAN),
    (BIG, "1,234", 1234.0, None), (BIG, "-10", -10.0, None),
    (BIG, "123456789012345", 123456789012345.0, None),
    (BIG, "1234567890123456", None,
     "That number is too long to be real: use at most 15 digits."),
    (BIG, "12345678901234.5", 12345678901234.5, None),
    (BIG, "12345678901234.56", None,
     "That number is too long to be real: use at most 15 digits."),
])
def test_check_value_on_the_edges(field, raw, value, error):
    assert check_value(raw, field) == (value, error)


def test_minus_zero_reads_as_zero():
    value, _ = check_value("-0", FIELD)
    assert value == 0.0 and math.copysign(1, value) == 1.0


def test_messages_name_the_unit_only_when_there_is_one():
    assert messages(BIG)["range"] == "Enter a number from -10 to 1,000,000,000,000,000."
    assert messages(FIELD)["range"] == RANGE


def test_read_keeps_defaults_cuts_long_text_and_checks_the_scenario():
    r = read(ROI, {"i.arr": "1" * 150, "s": "optimistic"})
    assert r.raw["i.arr"] == "1" * 100 and not r.ok and list(r.errors) == ["i.arr"]
    assert r.raw["i.churn_rate"] == "10" and r.values["churn_rate"] == 10.0
    assert r.raw["a.price"] == "24,000" and r.values["price"] == 24000.0
    assert r.scenario == "optimistic"
    assert read(ROI, {"s": "bogus"}).scenario == "expected"
    assert read(ROI, {}).ok and read(ROI, {}).errors == {}


@pytest.mark.parametrize("payback,band", [
    (0.0, "0_3"), (3.0, "0_3"), (3.04, "0_3"), (3.05, "3_6"), (6.0, "3_6"), (6.05, "6_12"),
    (12.0, "6_12"), (12.05, "12_24"), (24.0, "12_24"), (24.04, "12_24"), (24.05, "24_plus"),
    (-0.01, "never"), (None, "never"), (math.inf, "never"), (math.nan, "never"),
    (1e13, "never")])
def test_payback_bands_on_their_boundaries(payback, band):
    result = Result("expected", {"payback_months": payback}, [], None)
    assert payback_band(ROI, result) == band


def test_a_simulators_band_comes_from_its_breakeven_month():
    def rows(*cumulative):
        return [{"cumulative": c} for c in cumulative]

    assert payback_band(LIFE, Result("expected", {}, rows(-1, 1), 2)) == "0_3"
    assert payback_band(LIFE, Result("expected", {}, rows(-1, 1), 7)) == "6_12"
    assert payback_band(LIFE, Result("expected", {}, rows(-3, -2), None)) == "24_plus"
    assert payback_band(LIFE, Result("expected", {}, rows(-2, -3), None)) == "never"
    assert payback_band(LIFE, Result("expected", {}, rows(-2, -2), None)) == "never"
    assert payback_band(LIFE, Result("expected", {}, rows(-2), None)) == "never"


def test_texts_for_missing_values_and_breakeven():
    never = "Never at these numbers: Harborline would cost more than it wins back"
    assert output_text(ROI, "payback_months", None) == never
    assert output_text(ROI, "roi", None) == NM
    assert output_text(ROI, "roi", 0.5) == "50%"
    assert breakeven_text(ROI, Result("expected", {}, [], None)) is None
    assert breakeven_text(LIFE, Result("expected", {}, [], None)) == \
        "not within 24 months at these numbers."
    assert breakeven_text(LIFE, Result("expected", {}, [], 3)) == "month 3 of 24."


def test_breakeven_is_the_first_month_the_cumulative_rounds_to_zero_or_more():
    r = read(LIFE, {})
    result = compute(LIFE, r.values, r.scenario)
    cumulative = [row["cumulative"] for row in result.rows]
    first = next(m for m, c in enumerate(cumulative, 1) if round(c, 2) >= 0)
    assert result.breakeven == first == 3
    assert len(result.rows) == 24 and result.rows[0]["ramp"] == 0.25
    assert result.rows[3]["ramp"] == 1.0 and result.rows[10]["ramp"] == 1.0


def test_a_when_condition_that_fails_leaves_the_output_empty_and_others_computed():
    r = read(ROI, {"i.arr": "500000", "i.churn_rate": "2", "a.price": "250000"})
    result = compute(ROI, r.values, "expected")
    assert result.outputs["payback_months"] is None
    assert result.outputs["monthly_net"] < 0 and result.outputs["churn_cost"] == 3200.0


def test_scenario_factors_change_only_their_assumptions():
    r = read(ROI, {})
    expected = compute(ROI, r.values, "expected").outputs
    conservative = compute(ROI, r.values, "conservative").outputs
    assert conservative["churn_cost"] == expected["churn_cost"]
    assert conservative["yearly_gain"] == pytest.approx(384_000 * 0.10 + 45_540 * 0.45)
    assert r.values["saved_share"] == 20.0, "the reading itself is not changed"


def test_the_share_link_carries_inputs_changed_assumptions_and_the_scenario():
    r = read(ROI, {"i.arr": "3,450,000", "a.price": "30000", "a.setup_cost": "6000",
                   "s": "conservative"})
    assert share_fragment(ROI, r) == (
        "calc=renewal-roi&i.arr=3450000&i.churn_rate=10&i.surprise_share=40&i.csm_count=6"
        "&i.report_hours=3&i.hourly_cost=55&a.price=30000&s=conservative")
    r = read(LIFE, {"s": "bogus", "a.ramp_months": " 6 "})
    assert share_fragment(LIFE, r) == (
        "calc=life-after-harborline&i.arr=12000000&i.churn_rate=10&i.surprise_share=40"
        "&i.csm_count=6&i.report_hours=3&a.ramp_months=6&s=expected")


def test_the_spec_the_browser_reads():
    s = spec(ROI)
    assert {"assumptions", "currency", "inputs", "kind", "messages", "order", "outputs",
            "payback", "projection", "scenarios", "slug", "title"} <= set(s)
    assert s["inputs"][0] == {
        "id": "arr", "label": "Annual recurring revenue", "unit": "dollars a year",
        "min": 500000, "max": 1000000000, "step": 100000, "value": 12000000,
        "messages": {"empty": "Enter a number.", "nan": NAN,
                     "long": "That number is too long to be real: use at most 15 digits.",
                     "range": "Enter a number from 500,000 to 1,000,000,000 dollars a year."}}
    assert (s["slug"], s["kind"], s["currency"], s["payback"]) == \
        ("renewal-roi", "calculator", "$", "payback_months")
    assert s["projection"] is None and s["messages"]["not_meaningful"] == NM
    assert s["scenarios"]["conservative"]["factors"] == {"saved_share": 0.5,
                                                         "automated_share": 0.75}
    assert [o["id"] for o in s["outputs"]][-1] == "payback_months"
    assert s["outputs"][-1]["when"] == [">", ["ref", "monthly_net"], ["num", 0.0]]
    life = spec(LIFE)
    assert life["projection"]["months"] == 24 and life["projection"]["breakeven"] == "cumulative"
    assert [x["id"] for x in life["projection"]["series"]] == ["ramp", "before", "after",
                                                              "cumulative"]
    assert life["projection"]["series"][0]["chart"] is False
    assert life["payback"] is None and life["kind"] == "simulator"


def _load(path: Path) -> Compiled:
    problems: list = []
    comp = load_calculator(path, problems)
    assert problems == [] and comp is not None
    return comp


EDGES = _load(FIXTURES / "calculators/edges.yaml")


@pytest.mark.parametrize("start,breakeven", [
    ("-1", 1),       # month 1: exactly 0 counts as turned positive
    ("-1.004", 1),   # -0.004 rounds to -0.00 (to the cent): counts as 0
    ("-1.006", 2),   # -0.006 rounds to -0.01: not yet
    ("-1.4", 2),     # -0.4 is 40 cents short
    ("-3", 3),       # -2, -1, then exactly 0 in the last month
    ("-3.5", None)]) # -2.5, -1.5, -0.5: not within the 3 months
def test_breakeven_is_the_first_month_that_rounds_to_zero_or_more(start, breakeven):
    r = read(EDGES, {"i.start": start})
    result = compute(EDGES, r.values, r.scenario)
    assert result.breakeven == breakeven and result.scenario == "expected"


def test_an_output_whose_when_fails_does_not_stop_the_next():
    r = read(EDGES, {"i.start": "-1"})
    assert compute(EDGES, r.values, "expected").outputs == {"guarded": None,
                                                            "after_guard": -2.0}
    r = read(EDGES, {"i.start": "0.5"})
    assert compute(EDGES, r.values, "expected").outputs == {"guarded": 2.0, "after_guard": 1.0}


def test_money_rounds_to_the_cent_first_then_to_whole_units():
    """0.4951 is 0.50 to the cent, then $1 (half away); rounded once it would be $0."""
    assert format_value(0.4951, "currency", "$") == "$1"
    assert format_value(-0.4951, "currency", "$") == "-$1"


def test_a_negative_share_that_rounds_to_nothing_shows_no_minus():
    assert format_value(-0.0004, "percent", "$") == "0%"
    assert format_value(-0.004, "number", "$") == "0"


def _written(v: dict) -> dict:
    """A field as the spec must carry it, from the YAML alone (messages worded here)."""
    def bound(x: float) -> str:
        return f"{x:,.6f}".rstrip("0").rstrip(".")

    unit = f" {v['unit']}" if v.get("unit") else ""
    return {"id": v["id"], "label": v["label"], "unit": v.get("unit"), "min": v["min"],
            "max": v["max"], "step": v.get("step", 1), "value": v.get("default", v.get("value")),
            "messages": {
                "empty": "Enter a number.", "nan": NAN,
                "long": "That number is too long to be real: use at most 15 digits.",
                "range": f"Enter a number from {bound(v['min'])} to {bound(v['max'])}{unit}."}}


SPEC_FILES = {"renewal-roi": DEMO_CONTENT / "calculators/renewal-roi.yaml",
              "life-after-harborline": DEMO_CONTENT / "calculators/life-after-harborline.yaml",
              "edges": FIXTURES / "calculators/edges.yaml"}
ORDERS = {  # evaluation orders, worked out from which output uses which
    "renewal-roi": (["churn_cost", "report_cost", "status_quo", "yearly_gain",
                     "first_year_cost", "net_first_year", "roi", "monthly_net",
                     "payback_months"], None),
    "life-after-harborline": (["churn_month", "reports_month", "before_month",
                               "full_gain_month", "after_month"],
                              ["ramp", "before", "after", "cumulative"]),
    "edges": (["guarded", "after_guard"], ["cumulative"]),
}
SCENARIO_NAMES = {"conservative": "Conservative", "expected": "Expected",
                  "optimistic": "Optimistic"}


@pytest.mark.parametrize("slug", list(SPEC_FILES))
def test_the_spec_mirrors_the_content_file(slug):
    """What static/formula.js reads, checked field by field against the YAML itself."""
    raw = yaml.safe_load(SPEC_FILES[slug].read_text())
    comp = EDGES if slug == "edges" else CATALOG.calculators[slug]
    s = spec(comp)
    assert (s["slug"], s["title"], s["kind"], s["currency"], s["payback"]) == \
        (slug, raw["title"], raw.get("kind", "calculator"), raw.get("currency", "$"),
         raw.get("payback"))
    assert s["inputs"] == [_written(v) for v in raw["inputs"]]
    assert s["assumptions"] == [_written(v) for v in raw.get("assumptions", [])]
    assert s["outputs"] == [
        {"id": o["id"], "label": o["label"], "format": o["format"],
         "otherwise": o.get("otherwise"), "compare": o.get("compare", False),
         "formula": parse(o["formula"]).ast,
         "when": parse(o["when"]).ast if "when" in o else None} for o in raw["outputs"]]
    assert s["order"] == ORDERS[slug][0]
    if "scenarios" in raw:
        assert s["scenarios"] == {
            name: {"label": (raw["scenarios"].get(name) or {}).get("label")
                   or SCENARIO_NAMES[name],
                   "factors": (raw["scenarios"].get(name) or {}).get("factors", {})}
            for name in SCENARIO_NAMES}
    else:
        assert s["scenarios"] is None
    p = raw.get("projection")
    if p:
        assert s["projection"] == {
            "months": p["months"], "breakeven": p.get("breakeven"),
            "title": p.get("title", "Month by month"),
            "breakeven_label": p.get("breakeven_label",
                                     "Cumulative net gain turns positive in"),
            "series": [{"id": x["id"], "label": x["label"],
                        "format": x.get("format", "currency"), "chart": x.get("chart", True),
                        "formula": parse(x["formula"]).ast} for x in p["series"]],
            "order": ORDERS[slug][1]}
    else:
        assert s["projection"] is None
    assert s["locale"] == "en"
    assert s["messages"] == {"not_meaningful": NM,
                             "breakeven_none": "not within {n} months at these numbers.",
                             "breakeven_at": "month {m} of {n}.",
                             "month_one": "{n} month", "month_other": "{n} months",
                             "scenario": "Scenario"}


def test_the_spec_in_german_uses_the_catalogs_singular_and_plural(app):
    """The German page's spec: each message from de/messages.po, month forms by number."""
    comp = app.extensions["buyerkit.catalog"].calculators["renewal-roi"]
    with app.test_request_context("/de/calculators/renewal-roi/"):
        app.preprocess_request()
        s = spec(comp)
    assert s["locale"] == "de"
    assert s["messages"] == {"not_meaningful": "Bei diesen Zahlen nicht aussagekräftig",
                             "breakeven_none": "bei diesen Zahlen nicht innerhalb von {n} "
                                               "Monaten.",
                             "breakeven_at": "Monat {m} von {n}.", "month_one": "{n} Monat",
                             "month_other": "{n} Monate", "scenario": "Szenario"}

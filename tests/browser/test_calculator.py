"""A prospect uses the calculators in a real browser: live results, chart, share link, no-JS
form, and the browser evaluator agreeing with Python on shared vectors and random inputs."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from playwright.sync_api import expect

from buyerkit.content.calculation import compute, format_value, output_text, read, round_half_away
from buyerkit.content.catalog import load_catalog
from buyerkit.content.formula import parse
from tests.browser.conftest import DEMO_CONTENT, assert_accessible
from tests.browser.keyboard import active, tab_until

VECTORS = json.loads((Path(__file__).parents[1] / "content/vectors/calculators.json").read_text())
CATALOG = load_catalog(DEMO_CONTENT)
ROI, SIM = "renewal-roi", "life-after-harborline"

# Runs in the page: import the module the calculator page uses and evaluate every case.
RUN_CASES = """async (cases) => {
  const f = await import('/static/formula.js');
  const out = [];
  for (const c of cases) {
    const spec = await f.loadSpec(c.calculator);
    const read = f.readParams(spec, new URLSearchParams({calc: c.calculator, ...c.params}));
    if (read.state !== 'ok') { out.push({state: read.state}); continue; }
    const r = f.compute(spec, read.values, read.scenario);
    const outputs = {};
    for (const o of spec.outputs) {
      const v = r.outputs.get(o.id);
      outputs[o.id] = {text: f.outputText(spec, o, v),
                       cents: v === null ? null : f.roundHalfAway(v * 100)};
    }
    const last = r.rows.length ? Object.fromEntries([...r.rows[r.rows.length - 1]]
      .filter(([k]) => k !== 'ramp').map(([k, v]) => [k, f.roundHalfAway(v * 100)])) : null;
    out.push({state: 'ok', outputs, band: f.paybackBand(spec, r), breakeven: r.breakeven,
              last, breakevenText: f.breakevenText(spec, r),
              table: r.rows.map((row) => spec.projection.series.map(
                (s) => f.formatValue(row.get(s.id), s.format, spec.currency)))});
  }
  return out;
}"""


def _module_page(page, live):
    page.goto(f"{live.url}/calculators/")
    return page


def test_vectors_agree_in_the_browser(page, live, own_origin_only):
    _module_page(page, live)
    got = page.evaluate(RUN_CASES, [{"calculator": c["calculator"], "params": c["params"]}
                                    for c in VECTORS["results"]])
    for case, js in zip(VECTORS["results"], got, strict=True):
        exp = case["expected"]
        assert js["state"] == "ok", case["name"]
        for oid, want in exp["outputs"].items():
            assert js["outputs"][oid]["text"] == want["text"], (case["name"], oid)
            if "cents" in want:
                assert js["outputs"][oid]["cents"] == want["cents"], (case["name"], oid)
        assert (js["band"], js["breakeven"]) == (exp["band"], exp["breakeven"]), case["name"]
        if "last_month_cents" in exp:
            assert js["last"] == exp["last_month_cents"]
            assert js["breakevenText"] == exp["breakeven_text"]


def test_error_and_formula_vectors_agree_in_the_browser(page, live):
    _module_page(page, live)
    messages = page.evaluate("""async (cases) => {
      const f = await import('/static/formula.js');
      const spec = await f.loadSpec('renewal-roi');
      const all = [...spec.inputs.map((x) => ['i.' + x.id, x]),
                   ...spec.assumptions.map((x) => ['a.' + x.id, x])];
      const byKey = new Map(all);
      return cases.map((c) => f.checkValue(c.raw, byKey.get(c.field)).error);
    }""", VECTORS["errors"])
    assert messages == [c["message"] for c in VECTORS["errors"]]
    values = page.evaluate("""async (cases) => {
      const f = await import('/static/formula.js');
      return cases.map((c) => f.evaluate(c.ast, new Map(Object.entries(c.env))));
    }""", [{"ast": parse(c["formula"]).ast, "env": c["env"]} for c in VECTORS["formulas"]])
    assert values == [c["value"] for c in VECTORS["formulas"]]


def _field_values(draw, fields, prefix):
    params = {}
    for f in fields:
        if draw(st.booleans()):
            places = draw(st.sampled_from([0, 1, 2]))
            x = draw(st.decimals(min_value=f.min, max_value=f.max, places=places,
                                 allow_nan=False, allow_infinity=False))
            params[prefix + f.id] = str(x)
    return params


@st.composite
def cases(draw):
    slug = draw(st.sampled_from([ROI, SIM]))
    c = CATALOG.calculators[slug].model
    params = {**_field_values(draw, c.inputs, "i."), **_field_values(draw, c.assumptions, "a.")}
    params["s"] = draw(st.sampled_from(["conservative", "expected", "optimistic"]))
    return {"calculator": slug, "params": params}


def _python(case):
    comp = CATALOG.calculators[case["calculator"]]
    reading = read(comp, case["params"])
    assert reading.ok, reading.errors
    r = compute(comp, reading.values, reading.scenario)
    outputs = {o.id: {"text": output_text(comp, o.id, r.outputs[o.id]),
                      "cents": None if r.outputs[o.id] is None
                      else round_half_away(r.outputs[o.id] * 100)} for o in comp.model.outputs}
    table = [[format_value(row[s.id], s.format, comp.model.currency)
              for s in comp.model.projection.series] for row in r.rows] \
        if comp.model.projection else []
    return outputs, table


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batch=st.lists(cases(), min_size=40, max_size=40))
def test_random_inputs_agree_to_the_cent(page, live, batch):
    if not page.url.startswith(live.url):
        _module_page(page, live)
    got = page.evaluate(RUN_CASES, batch)
    for case, js in zip(batch, got, strict=True):
        outputs, table = _python(case)
        assert js["state"] == "ok", case
        assert js["outputs"] == outputs, case
        assert js["table"] == table, case


def _replace(page, name: str, text: str) -> None:
    """Tab to a field, select what is in it and type over it, keyboard only."""
    tab_until(page, lambda e: e[1] == name)
    page.keyboard.press("Control+a")
    page.keyboard.type(text)


RUNNING_TOTAL = "figure[data-chart] .chart-box svg polyline.line-2"  # its own chart since #26


def test_keyboard_prospect_changes_two_inputs_and_sees_results_and_chart_update(page, live,
                                                                                own_origin_only):
    page.goto(f"{live.url}/calculators/{SIM}/")
    expect(page.locator("form[data-ready='true']")).to_have_count(1)
    comp = CATALOG.calculators[SIM]
    before_chart = page.locator(RUNNING_TOTAL).get_attribute("points")
    _replace(page, "i.arr", "30,000,000")
    _replace(page, "i.report_hours", "6")
    assert active(page)[1] == "i.report_hours"
    r = compute(comp, read(comp, {"i.arr": "30,000,000", "i.report_hours": "6"}).values,
                "expected")
    for oid in ("before_month", "after_month", "full_gain_month"):
        expect(page.locator(f"[data-output='{oid}']")).to_have_text(
            output_text(comp, oid, r.outputs[oid]))
    expect(page.locator("#breakeven-text")).to_have_text(f"month {r.breakeven} of 24.")
    assert page.locator(RUNNING_TOTAL).get_attribute("points") != before_chart
    last = page.locator("#projection-body tr").last.locator("td").last
    expect(last).to_have_text(format_value(r.rows[-1]["cumulative"], "currency", "$"))
    # Scenarios change at once too, and a bad value gets its message beside the field.
    tab_until(page, lambda e: e[1] == "s")
    page.keyboard.press("ArrowUp")
    expect(page.locator("#scenario-name")).to_have_text("Conservative")
    _replace(page, "i.csm_count", "abc")
    expect(page.locator("#f-i-csm_count-error")).to_contain_text(
        "Enter a number, like 1200 or 12.5 (digits only, no letters or symbols).")
    expect(page.locator("#results-pending")).to_be_visible()
    assert "NaN" not in page.content() and "Infinity" not in page.content()


def test_one_signal_per_page_view_with_band_and_scenario_only(page, live):
    page.goto(f"{live.url}/calculators/{ROI}/")
    expect(page.locator("form[data-ready='true']")).to_have_count(1)
    def mine() -> list[dict]:
        return [r for r in live.store.rows() if r["subject"] == ROI]

    before = {r["id"] for r in mine()}
    for text in ("2", "3", "4"):
        page.fill("#f-i-csm_count", text)
    page.check("#s-optimistic")
    deadline = time.time() + 5
    while time.time() < deadline and len(mine()) == len(before):
        time.sleep(0.05)
    time.sleep(0.3)
    rows = [r for r in mine() if r["id"] not in before]
    assert len(rows) == 1
    row = rows[0]
    assert (row["kind"], row["subject"]) == ("calculator_used", ROI)
    assert json.loads(row["props"]) == {"payback_band": "3_6", "scenario": "expected"}
    assert "12000000" not in json.dumps(row, default=str)


def test_without_javascript_the_server_computes_the_same_numbers(browser, live):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live.url}/calculators/{ROI}/")
    page.fill("#f-i-arr", "8,500,000")
    page.fill("#f-a-saved_share", "15")
    page.check("#s-conservative")
    page.get_by_role("button", name="Recalculate").click()
    comp = CATALOG.calculators[ROI]
    params = {"i.arr": "8,500,000", "a.saved_share": "15", "s": "conservative"}
    r = compute(comp, read(comp, params).values, "conservative")
    for o in comp.model.outputs:
        expect(page.locator(f"[data-output='{o.id}']")).to_have_text(
            output_text(comp, o.id, r.outputs[o.id]))
    page.fill("#f-i-arr", "lots")
    page.get_by_role("button", name="Recalculate").click()
    expect(page.locator("#f-i-arr-error")).to_contain_text(
        "Enter a number, like 1200 or 12.5 (digits only, no letters or symbols).")
    expect(page.locator(".error-summary")).to_be_visible()
    assert context.cookies() == []
    context.close()


def _all_results(page) -> dict[str, str]:
    return page.evaluate("""() => Object.fromEntries([...document.querySelectorAll(
        '[data-output], [data-compare], #breakeven-text, #projection-body td')]
        .map((e, i) => [(e.dataset.output || e.dataset.compare || e.id || 'td') + i,
                        e.textContent]))""")


def test_share_link_reproduces_the_same_results_in_a_new_context(browser, page, live):
    page.goto(f"{live.url}/calculators/{SIM}/")
    expect(page.locator("form[data-ready='true']")).to_have_count(1)
    page.fill("#f-i-arr", "45,000,000")
    page.fill("#f-a-ramp_months", "7")
    page.check("#s-optimistic")
    page.locator("#share-link").click()
    url = page.url
    assert "#calc=life-after-harborline" in url and "a.ramp_months=7" in url
    assert re.search(r"[#&]g=[0-9a-f-]{36}", url)
    mine = _all_results(page)
    other = browser.new_context()
    colleague = other.new_page()
    requests: list[str] = []
    colleague.on("request", lambda r: requests.append(r.url))
    colleague.goto(url)
    expect(colleague.locator("form[data-ready='true']")).to_have_count(1)
    # the link carries 45000000; the field shows it the way the page's language writes it
    expect(colleague.locator("#f-i-arr")).to_have_value("45,000,000")
    assert _all_results(colleague) == mine
    expect(colleague.locator("#link-notice")).to_be_hidden()
    assert not any("45000000" in u for u in requests)
    other.close()


@pytest.mark.parametrize("fragment", [
    "calc=renewal-roi&i.arr=12abc",
    "calc=renewal-roi&i.arr=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E",
    "calc=renewal-roi&i.nope=3",
    "calc=renewal-roi&i.arr=5&i.arr=6",
    "calc=renewal-roi&s=wildest",
    "calc=other-calculator&i.arr=1000000",
    "calc=renewal-roi&i.churn_rate=99",
], ids=["letters", "markup", "unknown-field", "repeated", "scenario", "other-slug", "range"])
def test_tampered_link_falls_back_to_defaults_with_a_notice(page, live, fragment):
    page.goto(f"{live.url}/calculators/{ROI}/#{fragment}")
    expect(page.locator("#link-notice")).to_be_visible()
    expect(page.locator("#f-i-arr")).to_have_value("12,000,000")
    expect(page.locator("[data-output='payback_months']")).to_have_text("3.5 months")
    assert page.locator("main img").count() == 0  # (the header may carry the brand logo)


def test_axe_finds_no_violations(page, live, own_origin_only):
    for path in ("/calculators/", f"/calculators/{ROI}/", f"/calculators/{SIM}/",
                 f"/calculators/{ROI}/?i.arr=lots"):
        page.goto(live.url + path)
        assert_accessible(page)
    page.goto(f"{live.url}/calculators/{SIM}/#calc={SIM}&i.arr=x")
    expect(page.locator("#link-notice")).to_be_visible()
    page.fill("#f-i-csm_count", "")
    expect(page.locator("#f-i-csm_count-error")).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("path", ["/calculators/", f"/calculators/{ROI}/",
                                  f"/calculators/{SIM}/"], ids=["index", "roi", "simulator"])
def test_fits_a_360px_screen(browser, live, path):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(live.url + path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()


def test_arrow_keys_move_a_field_by_its_step(page, live):
    page.goto(f"{live.url}/calculators/{ROI}/")
    expect(page.locator("form[data-ready='true']")).to_have_count(1)
    page.focus("#f-i-churn_rate")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    expect(page.locator("#f-i-churn_rate")).to_have_value("11")
    page.focus("#f-i-churn_rate")
    for _ in range(130):
        page.keyboard.press("ArrowUp")
    expect(page.locator("#f-i-churn_rate")).to_have_value("60")
    comp = CATALOG.calculators[ROI]
    r = compute(comp, read(comp, {"i.churn_rate": "60"}).values, "expected")
    expect(page.locator("[data-output='churn_cost']")).to_have_text(
        output_text(comp, "churn_cost", r.outputs["churn_cost"]))


RESULTS_FROM_FRAGMENT = """async (hashes) => {
  const f = await import('/static/formula.js');
  const out = [];
  for (const h of hashes) out.push(await f.resultsFromFragment(new URLSearchParams(h)));
  return out;
}"""


def test_results_from_fragment_for_the_guides(page, live):
    page.goto(f"{live.url}/calculators/")
    good = f"calc={SIM}&i.arr=20000000&a.ramp_months=6&s=conservative&g=x&from=cfo"
    got = page.evaluate(RESULTS_FROM_FRAGMENT, [
        good, "", "v=fit", f"calc={SIM}&i.arr=oops", "calc=no-such-calculator",
        "calc=../etc/passwd", f"calc={SIM}&s=best"])
    comp = CATALOG.calculators[SIM]
    r = compute(comp, read(comp, {"i.arr": "20000000", "a.ramp_months": "6"}).values,
                "conservative")
    assert got[0]["slug"] == SIM and got[0]["title"] == comp.model.title
    assert got[0]["rows"] == [
        {"label": "Scenario", "text": "Conservative"},
        *({"label": o.label, "text": output_text(comp, o.id, r.outputs[o.id])}
          for o in comp.model.outputs),
        {"label": "The cumulative net gain turns positive in",
         "text": f"month {r.breakeven} of 24."},
    ]
    assert got[1:] == [None] * 6

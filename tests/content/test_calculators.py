"""Calculator content: located errors word for word, the shared vectors in Python, the no-JS
GET form, and the spec the browser evaluates."""

from __future__ import annotations

import json
import logging
import re
import shutil
from pathlib import Path

import pytest

from buyerkit.content.calculation import compute, output_text, payback_band, read, round_half_away
from buyerkit.content.catalog import load_catalog
from buyerkit.content.formula import evaluate, parse
from tests.conftest import DEMO_CONTENT, FIXTURES

BROKEN = FIXTURES / "calculators"
VECTORS = json.loads((Path(__file__).parent / "vectors/calculators.json").read_text())
P = "content/calculators/"

CASES = {
    "syntax": [
        P + "syntax.yaml:13:28: formula of output 'a': expected ')' but found the end of the "
        "formula",
        P + "syntax.yaml:17:21: formula of output 'b': unexpected character '$'",
        P + "syntax.yaml:21:20: formula of output 'c': expected an operator or the end of the "
        "formula but found '2'",
        P + "syntax.yaml:25:24: formula of output 'd': comparisons cannot be chained; use if() "
        "instead",
        P + "syntax.yaml:29:14: formula of output 'e': round() takes 1 or 2 arguments, got 3",
        P + "syntax.yaml:33:14: formula of output 'f': expected a number, a name or '(' but "
        "found '*'",
    ],
    "names": [
        P + "names.yaml:13:22: formula of output 'total': unknown name 'rate' (not an input, "
        "assumption or output)",
        P + "names.yaml:17:14: formula of output 'root': unknown function 'sqrt' (use min, max, "
        "round or if)",
        P + "names.yaml:21:14: formula of output 'later': prev() works only in projection series",
        P + "names.yaml:31:14: formula of output 'uses_guarded': output 'guarded' has a 'when' "
        "condition, so formulas cannot use it",
    ],
    "cycle": [
        P + "cycle.yaml:13:14: outputs refer to each other in a cycle: a -> b -> c -> a",
        P + "cycle.yaml:25:14: outputs refer to each other in a cycle: d -> d",
    ],
    "ranges": [
        P + "ranges.yaml:25:23: formula of output 'per_person': the divisor can be zero within "
        "the declared ranges (it can be anything from 0 to 100)",
        P + "ranges.yaml:39:14: output 'months_left' is in months but can be negative within "
        "the declared ranges (as low as -88)",
        P + "ranges.yaml:43:22: formula of output 'shares': the divisor can be zero within the "
        "declared ranges (it can be anything from -5 to 95)",
    ],
    "fields": [
        P + "fields.yaml:5:5: default (20) must be between min (1) and max (10)",
        P + "fields.yaml:15:5: min (5) must be less than max (1)",
        P + "fields.yaml:28:5: 'when' and 'otherwise' go together: give both or neither",
        P + "fields.yaml:36:13: 'format' must be 'currency', 'percent', 'months' or 'number' "
        "(got 'money')",
    ],
    "refs": [
        P + "refs.yaml:3:10: payback: unknown output 'nowhere'",
        P + "refs.yaml:10:9: 'month' is a word of the formula language; choose another id",
        P + "refs.yaml:16:9: duplicate id 'hours': an input already has it",
        P + "refs.yaml:29:15: scenario conservative: unknown input or assumption 'speed'",
        P + "refs.yaml:33:14: breakeven: unknown series 'gain'",
        P + "refs.yaml:37:16: projection series refer to each other in a cycle: net -> net "
        "(use prev(net) for last month's value)",
        P + "refs.yaml:40:16: formula of series 'total_so_far': prev() needs a projection "
        "series, and 'hours' is not one",
    ],
}


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(DEMO_CONTENT, tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(DEMO_CONTENT)


def test_minimal_calculator_is_valid(workdir, runner):
    shutil.copy(BROKEN / "minimal.yaml", workdir / P / "minimal.yaml")
    result = runner.invoke(["check"])
    # valid; the demo speaks German too, so check only notes the missing translation
    assert (result.exit_code, result.stderr) == (0, (
        "content/calculators/minimal.yaml:1:1: warning: no 'de' translation (minimal.de.yaml): "
        "the page falls back to 'en' and says so (list 'calculators/minimal.yaml' under "
        "untranslated: de: in site.yaml if that is intended)\n"))
    assert "minimal" in load_catalog(workdir / "content").calculators


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_broken_calculator_is_reported_word_for_word(workdir, runner, case):
    shutil.copy(BROKEN / f"{case}.yaml", workdir / P / f"{case}.yaml")
    result = runner.invoke(["check", "content"])
    n = len(CASES[case])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [*CASES[case], f"Aborted with {n} content errors"]
    assert "Traceback" not in result.stderr


def test_a_guard_in_when_or_if_makes_a_division_safe(workdir, runner):
    """ranges.yaml's `cost / saving` (when saving > 0) and `if(people > 0, ...)` pass."""
    shutil.copy(BROKEN / "ranges.yaml", workdir / P / "ranges.yaml")
    stderr = runner.invoke(["check"]).stderr
    assert "'payback'" not in stderr and "'safe'" not in stderr


@pytest.mark.parametrize("case", VECTORS["results"], ids=[c["name"] for c in VECTORS["results"]])
def test_vectors_in_python(catalog, case):
    comp = catalog.calculators[case["calculator"]]
    reading = read(comp, case["params"])
    assert reading.ok
    result = compute(comp, reading.values, reading.scenario)
    exp = case["expected"]
    for oid, want in exp["outputs"].items():
        value = result.outputs[oid]
        assert output_text(comp, oid, value) == want["text"], oid
        if "cents" in want:
            assert round_half_away(value * 100) == want["cents"], oid
    assert payback_band(comp, result) == exp["band"]
    assert result.breakeven == exp["breakeven"]
    if "last_month_cents" in exp:
        last = {k: round_half_away(v * 100) for k, v in result.rows[-1].items() if k != "ramp"}
        assert last == exp["last_month_cents"]


def test_default_roi_by_hand(catalog):
    """The demo's first figures, worked out independently of the formula engine."""
    comp = catalog.calculators["renewal-roi"]
    r = compute(comp, read(comp, {}).values, "expected")
    churn = 12_000_000 * 0.10 * 0.40 * 0.80
    reports = 6 * 3 * 46 * 55
    gain = churn * 0.20 + reports * 0.60
    assert r.outputs["churn_cost"] == pytest.approx(churn)
    assert r.outputs["report_cost"] == pytest.approx(reports)
    assert r.outputs["payback_months"] == pytest.approx(30_000 / (gain / 12))


@pytest.mark.parametrize("case", VECTORS["errors"], ids=[c["name"] for c in VECTORS["errors"]])
def test_error_vectors_in_python(catalog, case):
    comp = catalog.calculators[case["calculator"]]
    assert read(comp, {case["field"]: case["raw"]}).errors == {case["field"]: case["message"]}


@pytest.mark.parametrize("case", VECTORS["formulas"], ids=[c["name"] for c in VECTORS["formulas"]])
def test_formula_vectors_in_python(case):
    env = {k: float(v) for k, v in case["env"].items()}
    assert evaluate(parse(case["formula"]).ast, env) == case["value"]


def _text(html: str, output: str) -> str:
    m = re.search(rf'data-output="{output}">([^<]*)<', html)
    assert m, output
    return m.group(1).replace("&#39;", "'")


def test_get_form_computes_the_same_numbers_as_the_vectors(client):
    for case in VECTORS["results"]:
        resp = client.get(f"/calculators/{case['calculator']}/", query_string=case["params"])
        assert resp.status_code == 200
        html = resp.get_data(as_text=True)
        for oid, want in case["expected"]["outputs"].items():
            assert _text(html, oid) == want["text"], (case["name"], oid)


def test_get_form_rejects_bad_values_with_the_same_messages(client):
    for case in VECTORS["errors"]:
        resp = client.get("/calculators/renewal-roi/", query_string={case["field"]: case["raw"]})
        assert resp.status_code == 400
        html = resp.get_data(as_text=True)
        fid = "f-" + case["field"].replace(".", "-")
        assert f'id="{fid}-error"><span class="visually-hidden">Error:</span> <span class="msg">' \
               f'{case["message"]}</span>' in html
        assert 'aria-invalid="true"' in html and "NaN" not in html and "Infinity" not in html


def test_values_are_escaped_as_text(client):
    resp = client.get("/calculators/renewal-roi/", query_string={"i.arr": '"><script>x</script>'})
    html = resp.get_data(as_text=True)
    assert "<script>x" not in html and "&lt;script&gt;" in html


def test_share_link_carries_the_numbers_in_the_fragment(client):
    html = client.get("/calculators/renewal-roi/",
                      query_string={"i.arr": "3,000,000", "a.price": "30000", "s": "optimistic"}
                      ).get_data(as_text=True)
    m = re.search(r'id="share-link" href="([^"]*)"', html)
    assert m and m.group(1) == ("/calculators/renewal-roi/#calc=renewal-roi&amp;i.arr=3000000&amp;"
                                "i.churn_rate=10&amp;i.surprise_share=40&amp;i.csm_count=6&amp;"
                                "i.report_hours=3&amp;i.hourly_cost=55&amp;a.price=30000&amp;"
                                "s=optimistic")


def test_spec_json_has_trees_and_messages_and_no_prospect_data(client):
    resp = client.get("/calculators/life-after-harborline.json?i.arr=777777")
    spec = resp.get_json()
    assert resp.status_code == 200 and "777777" not in resp.get_data(as_text=True)
    assert spec["slug"] == "life-after-harborline" and spec["projection"]["months"] == 24
    assert spec["outputs"][0]["formula"][0] == "/"
    assert spec["inputs"][0]["messages"]["range"] == (
        "Enter a number from 500,000 to 1,000,000,000 dollars a year.")
    assert client.get("/calculators/nope.json").status_code == 404


def test_index_lists_both_demo_calculators(client):
    html = client.get("/calculators/").get_data(as_text=True)
    assert "/calculators/renewal-roi/" in html and "/calculators/life-after-harborline/" in html


def test_numbers_in_the_query_string_are_never_logged(client, caplog):
    caplog.set_level(logging.DEBUG)
    client.get("/calculators/renewal-roi/", query_string={"i.arr": "4242424"})
    client.get("/calculators/renewal-roi/", query_string={"i.arr": "x4242424"})
    assert "4242424" not in caplog.text

"""Typed numbers per page language: `1.200,50` on a German page is `1,200.50` on an English
one. The same rule on the server (content/numbers.py) and in the browser (static/formula.js),
shared vectors, agreement with Babel's strict parser, and the no-JS calculator reading German."""

from __future__ import annotations

import json
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest
from babel.numbers import NumberFormatError, parse_decimal
from hypothesis import given, settings
from hypothesis import strategies as st

from buyerkit.content import numbers
from buyerkit.content.calculation import check_value, read, share_fragment
from buyerkit.content.catalog import load_catalog
from tests.conftest import DEMO_CONTENT

ROOT = Path(__file__).resolve().parents[2]
VECTORS = json.loads((ROOT / "tests/content/vectors/number_input.json").read_text())
FORMULA_JS = ROOT / "site/buyerkit/pages/static/formula.js"
ROI = load_catalog(DEMO_CONTENT).calculators["renewal-roi"]
NAN_DE = ("Geben Sie eine Zahl ein, etwa 1.200 oder 12,5 (nur Ziffern, keine Buchstaben oder "
          "Zeichen).")


def test_the_issues_example_is_a_vector():
    got = {(c["locale"], c["text"]): c["machine"] for c in VECTORS["cases"]}
    assert got[("de", "1.200,50")] == got[("en", "1,200.50")] == "1200.50"
    assert got[("de", "1.200")] == "1200" and got[("en", "1.200")] == "1.200"


@pytest.mark.parametrize("case", VECTORS["cases"],
                         ids=lambda c: f"{c['locale']}-{c['text']!r}-{c['percent']}")
def test_number_input_vectors_in_python(case):
    machine = numbers.parse(case["text"], case["locale"], case["percent"])
    assert machine == case["machine"]
    if machine is not None:
        assert numbers.localize(machine, case["locale"]) == case["shown"]


def test_number_input_vectors_in_node(tmp_path: Path):
    """static/formula.js through node's Intl (ICU): the symbols do not come from Babel."""
    node = shutil.which("node")
    assert node, "node is needed for this test (Debian package nodejs)"
    shutil.copy(FORMULA_JS, tmp_path / "formula.mjs")
    (tmp_path / "run.mjs").write_text(
        'import { parseNumber, localize } from "./formula.mjs";\n'
        'import { readFileSync } from "node:fs";\n'
        'const doc = JSON.parse(readFileSync(process.argv[2], "utf8"));\n'
        "console.log(JSON.stringify(doc.cases.map((c) => {\n"
        "  const m = parseNumber(c.text, c.locale, c.percent);\n"
        "  return [m, m === null ? null : localize(m, c.locale)];\n"
        "})));\n")
    out = subprocess.run([node, str(tmp_path / "run.mjs"),
                          str(ROOT / "tests/content/vectors/number_input.json")],
                         capture_output=True, text=True, timeout=60, check=True).stdout
    assert json.loads(out) == [[c["machine"], c["shown"]] for c in VECTORS["cases"]]


def test_the_symbols_are_babels():
    assert numbers.symbols("de") == (",", ".") and numbers.symbols("en") == (".", ",")


@settings(max_examples=400, deadline=None)
@given(text=st.text(alphabet="0123456789.,-", min_size=1, max_size=12),
       locale=st.sampled_from(sorted(numbers.LANGUAGES)))
def test_where_babel_strict_reads_a_number_the_rule_reads_the_same(text, locale):
    """On text without spaces or `%` (the rule's two additions), the rule accepts nothing
    Babel's strict parser refuses, and where both accept they read the same number. Babel
    accepts more (`,5`, `+5`, `1e3`, other scripts' digits): the rule refuses those."""
    ours = numbers.parse(text, locale)
    try:
        theirs = parse_decimal(text, locale=locale, strict=True)
    except NumberFormatError:
        theirs = None
    if ours is not None:
        assert theirs is not None, (text, locale, ours)
        assert Decimal(ours) == theirs


PERCENT = SimpleNamespace(min=0.0, max=100.0, unit="% des ARR")
MONEY = SimpleNamespace(min=0.0, max=1e9, unit="Dollar pro Jahr")


def test_check_value_reads_the_page_language(app):
    with app.test_request_context("/de/calculators/renewal-roi/"):
        app.preprocess_request()
        assert check_value("1.200,50", MONEY) == (1200.5, None)
        assert check_value("1 200", MONEY) == (1200.0, None)
        assert check_value("12,5 %", PERCENT) == (12.5, None)
        assert check_value("12,5 %", MONEY) == (None, NAN_DE)
        assert check_value("1200.5", MONEY) == (None, NAN_DE)
        assert check_value("101", PERCENT) == (
            None, "Geben Sie eine Zahl von 0 bis 100 % des ARR ein.")
        assert check_value("2.000.000.000", MONEY) == (
            None, "Geben Sie eine Zahl von 0 bis 1.000.000.000 Dollar pro Jahr ein.")
    with app.test_request_context("/calculators/renewal-roi/"):
        app.preprocess_request()
        assert check_value("1,200.50", MONEY) == (1200.5, None)
        assert check_value("1.200", MONEY) == (1.2, None)
        assert check_value("12.5%", PERCENT) == (12.5, None)


GERMAN = {"i.arr": "3.450.000,50", "i.churn_rate": "12,5 %", "i.csm_count": "7",
          "a.price": "30.000", "s": "conservative"}
ENGLISH = {"i.arr": "3,450,000.50", "i.churn_rate": "12.5", "i.csm_count": "7",
           "a.price": "30,000", "s": "conservative"}


def test_german_and_english_typing_give_the_same_numbers_and_the_same_link():
    de, en = read(ROI, GERMAN, "de"), read(ROI, ENGLISH, "en")
    assert de.ok and en.ok and de.values == en.values
    assert de.values["arr"] == 3450000.5 and de.values["churn_rate"] == 12.5
    assert share_fragment(ROI, de) == share_fragment(ROI, en) == (
        "calc=renewal-roi&i.arr=3450000.50&i.churn_rate=12.5&i.surprise_share=40"
        "&i.csm_count=7&i.report_hours=3&i.hourly_cost=55&a.price=30000&s=conservative")
    # the fields show what was typed; untouched ones their default as the language writes it
    assert de.raw["i.arr"] == "3.450.000,50" and de.raw["a.setup_cost"] == "6.000"
    assert en.raw["a.setup_cost"] == "6,000"


def test_the_no_js_calculator_reads_german_typing(client):
    german = client.get("/de/calculators/renewal-roi/?" + urlencode(GERMAN))
    english = client.get("/calculators/renewal-roi/?" + urlencode(ENGLISH))
    assert german.status_code == english.status_code == 200
    de_html, en_html = german.get_data(as_text=True), english.get_data(as_text=True)
    fragment = ("#calc=renewal-roi&amp;i.arr=3450000.50&amp;i.churn_rate=12.5"
                "&amp;i.surprise_share=40&amp;i.csm_count=7")
    assert fragment in de_html and fragment in en_html
    # after the recalculation the fields still show the numbers the German way
    assert 'value="3.450.000,50"' in de_html and 'value="12,5 %"' in de_html
    assert 'value="6.000"' in de_html and 'value="6,000"' in en_html
    # the same results, each written the page's way
    assert "7,8 Monate" not in en_html
    bad = client.get("/de/calculators/renewal-roi/?i.arr=1200.5")
    assert bad.status_code == 400
    assert NAN_DE in bad.get_data(as_text=True)

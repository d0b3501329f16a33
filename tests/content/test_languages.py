"""Languages in content: locale-formatted numbers identical in Python and JavaScript, the
interface catalogs complete and compiled, site.yaml's language list validated."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from hypothesis import given, settings

from buyerkit.content.calculation import format_value
from buyerkit.content.catalog import load_catalog
from buyerkit.content.scoring import check_answers, score
from buyerkit.errors import ContentErrors
from tests.conftest import DEMO_CONTENT
from tests.content.test_scoring import DEMO, valid_answers

ROOT = Path(__file__).resolve().parents[2]
VECTORS = json.loads((ROOT / "tests/content/vectors/locales.json").read_text())
FORMULA_JS = ROOT / "site/buyerkit/pages/static/formula.js"
TRANSLATIONS = ROOT / "site/buyerkit/translations"
GERMAN = load_catalog(DEMO_CONTENT).in_language("de")


def test_the_issues_examples_are_vectors():
    """A EUR price reads `1.200 €` in German and `€1,200` in English (issue #21)."""
    cases = {(c["locale"], c["currency"], c["value"]): c["text"] for c in VECTORS["cases"]}
    assert cases[("de", "€", 1200)] == "1.200\u00a0€"
    assert cases[("en", "€", 1200)] == "€1,200"
    assert cases[("de", "$", 2.4708)] == "247,1\u00a0%"


@pytest.mark.parametrize("case", VECTORS["cases"],
                         ids=lambda c: f"{c['locale']}-{c['format']}-{c['value']}")
def test_locale_vectors_in_python(case):
    assert format_value(case["value"], case["format"], case["currency"],
                        case["locale"]) == case["text"]


def test_locale_vectors_in_node(tmp_path: Path):
    """static/formula.js through node's Intl (ICU), an implementation independent of Babel."""
    node = shutil.which("node")
    assert node, "node is needed for this test (Debian package nodejs)"
    shutil.copy(FORMULA_JS, tmp_path / "formula.mjs")
    (tmp_path / "run.mjs").write_text(
        'import { formatValue } from "./formula.mjs";\n'
        'import { readFileSync } from "node:fs";\n'
        'const doc = JSON.parse(readFileSync(process.argv[2], "utf8"));\n'
        "console.log(JSON.stringify(doc.cases.map((c) =>\n"
        "  formatValue(c.value, c.format, c.currency, c.locale))));\n")
    out = subprocess.run([node, str(tmp_path / "run.mjs"),
                          str(ROOT / "tests/content/vectors/locales.json")],
                         capture_output=True, text=True, timeout=60, check=True).stdout
    assert json.loads(out) == [c["text"] for c in VECTORS["cases"]]


def _po(lang: str):
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale=lang)


def test_german_catalog_is_complete_and_keeps_placeholders():
    catalog = _po("de")
    assert not catalog.fuzzy
    for m in catalog:
        if not m.id:
            continue
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        assert all(strings), f"untranslated: {ids[0]!r}"
        for s in strings:
            for name in ("%(n)s", "%(m)s", "%(low)s", "%(high)s", "%(unit)s"):
                assert (name in ids[0]) == (name in s), (ids[0], s)


def test_compiled_catalog_matches_its_source():
    """The shipped .mo is the compiled .po (run tools/i18n.sh compile after editing a .po)."""
    po = _po("de")
    with open(TRANSLATIONS / "de" / "LC_MESSAGES" / "messages.mo", "rb") as f:
        mo = read_mo(f)
    def table(catalog) -> dict:
        return {tuple(m.id) if isinstance(m.id, (list, tuple)) else m.id:
                tuple(m.string) if isinstance(m.string, (list, tuple)) else m.string
                for m in catalog if m.id}

    assert table(po) == table(mo)


def test_every_extracted_string_is_in_the_german_catalog(tmp_path: Path):
    """A string wrapped in gettext but not yet in the catalogs fails here: run tools/i18n.sh."""
    pot = tmp_path / "messages.pot"
    subprocess.run([str(ROOT / ".venv/bin/pybabel"), "extract", "-F", str(ROOT / "babel.cfg"),
                    "-k", "lazy_gettext", "-k", "_l", "--no-location", "-o", str(pot),
                    str(ROOT / "site/buyerkit")], check=True, capture_output=True, timeout=120)
    with open(pot, "rb") as f:
        wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    have = {m.id if isinstance(m.id, str) else m.id[0] for m in _po("de") if m.id}
    assert wanted - have == set()


def _site(content_dir: Path, old: str, new: str) -> None:
    path = content_dir / "site.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_an_unknown_language_in_site_yaml_is_located(content_dir: Path):
    _site(content_dir, "languages: [en, de]", "languages: [en, xx]")
    with pytest.raises(ContentErrors) as e:
        load_catalog(content_dir)
    line = next(i for i, t in enumerate((content_dir / "site.yaml").read_text().splitlines(), 1)
                if t.startswith("languages:"))
    assert e.value.format_message().endswith(
        f"content/site.yaml:{line}:17: 'languages[1]' must be 'en' or 'de' (got 'xx')\n"
        "Aborted with 1 content error")


def test_the_default_language_must_be_listed(content_dir: Path):
    _site(content_dir, "default_language: en", "default_language: de")
    _site(content_dir, "languages: [en, de]", "languages: [en]")
    with pytest.raises(ContentErrors) as e:
        load_catalog(content_dir)
    assert "default_language 'de' must be one of languages" in e.value.format_message()


# Content translations beside their source (docs/languages.md).

DIAG = "diagnostics/renewal-risk-check.de.yaml"


def _errors(content_dir: Path) -> str:
    with pytest.raises(ContentErrors) as e:
        load_catalog(content_dir)
    return e.value.format_message()


def _edit(content_dir: Path, rel: str, old: str, new: str) -> int:
    """Replace text in a content file; the 1-based line where it now stands."""
    path = content_dir / rel
    text = path.read_text()
    assert text.count(old) == 1, old
    text = text.replace(old, new)
    path.write_text(text)
    return text[:text.index(new)].count("\n") + 1


def test_the_demo_translations_load_and_keep_the_scoring(content_dir: Path):
    catalog = load_catalog(content_dir)
    de = catalog.in_language("de")
    en_d, de_d = catalog.diagnostics["renewal-risk-check"], de.diagnostics["renewal-risk-check"]
    assert de_d.title == "Ist das Verlängerungsrisiko das Problem, das Sie jetzt lösen müssen?"
    assert de_d.scoring.thresholds == en_d.scoring.thresholds
    # the same reasons, named in German for the reports read in German
    assert set(de_d.scoring.labels) == set(en_d.scoring.labels) != set()
    assert de_d.scoring.labels["too_small_yet"] == "Noch zu klein (unter 50 Beschäftigte)"
    for q_en, q_de in zip(en_d.questions(), de_d.questions(), strict=True):
        assert q_en.id == q_de.id and q_en.text != q_de.text or q_en.id == q_de.id
        assert [o.model_dump(exclude={"label"}) for o in q_en.options] == \
            [o.model_dump(exclude={"label"}) for o in q_de.options]
    assert de.guides["cfo"].meta.name == "CFO" and "Die kurze Antwort" in de.guides["cfo"].html
    assert 'href="/de/pricing/"' in de.guides["cfo"].html  # site links stay in the language
    assert not de.fallbacks  # the demo is whole in German (tests/content/test_german_demo.py)
    assert de.calculators["renewal-roi"].formulas == catalog.calculators["renewal-roi"].formulas
    assert catalog.in_language("en") is catalog and catalog.in_language("fr") is catalog


@settings(max_examples=200, deadline=None)
@given(raw=valid_answers(DEMO))
def test_the_same_answers_give_the_same_verdict_in_german(raw):
    de = GERMAN.diagnostics["renewal-risk-check"]
    en_answers, en_errors = check_answers(DEMO, raw)
    de_answers, de_errors = check_answers(de, raw)
    assert en_errors == de_errors == []
    en, de_result = score(DEMO, en_answers), score(de, de_answers)
    codes = [r.code for r in en.reasons]
    assert codes == [r.code for r in de_result.reasons]  # the texts differ, nothing else
    assert replace(en, reasons=()) == replace(de_result, reasons=())


def test_a_translation_whose_answer_values_differ_is_refused(content_dir: Path):
    line = _edit(content_dir, DIAG, "          - value: flat_expansion\n",
                 "          - value: flat_growth\n")
    assert f"content/{DIAG}:{line - 2}:11: answer values differ from the source: expected " \
        "surprise_churn, flat_expansion, manual_reporting, thin_pipeline, slow_deals; found " \
        "surprise_churn, flat_growth, manual_reporting, thin_pipeline, slow_deals" in \
        _errors(content_dir)


def test_a_translation_whose_question_ids_differ_is_refused(content_dir: Path):
    _edit(content_dir, DIAG, "      - id: visibility\n", "      - id: sichtbarkeit\n")
    assert "ids differ from the source: expected symptom, visibility; found symptom, " \
        "sichtbarkeit" in _errors(content_dir)


def test_a_translated_scoring_field_is_refused(content_dir: Path):
    line = _edit(content_dir, DIAG, "            label: Nichts davon\n",
                 "            label: Nichts davon\n            points: 5\n") + 1
    assert f"content/{DIAG}:{line}:13: 'points' is never translated (scoring is the same in " \
        "every language): remove it" in _errors(content_dir)


def test_a_translated_formula_is_refused(content_dir: Path):
    rel = "calculators/renewal-roi.de.yaml"
    line = _edit(content_dir, rel, "  - id: churn_cost\n",
                 "  - id: churn_cost\n    formula: arr * 2\n") + 1
    assert f"content/{rel}:{line}:5: 'formula' is never translated (formulas and numbers are " \
        "the same in every language): remove it" in _errors(content_dir)


def test_an_unknown_language_code_in_a_file_name_is_refused(content_dir: Path):
    shutil.copy(content_dir / "guides/cfo.de.md", content_dir / "guides/cfo.xx.md")
    shutil.copy(content_dir / "guides/cfo.de.md", content_dir / "guides/nobody.de.md")
    message = _errors(content_dir)
    assert "content/guides/cfo.xx.md:1:1: unknown language code 'xx' in the file name " \
        "(buyerkit knows en, de)" in message
    assert "content/guides/nobody.de.md:1:1: translates 'nobody.md', which does not exist" \
        in message


def test_a_missing_translation_is_a_located_warning_and_strict_fails(content_dir: Path, runner):
    (content_dir / "guides/cfo.de.md").unlink()
    catalog = load_catalog(content_dir)
    de = catalog.in_language("de")
    assert de.guides["cfo"] is catalog.guides["cfo"] and de.fallbacks == {"guides/cfo.md"}
    assert [str(w) for w in catalog.warnings if "translation" in str(w)] == [
        f"{content_dir / 'guides/cfo.md'}:1:1: warning: no 'de' translation (cfo.de.md): the "
        "page falls back to 'en' and says so (list 'guides/cfo.md' under untranslated: de: in "
        "site.yaml if that is intended)"]
    assert runner.invoke(["check", str(content_dir)]).exit_code == 0
    strict = runner.invoke(["check", "--strict", str(content_dir)])
    assert strict.exit_code == 1
    assert "Aborted with 1 content warning (--strict)" in strict.stderr


def test_untranslated_must_name_a_source_without_translation(content_dir: Path):
    _edit(content_dir, "site.yaml", "default_language: en\n",
          "default_language: en\nuntranslated:\n  de: [guides/cfo.md]\n")
    assert "untranslated.de: 'guides/cfo.md' is not a source file without a translation" in \
        [w.message for w in load_catalog(content_dir).warnings]


def test_formatting_one_kind_never_changes_another():
    """Babel shares one pattern object per locale: formats must not set its decimals in place
    (a money figure once made every later plain number lose its decimals)."""
    before = format_value(1234567.891, "number", "$", "en")
    for kind in ("currency", "percent", "months", "number"):
        format_value(3.5, kind, "€", "de")
        format_value(3.5, kind, "$", "en")
    assert format_value(1234567.891, "number", "$", "en") == before == "1,234,567.89"

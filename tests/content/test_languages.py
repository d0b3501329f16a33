"""Languages in content: locale-formatted numbers identical in Python and JavaScript, the
interface catalogs complete and compiled, site.yaml's language list validated."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from buyerkit.content.calculation import format_value
from buyerkit.content.catalog import load_catalog
from buyerkit.errors import ContentErrors

ROOT = Path(__file__).resolve().parents[2]
VECTORS = json.loads((ROOT / "tests/content/vectors/locales.json").read_text())
FORMULA_JS = ROOT / "site/buyerkit/pages/static/formula.js"
TRANSLATIONS = ROOT / "site/buyerkit/translations"


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

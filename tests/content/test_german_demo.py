"""The demo vendor speaks German throughout (issue #21, part 5): every guide and calculator has
its translation, and a German page says what the English one says, with the same numbers."""

from __future__ import annotations

import re
from html import unescape

import pytest

from buyerkit.content.catalog import load_catalog
from buyerkit.content.translations import sources, translation_path
from tests.conftest import DEMO_CONTENT

NEW_GUIDES = ["champion", "executive", "it", "legal", "procurement"]
# A number as each language writes it: 1,500.5 in English, 1.500,5 in German.
NUMBER = {"en": re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"),
          "de": re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?")}
H2 = re.compile(r"<h2[^>]*>(.*?)</h2>", re.S)


def _read(text: str, lang: str) -> list[tuple[float, bool]]:
    """Every number in `text` read the way `lang` writes numbers, and whether it is a %."""
    group, decimal = (",", ".") if lang == "en" else (".", ",")
    plain = unescape(re.sub(r"<[^>]+>", " ", text))
    return [(float(m.group(1).replace(group, "").replace(decimal, ".")), bool(m.group(2)))
            for m in re.finditer(rf"({NUMBER[lang].pattern})(\s?%)?", plain)]


def numbers(text: str, lang: str) -> list[float]:
    """Every number in `text`, read the way `lang` writes numbers."""
    return [n for n, _ in _read(text, lang)]


def facts(text: str, lang: str) -> set[float]:
    """The numbers a reader relies on: prices, days, percentages, counts from 5 up. Smaller
    whole numbers are often words in one language and digits in the other ("two weeks")."""
    return {n for n, percent in _read(text, lang) if n >= 5 or n != int(n) or percent}


def prose(html: str) -> str:
    """The guide's own Markdown body as the page renders it."""
    m = re.search(r'<div class="prose">(.*?)<section aria-labelledby="before-h">', html, re.S)
    assert m, "no guide body on the page"
    return m.group(1)


def test_every_guide_calculator_and_diagnostic_has_a_german_translation():
    missing = [str(p.relative_to(DEMO_CONTENT))
               for folder, pattern in (("guides", "*.md"), ("calculators", "*.yaml"),
                                       ("diagnostics", "*.yaml"))
               for p in sources(DEMO_CONTENT / folder, pattern)
               if not translation_path(p, "de").is_file()]
    assert missing == []
    catalog = load_catalog(DEMO_CONTENT)
    de = catalog.in_language("de")
    fell = sorted(f for f in de.fallbacks if f.startswith(("guides/", "calculators/",
                                                           "diagnostics/")))
    assert fell == []
    assert not [rel for rel in catalog.site.untranslated.get("de", ())
                if rel.startswith(("guides/", "calculators/", "diagnostics/"))]
    for role in catalog.guides:
        assert de.guides[role].html != catalog.guides[role].html, role
    for slug in catalog.calculators:
        assert de.calculators[slug].model.title != catalog.calculators[slug].model.title, slug


@pytest.mark.parametrize("role", NEW_GUIDES)
def test_a_german_guide_page_has_german_headings_and_the_english_numbers(client, role):
    german = client.get(f"/de/guides/{role}/")
    english = client.get(f"/guides/{role}/")
    assert german.status_code == english.status_code == 200
    de_html, en_html = german.get_data(as_text=True), english.get_data(as_text=True)
    assert '<html lang="de">' in de_html and "noch nicht übersetzt" not in de_html
    source = (DEMO_CONTENT / "guides" / f"{role}.de.md").read_text()
    expected = re.findall(r"^## (.+)$", source, re.M)
    de_heads = [unescape(h) for h in H2.findall(prose(de_html))]
    en_heads = [unescape(h) for h in H2.findall(prose(en_html))]
    assert de_heads == expected and len(de_heads) == len(en_heads)
    assert not set(de_heads) & set(en_heads)
    assert facts(prose(de_html), "de") == facts(prose(en_html), "en")
    title = re.search(r"^title: \"?(.+?)\"?$", source, re.M).group(1)
    assert f"<h1>{title}</h1>" in de_html.replace("&#34;", '"')


def test_the_german_simulator_shows_the_english_results_in_german_words(client):
    url = "calculators/life-after-harborline/"
    de_html = client.get("/de/" + url).get_data(as_text=True)
    en_html = client.get("/" + url).get_data(as_text=True)
    assert "<h1>Ihre nächsten 24 Monate mit Harborline, Monat für Monat</h1>" in de_html
    assert "Kumulierter Nettogewinn mit Harborline" in de_html
    assert "Cumulative net gain" not in de_html and "Monat für Monat" not in en_html
    assert "noch nicht übersetzt" not in de_html
    de_tables = re.findall(r"<table.*?</table>", de_html, re.S)
    en_tables = re.findall(r"<table.*?</table>", en_html, re.S)
    assert len(de_tables) == len(en_tables) >= 2  # the scenarios and the 24 months
    for de_t, en_t in zip(de_tables, en_tables, strict=True):
        assert numbers(de_t, "de") == numbers(en_t, "en")
    assert ">35.795\u00a0$<" in de_html and ">$35,795<" in en_html  # the status quo per month
    assert "Monat 3 von 24." in de_html and "month 3 of 24." in en_html


def test_numbers_are_read_the_way_each_language_writes_them():
    assert numbers("$50,400 and 12.4% and 1,500", "en") == [50400, 12.4, 1500]
    assert numbers("50.400 $ und 12,4 % und 1.500", "de") == [50400, 12.4, 1500]
    assert facts("2 weeks, 99.9%, 3% and 48 hours", "en") == {99.9, 3, 48}
    assert facts("2 Wochen, 99,9 %, 3\u00a0% und 48 Stunden", "de") == {99.9, 3, 48}

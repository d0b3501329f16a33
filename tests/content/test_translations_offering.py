"""Pricing, the comparison and customer stories in several languages: a translation holds the
source's texts only, keeps its ids, facts and figures (a price may be written the language's
way, never changed), and a missing one is a located warning (docs/languages.md)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from buyerkit.content.calculation import format_value
from buyerkit.content.catalog import load_catalog
from buyerkit.content.figures import figure_problem, figures
from buyerkit.errors import ContentErrors
from tests.conftest import DEMO_CONTENT

PRICING = "pricing.de.yaml"
COMPARISON = "comparison.de.yaml"
STORY = "references/tidewater-payroll.de.md"
WHY = "(numbers and prices are the same in every language, written the language's way)"
FACT = "(a story's facts are the same in every language)"


def _errors(content_dir: Path) -> list[str]:
    with pytest.raises(ContentErrors) as e:
        load_catalog(content_dir)
    return e.value.format_message().replace(f"{content_dir}/", "content/").splitlines()


def _edit(content_dir: Path, rel: str, old: str, new: str) -> int:
    """Replace text in a content file; the 1-based line where the new text starts."""
    path = content_dir / rel
    text = path.read_text()
    assert text.count(old) == 1, old
    text = text.replace(old, new)
    path.write_text(text)
    return text[:text.index(new)].count("\n") + 1


def test_the_demo_translations_keep_plans_alternatives_and_facts():
    catalog = load_catalog(DEMO_CONTENT)
    de = catalog.in_language("de")
    en_p, de_p = catalog.pricing, de.pricing
    assert de_p.title == "Preise – und was der Einstieg von Ihnen verlangt"
    assert [(t.id, t.highlight) for t in de_p.tiers] == [(t.id, t.highlight) for t in en_p.tiers]
    assert [t.price for t in de_p.tiers] == ["2.000\u00a0$ im Monat", "4.200\u00a0$ im Monat",
                                             "ab 8.000\u00a0$ im Monat"]
    en_c, de_c = catalog.comparison, de.comparison
    assert [(a.id, a.kind, a.url) for a in de_c.alternatives] == \
        [(a.id, a.kind, a.url) for a in en_c.alternatives]
    assert de_c.alternatives[0].name.startswith("Nichts ändern")
    assert list(de.references) == list(catalog.references)  # same stories, same order
    assert "tidewater-payroll.de" not in catalog.references  # a translation is no story
    for slug, en in catalog.references.items():
        ger = de.references[slug]
        assert ger.translated_from == "en" and ger.meta.title != en.meta.title
        keep = {"size", "bucket", "trigger", "consent", "order", "diagnostic", "anonymised"}
        assert ger.meta.model_dump(include=keep) == en.meta.model_dump(include=keep)
        assert [f.date for f in ger.meta.numbers] == [f.date for f in en.meta.numbers]
        assert ger.quote_original == en.meta.quote  # the customer's own words, kept
    assert [f.after for f in de.references["tidewater-payroll"].meta.numbers] == \
        ["8,1\u00a0%", "71\u00a0%"]
    assert catalog.warnings == ()


def test_a_story_translation_may_name_captions_in_its_language():
    catalog = load_catalog(DEMO_CONTENT)
    en, de = catalog.references["tidewater-payroll"], \
        catalog.in_language("de").references["tidewater-payroll"]
    assert de.captions_lang == "de" and en.captions_lang == ""
    assert de.meta.video.language == en.meta.video.language == "en"  # the clip speaks English
    assert [c.start for c in de.cues] == [c.start for c in en.cues]
    assert de.cues[5].text.endswith("von 12,4\u00a0% auf 8,1\u00a0%.")
    assert "media/tidewater-payroll.de.vtt" in de.media
    assert "media/tidewater-payroll.de.vtt" in catalog.story_media()


@pytest.mark.parametrize(("text", "lang", "found"), [
    ("$2,000 a month, 99.9%", "en", [("", "$", Decimal(2000)), ("", "%", Decimal("99.9"))]),
    ("2.000 $ im Monat, 99,9 %", "de", [("", "$", Decimal(2000)), ("", "%", Decimal("99.9"))]),
    ("2.000 USD", "de", [("", "$", Decimal(2000))]),
    ("±18%, from 2026-08 on", "en", [("±", "%", Decimal(18)), ("", "", Decimal(2026)),
                                     ("", "", Decimal(8))]),
])
def test_figures_are_read_the_way_their_language_writes_them(text, lang, found):
    assert [f for f, _ in figures(text, lang)] == found


@settings(max_examples=300, deadline=None)
@given(value=st.decimals(min_value=-10**9, max_value=10**9, places=2, allow_nan=False),
       kind=st.sampled_from(["currency", "percent", "number"]),
       currency=st.sampled_from(["$", "€", "£"]))
def test_a_figure_written_by_babel_in_either_language_is_the_same_figure(value, kind,
                                                                        currency):
    """What the calculators print (Babel, docs/languages.md#numbers) reads back as one figure
    in English and German, and as another figure once the value changes."""
    en, de = (format_value(float(value), kind, currency, lang) for lang in ("en", "de"))
    assert figure_problem(f"costs {en} a year", "en", f"kostet {de} im Jahr", "de") is None
    other = format_value(float(value) + 1000, kind, currency, "de")
    assert figure_problem(f"costs {en} a year", "en", f"kostet {other} im Jahr", "de")


def test_a_figure_may_move_in_the_sentence_but_not_change():
    assert figure_problem("$24,000 a year, or $2,300 a month", "en",
                          "2.300 $ im Monat oder 24.000 $ im Jahr", "de") is None
    assert figure_problem("three accounts", "en", "vier Kunden", "de") is None  # words: prose
    assert figure_problem("-5%", "en", "5 %", "de") == \
        f"figures differ from the source: expected '-5%'; found '5 %' {WHY}"


def test_a_translated_price_is_a_located_error(content_dir: Path):
    line = _edit(content_dir, PRICING, "price: 2.000\u00a0$ im Monat", "price: 1.800 $ im Monat")
    assert f"content/{PRICING}:{line}:12: tiers[1].price: figures differ from the source: " \
        f"expected '$2,000'; found '1.800 $' {WHY}" in _errors(content_dir)


def test_a_price_in_another_currency_is_a_located_error(content_dir: Path):
    line = _edit(content_dir, PRICING, "price: 4.200\u00a0$ im Monat", "price: 4.200 € im Monat")
    assert f"content/{PRICING}:{line}:12: tiers[2].price: figures differ from the source: " \
        f"expected '$4,200'; found '4.200 €' {WHY}" in _errors(content_dir)


def test_a_changed_limit_in_a_list_is_a_located_error(content_dir: Path):
    line = _edit(content_dir, PRICING, "  - Eine Laufzeit von 12 Monaten",
                 "  - Eine Laufzeit von 24 Monaten")
    assert f"content/{PRICING}:{line}:3: terms: figures differ from the source: expected " \
        "'12', '30', '5%', '90', '8%', '30'; found '24', '30', '5\u00a0%', '90', '8\u00a0%', " \
        f"'30' {WHY}" in _errors(content_dir)


def test_a_translated_plan_id_is_a_located_error(content_dir: Path):
    _edit(content_dir, PRICING, "  - id: growth\n", "  - id: wachstum\n")
    line = _edit(content_dir, PRICING, "  - id: starter\n", "  - id: starter\n")
    assert f"content/{PRICING}:{line}:3: ids differ from the source: expected starter, " \
        "growth, scale; found starter, wachstum, scale" in _errors(content_dir)


def test_a_plan_switch_in_a_translation_is_refused(content_dir: Path):
    line = _edit(content_dir, PRICING, "    name: Scale\n",
                 "    name: Scale\n    highlight: true\n") + 1
    assert _errors(content_dir) == [
        f"content/{PRICING}:{line}:5: 'highlight' is never translated (plans and prices are "
        "the same in every language): remove it", "Aborted with 1 content error"]


def test_a_comparison_translation_keeps_kinds_and_figures(content_dir: Path):
    kind = _edit(content_dir, COMPARISON, "    name: Selbst bauen\n",
                 "    name: Selbst bauen\n    kind: competitor\n") + 1
    count = _edit(content_dir, COMPARISON, "100 bis 1.500 Abonnementkunden",
                  "100 bis 2.500 Abonnementkunden")
    assert _errors(content_dir) == [
        f"content/{COMPARISON}:{count}:5: ours.better_when: figures differ from the source: "
        f"expected '100', '1,500'; found '100', '2.500' {WHY}",
        f"content/{COMPARISON}:{kind}:5: 'kind' is never translated (the alternatives are the "
        "same in every language): remove it",
        "Aborted with 2 content errors"]


def test_a_story_translation_with_another_size_or_number_is_refused(content_dir: Path):
    size = _edit(content_dir, STORY, 'size: "200_999"', 'size: "50_199"')
    after = _edit(content_dir, STORY, 'after: "8,1\u00a0%"', 'after: "7,1 %"')
    summary = _edit(content_dir, STORY, "mit 340 Beschäftigten", "mit 430 Beschäftigten")
    assert _errors(content_dir) == [
        f"content/{STORY}:{size}:7: size differs from the source: expected '200_999'; found "
        f"'50_199' {FACT}",
        f"content/{STORY}:{summary - 1}:10: summary: figures differ from the source: expected "
        f"'340'; found '430' {WHY}",
        f"content/{STORY}:{after}:12: numbers[1].after: figures differ from the source: "
        f"expected '8.1%'; found '7,1 %' {WHY}",
        "Aborted with 3 content errors"]


def test_a_story_translation_keeps_consent_name_dates_and_media(content_dir: Path):
    covers = _edit(content_dir, STORY, "covers: [name, quote, numbers, video]",
                   "covers: [name, quote, numbers]")
    name = _edit(content_dir, STORY, "customer: Tidewater Payroll",
                 "customer: Tidewater Lohnabrechnung")
    date = _edit(content_dir, STORY, "    date: 2026-08\n  - label: Verl",
                 "    date: 2026-07\n  - label: Verl")
    _edit(content_dir, STORY, "  poster: media/tidewater-payroll-poster.png\n", "")
    video = _edit(content_dir, STORY, "video:\n", "video:\n")
    errors = _errors(content_dir)
    assert errors == [
        f"content/{STORY}:{name}:11: customer differs from the source: expected 'Tidewater "
        f"Payroll'; found 'Tidewater Lohnabrechnung' {FACT}",
        f"content/{STORY}:{covers}:11: consent.covers differs from the source: expected name, "
        f"quote, numbers, video; found name, quote, numbers {FACT}",
        f"content/{STORY}:{date}:11: numbers[1].date differs from the source: expected "
        f"'2026-08'; found '2026-07' {FACT}",
        f"content/{STORY}:{video + 1}:3: video.poster differs from the source: expected "
        f"'media/tidewater-payroll-poster.png'; found none {FACT}",
        "Aborted with 4 content errors"]


def test_a_story_translation_tells_the_same_story(content_dir: Path):
    """Every reason and number translated, in order; a video or office hours kept."""
    _edit(content_dir, STORY, "  - Harborline nutzte die vorhandenen Daten aus Salesforce und "
          "Stripe; nichts musste neu erfasst werden\n", "")
    text = (content_dir / STORY).read_text()
    start = text.index("office_hours:")
    (content_dir / STORY).write_text(text[:start] + text[text.index("order: 10"):])
    why = 1 + text.count("\n", 0, text.index("why_they_bought:"))
    top = 1 + text.count("\n", 0, text.index("title:"))  # where the front matter's fields start
    assert _errors(content_dir) == [
        f"content/{STORY}:{top}:1: office_hours: the source has one; a translation tells the same "
        "story",
        f"content/{STORY}:{why + 1}:3: why_they_bought: 2 items here, 3 in the source: "
        "translate each one, in order",
        "Aborted with 2 content errors"]


def test_german_captions_must_be_webvtt(content_dir: Path):
    (content_dir / "references/media/tidewater-payroll.de.vtt").write_text("Untertitel\n")
    line = _edit(content_dir, STORY, "captions: media/tidewater-payroll.de.vtt",
                 "captions: media/tidewater-payroll.de.vtt")
    assert f"content/{STORY}:{line}:13: captions: 'media/tidewater-payroll.de.vtt' is not " \
        "WebVTT: its first line must be WEBVTT" in _errors(content_dir)


def test_a_story_translation_without_captions_keeps_the_clips_own(content_dir: Path):
    _edit(content_dir, STORY, "captions: media/tidewater-payroll.de.vtt",
          "captions: media/tidewater-payroll.en.vtt")
    catalog = load_catalog(content_dir)
    de = catalog.in_language("de").references["tidewater-payroll"]
    assert de.captions_lang == "" and de.cues == catalog.references["tidewater-payroll"].cues
    assert "media/tidewater-payroll.de.vtt" not in catalog.story_media()


@pytest.mark.parametrize("rel", ["pricing.yaml", "comparison.yaml",
                                 "references/lanternfish-learning.md"])
def test_a_missing_translation_warns_at_the_source_and_strict_fails(content_dir: Path, runner,
                                                                     rel):
    source = content_dir / rel
    source.with_name(source.stem + ".de" + source.suffix).unlink()
    catalog = load_catalog(content_dir)
    tr = source.stem + ".de" + source.suffix
    assert [str(w) for w in catalog.warnings] == [
        f"{source}:1:1: warning: no 'de' translation ({tr}): the page falls back to 'en' and "
        f"says so (list '{rel}' under untranslated: de: in site.yaml if that is intended)"]
    assert rel in catalog.in_language("de").fallbacks
    assert runner.invoke(["check", str(content_dir)]).exit_code == 0
    strict = runner.invoke(["check", "--strict", str(content_dir)])
    assert strict.exit_code == 1
    assert "Aborted with 1 content warning (--strict)" in strict.stderr


def test_untranslated_silences_the_warning_and_the_page_falls_back(content_dir: Path):
    (content_dir / STORY).unlink()
    site = content_dir / "site.yaml"
    text = site.read_text()
    assert "\nuntranslated:" not in text
    site.write_text(text.replace("\ndefault_language: en\n", "\ndefault_language: en\n"
                                 "untranslated:\n  de: [references/tidewater-payroll.md]\n", 1))
    catalog = load_catalog(content_dir)
    de = catalog.in_language("de")
    assert catalog.warnings == ()
    assert de.references["tidewater-payroll"] is catalog.references["tidewater-payroll"]
    assert "references/tidewater-payroll.md" in de.fallbacks


@pytest.mark.parametrize(("args", "message"), [
    (["explain", "nope"], "Error: no diagnostic 'nope'; the diagnostics are: renewal-risk-check, "
                          "reporting-time-check"),
    (["explain", "renewal-risk-check.de"], "Error: no diagnostic 'renewal-risk-check.de'; the "
     "diagnostics are: renewal-risk-check, reporting-time-check"),
    (["embed", "pricing.de"], "Error: no diagnostic, calculator or guide 'pricing.de'; there are: "
     "cfo, champion, executive, it, legal, life-after-harborline, procurement, "
     "renewal-risk-check, renewal-roi, reporting-time-check, security"),
])
def test_cli_messages_never_offer_a_translation_as_a_slug(content_dir: Path, runner, args,
                                                          message):
    """Translations (x.de.yaml, x.de.md) sit beside their sources: never a slug of their own."""
    if args[0] == "explain":  # explain reads no other file: even a broken one is no slug
        (content_dir / "diagnostics/renewal-risk-check.xx.yaml").write_text("title: x\n")
    result = runner.invoke([*args, "--content", str(content_dir)])
    assert result.exit_code == 1
    assert result.stderr.strip() == message


def test_story_translation_file_names_are_checked(content_dir: Path):
    refs = content_dir / "references"
    (refs / "tidewater-payroll.xx.md").write_text((refs / "tidewater-payroll.de.md").read_text())
    (refs / "nobody.de.md").write_text((refs / "tidewater-payroll.de.md").read_text())
    (content_dir / "pricing.yaml").rename(content_dir / "prices.yaml")
    errors = _errors(content_dir)
    assert "content/pricing.de.yaml:1:1: translates 'pricing.yaml', which does not exist" \
        in errors
    assert "content/references/nobody.de.md:1:1: translates 'nobody.md', which does not exist" \
        in errors
    assert "content/references/tidewater-payroll.xx.md:1:1: unknown language code 'xx' in the " \
        "file name (buyerkit knows en, de)" in errors

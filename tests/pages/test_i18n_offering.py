"""Pricing, the comparison and customer stories under /de/: the German texts with the same
plans, prices and facts, a translated quote marked as ours, the clip's language said, the
default language (and a note) where a translation is missing, and the freeze writes it all."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest

from buyerkit.freeze.build import freeze_site
from tests.conftest import make_app

STORY = "/de/customers/tidewater-payroll/"
FALLBACK = "Diese Seite ist noch nicht übersetzt"


def text(html: str) -> str:
    """The page's words, tags and spacing flattened (no-break spaces kept)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"[ \t\n]+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def page(client, url: str) -> str:
    r = client.get(url)
    assert r.status_code == 200, url
    return r.get_data(as_text=True)


def test_german_pricing_has_the_same_plans_and_prices(client):
    de, en = page(client, "/de/pricing/"), page(client, "/pricing/")
    assert '<html lang="de"' in de and FALLBACK not in de
    words = text(de)
    assert "Preise – und was der Einstieg von Ihnen verlangt" in words
    for price in ("2.000\u00a0$ im Monat", "4.200\u00a0$ im Monat", "ab 8.000\u00a0$ im Monat",
                  "24.000\u00a0$ im Jahr", "99,9\u00a0%"):
        assert price in words, price
    assert "$2,000 a month" in text(en) and "2.000\u00a0$" not in en
    # the plans themselves are the source's: the same ids, in order, the same one highlighted
    ids = re.compile(r'id="(tier-[\w-]+)"')
    assert ids.findall(de) == ids.findall(en) != []
    assert de.count("card-highlight") == en.count("card-highlight") == 1


def test_german_comparison_names_the_same_alternatives(client):
    de, en = page(client, "/de/compare/"), page(client, "/compare/")
    words = text(de)
    assert "Harborline im Vergleich mit den Alternativen" in words and FALLBACK not in de
    assert "Nichts ändern (die Tabelle und die wöchentliche Runde behalten)" in words
    assert "100 bis 1.500 Abonnementkunden" in words
    ids = re.compile(r'id="(alt-[\w-]+)"')
    assert ids.findall(de) == ids.findall(en)


def test_a_german_story_keeps_its_figures_and_marks_the_translated_quote(client):
    html = page(client, STORY)
    words = text(html)
    assert "Wie Tidewater Payroll gefährdete Verlängerungen ein Quartal früher erkannte" in words
    assert "12,4\u00a0%" in words and "8,1\u00a0%" in words and "7 Wochen" in words
    assert FALLBACK not in html
    # ours, marked as ours, with the customer's own words in their language beside it
    assert "Wir brauchten nicht mehr Daten." in words
    assert "(unsere Übersetzung)" in words
    assert re.search(r'<q lang="en">We did not need more data\.', html)
    # German captions for an English clip: the track says so, and so does the page
    assert 'srclang="de"' in html
    assert "media/tidewater-payroll.de.vtt" in html
    assert "Gesprochen wird Englisch; Untertitel und Transkript sind übersetzt." in words
    assert "Ein Demo-Clip aus der Geschichte von Tidewater Payroll." in words  # transcript
    with client.get("/customers/files/media/tidewater-payroll.de.vtt") as captions:
        assert captions.status_code == 200 and captions.data.startswith(b"WEBVTT")
    # the consent record stays as it was given, marked as English
    assert '<span lang="en">Priya Anand, VP Customer Success, Tidewater Payroll (written ' \
        'release)</span>' in html


def test_the_german_customers_page_lists_the_german_stories(client):
    words = text(page(client, "/de/customers/"))
    assert "Lanternfish Learning hätte fast zu früh gekauft" in words
    assert "Ein Logistiksoftware-Unternehmen in Großbritannien mit 120 Beschäftigten" in words


@pytest.fixture
def edited(tmp_path: Path, content_dir: Path):
    """An app on a copy of the demo content, after `change(content_dir)`."""
    apps = []

    def build(change):
        change(content_dir)
        app = make_app(tmp_path / f"app{len(apps)}", content_dir)
        apps.append(app)
        return app.test_client()

    yield build
    for app in apps:
        app.extensions["buyerkit.store"].dispose()


def test_a_story_with_the_clips_captions_says_the_clip_is_in_english(edited):
    def keep_captions(content: Path) -> None:
        path = content / "references/tidewater-payroll.de.md"
        path.write_text(path.read_text().replace("tidewater-payroll.de.vtt",
                                                 "tidewater-payroll.en.vtt"))

    html = page(edited(keep_captions), STORY)
    assert 'srclang="en"' in html and 'srclang="de"' not in html
    assert "Video, Untertitel und Transkript sind auf Englisch." in text(html)
    assert re.search(r'<p lang="en"><span class="small">0:00</span> A demo clip', html)


def test_a_missing_translation_falls_back_and_says_so(edited):
    def untranslate(content: Path) -> None:
        (content / "pricing.de.yaml").unlink()
        (content / "references/lanternfish-learning.de.md").unlink()
        (content / "references/tidewater-payroll.de.md").unlink()
        site = content / "site.yaml"
        site.write_text(site.read_text().replace(
            "\ndefault_language: en\n", "\ndefault_language: en\nuntranslated:\n  de: "
            "[pricing.yaml, references/lanternfish-learning.md,\n"
            "       references/tidewater-payroll.md]\n", 1))

    client = edited(untranslate)
    pricing = page(client, "/de/pricing/")
    assert FALLBACK in pricing and "$2,000 a month" in text(pricing)
    assert '<main id="main" class="wrap" lang="en">' in pricing
    story = page(client, "/de/customers/lanternfish-learning/")
    assert FALLBACK in story and "Lanternfish Learning nearly bought too early" in text(story)
    tidewater = page(client, "/de/customers/tidewater-payroll/")  # the whole page says it
    assert FALLBACK in tidewater
    assert "Video, Untertitel und Transkript" not in text(tidewater)


def test_the_freeze_writes_the_german_offering(app, tmp_path: Path):
    dest = tmp_path / "build"
    freeze_site(app, dest, "https://score.harborline.example")
    pricing = (dest / "de/pricing/index.html").read_text()
    assert "2.000\u00a0$ im Monat" in text(pricing)
    assert "Harborline im Vergleich" in (dest / "de/compare/index.html").read_text()
    story = (dest / "de/customers/tidewater-payroll/index.html").read_text()
    assert "(unsere Übersetzung)" in text(story)
    assert (dest / "customers/files/media/tidewater-payroll.de.vtt").read_text() == \
        (Path(app.config["CONTENT_DIR"]) / "references/media/tidewater-payroll.de.vtt") \
        .read_text()
    assert "$2,000 a month" in text((dest / "pricing/index.html").read_text())

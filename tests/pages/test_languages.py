"""Pages in several languages: the URL prefix alone decides, numbers follow the locale, links
stay in the page's language, and a language the site does not have is a 404."""

from __future__ import annotations

import re

import pytest

GERMAN_ROI = "/de/calculators/renewal-roi/"


def links(html: str, *, switch: bool = True) -> list[str]:
    """Site-relative links of a page (without the language switch and the hidden suggestion
    of the same page in another language when `switch` is False)."""
    if not switch:
        html = re.sub(r'<p class="language-switch">.*?</p>', "", html, flags=re.S)
        html = re.sub(r'<div class="language-suggestion".*?</div>\n</div>', "", html, flags=re.S)
    return re.findall(r'(?:href|src|action)="(/[^"#]*)', html)


def test_german_calculator_shows_german_numbers_and_words(client):
    html = client.get(GERMAN_ROI).get_data(as_text=True)
    assert ">384.000\u00a0$<" in html  # churn cost, the same number as the English vectors
    assert ">247,1\u00a0%<" in html
    assert ">3,5 Monate<" in html
    english = client.get("/calculators/renewal-roi/").get_data(as_text=True)
    assert ">$384,000<" in english and ">3.5 months<" in english


def test_german_form_errors_come_from_the_catalog(client):
    html = client.get(GERMAN_ROI + "?i.arr=abc").get_data(as_text=True)
    assert "Geben Sie eine Zahl ein, etwa 1.200 oder 12,5" in html


def test_the_calculator_spec_speaks_the_pages_language(client):
    spec = client.get("/de/calculators/renewal-roi.json").get_json()
    assert spec["locale"] == "de"
    assert spec["messages"]["month_other"] == "{n} Monate"
    assert spec["messages"]["not_meaningful"] == "Bei diesen Zahlen nicht aussagekräftig"
    assert client.get("/calculators/renewal-roi.json").get_json()["locale"] == "en"


def test_links_on_a_german_page_stay_german_and_assets_do_not_move(client):
    found = links(client.get("/de/guides/").get_data(as_text=True), switch=False)
    pages = [u for u in found if not u.startswith(("/static/", "/brand/", "/customers/files/"))]
    assert pages and all(u.startswith("/de/") for u in pages), pages
    assert any(u.startswith("/static/") for u in found)
    assert not any(u.startswith("/de/static/") for u in found)


@pytest.mark.parametrize("url", ["/fr/", "/xx/guides/cfo/", "/en/", "/en/guides/cfo/",
                                 "/de/static/buyerkit.css", "/de/api/v1/health",
                                 "/de/reports/", "/de/sitemap.xml"])
def test_no_page_for_a_language_or_place_the_site_does_not_have(client, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("header", ["de-DE,de;q=0.9", "de;q=abc,,;;", "\u00ff\u00fe" * 50,
                                    "*;q=2, xx-YY-ZZ-WW;q=1e999"])
def test_accept_language_never_redirects_or_breaks(client, header):
    r = client.get("/guides/cfo/", headers={"Accept-Language": header})
    assert r.status_code == 200
    assert "Geben Sie" not in r.get_data(as_text=True)
    assert client.get(GERMAN_ROI, headers={"Accept-Language": header}).status_code == 200


def test_a_site_with_one_language_has_no_prefix(tmp_path, content_dir):
    from tests.conftest import make_app

    site = content_dir / "site.yaml"
    site.write_text(site.read_text().replace("languages: [en, de]", "languages: [en]"))
    for translation in content_dir.rglob("*.de.*"):
        translation.unlink()
    app = make_app(tmp_path, content_dir)
    try:
        client = app.test_client()
        assert client.get("/de/guides/cfo/").status_code == 404
        assert client.get("/guides/cfo/").status_code == 200
    finally:
        app.extensions["buyerkit.store"].dispose()


def test_pages_read_the_content_in_their_language(client):
    german = client.get("/de/guides/cfo/").get_data(as_text=True)
    assert "Die kurze Antwort" in german and 'href="/de/pricing/"' in german
    english = client.get("/guides/cfo/").get_data(as_text=True)
    assert "The short answer" in english and "Die kurze Antwort" not in english
    diagnostic = client.get("/de/diagnostics/renewal-risk-check/").get_data(as_text=True)
    assert "Was davon beschreibt Ihre letzten zwei Quartale am ehesten?" in diagnostic
    # each guide reads its own translation
    assert "Installiert wird nichts" in client.get("/de/guides/it/").get_data(as_text=True)


def test_the_sitemap_lists_every_page_in_every_language(client):
    xml = client.get("/sitemap.xml").get_data(as_text=True)
    for path in ("/", "/guides/cfo/", "/calculators/renewal-roi/",
                 "/diagnostics/renewal-risk-check/"):
        assert f"<loc>https://harborline.example{path}</loc>" in xml
        assert f"<loc>https://harborline.example/de{path}</loc>" in xml


def test_the_freeze_writes_every_language_with_its_own_links(app, tmp_path):
    from buyerkit.freeze.build import freeze_site

    dest = tmp_path / "build"
    freeze_site(app, dest, "https://score.harborline.example")
    german = (dest / "de/guides/cfo/index.html").read_text()
    assert "Die kurze Antwort" in german
    page_links = [u for u in links(german, switch=False)
                  if not u.startswith(("/static/", "/brand/", "/customers/files/"))]
    assert page_links and all(u.startswith("/de/") for u in page_links), page_links
    assert ">3,5 Monate<" in (dest / "de/calculators/renewal-roi/index.html").read_text()
    for path in ("guides/cfo/index.html", "calculators/renewal-roi/index.html", "index.html"):
        english = (dest / path).read_text()
        assert "Monate" not in english and "Die kurze Antwort" not in english
        # only the language switch (and its suggestion) lead to German: the same page
        assert {u for u in links(english) if u.startswith("/de/")} == {"/de/" + path[:-10]}


def test_every_page_says_its_language_and_links_its_alternates(client):
    german = client.get("/de/guides/cfo/").get_data(as_text=True)
    assert '<html lang="de">' in german
    assert '<link rel="alternate" hreflang="en" href="https://harborline.example/guides/cfo/">' \
        in german
    assert '<link rel="alternate" hreflang="de" ' \
        'href="https://harborline.example/de/guides/cfo/">' in german
    assert '<link rel="alternate" hreflang="x-default" ' \
        'href="https://harborline.example/guides/cfo/">' in german
    english = client.get("/guides/cfo/").get_data(as_text=True)
    assert '<html lang="en">' in english


def test_the_switch_leads_to_the_same_page_in_the_other_language(client):
    english = client.get("/calculators/renewal-roi/?i.arr=9000000").get_data(as_text=True)
    assert re.search(r'<a [^>]*href="/de/calculators/renewal-roi/\?i\.arr=9000000"[^>]*'
                     r'hreflang="de" lang="de"[^>]*data-keep-fragment[^>]*>Deutsch</a>', english)
    german = client.get("/de/calculators/renewal-roi/").get_data(as_text=True)
    assert re.search(r'<a [^>]*href="/calculators/renewal-roi/"[^>]*>English</a>', german)


def test_a_page_without_its_translation_says_so_in_the_pages_language(tmp_path, content_dir):
    from tests.conftest import make_app

    (content_dir / "guides/it.de.md").unlink()  # the demo has every translation
    app = make_app(tmp_path, content_dir)
    try:
        client = app.test_client()
        it = client.get("/de/guides/it/").get_data(as_text=True)
        assert "Diese Seite ist noch nicht übersetzt und wird deshalb auf Englisch angezeigt." \
            in it
        assert '<main id="main" class="wrap" lang="en">' in it
        cfo = client.get("/de/guides/cfo/").get_data(as_text=True)
        assert "noch nicht übersetzt" not in cfo
        assert "noch nicht übersetzt" not in client.get("/guides/it/").get_data(as_text=True)
    finally:
        app.extensions["buyerkit.store"].dispose()


def test_the_words_a_script_gets_stay_under_1_kb_compressed(client):
    """Issue #21: message catalogs add at most 1 KB compressed to any page's JavaScript."""
    import gzip
    import html as html_lib
    import json

    spec = client.get("/de/calculators/renewal-roi.json").get_json()
    words = json.dumps(spec["messages"], ensure_ascii=False).encode()
    page = client.get("/de/guides/cfo/").get_data(as_text=True)
    labels = json.loads(html_lib.unescape(re.search(r"data-labels='([^']*)'", page).group(1)))
    guide = json.dumps({k: labels[k] for k in ("messages", "buckets", "triggers")},
                       ensure_ascii=False).encode()
    assert labels["messages"]["result"] == "Ergebnis"
    for data in (words, guide):
        assert len(gzip.compress(data)) <= 1024


def test_a_german_form_names_its_errors_in_german(client):
    html = client.post("/de/diagnostics/renewal-risk-check/",
                       data={"step": "0", "go": "next"}).get_data(as_text=True)
    assert "Wählen Sie eine Antwort." in html
    assert "Wählen Sie mindestens eine Antwort." in html
    english = client.post("/diagnostics/renewal-risk-check/",
                          data={"step": "0", "go": "next"}).get_data(as_text=True)
    assert "Choose one answer." in english


def test_the_diagnostic_step_speaks_german(client):
    html = client.get("/de/diagnostics/renewal-risk-check/").get_data(as_text=True)
    assert "Schritt 1 von 4" in html
    assert "Weiter: Warum jetzt" in html
    errors = client.post("/de/diagnostics/renewal-risk-check/",
                         data={"step": "0", "go": "next"}).get_data(as_text=True)
    assert "Bitte prüfen Sie diese Antworten" in errors

"""buyerkit's own words on the guide, calculator, pricing, comparison, kit, customer-story,
company and home pages come from the catalog: each English string is on the English page, its
German counterpart on the /de/ page, and none of the English is left on the German page. The
words the page scripts get travel with their data, in the page's language."""

from __future__ import annotations

import gzip
import html as html_lib
import json
import re
import uuid

import pytest

STORY = "/customers/tidewater-payroll/"

# (path, buyerkit's English strings on that page, their German on the /de/ page). Strings are
# as they appear in the HTML (an apostrophe escaped as ').
PAGES = [
    ("/guides/cfo/",
     ["Guide for CFO", "On this page", "The questions this guide answers",
      "What to do before a decision", "Share with your team", "Your team's numbers",
      "What to share", "Copy link", "E-mail a draft", "Print or save as PDF",
      "Or copy the address from your browser's address bar.", "Budget approval",
      "keeps these on one checklist for the whole team.", "Guides for the rest of the team",
      "Next steps, on your terms", "The decision kit (every role, with the checklist)"],
     ["Leitfaden: CFO", "Auf dieser Seite", "Die Fragen, die dieser Leitfaden beantwortet",
      "Was vor einer Entscheidung zu tun ist", "Mit Ihrem Team teilen",
      "Die Zahlen Ihres Teams", "Was Sie teilen möchten", "Link kopieren",
      "E-Mail-Entwurf öffnen", "Drucken oder als PDF speichern", "Budgetfreigabe",
      "fasst diese Punkte in einer Checkliste für das ganze Team zusammen.",
      "Leitfäden für den Rest des Teams", "Nächste Schritte – so, wie es Ihnen passt"]),
    ("/guides/",
     ["Guides for your buying team", "A tool like this is usually decided by seven to eleven",
      "Open the decision kit", "every guide on one page, with a checklist your team owns"],
     ["Leitfäden für Ihr Buying Center", "Über ein Werkzeug wie dieses entscheiden meist",
      "Entscheidungspaket öffnen", "alle Leitfäden auf einer Seite"]),
    ("/kit/",
     ["Decision kit", "For the whole buying team", "Before we decide: our checklist",
      "Every role's guide", "It is your plan, not ours", "Tick what is done.",
      "Print the checklist or save it as a PDF", "questions this guide answers",
      "Read the guide for CFO", "Security review", "Legal review"],
     ["Entscheidungspaket", "Für das gesamte Buying Center",
      "Vor der Entscheidung: unsere Checkliste", "Die Leitfäden aller Rollen",
      "Es ist Ihr Plan, nicht unserer", "Haken Sie ab, was erledigt ist.",
      "Checkliste drucken oder als PDF speichern", "Fragen, die dieser Leitfaden beantwortet",
      "Zum Leitfaden: CFO", "Sicherheitsprüfung", "Rechtliche Prüfung"]),
    ("/calculators/renewal-roi/",
     ["Your numbers", "Recalculate", "Your results", "Our assumptions (change any of them)",
      "These are our numbers, not yours.", "Why this number:", "Share these numbers",
      "Link to these numbers", "Copy the link", "Open a guide with these numbers",
      "The decision kit: every guide and a checklist", ">Calculator<"],
     ["Ihre Zahlen", "Neu berechnen", "Ihre Ergebnisse",
      "Unsere Annahmen (jede davon können Sie ändern)", "Das sind unsere Zahlen, nicht Ihre.",
      "Woher diese Zahl stammt:", "Diese Zahlen teilen", "Link zu diesen Zahlen",
      "Einen Leitfaden mit diesen Zahlen öffnen", ">Rechner<"]),
    ("/calculators/life-after-harborline/",
     ["The three scenarios side by side", ">Month<", "the figures behind the chart",
      "cautious case first", "the marked month", ">Scenario:"],
     ["Die drei Szenarien im Vergleich", ">Monat<", "die Werte hinter dem Diagramm",
      "vorsichtige Annahme zuerst", "markierter Monat", ">Szenario:"]),
    ("/calculators/",
     ["Put in your own numbers and see what the problem costs you today", ">Open<"],
     ["Geben Sie Ihre eigenen Zahlen ein", ">Öffnen<"]),
    ("/pricing/",
     ["Not sure which plan, or whether we fit at all?", ">Plans<", "Includes:",
      "Not in this plan:", "Ask about ", "Terms and discounts", "How to start",
      "What implementation takes", "Implementation plan, week by week", ">What happens<",
      "Your team's time", "What we do not do", "says who does it well",
      "answer them role by role"],
     ["Unsicher, welcher Tarif passt", ">Tarife<", "Enthalten:", "Nicht in diesem Tarif:",
      "Anfrage zu ", "Konditionen und Rabatte", "So fangen Sie an",
      "Was die Einführung erfordert", "Einführungsplan, Woche für Woche", ">Was passiert<",
      "Der Zeitaufwand Ihres Teams", "Was wir nicht machen", "wer es gut macht",
      "beantworten sie Rolle für Rolle"]),
    ("/compare/",
     ["The options at a glance", "(the table scrolls sideways)", "What matters",
      "The better choice when", "What you give up", "every plan",
      "including the cases where it beats us", "Not the right choice for", "How to choose",
      "Doing nothing", "Building it yourself"],
     ["Die Optionen auf einen Blick", "(die Tabelle lässt sich seitlich scrollen)",
      "Worauf es ankommt", "Die bessere Wahl, wenn", "Worauf Sie verzichten", "alle Tarife",
      "in denen sie besser ist als wir", "Nicht die richtige Wahl für",
      "So treffen Sie die Wahl", "Nichts tun", "Selbst entwickeln"]),
    ("/customers/",
     ["Customer stories", "Why they bought, how long it took to see value",
      "With a demo clip and its transcript."],
     ["Kundengeschichten", "Warum sie gekauft haben, wie lange es",
      "Mit Demo-Clip und Transkript."]),
    (STORY,
     ["<dt>Customer</dt>", "<dt>Industry</dt>", "Company size", "Why it was urgent",
      "The numbers", "Time to value", "Source: ", "Transcript", "Why they bought",
      "Published with the consent of", "Talk to this customer",
      "No form to fill in first", "Or talk to us, on your terms", "Demo clip:",
      "Captions are on;", "Retain and expand customers"],
     ["<dt>Kunde</dt>", "<dt>Branche</dt>", "Unternehmensgröße", "Warum es dringend war",
      "Die Zahlen", "Zeit bis zum ersten Nutzen", "Quelle: ", "Transkript",
      "Warum sie gekauft haben", "Veröffentlicht mit Zustimmung von",
      "Mit diesem Kunden sprechen", "Kein Formular vorab",
      "Oder sprechen Sie mit uns – so, wie es Ihnen passt", "Demo-Clip:",
      "Untertitel sind eingeschaltet", "Kunden halten und ausbauen"]),
    ("/",
     ["Check your fit in ", "or start from your problem", "Start from your problem",
      "Most teams arrive here with one of these.", "Check if this is your problem",
      "Who we are a good fit for", "Works with: "],
     [" Minuten, ob wir passen", "oder beginnen Sie bei Ihrem Problem",
      "Beginnen Sie bei Ihrem Problem", "Die meisten Teams kommen",
      "Prüfen, ob das Ihr Problem ist", "Für wen wir gut passen", "Funktioniert mit: "]),
]


@pytest.mark.parametrize(("path", "english", "german"), PAGES, ids=[p[0] for p in PAGES])
def test_the_pages_own_words_are_german_under_de(client, path, english, german):
    en = client.get(path)
    de = client.get("/de" + path)
    assert en.status_code == de.status_code == 200
    en_html, de_html = (html_lib.unescape(r.get_data(as_text=True)) for r in (en, de))
    assert [s for s in english if s not in en_html] == []
    assert [s for s in german if s not in de_html] == []
    assert [s for s in english if s in de_html] == []


def test_a_calculators_error_summary_and_blocked_results_in_german(client):
    path = "/calculators/renewal-roi/?i.arr=abc"
    en = client.get(path).get_data(as_text=True)
    de = client.get("/de" + path).get_data(as_text=True)
    assert "<title>Error: " in en and "Please check this number" in en
    assert "Not worked out: check " in en
    assert "<title>Fehler: " in de and "Bitte prüfen Sie diese Zahl" in de
    assert "Nicht berechnet – prüfen Sie zuerst: " in de
    assert "Ergebnisse, die die markierte Zahl brauchen, weisen darauf hin" in de
    assert "Not worked out" not in de and "Please check" not in de


def test_the_calculator_scripts_words_come_with_its_spec_in_german(client):
    de = client.get("/de/calculators/renewal-roi.json").get_json()["messages"]
    assert de["blocked"] == "Nicht berechnet – prüfen Sie zuerst: {fields}."
    assert de["updated"] == "Ergebnisse aktualisiert."
    assert de["copied"] == "Link kopiert."
    assert de["copy_failed"].startswith("Kopieren nicht möglich")
    en = client.get("/calculators/renewal-roi.json").get_json()["messages"]
    assert en["blocked"] == "Not worked out: check {fields} first."


def labels(html: str) -> dict:
    return json.loads(html_lib.unescape(re.search(r"data-labels='([^']*)'", html).group(1)))


def test_the_guide_scripts_share_and_checklist_words_in_german(client):
    m = labels(client.get("/de/kit/").get_data(as_text=True))["messages"]
    assert m["kit_subject"] == "Unser Entscheidungspaket zu Harborline"
    assert m["kit_body"].startswith("Hallo,\n\nhier ist eine Seite") and "{url}" in m["kit_body"]
    assert m["guide_subject"] == "Leitfaden: {name} – {title}"
    assert "Harborline" in m["guide_body"] and "{name}" in m["guide_body"]
    assert m["done"] == "{n} von {total} erledigt."
    assert m["copied"] == "Link kopiert. Fügen Sie ihn in eine E-Mail oder einen Chat ein."
    en = labels(client.get("/kit/").get_data(as_text=True))["messages"]
    assert en["done_kept"] == ("{n} of {total} done. The link in your address bar now keeps "
                               "these ticks.")


@pytest.mark.parametrize("path", ["/de/kit/", "/de/guides/cfo/", "/de/guides/"])
def test_every_word_the_guide_script_gets_stays_under_1_kb_compressed(client, path):
    """Issue #21: the catalogs add at most 1 KB compressed to a page's JavaScript."""
    data = labels(client.get(path).get_data(as_text=True))
    words = {k: data[k] for k in ("messages", "buckets", "triggers")}
    assert len(gzip.compress(json.dumps(words, ensure_ascii=False).encode())) <= 1024


def test_matched_story_sentences_travel_in_the_pages_language(client):
    html = client.get("/de/calculators/renewal-roi/").get_data(as_text=True)
    said = json.loads(html_lib.unescape(re.search(r"data-said='([^']*)'", html).group(1)))
    assert said["st"] == ("Ein Unternehmen Ihrer Größe mit demselben Problem und demselben "
                          "Anlass zu handeln")
    assert "Ein Kunde wie Sie" in html and "A customer like you" not in html


def test_story_dates_and_captions_in_the_pages_language(client):
    en = client.get(STORY).get_data(as_text=True)
    de = client.get("/de" + STORY).get_data(as_text=True)
    assert ", August 2026.</p>" in en and "given September 14, 2026" not in en
    assert "given Sep 14, 2026." in en
    assert ", August 2026.</p>" in de and "Datum der Zustimmung: 14.09.2026." in de
    assert 'srclang="en" label="Captions (English)"' in en
    # the German story may bring German captions: either way the label names it in German
    assert re.search(r'srclang="(en|de)" label="Untertitel \((Englisch|Deutsch)\)"', de)
    assert "-08.</p>" not in en + de


def test_story_cards_say_time_to_value_in_the_pages_language(client):
    en = client.get("/customers/").get_data(as_text=True)
    de = client.get("/de/customers/").get_data(as_text=True)
    assert '<span class="story-value">7 weeks</span> to the first' in en
    assert re.search(r'<span class="story-value">[^<]+</span> bis ', de)
    assert " Beschäftigte." in de and " people." in en


def test_the_pool_form_answers_in_german(client):
    form = {"diagnostic": "renewal-risk-check", "journey": "not-a-uuid", "domain": "x"}
    de = client.post("/de/company/", data=form)
    assert de.status_code == 400
    html = de.get_data(as_text=True)
    assert "Dieses Formular gehört zu einem Ergebnis aus dem Check" in html
    assert "Bitte prüfen Sie diese Antwort" in html and "Please check" not in html
    assert "take the diagnostic first" in client.post("/company/", data=form).get_data(
        as_text=True)
    done = client.post("/de/company/", data={**form, "journey": str(uuid.uuid4()),
                                             "domain": "example.com"})
    assert done.status_code == 200
    page = done.get_data(as_text=True)
    assert "Danke – die Ergebnisse Ihres Teams sind zusammengeführt" in page
    assert "Zurück zu: " in page and "Thank you" not in page


def test_a_german_verdicts_pool_form_posts_to_the_german_twin(client):
    path = ("/de/diagnostics/renewal-risk-check/result/?symptom=surprise_churn"
            "&visibility=usage_unread&trigger=new_leader&size=200_999&billing=annual"
            "&crm=hubspot&hosting=cloud_ok&role=cs_leader&group=cfo")
    assert 'action="/de/company/"' in client.get(path).get_data(as_text=True)


def test_a_german_verdict_names_its_matched_story_in_german(client):
    answers = ("symptom=surprise_churn&visibility=usage_unread&trigger=new_leader&size=200_999"
               "&billing=annual&crm=hubspot&hosting=cloud_ok&role=cs_leader&group=cfo")
    path = "/diagnostics/renewal-risk-check/result/?" + answers
    en = html_lib.unescape(client.get(path).get_data(as_text=True))
    de = html_lib.unescape(client.get("/de" + path).get_data(as_text=True))
    assert "A company of your size with the same problem and the same reason to act" in en
    assert "A customer like you" in en
    assert ("Ein Unternehmen Ihrer Größe mit demselben Problem und demselben Anlass zu "
            "handeln") in de
    assert "Ein Kunde wie Sie" in de and "same problem" not in de
    assert re.search(r'<span class="story-value">[^<]+</span> bis ', de)

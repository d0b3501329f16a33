"""The diagnostic's verdict, static diagnostic, hand-off and error pages in German: every
interface word comes from the catalog (templates, server messages, the scripts' words), and no
English interface sentence is left on a /de/ page (issue #21)."""

from __future__ import annotations

import gzip
import html as html_lib
import json
import re
import uuid

import pytest
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest

from buyerkit.handoff.targets import new_secret
from tests.conftest import make_app
from tests.pages.test_languages import links

SLUG = "renewal-risk-check"
STEPS = 4
FIT = {"symptom": "surprise_churn", "visibility": ["usage_unread", "risk_from_customer"],
       "trigger": "new_leader", "size": "50_199", "billing": "annual", "crm": "hubspot",
       "hosting": "cloud_ok", "role": "cs_leader", "group": ["cfo", "security"]}
ANSWERS = {
    "fit": FIT,
    "not_now": {**FIT, "trigger": "researching"},
    "not_a_fit": {**FIT, "symptom": "thin_pipeline", "visibility": ["none_of_these"]},
}
TITLES_DE = {"fit": "Das passt gut, und es gibt einen echten Anlass",
             "not_now": "Passt gut, ist aber noch nicht dringend",
             "not_a_fit": "Harborline ist wahrscheinlich nicht die richtige Antwort für Sie"}

# buyerkit's own English words on these pages: none may be left on a German page.
ENGLISH = [
    "Your result", "your result", "Why we say this", "Your problem area", "What makes it urgent",
    "Whom Harborline serves well", "Next steps, in your order", "What to watch for",
    "Meanwhile", "What would help instead", "Share with your team", "Copy link", "Share…",
    "you ticked this role", "The roles you ticked come first", "it is not stored anywhere",
    "Talk to us on your terms", "If you would like to talk anyway",
    "If you think we got it wrong", "Pick whatever suits you", "Message us on",
    "Taking this with colleagues?", "Your company's web domain", "Pool our results",
    "Leave this field empty", "Send my result", "Your work e-mail", "Your name (optional)",
    "A note for the team (optional)", "What is sent to", "Also send the roles",
    "Take the check again", "bookmarking it keeps this result", "Company size",
    "Industries", "How customers pay", "Error:", "Please check", "Try again", "See my result",
    "Next:", "Back:", "Step 1 of", "step 1 of", "This check needs JavaScript",
    "Thank you: your team", "We could not reach our service", "Your browser asks websites",
    "Sent to the", "They will write to you", "keeps it for", "Reference:",
    "What they received", "Size bands", "Your note", "Your name", "Page not found",
    "There is no page at this address", "Go to the home page", "The home page",
    "Check your fit", "Short, honest self-checks", "steps, about", "Start<",
    "could not be read", "Enter your work e-mail", "Tick the box", "Send Harborline",
    "the size bands of your answers", "your e-mail address",
]


def in_its_language(html: str) -> str:
    """The page without what speaks the other language on purpose: the language switch and
    the suggestion of the page in the browser's language (marked with their own lang)."""
    html = re.sub(r'<p class="language-switch">.*?</p>', "", html, flags=re.S)
    return re.sub(r'<div class="language-suggestion".*?</div>\s*</div>', "", html, flags=re.S)


def english_left(html: str) -> list[str]:
    """The English interface words still on a page."""
    return [w for w in ENGLISH if w in in_its_language(html)]


def words(html: str, attr: str = "data-words") -> dict[str, str]:
    found = re.search(attr + r"='([^']*)'", html)
    assert found, attr
    return json.loads(html_lib.unescape(found.group(1)))


def pairs(answers: dict) -> list[tuple[str, str]]:
    return [(k, v) for k, vs in answers.items() for v in (vs if isinstance(vs, list) else [vs])]


def finish(client, answers: dict, prefix: str = "/de") -> str:
    """The verdict page as a prospect reaches it: the last step sent, the redirect followed."""
    data = MultiDict([*pairs(answers), ("step", str(STEPS - 1)), ("go", "next")])
    resp = client.post(f"{prefix}/diagnostics/{SLUG}/", data=data, follow_redirects=True)
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


@pytest.fixture
def handoff_app(tmp_path, content_dir):
    """The demo with a hand-off target (a webhook nobody is asked to reach: worker off)."""
    app = make_app(tmp_path, content_dir, HANDOFF_WORKER="off", HANDOFF_TARGETS=[
        {"name": "hook", "type": "webhook", "url": "http://127.0.0.1:9/hook",
         "secret": new_secret()}])
    yield app
    app.extensions["buyerkit.handoff"].close()
    app.extensions["buyerkit.store"].dispose()


@pytest.fixture
def static_app(tmp_path, content_dir):
    app = make_app(tmp_path, content_dir, STATIC_BUILD=True, HANDOFF_WORKER="off",
                   HANDOFF_TARGETS=[{"name": "hook", "type": "webhook",
                                     "url": "http://127.0.0.1:9/hook",
                                     "secret": new_secret()}])
    yield app
    app.extensions["buyerkit.handoff"].close()
    app.extensions["buyerkit.store"].dispose()


@pytest.mark.parametrize("verdict", list(ANSWERS))
def test_the_german_verdict_page_speaks_german_only(handoff_app, verdict):
    html = finish(handoff_app.test_client(), ANSWERS[verdict])
    assert '<html lang="de"' in html
    assert f"<h1>{TITLES_DE[verdict]}</h1>" in html
    assert f"<title>Ihr Ergebnis: {TITLES_DE[verdict]} — Harborline</title>" in html
    assert "Wie wir zu diesem Ergebnis kommen" in html
    assert "Check noch einmal machen" in html
    assert {"fit": "Ihre nächsten Schritte", "not_now": "Worauf Sie achten sollten",
            "not_a_fit": "Was Ihnen stattdessen hilft"}[verdict] in html
    if verdict != "not_a_fit":
        assert "Mit Ihrem Team teilen" in html and "Link kopieren" in html
        assert "Machen Sie den Check mit Kolleginnen und Kollegen?" in html
    if verdict == "fit":
        assert "Sprechen Sie mit uns, wie es Ihnen passt" in html
        assert "Mein Ergebnis an das Team senden" in html
        assert "Ich bin einverstanden, dass meine E-Mail-Adresse" in html
        assert '<label for="email">Ihre geschäftliche E-Mail-Adresse</label>' in html
    assert english_left(html) == []
    pages = [u for u in links(in_its_language(html), switch=False)
             if not u.startswith(("/static/", "/brand/"))]
    assert pages and all(u.startswith("/de/") for u in pages), pages


def test_the_german_share_words_are_the_pages_words(client):
    """verdict.js gets its e-mail drafts and messages with the page, in its language."""
    de, en = words(finish(client, FIT)), words(finish(client, FIT, prefix=""))
    assert de.keys() == en.keys()
    assert all(de[k] != en[k] for k in de), [k for k in de if de[k] == en[k]]
    assert de["copied"] == ("Link zu „{name}“ kopiert. Fügen Sie ihn in eine E-Mail oder "
                            "einen Chat ein.")
    assert "{url}" in de["body"] and "{role}" in de["body"] and "Harborline" in de["body"]
    assert en["subject"] == "For our {role}: {title}"


def test_a_german_unreadable_result_link_says_so_in_german(client):
    resp = client.get(f"/de/diagnostics/{SLUG}/result/?symptom=nonsense")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "<h1>Dieser Ergebnis-Link ist nicht lesbar</h1>" in html
    assert "Der Check dauert etwa" in html and ">Zum Check<" in html
    assert english_left(html) == []


def test_a_stale_answer_is_noticed_in_german(client):
    query = "&".join(f"{k}={v}" for k, v in pairs(FIT))
    html = client.get(f"/de/diagnostics/{SLUG}/result/?{query}&gone=1").get_data(as_text=True)
    assert "Ein Teil dieses Links stammt aus einer älteren Version des Checks" in html


def test_the_german_diagnostics_index(client):
    html = client.get("/de/diagnostics/").get_data(as_text=True)
    assert "<h1>Passung prüfen</h1>" in html
    assert "4 Schritte, etwa" in html and ">Starten<span" in html
    assert english_left(html) == []


def test_the_german_static_diagnostic_and_its_scripts_words(static_app):
    client = static_app.test_client()
    html = client.get(f"/de/diagnostics/{SLUG}/").get_data(as_text=True)
    assert "Schritt 1 von 4" in html and "Dieser Check braucht hier JavaScript" in html
    assert 'href="/de/">Startseite</a>' in html
    assert "Mein Ergebnis ansehen" in html and "Erneut versuchen" in html
    assert 'data-heading-not_now="Wenn Sie trotzdem mit uns sprechen möchten"' in html
    assert 'data-invalid="' in html and english_left(html) == []
    english = client.get(f"/diagnostics/{SLUG}/").get_data(as_text=True)
    for attr in ("data-words",):
        de, en = words(html, attr), words(english, attr)
        assert de.keys() == en.keys() and all(de[k] != en[k] for k in de)
    de = words(html)
    assert de["step"] == "Schritt {n} von {total}" and de["one"] == "Wählen Sie eine Antwort."
    assert de["alone"] == "„{label}“ lässt sich nicht mit anderen Antworten kombinieren."
    handoff = words(html.split('class="handoff"', 1)[1])
    assert handoff["failed"] == "Etwas ist schiefgegangen, deshalb wurde nichts gesendet."


def test_each_scripts_words_stay_under_1_kb_compressed(static_app):
    """Issue #21: the catalogs add at most 1 KB compressed to any page's JavaScript."""
    html = static_app.test_client().get(f"/de/diagnostics/{SLUG}/").get_data(as_text=True)
    share = html.split("data-share-result", 1)[1]
    handoff = html.split('class="handoff"', 1)[1]
    for part in (html, share, handoff):
        data = json.dumps(words(part), ensure_ascii=False).encode()
        assert len(gzip.compress(data)) <= 1024


def test_german_hand_off_errors_and_thanks(handoff_app):
    client = handoff_app.test_client()
    page = finish(client, FIT)
    form = page.split('class="handoff"', 1)[1].split("</form>", 1)[0]
    hidden = re.findall(r'<input[^>]*name="([^"]+)"[^>]*type="hidden" value="([^"]*)"', form) + \
        re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form)
    action = re.search(r'<form method="post" action="([^"]+)"', form).group(1)
    assert action == f"/de/handoff/{SLUG}/"
    bad = client.post(action, data=MultiDict([*hidden, ("email", "nope")]))
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400
    assert "<title>Fehler: Ihr Ergebnis senden — Harborline</title>" in html
    assert "Geben Sie eine E-Mail-Adresse wie name@firma.de ein." in html
    assert ("Kreuzen Sie das Kästchen an, um dem Senden Ihres Ergebnisses an das Team "
            "zuzustimmen.") in html
    assert english_left(html) == []
    sent = client.post(action, data=MultiDict([*hidden, ("email", "ana@acme.example"),
                                               ("note", "Verlängerungen im Mai."),
                                               ("consent", "y")]))
    html = sent.get_data(as_text=True)
    assert sent.status_code == 200
    assert "<h1>An das Team von Harborline gesendet</h1>" in html
    assert "Das Team schreibt Ihnen an ana@acme.example." in html
    assert "<dt>Begründung</dt>" in html and "<dt>Ihre Notiz</dt>" in html
    assert english_left(html) == []
    (body,) = handoff_app.extensions["buyerkit.handoff"].outbox.bodies()
    assert json.loads(body)["consent"]["text"].startswith("Ich bin einverstanden, dass")
    again = client.post(action, data=MultiDict([*hidden, ("email", "ana@acme.example"),
                                                ("consent", "y")]))
    assert again.status_code == 409
    assert "Diese Anfrage wurde bereits gesendet; das Team hat sie erhalten." in \
        again.get_data(as_text=True)


def test_the_hand_off_api_answers_in_the_pages_language(handoff_app):
    client = handoff_app.test_client()
    body = {"diagnostic": SLUG, "answers": FIT, "email": "nope", "consent": False,
            "request_id": str(uuid.uuid4())}
    de = client.post("/api/v1/handoff", json={**body, "lang": "de"}).get_json()
    assert de["error"] == "Die Anfrage ist ungültig."
    assert de["errors"] == [
        {"field": "email", "message": "Geben Sie eine E-Mail-Adresse wie name@firma.de ein."},
        {"field": "consent", "message": "Kreuzen Sie das Kästchen an, um dem Senden Ihres "
                                        "Ergebnisses an das Team zuzustimmen."}]
    en = client.post("/api/v1/handoff", json=body).get_json()
    assert en["errors"][0]["message"] == "Enter an e-mail address like name@company.com."
    bad = client.post("/api/v1/handoff", json={**body, "lang": "xx"})
    assert bad.status_code == 400 and {"field": "lang", "message": "Must be the page's "
                                       "language, one of en, de."} in bad.get_json()["errors"]
    ok = client.post("/api/v1/handoff", json={**body, "email": "ana@acme.example",
                                              "consent": True, "lang": "de"})
    assert ok.status_code == 201
    (stored,) = handoff_app.extensions["buyerkit.handoff"].outbox.bodies()
    data = json.loads(stored)
    assert data["verdict_title"] == TITLES_DE["fit"]
    assert data["consent"]["text"].startswith("Ich bin einverstanden, dass")


def test_german_error_pages(app):
    def broken() -> str:
        raise RuntimeError("a bug")

    def bad() -> str:
        raise BadRequest()

    app.view_functions["guides.index"] = broken
    app.view_functions["calculators.index"] = bad
    client = app.test_client()
    cases = {"/de/no-such-page/": (404, "Seite nicht gefunden",
                                  "Unter dieser Adresse gibt es keine Seite."),
             "/de/guides/": (500, "Bei uns ist etwas schiefgegangen",
                             "Von Ihren Eingaben wurde nichts gespeichert."),
             "/de/calculators/": (400, "Ungültige Anfrage",
                                  "Ein Teil dieser Adresse oder dieses Formulars"),
             "/de/diagnostics/": (405, "Hier nicht möglich", "Diese Seite lässt sich so")}
    for url, (status, title, sentence) in cases.items():
        resp = client.post(url) if status == 405 else client.get(url)
        html = resp.get_data(as_text=True)
        assert resp.status_code == status, url
        assert f"<h1>{title}</h1>" in html and sentence in html, url
        assert english_left(html) == [], url
    english = client.get("/guides/").get_data(as_text=True)
    assert "<h1>Something went wrong on our side</h1>" in english

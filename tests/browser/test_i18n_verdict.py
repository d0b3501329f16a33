"""The German diagnostic in a real browser, on a phone's width and by keyboard alone: the
frozen page's script speaks German (progress, buttons, errors, title, share drafts), reaches
the verdict English reaches for the same answers, and axe finds nothing on the German result.
The served (Flask) German result page's share script speaks German too, and the frozen German
hand-off gets the endpoint's sentences in German and stores the German consent it showed."""

from __future__ import annotations

import json
import time
from urllib.parse import unquote

import pytest
from playwright.sync_api import expect

from buyerkit.content.catalog import load_catalog
from tests.browser.conftest import assert_accessible
from tests.browser.keyboard import active, choose, press_button, tab_until
from tests.browser.test_handoff import frozen, hook  # noqa: F401 (frozen site with a target)
from tests.browser.test_static_build import (
    answer_by_pointer,
    press,
    site,  # noqa: F401 (the frozen site fixture)
)
from tests.conftest import DEMO_CONTENT
from tests.handoff.conftest import EMAIL
from tests.pages.test_i18n_verdict import ANSWERS, SLUG

GERMAN = load_catalog(DEMO_CONTENT).in_language("de").diagnostics[SLUG]
STEPS = [[q.id for q in s.questions] for s in GERMAN.steps]
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def page(page):
    page.set_default_timeout(15_000)
    page.set_viewport_size(PHONE)
    return page


def values(answers: dict, qid: str) -> list[str]:
    """The answer's values; none for a question these answers do not lead to (show_if)."""
    v = answers.get(qid, [])
    return v if isinstance(v, list) else [v]


def result_of(page) -> tuple[str, str, int]:
    """The verdict shown, the result the share links carry (verdict, bucket, trigger) and the
    number of reasons listed."""
    page.locator("#result").wait_for(state="visible")
    verdict = page.locator("#result [data-outcome]:not([hidden])").get_attribute("data-outcome")
    carried = page.locator("#result .share-name").first.get_attribute("href") \
        if verdict != "not_a_fit" else ""
    frag = "&".join(p for p in carried.partition("#")[2].split("&") if not p.startswith("j="))
    return verdict, frag, page.locator("#reasons li").count()


@pytest.mark.parametrize("verdict", list(ANSWERS))
def test_the_german_check_by_keyboard_on_a_phone_gives_the_english_verdict(page, site,  # noqa: F811
                                                                            verdict):
    answers = ANSWERS[verdict]
    page.goto(f"{site.url}/de/diagnostics/{SLUG}/")
    expect(page.locator("section.step:not([hidden]) h1")).to_have_text(GERMAN.steps[0].title)
    # Nothing answered: the script's own German words name the mistakes.
    press(page, "Weiter")
    summary = page.locator("#error-summary")
    expect(summary.locator("h2")).to_have_text("Bitte prüfen Sie diese Antworten")
    expect(summary).to_contain_text("Wählen Sie eine Antwort.")
    expect(summary).to_contain_text("Wählen Sie mindestens eine Antwort.")
    assert page.title().startswith("Fehler: ")
    for i, qids in enumerate(STEPS):
        for qid in qids:
            for v in values(answers, qid):
                choose(page, qid, v)
        last = i == len(STEPS) - 1
        press(page, "Mein Ergebnis ansehen" if last else "Weiter")
        if not last:
            expect(page.locator("#progress-label")).to_contain_text(
                f"Schritt {i + 2} von {len(STEPS)}: {GERMAN.steps[i + 1].title}")
            assert active(page)[0] == "H1"
            assert not page.title().startswith("Fehler")
            back = page.locator("section.step:not([hidden]) button[data-go='back']")
            expect(back).to_have_text(f"Zurück: {GERMAN.steps[i].title}")
    outcome = getattr(GERMAN.outcomes, verdict)
    heading = page.locator(f"[data-outcome='{verdict}'] h1")
    expect(heading).to_have_text(outcome.title)
    expect(heading).to_be_focused()
    assert page.title() == f"Ihr Ergebnis: {outcome.title} — Harborline"
    german = result_of(page)
    assert german[0] == verdict
    if verdict != "not_a_fit":
        # The e-mail draft verdict.js writes, in German, once its link has focus.
        tab_until(page, lambda e: e[0] == "A" and e[4].startswith("E-Mail")
                  and "Leitfaden" in e[4])
        href = unquote(page.evaluate("document.activeElement.href"))
        assert "Hallo," in href and "beginnt mit meinem Ergebnis" in href
        assert "g=" in href  # the buying group's token rides along
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)

    page.goto(f"{site.url}/diagnostics/{SLUG}/")
    answer_by_pointer(page, answers)
    assert result_of(page) == german
    assert page.title().startswith("Your result: ")


def test_the_served_german_result_copies_a_link_in_german(page, live, own_origin_only):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"{live.url}/de/diagnostics/{SLUG}/")
    for i, qids in enumerate(STEPS):
        for qid in qids:
            for v in values(ANSWERS["fit"], qid):
                choose(page, qid, v)
        press_button(page, "Mein Ergebnis ansehen" if i == len(STEPS) - 1 else "Weiter")
    expect(page.get_by_role("heading", level=1)).to_have_text(GERMAN.outcomes.fit.title)
    copy = page.locator(".share-item[data-role='cfo'] [data-share-copy]")
    expect(copy).to_be_visible()
    copy.focus()
    page.keyboard.press("Enter")
    name = page.locator(".share-item[data-role='cfo'] .share-name").inner_text()
    assert "CFO" in name and "Leitfaden" in name
    expect(page.locator("[data-share-status]")).to_have_text(
        f"Link zu „{name}“ kopiert. Fügen Sie ihn in eine E-Mail oder einen Chat ein.")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "/de/guides/cfo/#" in copied and "v=fit" in copied
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)


def test_the_frozen_german_hand_off_speaks_german_and_sends_what_was_read(page, frozen,  # noqa: F811
                                                                          hook):  # noqa: F811
    """handoff.js sends the page's language: the endpoint's sentences come back in German,
    and the consent stored with the request is the German one the prospect ticked."""
    hook.requests.clear()
    page.goto(f"{frozen.url}/de/diagnostics/{SLUG}/")
    answer_by_pointer(page, ANSWERS["fit"])
    expect(page.locator("#handoff-h")).to_have_text("Mein Ergebnis an das Team senden")
    page.locator("#email").fill(EMAIL)
    tab_until(page, lambda e: e[0] == "BUTTON" and e[4] == "Mein Ergebnis senden")
    page.keyboard.press("Enter")
    expect(page.locator("#consent-error")).to_be_visible()
    said = " ".join(page.locator("#consent-error").text_content().split())
    assert said == ("Fehler: Kreuzen Sie das Kästchen an, um dem Senden Ihres Ergebnisses an "
                    "das Team zuzustimmen.")
    page.keyboard.press("Space")
    tab_until(page, lambda e: e[0] == "BUTTON" and e[4] == "Mein Ergebnis senden")
    page.keyboard.press("Enter")
    sent = page.locator(".handoff-sent")
    expect(sent).to_be_focused()
    expect(sent.locator("h3")).to_have_text("An das Team von Harborline gesendet")
    assert_accessible(page)
    deadline = time.monotonic() + 10
    while not hook.requests and time.monotonic() < deadline:
        time.sleep(0.05)
    (got,) = hook.requests
    data = json.loads(got["body"])["data"]
    assert data["verdict_title"] == GERMAN.outcomes.fit.title
    assert data["consent"]["text"].startswith("Ich bin einverstanden, dass meine E-Mail-Adresse")
    assert data["consent"]["text"] == page.locator("label[for='consent']").inner_text()

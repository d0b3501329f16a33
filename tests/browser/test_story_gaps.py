"""Customer stories where issue 29 left them out, in Chromium: the frozen diagnostic's result
shows the stories the served result page shows for the same answers (keyboard only, 360 px,
English and German, none for "not a fit"); a guide forwarded from a verdict matches on the
prospect's size and says so, and falls back, saying so, when the size is one it does not know;
a calculator assumption cites a story with a link. Screenshots go to BUYERKIT_SCREENSHOTS."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.browser.keyboard import active, choose
from tests.browser.test_diagnostic import STEPS, VERDICTS
from tests.browser.test_static_build import site  # noqa: F401 (the frozen site fixture)

SLUG = "renewal-risk-check"
PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1280, "height": 800}
SHOTS = os.environ.get("BUYERKIT_SCREENSHOTS")
IS_NEXT = "() => document.activeElement.dataset.go === 'next'"


def shoot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"))


def served_cards(page) -> list[tuple[str, str]]:
    """The stories a page shows: (why it was chosen, the story's title), in order."""
    cards = page.locator("section.stories li.card:visible")
    return [(c.locator(".eyebrow").inner_text(), c.locator("h3").inner_text())
            for c in cards.all()]


def answer_by_keyboard(page, answers: dict) -> None:
    """Every answer with the keyboard, then Tab to the step's own button and Enter (any
    language: the button is found by what it does, not by its words)."""
    for qids in STEPS:
        for qid in qids:
            for v in answers[qid] if isinstance(answers[qid], list) else [answers[qid]]:
                choose(page, qid, v)
        for _ in range(40):
            page.keyboard.press("Tab")
            if page.evaluate(IS_NEXT):
                break
        assert page.evaluate(IS_NEXT)
        page.keyboard.press("Enter")


@pytest.mark.parametrize("lang", ["", "/de"], ids=["en", "de"])
@pytest.mark.parametrize("verdict", list(VERDICTS), ids=list(VERDICTS))
def test_the_frozen_result_shows_the_served_pages_stories(people, live, site, lang,  # noqa: F811
                                                          verdict):
    answers = VERDICTS[verdict][0]
    context = people.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live.url}{lang}/diagnostics/{SLUG}/result/?" + urlencode(answers, doseq=True))
    expected = served_cards(page)
    assert bool(expected) == (verdict != "not_a_fit")

    page.goto(f"{site.url}{lang}/diagnostics/{SLUG}/")
    answer_by_keyboard(page, answers)
    page.locator(f"[data-outcome='{verdict}'] h1").wait_for(state="visible")
    box = page.locator("[data-verdict-stories]")
    if verdict == "not_a_fit":
        expect(box).to_be_hidden()  # no persuasion after an honest no
    else:
        expect(box).to_be_visible()
        assert served_cards(page) == expected
        # the first story is reached with the keyboard, its link carrying the verdict
        first = box.locator("li.card:visible a").first
        for _ in range(120):
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement.closest('[data-verdict-stories]')"
                             " !== null"):
                break
        assert active(page)[4] == expected[0][1]
        assert f"#v={verdict}&b=retain_expand&j=" in first.get_attribute("href")
        # the share links carry the size band the stories were matched on
        share = page.locator(".share-list a.share-name").first.get_attribute("href")
        assert "&b=retain_expand&sz=50_199&t=" in share
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page)
    if verdict == "fit":
        box.scroll_into_view_if_needed()
        shoot(page, f"frozen-result-stories{lang.replace('/', '-')}-360")
        page.set_viewport_size(LAPTOP)
        box.scroll_into_view_if_needed()
        shoot(page, f"frozen-result-stories{lang.replace('/', '-')}-1280")
    context.close()


def test_a_forwarded_guide_matches_on_the_senders_size(people, live):
    """The CFO guide a champion shares from the verdict: the size travels in the link, the
    stories are matched on it and say so; without it, or with a size the content does not
    define, the match falls back to problem and trigger and says it was made without size."""
    answers = VERDICTS["fit"][0]
    context = people.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{live.url}/diagnostics/{SLUG}/result/?" + urlencode(answers, doseq=True))
    link = page.locator(".share-item[data-role='cfo'] a.share-name").get_attribute("href")
    assert "&sz=50_199&" in link
    page.goto(live.url + link)
    box = page.locator("section.stories")
    expect(box).to_be_visible()
    cards = box.locator("li.card:visible")
    expect(cards.first).to_contain_text("Lanternfish Learning")
    expect(cards.first.locator(".eyebrow")).to_have_text(
        "A company of your size with the same problem")
    expect(cards.nth(1).locator(".eyebrow")).to_have_text(
        "The same problem and the same reason to act, at a company of another size")
    assert_accessible(page)
    # the guide passes the size on: to the other guides, and from a calculator's share link
    expect(page.locator("a[data-carry]").first).to_have_attribute(
        "href", re.compile(r"&sz=50_199&t=authority_shift"))
    page.goto(live.url + "/calculators/renewal-roi/" + link[link.index("#"):])
    expect(page.locator("#share-link")).to_have_attribute(
        "href", re.compile(r"&b=retain_expand&sz=50_199&t=authority_shift"))
    without = link.replace("&sz=50_199", "")
    for size in ("", "&sz=9999", "&sz=__proto__", "&sz=constructor", "&sz=50_199%7C"):
        page.goto(live.url + "/guides/security/")  # a new document each time
        page.goto(live.url + without.replace("&t=", size + "&t=", 1))
        expect(cards.first).to_contain_text("Tidewater Payroll")  # the same trigger first
        expect(cards.first.locator(".eyebrow")).to_have_text(
            "The same problem and the same reason to act (matched without your company's "
            "size)")
        expect(cards.nth(1).locator(".eyebrow")).to_have_text(
            "The same problem (matched without your company's size)")
    page.goto(live.url + "/de" + link)
    expect(box.locator("li.card:visible").first.locator(".eyebrow")).to_have_text(
        "Ein Unternehmen Ihrer Größe mit demselben Problem")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()


@pytest.mark.parametrize("lang", ["", "/de"], ids=["en", "de"])
def test_a_calculator_assumption_cites_a_story(people, live, lang):
    context = people.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{live.url}{lang}/calculators/renewal-roi/")
    cite = page.locator("#f-a-automated_share-help .story-cite")
    expect(cite).to_be_visible()
    link = cite.locator("a")
    expect(link).to_have_attribute("href", f"{lang}/customers/logistics-software-team/")
    says = "14" if lang else "went from 14 to 2 hours a week"
    expect(cite).to_contain_text(says)
    for _ in range(200):  # the link is reached with the keyboard
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.closest('.story-cite') !== null"):
            break
    assert page.evaluate("() => document.activeElement.closest('.story-cite') !== null")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page)
    cite.scroll_into_view_if_needed()
    shoot(page, f"calculator-citation{lang.replace('/', '-')}-360")
    page.set_viewport_size(LAPTOP)
    cite.scroll_into_view_if_needed()
    shoot(page, f"calculator-citation{lang.replace('/', '-')}-1280")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{lang}/customers/logistics-software-team/")
    context.close()

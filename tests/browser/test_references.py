"""Customer stories in Chromium: the clip plays from the keyboard on a phone with its captions,
nothing of it loads before play, the transcript is there without JavaScript, the matched story
shows on the verdict and on a forwarded guide, and the reads and plays become signals."""

from __future__ import annotations

import time

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.browser.keyboard import active, tab_until

PHONE = {"width": 360, "height": 740}
STORY = "/customers/tidewater-payroll/"
ANSWERS = ("symptom=surprise_churn&visibility=usage_unread&trigger=new_leader&size=200_999"
           "&billing=annual&crm=salesforce&hosting=cloud_ok&role=cs_leader")


def rows_of(live, kind: str, n: int, timeout: float = 8.0) -> list[dict]:
    deadline = time.monotonic() + timeout
    while True:
        rows = [r for r in live.store.rows() if r["kind"] == kind]
        if len(rows) >= n or time.monotonic() > deadline:
            return rows
        time.sleep(0.1)


def test_story_clip_plays_from_the_keyboard_with_captions_on_a_phone(people, live):
    context = people.new_context(viewport=PHONE)
    page = context.new_page()
    media: list[str] = []
    foreign: list[str] = []
    page.on("request", lambda r: media.append(r.url) if "/customers/files/" in r.url else None)
    page.on("request", lambda r: None if r.url.startswith((live.url, "data:", "about:"))
            else foreign.append(r.url))
    page.goto(live.url + STORY + "#v=fit&b=retain_expand")
    page.wait_for_load_state("networkidle")
    # the clip waits for play; only its captions (under 1 KB, on by default) load with the page
    assert not [u for u in media if u.endswith(".webm")]
    assert page.evaluate("document.querySelector('video').preload") == "none"
    assert page.evaluate("document.body.scrollWidth") <= PHONE["width"]
    assert_accessible(page)

    tab_until(page, lambda e: e[0] == "VIDEO")
    page.keyboard.press("Space")
    deadline = time.monotonic() + 15
    while page.evaluate("() => document.querySelector('video').currentTime") <= 1:
        assert time.monotonic() < deadline, "the clip did not play"
        time.sleep(0.1)
    assert page.evaluate("document.querySelector('video').paused") is False
    cues = page.evaluate("""() => new Promise((done) => {
        const t = document.querySelector('video').textTracks[0];
        const check = () => (t.cues && t.cues.length
          ? done([t.mode, t.cues.length, t.cues[0].text]) : setTimeout(check, 100));
        check(); })""")
    assert cues[0] == "showing" and cues[1] == 9
    assert cues[2].startswith("A demo clip, made from Tidewater Payroll's")
    assert any(u.endswith(".webm") for u in media) and foreign == []
    assert context.cookies() == []

    viewed = rows_of(live, "reference_viewed", 1)
    played = rows_of(live, "reference_played", 1)
    assert (viewed[0]["subject"], viewed[0]["verdict"], viewed[0]["bucket"]) == \
        ("tidewater-payroll", "fit", "retain_expand")
    assert played[0]["props"] == '{"quartile":0}' and played[0]["verdict"] == "fit"
    context.close()


def test_transcript_and_figures_without_javascript(people, live):
    context = people.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(live.url + STORY)
    transcript = page.locator(".transcript")
    expect(transcript).to_contain_text("That list paid for itself with the first renewal we kept")
    expect(page.locator(".story-figures")).to_contain_text("7 weeks")
    expect(page.locator(".story-figures")).to_contain_text("Source: Tidewater's finance team")
    expect(page.locator(".contact").first).to_contain_text("Talk to Priya Anand")
    context.close()


def test_the_fit_verdict_for_a_200_person_company_shows_its_story(people, live):
    context = people.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(live.url + "/diagnostics/renewal-risk-check/result/?" + ANSWERS)
    stories = page.locator("section.stories")
    expect(stories.locator("li").first).to_contain_text(
        "A company of your size with the same problem and the same reason to act")
    expect(stories.locator("li").first).to_contain_text("Tidewater Payroll")
    assert stories.locator("li").count() == 2
    assert_accessible(page)
    page.goto(live.url + "/diagnostics/renewal-risk-check/result/?"
              + ANSWERS.replace("surprise_churn", "thin_pipeline"))
    expect(page.locator("h1")).to_contain_text("not the right answer")
    assert page.locator("section.stories").count() == 0  # no persuasion after an honest no
    context.close()


def test_a_forwarded_guide_matches_the_senders_answers(people, live):
    context = people.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(live.url + "/guides/cfo/#d=renewal-risk-check&v=fit&b=efficiency&t=mandate"
              "&sz=50_199")
    box = page.locator("section.stories")
    expect(box).to_be_visible()
    card = box.locator("li:visible")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("A company of your size with the same problem")
    href = card.locator("a").get_attribute("href")
    assert href.startswith("/customers/logistics-software-team/#v=fit&b=efficiency&j=")
    assert_accessible(page)
    for fragment in ("v=not_a_fit&b=retain_expand", "v=fit&b=made_up", "v=fit", ""):
        page.goto(live.url + "/guides/security/#" + fragment)
        page.wait_for_load_state("networkidle")
        expect(box).to_be_hidden()
    page.goto(live.url + "/guides/security/#v=not_now&b=retain_expand&sz=999&t=x")
    expect(box.locator("li:visible")).to_have_count(2)
    expect(box.locator("li:visible").first).to_contain_text("Tidewater Payroll")
    # the size in the link is not one we know: the match is made without it, and says so
    expect(box.locator("li:visible").first).to_contain_text(
        "The same problem (matched without your company's size)")
    assert active(page)  # the page still answers the keyboard
    page.goto(live.url + "/calculators/renewal-roi/#d=renewal-risk-check&v=fit&b=retain_expand"
              "&t=mandate")
    expect(box.locator("li:visible").first).to_contain_text("Lanternfish Learning")
    expect(box.locator("li:visible").first).to_contain_text(
        "The same problem and the same reason to act (matched without your company's size)")
    assert_accessible(page)
    context.close()

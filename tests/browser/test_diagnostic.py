"""A prospect takes the diagnostic in a real browser: keyboard only, without JS, on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.browser.keyboard import choose, press_button

SLUG = "renewal-risk-check"
BASE = {"symptom": "surprise_churn", "visibility": ["usage_unread", "risk_from_customer"],
        "trigger": "new_leader", "size": "50_199", "billing": "annual", "crm": "hubspot",
        "hosting": "cloud_ok", "role": "cs_leader", "group": ["cfo", "security"]}
STEPS = [("symptom", "visibility"), ("trigger",), ("size", "billing", "crm", "hosting"),
         ("role", "group")]
VERDICTS = {
    "fit": (BASE, "This looks like a good fit, and the timing is real"),
    "not_now": ({**BASE, "trigger": "researching"}, "A good fit, but not urgent yet"),
    "not_a_fit": ({**BASE, "symptom": "thin_pipeline", "visibility": ["none_of_these"]},
                  "Harborline is probably not the right answer for you"),
}


def answer_by_keyboard(page, answers: dict) -> None:
    for qids in STEPS:
        for qid in qids:
            values = answers[qid] if isinstance(answers[qid], list) else [answers[qid]]
            for v in values:
                choose(page, qid, v)
        press_button(page, "See my result" if qids == STEPS[-1] else "Next")


def answer_by_pointer(page, answers: dict) -> None:
    for qids in STEPS:
        for qid in qids:
            values = answers[qid] if isinstance(answers[qid], list) else [answers[qid]]
            for v in values:
                page.check(f"input[name='{qid}'][value='{v}']")
        page.get_by_role("button", name="See my result" if qids == STEPS[-1] else "Next").click()


@pytest.mark.parametrize("verdict", list(VERDICTS), ids=list(VERDICTS))
def test_keyboard_only_reaches_each_verdict(page, live, own_origin_only, verdict):
    answers, title = VERDICTS[verdict]
    page.goto(live.url + "/")
    press_button(page, "Check if this is your problem")
    expect(page.get_by_role("heading", level=1)).to_have_text("What you are seeing")
    answer_by_keyboard(page, answers)
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator(".reasons li").first).to_be_visible()


@pytest.mark.parametrize("verdict", list(VERDICTS), ids=list(VERDICTS))
def test_without_javascript_reaches_each_verdict(browser, live, verdict):
    answers, title = VERDICTS[verdict]
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live.url}/diagnostics/{SLUG}/")
    answer_by_pointer(page, answers)
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    assert context.cookies() == []
    context.close()


def test_back_keeps_answers_and_errors_are_named(browser, live):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live.url}/diagnostics/{SLUG}/")
    page.get_by_role("button", name="Next").click()
    expect(page.locator(".error-summary")).to_contain_text("Choose one answer.")
    expect(page.locator("#symptom-error")).to_contain_text("Choose one answer.")
    expect(page.locator("#visibility-error")).to_contain_text("Choose at least one answer.")
    page.check("input[name='symptom'][value='flat_expansion']")
    page.check("input[name='visibility'][value='usage_unread']")
    page.get_by_role("button", name="Next").click()
    page.check("input[name='trigger'][value='board_target']")
    page.get_by_role("button", name="Back").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What you are seeing")
    expect(page.locator("input[name='symptom'][value='flat_expansion']")).to_be_checked()
    page.get_by_role("button", name="Next").click()
    expect(page.locator("input[name='trigger'][value='board_target']")).to_be_checked()
    context.close()


def test_axe_finds_no_violations_on_home_step_and_result(page, live, own_origin_only):
    page.goto(live.url + "/")
    assert_accessible(page)
    page.goto(f"{live.url}/diagnostics/{SLUG}/")
    assert_accessible(page)
    page.get_by_role("button", name="Next").click()  # the step with its error messages
    assert_accessible(page)
    answer_by_pointer(page, BASE)
    expect(page.get_by_role("heading", level=1)).to_have_text(VERDICTS["fit"][1])
    assert_accessible(page)


@pytest.mark.parametrize("path", ["/", f"/diagnostics/{SLUG}/"], ids=["home", "step"])
def test_fits_a_360px_screen(browser, live, path):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(live.url + path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()

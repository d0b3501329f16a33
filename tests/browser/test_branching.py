"""The demo's branch taken both ways, keyboard only, with JavaScript (the frozen page scoring
against the endpoint) and without it (the server's step pages): the follow-up about warning
time appears, quoting the symptom, only after "surprise cancellations"."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.browser.keyboard import choose, press_button, tab_until
from tests.browser.test_diagnostic import BASE, STEPS
from tests.browser.test_static_build import journey_of, press, rows_of, site  # noqa: F401

SLUG = "renewal-risk-check"
QUOTE = ("You said: “Customers we thought were healthy cancelled, and we found out at renewal "
         "time.”")
PATHS = {
    "churn": ({**BASE, "warning_time": "under_30_days"}, True),
    "flat": ({**BASE, "symptom": "flat_expansion"}, False),
}
TITLE = "This looks like a good fit, and the timing is real"


def answer(page, qids, answers: dict) -> None:
    for qid in qids:
        if qid in answers:
            for v in answers[qid] if isinstance(answers[qid], list) else [answers[qid]]:
                choose(page, qid, v)


@pytest.mark.parametrize("path", list(PATHS), ids=list(PATHS))
def test_both_paths_with_javascript(page, site, path):  # noqa: F811
    answers, follow_up = PATHS[path]
    page.goto(f"{site.url}/diagnostics/{SLUG}/")
    journey = journey_of(page)
    steps = [STEPS[0], (*STEPS[1], "warning_time"), *STEPS[2:]]
    for i, qids in enumerate(steps):
        answer(page, qids, answers)
        if i == 1:
            fs = page.locator("fieldset[data-question='warning_time']")
            if follow_up:
                expect(fs).to_be_visible()
                expect(fs.locator(".hint")).to_contain_text(QUOTE)
                assert_accessible(page)
            else:
                expect(fs).to_be_hidden()
        press(page, "See my result" if i == len(steps) - 1 else "Next")
    expect(page.locator("[data-outcome='fit'] h1")).to_have_text(TITLE)
    rows = rows_of(site, journey, 5)
    assert sorted(r["kind"] for r in rows) == [
        "diagnostic_completed", "diagnostic_started"] + ["step_reached"] * 3


@pytest.mark.parametrize("path", list(PATHS), ids=list(PATHS))
def test_both_paths_without_javascript(browser, live, path):
    answers, follow_up = PATHS[path]
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live.url}/diagnostics/{SLUG}/")
    answer(page, STEPS[0], answers)
    press_button(page, "Next")
    expect(page.locator("#progress-label")).to_contain_text("Step 2 of 4")
    if follow_up:
        expect(page.locator("fieldset", has_text="How long before")).to_contain_text(QUOTE)
    else:
        assert page.locator("input[name='warning_time']").count() == 0
    answer(page, (*STEPS[1], "warning_time"), answers)
    for qids in STEPS[2:]:
        press_button(page, "Next")
        answer(page, qids, answers)
    press_button(page, "See my result")
    expect(page.locator("h1")).to_have_text(TITLE)
    tab_until(page, lambda e: e[0] == "A")  # the result page is reachable by keyboard
    context.close()


def test_the_server_step_with_the_follow_up_is_accessible(page, live):
    """axe needs script, so it runs on the server's step page in a browser that has it."""
    page.goto(f"{live.url}/diagnostics/{SLUG}/")
    answer(page, STEPS[0], BASE)
    press_button(page, "Next")
    expect(page.locator("fieldset", has_text="How long before")).to_contain_text(QUOTE)
    assert_accessible(page)

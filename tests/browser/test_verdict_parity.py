"""The static pages' JavaScript shows the same verdict and reasons as the scoring function,
for every row of `buyerkit explain` (the vectors of tests/pages/test_verdict_parity.py).

The frozen diagnostic runs in Chromium against the endpoint on another origin; each answer
set is ticked as a person would, and the verdict and reasons the page reveals are read back.
"""

from __future__ import annotations

import pytest

from buyerkit.content.scoring import check_answers, score
from tests.browser.test_static_build import site  # noqa: F401 (the frozen site fixture)
from tests.pages.test_verdict_parity import DEMO, EXPLAIN_VECTORS, SLUG


def shown(page) -> tuple[str, tuple[str, ...]]:
    """The verdict block the page revealed and the reasons it listed, as codes."""
    page.locator("#result").wait_for(state="visible", timeout=15_000)
    verdict = page.locator("#result [data-outcome]:not([hidden])").first \
        .get_attribute("data-outcome")
    texts = page.locator("#reasons li").all_inner_texts()
    codes = {text: code for code, text in DEMO.scoring.reasons.items()}
    return verdict, tuple(codes[t.strip()] for t in texts)


def tick(page, answers: dict[str, tuple[str, ...]]) -> None:
    """Answer step by step with the pointer, pressing each step's own button."""
    for step in DEMO.steps:
        for q in step.questions:
            for v in answers.get(q.id, ()):
                page.check(f"input[name='{q.id}'][value='{v}']")
        page.locator("section.step:not([hidden]) button[data-go='next']").click()


def test_the_static_pages_show_what_the_scorer_decides(page, site):  # noqa: F811
    seen = set()
    for answers in EXPLAIN_VECTORS:
        page.goto(f"{site.url}/diagnostics/{SLUG}/")
        tick(page, answers)
        result = score(DEMO, check_answers(DEMO, {q: list(v) for q, v in answers.items()})[0])
        assert shown(page) == (result.verdict, result.codes), answers
        seen.add(result.verdict)
    assert seen == {"fit", "not_now", "not_a_fit"}


@pytest.fixture
def page(page):
    page.set_default_timeout(15_000)
    return page


def test_the_static_result_shows_the_target_profile(page, site):  # noqa: F811
    too_small = {"symptom": ("surprise_churn",), "visibility": ("usage_unread",),
                 "trigger": ("new_leader",), "size": ("under_50",), "billing": ("annual",),
                 "crm": ("salesforce",), "hosting": ("cloud_ok",), "role": ("founder",)}
    page.goto(f"{site.url}/diagnostics/{SLUG}/")
    tick(page, too_small)
    assert shown(page)[1] == ("too_small_yet",)
    profile = page.locator("#result dl.profile")
    assert profile.is_visible() and "50 to 199; 200 to 999" in profile.inner_text()

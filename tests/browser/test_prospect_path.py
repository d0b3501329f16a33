"""The prospect's path as a person on a phone (360 x 740) and a laptop (1280 x 800) meets it:
answers in view, verdicts that lead somewhere, nothing cut off, focus where the eye is."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from tests.browser import test_static_build as static_build
from tests.browser.conftest import PERSON_UA, assert_accessible
from tests.browser.test_diagnostic import BASE, STEPS, VERDICTS, answer_by_pointer

SLUG = "renewal-risk-check"
SIZES = {"phone": {"width": 360, "height": 740}, "laptop": {"width": 1280, "height": 800}}
ROI, SIM = "renewal-roi", "life-after-harborline"


@pytest.fixture(params=list(SIZES))
def view(request, browser):
    """A fresh context at one of the two sizes, clipboard allowed (copy-link is tested)."""
    context = browser.new_context(viewport=SIZES[request.param],
                                  permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.size = request.param
    yield page
    context.close()


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"), page.url


def box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


def verdict_url(answers: dict) -> str:
    pairs = [(k, x) for k, v in answers.items() for x in (v if isinstance(v, list) else [v])]
    return f"/diagnostics/{SLUG}/result/?{urlencode(pairs)}"


def completions(live) -> int:
    return len(live.store.rows(kind="diagnostic_completed"))


# ---- verdicts that act --------------------------------------------------------------------

def test_the_verdict_reloads_without_resubmitting_and_records_once(view, live):
    page = view
    page.goto(f"{live.url}/diagnostics/{SLUG}/")
    before = completions(live)
    answer_by_pointer(page, {**BASE, "group": ["security", "it"]})
    expect(page.get_by_role("heading", level=1)).to_have_text(VERDICTS["fit"][1])
    assert re.search(rf"/diagnostics/{SLUG}/result/\?symptom=surprise_churn&", page.url)
    assert completions(live) == before + 1
    page.reload()  # a GET: no "resend the form?" and nothing stored
    expect(page.get_by_role("heading", level=1)).to_have_text(VERDICTS["fit"][1])
    assert completions(live) == before + 1
    # The share list puts the roles ticked first, in the order ticked, and says so.
    roles = page.locator(".share-item").evaluate_all("els => els.map(e => e.dataset.role)")
    assert roles[:2] == ["security", "it"] and roles[-1] == "kit"
    expect(page.locator(".share-item[data-role='security'] [data-ticked]")).to_be_visible()
    expect(page.locator(".share-item[data-role='cfo'] [data-ticked]")).to_be_hidden()
    no_sideways_scroll(page)
    assert_accessible(page)


def test_next_steps_link_to_the_guide_calculator_and_contact_they_name(view, live):
    page = view
    page.goto(live.url + verdict_url(BASE))
    steps = page.locator(".verdict-next a")
    hrefs = steps.evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert hrefs[0].startswith("/guides/cfo/#d=renewal-risk-check&v=fit&b=retain_expand")
    assert hrefs[1].startswith("/guides/security/#d=")
    assert hrefs[2].startswith("/calculators/renewal-roi/#d=")
    assert hrefs[3] == "#contact-h"
    page.locator(".verdict-next a", has_text="Talk to us").click()
    expect(page.locator("#contact-h")).to_be_in_viewport()
    page.locator(".verdict-next a", has_text="the guide for your CFO").click()
    expect(page).to_have_url(re.compile(r"/guides/cfo/"))
    expect(page.locator("#team-numbers")).to_be_visible()  # it opens with the result


def test_copy_link_and_email_share_a_guide_with_the_result_and_group(view, live):
    page = view
    page.goto(live.url + verdict_url(BASE))
    item = page.locator(".share-item[data-role='cfo']")
    item.get_by_role("button", name=re.compile("Copy link")).click()
    expect(page.locator("[data-share-status]")).to_contain_text("Link copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/guides/cfo/#d=renewal-risk-check&v=fit"
                        r"&b=retain_expand&sz=50_199&t=authority_shift&g=[0-9a-f-]{36}", copied)
    email = item.get_by_role("link", name=re.compile("E-mail"))
    email.focus()
    href = email.get_attribute("href")
    assert href.startswith("mailto:?subject=For%20our%20CFO")
    assert "guides%2Fcfo%2F%23d%3Drenewal-risk-check" in href and "%26j%3D" not in href


def test_not_a_fit_links_what_would_help_and_asks_for_no_domain(view, live):
    page = view
    page.goto(live.url + verdict_url({**BASE, "size": "under_50"}))
    expect(page.get_by_role("heading", level=1)).to_have_text(VERDICTS["not_a_fit"][1])
    expect(page.locator("#domain")).to_have_count(0)
    expect(page.get_by_text("Taking this with colleagues?")).to_have_count(0)
    links = page.locator(".alternatives a").evaluate_all(
        "els => els.map(e => e.getAttribute('href'))")
    assert "/compare/#alt-do-nothing-h" in links
    expect(page.locator(".verdict-next a[href='/compare/']")).to_be_visible()
    no_sideways_scroll(page)
    assert_accessible(page)


@pytest.mark.parametrize("query", [
    "symptom=gone_option&trigger=new_leader",                 # an answer that no longer exists
    "symptom=%3Cscript%3E&size=" + "9" * 300,                  # hostile values
])
def test_a_stale_or_hostile_verdict_link_says_so_and_never_fails(page, live, query):
    r = page.goto(f"{live.url}/diagnostics/{SLUG}/result/?{query}")
    assert r.status == 400
    expect(page.get_by_role("heading", level=1)).to_have_text("This result link could not be read")
    expect(page.get_by_role("link", name="Take the check")).to_be_visible()


def test_a_role_that_no_longer_exists_keeps_the_verdict_with_a_notice(page, live):
    page.goto(live.url + verdict_url({**BASE, "group": ["cfo", "board_of_wizards"]}))
    expect(page.get_by_role("heading", level=1)).to_have_text(VERDICTS["fit"][1])
    expect(page.locator(".notice")).to_contain_text("older version of the check")
    assert page.locator(".share-item").first.get_attribute("data-role") == "cfo"


# ---- forms as GOV.UK does them --------------------------------------------------------------

def test_primary_action_first_focus_on_heading_then_on_the_error_summary(view, live):
    page = view
    page.goto(f"{live.url}/diagnostics/{SLUG}/")
    label = box(page, "#progress-label")
    line = float(page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('#progress-label')).lineHeight)"))
    assert label["height"] <= line * 1.2  # one line, on the phone too
    for qid in STEPS[0]:
        for v in BASE[qid] if isinstance(BASE[qid], list) else [BASE[qid]]:
            page.check(f"input[name='{qid}'][value='{v}']")
    page.get_by_role("button", name=re.compile("^Next")).click()
    expect(page.locator("h1")).to_be_focused()
    nxt, back = box(page, "button[value='next']"), box(page, "button[value='back']")
    if page.size == "laptop":
        assert nxt["x"] < back["x"] and abs(nxt["y"] - back["y"]) < 2  # side by side, Next first
    else:
        assert nxt["y"] <= back["y"] and nxt["x"] <= back["x"]
    page.get_by_role("button", name=re.compile("^Next")).click()  # nothing chosen
    expect(page.locator(".error-summary")).to_be_focused()
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    no_sideways_scroll(page)


def test_a_problem_card_carries_the_problem_into_step_one(view, live):
    page = view
    page.goto(live.url + "/")
    hero = page.locator(".hero .button")
    expect(hero).to_be_in_viewport()
    assert box(page, ".hero .button")["y"] + 44 <= SIZES[page.size]["height"]
    page.locator(".card a[href$='?symptom=surprise_churn']").click()
    expect(page.locator("input[name='symptom'][value='surprise_churn']")).to_be_checked()
    page.goto(f"{live.url}/diagnostics/{SLUG}/?symptom=no_such_thing")  # stale: starts blank
    expect(page.locator("input[name='symptom']:checked")).to_have_count(0)


# ---- calculators lead with their answer ------------------------------------------------------

def test_the_headline_stays_in_view_while_each_input_has_focus(view, live):
    page = view
    page.goto(f"{live.url}/calculators/{ROI}/")
    expect(page.locator("form[data-ready='true']")).to_have_count(1)
    headline = page.locator("[data-headline]")
    expect(headline).to_have_text(re.compile(r"^Conservative: \d"))
    expect(page.locator("[data-headline-range]")).to_contain_text("Expected:")
    height = SIZES[page.size]["height"]
    for field in page.locator("form[data-calculator] input[type='text']").all():
        field.focus()
        h, f = box(page, ".calc-headline"), field.bounding_box()
        assert 0 <= h["y"] and h["y"] + h["height"] <= height, field.get_attribute("name")
        # Focus scrolls the field to the edge: allow the sub-pixel rounding of that scroll.
        assert f["y"] >= h["y"] + h["height"] - 1 and f["y"] + f["height"] <= height + 1
    before = headline.inner_text()
    page.locator("#f-i-arr").fill("30000000")
    expect(headline).not_to_have_text(before)
    no_sideways_scroll(page)


def test_a_bad_field_keeps_the_other_results_and_names_what_it_blocks(view, live):
    page = view
    page.goto(f"{live.url}/calculators/{ROI}/")
    expect(page.locator("form[data-ready='true']")).to_have_count(1)
    page.locator("#f-i-csm_count").fill("abc")
    blocked = page.locator("[data-output].blocked")
    expect(blocked.first).to_contain_text("Not worked out: check")
    expect(page.locator("[data-headline]")).to_have_class("blocked")
    shown = page.locator("[data-output]:not(.blocked)")
    assert shown.count() >= 1 and all(re.search(r"\d", t) for t in shown.all_inner_texts())
    assert blocked.count() < page.locator("[data-output]").count()
    expect(page.locator("#results-body")).to_be_visible()


def test_without_javascript_a_bad_field_keeps_the_other_results(browser, live):
    context = browser.new_context(java_script_enabled=False, viewport=SIZES["phone"])
    page = context.new_page()
    r = page.goto(f"{live.url}/calculators/{ROI}/?i.csm_count=abc")
    assert r.status == 400
    expect(page.locator("[data-output].blocked").first).to_contain_text("Not worked out")
    assert page.locator("[data-output]:not(.blocked)").count() >= 1
    no_sideways_scroll(page)
    context.close()


def test_charts_are_redrawn_for_the_width_with_text_of_12_px_or_more(view, live):
    page = view
    page.goto(f"{live.url}/calculators/{SIM}/")
    expect(page.locator("form[data-ready='true']")).to_have_count(1)
    figures = page.locator("figure[data-chart]")
    assert figures.count() == 2  # amounts per month apart from the running total
    for svg in page.locator("figure[data-chart] .chart-box svg").all():
        scale = svg.evaluate("s => s.getBoundingClientRect().width / s.viewBox.baseVal.width")
        assert 0.98 <= scale <= 1.02
        sizes = svg.locator("text").evaluate_all(
            "ts => ts.map(t => parseFloat(getComputedStyle(t).fontSize))")
        assert sizes and min(sizes) >= 12
    title = page.locator("figure[data-chart] title").first.text_content()
    assert title.startswith("Month by month, as a chart:")
    expect(page.locator(".legend").last).to_contain_text(
        "The cumulative net gain turns positive in the marked month")
    no_sideways_scroll(page)
    assert_accessible(page)


# ---- intent pages and the 404 ---------------------------------------------------------------

def test_every_plan_has_an_action_and_tables_scroll_in_a_labelled_box(view, live):
    page = view
    page.goto(f"{live.url}/pricing/")
    tiers = page.locator(".tiers > li")
    for tier in tiers.all():
        expect(tier.locator(".tier-actions a")).to_have_attribute("href", "#contact-h")
    wrap = page.locator(".table-wrap").first
    expect(wrap).to_have_attribute("role", "region")
    assert wrap.get_attribute("aria-label") or wrap.get_attribute("aria-labelledby")
    no_sideways_scroll(page)
    for path in ("/guides/cfo/", "/guides/security/", "/guides/it/", "/kit/", "/compare/"):
        page.goto(live.url + path)
        no_sideways_scroll(page)


def test_the_404_page_wears_the_site_chrome_and_points_onwards(view, live):
    page = view
    r = page.goto(f"{live.url}/no/such/page/")
    assert r.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    for href in ("/diagnostics/", "/guides/", "/pricing/"):
        expect(page.locator(f"main a[href='{href}']")).to_have_count(1)
    assert_accessible(page)


# ---- the frozen verdict shows the same blocks, and reloads too --------------------------------

site = static_build.site  # the frozen site on a static server, scoring against the endpoint


def blocks(page) -> list[tuple[str, str, list[str]]]:
    """Each visible verdict block: its kind, its text, and its links (minus our journey)."""
    out = []
    for b in page.locator("[data-block]:visible").all():
        hrefs = b.locator("a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
        out.append((b.get_attribute("data-block"), " ".join(b.inner_text().split()),
                    [re.sub(r"&j=[0-9a-f-]{36}", "", h) if not h.startswith("mailto:")
                     else "mailto" for h in hrefs]))
    return out


def test_the_frozen_verdict_has_the_same_blocks_and_reloads(browser, live, site):
    context = browser.new_context(viewport=SIZES["phone"], user_agent=PERSON_UA)
    page = context.new_page()
    answers = {**BASE, "group": ["security", "it"]}
    page.goto(live.url + verdict_url(answers))
    served = blocks(page)
    page.goto(f"{site.url}/diagnostics/{SLUG}/")
    journey = static_build.journey_of(page)
    static_build.answer_by_pointer(page, answers)
    expect(page.locator("[data-outcome='fit'] h1")).to_be_focused()
    frozen = blocks(page)
    assert [b[0] for b in served] == ["next", "share"]
    assert frozen == served
    assert "e=" in page.url and "a.symptom=surprise_churn" in page.url

    def completed() -> int:  # every completion the endpoint holds (it answers after storing)
        return len(site.endpoint.store.rows(kind="diagnostic_completed"))

    ours = [r for r in static_build.rows_of(site, journey, 1)
            if r["kind"] == "diagnostic_completed"]
    assert len(ours) == 1
    before = completed()
    page.reload()  # the fragment holds the answers: the same verdict, asked under the same id
    expect(page.locator("[data-outcome='fit'] h1")).to_be_visible()
    assert blocks(page) == served
    assert completed() == before  # stored once: the endpoint keeps one event per id
    no_sideways_scroll(page)
    context.close()


# ---- long pages: a way through, progress, print --------------------------------------------

def test_long_guides_and_the_kit_open_with_a_contents_list_and_the_kit_counts(view, live):
    page = view
    page.goto(f"{live.url}/guides/cfo/")
    toc = page.get_by_role("navigation", name="On this page")
    expect(toc).to_be_visible()
    toc.get_by_role("link", name="What to do before a decision").click()
    expect(page.locator("#before-h")).to_be_in_viewport()
    page.goto(f"{live.url}/kit/")
    expect(page.get_by_role("navigation", name="On this page")).to_be_visible()
    boxes = page.locator("input[data-done]")
    total = boxes.count()
    status = page.locator("[data-checklist-status]")
    expect(status).to_have_text(f"0 of {total} done.")
    boxes.first.check()
    expect(status).to_contain_text(f"1 of {total} done.")
    expect(page.get_by_role("button", name=re.compile("^Print the checklist"))).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator(".checklist")).to_be_visible()
    expect(page.locator(".kit-role details").first).to_be_hidden()
    expect(page.locator(".toc")).to_be_hidden()
    no_sideways_scroll(page)

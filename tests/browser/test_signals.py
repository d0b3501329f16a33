"""Signals in real browsers: a buying group pooled through a shared link, abandonment sent on
pagehide, the company form, and nothing that identifies anyone in the store."""

from __future__ import annotations

import json
import time
import uuid

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.browser.keyboard import tab_until
from tests.browser.test_diagnostic import BASE, SLUG, STEPS, answer_by_pointer

SIGNAL = """async ([kind, subject, props, share]) => {
  const m = await import("/static/signals.js");
  const g = share ? m.ensureGroup() : m.groupToken();
  return [g, await m.signal(kind, subject, props)];
}"""


def wait_for(fetch, timeout: float = 10.0):
    """Poll the store until `fetch()` returns something truthy (beacons are asynchronous)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = fetch()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError("the store never held the expected rows")


def test_a_buying_group_is_pooled_through_a_shared_link(people, live):
    # The champion completes the check, then shares a guide: that makes the group token.
    champion = people.new_context()
    a = champion.new_page()
    a.goto(f"{live.url}/diagnostics/{SLUG}/")
    answer_by_pointer(a, BASE)
    expect(a.get_by_role("heading", level=1)).to_contain_text("good fit")
    token, ok = a.evaluate(SIGNAL, ["guide_shared", "cfo",
                                    {"from_role": "champion", "means": "copy"}, True])
    assert ok and str(uuid.UUID(token)) == token

    # The CFO opens the shared link in another browser: no cookie, only the fragment.
    cfo = people.new_context()
    b = cfo.new_page()
    b.goto(f"{live.url}/diagnostics/{SLUG}/#g={token}")
    assert b.evaluate(SIGNAL, ["kit_opened", "kit", {}, False]) == [token, True]
    for qid in STEPS[0]:
        values = BASE[qid] if isinstance(BASE[qid], list) else [BASE[qid]]
        for v in values:
            b.check(f"input[name='{qid}'][value='{v}']")
    b.get_by_role("button", name="Next").click()
    expect(b.get_by_role("heading", level=1)).to_have_text("Why now")

    rows = wait_for(lambda: [r for r in live.store.rows() if r["grp"] == token]
                    if len([r for r in live.store.rows() if r["grp"] == token]) >= 3 else None)
    kinds = sorted(r["kind"] for r in rows)
    assert kinds == ["guide_shared", "kit_opened", "step_reached"]
    assert len({r["journey"] for r in rows}) == 2  # two people, one group
    assert {r["filtered"] for r in rows} == {None}
    assert champion.cookies() == [] and cfo.cookies() == []
    stored = json.dumps(live.store.rows())
    assert "127.0.0.1" not in stored and "Chrome" not in stored and "Mozilla" not in stored
    champion.close()
    cfo.close()


def test_leaving_at_step_two_sends_one_abandonment(people, live):
    context = people.new_context()
    page = context.new_page()
    page.goto(f"{live.url}/diagnostics/{SLUG}/")
    journey = page.locator("input[name='journey']").input_value()
    for qid in STEPS[0]:
        values = BASE[qid] if isinstance(BASE[qid], list) else [BASE[qid]]
        for v in values:
            page.check(f"input[name='{qid}'][value='{v}']")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Why now")
    # A module script runs after the page shows: wait until it listens for the page leaving.
    expect(page.locator("html")).to_have_attribute("data-diagnostic-ready", "true")
    page.get_by_role("link", name="Check your fit").click()  # leaves mid-way
    page.wait_for_load_state()

    def journey_rows():
        rows = live.store.rows(journey=journey)
        return rows if any(r["kind"] == "diagnostic_abandoned" for r in rows) else None

    rows = wait_for(journey_rows)
    got = sorted((r["kind"], json.loads(r["props"] or "{}").get("step"), r["filtered"])
                 for r in rows)
    assert got == [("diagnostic_abandoned", 2, None), ("diagnostic_started", None, None),
                   ("step_reached", 2, None)]  # a person's, beacon included: all counted
    context.close()


def test_a_headless_browser_is_answered_but_filtered(browser, live):
    context = browser.new_context()  # Playwright's own "HeadlessChrome" user agent
    page = context.new_page()
    page.goto(f"{live.url}/diagnostics/{SLUG}/")
    journey = page.locator("input[name='journey']").input_value()
    answer_by_pointer(page, BASE)
    expect(page.get_by_role("heading", level=1)).to_contain_text("good fit")
    rows = live.store.rows(journey=journey)
    assert {r["filtered"] for r in rows} == {"bot"} and len(rows) == 5
    context.close()


def test_company_form_by_keyboard_is_accessible_and_stores_a_hash(people, live):
    context = people.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"{live.url}/diagnostics/{SLUG}/")
    journey = page.locator("input[name='journey']").input_value()
    answer_by_pointer(page, BASE)
    tab_until(page, lambda e: e[1] == "domain")
    page.keyboard.type("jane@keelson.io")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("#domain-error")).to_contain_text("not an e-mail address")
    assert_accessible(page)
    page.fill("#domain", "")
    tab_until(page, lambda e: e[1] == "domain")
    page.keyboard.type("https://www.keelson.io/")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("results are pooled")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    (row,) = live.store.rows(journey=journey, kind="company_given")
    assert len(row["org"]) == 32 and "keelson" not in json.dumps(live.store.rows())
    context.close()


def test_the_honeypot_is_never_reached_by_tab(people, live):
    context = people.new_context()
    page = context.new_page()
    page.goto(f"{live.url}/diagnostics/{SLUG}/")
    seen = set()
    for _ in range(40):
        page.keyboard.press("Tab")
        seen.add(page.evaluate("document.activeElement.name || ''"))
    assert "_homepage" not in seen and "symptom" in seen
    assert not page.locator("input[name='_homepage']").is_visible() or \
        page.locator("input[name='_homepage']").bounding_box()["x"] < 0
    context.close()

"""Issue 5's walk-through, as a new user would do it, on an empty store: complete a
diagnostic and share a guide, open it in a second browser, abandon a diagnostic at step 2 in
a third. The store then holds exactly those events, pooled where they should be, and nothing
that identifies any of the three people."""

from __future__ import annotations

import json
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import expect

from tests.browser.conftest import PERSON_UA
from tests.browser.test_diagnostic import BASE, SLUG, STEPS

JOURNEY = "(async () => (await import('/static/signals.js')).journeyId())()"


def settle(live, n: int, timeout: float = 10.0) -> list[dict]:
    """The stored rows once there are `n` of them and no more arrive for a moment."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = live.store.rows()
        if len(rows) >= n:
            time.sleep(0.5)  # beacons are asynchronous: give a stray one time to land
            return live.store.rows()
        time.sleep(0.1)
    return live.store.rows()


def answer_step(page, step: int) -> None:
    for qid in STEPS[step]:
        values = BASE[qid] if isinstance(BASE[qid], list) else [BASE[qid]]
        for v in values:
            page.check(f"input[name='{qid}'][value='{v}']")


def test_three_people_leave_exactly_their_events_and_nothing_of_themselves(people, live):
    # 1. The champion completes the diagnostic, opens their guide and copies the CFO's link.
    champion = people.new_context(permissions=["clipboard-read", "clipboard-write"])
    a = champion.new_page()
    a.goto(f"{live.url}/diagnostics/{SLUG}/")
    for step in range(len(STEPS)):
        answer_step(a, step)
        a.get_by_role("button", name="See my result" if step == len(STEPS) - 1
                      else "Next").click()
    expect(a.get_by_role("heading", level=1)).to_contain_text("good fit")
    a.get_by_role("link", name="The guide for Champion", exact=True).click()
    expect(a.locator("html")).to_have_attribute("data-guide-ready", "true")
    a.get_by_label("What to share").select_option("cfo")
    a.get_by_role("button", name="Copy link").click()
    expect(a.locator("[data-share-status]")).to_have_text(
        "Link copied. Paste it into an e-mail or a chat.")
    link = a.evaluate("navigator.clipboard.readText()")
    group = parse_qs(urlsplit(link).fragment)["g"][0]
    a_journey = a.evaluate(JOURNEY)  # the diagnostic's, carried on to the guide
    champion_cookies = champion.cookies()
    champion.close()

    # 2. The CFO opens that link in a browser of their own.
    cfo = people.new_context()
    b = cfo.new_page()
    b.goto(link)
    expect(b.locator("html")).to_have_attribute("data-guide-ready", "true")
    b_journey = b.evaluate(JOURNEY)

    # 3. Someone else starts the diagnostic, reaches step 2 and leaves.
    visitor = people.new_context()
    c = visitor.new_page()
    c.goto(f"{live.url}/diagnostics/{SLUG}/")
    c_journey = c.locator("input[name='journey']").input_value()
    answer_step(c, 0)
    c.get_by_role("button", name="Next").click()
    expect(c.get_by_role("heading", level=1)).to_have_text("Why now")
    expect(c.locator("html")).to_have_attribute("data-diagnostic-ready", "true")
    c.get_by_role("link", name="Check your fit").click()
    c.wait_for_load_state()

    rows = settle(live, 11)
    journeys = {"champion": a_journey, "cfo": b_journey, "visitor": c_journey}
    who = {v: k for k, v in journeys.items()}
    got = sorted((who.get(r["journey"], r["journey"]), r["kind"], r["subject"],
                  json.loads(r["props"] or "{}").get("step"), r["grp"] == group)
                 for r in rows)
    assert got == [
        ("cfo", "guide_viewed", "cfo", None, True),
        ("champion", "diagnostic_completed", SLUG, None, False),
        ("champion", "diagnostic_started", SLUG, None, False),
        ("champion", "guide_shared", "cfo", None, True),  # sharing makes the group
        ("champion", "guide_viewed", "champion", None, False),  # before there was one
        ("champion", "step_reached", SLUG, 2, False),
        ("champion", "step_reached", SLUG, 3, False),
        ("champion", "step_reached", SLUG, 4, False),
        ("visitor", "diagnostic_abandoned", SLUG, 2, False),
        ("visitor", "diagnostic_started", SLUG, None, False),
        ("visitor", "step_reached", SLUG, 2, False),
    ]
    assert {r["grp"] for r in rows} == {group, None}
    assert {r["filtered"] for r in rows} == {None}  # three people, all counted
    assert live.store.counts() == {"received": 11, "counted": 11, "filtered": 0}

    # Nothing of the three people: no cookie, and no address or browser in rows, file or WAL.
    assert [ctx.cookies() for ctx in (cfo, visitor)] == [[], []]
    cfo.close()
    visitor.close()
    assert champion_cookies == []
    database = Path(live.store.engine.url.database)
    stored = json.dumps(rows).encode() + b"".join(
        p.read_bytes() for p in (database, Path(f"{database}-wal")) if p.exists())
    for canary in ("127.0.0.1", PERSON_UA, "Mozilla", "Chrome/131", "X11; Linux"):
        assert canary.encode() not in stored, canary

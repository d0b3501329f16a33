"""The frozen site on a plain static server, scoring against the endpoint on another origin.

`python -m http.server` serves build/ in a subprocess; the API-only app runs in a thread on a
second port and can be stopped and started again, as a vendor's endpoint might go down.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from buyerkit.cli import make_private_server
from buyerkit.freeze.build import freeze_site
from tests.browser.conftest import DEMO_CONTENT, assert_accessible, make_app
from tests.browser.keyboard import active, choose, tab_until
from tests.browser.test_diagnostic import BASE, STEPS, VERDICTS

SLUG = "renewal-risk-check"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


class Endpoint:
    """The API-only app on a fixed port, in a thread; stop() and start() it at will."""

    def __init__(self, app, port: int) -> None:
        self.app, self.port = app, port
        self.url = f"http://127.0.0.1:{port}"
        self.server = None
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        self.server = make_private_server("127.0.0.1", self.port, self.app)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.thread.join(timeout=5)
            self.server = None

    @property
    def store(self):
        return self.app.extensions["buyerkit.store"]


class StaticSite:
    def __init__(self, build: Path, endpoint: Endpoint, port: int) -> None:
        self.build, self.endpoint, self.port = build, endpoint, port
        self.url = f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StaticSite]:
    tmp = tmp_path_factory.mktemp("static")
    content = tmp / "content"
    shutil.copytree(DEMO_CONTENT, content)
    api_port, static_port = free_port(), free_port()
    freezer_app = make_app(tmp / "f", content)
    freeze_site(freezer_app, tmp / "build", f"http://127.0.0.1:{api_port}")
    freezer_app.extensions["buyerkit.store"].dispose()
    endpoint = Endpoint(make_app(tmp / "e", content, API_ONLY=True,
                                 ALLOWED_ORIGINS=[f"http://127.0.0.1:{static_port}"]), api_port)
    endpoint.start()
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", "--directory",
         str(tmp / "build"), str(static_port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(f"http://127.0.0.1:{static_port}/")
        yield StaticSite(tmp / "build", endpoint, static_port)
    finally:
        server.terminate()
        server.wait(timeout=10)
        endpoint.stop()
        endpoint.store.dispose()


@pytest.fixture
def two_origins(page, site: StaticSite) -> Iterator[list[str]]:
    """Fail the test if the page asks anything of a third origin."""
    foreign: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(
        (site.url + "/", site.endpoint.url + "/", "data:", "about:")) else foreign.append(r.url))
    yield foreign
    assert foreign == [], f"requests to other origins: {foreign}"


def rows_of(site: StaticSite, journey: str, count: int, timeout: float = 10.0) -> list[dict]:
    """The stored events of one journey, waiting (bounded) until there are `count` of them."""
    deadline = time.monotonic() + timeout
    while True:
        rows = [r for r in site.endpoint.store.rows() if r["journey"] == journey]
        if len(rows) >= count or time.monotonic() > deadline:
            return rows
        time.sleep(0.1)


def press(page, text: str) -> None:
    """Tab to a button by its text and press Enter (the static page does not navigate)."""
    tab_until(page, lambda e: e[0] in ("BUTTON", "A") and e[4].startswith(text))
    page.keyboard.press("Enter")


def answer_step_by_keyboard(page, qids, answers: dict, last: bool) -> None:
    for qid in qids:
        for v in values_of(answers, qid):
            choose(page, qid, v)
    press(page, "See my result" if last else "Next")


def values_of(answers: dict, qid: str) -> list[str]:
    return answers[qid] if isinstance(answers[qid], list) else [answers[qid]]


def answer_by_pointer(page, answers: dict) -> None:
    """Tick every answer, step by step, pressing the step's own button."""
    for qids in STEPS:
        for qid in qids:
            for v in values_of(answers, qid):
                page.check(f"input[name='{qid}'][value='{v}']")
        page.locator("section.step:not([hidden]) button[data-go='next']").click()


def journey_of(page) -> str:
    """The journey id the page made (every event of this visit carries it)."""
    return page.evaluate("import('/static/signals.js').then(m => m.eventBody('x', 'y').journey)")


@pytest.mark.parametrize("verdict", list(VERDICTS), ids=list(VERDICTS))
def test_keyboard_only_verdict_and_events_on_two_origins(page, site, two_origins, verdict):
    answers, title = VERDICTS[verdict]
    page.goto(site.url + "/")
    tab_until(page, lambda e: e[0] == "A" and e[4].startswith("Check if this is your problem"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("section.step:not([hidden]) h1")).to_have_text("What you are seeing")
    journey = journey_of(page)
    for i, qids in enumerate(STEPS):
        answer_step_by_keyboard(page, qids, answers, last=i == len(STEPS) - 1)
        if i < len(STEPS) - 1:
            label = page.locator("#progress-label")
            expect(label).to_contain_text(f"Step {i + 2} of {len(STEPS)}:")
            assert active(page)[0] == "H1"  # focus moved to the new step's heading
    heading = page.locator(f"[data-outcome='{verdict}'] h1")
    expect(heading).to_have_text(title)
    expect(heading).to_be_focused()
    assert page.locator("#reasons li").count() >= 1
    assert page.context.cookies() == []
    rows = rows_of(site, journey, 5)
    kinds = sorted(r["kind"] for r in rows)
    assert kinds == ["diagnostic_completed", "diagnostic_started"] + ["step_reached"] * 3
    done = next(r for r in rows if r["kind"] == "diagnostic_completed")
    assert done["verdict"] == verdict and done["subject"] == SLUG


def test_not_a_fit_shows_only_the_alternatives_for_its_reasons(page, site, two_origins):
    answers = VERDICTS["not_a_fit"][0]
    page.goto(f"{site.url}/diagnostics/{SLUG}/")
    answer_by_pointer(page, answers)
    expect(page.locator("[data-outcome='not_a_fit'] h1")).to_be_visible()
    shown = page.locator("[data-next='not_a_fit'] .alternatives li:visible")
    expect(shown.first).to_be_visible()
    reasons = page.evaluate("[...document.querySelectorAll('#reasons li')].length")
    assert reasons >= 1
    # The page's matching agrees with Outcome.alternatives_for on the server.
    from buyerkit.content.catalog import load_catalog
    from buyerkit.content.scoring import check_answers, score
    d = load_catalog(DEMO_CONTENT).diagnostics[SLUG]
    result = score(d, check_answers(d, answers)[0])
    expected = [a.name for a in d.outcomes.not_a_fit.alternatives_for(result.codes)]
    assert [t.split(" — ")[0] for t in shown.all_inner_texts()] == expected


def test_endpoint_down_mid_way_nothing_is_lost(page, site, two_origins):
    page.goto(f"{site.url}/diagnostics/{SLUG}/")
    journey = journey_of(page)
    assert [r["kind"] for r in rows_of(site, journey, 1)] == ["diagnostic_started"]
    site.endpoint.stop()
    try:
        answer_by_pointer(page, BASE)
        status = page.locator("#score-status")
        expect(status).to_be_visible()
        expect(status).to_contain_text("We could not reach our scoring service")
        expect(status).to_contain_text("Your answers are still here on this page")
        expect(status).to_be_focused()
        waiting = page.evaluate("sessionStorage.getItem('buyerkit-outbox')")
        assert waiting.count('"step_reached"') == 3  # kept in the page until sent
        for qid in STEPS[-1]:
            for v in values_of(BASE, qid):
                expect(page.locator(f"input[name='{qid}'][value='{v}']")).to_be_checked()
        page.go_back()  # browser back: the previous step, answers still there
        expect(page.locator("section.step:not([hidden]) h1")).to_have_text("Your company")
        expect(page.locator("input[name='size'][value='50_199']")).to_be_checked()
        page.go_forward()
        expect(page.locator("section.step:not([hidden]) h1")).to_have_text("Who decides")
        page.get_by_role("button", name="See my result").click()
        expect(status).to_be_visible()
    finally:
        site.endpoint.start()
    page.get_by_role("button", name="Try again").click()
    expect(page.locator("[data-outcome='fit'] h1")).to_have_text(VERDICTS["fit"][1])
    rows = rows_of(site, journey, 5)
    assert sorted(r["kind"] for r in rows) == (
        ["diagnostic_completed", "diagnostic_started"] + ["step_reached"] * 3)
    page.wait_for_function("sessionStorage.getItem('buyerkit-outbox') === null")


def test_errors_are_named_inline_and_in_a_summary(page, site, two_origins):
    page.goto(f"{site.url}/diagnostics/{SLUG}/")
    page.get_by_role("button", name="Next").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Choose one answer.")
    expect(page.locator("#symptom-error")).to_contain_text("Choose one answer.")
    expect(page.locator("#visibility-error")).to_contain_text("Choose at least one answer.")
    assert page.title().startswith("Error: ")
    assert_accessible(page)
    page.check("input[name='symptom'][value='flat_expansion']")
    page.check("input[name='visibility'][value='usage_unread']")
    page.check("input[name='visibility'][value='none_of_these']")
    page.get_by_role("button", name="Next").click()
    expect(page.locator("#visibility-error")).to_contain_text(
        "'None of these' cannot be combined with other answers.")
    expect(page.locator("#symptom-error")).to_have_count(0)


def test_axe_on_step_and_result_and_it_fits_360px(browser, site):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"{site.url}/diagnostics/{SLUG}/")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    answer_by_pointer(page, BASE)
    expect(page.locator("[data-outcome='fit'] h1")).to_be_visible()
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.goto(site.url + "/")
    assert_accessible(page)
    context.close()


def wait_for_row(site: StaticSite, kind: str, subject: str, timeout: float = 10.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        rows = [r for r in site.endpoint.store.rows()
                if r["kind"] == kind and r["subject"] == subject]
        if rows or time.monotonic() > deadline:
            assert rows, f"no {kind} event for {subject} arrived"
            return rows[-1]
        time.sleep(0.1)


@pytest.mark.parametrize(("path", "kind", "subject"), [
    ("/calculators/renewal-roi/", "calculator_used", "renewal-roi"),
    ("/guides/cfo/", "guide_viewed", "cfo"),
], ids=["calculator", "guide"])
def test_other_pages_send_their_events_to_the_endpoint(page, site, two_origins, path, kind,
                                                       subject):
    page.goto(site.url + path)
    if kind == "calculator_used":
        page.fill("input[name='i.churn_rate']", "12")
    wait_for_row(site, kind, subject)
    assert page.context.cookies() == []

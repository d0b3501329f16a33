"""The hand-off as a prospect does it: fit verdict, consent, send — keyboard only, 360 px wide,
axe clean; the local receiver gets one signed request."""

from __future__ import annotations

import shutil
import time

import pytest

from buyerkit.api.openapi import example_answers
from tests.browser.conftest import LiveServer, assert_accessible
from tests.browser.keyboard import active, tab_until
from tests.conftest import DEMO_CONTENT, make_app
from tests.handoff.conftest import EMAIL, SLUG, Receiver, docs_verify


@pytest.fixture(scope="module")
def hook():
    r = Receiver()
    r.thread.start()
    yield r
    r.close()


@pytest.fixture(scope="module")
def handoff_live(tmp_path_factory, hook):
    from buyerkit.handoff.targets import new_secret

    tmp = tmp_path_factory.mktemp("handoff-live")
    shutil.copytree(DEMO_CONTENT, tmp / "content")
    secret = new_secret()
    app = make_app(tmp, tmp / "content", HANDOFF_TARGETS=[
        {"name": "hook", "type": "webhook", "url": hook.url, "secret": secret}])
    app.config["TEST_SECRET"] = secret
    with LiveServer(app) as server:
        yield server
    app.extensions["buyerkit.handoff"].close()


SUBMIT = """([action, pairs]) => {
  const f = document.createElement('form'); f.method = 'post'; f.action = action;
  for (const [k, v] of pairs) { const i = document.createElement('input');
    i.type = 'hidden'; i.name = k; i.value = v; f.appendChild(i); }
  document.body.appendChild(f); f.submit(); }"""


def test_fit_verdict_consent_send_by_keyboard(page, handoff_live, hook):
    app = handoff_live.app
    with app.app_context():
        from buyerkit.content.catalog import get_catalog

        d = get_catalog().diagnostics[SLUG]
        answers = example_answers(d)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{handoff_live.url}/diagnostics/{SLUG}/")
    pairs = [[k, v] for k, vs in answers.items() for v in (vs if isinstance(vs, list) else [vs])]
    with page.expect_navigation():
        page.evaluate(SUBMIT, [f"/diagnostics/{SLUG}/",
                               [*pairs, ["step", str(len(d.steps) - 1)], ["go", "next"]]])
    page.wait_for_load_state()
    assert page.locator("#handoff-h").inner_text() == "Send my result to the team"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page)

    # Keyboard only: Tab to the e-mail field, type, Tab to the consent box, Space, send.
    tab_until(page, lambda e: e[1] == "email")
    page.keyboard.type(EMAIL)
    tab_until(page, lambda e: e[1] == "consent")
    page.keyboard.press("Space")
    assert page.locator("#consent").is_checked()
    tab_until(page, lambda e: e[0] == "BUTTON" and e[4] == "Send my result")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "Sent to the Harborline team"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page)
    assert page.context.cookies() == []
    page.screenshot(path=str(handoff_live.app.instance_path) + "/handoff-360.png",
                    full_page=True)

    deadline = time.time() + 10
    while not hook.requests and time.time() < deadline:
        time.sleep(0.05)
    (got,) = hook.requests
    assert docs_verify()(app.config["TEST_SECRET"], got["headers"], got["body"]) is True
    assert active(page) is not None


def test_an_unticked_box_is_said_beside_it(page, handoff_live):
    app = handoff_live.app
    with app.app_context():
        from buyerkit.content.catalog import get_catalog

        d = get_catalog().diagnostics[SLUG]
        answers = example_answers(d)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{handoff_live.url}/diagnostics/{SLUG}/")
    pairs = [[k, v] for k, vs in answers.items() for v in (vs if isinstance(vs, list) else [vs])]
    with page.expect_navigation():
        page.evaluate(SUBMIT, [f"/diagnostics/{SLUG}/",
                               [*pairs, ["step", str(len(d.steps) - 1)], ["go", "next"]]])
    page.wait_for_load_state()
    tab_until(page, lambda e: e[1] == "email")
    page.keyboard.type(EMAIL)
    tab_until(page, lambda e: e[0] == "BUTTON" and e[4] == "Send my result")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    said = " ".join(page.locator("#consent-error").text_content().split())
    assert said == "Error: Tick the box to agree to send your result to the team."
    assert page.locator("#consent").get_attribute("aria-describedby") == "consent-error"
    assert_accessible(page)


# --- The frozen page: the form posts JSON to the endpoint on another origin ---------------

@pytest.fixture(scope="module")
def frozen(tmp_path_factory, hook):
    import subprocess
    import sys

    from buyerkit.freeze.build import freeze_site
    from buyerkit.handoff.targets import new_secret
    from tests.browser.test_static_build import Endpoint, StaticSite, free_port, wait_until_up

    tmp = tmp_path_factory.mktemp("handoff-static")
    content = tmp / "content"
    shutil.copytree(DEMO_CONTENT, content)
    secret = new_secret()
    targets = [{"name": "hook", "type": "webhook", "url": hook.url, "secret": secret}]
    api_port, static_port = free_port(), free_port()
    freezer = make_app(tmp / "f", content, HANDOFF_TARGETS=targets)
    freeze_site(freezer, tmp / "build", f"http://127.0.0.1:{api_port}")
    freezer.extensions["buyerkit.store"].dispose()
    plain = make_app(tmp / "p", content)  # the same site without targets, for comparison
    freeze_site(plain, tmp / "plain", f"http://127.0.0.1:{api_port}")
    plain.extensions["buyerkit.store"].dispose()
    app = make_app(tmp / "e", content, API_ONLY=True, HANDOFF_TARGETS=targets,
                   ALLOWED_ORIGINS=[f"http://127.0.0.1:{static_port}"])
    app.config["TEST_SECRET"] = secret
    endpoint = Endpoint(app, api_port)
    endpoint.start()
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", "--directory",
         str(tmp / "build"), str(static_port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(f"http://127.0.0.1:{static_port}/")
        site = StaticSite(tmp / "build", endpoint, static_port)
        site.plain = tmp / "plain"
        yield site
    finally:
        server.terminate()
        server.wait(timeout=10)
        endpoint.stop()
        app.extensions["buyerkit.handoff"].close()
        endpoint.store.dispose()


def test_a_frozen_page_without_targets_has_no_handoff(frozen):
    page_html = (frozen.plain / "diagnostics" / SLUG / "index.html").read_text()
    assert "handoff" not in page_html
    with_it = (frozen.build / "diagnostics" / SLUG / "index.html").read_text()
    assert 'data-handoff="renewal-risk-check"' in with_it and "handoff.js" in with_it


def test_frozen_fit_verdict_consent_send_by_keyboard(page, frozen, hook):
    from playwright.sync_api import expect

    from tests.browser.test_diagnostic import VERDICTS
    from tests.browser.test_static_build import answer_by_pointer

    hook.requests.clear()
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{frozen.url}/diagnostics/{SLUG}/")
    expect(page.locator("[data-handoff]")).to_be_hidden()
    answer_by_pointer(page, VERDICTS["fit"][0])
    expect(page.locator("#handoff-h")).to_be_visible()
    assert_accessible(page)
    # An unticked box: the endpoint's sentence beside it, nothing stored.
    page.locator("#email").focus()
    page.keyboard.type(EMAIL)
    tab_until(page, lambda e: e[0] == "BUTTON" and e[4] == "Send my result")
    page.keyboard.press("Enter")
    expect(page.locator("#consent-error")).to_be_visible()
    said = " ".join(page.locator("#consent-error").text_content().split())
    assert said == "Error: Tick the box to agree to send your result to the team."
    expect(page.locator("#consent")).to_be_focused()
    page.keyboard.press("Space")
    tab_until(page, lambda e: e[0] == "BUTTON" and e[4] == "Send my result")
    page.keyboard.press("Enter")
    expect(page.locator(".handoff-sent")).to_be_visible()
    expect(page.locator(".handoff-sent")).to_be_focused()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page)
    assert page.context.cookies() == []
    deadline = time.time() + 10
    while not hook.requests and time.time() < deadline:
        time.sleep(0.05)
    (got,) = hook.requests
    secret = frozen.endpoint.app.config["TEST_SECRET"]
    assert docs_verify()(secret, got["headers"], got["body"]) is True
    import json
    data = json.loads(got["body"])["data"]
    assert data["verdict"] == "fit" and data["contact"]["email"] == EMAIL

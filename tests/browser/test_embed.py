"""A vendor's own page on another origin embeds the diagnostic: keyboard only, the frame grows
with each step without a scrollbar of its own, and the signal keeps the host page's channel."""

from __future__ import annotations

import http.server
import shutil
import threading
from collections.abc import Iterator

import pytest

from tests.browser.conftest import LiveServer, assert_accessible
from tests.conftest import DEMO_CONTENT, make_app

ACTIVE = "() => { const e = document.activeElement; return [e.tagName, e.name || '', " \
         "e.type || '', e.textContent.trim()]; }"
HOST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Harborline: renewals you can see coming</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><header><a href="/">Harborline</a></header>
<main><h1>Is renewal risk your problem?</h1>
<p>Take the five-minute check below. It tells you honestly whether we can help.</p>
{snippet}
<p>Questions? Write to hello@harborline.example.</p></main></body></html>
"""


class HostSite:
    """The vendor's existing site: one page on its own origin, with a strict CSP of its own
    that allows the tool's origin exactly where the docs say (script-src, frame-src)."""

    def __init__(self, tool: str, snippet: str, port: int = 0) -> None:
        body = HOST_PAGE.format(snippet=snippet).encode()
        csp = (f"default-src 'self'; script-src 'self' {tool}; frame-src {tool}; "
               "style-src 'self'; img-src 'self'")

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Security-Policy", csp)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, HostSite]]:
    """The tool on one port, allowing the host's origin to frame it; the host on another."""
    tmp = tmp_path_factory.mktemp("embed")
    content = tmp / "content"
    shutil.copytree(DEMO_CONTENT, content)
    # The host's port is known only once it listens: reserve it first, then allow it.
    probe = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    port = probe.server_port
    probe.server_close()
    with LiveServer(make_app(tmp, content, EMBED_ORIGINS=[f"http://127.0.0.1:{port}"])) as tool:
        from buyerkit.pages.embed import snippet

        html = snippet(tool.url, "Is renewal risk the problem you need to solve now?",
                       "/diagnostics/renewal-risk-check/")
        host = HostSite(tool.url, html, port)
        yield tool, host
        host.close()


def _frame_sizes(page) -> tuple[float, float]:
    """(the iframe's height on the host page, the framed document's own height)."""
    outer = page.evaluate("() => document.querySelector('iframe').getBoundingClientRect().height")
    inner = page.frames[1].evaluate(
        "() => document.documentElement.getBoundingClientRect().height")
    return outer, inner


def _tab_in_frame(page, frame, matches, limit: int = 80) -> list[str]:
    for _ in range(limit):
        page.keyboard.press("Tab")
        el = frame.evaluate(ACTIVE)
        if matches(el):
            return el
    raise AssertionError("never reached the wanted element with Tab inside the frame")


def test_a_host_page_embeds_the_diagnostic_and_the_prospect_finishes_it(people, sites):
    tool, host = sites
    context = people.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(host.url + "/?utm_source=newsletter&utm_medium=email&utm_campaign=renewals")
    frame_el = page.wait_for_selector("iframe[title^='Is renewal risk']")
    frame = frame_el.content_frame()
    frame.wait_for_selector("form.diagnostic")
    page.wait_for_function("() => document.querySelector('iframe').offsetHeight !== 640")
    assert_accessible(page)  # the host page with the frame in it

    heights = []
    for _step in range(10):
        frame.wait_for_selector("form.diagnostic, h1")
        page.wait_for_timeout(150)  # the frame's ResizeObserver message
        outer, inner = _frame_sizes(page)
        assert abs(outer - inner) <= 2, (outer, inner)  # no scrollbar inside the frame
        heights.append(outer)
        if frame.query_selector("form.diagnostic") is None:
            break
        names = frame.eval_on_selector_all(
            "form.diagnostic fieldset input", "els => [...new Set(els.map(e => e.name))]")
        for name in names:
            _tab_in_frame(page, frame, lambda e, n=name: e[1] == n)
            page.keyboard.press("Space")  # the first answer of each question
        el = _tab_in_frame(page, frame, lambda e: e[0] == "BUTTON" and e[3].startswith(
            ("Next", "See my result")))
        with frame.expect_navigation():
            page.keyboard.press("Enter")
        assert el
    else:
        raise AssertionError("the diagnostic never ended")
    assert len(set(heights)) > 1  # the frame followed its content from step to step
    assert errors == []
    rows = [r for r in tool.store.rows() if r["kind"] == "diagnostic_completed"]
    assert rows, "the completion was not stored"
    assert (rows[-1]["source"], rows[-1]["medium"], rows[-1]["campaign"]) == \
        ("newsletter", "email", "renewals")
    assert rows[-1]["referrer"] is None  # the host page itself is not the visitor's referrer
    assert context.cookies() == []
    context.close()


def test_a_page_outside_the_allowlist_cannot_frame_the_tool(browser, sites):
    tool, _ = sites
    page = browser.new_page()
    refused = HostSite(tool.url, f'<iframe title="x" src="{tool.url}/diagnostics/'
                                 'renewal-risk-check/"></iframe>')
    try:
        page.goto(refused.url)
        page.wait_for_timeout(500)
        framed = page.frames[1]
        assert framed.evaluate("() => document.querySelector('form.diagnostic')") is None
    finally:
        refused.close()
        page.close()


def test_a_refused_embed_falls_back_to_a_plain_link(browser, sites):
    tool, _ = sites
    page = browser.new_page()
    snippet = (f'<script src="{tool.url}/static/embed.js" data-wait="1500" '
               f'data-src="{tool.url}/diagnostics/renewal-risk-check/" '
               'data-title="Take the renewal risk check" async></script>')
    refused = HostSite(tool.url, snippet)  # a port the tool does not allow
    try:
        page.goto(refused.url)
        link = page.wait_for_selector("main a", timeout=5000)
        assert link.text_content() == "Take the renewal risk check"
        assert link.get_attribute("href") == f"{tool.url}/diagnostics/renewal-risk-check/"
        assert page.query_selector("iframe") is None
    finally:
        refused.close()
        page.close()

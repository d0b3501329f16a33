"""Browser fixtures: Debian's chromium through pytest-playwright, the app on a live port."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from buyerkit.cli import make_private_server
from tests.conftest import DEMO_CONTENT, make_app

CHROMIUM = os.environ.get("BUYERKIT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# A person's browser, as the signal tests need one: headless Chromium's own agent says
# "HeadlessChrome", and its events are filtered as a bot's.
PERSON_UA = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
             "Chrome/131.0.0.0 Safari/537.36")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    args = {**browser_type_launch_args, "args": CHROMIUM_ARGS}
    if Path(CHROMIUM).exists():
        args["executable_path"] = CHROMIUM
    return args


@pytest.fixture(scope="module")
def people(browser_type, browser_type_launch_args: dict):
    """Chromium launched with a person's user agent for every request. A context's own
    override does not reach the beacon Chromium sends as a page goes away (`pagehide`):
    that beacon would carry "HeadlessChrome" and be filtered as a bot's."""
    args = [*browser_type_launch_args.get("args", []), f"--user-agent={PERSON_UA}"]
    browser = browser_type.launch(**{**browser_type_launch_args, "args": args})
    yield browser
    browser.close()


class LiveServer:
    """The real app served by werkzeug on 127.0.0.1 in a thread, for one test module."""

    def __init__(self, app) -> None:
        self.app = app
        self.server = make_private_server("127.0.0.1", 0, app)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)
        self.app.extensions["buyerkit.store"].dispose()

    @property
    def store(self):
        return self.app.extensions["buyerkit.store"]


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    tmp = tmp_path_factory.mktemp("live")
    content = tmp / "content"
    shutil.copytree(DEMO_CONTENT, content)
    with LiveServer(make_app(tmp, content)) as server:
        yield server


@pytest.fixture
def own_origin_only(page, live: LiveServer) -> Iterator[list[str]]:
    """Fail the test if the page asks anything of another origin (no third-party requests)."""
    foreign: list[str] = []
    page.on("request", lambda r: None if r.url.startswith((live.url, "data:", "about:"))
            else foreign.append(r.url))
    yield foreign
    assert foreign == [], f"requests to other origins: {foreign}"


def assert_accessible(page) -> None:
    """axe-core (bundled with axe-playwright-python, no network) finds no violations."""
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()

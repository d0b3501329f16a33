"""Hand-off fixtures: a local webhook receiver, an app whose targets point at it, answers."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from werkzeug.datastructures import MultiDict

from buyerkit.api.openapi import example_answers
from buyerkit.handoff.targets import new_secret
from tests.conftest import make_app

DOCS = Path(__file__).resolve().parents[2] / "docs" / "handoff.md"
SLUG = "renewal-risk-check"
EMAIL = "ana.prospect@acme-renewals.example"


def docs_verify():
    """The `verify` function of docs/handoff.md's Python snippet, run as the docs show it."""
    text = DOCS.read_text()
    section = text.split("## Verify the signature", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    scope: dict[str, Any] = {}
    exec(compile(code, str(DOCS), "exec"), scope)  # noqa: S102 - the docs' own snippet
    return scope["verify"]


class Receiver:
    """An http.server on 127.0.0.1 in a thread: records each request, answers as told."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.status = 204
        self.delay = 0.0
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if outer.delay:
                    time.sleep(outer.delay)
                with outer.lock:
                    outer.requests.append({"path": self.path, "body": body,
                                           "headers": {k.lower(): v for k, v in
                                                       self.headers.items()}})
                    status = outer.status
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def ids(self) -> list[str]:
        return [r["headers"].get("webhook-id") for r in self.requests]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    r.thread.start()
    yield r
    r.close()


@pytest.fixture
def secret() -> str:
    return new_secret()


@pytest.fixture
def make_handoff_app(tmp_path: Path, content_dir: Path):
    """Build apps with hand-off settings; each is closed (worker, outbox, store) after."""
    apps = []

    def make(**config: Any):
        settings = {"HANDOFF_WORKER": "off", "HANDOFF_BACKOFF_SECONDS": 0.01,
                    "HANDOFF_TIMEOUT_SECONDS": 1.0, **config}
        app = make_app(tmp_path, content_dir, **settings)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["buyerkit.handoff"].close()
        app.extensions["buyerkit.store"].dispose()


@pytest.fixture
def hook_app(make_handoff_app, receiver: Receiver, secret: str):
    return make_handoff_app(HANDOFF_TARGETS=[{"name": "hook", "type": "webhook",
                                              "url": receiver.url, "secret": secret}])


@pytest.fixture
def answers(hook_app) -> dict[str, Any]:
    with hook_app.app_context():
        from buyerkit.content.catalog import get_catalog

        return example_answers(get_catalog().diagnostics[SLUG])


def verdict_page(client, answers: dict[str, Any]) -> str:
    """The verdict page as a prospect reaches it: the last step of the check, sent."""
    from buyerkit.content.catalog import get_catalog

    with client.application.app_context():
        steps = len(get_catalog().diagnostics[SLUG].steps)
    pairs = [(k, v) for k, vs in answers.items() for v in (vs if isinstance(vs, list) else [vs])]
    data = MultiDict([*pairs, ("step", str(steps - 1)), ("go", "next")])
    resp = client.post(f"/diagnostics/{SLUG}/", data=data, follow_redirects=True)
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def form_fields(html: str) -> list[tuple[str, str]]:
    """The hand-off form's hidden fields (token and answers) from a rendered page."""
    form = html.split('class="handoff"', 1)[1].split("</form>", 1)[0]
    return re.findall(r'<input[^>]*name="([^"]+)"[^>]*type="hidden" value="([^"]*)"', form) + \
        re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form)


def api_body(answers: dict[str, Any], **extra: Any) -> dict[str, Any]:
    import uuid

    return {"diagnostic": SLUG, "answers": answers, "email": EMAIL, "consent": True,
            "request_id": str(uuid.uuid4()), **extra}


def decoded(request: dict[str, Any]) -> dict[str, Any]:
    return json.loads(request["body"])

"""Delivery: signed per Standard Webhooks (checked by the docs' snippet), retries with backoff,
410 and timeouts handled, and a loop killed with -9 mid-way loses nothing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

from buyerkit.handoff.outbox import deliveries
from tests.handoff.conftest import EMAIL, api_body, decoded, docs_verify


def submit(app, answers, n: int = 1) -> list[str]:
    client = app.test_client()
    ids = []
    for _ in range(n):
        resp = client.post("/api/v1/handoff", json=api_body(answers, name="Ana Prospect"))
        assert resp.status_code == 201, resp.json
        ids.append(resp.json["id"])
    return ids


def deliver(app, now: float | None = None) -> int:
    d = app.extensions["buyerkit.handoff"].deliverer()
    try:
        return d.run_once(now)
    finally:
        d.close()


def delivery(app) -> dict:
    (row,) = app.extensions["buyerkit.handoff"].outbox.rows()
    return row


def test_one_signed_request_that_the_docs_snippet_verifies(hook_app, answers, receiver, secret):
    (rid,) = submit(hook_app, answers)
    assert deliver(hook_app) == 1
    (got,) = receiver.requests
    verify = docs_verify()
    assert verify(secret, got["headers"], got["body"]) is True
    assert got["headers"]["webhook-signature"].startswith("v1,")
    assert got["headers"]["webhook-id"] == f"msg_{rid.replace('-', '')}_hook"
    body = decoded(got)
    assert body["type"] == "contact_request.created"
    assert body["data"]["contact"] == {"email": EMAIL, "name": "Ana Prospect", "note": None}
    assert body["data"]["verdict"] == "fit" and body["data"]["reasons"]
    # A changed body, another secret or an old timestamp fail the same snippet.
    assert verify(secret, got["headers"], got["body"] + b" ") is False
    from buyerkit.handoff.targets import new_secret
    assert verify(new_secret(), got["headers"], got["body"]) is False
    old = {**got["headers"], "webhook-timestamp": str(int(time.time()) - 3600)}
    assert verify(secret, old, got["body"]) is False
    assert delivery(hook_app)["status"] == "delivered"
    assert deliver(hook_app) == 0  # delivered once


def test_a_500_is_retried_with_backoff_then_delivered(hook_app, answers, receiver):
    hook_app.config["HANDOFF_BACKOFF_SECONDS"] = 30.0
    submit(hook_app, answers)
    receiver.status = 500
    now = time.time()
    assert deliver(hook_app, now) == 1
    row = delivery(hook_app)
    assert (row["status"], row["attempts"], row["error"]) == ("pending", 1,
                                                              "receiver answered 500")
    assert 29 < row["due"] - now < 32  # 30 s after the first failure
    assert deliver(hook_app, now + 5) == 0  # not due yet
    assert deliver(hook_app, now + 31) == 1
    assert 59 < delivery(hook_app)["due"] - time.time() < 61  # doubled (from the real clock)
    receiver.status = 200
    assert deliver(hook_app, time.time() + 200) == 1
    assert delivery(hook_app)["status"] == "delivered"
    assert len(set(receiver.ids())) == 1 and len(receiver.requests) == 3


def test_a_410_is_given_up_at_once_with_the_reason(hook_app, answers, receiver):
    submit(hook_app, answers)
    receiver.status = 410
    deliver(hook_app)
    row = delivery(hook_app)
    assert (row["status"], row["error"]) == (
        "failed", "receiver answered 410 Gone: it takes no more requests")
    assert hook_app.extensions["buyerkit.handoff"].outbox.bodies()  # the request is kept


def test_a_receiver_that_times_out_is_retried_until_the_limit(hook_app, answers, receiver):
    hook_app.config["HANDOFF_MAX_ATTEMPTS"] = 2
    submit(hook_app, answers)
    receiver.delay = 1.5  # HANDOFF_TIMEOUT_SECONDS is 1 in these tests
    deliver(hook_app)
    row = delivery(hook_app)
    assert (row["status"], row["error"]) == ("pending", "receiver did not answer within 1 s")
    deliver(hook_app, time.time() + 10)
    row = delivery(hook_app)
    assert (row["status"], row["attempts"]) == ("failed", 2)
    assert row["error"] == "receiver did not answer within 1 s"


def test_a_stopped_receiver_gets_the_request_once_it_is_back(hook_app, answers, receiver):
    """The walk-through: stop the receiver, send, start it again: it arrives once."""
    port = int(receiver.url.rsplit(":", 1)[1].split("/")[0])
    receiver.close()
    (rid,) = submit(hook_app, answers)
    deliver(hook_app)
    row = delivery(hook_app)
    assert row["status"] == "pending"
    assert row["error"] == "receiver not reachable: ConnectionRefusedError"
    from tests.handoff.conftest import Receiver
    back = Receiver.__new__(Receiver)
    back.__init__()  # a new receiver; bind it to the old port
    back.server.server_close()
    from http.server import ThreadingHTTPServer
    back.server = ThreadingHTTPServer(("127.0.0.1", port), back.server.RequestHandlerClass)
    import threading
    back.thread = threading.Thread(target=back.server.serve_forever, daemon=True)
    back.thread.start()
    try:
        deliver(hook_app, time.time() + 60)
        assert back.ids() == [f"msg_{rid.replace('-', '')}_hook"]
        assert delivery(hook_app)["status"] == "delivered"
    finally:
        back.close()


KILL_N = 24


def test_kill_9_mid_way_loses_nothing_and_duplicates_share_an_id(
        hook_app, answers, receiver, secret, tmp_path: Path, content_dir: Path):
    ids = submit(hook_app, answers, KILL_N)
    hook_app.extensions["buyerkit.handoff"].close()
    receiver.delay = 0.25
    env = {**os.environ,
           "BUYERKIT_INSTANCE_PATH": str(tmp_path / "instance"),
           "BUYERKIT_CONTENT_DIR": str(content_dir),
           "BUYERKIT_SECRET_KEY": "test-secret",
           "BUYERKIT_HANDOFF_TARGETS": json.dumps([{"name": "hook", "type": "webhook",
                                                    "url": receiver.url, "secret": secret}]),
           "BUYERKIT_HANDOFF_CONCURRENCY": "2", "BUYERKIT_HANDOFF_LEASE_SECONDS": "1",
           "BUYERKIT_HANDOFF_TIMEOUT_SECONDS": "0.5"}
    cmd = [sys.executable, "-m", "buyerkit.cli", "handoff", "run", "--poll", "0.1"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.time() + 30
        while len(receiver.requests) < 5 and time.time() < deadline:
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)  # mid-batch: some sent, none recorded for them
    finally:
        proc.wait(timeout=10)
    received_before = len(receiver.requests)
    assert 5 <= received_before < KILL_N
    receiver.delay = 0.0
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.time() + 60
        outbox = hook_app.extensions["buyerkit.handoff"].outbox
        while outbox.counts()["delivered"] < KILL_N and time.time() < deadline:
            time.sleep(0.1)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    with outbox.engine.begin() as conn:
        statuses = conn.execute(sa.select(deliveries.c.status)).scalars().all()
    outbox.dispose()
    assert statuses == ["delivered"] * KILL_N
    expected = {f"msg_{i.replace('-', '')}_hook" for i in ids}
    assert set(receiver.ids()) == expected  # nothing lost
    # Whatever arrived twice arrived with the same webhook-id and the same body: deduplicable.
    bodies: dict[str, set[bytes]] = {}
    for r in receiver.requests:
        bodies.setdefault(r["headers"]["webhook-id"], set()).add(r["body"])
    assert all(len(b) == 1 for b in bodies.values())

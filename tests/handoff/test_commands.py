"""`buyerkit handoff list|retry|run`, `buyerkit webhooks test|secret`, retention in `purge`,
and the prospect's e-mail address nowhere in the signal store or the logs."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from buyerkit.handoff import counts
from buyerkit.handoff.outbox import deliveries
from tests.handoff.conftest import EMAIL, api_body, docs_verify
from tests.handoff.test_delivery import deliver
from tests.handoff.test_views import send


@pytest.fixture
def cli_env(monkeypatch, tmp_path: Path, content_dir: Path, receiver, secret):
    """The CLI's app: the same instance folder and targets as `hook_app`."""
    monkeypatch.setenv("BUYERKIT_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("BUYERKIT_CONTENT_DIR", str(content_dir))
    monkeypatch.setenv("BUYERKIT_SECRET_KEY", "test-secret")
    monkeypatch.setenv("BUYERKIT_HANDOFF_TARGETS", json.dumps(
        [{"name": "hook", "type": "webhook", "url": receiver.url, "secret": secret}]))


def test_list_and_retry_a_given_up_delivery(hook_app, answers, receiver, runner, cli_env):
    hook_app.test_client().post("/api/v1/handoff", json=api_body(answers))
    receiver.status = 410
    deliver(hook_app)
    listed = runner.invoke(["handoff", "list"])
    assert listed.exit_code == 0, listed.stderr
    assert listed.stdout.startswith("0 delivered, 1 failed, 0 pending.\n")
    assert "hook  fit  failed  attempts=1  last error: receiver answered 410 Gone" in listed.stdout
    assert EMAIL not in listed.stdout
    (row,) = hook_app.extensions["buyerkit.handoff"].outbox.rows()
    retried = runner.invoke(["handoff", "retry", row["request"]])
    assert (retried.exit_code, retried.stdout.split(";")[0]) == (0, "1 delivery queued again")
    receiver.status = 200
    ran = runner.invoke(["handoff", "run", "--once"])
    assert (ran.exit_code, ran.stdout.strip()) == (0, "Made 1 delivery attempt.")
    assert counts(hook_app) == {"pending": 0, "delivered": 1, "failed": 0}
    nothing = runner.invoke(["handoff", "retry", "nope"])
    assert nothing.exit_code == 1 and nothing.stderr.startswith("Error: no given-up delivery")


def test_webhooks_test_sends_a_signed_sample(receiver, secret, runner, cli_env):
    result = runner.invoke(["webhooks", "test", receiver.url])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"Delivered a signed sample to {receiver.url}")
    (got,) = receiver.requests
    assert docs_verify()(secret, got["headers"], got["body"]) is True
    receiver.status = 500
    failed = runner.invoke(["webhooks", "test", receiver.url, "--secret", secret])
    assert (failed.exit_code, failed.stderr.strip()) == (
        1, f"Error: {receiver.url}: receiver answered 500")


def test_webhooks_secret_is_a_standard_webhooks_secret(runner):
    from buyerkit.handoff.targets import secret_key

    out = runner.invoke(["webhooks", "secret"]).stdout.strip()
    assert out.startswith("whsec_") and len(secret_key(out)) == 32


def test_purge_deletes_requests_past_retention_after_delivery(hook_app, answers, receiver,
                                                             runner, cli_env):
    client = hook_app.test_client()
    for _ in range(3):
        client.post("/api/v1/handoff", json=api_body(answers))
    deliver(hook_app)
    outbox = hook_app.extensions["buyerkit.handoff"].outbox
    old, recent, pending = [r["id"] for r in outbox.rows()]
    day = 86400
    with outbox.engine.begin() as conn:
        for msg, finished in ((old, time.time() - 31 * day), (recent, time.time() - 29 * day)):
            conn.execute(deliveries.update().where(deliveries.c.id == msg)
                         .values(finished=finished))
        conn.execute(deliveries.update().where(deliveries.c.id == pending)
                     .values(status="pending", finished=None))
    result = runner.invoke(["purge"])
    assert result.exit_code == 0, result.stderr
    assert "Purged 1 contact request delivered more than 30 days ago." in result.stdout
    assert sorted(r["id"] for r in outbox.rows()) == sorted([recent, pending])
    assert all(EMAIL in b for b in outbox.bodies()) and len(outbox.bodies()) == 2


def test_the_email_is_nowhere_in_the_signal_store_or_the_logs(hook_app, answers, receiver,
                                                             caplog, tmp_path: Path):
    caplog.set_level(logging.DEBUG)
    client = hook_app.test_client()
    assert send(client, answers, email=EMAIL, consent="y", note="hi").status_code == 200
    receiver.status = 500
    deliver(hook_app)
    receiver.status = 200
    deliver(hook_app, time.time() + 60)
    assert counts(hook_app)["delivered"] == 1
    assert "hand-off" in caplog.text  # the loop did log its deliveries
    assert EMAIL not in caplog.text and "acme-renewals" not in caplog.text
    store = hook_app.extensions["buyerkit.store"]
    store.checkpoint()
    with store.engine.begin() as conn:
        for table in sa.inspect(conn).get_table_names():
            rows = conn.execute(sa.text(f'SELECT * FROM "{table}"')).all()
            assert "acme-renewals" not in repr(rows), table
    for f in (tmp_path / "instance").glob("buyerkit.sqlite3*"):
        assert b"acme-renewals" not in f.read_bytes(), f
    assert any(b"acme-renewals" in f.read_bytes()
               for f in (tmp_path / "instance").glob("handoff.sqlite3*"))

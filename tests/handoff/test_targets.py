"""HubSpot, Salesforce and e-mail targets against local receivers (http.server, aiosmtpd)."""

from __future__ import annotations

import urllib.parse
from email import message_from_bytes, policy

import pytest

from tests.handoff.conftest import EMAIL, api_body, decoded
from tests.handoff.test_delivery import deliver


def test_the_email_target_sends_to_sales_with_reply_to_and_a_stable_message_id(
        make_handoff_app, answers, smtp):
    inbox, port = smtp
    app = make_handoff_app(HANDOFF_TARGETS=[{
        "name": "sales-mail", "type": "email", "to": ["sales@harborline.example"],
        "smtp": {"host": "127.0.0.1", "port": port, "security": "none",
                 "from": "buyerkit@harborline.example"}}])
    resp = app.test_client().post("/api/v1/handoff",
                                  json=api_body(answers, note="We renew 300 accounts in May."))
    rid = resp.json["id"]
    assert deliver(app) == 1
    (env,) = inbox.envelopes
    assert env.rcpt_tos == ["sales@harborline.example"]
    msg = message_from_bytes(env.content, policy=policy.default)
    assert msg["Reply-To"] == EMAIL
    assert msg["Message-ID"] == f"<msg_{rid.replace('-', '')}_sales-mail@buyerkit.handoff>"
    text = msg.get_content()
    assert "We renew 300 accounts in May." in text and f"Request id: {rid}" in text
    assert app.extensions["buyerkit.handoff"].outbox.rows()[0]["status"] == "delivered"


def test_an_smtp_server_that_is_down_is_retried(make_handoff_app, answers, smtp):
    _, port = smtp
    app = make_handoff_app(HANDOFF_TARGETS=[{
        "name": "sales-mail", "type": "email", "to": "sales@harborline.example",
        "smtp": {"host": "127.0.0.1", "port": port + 1 if port < 65535 else 1,
                 "security": "none", "from": "buyerkit@harborline.example"}}])
    app.test_client().post("/api/v1/handoff", json=api_body(answers))
    deliver(app)
    (row,) = app.extensions["buyerkit.handoff"].outbox.rows()
    assert (row["status"], row["error"]) == (
        "pending", "SMTP server not reachable: ConnectionRefusedError")


def test_hubspot_gets_a_forms_submission(make_handoff_app, answers, receiver):
    app = make_handoff_app(HANDOFF_TARGETS=[{"name": "hubspot", "type": "hubspot",
                                             "portal_id": "123", "form_guid": "abc",
                                             "url": receiver.url}])
    app.test_client().post("/api/v1/handoff", json=api_body(answers, name="Ana Prospect"))
    deliver(app)
    body = decoded(receiver.requests[0])
    fields = {f["name"]: f["value"] for f in body["fields"]}
    assert fields["email"] == EMAIL
    assert (fields["firstname"], fields["lastname"]) == ("Ana", "Prospect")
    assert "Why:" in fields["message"]
    assert all(f["objectTypeId"] == "0-1" for f in body["fields"])
    assert body["legalConsentOptions"]["consent"]["consentToProcess"] is True
    assert body["legalConsentOptions"]["consent"]["text"].startswith("Send Harborline's team")


def test_salesforce_gets_web_to_lead_fields(make_handoff_app, answers, receiver):
    app = make_handoff_app(HANDOFF_TARGETS=[{"name": "sf", "type": "salesforce",
                                             "oid": "00D000000000001", "url": receiver.url}])
    app.test_client().post("/api/v1/handoff", json=api_body(answers, name="Ana Prospect"))
    deliver(app)
    got = receiver.requests[0]
    assert got["headers"]["content-type"] == "application/x-www-form-urlencoded"
    fields = dict(urllib.parse.parse_qsl(got["body"].decode()))
    assert fields["oid"] == "00D000000000001" and fields["email"] == EMAIL
    assert (fields["first_name"], fields["last_name"]) == ("Ana", "Prospect")
    assert fields["lead_source"] == "buyerkit" and "Request id:" in fields["description"]


@pytest.mark.parametrize("targets,message", [
    ('[{"name": "x", "type": "webhook", "url": "http://h/", "secret": "abc"}]',
     "Error: HANDOFF_TARGETS 'x': a webhook secret starts with 'whsec_' "
     "(see `buyerkit webhooks secret`)"),
    ('[{"name": "x", "type": "fax"}]',
     "Error: HANDOFF_TARGETS 'x': 'type' must be webhook, hubspot, salesforce or email"),
    ('[{"name": "x", "type": "email", "to": "s@h.example", "smtp": {"host": "h"}}]',
     "Error: HANDOFF_TARGETS 'x': smtp 'from' is required (the sender's address)"),
], ids=["secret", "type", "smtp"])
def test_a_bad_target_is_one_error_line(runner, monkeypatch, tmp_path, content_dir, targets,
                                        message):
    monkeypatch.setenv("BUYERKIT_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("BUYERKIT_CONTENT_DIR", str(content_dir))
    monkeypatch.setenv("BUYERKIT_HANDOFF_TARGETS", targets)
    result = runner.invoke(["handoff", "list"])
    assert (result.exit_code, result.stderr.strip()) == (1, message)

"""Marketing sees contact requests only as counts on the reports' overview, never joined to
the signals."""

from __future__ import annotations

from buyerkit.reports import accounts
from tests.handoff.conftest import EMAIL, api_body
from tests.reports.conftest import PASSWORD
from tests.reports.test_auth import login


def test_the_overview_counts_contact_requests_and_shows_nothing_else(hook_app, answers):
    client = hook_app.test_client()
    accounts.add(hook_app.extensions["buyerkit.store"].engine, "alice", PASSWORD)
    login(client)
    before = client.get("/reports/").get_data(as_text=True)
    assert "Contact requests prospects chose to send" not in before  # none yet: no line
    for _ in range(2):
        assert client.post("/api/v1/handoff", json=api_body(answers)).status_code == 201
    page = client.get("/reports/").get_data(as_text=True)
    assert ("Contact requests prospects chose to send, kept apart from these signals and "
            "counted only: 0 delivered, 0 failed, 2 waiting") in page
    assert EMAIL not in page


def test_a_body_past_the_json_limits_is_named_like_every_api_route(hook_app):
    body = '{"a":' * 9 + "1" + "}" * 9
    resp = hook_app.test_client().post("/api/v1/handoff", data=body,
                                       content_type="application/json")
    assert resp.status_code == 400
    assert resp.get_json() == {"ok": False, "error": "The JSON body is nested deeper than 8 "
                               "levels.", "errors": [], "status": 400}

"""The verdict page's form and /api/v1/handoff: consent, errors beside the field, CSRF, replay."""

from __future__ import annotations

import json
import re

import pytest
from werkzeug.datastructures import MultiDict

from buyerkit.handoff import requests as rq
from tests.handoff.conftest import EMAIL, api_body, form_fields, verdict_page


def send(client, answers, **fields):
    page = verdict_page(client, answers)
    data = [*form_fields(page), *fields.items()]
    return client.post("/handoff/renewal-risk-check/", data=MultiDict(data))


def stored(app) -> int:
    return len(app.extensions["buyerkit.handoff"].outbox.bodies())


def test_the_verdict_page_offers_the_form_with_what_is_sent(hook_app, answers):
    html = verdict_page(hook_app.test_client(), answers)
    assert 'class="handoff"' in html and "Send my result to the team" in html
    assert ("Send Harborline&#39;s team my e-mail address, the name and note I typed, and this "
            "result: the verdict, the reasons for it, my problem area, what makes it urgent "
            "and the size bands of my answers, and the roles in my team if I chose to include "
            "them. Harborline keeps it for 30 days after it reaches the team, then deletes "
            "it.") in html
    assert ('<label for="include_roles">Also send the roles in your team that must agree: '
            'CFO</label>') in html


@pytest.mark.parametrize("tick,roles", [(True, [{"role": "cfo", "title": "CFO"}]), (False, [])],
                         ids=["included", "left-out"])
def test_roles_are_sent_only_when_ticked(hook_app, answers, tick, roles):
    extra = {"include_roles": "y"} if tick else {}
    resp = send(hook_app.test_client(), answers, email=EMAIL, consent="y", **extra)
    assert resp.status_code == 200
    (body,) = hook_app.extensions["buyerkit.handoff"].outbox.bodies()
    assert json.loads(body)["roles"] == roles


def test_no_targets_no_form_and_no_script(make_handoff_app, answers):
    app = make_handoff_app()
    html = verdict_page(app.test_client(), answers)
    assert 'class="handoff"' not in html
    assert app.test_client().post("/api/v1/handoff", json={}).status_code == 404


def test_a_consenting_prospect_is_stored_and_thanked_without_a_cookie(hook_app, answers):
    client = hook_app.test_client()
    resp = send(client, answers, email=EMAIL, name="Ana Prospect", note="Renewals in May.",
                consent="y")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200, html
    assert "Sent to the Harborline team" in html and EMAIL in html
    assert "Set-Cookie" not in resp.headers
    (body,) = hook_app.extensions["buyerkit.handoff"].outbox.bodies()
    assert EMAIL in body and "Renewals in May." in body and '"verdict":"fit"' in body
    assert "journey" not in body  # never joinable to the anonymous signals


@pytest.mark.parametrize("fields,field,message", [
    ({"email": "", "consent": "y"}, "email", "Enter your work e-mail address."),
    ({"email": "ana@", "consent": "y"}, "email", "Enter an e-mail address like name@company.com."),
    ({"email": "ana at acme.example", "consent": "y"}, "email",
     "Enter an e-mail address like name@company.com."),
    ({"email": EMAIL}, "consent", "Tick the box to agree to send your result to the team."),
    ({"email": EMAIL, "consent": "y", "note": "x" * 2001}, "note",
     "Keep the note to 2,000 characters or fewer."),
], ids=["missing-email", "half-email", "spaced-email", "no-consent", "long-note"])
def test_bad_input_is_said_beside_the_field_and_nothing_is_stored(hook_app, answers, fields,
                                                                  field, message):
    resp = send(hook_app.test_client(), answers, **fields)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert (f'<p class="field-error" id="{field}-error"><span class="visually-hidden">Error:'
            f'</span> <span class="message">{message}</span></p>') in html
    assert re.search(rf'aria-describedby="{field}-error"', html)
    assert stored(hook_app) == 0


def test_a_note_of_exactly_2000_characters_is_fine(hook_app, answers):
    resp = send(hook_app.test_client(), answers, email=EMAIL, consent="y", note="x" * 2000)
    assert resp.status_code == 200 and stored(hook_app) == 1


def test_a_forged_csrf_token_is_refused(hook_app, answers):
    client = hook_app.test_client()
    page = verdict_page(client, answers)
    data = MultiDict(form_fields(page))
    nonce, ts, mac = data["csrf_token"].split(".")
    for forged in (f"{nonce}.{ts}.{'0' * 32}", f"{nonce}x.{ts}.{mac}", "", f"{nonce}.1.{mac}"):
        resp = client.post("/handoff/renewal-risk-check/",
                           data=MultiDict([*((k, v) for k, v in data.items(multi=True)
                                             if k != "csrf_token"),
                                           ("csrf_token", forged), ("email", EMAIL),
                                           ("consent", "y")]))
        assert resp.status_code == 400
        assert rq.FORGED in resp.get_data(as_text=True)
    assert stored(hook_app) == 0


def test_an_expired_token_is_refused(hook_app, answers):
    hook_app.config["HANDOFF_TOKEN_MAX_AGE"] = -1
    resp = send(hook_app.test_client(), answers, email=EMAIL, consent="y")
    assert resp.status_code == 400 and rq.FORGED in resp.get_data(as_text=True)
    assert stored(hook_app) == 0


def test_a_replayed_form_is_stored_once(hook_app, answers):
    client = hook_app.test_client()
    data = [*form_fields(verdict_page(client, answers)), ("email", EMAIL), ("consent", "y")]
    data = MultiDict(data)
    assert client.post("/handoff/renewal-risk-check/", data=data).status_code == 200
    again = client.post("/handoff/renewal-risk-check/", data=data)
    assert again.status_code == 409
    assert rq.REPLAYED in again.get_data(as_text=True)
    assert stored(hook_app) == 1


def test_a_tampered_answer_cannot_make_a_verdict(hook_app, answers):
    client = hook_app.test_client()
    data = [(k, "made-up" if k == "a.size" else v)
            for k, v in form_fields(verdict_page(client, answers))]
    resp = client.post("/handoff/renewal-risk-check/",
                       data=MultiDict([*data, ("email", EMAIL), ("consent", "y")]))
    assert resp.status_code == 400 and rq.ANSWERS_BAD in resp.get_data(as_text=True)
    assert stored(hook_app) == 0


def test_the_api_stores_and_refuses_a_replay(hook_app, answers):
    client = hook_app.test_client()
    body = api_body(answers, roles=["cfo"])
    resp = client.post("/api/v1/handoff", json=body)
    assert resp.status_code == 201 and resp.json["verdict"] == "fit"
    again = client.post("/api/v1/handoff", json=body)
    assert again.status_code == 409
    assert again.json == {"ok": False, "error": rq.REPLAYED, "status": 409,
                          "errors": [{"field": "request_id", "message": rq.REPLAYED}]}
    assert stored(hook_app) == 1


@pytest.mark.parametrize("change,errors", [
    ({"email": "nope"}, [{"field": "email", "message": rq.EMAIL_BAD}]),
    ({"consent": False}, [{"field": "consent", "message": rq.CONSENT_MISSING}]),
    ({"note": "y" * 2001}, [{"field": "note", "message": rq.NOTE_LONG}]),
    ({"roles": ["ceo-of-everything"]}, [{"field": "roles", "message": rq.ROLES_BAD}]),
    ({"numbers": {"calculator": "renewal-roi", "inputs": {"nope": 1}}},
     [{"field": "numbers", "message": rq.NUMBERS_BAD}]),
    ({"request_id": "1"}, [{"field": "request_id", "message": "Must be a UUID."}]),
    ({"extra": 1}, [{"field": "extra", "message": "Unknown field."}]),
], ids=["email", "consent", "note", "roles", "numbers", "request-id", "unknown"])
def test_api_errors_use_the_json_shape(hook_app, answers, change, errors):
    resp = hook_app.test_client().post("/api/v1/handoff", json={**api_body(answers), **change})
    assert resp.status_code == 400
    assert resp.json == {"ok": False, "error": "The request is not valid.", "errors": errors,
                         "status": 400}
    assert stored(hook_app) == 0


def test_the_api_is_in_the_openapi_document(hook_app):
    from openapi_spec_validator import validate

    doc = hook_app.test_client().get("/api/openapi.json").json
    validate(doc)
    assert "post" in doc["paths"]["/api/v1/handoff"]


def test_hand_offs_are_rate_limited_per_client(make_handoff_app, receiver, secret, answers):
    app = make_handoff_app(RATELIMIT_API="2 per minute", HANDOFF_TARGETS=[
        {"name": "hook", "type": "webhook", "url": receiver.url, "secret": secret}])
    client = app.test_client()
    codes = [client.post("/api/v1/handoff", json=api_body(answers)).status_code
             for _ in range(3)]
    assert codes == [201, 201, 429]
    assert stored(app) == 2
